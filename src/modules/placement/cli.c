/*
 * cli.c - `shuangyong placement verify FILE`: anyone holding a batch export
 * recomputes every score, rank and result and the three digests;
 * `shuangyong placement policy …`: read and set the policy tables.
 */
#include <string.h>

#include "lib/cli.h"
#include "placement.h"

static const char PLACEMENT_USAGE[] =
	"usage: shuangyong placement verify FILE\n"
	"       shuangyong placement policy list\n"
	"       shuangyong placement policy show CODE\n"
	"       shuangyong placement policy set CODE ITEM VALUE|unset\n"
	"verify: recompute a batch export (scores from each candidate's inputs and the policy table's\n"
	"values, ranks with the tie-break chain, the allocation from the preferences or the recorded\n"
	"live choices) and compare with what it states. Prints \"confirmed\" and the three SHA-256\n"
	"digests (scores, posts, results), or the first difference; exit status 0 confirmed,\n"
	"1 a difference, 2 an unreadable file. Needs no database.\n"
	"policy: the 阳光安置 scoring tables (see docs/placement.md); set is audited as the system.\n";

static int verify_file(struct cli_ctx *c, const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		fprintf(c->err, "error: %s: %s (line %d)\n", path, je.text, je.line);
		return 2;
	}
	bool same = false;
	char diff[768];
	struct pl_digests dg;
	sy_err err;
	int rc;
	if (pl_verify(j, &same, diff, sizeof diff, &dg, &err)) {
		fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
		rc = 2;
	} else if (same) {
		fprintf(c->out, "confirmed\nscores  %s\nposts   %s\nresults %s\n", dg.scores, dg.posts, dg.results);
		rc = 0;
	} else {
		fprintf(c->out, "DIFFERENCE: %s\n", diff);
		rc = 1;
	}
	json_decref(j);
	return rc;
}

static void print_policy(struct cli_ctx *c, const struct pl_policy *p)
{
	fprintf(c->out, "%s  %s  discharges %s .. %s  (%d unset)\n", p->code, p->name_zh,
		p->effective_from[0] ? p->effective_from : "*", p->effective_to[0] ? p->effective_to : "*", p->nunset);
	for (int i = 0; i < p->nitems; i++) {
		char v[32];
		pl_format_milli(p->items[i].value_milli, v);
		fprintf(c->out, "  %-28s %-14s %-10s %s\n", p->items[i].code, p->items[i].unit,
			p->items[i].set ? v : "(unset)", p->items[i].label_zh);
	}
}

static int policy_cmd(struct cli_ctx *c, const struct cli_args *a)
{
	sy_err err;
	int rc = 0;
	const char *sub = a->npos > 1 ? a->pos[1] : "list";
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	struct pl_policy p = {0};
	if (strcmp(sub, "list") == 0) {
		json_t *items = NULL;
		if (policy_list(d, &items, &err))
			goto fail;
		size_t i;
		json_t *o;
		json_array_foreach(items, i, o)
			fprintf(c->out, "%s  %s  (%lld items, %lld unset)\n",
				json_string_value(json_object_get(o, "code")), json_string_value(json_object_get(o, "name_zh")),
				(long long)json_integer_value(json_object_get(o, "items")),
				(long long)json_integer_value(json_object_get(o, "unset")));
		json_decref(items);
	} else if (strcmp(sub, "show") == 0 && a->npos == 3) {
		if (policy_get(d, a->pos[2], &p, &err))
			goto fail;
		print_policy(c, &p);
	} else if (strcmp(sub, "set") == 0 && a->npos == 5) {
		struct principal sys;
		principal_system(&sys, "system");
		const char *v = strcmp(a->pos[4], "unset") == 0 ? NULL : a->pos[4];
		if (policy_set_item(d, &sys, a->pos[2], a->pos[3], v, &err))
			goto fail;
		fprintf(c->out, "%s %s = %s\n", a->pos[2], a->pos[3], v ? v : "(unset)");
	} else {
		fputs(PLACEMENT_USAGE, c->err);
		rc = 2;
	}
	goto out;
fail:
	fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
	rc = 1;
out:
	policy_free(&p);
	db_close(d);
	return rc;
}

static int cmd_placement(struct cli_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help) {
		fputs(PLACEMENT_USAGE, c->out);
		return 0;
	}
	if (a.npos == 2 && strcmp(a.pos[0], "verify") == 0)
		return verify_file(c, a.pos[1]);
	if (a.npos >= 1 && strcmp(a.pos[0], "policy") == 0)
		return policy_cmd(c, &a);
	fputs(PLACEMENT_USAGE, c->err);
	return 2;
}

const struct cli_command placement_commands[] = {
	{"placement", "阳光安置: verify a batch export; the policy tables", PLACEMENT_USAGE, cmd_placement},
};
const int placement_commands_count = sizeof placement_commands / sizeof placement_commands[0];
