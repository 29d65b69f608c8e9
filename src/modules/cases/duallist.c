/*
 * duallist.c - the 双清单 board of a year: every item of both lists with its
 * responsible unit, state and deadline, and the completion and on-time rates
 * the annual assessment uses, by list, by responsible unit and by quarter.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $1 year, $2 region LIKE, $3 an organisation's own items (0: all in the region). */
static const char SQL_BOARD[] =
	"SELECT c.id, i.list, i.content, i.deadline, i.quality_standard, s.id, s.state, st.name_zh, st.name_en,"
	" s.org_id, o.name, c.region_code, ao.name,"
	" (SELECT MIN(e.on_day) FROM case_events e WHERE e.case_id = c.id AND e.to_state = 'closed')"
	" FROM dual_list_items i JOIN cases c ON c.id = i.case_id JOIN case_steps s ON s.case_id = c.id"
	" JOIN orgs o ON o.id = s.org_id"
	" JOIN case_type_states st ON st.type_code = c.type_code AND st.state = s.state"
	" LEFT JOIN orgs ao ON ao.id = c.org_id"
	" WHERE i.year = $1 AND c.region_code LIKE $2 AND ($3 = 0 OR s.org_id = $3 OR c.org_id = $3)"
	" ORDER BY i.list, i.deadline, c.id";

struct tally {
	char key[32], name[CT_NAME];
	int items, completed, on_time, overdue;
};
struct tallies {
	struct tally *v;
	int n;
};

static struct tally *tally_for(struct tallies *t, const char *key, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			return &t->v[i];
	struct tally *grown = realloc(t->v, (size_t)(t->n + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	t->v = grown;
	struct tally *x = &t->v[t->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->key, sizeof x->key, "%s", key);
	snprintf(x->name, sizeof x->name, "%s", name);
	return x;
}

static json_t *rate(int part, int whole)
{
	return whole ? json_real((double)part / whole) : json_null();
}

static json_t *tally_json(const struct tally *x)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:o, s:o}", "key", x->key, "name", x->name, "items", x->items,
			 "completed", x->completed, "on_time", x->on_time, "overdue", x->overdue, "completion_rate",
			 rate(x->completed, x->items), "on_time_rate", rate(x->on_time, x->items));
}

static json_t *tallies_json(const struct tallies *t)
{
	json_t *a = json_array();
	for (int i = 0; a && i < t->n; i++)
		json_array_append_new(a, tally_json(&t->v[i]));
	return a;
}

struct item_facts {
	bool completed, on_time, overdue;
};

/* Count one item under list, responsible unit, quarter of its deadline and the whole year. */
static bool count_item(struct tallies *by_list, struct tallies *by_unit, struct tallies *by_quarter,
		       struct tally *total, const char *list, int64_t org_id, const char *org_name, const char *deadline,
		       const struct item_facts *f)
{
	char org_key[32], quarter[16];
	int y = 0, m = 0;
	snprintf(org_key, sizeof org_key, "%lld", (long long)org_id);
	if (sscanf(deadline, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return true; /* checked on the way in */
	snprintf(quarter, sizeof quarter, "%04dQ%d", y, (m - 1) / 3 + 1);
	struct tally *xs[4] = {tally_for(by_list, list, strcmp(list, "army") == 0 ? "拥军优属" : "拥政爱民"),
			       tally_for(by_unit, org_key, org_name), tally_for(by_quarter, quarter, quarter), total};
	for (int i = 0; i < 4; i++) {
		if (!xs[i])
			return false;
		xs[i]->items++;
		xs[i]->completed += f->completed;
		xs[i]->on_time += f->on_time;
		xs[i]->overdue += f->overdue;
	}
	return true;
}

sy_status cases_dual_board(db *d, const struct principal *actor, int64_t year, const char *today, json_t **out,
			   sy_err *err)
{
	char like[REGION_CODE_MAX + 1];
	struct tallies by_list = {0}, by_unit = {0}, by_quarter = {0};
	struct tally total = {.key = "total", .name = "合计"};
	db_rows *r = NULL;
	json_t *items = NULL;
	int64_t org = 0;
	sy_status st;
	if (year < 2000 || year > 9999)
		return sy_failf(err, SY_EINVAL, "invalid_year", "year", "年份无效", "invalid year");
	if (!(actor->role & ROLES_STAFF) && actor->role != ROLE_UNIT)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色不能查看双清单", "your role may not read the two lists");
	scope_region_like(actor, like);
	if (actor->role == ROLE_UNIT) { /* a unit sees the items it raised or answers for, wherever */
		org = actor->org_id > 0 ? actor->org_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	if ((st = db_query(d, SQL_BOARD, DB_ARGS(DB_I(year), DB_T(like), DB_I(org)), &r, err)))
		return st;
	items = json_array();
	while (db_next(r)) {
		const char *state = db_text(r, 6), *deadline = db_text(r, 3), *done_on = db_text(r, 13);
		if (strcmp(state, "dropped") == 0)
			continue; /* not adopted at 会审: not on the list */
		struct item_facts f = {.completed = done_on != NULL};
		f.on_time = f.completed && strcmp(done_on, deadline) <= 0;
		f.overdue = !f.completed && strcmp(today, deadline) > 0;
		json_array_append_new(items, json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s?, s:s?, s:I, s:s, s:s, s:s?, s:s?, s:b, s:b, s:b}",
			"case_id", (json_int_t)db_int(r, 0), "list", db_text(r, 1), "content", db_text(r, 2), "deadline",
			deadline, "quality_standard", db_text(r, 4), "step_id", (json_int_t)db_int(r, 5), "state", state,
			"state_name", db_text(r, 7), "state_name_en", db_text(r, 8), "org_id", (json_int_t)db_int(r, 9),
			"org_name", db_text(r, 10), "region_code", db_text(r, 11), "proposer", db_text(r, 12),
			"completed_on", done_on, "completed", f.completed, "on_time", f.on_time, "overdue", f.overdue));
		if (!count_item(&by_list, &by_unit, &by_quarter, &total, db_text(r, 1), db_int(r, 9), db_text(r, 10),
				deadline, &f)) {
			st = cases_oom(err);
			break;
		}
	}
	db_rows_free(r);
	if (st)
		json_decref(items);
	else if (!(*out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "year", (json_int_t)year, "items", items,
				      "total", tally_json(&total), "by_list", tallies_json(&by_list), "by_unit",
				      tallies_json(&by_unit), "by_quarter", tallies_json(&by_quarter))))
		st = cases_oom(err);
	free(by_list.v);
	free(by_unit.v);
	free(by_quarter.v);
	return st;
}
