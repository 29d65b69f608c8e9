/*
 * import_service.c - service records (服役经历) from a bureau's spreadsheet:
 * one row per enlistment of a person already registered, found by 身份证号.
 * Values come as their Chinese names (陆军, 自主就业, 三等功) or codes; awards
 * and hardship or island periods are lists in one cell. A record already
 * present (same person, same 入伍批准日期) is skipped or updated as asked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "lib/idcard.h"
#include "people.h"
#include "vocab.h"

static const char SQL_SERVICE_BY_PERSON_DATE[] =
	"SELECT id FROM service_records WHERE person_id = $1 AND enlist_date = $2";

#define MAX_LIST 16 /* awards or periods in one cell */

enum { C_ID, C_BRANCH, C_ENLIST, C_DISCHARGE, C_RANK, C_EXIT, C_GRADE, C_CAUSE, C_AWARDS, C_HARDSHIP, C_ISLAND, NCOLS };

static const struct import_column columns[NCOLS] = {
	[C_ID] = {"id_number", {"身份证号", "身份证号码", "公民身份号码", "id_number"}, IMPORT_REQUIRED | IMPORT_ID_NUMBER,
		  "130902199001011230"},
	[C_BRANCH] = {"branch", {"军种", "branch"}, IMPORT_REQUIRED, "陆军"},
	[C_ENLIST] = {"enlist_date", {"入伍批准日期", "入伍时间", "入伍日期", "enlist_date"}, IMPORT_REQUIRED, "2008-12-01"},
	[C_DISCHARGE] = {"discharge_date", {"退役命令日期", "退役时间", "退役日期", "discharge_date"}, 0, "2016-12-01"},
	[C_RANK] = {"rank", {"军衔", "职级", "rank"}, 0, "上士"},
	[C_EXIT] = {"exit_mode", {"退役方式", "安置方式", "exit_mode"}, 0, "自主就业"},
	[C_GRADE] = {"disability_grade", {"残疾等级", "disability_grade"}, 0, NULL},
	[C_CAUSE] = {"disability_cause", {"致残原因", "残疾性质", "disability_cause"}, 0, NULL},
	[C_AWARDS] = {"awards", {"奖励", "立功受奖", "awards"}, 0, "三等功:2012-08-01、嘉奖:2010-12-01"},
	[C_HARDSHIP] = {"hardship_periods", {"艰苦边远地区服役", "hardship_periods"}, 0, "2009-03-01至2012-02-28"},
	[C_ISLAND] = {"island_periods", {"海岛服役", "island_periods"}, 0, NULL},
};

struct service_state {
	struct id_map seen; /* (身份证号, 入伍批准日期) pairs seen in the file: a hash of the pair → row */
};

static void service_end(struct import_ctx *c)
{
	struct service_state *s = c->state;
	import_map_free(&s->seen);
}

/* The next item of a list cell (split on 、 ， , ; ； |), NUL-terminated in place; NULL at the end. */
static char *next_item(char **p)
{
	static const char *const seps[] = {"、", "，", "；", ",", ";", "|"};
	char *s = *p;
	while (s && *s == ' ')
		s++;
	if (!s || !*s)
		return NULL;
	char *end = NULL;
	size_t seplen = 0;
	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
		char *f = strstr(s, seps[i]);
		if (f && (!end || f < end)) {
			end = f;
			seplen = strlen(seps[i]);
		}
	}
	if (end) {
		*end = '\0';
		*p = end + seplen;
	} else {
		*p = NULL;
	}
	return s;
}

/* Split item at the first of the separators: the part after it, or NULL when none. */
static char *split_at(char *item, const char *const *seps, size_t nseps)
{
	for (size_t i = 0; i < nseps; i++) {
		char *f = strstr(item, seps[i]);
		if (f) {
			*f = '\0';
			return f + strlen(seps[i]);
		}
	}
	return NULL;
}

/* "三等功:2012-08-01、战时二等功、嘉奖（2010-12-01）" into awards (dates in dates[]). */
static sy_status parse_awards(const char *cell, struct award_input *out, char (*dates)[11], int *n, sy_err *e)
{
	static const char *const date_seps[] = {":", "：", "（", "("};
	char buf[IMPORT_CELL_MAX], *p = buf, *item;
	sy_status st;
	snprintf(buf, sizeof buf, "%s", cell);
	for (*n = 0; (item = next_item(&p));) {
		if (*n == MAX_LIST)
			return sy_failf(e, SY_EINVAL, "too_many_awards", "awards", "一行最多登记 16 项奖励",
					"at most 16 awards in one row");
		struct award_input *a = &out[*n];
		memset(a, 0, sizeof *a);
		if (strncmp(item, "战时", strlen("战时")) == 0) {
			a->wartime = true;
			item += strlen("战时");
		}
		char *date = split_at(item, date_seps, sizeof date_seps / sizeof date_seps[0]);
		if (date) {
			char *close = strstr(date, "）");
			if (!close)
				close = strchr(date, ')');
			if (close)
				*close = '\0';
			if ((st = import_parse_date(date, "awards", dates[*n], e)))
				return st;
			a->date = dates[*n];
		}
		if (!(a->level = vocab_parse(vocab_award_levels, item)))
			return sy_fail(e, SY_EINVAL, "invalid_award_level", "awards",
				       "奖励等级无效：%s（应为嘉奖、三等功、二等功、一等功或通报表彰）",
				       "unknown award level: %s", item);
		(*n)++;
	}
	return SY_OK;
}

/* "2009-03-01至2012-02-28；2014-01-01~2015-06-30" into periods of kind. */
static sy_status parse_periods(const char *cell, const char *kind, const char *field, struct period_input *out,
			       char (*dates)[2][11], int *n, sy_err *e)
{
	static const char *const range_seps[] = {"至", "~", "～", "—"};
	char buf[IMPORT_CELL_MAX], *p = buf, *item;
	sy_status st;
	snprintf(buf, sizeof buf, "%s", cell);
	while ((item = next_item(&p))) {
		if (*n == MAX_LIST)
			return sy_failf(e, SY_EINVAL, "too_many_periods", field, "一行最多登记 16 段服役经历",
					"at most 16 periods in one row");
		char *end = split_at(item, range_seps, sizeof range_seps / sizeof range_seps[0]);
		if (!end)
			return sy_fail(e, SY_EINVAL, "invalid_period", field, "服役时段应写成 2009-03-01至2012-02-28：%s",
				       "write a period as 2009-03-01至2012-02-28: %s", item);
		if ((st = import_parse_date(item, field, dates[*n][0], e)) ||
		    (st = import_parse_date(end, field, dates[*n][1], e)))
			return st;
		out[*n] = (struct period_input){.kind = kind, .start_date = dates[*n][0], .end_date = dates[*n][1]};
		(*n)++;
	}
	return SY_OK;
}

/* "3", "3级" or "三级". */
static sy_status parse_grade(const char *s, int *grade, sy_err *e)
{
	static const char *const zh[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
	char buf[32];
	snprintf(buf, sizeof buf, "%s", s);
	char *ji = strstr(buf, "级");
	if (ji)
		*ji = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	if (end != buf && !*end && v >= 1 && v <= 10) {
		*grade = (int)v;
		return SY_OK;
	}
	for (int i = 0; i < 10; i++)
		if (strcmp(buf, zh[i]) == 0) {
			*grade = i + 1;
			return SY_OK;
		}
	return sy_failf(e, SY_EINVAL, "invalid_disability_grade", "disability_grade", "残疾等级须为 1–10 级",
			"disability grade must be 1–10");
}

/* A code from a list cell, as its code or its Chinese name. */
static sy_status parse_vocab(const char *cell, const struct vocab *v, const char *field, const char **out,
			     sy_err *e)
{
	*out = NULL;
	if (!cell)
		return SY_OK;
	if (!(*out = vocab_parse(v, cell)))
		return sy_fail(e, SY_EINVAL, "invalid_value", field, "无法识别的取值：%s", "unknown value: %s", cell);
	return SY_OK;
}

struct service_row {
	struct service_input in;
	struct award_input awards[MAX_LIST];
	char award_dates[MAX_LIST][11];
	struct period_input periods[MAX_LIST];
	char period_dates[MAX_LIST][2][11];
	char enlist[11], discharge[11];
};

static sy_status parse_row(const struct import_row *row, struct service_row *sr, sy_err *e)
{
	const char *const *v = row->cell;
	struct service_input *in = &sr->in;
	sy_status st;
	if (!v[C_ENLIST])
		return sy_failf(e, SY_EINVAL, "required", "enlist_date", "请填写入伍批准日期", "enlist_date is required");
	if ((st = parse_vocab(v[C_BRANCH], vocab_branches, "branch", &in->branch, e)) ||
	    (st = parse_vocab(v[C_EXIT], vocab_exit_modes, "exit_mode", &in->exit_mode, e)) ||
	    (st = parse_vocab(v[C_CAUSE], vocab_disability_causes, "disability_cause", &in->disability_cause, e)) ||
	    (st = import_parse_date(v[C_ENLIST], "enlist_date", sr->enlist, e)) ||
	    (v[C_DISCHARGE] && (st = import_parse_date(v[C_DISCHARGE], "discharge_date", sr->discharge, e))) ||
	    (v[C_GRADE] && (st = parse_grade(v[C_GRADE], &in->disability_grade, e))) ||
	    (v[C_AWARDS] && (st = parse_awards(v[C_AWARDS], sr->awards, sr->award_dates, &in->nawards, e))) ||
	    (v[C_HARDSHIP] && (st = parse_periods(v[C_HARDSHIP], "hardship", "hardship_periods", sr->periods,
						  sr->period_dates, &in->nperiods, e))) ||
	    (v[C_ISLAND] && (st = parse_periods(v[C_ISLAND], "island", "island_periods", sr->periods,
						sr->period_dates, &in->nperiods, e))))
		return st;
	if (!in->branch)
		return sy_failf(e, SY_EINVAL, "required", "branch", "请填写军种", "branch is required");
	in->enlist_date = sr->enlist;
	in->discharge_date = v[C_DISCHARGE] ? sr->discharge : NULL;
	in->rank = v[C_RANK];
	in->awards = sr->awards;
	in->periods = sr->periods;
	return registry_service_check(in, e);
}

/* On update, what the row gives changes; a blank cell leaves the stored value. */
static unsigned fields_given(const struct import_row *row)
{
	static const unsigned field_of[NCOLS] = {
		[C_BRANCH] = SF_BRANCH, [C_ENLIST] = SF_ENLIST, [C_DISCHARGE] = SF_DISCHARGE, [C_RANK] = SF_RANK,
		[C_EXIT] = SF_EXIT_MODE, [C_GRADE] = SF_DISABILITY_GRADE, [C_CAUSE] = SF_DISABILITY_CAUSE,
		[C_AWARDS] = SF_AWARDS, [C_HARDSHIP] = SF_PERIODS, [C_ISLAND] = SF_PERIODS,
	};
	unsigned fields = 0;
	for (int i = 0; i < NCOLS; i++)
		if (row->cell[i])
			fields |= field_of[i];
	return fields;
}

static sy_status service_row(struct import_ctx *c, const struct import_row *row, sy_err *e, bool *row_bad)
{
	struct service_state *s = c->state;
	struct service_row sr = {0};
	struct idcard_info idc;
	char key[19];
	int64_t person = 0, existing = 0;
	sy_status st;
	*row_bad = true;
	if ((st = idcard_validate(row->cell[C_ID], &idc, e)) || (st = parse_row(row, &sr, e)))
		return st;
	const char *parts[] = {idc.normalized, sr.enlist};
	import_key(parts, 2, key);
	struct id_slot *dup = import_map_find(&s->seen, key, false);
	if (dup)
		return sy_fail(e, SY_EINVAL, "duplicate_in_file", "enlist_date",
			       "与第 %" PRId64 " 行是同一人的同一段服役", "the same enlistment as row %" PRId64, dup->id);
	if (!(dup = import_map_find(&s->seen, key, true)))
		return import_out_of_memory(e);
	dup->id = (int64_t)row->line;
	st = registry_person_find(c->d, c->actor, idc.normalized, &person, e);
	if (st == SY_ENOTFOUND)
		return sy_failf(e, SY_EINVAL, "person_not_registered", "id_number",
				"该身份证号的人员尚未建档（或不在您的管辖范围内）：请先导入人员",
				"no person with this ID number in your scope: import the people first");
	*row_bad = false; /* from here on a failure is the database's */
	if (st)
		return st;
	st = db_query_int(c->d, SQL_SERVICE_BY_PERSON_DATE, DB_ARGS(DB_I(person), DB_T(sr.enlist)), &existing, e);
	if (st && st != SY_ENOTFOUND)
		return st;
	if (existing) {
		if (import_skip_existing(c))
			return SY_OK;
		if (c->opt->commit &&
		    (st = registry_service_update(c->d, c->actor, person, existing, &sr.in, fields_given(row), e)))
			return st;
		c->rep->updated++;
		return SY_OK;
	}
	int64_t id;
	if (c->opt->commit && (st = registry_service_add(c->d, c->actor, person, &sr.in, &id, e)))
		return st;
	c->rep->inserted++;
	return SY_OK;
}

const struct import_kind import_service_kind = {
	.name = "service", .label_zh = "服役经历", .columns = columns, .ncolumns = NCOLS,
	.state_size = sizeof(struct service_state),
	.row_savepoint = true, .row = service_row, .end = service_end,
};
