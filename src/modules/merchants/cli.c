/* cli.c - `shuangyong circle coverage`: the 10-minute circle's coverage table and where to recruit. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "circle.h"
#include "lib/cli.h"

static const char CIRCLE_USAGE[] =
	"usage: shuangyong circle coverage [--region CODE] [--minutes N] [--top K]\n"
	"For every card holder with home coordinates, the walk to the nearest 拥军商户; the share\n"
	"covered per county-level region and for the whole (the city, or --region); then the top K\n"
	"(default 10) places to recruit, by greedy maximum coverage: candidate organisations and\n"
	"heat-map cell centres, each with how many uncovered holders it would newly cover.\n"
	"--minutes: the walk (default: the circle settings' default_minutes).\n";

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static const char *share_text(json_t *share, char *buf, size_t cap)
{
	if (json_is_number(share))
		snprintf(buf, cap, "%.1f%%", json_number_value(share) * 100);
	else
		snprintf(buf, cap, "-");
	return buf;
}

static void print_region(struct cli_ctx *c, const char *code, const char *name, json_t *t)
{
	char share[16];
	fprintf(c->out, "%-8s ", code);
	cli_put_cell(c->out, name, 24); /* region names are Chinese: padded by columns, not bytes */
	fprintf(c->out, " %10lld %10lld %10lld %8s\n", (long long)json_integer_value(json_object_get(t, "holders")),
		(long long)json_integer_value(json_object_get(t, "covered")),
		(long long)json_integer_value(json_object_get(t, "uncovered")),
		share_text(json_object_get(t, "share"), share, sizeof share));
}

static void print_coverage(struct cli_ctx *c, json_t *cov)
{
	size_t i;
	json_t *t;
	fprintf(c->out, "10-minute circle: %lld minutes' walk (%lld m, %lld m in a straight line); %lld members\n\n",
		(long long)json_integer_value(json_object_get(cov, "minutes")),
		(long long)json_integer_value(json_object_get(cov, "walk_m")),
		(long long)json_integer_value(json_object_get(cov, "reach_m")),
		(long long)json_integer_value(json_object_get(cov, "members")));
	fprintf(c->out, "%-8s ", "region");
	cli_put_cell(c->out, "name", 24);
	fprintf(c->out, " %10s %10s %10s %8s\n", "holders", "covered", "uncovered", "share");
	json_array_foreach(json_object_get(cov, "regions"), i, t)
		print_region(c, json_string_value(json_object_get(t, "code")),
			     json_string_value(json_object_get(t, "name")), t);
	print_region(c, json_string_value(json_object_get(cov, "region")), "(total)", json_object_get(cov, "total"));
}

static void print_suggestions(struct cli_ctx *c, json_t *s)
{
	size_t i;
	json_t *t;
	fprintf(c->out, "\nWhere to recruit (%lld uncovered holders): candidate organisations\n",
		(long long)json_integer_value(json_object_get(s, "uncovered")));
	json_array_foreach(json_object_get(s, "orgs"), i, t) {
		fprintf(c->out, "%3lld. org %-8lld ", (long long)json_integer_value(json_object_get(t, "rank")),
			(long long)json_integer_value(json_object_get(t, "org_id")));
		cli_put_cell(c->out, json_string_value(json_object_get(t, "name")), 30);
		fprintf(c->out, " new %-8lld total %lld\n", (long long)json_integer_value(json_object_get(t, "new_covered")),
			(long long)json_integer_value(json_object_get(t, "cumulative")));
	}
	if (json_array_size(json_object_get(s, "orgs")) == 0)
		fprintf(c->out, "     (no candidate organisation covers an uncovered holder)\n");
	fprintf(c->out, "grid cell centres\n");
	json_array_foreach(json_object_get(s, "cells"), i, t)
		fprintf(c->out, "%3lld. %.5f,%.5f  new %-8lld total %lld\n",
			(long long)json_integer_value(json_object_get(t, "rank")),
			json_number_value(json_object_get(t, "lat")), json_number_value(json_object_get(t, "lon")),
			(long long)json_integer_value(json_object_get(t, "new_covered")),
			(long long)json_integer_value(json_object_get(t, "cumulative")));
	if (json_array_size(json_object_get(s, "cells")) == 0)
		fprintf(c->out, "     (everyone is covered)\n");
}

static int cmd_circle(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const options[] = {"region", "minutes", "top", NULL};
	struct cli_args a;
	struct circle_options o = {0};
	struct circle_analysis *an = NULL;
	struct principal sys;
	json_t *cov = NULL, *sug = NULL;
	sy_err err;
	int rc = 1, k = 10;
	if (!cli_parse(c, argc, argv, NULL, options, &a))
		return 2;
	if (a.help || a.npos != 1 || strcmp(a.pos[0], "coverage") != 0) {
		fputs(CIRCLE_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	o.region = cli_opt(&a, "region");
	if (cli_opt(&a, "minutes"))
		o.minutes = atoi(cli_opt(&a, "minutes"));
	if (cli_opt(&a, "top"))
		k = atoi(cli_opt(&a, "top"));
	if ((cli_opt(&a, "minutes") && (o.minutes < 1 || o.minutes > CIRCLE_MINUTES_MAX)) ||
	    k < 1 || k > CIRCLE_SUGGESTIONS_MAX) {
		fprintf(c->err, "error: --minutes is 1–%d and --top 1–%d\n", CIRCLE_MINUTES_MAX, CIRCLE_SUGGESTIONS_MAX);
		return 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	principal_system(&sys, "system");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (circle_analyse(d, &sys, &o, &an, &err) || circle_suggestions(an, k, &sug, &err))
		goto fail;
	double ms = elapsed_ms(&t0);
	if (!(cov = circle_coverage_json(an))) {
		fprintf(c->err, "error: out of memory\n");
		goto out;
	}
	print_coverage(c, cov);
	print_suggestions(c, sug);
	/* The analysis's own time (load, measure, rank), without printing: what bench/circle.sh reads. */
	fprintf(c->out, "\ncomputed in %.0f ms\n", ms);
	rc = 0;
	goto out;
fail:
	fprintf(c->err, "error: %s (%s%s%s)\n", err.msg_en, err.code, err.field[0] ? ", " : "", err.field);
out:
	json_decref(cov);
	json_decref(sug);
	circle_analysis_free(an);
	db_close(d);
	return rc;
}

const struct cli_command circle_commands[] = {
	{"circle", "the 10-minute circle: coverage by region and where to recruit", CIRCLE_USAGE, cmd_circle},
};
const int circle_commands_count = sizeof circle_commands / sizeof circle_commands[0];
