#include "cli.h"

#include <string.h>

#include "text.h"

static bool listed(const char *name, size_t len, const char *const *list)
{
	for (; list && *list; list++)
		if (strlen(*list) == len && strncmp(*list, name, len) == 0)
			return true;
	return false;
}

bool cli_parse(struct cli_ctx *c, int argc, char **argv, const char *const *flags, const char *const *options,
	       struct cli_args *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			out->help = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (out->npos == CLI_MAX_ARGS)
				goto too_many;
			out->pos[out->npos++] = a;
			continue;
		}
		if (out->nopts == CLI_MAX_ARGS)
			goto too_many;
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		bool flag = listed(name, len, flags);
		if (!flag && !listed(name, len, options)) {
			/* A mistyped option would otherwise be ignored, and the command run without it. */
			fprintf(c->err, "unknown option --%.*s (see --help)\n", (int)len, name);
			return false;
		}
		out->names[out->nopts] = name;
		if (eq) {
			out->values[out->nopts] = eq + 1;
		} else if (flag) {
			out->values[out->nopts] = "1";
		} else {
			if (i + 1 >= argc) {
				fprintf(c->err, "option --%s needs a value\n", name);
				return false;
			}
			out->values[out->nopts] = argv[++i];
		}
		out->nopts++;
	}
	return true;
too_many:
	fprintf(c->err, "too many arguments\n");
	return false;
}

static bool name_is(const char *opt, const char *name)
{
	size_t n = strlen(name);
	return strncmp(opt, name, n) == 0 && (opt[n] == '\0' || opt[n] == '=');
}

const char *cli_opt(const struct cli_args *a, const char *name)
{
	const char *v = NULL;
	for (int i = 0; i < a->nopts; i++)
		if (name_is(a->names[i], name))
			v = a->values[i]; /* the last one wins */
	return v;
}

bool cli_has(const struct cli_args *a, const char *name)
{
	return cli_opt(a, name) != NULL;
}

bool cli_read_line(char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, stdin))
		return false;
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

void cli_put_cell(FILE *f, const char *s, int width)
{
	s = s ? s : "";
	fputs(s, f);
	for (size_t w = text_display_width(s); w < (size_t)(width > 0 ? width : 0); w++)
		fputc(' ', f);
}
