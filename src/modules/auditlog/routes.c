/* routes.c - /api/v1/audit (the log, for admin and auditor) and its chain check. */
#include "auditlog.h"
#include "http/http.h"

static const struct export_column audit_columns[] = {
	{"id", "序号", "ID"},
	{"at", "时间", "Time"},
	{"actor", "操作人", "Actor"},
	{"role", "角色", "Role"},
	{"action", "操作", "Action"},
	{"object_type", "对象类型", "Object type"},
	{"object_id", "对象编号", "Object ID"},
	{"region_code", "地区代码", "Region"},
	{"detail", "详情", "Detail"},
	{"ip", "IP 地址", "IP address"},
	{"hash", "哈希", "Hash"},
};

static sy_status get_audit(struct http_req *r, sy_err *err)
{
	struct audit_filter f = {0};
	enum export_format fmt;
	json_t *items;
	int64_t next;
	sy_status st;
	if ((st = http_list_params(r, &fmt, &f.limit, &f.cursor, err)) ||
	    (st = http_query_str(r, "action", 64, &f.action, err)) ||
	    (st = http_query_str(r, "actor", 64, &f.actor, err)) ||
	    (st = http_query_str(r, "object_type", 32, &f.object_type, err)) ||
	    (st = http_query_str(r, "from", 20, &f.from, err)) ||
	    (st = http_query_str(r, "to", 20, &f.to, err)))
		return st;
	if ((st = auditlog_list(r->db, &r->who, &f, &items, &next, err)))
		return st;
	return http_send_list(r, items, next, audit_columns,
			      (int)(sizeof audit_columns / sizeof audit_columns[0]), "audit-log", err);
}

static sy_status get_audit_verify(struct http_req *r, sy_err *err)
{
	struct audit_verdict v;
	sy_status st = audit_verify(r->db, &v, err);
	if (st)
		return st;
	json_t *body = json_pack("{s:b, s:I}", "ok", v.broken_at == 0, "rows", (json_int_t)v.rows);
	if (v.broken_at) {
		json_object_set_new(body, "broken_at", json_integer(v.broken_at));
		json_object_set_new(body, "reason", json_string(v.reason));
	}
	http_json(r, 200, body);
	return SY_OK;
}

const struct route auditlog_routes[] = {
	{"GET", "/api/v1/audit", get_audit, ROLE_ADMIN | ROLE_AUDITOR, ROUTE_EXPORT,
	 "Audit log, newest first (?action, actor, object_type, from, to, limit, cursor)", NULL},
	{"GET", "/api/v1/audit/verify", get_audit_verify, ROLE_ADMIN | ROLE_AUDITOR, 0,
	 "Check the audit log's hash chain", NULL},
};
const int auditlog_routes_count = sizeof auditlog_routes / sizeof auditlog_routes[0];
