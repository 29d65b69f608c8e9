/*
 * routes.c - /api/v1/cases, /api/v1/inbox, /api/v1/case-types and
 * /api/v1/calendar. Each handler parses its input, calls cases.c with today's
 * date (in China), and answers with the case's page or the list.
 *
 * The routes that move steps name admin, officer, unit and department: the
 * 拥政爱民 items' transitions let the responsible stationed unit act on its own
 * items, and the 一门受理, school and spouse's-job transitions the department
 * handling a step act on that step.
 * Attachments are the request body (ROUTE_UPLOAD) with their metadata in the
 * query string; a download is sent from the file (out_fd).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"
#include "http/http.h"

#define WRITERS (ROLE_ADMIN | ROLE_OFFICER)
/*
 * A stationed unit reads and moves the 拥政爱民 items it answers for; a
 * department the cases with a step it handles.
 */
#define READERS (ROLES_STAFF | ROLE_PERSON | ROLE_UNIT | ROLE_DEPARTMENT)
#define ACTORS (WRITERS | ROLE_UNIT | ROLE_DEPARTMENT)
/* The applicant files a 一门受理, school or spouse's job application for themselves. */
#define FILERS (WRITERS | ROLE_PERSON)

static const struct export_column case_columns[] = {
	{"id", "编号", "ID"},
	{"type_name", "事项类型", "Case type"},
	{"applicant_name", "申请人", "Applicant"},
	{"region_name", "地区", "Region"},
	{"state", "状态", "State"},
	{"opened_on", "受理日期", "Opened on"},
	{"steps_done", "已办结环节", "Steps done"},
	{"steps_total", "环节数", "Steps"},
	{"overdue_steps", "超期环节", "Overdue steps"},
	{"next_due", "最近期限", "Next due"},
};
static const struct export_column inbox_columns[] = {
	{"case_id", "事项编号", "Case"},
	{"type_name", "事项类型", "Case type"},
	{"applicant_name", "申请人", "Applicant"},
	{"step_name", "环节", "Step"},
	{"state_name", "状态", "State"},
	{"org_name", "办理部门", "Department"},
	{"entered_on", "起算日期", "Since"},
	{"due_date", "办理期限", "Due"},
};
#define NCOLS(a) ((int)(sizeof(a) / sizeof(a)[0]))

static sy_status reply_case(struct http_req *r, int status, int64_t id, sy_err *err)
{
	char today[WORKDAY_DATE_LEN];
	json_t *o;
	cases_today(today);
	sy_status st = cases_get(r->db, &r->who, id, today, &o, err);
	if (st)
		return st;
	http_json(r, status, o);
	return SY_OK;
}

/* ---- cases ------------------------------------------------------------------------ */

static sy_status get_cases(struct http_req *r, sy_err *err)
{
	struct case_filter f = {0};
	enum export_format fmt;
	char today[WORKDAY_DATE_LEN];
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "state", 16, &f.state, err)) ||
	    (st = http_query_str(r, "type", 31, &f.type, err)))
		return st;
	cases_today(today);
	if ((st = cases_list(r->db, &r->who, &f, today, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, case_columns, NCOLS(case_columns), "cases", err);
}

/* {"report": 12, "hukou": 40}: the departments the officer picked, by step. */
static sy_status read_departments(struct http_req *r, struct case_input *in, sy_err *err)
{
	json_t *o = json_object_get(r->in, "departments"), *v;
	const char *key;
	if (!o || json_is_null(o))
		return SY_OK;
	if (!json_is_object(o) || json_object_size(o) > 64)
		return sy_failf(err, SY_EINVAL, "invalid_type", "departments", "departments 应为 {环节: 部门编号}",
				"departments must be an object {step: org_id}");
	struct case_department *dep = arena_alloc(r->a, (json_object_size(o) + 1) * sizeof *dep);
	if (!dep)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	int n = 0;
	json_object_foreach(o, key, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return sy_failf(err, SY_EINVAL, "invalid_type", "departments", "部门编号应为正整数",
					"each department must be an organisation id");
		dep[n].step = key;
		dep[n].org_id = json_integer_value(v);
		n++;
	}
	in->departments = dep;
	in->ndepartments = n;
	return SY_OK;
}

/* The fields of a type's own (see struct case_details); each optional here, required by its type. */
static sy_status read_details(struct http_req *r, struct case_details *x, sy_err *err)
{
	sy_status st;
	if ((st = http_in_int(r, "year", false, 1, 9999, NULL, &x->year, err)) ||
	    (st = http_in_str(r, "content", false, 2000, &x->content, err)) ||
	    (st = http_in_str(r, "deadline", false, 10, &x->deadline, err)) ||
	    (st = http_in_str(r, "quality_standard", false, 2000, &x->quality_standard, err)) ||
	    (st = http_in_str(r, "child_name", false, 200, &x->child_name, err)) ||
	    (st = http_in_int(r, "child_person_id", false, 1, INT64_MAX, NULL, &x->child_person_id, err)) ||
	    (st = http_in_int(r, "parent_person_id", false, 1, INT64_MAX, NULL, &x->parent_person_id, err)) ||
	    (st = http_in_str(r, "school", false, 400, &x->school, err)) ||
	    (st = http_in_str(r, "category", false, 16, &x->category, err)) ||
	    (st = http_in_str(r, "service_member", false, 200, &x->service_member, err)) ||
	    (st = http_in_str(r, "skills", false, 2000, &x->skills, err)) ||
	    (st = http_in_str(r, "previous_employment", false, 2000, &x->previous_employment, err)))
		return st;
	return http_in_str(r, "wanted", false, 2000, &x->wanted, err);
}

static sy_status post_cases(struct http_req *r, sy_err *err)
{
	struct case_input in = {0};
	char today[WORKDAY_DATE_LEN];
	int64_t id;
	sy_status st;
	if ((st = http_in_str(r, "type", true, 31, &in.type, err)) || (st = read_details(r, &in.details, err)) ||
	    (st = http_in_int(r, "person_id", false, 1, INT64_MAX, NULL, &in.person_id, err)) ||
	    (st = http_in_int(r, "org_id", false, 1, INT64_MAX, NULL, &in.org_id, err)) ||
	    (st = http_in_str(r, "note", false, 4 * CASE_NOTE_CHARS, &in.note, err)) ||
	    (st = read_departments(r, &in, err)))
		return st;
	if (r->who.role == ROLE_PERSON && in.person_id == 0 && in.org_id == 0)
		in.person_id = r->who.person_id;
	cases_today(today);
	if ((st = cases_create(r->db, &r->who, &in, today, &id, err)))
		return st;
	return reply_case(r, 201, id, err);
}

static sy_status get_case(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_case(r, 200, id, err);
}

/* ["落户介绍信", …] */
static sy_status read_materials(struct http_req *r, struct case_action *in, sy_err *err)
{
	json_t *a = json_object_get(r->in, "materials"), *v;
	size_t i;
	if (!a || json_is_null(a))
		return SY_OK;
	if (!json_is_array(a) || json_array_size(a) > CASE_MATERIALS_MAX)
		return sy_fail(err, SY_EINVAL, "invalid_type", "materials", "materials 应为材料名称的列表（最多 %d 项）",
			       "materials must be a list of names (at most %d)", CASE_MATERIALS_MAX);
	const char **names = arena_alloc(r->a, (json_array_size(a) + 1) * sizeof *names);
	if (!names)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return sy_failf(err, SY_EINVAL, "invalid_type", "materials", "材料名称应为文字",
					"each material must be a name");
		names[i] = json_string_value(v);
	}
	in->materials = names;
	in->nmaterials = (int)json_array_size(a);
	return SY_OK;
}

static sy_status post_transition(struct http_req *r, sy_err *err)
{
	struct case_action in = {0};
	char today[WORKDAY_DATE_LEN];
	int64_t id, sid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "sid", &sid, err)) ||
	    (st = http_in_str(r, "action", true, 64, &in.action, err)) ||
	    (st = http_in_str(r, "comment", false, 4 * CASE_COMMENT_CHARS, &in.comment, err)) ||
	    (st = read_materials(r, &in, err)))
		return st;
	cases_today(today);
	if ((st = cases_transition(r->db, &r->who, id, sid, &in, today, err)))
		return st;
	return reply_case(r, 200, id, err);
}

static sy_status post_comment(struct http_req *r, sy_err *err)
{
	const char *text;
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_str(r, "comment", true, 4 * CASE_COMMENT_CHARS, &text, err)) ||
	    (st = cases_comment(r->db, &r->who, id, text, err)))
		return st;
	return reply_case(r, 201, id, err);
}

static sy_status get_overdue(struct http_req *r, sy_err *err)
{
	enum export_format fmt;
	char today[WORKDAY_DATE_LEN];
	json_t *items;
	int64_t next, cursor;
	int limit;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &limit, &cursor, err)))
		return st;
	cases_today(today);
	if ((st = cases_overdue(r->db, &r->who, limit, cursor, today, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, case_columns, NCOLS(case_columns), "cases-overdue", err);
}

static sy_status get_inbox(struct http_req *r, sy_err *err)
{
	struct inbox_filter f = {0};
	char today[WORKDAY_DATE_LEN];
	const char *overdue, *org;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_paging(r, 50, 500, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "overdue", 1, &overdue, err)) || (st = http_query_str(r, "org", 20, &org, err)))
		return st;
	if (overdue && strcmp(overdue, "1") != 0 && strcmp(overdue, "0") != 0)
		return sy_failf(err, SY_EINVAL, "invalid_filter", "overdue", "overdue 应为 0 或 1", "overdue must be 0 or 1");
	f.overdue_only = overdue && strcmp(overdue, "1") == 0;
	if (org && (sscanf(org, "%" SCNd64, &f.org_id) != 1 || f.org_id <= 0))
		return sy_failf(err, SY_EINVAL, "invalid_id", "org", "部门编号无效", "invalid organisation id");
	cases_today(today);
	if ((st = cases_inbox(r->db, &r->who, &f, today, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, inbox_columns, NCOLS(inbox_columns), "inbox", err);
}

/* ---- attachments -------------------------------------------------------------------- */

static sy_status post_attachment(struct http_req *r, sy_err *err)
{
	struct attachment_input in = {.data = r->body, .len = r->body_len, .declared = http_header(r, "Content-Type")};
	const char *step;
	json_t *o;
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_query_str(r, "step", 20, &step, err)) ||
	    (st = http_query_str(r, "material", 4 * ATTACHMENT_MATERIAL_CHARS, &in.material, err)) ||
	    (st = http_query_str(r, "name", 4 * ATTACHMENT_NAME_CHARS, &in.filename, err)))
		return st;
	if (step && (sscanf(step, "%" SCNd64, &in.step_id) != 1 || in.step_id <= 0))
		return sy_failf(err, SY_EINVAL, "invalid_id", "step", "环节编号无效", "invalid step id");
	if ((st = cases_attach(r->db, &r->who, id, &in, &o, err)))
		return st;
	http_json(r, 201, o);
	return SY_OK;
}

/* "attachment; filename*=UTF-8''<percent-encoded>": any name, no header injection. */
static const char *disposition(struct http_req *r, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name);
	char *out = arena_alloc(r->a, 40 + 3 * n);
	if (!out)
		return NULL;
	char *p = out + sprintf(out, "attachment; filename*=UTF-8''");
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._-", *c))
			*p++ = (char)*c;
		else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	*p = 0;
	return out;
}

static sy_status get_attachment(struct http_req *r, sy_err *err)
{
	struct attachment_file f;
	int64_t id, aid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "aid", &aid, err)) ||
	    (st = cases_attachment_open(r->db, &r->who, id, aid, &f, err)))
		return st;
	const char *cd = disposition(r, f.filename), *type = arena_printf(r->a, "%s", f.content_type);
	if (!cd || !type) {
		close(f.fd);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	http_add_header(r, "Content-Disposition", cd);
	http_add_header(r, "Cache-Control", "private, no-store");
	r->content_type = type;
	r->out_fd = f.fd;
	r->out_fd_size = f.size;
	r->status = 200;
	return SY_OK;
}

static sy_status get_attachment_settings(struct http_req *r, sy_err *err)
{
	json_t *o;
	sy_status st = cases_attachment_settings(r->db, &o, err);
	if (st)
		return st;
	http_json(r, 200, o);
	return SY_OK;
}

static sy_status patch_attachment_settings(struct http_req *r, sy_err *err)
{
	json_t *o, *types = json_object_get(r->in, "types"), *v;
	int64_t max = 0;
	bool has = false;
	char list[64] = "";
	size_t i;
	sy_status st;
	if ((st = http_in_int(r, "max_bytes", false, 1, INT64_MAX, &has, &max, err)) ||
	    (st = cases_attachment_settings(r->db, &o, err)))
		return st;
	if (!has)
		max = json_integer_value(json_object_get(o, "max_bytes"));
	if (!types)
		types = json_object_get(o, "types");
	if (!json_is_array(types) || json_array_size(types) > 8) {
		json_decref(o);
		return sy_failf(err, SY_EINVAL, "invalid_type", "types", "types 应为类型名称的列表（pdf、jpeg、png）",
				"types must be a list of names (pdf, jpeg, png)");
	}
	json_array_foreach(types, i, v) {
		const char *t = json_string_value(v);
		if (!t || strlen(t) > 8) {
			json_decref(o);
			return sy_failf(err, SY_EINVAL, "invalid_types", "types", "附件类型只能是 pdf、jpeg、png",
					"types must be among pdf, jpeg, png");
		}
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", t);
	}
	json_decref(o);
	if ((st = cases_attachment_settings_set(r->db, &r->who, max, list, err)))
		return st;
	return get_attachment_settings(r, err);
}

/* ---- 双清单 and statistics ------------------------------------------------------------ */

static const struct export_column dual_columns[] = {
	{"case_id", "事项编号", "Case"},
	{"list", "清单", "List"},
	{"content", "事项内容", "Content"},
	{"org_name", "责任单位", "Responsible unit"},
	{"deadline", "完成时限", "Deadline"},
	{"quality_standard", "质量标准", "Quality standard"},
	{"state_name", "状态", "State"},
	{"completed_on", "办结日期", "Completed on"},
	{"on_time", "按时办结", "On time"},
};

static sy_status get_dual_board(struct http_req *r, sy_err *err)
{
	enum export_format fmt;
	char today[WORKDAY_DATE_LEN];
	json_t *o;
	int64_t year;
	sy_status st;
	if ((st = http_param_id(r, "year", &year, err)) || (st = http_export_format(r, &fmt, err)))
		return st;
	cases_today(today);
	if ((st = cases_dual_board(r->db, &r->who, year, today, &o, err)))
		return st;
	if (fmt != EXPORT_NONE) {
		json_t *items = json_incref(json_object_get(o, "items"));
		json_decref(o);
		return http_send_export(r, fmt, items, dual_columns, NCOLS(dual_columns), "dual-lists", err);
	}
	http_json(r, 200, o);
	return SY_OK;
}

static const struct export_column stats_columns[] = {
	{"dimension", "维度", "Dimension"},
	{"key", "代码", "Key"},
	{"name", "名称", "Name"},
	{"total", "总数", "Total"},
	{"closed", "已办结", "Closed"},
	{"done", "已办结环节", "Steps done"},
	{"overdue", "超期", "Overdue"},
};

/* The groups of a statistics answer as one table, a row per group with its dimension. */
static json_t *stats_rows(json_t *o)
{
	static const char *const dims[] = {"by_type", "by_step_state", "by_department", "by_region"};
	json_t *rows = json_array(), *x;
	size_t i;
	for (size_t k = 0; rows && k < sizeof dims / sizeof dims[0]; k++)
		json_array_foreach(json_object_get(o, dims[k]), i, x) {
			json_t *row = json_deep_copy(x);
			if (row)
				json_object_set_new(row, "dimension", json_string(dims[k] + 3));
			json_array_append_new(rows, row);
		}
	return rows;
}

static sy_status get_stats(struct http_req *r, sy_err *err)
{
	struct case_stats_filter f = {0};
	enum export_format fmt;
	char today[WORKDAY_DATE_LEN];
	json_t *o;
	sy_status st;
	if ((st = http_export_format(r, &fmt, err)) || (st = http_query_str(r, "type", 31, &f.type, err)) ||
	    (st = http_query_str(r, "from", 10, &f.from, err)) || (st = http_query_str(r, "to", 10, &f.to, err)))
		return st;
	cases_today(today);
	if ((st = cases_stats(r->db, &r->who, &f, today, &o, err)))
		return st;
	if (fmt != EXPORT_NONE) {
		json_t *rows = stats_rows(o);
		json_decref(o);
		if (!rows)
			return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		return http_send_export(r, fmt, rows, stats_columns, NCOLS(stats_columns), "case-stats", err);
	}
	http_json(r, 200, o);
	return SY_OK;
}

/* ---- case types ------------------------------------------------------------------- */

static sy_status get_case_types(struct http_req *r, sy_err *err)
{
	json_t *items;
	sy_status st = cases_types(r->db, &items, err);
	if (st)
		return st;
	http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
	return SY_OK;
}

static sy_status post_deadline(struct http_req *r, sy_err *err)
{
	const char *code = http_param(r, "code"), *step, *state;
	int64_t days = 0;
	bool has = false;
	json_t *o;
	sy_status st;
	if ((st = http_in_str(r, "step", true, 31, &step, err)) || (st = http_in_str(r, "state", true, 31, &state, err)))
		return st;
	if (!json_object_get(r->in, "working_days"))
		return sy_failf(err, SY_EINVAL, "required", "working_days", "请填写办理期限（工作日数，null 表示未设置）",
				"working_days is required (null unsets it)");
	if ((st = http_in_int(r, "working_days", false, 0, 365, &has, &days, err)) ||
	    (st = cases_deadline_set(r->db, &r->who, code, step, state, has, days, err)) ||
	    (st = cases_type_get(r->db, code, &o, err)))
		return st;
	http_json(r, 200, o);
	return SY_OK;
}

/* ---- the calendar ------------------------------------------------------------------ */

static sy_status get_calendar(struct http_req *r, sy_err *err)
{
	const char *y;
	int year = 0, n = 0;
	json_t *items;
	sy_status st;
	if ((st = http_query_str(r, "year", 4, &y, err)))
		return st;
	if (y && (sscanf(y, "%4d%n", &year, &n) != 1 || n != (int)strlen(y) || year < 1900 || year > 9999))
		return sy_failf(err, SY_EINVAL, "invalid_year", "year", "年份无效", "invalid year");
	if ((st = cases_calendar_list(r->db, year, &items, err)))
		return st;
	http_json(r, 200, json_pack("{s:o, s:n}", "items", items, "next"));
	return SY_OK;
}

static sy_status post_calendar(struct http_req *r, sy_err *err)
{
	const char *date, *kind, *name;
	json_t *o;
	sy_status st;
	if ((st = http_in_str(r, "date", true, 10, &date, err)) || (st = http_in_str(r, "kind", true, 16, &kind, err)) ||
	    (st = http_in_str(r, "name", false, 4 * CALENDAR_NAME_CHARS, &name, err)) ||
	    (st = cases_calendar_set(r->db, &r->who, date, kind, name, &o, err)))
		return st;
	http_json(r, 200, o);
	return SY_OK;
}

static sy_status delete_calendar(struct http_req *r, sy_err *err)
{
	const char *date = http_param(r, "date");
	sy_status st = cases_calendar_remove(r->db, &r->who, date, err);
	if (st)
		return st;
	http_json(r, 200, json_pack("{s:s, s:b}", "date", date, "removed", 1));
	return SY_OK;
}

const struct route cases_routes[] = {
	{"GET", "/api/v1/cases", get_cases, READERS, ROUTE_EXPORT,
	 "Cases in the caller's scope, newest first (?state=open|closed, type; a person: their own)", NULL},
	{"POST", "/api/v1/cases", post_cases, FILERS, 0,
	 "Open a case: one 一门受理 application creates its parallel steps, each with its department"
	 " (departments: {step: org_id} picks them; otherwise the nearest department whose name fits);"
	 " a person files for themselves; 双清单 items (dual_army, dual_civil) take year, content, deadline,"
	 " quality_standard; child_school takes child_name, school (category derived from the parent's record);"
	 " spouse_job takes skills, previous_employment, wanted",
	 "{\"type\":\"one_window\",\"person_id\":\"{relative}\",\"note\":\"窗口受理\"}"},
	{"GET", "/api/v1/cases/stats", get_stats, ROLES_STAFF, ROUTE_EXPORT,
	 "Case statistics in scope: by type, step state, department and region; average handling time in"
	 " working days and the on-time share of closed cases (?type, from, to; ?format=csv|xlsx)", NULL},
	{"GET", "/api/v1/cases/overdue", get_overdue, ROLES_STAFF, ROUTE_EXPORT,
	 "督办: open cases in scope with a step past its due date (computed against today and the calendar)", NULL},
	{"POST", "/api/v1/cases/{id}/attachments", post_attachment, ACTORS | ROLE_PERSON, ROUTE_UPLOAD,
	 "Upload a file (PDF, JPEG or PNG by its first bytes; size and types per the attachment settings) to a"
	 " case as the body (?step=<step id>, material=<kind, e.g. 落户介绍信>, name=<file name>); stored by SHA-256",
	 NULL},
	{"GET", "/api/v1/cases/{id}/attachments/{aid}", get_attachment, READERS, 0,
	 "Download an attachment (only to those who may see the case; others get 404)", NULL},
	{"GET", "/api/v1/case-attachment-settings", get_attachment_settings, ROLES_ALL, 0,
	 "Attachment limits: the largest file in bytes and the allowed types", NULL},
	{"PATCH", "/api/v1/case-attachment-settings", patch_attachment_settings, ROLE_ADMIN, 0,
	 "Change the attachment limits (audited)", "{\"max_bytes\":10485760,\"types\":[\"pdf\",\"jpeg\",\"png\"]}"},
	{"GET", "/api/v1/dual-lists/{year}", get_dual_board, ROLES_STAFF | ROLE_UNIT, ROUTE_EXPORT,
	 "The 双清单 board of a year: items of both lists with responsible unit, deadline, quality standard and"
	 " state; completion and on-time rates by list, by responsible unit and by quarter", NULL},
	{"GET", "/api/v1/cases/{id}", get_case, READERS, 0,
	 "A case: applicant, steps with state, department, due date and the actions the caller may take, timeline",
	 NULL},
	{"POST", "/api/v1/cases/{id}/steps/{sid}/transitions", post_transition, ACTORS, 0,
	 "Move a step (409 not_allowed_in_<state> from the wrong state; required materials by name)",
	 "{\"action\":\"accept\",\"comment\":\"材料齐全，予以受理\"}"},
	{"POST", "/api/v1/cases/{id}/comments", post_comment, WRITERS | ROLE_PERSON | ROLE_DEPARTMENT, 0,
	 "Add a comment to the case's timeline (a person: on their own case; a department: on a case with a step"
	 " it handles)", "{\"comment\":\"请尽快办理\"}"},
	{"GET", "/api/v1/inbox", get_inbox, WRITERS | ROLE_DEPARTMENT, ROUTE_EXPORT,
	 "Steps waiting on the caller: in their region (?overdue=1, org=<department id>); a department: the steps"
	 " it handles, wherever", NULL},
	{"GET", "/api/v1/case-types", get_case_types, ROLES_ALL, 0,
	 "Case types: states, steps, transitions (roles, organisation type, materials), deadlines", NULL},
	{"POST", "/api/v1/case-types/{code}/deadlines", post_deadline, ROLE_ADMIN, 0,
	 "Set the working days a step may stay in a state (step \"*\": every step; null unsets)",
	 "{\"step\":\"reserve\",\"state\":\"pending\",\"working_days\":null}"},
	{"GET", "/api/v1/calendar", get_calendar, ROLES_ALL, 0,
	 "Public holidays and make-up working days (?year=2026)", NULL},
	{"POST", "/api/v1/calendar", post_calendar, ROLE_ADMIN, 0,
	 "Set a day: holiday, or workday (a make-up working Saturday or Sunday); replaces that day's row",
	 "{\"date\":\"2090-01-02\",\"kind\":\"holiday\",\"name\":\"元旦\"}"},
	{"DELETE", "/api/v1/calendar/{date}", delete_calendar, ROLE_ADMIN, 0, "Remove a day from the calendar", NULL},
};
const int cases_routes_count = sizeof cases_routes / sizeof cases_routes[0];
