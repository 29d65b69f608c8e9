/* cli.c - `shuangyong ledger rollup`: rebuild the counters behind the ledger's statistics. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ledger.h"
#include "lib/cli.h"

static const char LEDGER_USAGE[] =
	"usage: shuangyong ledger rollup [--db URL]\n"
	"Rebuilds, in one transaction, the counters the ledger's statistics read for the whole city\n"
	"(person-times and distinct persons by kind, county, organisation, association and month).\n"
	"The server keeps them as it records services; run this after loading ledger rows by SQL.\n"
	"Until then the statistics read the rows themselves (correct, slower).\n";

static int cmd_ledger(struct cli_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	struct principal sys;
	struct timespec t0, t1;
	int64_t counters = 0;
	sy_err err;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help || a.npos != 1 || strcmp(a.pos[0], "rollup") != 0) {
		fputs(LEDGER_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	principal_system(&sys, "system");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sy_status st = ledger_rollup_rebuild(d, &sys, &counters, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	db_close(d);
	if (st) {
		fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
		return 1;
	}
	fprintf(c->out, "ledger counters rebuilt: %lld rows in %.1f s\n", (long long)counters,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

const struct cli_command ledger_commands[] = {
	{"ledger", "rebuild the counters behind the ledger's statistics", LEDGER_USAGE, cmd_ledger},
};
const int ledger_commands_count = sizeof ledger_commands / sizeof ledger_commands[0];
