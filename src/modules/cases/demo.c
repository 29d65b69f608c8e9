/*
 * demo.c - the cases of the demo data set: 一门受理 applications in every
 * stage (some overdue, some done), a 双清单 board for the current year with
 * items of both lists in every state, and a few 军人子女入学 and 随军家属就业
 * applications, so the inbox, the 督办 list, the board and the statistics
 * show real-looking numbers on a fresh demo.
 *
 * Everything goes through cases_create and cases_transition with the day
 * each step was taken passed as `today`, so the timeline, due dates and
 * "completed on" days are what the engine itself would have recorded.
 * Applicants and departments are picked by id order from what the demo
 * registry holds: the same registry and the same day give the same cases.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/*
 * Demo deadlines for 一门受理 (working days in 待受理 and 办理中), set as the
 * admin would set them: no official figure is known (see 007_cases.sql), and
 * without any the demo could show nothing overdue. A real installation
 * enters its own on the calendar page.
 */
#define DEMO_PENDING_DAYS 3
#define DEMO_PROCESSING_DAYS 10
#define DEMO_ONE_WINDOW 8
#define DEMO_FAMILY_CASES 3

static const char SQL_ONE_WINDOW_APPLICANTS[] =
	"SELECT p.id FROM people p WHERE p.region_code = $1 AND p.status <> 'deceased'"
	" AND (p.id = (SELECT MIN(id) FROM people)"
	"  OR EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id AND c.category = 'veteran'))"
	" ORDER BY p.id LIMIT $2";
/* Serving members with a child on record: the parent applies for the child. */
static const char SQL_SCHOOL_FAMILIES[] =
	"SELECT p.id, k.id, k.name FROM family_links l JOIN people p ON p.id = l.person_id"
	" JOIN people k ON k.id = l.relative_id"
	" WHERE l.relation = 'child' AND p.status <> 'deceased'"
	" AND EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id AND c.category = 'active_duty')"
	" ORDER BY l.id LIMIT $1";
/* Spouses of serving members: the spouse applies. */
static const char SQL_SPOUSES[] =
	"SELECT k.id, p.name FROM family_links l JOIN people p ON p.id = l.person_id"
	" JOIN people k ON k.id = l.relative_id"
	" WHERE l.relation = 'spouse' AND k.status <> 'deceased'"
	" AND EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id AND c.category = 'active_duty')"
	" ORDER BY l.id LIMIT $1";
static const char SQL_ORGS_AT[] =
	"SELECT id FROM orgs WHERE type = $1 AND region_code = $2 ORDER BY id LIMIT 8";
static const char SQL_SCHOOL_AT[] =
	"SELECT name FROM orgs WHERE type = 'school' AND region_code = $1 ORDER BY id LIMIT 1";
static const char SQL_STEP_IDS[] = "SELECT id, step_code FROM case_steps WHERE case_id = $1 ORDER BY seq";

#define DEMO_CITY "130900"
#define DEMO_DISTRICT "130902" /* 新华区: where the officer login works */

struct demo_run {
	db *d;
	const struct principal *actor;
	int32_t today;
	int made;
};

/* The day `back` calendar days before today, then `after` more. */
static void day_of(const struct demo_run *r, int back, int after, char out[WORKDAY_DATE_LEN])
{
	workday_format(r->today - back + after, out);
}

/* Up to max ids from one query (its last argument is the limit). */
static sy_status ids_of(db *d, const char *sql, const char *type, const char *region, int64_t *ids, int max, int *n,
			sy_err *err)
{
	db_rows *rows = NULL;
	sy_status st = type ? db_query(d, sql, DB_ARGS(DB_T(type), DB_T(region)), &rows, err)
			    : db_query(d, sql, DB_ARGS(DB_T(region), DB_I(max)), &rows, err);
	if (st)
		return st;
	for (*n = 0; *n < max && db_next(rows);)
		ids[(*n)++] = db_int(rows, 0);
	db_rows_free(rows);
	return SY_OK;
}

static sy_status step_id(db *d, int64_t case_id, const char *code, int64_t *id, sy_err *err)
{
	db_rows *rows = NULL;
	sy_status st = db_query(d, SQL_STEP_IDS, DB_ARGS(DB_I(case_id)), &rows, err);
	if (st)
		return st;
	*id = 0;
	while (!*id && db_next(rows))
		if (strcmp(db_text(rows, 1), code) == 0)
			*id = db_int(rows, 0);
	db_rows_free(rows);
	return *id ? SY_OK : sy_failf(err, SY_EINTERNAL, "demo_step_missing", NULL, "演示事项缺少环节", "demo case step missing");
}

/* Take actions in order on one step on one day; material (or NULL) is handed in with the last. */
static sy_status take(struct demo_run *r, int64_t case_id, const char *step, const char *const *actions, int n,
		      const char *day, const char *material, sy_err *err)
{
	int64_t sid;
	sy_status st = step_id(r->d, case_id, step, &sid, err);
	for (int i = 0; !st && i < n; i++) {
		bool last = i == n - 1 && material;
		struct case_action a = {.action = actions[i], .materials = last ? &material : NULL, .nmaterials = last};
		st = cases_transition(r->d, r->actor, case_id, sid, &a, day, err);
	}
	return st;
}

/* ---- 一门受理 ------------------------------------------------------------------------ */

/*
 * How far each demo application got: opened `back` days ago; `accepted`
 * steps accepted the next day; `done` of them completed `done_after` days
 * after opening. Steps left in 待受理 or 办理中 past their demo deadline are
 * overdue and put the case on the 督办 list.
 */
static const struct ow_plan {
	int back, accepted, done, done_after;
} ow_plans[DEMO_ONE_WINDOW] = {
	{12, 7, 4, 6},  /* the person login's own: under way, nothing late yet */
	{60, 7, 7, 12}, /* done, on time */
	{45, 7, 7, 30}, /* done, some steps late */
	{40, 7, 3, 8},  /* four steps stuck in 办理中: overdue */
	{20, 2, 1, 4},  /* five steps never accepted: overdue */
	{2, 0, 0, 0},   /* just filed */
	{30, 7, 7, 9},  /* done, on time */
	{6, 7, 2, 3},   /* under way */
};

static sy_status one_window_case(struct demo_run *r, int64_t person, const struct ow_plan *p, sy_err *err)
{
	static const char *const steps[] = {"report", "allowance", "hukou", "id_card", "reserve", "social_security", "insurance"};
	static const char *const accept[] = {"accept"}, *const complete[] = {"complete"};
	char opened[WORKDAY_DATE_LEN], day[WORKDAY_DATE_LEN];
	struct case_input in = {.type = "one_window", .person_id = person, .note = "窗口受理（演示）"};
	int64_t id;
	day_of(r, p->back, 0, opened);
	sy_status st = cases_create(r->d, r->actor, &in, opened, &id, err);
	for (int i = 0; !st && i < p->accepted; i++) {
		day_of(r, p->back, 1, day);
		st = take(r, id, steps[i], accept, 1, day, NULL, err);
		if (!st && i < p->done) {
			day_of(r, p->back, p->done_after + i % 3, day);
			st = take(r, id, steps[i], complete, 1, day, strcmp(steps[i], "hukou") ? NULL : "落户介绍信", err);
		}
	}
	r->made += !st;
	return st;
}

static sy_status one_window_cases(struct demo_run *r, sy_err *err)
{
	int64_t people[DEMO_ONE_WINDOW];
	int n = 0;
	sy_status st;
	if ((st = cases_deadline_set(r->d, r->actor, "one_window", "*", "pending", true, DEMO_PENDING_DAYS, err)) ||
	    (st = cases_deadline_set(r->d, r->actor, "one_window", "*", "processing", true, DEMO_PROCESSING_DAYS, err)) ||
	    (st = ids_of(r->d, SQL_ONE_WINDOW_APPLICANTS, NULL, DEMO_DISTRICT, people, DEMO_ONE_WINDOW, &n, err)))
		return st;
	for (int i = 0; !st && i < n; i++)
		st = one_window_case(r, people[i], &ow_plans[i], err);
	return st;
}

/* ---- 双清单 ------------------------------------------------------------------------------ */

static const char *const dual_path[] = {"compile", "review", "assign", "start", "supervise", "complete", "feedback"};

/*
 * One item per state on each list: `steps` actions of dual_path taken
 * (skipping 督办 unless supervised), or dropped at 会审: 反馈, 督办, 办结/销号,
 * 办理, 交办, 会审, 汇总, 征集, 未列入 in that order. The deadline is a
 * day of the current year (month, day).
 */
static const struct dual_plan {
	const char *content, *quality;
	int month, day, steps;
	bool supervised, dropped;
} army_items[] = {
	{"为驻沧部队官兵子女开设暑期托管班", "开班不少于 4 周，接收全部报名子女", 3, 31, 6, false, false},
	{"协调解决营区周边道路积水问题", "雨季前完成排水改造，验收合格", 6, 30, 5, true, false},
	{"为随军家属提供就业岗位推荐", "每名有意愿的随军家属推荐岗位不少于 3 个", 6, 30, 5, false, false},
	{"开展军人军属免费体检", "覆盖在沧部队军属，出具体检报告", 9, 30, 4, false, false},
	{"改造营区周边公交站台", "新增站台 2 处，方便官兵出行", 9, 30, 3, false, false},
	{"建设军人服务优先窗口", "市、县两级政务大厅全部设置", 12, 20, 2, false, false},
	{"举办军地篮球友谊赛", "赛事组织有序，安全无事故", 12, 20, 1, false, false},
	{"为部队训练场协调临时用地", "按部队需求协调到位", 12, 20, 0, false, false},
	{"为营区加装路灯", "不予列入（已纳入市政计划）", 12, 20, 1, false, true},
};
static const struct dual_plan civil_items[] = {
	{"支援乡村振兴帮扶项目", "帮扶村集体增收目标完成", 3, 31, 6, false, false},
	{"参与汛期抢险救灾演练", "演练方案完整，按时参演", 3, 31, 5, true, false},
	{"开展国防教育进校园活动", "覆盖全市中学，每校不少于 1 次", 6, 30, 5, false, false},
	{"协助开展义务植树", "植树不少于 2000 株，成活率 85% 以上", 6, 30, 3, false, false},
	{"派出医疗队开展义诊", "义诊不少于 4 次", 9, 30, 4, false, false},
	{"支持地方重点工程建设", "按计划完成支援任务", 12, 20, 2, false, false},
	{"开展军营开放日活动", "接待群众不少于 500 人次", 12, 20, 1, false, false},
	{"协助维护重大活动安保", "活动期间安全无事故", 12, 20, 0, false, false},
	{"营区周边道路绿化", "不予列入（纳入地方规划）", 12, 20, 1, false, true},
};
#define NDUAL ((int)(sizeof army_items / sizeof army_items[0]))
_Static_assert(sizeof civil_items == sizeof army_items, "both lists cover every state");

struct dual_orgs {
	int64_t district_bureau, city_bureau;
	int64_t depts[8], units[8];
	int ndepts, nunits;
};

/*
 * Items are 征集 (collected) a few weeks before today; each later action a
 * few days after the one before, and never after today, so an item done
 * before its deadline counts on time and one past it without 办结 is overdue.
 */
static sy_status dual_item(struct demo_run *r, const struct dual_orgs *o, bool army, int i, int year, sy_err *err)
{
	const struct dual_plan *p = army ? &army_items[i] : &civil_items[i];
	char deadline[WORKDAY_DATE_LEN], day[WORKDAY_DATE_LEN];
	int32_t due;
	if (!workday_from_ymd(year, p->month, p->day, &due))
		return sy_failf(err, SY_EINTERNAL, "demo_date", NULL, "演示日期无效", "invalid demo date");
	workday_format(due, deadline);
	/* half the items the district's 双拥办 collected (its officer sees them), half the city's */
	int64_t proposer = i % 2 ? (army && o->nunits ? o->units[0] : o->city_bureau) : o->district_bureau;
	int64_t responsible = army ? o->depts[i % o->ndepts] : o->units[i % o->nunits];
	struct case_department dep = {.step = "item", .org_id = responsible};
	struct case_input in = {.type = army ? "dual_army" : "dual_civil", .org_id = proposer,
				.departments = &dep, .ndepartments = 1,
				.details = {.year = year, .content = p->content, .deadline = deadline,
					    .quality_standard = p->quality}};
	int back = 40 + 2 * i;
	int64_t id;
	day_of(r, back, 0, day);
	sy_status st = cases_create(r->d, r->actor, &in, day, &id, err);
	if (p->dropped) {
		static const char *const drop[] = {"compile", "drop"};
		day_of(r, back, 3, day);
		return st ? st : take(r, id, "item", drop, 2, day, NULL, err);
	}
	for (int k = 0, taken = 0; !st && taken < p->steps && k < (int)(sizeof dual_path / sizeof *dual_path); k++) {
		if (strcmp(dual_path[k], "supervise") == 0 && !p->supervised)
			continue;
		day_of(r, back, 4 * (taken + 1), day);
		st = take(r, id, "item", &dual_path[k], 1, day, NULL, err);
		taken++;
	}
	r->made += !st;
	return st;
}

static sy_status dual_orgs_load(db *d, struct dual_orgs *o, sy_err *err)
{
	int64_t one[1];
	int n;
	sy_status st;
	if ((st = ids_of(d, SQL_ORGS_AT, "department", DEMO_DISTRICT, one, 1, &n, err)))
		return st;
	o->district_bureau = n ? one[0] : 0;
	if ((st = ids_of(d, SQL_ORGS_AT, "department", DEMO_CITY, o->depts, 8, &o->ndepts, err)) ||
	    (st = ids_of(d, SQL_ORGS_AT, "unit", DEMO_CITY, o->units, 8, &o->nunits, err)))
		return st;
	o->city_bureau = o->ndepts ? o->depts[0] : 0;
	return SY_OK;
}

static sy_status dual_lists(struct demo_run *r, sy_err *err)
{
	struct dual_orgs o = {0};
	int y, m, dd;
	sy_status st = dual_orgs_load(r->d, &o, err);
	if (st)
		return st;
	if (!o.district_bureau || !o.ndepts || !o.nunits)
		return SY_OK; /* a registry without the bodies the lists need */
	workday_to_ymd(r->today, &y, &m, &dd);
	for (int i = 0; !st && i < NDUAL; i++)
		if (!(st = dual_item(r, &o, true, i, y, err)))
			st = dual_item(r, &o, false, i, y, err);
	return st;
}

/* ---- 军人子女入学 and 随军家属就业 ---------------------------------------------------------- */

/* The school the district's demo children apply to. */
static sy_status district_school(db *d, char school[CT_NAME], sy_err *err)
{
	db_rows *rows = NULL;
	sy_status st = db_query(d, SQL_SCHOOL_AT, DB_ARGS(DB_T(DEMO_DISTRICT)), &rows, err);
	if (st)
		return st;
	snprintf(school, CT_NAME, "%s", db_next(rows) ? db_text(rows, 0) : "就近公办学校");
	db_rows_free(rows);
	return SY_OK;
}

/*
 * Serving members' children: one enrolled, one being placed, one waiting
 * for review. The 部队证明 is handed in at acceptance (it is held on record
 * instead when the parent's record shows the priority).
 */
static sy_status school_cases(struct demo_run *r, sy_err *err)
{
	static const char *const plan[] = {"accept", "complete"};
	static const int actions[DEMO_FAMILY_CASES] = {2, 1, 0};
	db_rows *rows = NULL;
	char school[CT_NAME], day[WORKDAY_DATE_LEN];
	struct { int64_t parent, child; char name[64]; } fam[DEMO_FAMILY_CASES];
	int n = 0;
	sy_status st = district_school(r->d, school, err);
	if (st || (st = db_query(r->d, SQL_SCHOOL_FAMILIES, DB_ARGS(DB_I(DEMO_FAMILY_CASES)), &rows, err)))
		return st;
	for (; n < DEMO_FAMILY_CASES && db_next(rows); n++) {
		fam[n].parent = db_int(rows, 0);
		fam[n].child = db_int(rows, 1);
		snprintf(fam[n].name, sizeof fam[n].name, "%s", db_text(rows, 2));
	}
	db_rows_free(rows);
	for (int i = 0; !st && i < n; i++) {
		struct case_input in = {.type = "child_school", .person_id = fam[i].parent, .note = "演示申请",
					.details = {.child_name = fam[i].name, .child_person_id = fam[i].child, .school = school}};
		int64_t id;
		day_of(r, 25 - 8 * i, 0, day);
		if ((st = cases_create(r->d, r->actor, &in, day, &id, err)))
			break;
		day_of(r, 25 - 8 * i, 3, day);
		if (actions[i] && (st = take(r, id, "placement", plan, 1, day, "部队证明", err)))
			break;
		day_of(r, 25 - 8 * i, 9, day);
		if (actions[i] > 1 && (st = take(r, id, "placement", plan + 1, 1, day, NULL, err)))
			break;
		r->made++;
	}
	return st;
}

/* Serving members' spouses: one placed, one being matched, one waiting. */
static sy_status spouse_cases(struct demo_run *r, sy_err *err)
{
	static const char *const plan[] = {"accept", "complete"};
	static const char *const skills[DEMO_FAMILY_CASES] = {"会计、熟练使用办公软件", "护理（持护士执业证书）", "幼儿教育"};
	static const char *const before[DEMO_FAMILY_CASES] = {"原单位财务", "县医院护士", NULL};
	static const int actions[DEMO_FAMILY_CASES] = {2, 1, 0};
	db_rows *rows = NULL;
	char day[WORKDAY_DATE_LEN];
	struct { int64_t spouse; char member[64]; } fam[DEMO_FAMILY_CASES];
	int n = 0;
	sy_status st = db_query(r->d, SQL_SPOUSES, DB_ARGS(DB_I(DEMO_FAMILY_CASES)), &rows, err);
	if (st)
		return st;
	for (; n < DEMO_FAMILY_CASES && db_next(rows); n++) {
		fam[n].spouse = db_int(rows, 0);
		snprintf(fam[n].member, sizeof fam[n].member, "%s", db_text(rows, 1));
	}
	db_rows_free(rows);
	for (int i = 0; !st && i < n; i++) {
		struct case_input in = {.type = "spouse_job", .person_id = fam[i].spouse, .note = "演示申请",
					.details = {.service_member = fam[i].member, .skills = skills[i],
						    .previous_employment = before[i], .wanted = "沧州市区"}};
		int64_t id;
		day_of(r, 35 - 10 * i, 0, day);
		if ((st = cases_create(r->d, r->actor, &in, day, &id, err)))
			break;
		for (int k = 0; !st && k < 2 && actions[i]; k++) {
			const char *step = k ? "follow_up" : "placement";
			day_of(r, 35 - 10 * i, 2, day);
			st = take(r, id, step, plan, 1, day, NULL, err);
			day_of(r, 35 - 10 * i, 15, day);
			if (!st && actions[i] > 1)
				st = take(r, id, step, plan + 1, 1, day, NULL, err);
		}
		r->made += !st;
	}
	return st;
}

sy_status cases_demo(db *d, const struct principal *actor, int *made, sy_err *err)
{
	char today[WORKDAY_DATE_LEN];
	struct demo_run r = {.d = d, .actor = actor};
	cases_today(today);
	if (!workday_parse(today, &r.today))
		return sy_failf(err, SY_EINTERNAL, "demo_date", NULL, "演示日期无效", "invalid demo date");
	sy_status st = one_window_cases(&r, err);
	if (!st)
		st = dual_lists(&r, err);
	if (!st)
		st = school_cases(&r, err);
	if (!st)
		st = spouse_cases(&r, err);
	*made = r.made;
	return st;
}
