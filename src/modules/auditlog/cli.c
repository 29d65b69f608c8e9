/* cli.c - `shuangyong audit verify`: exit 0 when the chain holds, 1 naming the first broken row. */
#include <inttypes.h>
#include <string.h>

#include "auditlog.h"
#include "lib/cli.h"

static const char AUDIT_USAGE[] =
	"usage: shuangyong audit verify\n"
	"Recomputes the audit log's hash chain. Exit 0: intact. Exit 1: prints the id of the\n"
	"first row that was changed, removed or inserted by hand, and why.\n";

static int cmd_audit(struct cli_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	struct audit_verdict v;
	sy_err err;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help || a.npos != 1 || strcmp(a.pos[0], "verify") != 0) {
		fputs(AUDIT_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	int rc = 0;
	if (audit_verify(d, &v, &err)) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		rc = 1;
	} else if (v.broken_at) {
		fprintf(c->out, "audit chain BROKEN at row %" PRId64 ": %s (%" PRId64 " rows checked)\n",
			v.broken_at, v.reason, v.rows);
		rc = 1;
	} else {
		fprintf(c->out, "audit chain OK: %" PRId64 " rows\n", v.rows);
	}
	db_close(d);
	return rc;
}

const struct cli_command auditlog_commands[] = {
	{"audit", "check the audit log: verify", AUDIT_USAGE, cmd_audit},
};
const int auditlog_commands_count = sizeof auditlog_commands / sizeof auditlog_commands[0];
