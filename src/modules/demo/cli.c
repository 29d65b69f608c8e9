/* cli.c - `shuangyong demo`: load the demo data set and print its logins. */
#include <stdlib.h>

#include "demo.h"
#include "lib/cli.h"

static const char DEMO_USAGE[] =
	"usage: shuangyong demo [--seed N] [--people N]\n"
	"Loads a deterministic, Cangzhou-shaped demo data set (organisations, people with valid\n"
	"身份证号, a user for every role) into an initialised database and prints the logins.\n"
	"Refuses when the demo set is already loaded.\n";

static int cmd_demo(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const options[] = {"seed", "people", NULL};
	struct cli_args a;
	struct demo_summary sum;
	sy_err err;
	if (!cli_parse(c, argc, argv, NULL, options, &a))
		return 2;
	if (a.help || a.npos) {
		fputs(DEMO_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	uint32_t seed = cli_opt(&a, "seed") ? (uint32_t)strtoul(cli_opt(&a, "seed"), NULL, 10) : 2026;
	int people = cli_opt(&a, "people") ? atoi(cli_opt(&a, "people")) : DEMO_DEFAULT_PEOPLE;
	if (people < 1 || people > DEMO_MAX_PEOPLE) {
		fprintf(c->err, "error: --people must be 1..%d\n", DEMO_MAX_PEOPLE);
		return 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	int rc = 0;
	sy_status st = demo_load(d, seed, people, &sum, &err);
	if (st == SY_ECONFLICT) {
		fprintf(c->out, "demo data already loaded; logins unchanged\n");
		sum.nlogins = demo_fixed_logins(sum.logins, DEMO_MAX_LOGINS);
	} else if (st) {
		fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
		rc = 1;
	} else {
		fprintf(c->out, "demo data loaded: %d organisations, %d people, %d users\n", sum.orgs,
			sum.people, sum.users);
	}
	if (st == SY_OK || st == SY_ECONFLICT) {
		fprintf(c->out, "\n演示账号 / demo logins:\n");
		for (int i = 0; i < sum.nlogins; i++)
			fprintf(c->out, "  %-9s %-16s %-20s %s\n", sum.logins[i].role,
				sum.logins[i].username, sum.logins[i].password, sum.logins[i].scope);
	}
	db_close(d);
	return rc;
}

const struct cli_command demo_commands[] = {
	{"demo", "load the demo data set (prints the demo logins)", DEMO_USAGE, cmd_demo},
};
const int demo_commands_count = sizeof demo_commands / sizeof demo_commands[0];
