/* cli.c - `shuangyong import people FILE`: the import without the browser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"
#include "lib/cli.h"
#include "lib/crypto.h"

static const char IMPORT_USAGE[] =
	"usage: shuangyong import people FILE [--dry-run] [--on-existing skip|update] [--rejected OUT.csv]\n"
	"Imports people from CSV (UTF-8 with or without BOM, or GB18030/GBK) or .xlsx. Columns (Chinese or\n"
	"English): 身份证号/id_number, 姓名/name, 居住地区代码/region_code (required); 电话/phone, 居住地址/address,\n"
	"户籍地区代码, 户籍地址, 纬度/lat, 经度/lon, 人员类别/category. Valid rows are written in one transaction;\n"
	"every problem is listed with its row and column; --rejected writes the bad rows to fix and re-import.\n"
	"A person already registered (same 身份证号) is skipped unless --on-existing update. --dry-run: check only.\n"
	"Exit status: 0 all rows valid, 3 some rows rejected (the rest imported), 1 the file could not be imported.\n";

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *buf = NULL;
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
		*len = fread(buf, 1, (size_t)st.st_size, f);
		if (*len != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static int cmd_import(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const flags[] = {"dry-run", NULL};
	struct cli_args a;
	struct import_report rep;
	struct principal sys;
	char digest[CRYPTO_SHA256_HEX];
	sy_err err;
	size_t len = 0;
	int rc = 0;
	if (!cli_parse(c, argc, argv, flags, &a))
		return 2;
	if (a.help || a.npos != 2 || strcmp(a.pos[0], "people") != 0) {
		fputs(IMPORT_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	const char *mode = cli_opt(&a, "on-existing");
	if (mode && strcmp(mode, "skip") && strcmp(mode, "update")) {
		fputs(IMPORT_USAGE, c->err);
		return 2;
	}
	char *buf = read_file(a.pos[1], &len);
	if (!buf) {
		fprintf(c->err, "error: cannot read %s: %s\n", a.pos[1], strerror(errno));
		return 1;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		free(buf);
		return 1;
	}
	crypto_sha256_hex(buf, len, digest);
	principal_system(&sys, "cli");
	struct import_options opt = {.commit = !cli_has(&a, "dry-run"),
				     .update_existing = mode && !strcmp(mode, "update"),
				     .filename = a.pos[1], .digest = digest};
	if (registry_import_people(d, &sys, buf, len, &opt, &rep, &err)) {
		fprintf(c->err, "error: %s (%s%s%s)\n", err.msg_en, err.code, err.field[0] ? ", column " : "", err.field);
		rc = 1;
		goto out;
	}
	fprintf(c->out, "%s: %zu rows, %zu valid, %zu invalid; %zu inserted, %zu updated, %zu skipped (already registered)%s\n",
		rep.format, rep.rows, rep.valid, rep.invalid, rep.inserted, rep.updated, rep.skipped,
		opt.commit ? "" : " — dry run, nothing written");
	size_t i;
	json_t *p;
	json_array_foreach(rep.problems, i, p)
		fprintf(c->out, "  row %" JSON_INTEGER_FORMAT ", %s: %s\n", json_integer_value(json_object_get(p, "row")),
			json_string_value(json_object_get(p, "column")), json_string_value(json_object_get(p, "message_en")));
	const char *out = cli_opt(&a, "rejected");
	if (out && rep.invalid) {
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(rep.rejected, 1, rep.rejected_len, f) != rep.rejected_len) {
			fprintf(c->err, "error: cannot write %s\n", out);
			rc = 1;
		}
		if (f)
			fclose(f);
	}
	rc = rc ? rc : (rep.invalid ? 3 : 0);
	import_report_free(&rep);
out:
	db_close(d);
	free(buf);
	return rc;
}

const struct cli_command registry_commands[] = {
	{"import", "import people from CSV (UTF-8/GBK) or .xlsx", IMPORT_USAGE, cmd_import},
};
const int registry_commands_count = sizeof registry_commands / sizeof registry_commands[0];
