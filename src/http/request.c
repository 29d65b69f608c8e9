/*
 * request.c - reading a request: headers, query, path parameters, JSON
 * fields (parse-or-reply helpers), and this thread's database connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

const char *http_header(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].key, name) == 0)
			return r->headers[i].value;
	return NULL;
}

const char *http_query(const struct http_req *r, const char *key)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].key, key) == 0)
			return r->query[i].value;
	return NULL;
}

const char *http_param(const struct http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return NULL;
}

bool http_add_header(struct http_req *r, const char *key, const char *value)
{
	if (!key || !value || r->nresp_headers >= HTTP_MAX_RESP_HEADERS)
		return false;
	r->resp_headers[r->nresp_headers].key = key;
	r->resp_headers[r->nresp_headers].value = value;
	r->nresp_headers++;
	return true;
}

/* One connection per worker thread, closed by the key's destructor at thread exit. */
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void db_key_destroy(void *p)
{
	db_close(p);
}

static void db_key_make(void)
{
	pthread_key_create(&db_key, db_key_destroy);
}

sy_status http_db(struct http_req *r, sy_err *err)
{
	if (r->db)
		return SY_OK;
	pthread_once(&db_key_once, db_key_make);
	db *d = pthread_getspecific(db_key);
	if (!d) {
		d = db_open(http_cfg.db_url, err);
		if (!d) {
			err->status = SY_EUNAVAILABLE;
			return SY_EUNAVAILABLE;
		}
		pthread_setspecific(db_key, d);
	}
	r->db = d;
	return SY_OK;
}

void http_db_release(void)
{
	pthread_once(&db_key_once, db_key_make);
	db *d = pthread_getspecific(db_key);
	if (d) {
		db_close(d);
		pthread_setspecific(db_key, NULL);
	}
}

static bool parse_i64(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
		return false;
	*out = v;
	return true;
}

sy_status http_param_id(struct http_req *r, const char *name, int64_t *out, sy_err *err)
{
	int64_t v;
	if (!parse_i64(http_param(r, name), &v) || v <= 0)
		return sy_failf(err, SY_EINVAL, "invalid_id", name, "编号无效", "invalid id");
	*out = v;
	return SY_OK;
}

static sy_status missing(sy_err *err, const char *field)
{
	return sy_fail(err, SY_EINVAL, "required", field, "缺少必填项：%s", "missing required field: %s",
		       field);
}

sy_status http_in_str(struct http_req *r, const char *field, bool required, size_t maxlen,
		      const char **out, sy_err *err)
{
	json_t *v = r->in ? json_object_get(r->in, field) : NULL;
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? missing(err, field) : SY_OK;
	if (!json_is_string(v))
		return sy_fail(err, SY_EINVAL, "invalid_type", field, "%s 必须是字符串",
			       "%s must be a string", field);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len)
		return sy_fail(err, SY_EINVAL, "invalid_text", field, "%s 含有非法字符",
			       "%s contains a NUL character", field);
	if (len > maxlen)
		return sy_fail(err, SY_EINVAL, "too_long", field, "%s 过长（最多 %zu 字节）",
			       "%s is too long (at most %zu bytes)", field, maxlen);
	if (required && len == 0)
		return missing(err, field);
	*out = len ? s : NULL;
	return SY_OK;
}

sy_status http_in_bool(struct http_req *r, const char *field, bool *present, bool *out,
		       sy_err *err)
{
	json_t *v = r->in ? json_object_get(r->in, field) : NULL;
	*present = false;
	if (!v || json_is_null(v))
		return SY_OK;
	if (!json_is_boolean(v))
		return sy_fail(err, SY_EINVAL, "invalid_type", field, "%s 必须是 true 或 false",
			       "%s must be true or false", field);
	*present = true;
	*out = json_is_true(v);
	return SY_OK;
}

sy_status http_in_int(struct http_req *r, const char *field, bool required, int64_t min,
		      int64_t max, bool *present, int64_t *out, sy_err *err)
{
	json_t *v = r->in ? json_object_get(r->in, field) : NULL;
	bool dummy;
	if (!present)
		present = &dummy;
	*present = false;
	if (!v || json_is_null(v))
		return required ? missing(err, field) : SY_OK;
	if (!json_is_integer(v))
		return sy_fail(err, SY_EINVAL, "invalid_type", field, "%s 必须是整数",
			       "%s must be an integer", field);
	json_int_t i = json_integer_value(v);
	if (i < min || i > max)
		return sy_fail(err, SY_EINVAL, "out_of_range", field,
			       "%s 超出范围（%" PRId64 "–%" PRId64 "）",
			       "%s is out of range (%" PRId64 "–%" PRId64 ")", field, min, max);
	*present = true;
	*out = i;
	return SY_OK;
}

sy_status http_paging(struct http_req *r, int def, int max, int *limit, int64_t *cursor,
		      sy_err *err)
{
	int64_t v;
	const char *l = http_query(r, "limit"), *c = http_query(r, "cursor");
	*limit = def;
	*cursor = 0;
	if (l) {
		if (!parse_i64(l, &v) || v < 1 || v > max)
			return sy_fail(err, SY_EINVAL, "invalid_limit", "limit",
				       "limit 必须在 1 到 %d 之间", "limit must be between 1 and %d", max);
		*limit = (int)v;
	}
	if (c && *c) {
		if (!parse_i64(c, &v) || v < 0)
			return sy_failf(err, SY_EINVAL, "invalid_cursor", "cursor", "分页游标无效",
					"invalid cursor");
		*cursor = v;
	}
	return SY_OK;
}

sy_status http_query_str(struct http_req *r, const char *key, size_t maxlen, const char **out,
			 sy_err *err)
{
	const char *v = http_query(r, key);
	*out = NULL;
	if (!v || !*v)
		return SY_OK;
	if (strlen(v) > maxlen)
		return sy_fail(err, SY_EINVAL, "too_long", key, "%s 过长", "%s is too long", key);
	*out = v;
	return SY_OK;
}

sy_status http_query_id(struct http_req *r, const char *key, int64_t *out, sy_err *err)
{
	const char *v;
	char *end;
	*out = 0;
	sy_status st = http_query_str(r, key, 20, &v, err);
	if (st || !v)
		return st;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*end || n <= 0 || errno)
		return sy_fail(err, SY_EINVAL, "invalid_id", key, "%s 编号无效", "%s is not a valid id", key);
	*out = n;
	return SY_OK;
}

void http_json(struct http_req *r, int status, json_t *body)
{
	json_decref(r->json);
	r->json = body;
	r->status = status;
}

void http_no_content(struct http_req *r)
{
	json_decref(r->json);
	r->json = NULL;
	r->status = 204;
}
