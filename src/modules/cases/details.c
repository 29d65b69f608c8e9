/*
 * details.c - what a case type keeps of its own beside the engine's rows:
 * a 双清单 item (year, list, content, deadline, quality standard), a school
 * application (the child, the school, the priority category derived from the
 * parent's record where it can be), a spouse's job application (skills,
 * previous employment). Checked before a case is written, stored in the
 * same transaction, shown on the case's page.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static const char SQL_DUAL_INSERT[] =
	"INSERT INTO dual_list_items (case_id, year, list, content, deadline, quality_standard)"
	" VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_DUAL_GET[] =
	"SELECT year, list, content, deadline, quality_standard FROM dual_list_items WHERE case_id = $1";
static const char SQL_SCHOOL_INSERT[] =
	"INSERT INTO school_applications (case_id, child_name, child_person_id, school, category, derived, basis)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_SCHOOL_GET[] =
	"SELECT child_name, child_person_id, school, category, derived, basis FROM school_applications WHERE case_id = $1";
static const char SQL_SPOUSE_INSERT[] =
	"INSERT INTO spouse_applications (case_id, service_member, skills, previous_employment, wanted)"
	" VALUES ($1, $2, $3, $4, $5)";
static const char SQL_SPOUSE_GET[] =
	"SELECT service_member, skills, previous_employment, wanted FROM spouse_applications WHERE case_id = $1";
static const char SQL_PERSON[] = "SELECT region_code, name, death_kind FROM people WHERE id = $1";
/* 平时二等功 or higher, 战时三等功 or higher (军政〔2021〕247号) */
static const char SQL_PARENT_MERIT[] =
	"SELECT a.level, a.wartime FROM awards a JOIN service_records s ON s.id = a.service_id WHERE s.person_id = $1"
	" AND ((a.wartime = 0 AND a.level IN ('merit_2', 'merit_1'))"
	" OR (a.wartime <> 0 AND a.level IN ('merit_3', 'merit_2', 'merit_1'))) ORDER BY a.level, a.id";
static const char SQL_PARENT_HARDSHIP[] =
	"SELECT p.kind FROM service_periods p JOIN service_records s ON s.id = p.service_id WHERE s.person_id = $1"
	" ORDER BY p.id";

/* The certificate a school application needs unless the category is on record. */
#define SCHOOL_CERTIFICATE "部队证明"

enum detail_kind { DETAIL_NONE, DETAIL_DUAL, DETAIL_SCHOOL, DETAIL_SPOUSE };

static enum detail_kind kind_of(const char *type)
{
	if (strcmp(type, "dual_army") == 0 || strcmp(type, "dual_civil") == 0)
		return DETAIL_DUAL;
	if (strcmp(type, "child_school") == 0)
		return DETAIL_SCHOOL;
	if (strcmp(type, "spouse_job") == 0)
		return DETAIL_SPOUSE;
	return DETAIL_NONE;
}

static const char *const categories[] = {"martyr_child", "merit", "hardship_post", "general", NULL};

static bool known_category(const char *c)
{
	for (int i = 0; categories[i]; i++)
		if (strcmp(categories[i], c) == 0)
			return true;
	return false;
}

#define TEXT(field, zh, en, max, req) \
	if ((st = cases_check_text(x->field, #field, zh, en, max, req, err))) \
		return st

static sy_status check_dual(const struct case_details *x, sy_err *err)
{
	int32_t day;
	sy_status st;
	if (x->year < 2000 || x->year > 9999)
		return sy_failf(err, SY_EINVAL, x->year ? "invalid_year" : "required", "year", "请填写清单年度",
				"year is required (the list's year)");
	TEXT(content, "事项内容", "content", 500, true);
	TEXT(quality_standard, "质量标准", "quality standard", 500, true);
	if (!x->deadline)
		return sy_failf(err, SY_EINVAL, "required", "deadline", "请填写完成时限", "deadline is required");
	if (!workday_parse(x->deadline, &day))
		return sy_failf(err, SY_EINVAL, "invalid_date", "deadline", "完成时限应为 YYYY-MM-DD 日期",
				"deadline must be a date YYYY-MM-DD");
	return SY_OK;
}

static sy_status check_school(const struct case_details *x, sy_err *err)
{
	sy_status st;
	TEXT(child_name, "子女姓名", "child's name", 50, true);
	TEXT(school, "学校", "school", 100, true);
	if (x->category && !known_category(x->category))
		return sy_failf(err, SY_EINVAL, "invalid_category", "category",
				"优先类别应为 martyr_child、merit、hardship_post 或 general",
				"category must be martyr_child, merit, hardship_post or general");
	return SY_OK;
}

static sy_status check_spouse(const struct case_details *x, sy_err *err)
{
	sy_status st;
	TEXT(skills, "专业技能", "skills", 500, true);
	TEXT(service_member, "随军军人", "service member", 50, false);
	TEXT(previous_employment, "原工作单位及岗位", "previous employment", 500, false);
	TEXT(wanted, "就业意向", "wanted work", 500, false);
	return SY_OK;
}

sy_status case_details_check(const char *type, const struct case_details *x, sy_err *err)
{
	switch (kind_of(type)) {
	case DETAIL_DUAL:
		return check_dual(x, err);
	case DETAIL_SCHOOL:
		return check_school(x, err);
	case DETAIL_SPOUSE:
		return check_spouse(x, err);
	default:
		return SY_OK;
	}
}

const char *case_details_deadline(const char *type, const struct case_details *x)
{
	return kind_of(type) == DETAIL_DUAL ? x->deadline : NULL;
}

/* ---- the priority category from the parent's record ------------------------------------------ */

static const char *award_name(const char *level)
{
	return strcmp(level, "merit_1") == 0 ? "一等功" : strcmp(level, "merit_2") == 0 ? "二等功" : "三等功";
}

sy_status school_priority(db *d, int64_t parent_id, struct school_priority *p, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st;
	memset(p, 0, sizeof *p);
	snprintf(p->category, sizeof p->category, "general");
	if ((st = db_query(d, SQL_PERSON, DB_ARGS(DB_I(parent_id)), &r, err)))
		return st;
	bool martyr = db_next(r) && !db_isnull(r, 2) && strcmp(db_text(r, 2), "martyr") == 0;
	db_rows_free(r);
	if (martyr) {
		snprintf(p->category, sizeof p->category, "martyr_child");
		snprintf(p->basis, sizeof p->basis, "烈士子女（登记信息：父/母为烈士）");
		p->derived = true;
		return SY_OK;
	}
	if ((st = db_query(d, SQL_PARENT_MERIT, DB_ARGS(DB_I(parent_id)), &r, err)))
		return st;
	if (db_next(r)) {
		snprintf(p->category, sizeof p->category, "merit");
		snprintf(p->basis, sizeof p->basis, "父/母荣立%s%s（登记信息）", db_int(r, 1) ? "战时" : "平时",
			 award_name(db_text(r, 0)));
		p->derived = true;
	}
	db_rows_free(r);
	if (p->derived)
		return SY_OK;
	if ((st = db_query(d, SQL_PARENT_HARDSHIP, DB_ARGS(DB_I(parent_id)), &r, err)))
		return st;
	if (db_next(r)) {
		snprintf(p->category, sizeof p->category, "hardship_post");
		snprintf(p->basis, sizeof p->basis, "父/母在%s服役（登记信息）",
			 strcmp(db_text(r, 0), "island") == 0 ? "海岛" : "艰苦边远地区");
		p->derived = true;
	}
	db_rows_free(r);
	return SY_OK;
}

/* The parent named for a school application: the applicant unless staff name another they may see. */
static sy_status school_parent(db *d, const struct principal *actor, int64_t applicant, int64_t named,
			       int64_t *parent, sy_err *err)
{
	db_rows *r = NULL;
	*parent = named > 0 ? named : applicant;
	if (*parent == applicant)
		return SY_OK;
	bool ok = false;
	if (actor->role & ROLES_STAFF) {
		sy_status st = db_query(d, SQL_PERSON, DB_ARGS(DB_I(*parent)), &r, err);
		if (st)
			return st;
		ok = db_next(r) && scope_region_allows(actor, db_text(r, 0));
		db_rows_free(r);
	}
	if (!ok)
		return sy_failf(err, SY_ENOTFOUND, "person_not_found", "parent_person_id", "人员不存在或不在您的管辖范围内",
				"no such person in your scope");
	return SY_OK;
}

static sy_status store_school(db *d, const struct principal *actor, int64_t case_id, const struct case_input *in,
			      sy_err *err)
{
	const struct case_details *x = &in->details;
	struct school_priority p;
	int64_t parent;
	sy_status st;
	if ((st = school_parent(d, actor, in->person_id, x->parent_person_id, &parent, err)) ||
	    (st = school_priority(d, parent, &p, err)))
		return st;
	/* what the record shows wins over what was claimed; a claim waits for the certificate */
	const char *category = p.derived ? p.category : x->category ? x->category : "general";
	if ((st = db_execp(d, SQL_SCHOOL_INSERT,
			   DB_ARGS(DB_I(case_id), DB_T(x->child_name), DB_IDOPT(x->child_person_id), DB_T(x->school),
				   DB_T(category), DB_I(p.derived), DB_T(p.derived ? p.basis : NULL)),
			   NULL, err)))
		return st;
	return p.derived ? case_material_record(d, case_id, SCHOOL_CERTIFICATE, p.basis, err) : SY_OK;
}

sy_status case_details_store(db *d, const struct principal *actor, const char *type, int64_t case_id,
			     const struct case_input *in, sy_err *err)
{
	const struct case_details *x = &in->details;
	switch (kind_of(type)) {
	case DETAIL_DUAL:
		return db_execp(d, SQL_DUAL_INSERT,
				DB_ARGS(DB_I(case_id), DB_I(x->year), DB_T(strcmp(type, "dual_army") == 0 ? "army" : "civil"),
					DB_T(x->content), DB_T(x->deadline), DB_T(x->quality_standard)),
				NULL, err);
	case DETAIL_SCHOOL:
		return store_school(d, actor, case_id, in, err);
	case DETAIL_SPOUSE:
		return db_execp(d, SQL_SPOUSE_INSERT,
				DB_ARGS(DB_I(case_id), DB_T(x->service_member), DB_T(x->skills), DB_T(x->previous_employment),
					DB_T(x->wanted)),
				NULL, err);
	default:
		return SY_OK;
	}
}

/* ---- the case's page ---------------------------------------------------------------------------- */

static json_t *dual_json(db_rows *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "year", (json_int_t)db_int(r, 0), "list", db_text(r, 1),
			 "content", db_text(r, 2), "deadline", db_text(r, 3), "quality_standard", db_text(r, 4));
}

static json_t *school_json(db_rows *r)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:b, s:s?}", "child_name", db_text(r, 0), "child_person_id",
			 db_isnull(r, 1) ? json_null() : json_integer(db_int(r, 1)), "school", db_text(r, 2),
			 "category", db_text(r, 3), "derived", db_bool(r, 4), "basis", db_text(r, 5));
}

static json_t *spouse_json(db_rows *r)
{
	return json_pack("{s:s?, s:s, s:s?, s:s?}", "service_member", db_text(r, 0), "skills", db_text(r, 1),
			 "previous_employment", db_text(r, 2), "wanted", db_text(r, 3));
}

/* One row of sql as page[key], when there is one. */
static sy_status add_row(db *d, const char *sql, int64_t case_id, const char *key, json_t *(*fn)(db_rows *),
			 json_t *page, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, sql, DB_ARGS(DB_I(case_id)), &r, err);
	if (st)
		return st;
	if (db_next(r))
		json_object_set_new(page, key, fn(r));
	db_rows_free(r);
	return SY_OK;
}

sy_status case_details_json(db *d, int64_t case_id, json_t *page, sy_err *err)
{
	const char *type = json_string_value(json_object_get(page, "type"));
	sy_status st = case_attachments_json(d, case_id, page, err);
	if (st || !type)
		return st;
	switch (kind_of(type)) {
	case DETAIL_DUAL:
		return add_row(d, SQL_DUAL_GET, case_id, "dual_list_item", dual_json, page, err);
	case DETAIL_SCHOOL:
		return add_row(d, SQL_SCHOOL_GET, case_id, "school", school_json, page, err);
	case DETAIL_SPOUSE:
		return add_row(d, SQL_SPOUSE_GET, case_id, "spouse", spouse_json, page, err);
	default:
		return SY_OK;
	}
}
