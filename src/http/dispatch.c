/*
 * dispatch.c - one request from start to finish: language, route, static
 * files, authentication, roles, CSRF, JSON body, handler, and the one place
 * where a status becomes an HTTP response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "metrics.h"
#include "router.h"
#include "static.h"

struct http_settings http_cfg = {
	.max_body = 1 << 20,
	.max_upload = 256u << 20,
	.session_ttl_minutes = 12 * 60,
	.session_idle_minutes = 60,
	.login_max_per_account = 5,
	.login_max_per_ip = 30,
	.login_window_minutes = 15,
};

void http_req_init(struct http_req *r, arena *a)
{
	memset(r, 0, sizeof *r);
	r->a = a;
	r->out_fd = -1;
	r->status = 200;
}

void http_req_cleanup(struct http_req *r)
{
	json_decref(r->json);
	r->json = NULL;
	json_decref(r->in);
	r->in = NULL;
	free(r->out);
	r->out = NULL;
}

static enum http_lang pick_lang(const struct http_req *r)
{
	const char *al = http_header(r, "Accept-Language");
	/* The first language listed wins; Chinese unless it is English. */
	if (al && strncasecmp(al, "en", 2) == 0)
		return LANG_EN;
	return LANG_ZH;
}

/* Write the error envelope: {"error":{"code","message","field"}}. */
static void reply_error(struct http_req *r, const sy_err *err)
{
	json_t *e = json_object();
	json_object_set_new(e, "code", json_string(err->code[0] ? err->code : sy_status_name(err->status)));
	const char *msg = r->lang == LANG_EN ? err->msg_en : err->msg_zh;
	json_object_set_new(e, "message", json_string(msg[0] ? msg : sy_status_name(err->status)));
	if (err->field[0])
		json_object_set_new(e, "field", json_string(err->field));
	json_decref(r->json);
	free(r->out);
	r->out = NULL;
	r->out_static = NULL;
	r->out_fd = -1;
	r->json = json_pack("{s:o}", "error", e);
	r->status = sy_status_http(err->status);
	if (err->status == SY_EUNAVAILABLE)
		http_add_header(r, "Retry-After", "2");
}

static bool method_changes_state(const char *m)
{
	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

static bool is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0 ||
	       strcmp(path, "/metrics") == 0;
}

/* The body must be a JSON object sent as application/json. */
static sy_status parse_body(struct http_req *r, sy_err *err)
{
	if (r->body_len == 0)
		return SY_OK;
	const char *ct = http_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return sy_failf(err, SY_EMEDIA, "unsupported_media_type", "Content-Type",
				"请求内容类型必须为 application/json",
				"request body must be application/json");
	json_error_t je;
	r->in = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!r->in)
		return sy_fail(err, SY_EJSON, "malformed_json", NULL, "JSON 格式错误（第 %d 行第 %d 列）",
			       "malformed JSON (line %d, column %d)", je.line, je.column);
	if (!json_is_object(r->in))
		return sy_failf(err, SY_EJSON, "malformed_json", NULL, "请求体必须是 JSON 对象",
				"request body must be a JSON object");
	return SY_OK;
}

static sy_status run_route(struct http_req *r, sy_err *err)
{
	const struct route *rt = NULL;
	sy_status st;

	switch (router_find(r, &rt)) {
	case ROUTE_UNKNOWN:
		return sy_failf(err, SY_ENOTFOUND, "unknown_route", NULL, "接口不存在", "no such endpoint");
	case ROUTE_WRONG_METHOD:
		http_add_header(r, "Allow", router_allow(r));
		return sy_failf(err, SY_EMETHOD, "method_not_allowed", NULL,
				"该接口不支持此请求方法", "method not allowed for this endpoint");
	case ROUTE_FOUND:
		break;
	}
	r->route = rt;
	size_t limit = (rt->flags & ROUTE_UPLOAD) ? http_cfg.max_upload : http_cfg.max_body;
	if (r->body_len > limit)
		return sy_fail(err, SY_ETOOLARGE, "body_too_large", NULL, "请求体超过 %zu 字节上限",
			       "request body exceeds %zu bytes", limit);
	if (!(rt->flags & ROUTE_PUBLIC)) {
		if ((st = http_db(r, err)) ||
		    ((rt->flags & ROUTE_SNAPSHOT) && (st = db_snapshot_begin(r->db, err))) ||
		    (st = auth_request(r, err)))
			return st; /* http_dispatch ends the snapshot */
		if (!(rt->roles & (unsigned)r->who.role))
			return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL,
					"您的角色无权执行此操作", "your role may not do this");
		if (method_changes_state(r->method) && !(rt->flags & ROUTE_NO_CSRF) &&
		    (st = auth_check_csrf(r, err)))
			return st;
	}
	if (method_changes_state(r->method) && !(rt->flags & ROUTE_UPLOAD) && (st = parse_body(r, err)))
		return st;
	return rt->fn(r, err);
}

size_t http_body_limit(arena *a, const char *method, const char *path)
{
	struct http_req probe;
	const struct route *rt = NULL;
	http_req_init(&probe, a);
	probe.method = method;
	probe.path = path;
	if (path && router_find(&probe, &rt) == ROUTE_FOUND && (rt->flags & ROUTE_UPLOAD))
		return http_cfg.max_upload;
	return http_cfg.max_body;
}

void http_dispatch(struct http_req *r)
{
	sy_err err;
	sy_err_clear(&err);
	r->lang = pick_lang(r);
	sy_status st;
	if (!r->path || r->path[0] != '/')
		st = sy_failf(&err, SY_EINVAL, "bad_path", NULL, "请求路径无效", "bad request path");
	else if (is_api_path(r->path))
		st = run_route(r, &err);
	else
		st = static_serve(r, &err);
	if (r->db)
		db_snapshot_end(r->db); /* whatever run_route returned */
	if (st != SY_OK) {
		if (!err.code[0])
			sy_failf(&err, st, sy_status_name(st), NULL, "服务器内部错误", "internal error");
		if (r->db && db_in_tx(r->db))
			db_rollback(r->db); /* a handler that failed mid-transaction */
		reply_error(r, &err);
	}
	if (r->json && !r->content_type)
		r->content_type = "application/json; charset=utf-8";
}
