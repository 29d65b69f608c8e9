/*
 * routes.c - /api/v1/placement/…: policy tables, batches, 公示, objections,
 * preferences, the live session, results, receipts and the export; and the
 * pages without login under /api/v1/public/placement (the 公示 and the
 * projector). Each handler parses its input and calls batches.h / placement.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batches.h"
#include "http/http.h"
#include "placement.h"

#define WRITE (ROLE_ADMIN | ROLE_OFFICER)

static sy_status reply(struct http_req *r, int status, sy_status st, json_t *body)
{
	if (!st)
		http_json(r, status, body);
	return st;
}

static sy_status get_policies(struct http_req *r, sy_err *err)
{
	json_t *items = NULL;
	sy_status st = policy_list(r->db, &items, err);
	return reply(r, 200, st, st ? NULL : json_pack("{s:o}", "items", items));
}

static sy_status reply_policy(struct http_req *r, int status, sy_err *err)
{
	struct pl_policy p;
	sy_status st = policy_get(r->db, http_param(r, "code"), &p, err);
	if (st)
		return st;
	http_json(r, status, policy_to_json(&p));
	policy_free(&p);
	return SY_OK;
}

static sy_status get_policy(struct http_req *r, sy_err *err)
{
	return reply_policy(r, 200, err);
}

static sy_status patch_policy_item(struct http_req *r, sy_err *err)
{
	const json_t *v = r->in ? json_object_get(r->in, "value") : NULL;
	if (!v || (!json_is_null(v) && !json_is_string(v)))
		return sy_failf(err, SY_EINVAL, "invalid_value", "value", "value 须为数值文本，或 null 表示未设置",
				"value must be a decimal text, or null for unset");
	sy_status st = policy_set_item(r->db, &r->who, http_param(r, "code"), http_param(r, "item"),
				       json_string_value(v), err);
	return st ? st : reply_policy(r, 200, err);
}

static sy_status get_batches(struct http_req *r, sy_err *err)
{
	json_t *items = NULL;
	sy_status st = batch_list(r->db, &r->who, &items, err);
	return reply(r, 200, st, st ? NULL : json_pack("{s:o, s:n}", "items", items, "next"));
}

static sy_status reply_batch(struct http_req *r, int status, int64_t id, sy_err *err)
{
	json_t *b = NULL;
	sy_status st = batch_get(r->db, &r->who, id, &b, err);
	return reply(r, status, st, b);
}

/* The settings of a create (required) or an update (each optional). */
static sy_status batch_fields(struct http_req *r, bool create, struct batch_input *in, sy_err *err)
{
	int64_t year = 0, pd = 0, od = 0;
	sy_status st;
	if ((st = http_in_int(r, "year", create, 1990, 2999, NULL, &year, err)) ||
	    (st = http_in_str(r, "region_code", create, 15, &in->region_code, err)) ||
	    (st = http_in_str(r, "name", create, 100, &in->name, err)) ||
	    (st = http_in_str(r, "mode", create, 16, &in->mode, err)) ||
	    (st = http_in_str(r, "absence_rule", create, 16, &in->absence_rule, err)) ||
	    (st = http_in_str(r, "tie_break", false, 79, &in->tie_break, err)) ||
	    (st = http_in_int(r, "publicity_days", create, 1, 365, NULL, &pd, err)) ||
	    (st = http_in_int(r, "objection_days", create, 1, 365, NULL, &od, err)) ||
	    (st = http_in_str(r, "discharged_from", create, 10, &in->discharged_from, err)) ||
	    (st = http_in_str(r, "discharged_to", create, 10, &in->discharged_to, err)))
		return st;
	in->year = (int)year;
	in->publicity_days = (int)pd;
	in->objection_days = (int)od;
	return SY_OK;
}

static sy_status post_batches(struct http_req *r, sy_err *err)
{
	struct batch_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = batch_fields(r, true, &in, err)) || (st = batch_create(r->db, &r->who, &in, &id, err)))
		return st;
	return reply_batch(r, 201, id, err);
}

static sy_status get_batch(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st = http_param_id(r, "id", &id, err);
	return st ? st : reply_batch(r, 200, id, err);
}

static sy_status patch_batch(struct http_req *r, sy_err *err)
{
	struct batch_input in = {0};
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)))
		return st;
	if (r->in && json_object_get(r->in, "region_code"))
		return sy_failf(err, SY_EINVAL, "immutable_field", "region_code", "批次地区不能修改", "a batch's region cannot change");
	if (r->in && json_object_get(r->in, "year"))
		return sy_failf(err, SY_EINVAL, "immutable_field", "year", "批次年度不能修改", "a batch's year cannot change");
	if ((st = batch_fields(r, false, &in, err)) || (st = batch_update(r->db, &r->who, id, &in, err)))
		return st;
	return reply_batch(r, 200, id, err);
}

static sy_status post_draw(struct http_req *r, sy_err *err)
{
	int64_t id;
	int added = 0;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_draw(r->db, &r->who, id, &added, err)))
		return st;
	json_t *b = NULL;
	if ((st = batch_get(r->db, &r->who, id, &b, err)))
		return st;
	json_object_set_new(b, "added", json_integer(added));
	http_json(r, 200, b);
	return SY_OK;
}

static sy_status post_candidate(struct http_req *r, sy_err *err)
{
	int64_t id, person, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "person_id", true, 1, INT64_MAX, NULL, &person, err)) ||
	    (st = batch_add_candidate(r->db, &r->who, id, person, &cid, err)))
		return st;
	return reply_batch(r, 201, id, err);
}

static sy_status patch_candidate(struct http_req *r, sy_err *err)
{
	int64_t id, cid;
	const char *reason;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "cid", &cid, err)) ||
	    (st = http_in_str(r, "reason", false, 500, &reason, err)) ||
	    (st = batch_candidate_update(r->db, &r->who, id, cid, r->in ? json_object_get(r->in, "inputs") : NULL,
					 reason, err)))
		return st;
	json_t *page = NULL;
	st = batch_receipt(r->db, &r->who, id, cid, &page, err);
	return reply(r, 200, st, page);
}

static sy_status get_candidate(struct http_req *r, sy_err *err)
{
	int64_t id, cid;
	json_t *page = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "cid", &cid, err)))
		return st;
	st = batch_receipt(r->db, &r->who, id, cid, &page, err);
	return reply(r, 200, st, page);
}

static sy_status post_post(struct http_req *r, sy_err *err)
{
	struct post_input in = {0};
	int64_t id, org = 0, places = 0, pid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "employer_org_id", false, 1, INT64_MAX, NULL, &org, err)) ||
	    (st = http_in_str(r, "employer", false, 99, &in.employer, err)) ||
	    (st = http_in_str(r, "title", true, 95, &in.title, err)) ||
	    (st = http_in_int(r, "places", true, 1, 10000, NULL, &places, err)) ||
	    (st = http_in_str(r, "min_education", false, 16, &in.min_education, err)))
		return st;
	in.employer_org_id = org;
	in.places = (int)places;
	if ((st = batch_add_post(r->db, &r->who, id, &in, &pid, err)))
		return st;
	return reply_batch(r, 201, id, err);
}

static const struct export_column score_columns[] = {
	{"rank", "名次", "Rank"},           {"number", "考生编号", "Candidate no."}, {"name", "姓名", "Name"},
	{"total", "总分", "Total"},         {"status_zh", "类别", "Kind"},         {"tie_rule", "同分依据", "Tie broken by"},
	{"breakdown", "计分明细", "Breakdown"},
};

/* The breakdown as one line a printed list can hold: item qty×unit=points; … */
static void add_print_fields(json_t *items)
{
	size_t i, k;
	json_t *s, *l;
	json_array_foreach(items, i, s) {
		char buf[2048];
		size_t o = 0;
		buf[0] = 0;
		json_array_foreach(json_object_get(s, "lines"), k, l)
			if (o < sizeof buf)
				o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s %s×%s=%s", k ? "；" : "",
						      json_string_value(json_object_get(l, "item")),
						      json_string_value(json_object_get(l, "quantity")),
						      json_string_value(json_object_get(l, "per_unit")),
						      json_string_value(json_object_get(l, "points")));
		json_object_set_new(s, "breakdown", json_string(buf));
		json_object_set_new(s, "status_zh", json_string(!strcmp(json_string_value(json_object_get(s, "status")), "first")
									? "优先安置（不计分）" : "计分"));
	}
}

typedef sy_status (*batch_list_fn)(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* A batch's list as JSON, or its "items" printed as the bureau prints them (?format=xlsx|csv). */
static sy_status send_batch_list(struct http_req *r, batch_list_fn fetch, void (*printable)(json_t *items),
				 const struct export_column *cols, int ncols, const char *filename, sy_err *err)
{
	int64_t id;
	enum export_format f;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_export_format(r, &f, err)) ||
	    (st = fetch(r->db, &r->who, id, &out, err)))
		return st;
	if (f == EXPORT_NONE) {
		http_json(r, 200, out);
		return SY_OK;
	}
	json_t *items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	printable(items);
	return http_send_export(r, f, items, cols, ncols, filename, err);
}

static sy_status get_scores(struct http_req *r, sy_err *err)
{
	return send_batch_list(r, batch_scores, add_print_fields, score_columns,
			       (int)(sizeof score_columns / sizeof score_columns[0]), "placement-scores", err);
}

static sy_status post_publish(struct http_req *r, sy_err *err)
{
	int64_t id;
	const char *reason;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_in_str(r, "reason", false, 500, &reason, err)) ||
	    (st = batch_publish(r->db, &r->who, id, reason, &out, err)))
		return st;
	http_json(r, json_is_true(json_object_get(out, "unchanged")) ? 200 : 201, out);
	return SY_OK;
}

static sy_status get_versions(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_versions(r->db, &r->who, id, &out, err)))
		return st;
	http_json(r, 200, json_pack("{s:o}", "items", out));
	return SY_OK;
}

static sy_status post_objection(struct http_req *r, sy_err *err)
{
	int64_t id, cid, oid;
	const char *text;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "candidate_id", true, 1, INT64_MAX, NULL, &cid, err)) ||
	    (st = http_in_str(r, "text", true, 2000, &text, err)) ||
	    (st = batch_object(r->db, &r->who, id, cid, text, &oid, err)))
		return st;
	http_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)oid, "status", "open"));
	return SY_OK;
}

static sy_status post_decide(struct http_req *r, sy_err *err)
{
	int64_t id, oid;
	const char *outcome, *note;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_param_id(r, "oid", &oid, err)) ||
	    (st = http_in_str(r, "outcome", true, 16, &outcome, err)) ||
	    (st = http_in_str(r, "note", true, 2000, &note, err)) ||
	    (st = batch_decide(r->db, &r->who, id, oid, outcome, note, err)))
		return st;
	http_json(r, 200, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)oid, "status", outcome, "outcome", note));
	return SY_OK;
}

static sy_status post_preferences(struct http_req *r, sy_err *err)
{
	int64_t id, cid;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = http_in_int(r, "candidate_id", true, 1, INT64_MAX, NULL, &cid, err)) ||
	    (st = batch_prefer(r->db, &r->who, id, cid, r->in ? json_object_get(r->in, "posts") : NULL, err)))
		return st;
	http_json(r, 200, json_pack("{s:I, s:O}", "candidate_id", (json_int_t)cid, "posts", json_object_get(r->in, "posts")));
	return SY_OK;
}

static sy_status reply_session(struct http_req *r, int64_t id, bool public_view, sy_err *err)
{
	json_t *out = NULL;
	sy_status st = batch_session(r->db, &r->who, id, public_view, &out, err);
	return reply(r, 200, st, out);
}

static sy_status post_start(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_start(r->db, &r->who, id, err)))
		return st;
	return reply_session(r, id, false, err);
}

static sy_status get_session(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)))
		return st;
	return reply_session(r, id, false, err);
}

static sy_status post_step(struct http_req *r, sy_err *err)
{
	int64_t id;
	const char *cand, *choice, *post;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = http_in_str(r, "candidate", false, PL_ID_MAX - 1, &cand, err)) ||
	    (st = http_in_str(r, "choice", true, 16, &choice, err)) ||
	    (st = http_in_str(r, "post", false, PL_ID_MAX - 1, &post, err)) ||
	    (st = batch_step(r->db, &r->who, id, cand, choice, post, &out, err)))
		return st;
	http_json(r, 201, out);
	return SY_OK;
}

static sy_status get_steps(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_steps(r->db, &r->who, id, &out, err)))
		return st;
	http_json(r, 200, json_pack("{s:o}", "items", out));
	return SY_OK;
}

static sy_status post_results(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_close(r->db, &r->who, id, &out, err)))
		return st;
	http_json(r, 201, out);
	return SY_OK;
}

static const struct export_column result_columns[] = {
	{"rank", "名次", "Rank"},         {"number", "考生编号", "Candidate no."}, {"name", "姓名", "Name"},
	{"outcome_zh", "结果", "Outcome"}, {"post", "岗位编号", "Post no."},     {"employer", "用人单位", "Employer"},
	{"title", "岗位", "Post"},
};

static void add_outcome_names(json_t *items)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *o = json_string_value(json_object_get(it, "outcome"));
		json_object_set_new(it, "outcome_zh", json_string(!strcmp(o, "placed") ? "已选岗" : !strcmp(o, "absent") ? "缺席"
								  : !strcmp(o, "no_choice") ? "未选岗" : "未轮到"));
	}
}

static sy_status get_results(struct http_req *r, sy_err *err)
{
	return send_batch_list(r, batch_results, add_outcome_names, result_columns,
			       (int)(sizeof result_columns / sizeof result_columns[0]), "placement-results", err);
}

static sy_status get_export(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) || (st = batch_export(r->db, &r->who, id, &out, err)))
		return st;
	r->out = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(out);
	if (!r->out)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	r->out_len = strlen(r->out);
	r->content_type = "application/json; charset=utf-8";
	http_add_header(r, "Content-Disposition",
			arena_printf(r->a, "attachment; filename=\"placement-%lld.json\"", (long long)id));
	return SY_OK;
}

static sy_status get_mine(struct http_req *r, sy_err *err)
{
	json_t *out = NULL;
	sy_status st = placement_mine(r->db, &r->who, &out, err);
	return reply(r, 200, st, out);
}

static sy_status get_public_list(struct http_req *r, sy_err *err)
{
	json_t *out = NULL;
	sy_status st = http_db(r, err);
	if (!st)
		st = placement_public_list(r->db, &out, err);
	return reply(r, 200, st, out);
}

static sy_status get_public(struct http_req *r, sy_err *err)
{
	int64_t id;
	json_t *out = NULL;
	sy_status st;
	if ((st = http_db(r, err)) || (st = http_param_id(r, "id", &id, err)) ||
	    (st = placement_public_get(r->db, id, &out, err)))
		return st;
	http_json(r, 200, out);
	return SY_OK;
}

static sy_status get_projector(struct http_req *r, sy_err *err)
{
	int64_t id;
	sy_status st;
	if ((st = http_db(r, err)) || (st = http_param_id(r, "id", &id, err)))
		return st;
	return reply_session(r, id, true, err);
}

static sy_status get_canonical(struct http_req *r, sy_err *err)
{
	int64_t id, version = 0;
	const char *list, *v;
	sy_status st;
	if ((st = http_db(r, err)) || (st = http_param_id(r, "id", &id, err)) ||
	    (st = http_query_str(r, "list", 16, &list, err)) || (st = http_query_str(r, "version", 9, &v, err)))
		return st;
	if (v) {
		char *end;
		version = strtoll(v, &end, 10);
		if (*end || version < 1)
			return sy_failf(err, SY_EINVAL, "invalid_version", "version", "版本号无效", "invalid version");
	}
	if ((st = placement_public_canon(r->db, id, list ? list : "scores", (int)version, &r->out, err)))
		return st;
	r->out_len = strlen(r->out);
	r->content_type = "text/plain; charset=utf-8";
	return SY_OK;
}

const struct route placement_routes[] = {
	{"GET", "/api/v1/placement/policies", get_policies, ROLES_STAFF, 0, "Placement policy tables (阳光安置评分表)", NULL},
	{"GET", "/api/v1/placement/policies/{code}", get_policy, ROLES_STAFF, 0, "One policy table with its items (unset ones have value null)", NULL},
	{"PATCH", "/api/v1/placement/policies/{code}/items/{item}", patch_policy_item, ROLE_ADMIN, 0,
	 "Set or clear (null) one policy item's value (admin, audited)", "{\"value\":\"3\"}"},
	{"GET", "/api/v1/placement/batches", get_batches, ROLES_STAFF, 0, "Placement batches in the caller's region", NULL},
	{"POST", "/api/v1/placement/batches", post_batches, WRITE, 0, "Create a placement batch (one per year and region)",
	 "{\"year\":\"{placementyear}\",\"region_code\":\"130902\",\"name\":\"巡检安置批次\",\"mode\":\"live\","
	 "\"absence_rule\":\"skip_to_end\",\"tie_break\":\"service_longer,older\",\"publicity_days\":7,"
	 "\"objection_days\":5,\"discharged_from\":\"2015-04-01\",\"discharged_to\":\"2015-04-30\"}"},
	{"GET", "/api/v1/placement/batches/{id}", get_batch, ROLES_STAFF, 0,
	 "A batch: settings, candidates with eligibility and reasons, posts, objections, versions", NULL},
	{"PATCH", "/api/v1/placement/batches/{id}", patch_batch, WRITE, 0, "Change a draft batch's settings",
	 "{\"publicity_days\":7}"},
	{"POST", "/api/v1/placement/batches/{id}/draw", post_draw, WRITE, 0,
	 "Draw candidates from the registry (discharged in the window, exit mode placed)", "{}"},
	{"POST", "/api/v1/placement/batches/{id}/candidates", post_candidate, WRITE, 0, "Add one person as a candidate",
	 "{\"person_id\":\"{placementperson}\"}"},
	{"GET", "/api/v1/placement/batches/{id}/candidates/{cid}", get_candidate, ROLES_STAFF | ROLE_PERSON, 0,
	 "A candidate's page: inputs, eligibility, score breakdown, receipt (a person: their own)", NULL},
	{"PATCH", "/api/v1/placement/batches/{id}/candidates/{cid}", patch_candidate, WRITE, 0,
	 "Complete or correct a candidate's inputs (after publication with a reason)",
	 "{\"inputs\":{\"education\":\"college\"},\"reason\":\"学历证书核验\"}"},
	{"POST", "/api/v1/placement/batches/{id}/posts", post_post, WRITE, 0, "Add a post (frozen by publication)",
	 "{\"employer\":\"新华区城市管理局\",\"title\":\"执法辅助岗\",\"places\":1,\"min_education\":\"senior\"}"},
	{"GET", "/api/v1/placement/batches/{id}/scores", get_scores, ROLES_STAFF, ROUTE_EXPORT,
	 "The score list as computed now, with breakdowns (409 naming unset policy values)", NULL},
	{"POST", "/api/v1/placement/batches/{id}/publish", post_publish, WRITE, 0,
	 "Publish (公示) the score and post lists: a new version with its digests when changed", "{\"reason\":\"首次公示\"}"},
	{"GET", "/api/v1/placement/batches/{id}/versions", get_versions, ROLES_STAFF, 0,
	 "Published versions with digests and the changes from the one before", NULL},
	{"POST", "/api/v1/placement/batches/{id}/objections", post_objection, WRITE | ROLE_PERSON, 0,
	 "Record an objection within the window (staff for the candidate, or the candidate)",
	 "{\"candidate_id\":\"{placementcandidate}\",\"text\":\"二等功未计入\"}"},
	{"POST", "/api/v1/placement/batches/{id}/objections/{oid}/decide", post_decide, WRITE, 0,
	 "Decide an objection (upheld or rejected, with a note)", "{\"outcome\":\"rejected\",\"note\":\"经核查无误\"}"},
	{"POST", "/api/v1/placement/batches/{id}/preferences", post_preferences, WRITE | ROLE_PERSON, 0,
	 "Submit a candidate's ranked preferences (post numbers, best first)",
	 "{\"candidate_id\":\"{placementcandidate}\",\"posts\":[\"P01\"]}"},
	{"POST", "/api/v1/placement/batches/{id}/session/start", post_start, WRITE, 0,
	 "Start the live session (no open objection, latest version current)", "{}"},
	{"GET", "/api/v1/placement/batches/{id}/session", get_session, ROLES_STAFF, 0,
	 "The live session: whose turn, posts with places left", NULL},
	{"POST", "/api/v1/placement/batches/{id}/session/steps", post_step, WRITE, 0,
	 "Record the current candidate's choice (post, none, absent); returns the 选岗确认表", "{\"choice\":\"none\"}"},
	{"GET", "/api/v1/placement/batches/{id}/session/steps", get_steps, ROLES_STAFF, 0,
	 "The recorded steps, each with its 选岗确认表", NULL},
	{"POST", "/api/v1/placement/batches/{id}/results", post_results, WRITE, 0,
	 "Publish the result: allocate by preferences, or close a finished live session", "{}"},
	{"GET", "/api/v1/placement/batches/{id}/results", get_results, ROLES_STAFF, ROUTE_EXPORT,
	 "The published result list with its digest", NULL},
	{"GET", "/api/v1/placement/batches/{id}/export", get_export, ROLES_STAFF, 0,
	 "The batch export that `shuangyong placement verify` checks", NULL},
	{"GET", "/api/v1/placement/mine", get_mine, ROLE_PERSON, 0, "The person's own candidacies: breakdown and receipt", NULL},
	{"GET", "/api/v1/public/placement", get_public_list, 0, ROUTE_PUBLIC, "Published placement batches (no login)", NULL},
	{"GET", "/api/v1/public/placement/{id}", get_public, 0, ROUTE_PUBLIC,
	 "A batch's 公示 (no login): masked list, posts, digests, versions, results", NULL},
	{"GET", "/api/v1/public/placement/{id}/canonical", get_canonical, 0, ROUTE_PUBLIC,
	 "The exact canonical text a published digest was computed from (?list=scores|posts|results&version=N)", NULL},
	{"GET", "/api/v1/public/placement/{id}/projector", get_projector, 0, ROUTE_PUBLIC,
	 "The hall's projector view (no login): whose turn, posts left", NULL},
};
const int placement_routes_count = sizeof placement_routes / sizeof placement_routes[0];
