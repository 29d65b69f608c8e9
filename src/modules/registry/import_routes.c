/*
 * import_routes.c - POST /api/v1/imports/{people,service,orgs} (the file is
 * the body: a preview, or with ?commit=1 the import), a template of each to
 * fill in, and the rejected rows to download.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "import.h"
#include "import_http.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"

static const char SQL_REJECTS_INSERT[] =
	"INSERT INTO import_rejects (kind, filename, created_by, created_by_name, created_at, rows_rejected,"
	" content) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
static const char SQL_REJECTS_GET[] =
	"SELECT content, created_by_name, filename FROM import_rejects WHERE id = $1";

sy_status import_post(struct http_req *r, const struct import_kind *kind, sy_err *err)
{
	struct import_report rep;
	struct import_options opt = {0};
	const char *commit, *on_existing, *filename;
	char digest[CRYPTO_SHA256_HEX], now[TIME_ISO_LEN];
	sy_status st;
	if ((st = http_query_str(r, "commit", 1, &commit, err)) ||
	    (st = http_query_str(r, "on_existing", 8, &on_existing, err)) ||
	    (st = http_query_str(r, "filename", 200, &filename, err)))
		return st;
	if (on_existing && strcmp(on_existing, "skip") && strcmp(on_existing, "update"))
		return sy_failf(err, SY_EINVAL, "invalid_on_existing", "on_existing",
				"已有记录的处理方式只能是 skip 或 update", "on_existing must be skip or update");
	if (r->body_len == 0)
		return sy_failf(err, SY_EINVAL, "import_empty", NULL, "请上传文件", "upload a file as the request body");
	crypto_sha256_hex(r->body, r->body_len, digest);
	opt.commit = commit && !strcmp(commit, "1");
	opt.update_existing = on_existing && !strcmp(on_existing, "update");
	opt.filename = filename;
	opt.digest = digest;
	if ((st = registry_import(r->db, &r->who, kind, r->body, r->body_len, &opt, &rep, err)))
		return st;
	json_t *body = import_report_json(&rep);
	json_object_set_new(body, "committed", json_boolean(opt.commit));
	json_object_set_new(body, "sha256", json_string(digest));
	if (rep.invalid) {
		int64_t id = 0;
		time_now_iso(now);
		st = db_query_int(r->db, SQL_REJECTS_INSERT,
				  DB_ARGS(DB_T(kind->name), DB_T(filename), DB_IDOPT(r->who.user_id), DB_T(r->who.name),
					  DB_T(now), DB_I((int64_t)rep.invalid), DB_T(rep.rejected)),
				  &id, err);
		if (st) {
			json_decref(body);
			import_report_free(&rep);
			return st;
		}
		json_object_set_new(body, "rejected_url",
				    json_sprintf("/api/v1/imports/rejects/%" PRId64, id));
	}
	import_report_free(&rep);
	http_json(r, 200, body);
	return SY_OK;
}

static sy_status get_import_rejects(struct http_req *r, sy_err *err)
{
	db_rows *rows = NULL;
	int64_t id;
	sy_status st;
	if ((st = http_param_id(r, "id", &id, err)) ||
	    (st = db_query(r->db, SQL_REJECTS_GET, DB_ARGS(DB_I(id)), &rows, err)))
		return st;
	/* The rejected rows hold personal data: only the one who imported them (or an admin) gets them. */
	if (!db_next(rows) || (r->who.role != ROLE_ADMIN && strcmp(db_text(rows, 1), r->who.name) != 0)) {
		db_rows_free(rows);
		return sy_failf(err, SY_ENOTFOUND, "not_found", NULL, "文件不存在", "no such file");
	}
	r->out = strdup(db_text(rows, 0));
	r->out_len = r->out ? strlen(r->out) : 0;
	db_rows_free(rows);
	if (!r->out)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	r->content_type = "text/csv; charset=utf-8";
	http_add_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"rejected-%" PRId64 ".csv\"", id));
	return SY_OK;
}

/* The template of a kind: its columns with an example row, as CSV (default) or .xlsx. */
sy_status import_get_template(struct http_req *r, const struct import_kind *kind, sy_err *err)
{
	struct export_column cols[IMPORT_MAX_COLUMNS];
	enum export_format fmt;
	sy_status st;
	if ((st = http_export_format(r, &fmt, err)))
		return st;
	json_t *example = json_object(), *items = json_array();
	if (!example || !items || json_array_append(items, example)) {
		json_decref(example);
		json_decref(items);
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	}
	for (int c = 0; c < kind->ncolumns; c++) {
		const struct import_column *col = &kind->columns[c];
		cols[c] = (struct export_column){col->field, col->names[0], col->field};
		json_object_set_new(example, col->field, json_string(col->example ? col->example : ""));
	}
	json_decref(example);
	return http_send_export(r, fmt == EXPORT_NONE ? EXPORT_CSV : fmt, items, cols, kind->ncolumns,
				arena_printf(r->a, "template-%s", kind->name), err);
}

#define IMPORT_HANDLERS(k)                                                           \
	static sy_status post_import_##k(struct http_req *r, sy_err *err)           \
	{                                                                            \
		return import_post(r, &import_##k##_kind, err);                      \
	}                                                                            \
	static sy_status get_template_##k(struct http_req *r, sy_err *err)          \
	{                                                                            \
		return import_get_template(r, &import_##k##_kind, err);                     \
	}
IMPORT_HANDLERS(people)
IMPORT_HANDLERS(service)
IMPORT_HANDLERS(orgs)

#define IMPORT_WRITERS (ROLE_ADMIN | ROLE_OFFICER)
#define IMPORT_SUMMARY(what) \
	"Import " what " from CSV (UTF-8/GBK) or .xlsx sent as the body: a preview with every problem," \
	" or ?commit=1 (&on_existing=skip|update) to write the valid rows in one transaction"

const struct route import_routes[] = {
	{"POST", "/api/v1/imports/people", post_import_people, IMPORT_WRITERS, ROUTE_UPLOAD, IMPORT_SUMMARY("people"),
	 "身份证号,姓名,居住地区代码,居住地址\r\n{idnumber},王建国,130902,新华区建设北大街12号\r\n"},
	{"POST", "/api/v1/imports/service", post_import_service, IMPORT_WRITERS, ROUTE_UPLOAD,
	 IMPORT_SUMMARY("service records of registered people (one row per enlistment)"),
	 "身份证号,军种,入伍批准日期,退役命令日期,退役方式,奖励\r\n{idnumber},陆军,2008-12-01,2016-12-01,自主就业,三等功:2012-08-01\r\n"},
	{"POST", "/api/v1/imports/orgs", post_import_orgs, IMPORT_WRITERS, ROUTE_UPLOAD,
	 IMPORT_SUMMARY("organisations (merchants, units, employers...; same name, type and region = the same one)"),
	 "名称,类型,地区代码,地址,纬度,经度\r\n拥军超市{uniq},拥军商户,130902,新华区解放西路8号,38.31,116.84\r\n"},
	{"GET", "/api/v1/imports/people/template", get_template_people, IMPORT_WRITERS, ROUTE_EXPORT,
	 "The people import's columns with an example row (?format=csv|xlsx)", NULL},
	{"GET", "/api/v1/imports/service/template", get_template_service, IMPORT_WRITERS, ROUTE_EXPORT,
	 "The service-record import's columns with an example row (?format=csv|xlsx)", NULL},
	{"GET", "/api/v1/imports/orgs/template", get_template_orgs, IMPORT_WRITERS, ROUTE_EXPORT,
	 "The organisation import's columns with an example row (?format=csv|xlsx)", NULL},
	{"GET", "/api/v1/imports/rejects/{id}", get_import_rejects, IMPORT_WRITERS, 0,
	 "The rows an import rejected, with the reason, as CSV to fix and import again", NULL},
};
const int import_routes_count = sizeof import_routes / sizeof import_routes[0];
