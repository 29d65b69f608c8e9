/*
 * http.h - requests, responses and routes, independent of libmicrohttpd.
 *
 * server.c adapts libmicrohttpd to a struct http_req; dispatch.c routes it,
 * authenticates, checks roles and CSRF, parses JSON and calls the handler;
 * tests build a struct http_req by hand and call http_dispatch directly, with
 * no socket (after h2o's loopback handler tests).
 *
 * A handler parses its input, calls domain code and sets r->json (owned by
 * the request) or another body; it returns a status, and on failure fills
 * err — the one place that turns it into a response is dispatch.c.
 */
#ifndef SY_HTTP_H
#define SY_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../db/db.h"
#include "../db/scope.h"
#include "../lib/arena.h"
#include "../lib/status.h"

struct http_req;
typedef sy_status (*route_fn)(struct http_req *r, sy_err *err);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,  /* no authentication needed */
	ROUTE_NO_CSRF = 1 << 1, /* state-changing but exempt (login: no session yet) */
	ROUTE_EXPORT = 1 << 2,  /* accepts ?format=csv|xlsx */
	ROUTE_NO_LOG = 1 << 3,  /* not in the access log (health probes) */
	ROUTE_UPLOAD = 1 << 4,  /* the body is a file (CSV, xlsx) up to max_upload, not JSON */
	/*
	 * Reads only: authentication and the handler read one snapshot
	 * (db_snapshot_begin; SQLite: one read transaction, not one per query).
	 * The handler must not open a transaction.
	 */
	ROUTE_SNAPSHOT = 1 << 5,
};

struct route {
	const char *method;  /* "GET", "POST", … */
	const char *pattern; /* "/api/v1/users/{id}" */
	route_fn fn;
	unsigned roles;      /* bitmask of enum role; ignored with ROUTE_PUBLIC */
	unsigned flags;
	const char *summary; /* for the OpenAPI description */
	const char *example; /* example JSON body, for the OpenAPI description */
};

enum http_lang { LANG_ZH, LANG_EN };

struct http_kv {
	const char *key, *value;
};

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_RESP_HEADERS 8

struct http_req {
	arena *a;
	const char *method;
	const char *path;
	struct http_kv *query; /* decoded query arguments */
	int nquery;
	struct http_kv *headers;
	int nheaders;
	const char *body;
	size_t body_len;
	const char *ip;

	/* Filled by dispatch. */
	const struct route *route;
	const char *param_names[HTTP_MAX_PARAMS];
	const char *params[HTTP_MAX_PARAMS];
	int nparams;
	struct principal who;
	bool authenticated;
	bool via_cookie;
	enum http_lang lang;
	json_t *in; /* parsed JSON body (an object) or NULL */
	const char *csrf; /* the session's CSRF token (cookie sessions only) */
	db *db;     /* this thread's connection, opened on first use */

	/* The response. */
	int status; /* HTTP status; 200 unless the handler says */
	json_t *json;
	char *out;  /* a malloc'd body (freed by the server) … */
	size_t out_len;
	const char *out_static; /* … or a static one */
	const char *content_type;
	int out_fd; /* … or a file (static files); -1 when none */
	uint64_t out_fd_size;
	struct http_kv resp_headers[HTTP_MAX_RESP_HEADERS];
	int nresp_headers;
};

/* Runtime settings the HTTP layer needs (filled from the app's config). */
struct http_settings {
	const char *db_url;
	const char *web_dir;
	size_t max_body;
	size_t max_upload;           /* for ROUTE_UPLOAD routes */
	bool secure_cookies;
	int session_ttl_minutes;     /* absolute lifetime */
	int session_idle_minutes;    /* idle time-out */
	int login_max_per_account;   /* failures in the window before refusing */
	int login_max_per_ip;
	int login_window_minutes;
	unsigned long long pwhash_ops; /* 0: libsodium's interactive limits */
	size_t pwhash_mem;
	const char *extra_img_src;   /* a map tile host to allow in the CSP, or NULL */
	const char *map_tiles;       /* the map pages' tile URL template, or NULL: no tiles (offline) */
	const char *map_attribution; /* the tile provider's credit line, or NULL */
};
extern struct http_settings http_cfg;

/* The route table (set once by the app before serving). */
void http_set_routes(const struct route *const *tables, const int *counts, int ntables);
/* Iterate all routes: i from 0 while the result is non-NULL. */
const struct route *http_route_at(int i);

/* The body size a request may send: max_upload for upload routes, else max_body. */
size_t http_body_limit(arena *a, const char *method, const char *path);
/* Process one request end to end (routing, auth, handler, errors). */
void http_dispatch(struct http_req *r);
/* Free what a dispatched request owns (json, out). The arena is the caller's. */
void http_req_cleanup(struct http_req *r);
void http_req_init(struct http_req *r, arena *a);

/* Accessors. */
const char *http_header(const struct http_req *r, const char *name); /* case-insensitive */
const char *http_query(const struct http_req *r, const char *key);
const char *http_param(const struct http_req *r, const char *name);
bool http_add_header(struct http_req *r, const char *key, const char *value);

/* This thread's database connection; SY_EUNAVAILABLE when it cannot be opened. */
sy_status http_db(struct http_req *r, sy_err *err);
/* Close this thread's connection (thread exit, tests). */
void http_db_release(void);

/*
 * Parse-or-reply helpers (after redis's …OrReply): each reads one input,
 * validates it and fills err naming the field when it is wrong.
 */
sy_status http_param_id(struct http_req *r, const char *name, int64_t *out, sy_err *err);
sy_status http_in_str(struct http_req *r, const char *field, bool required, size_t maxlen,
		      const char **out, sy_err *err);
sy_status http_in_bool(struct http_req *r, const char *field, bool *present, bool *out,
		       sy_err *err);
sy_status http_in_int(struct http_req *r, const char *field, bool required, int64_t min,
		      int64_t max, bool *present, int64_t *out, sy_err *err);
/* A query-string limit (default def, 1..max) and cursor (an id, 0 when absent). */
sy_status http_paging(struct http_req *r, int def, int max, int *limit, int64_t *cursor,
		      sy_err *err);
/* A query-string id (a positive integer), 0 when absent; 400 invalid_id naming key otherwise. */
sy_status http_query_id(struct http_req *r, const char *key, int64_t *out, sy_err *err);
/* A query-string text filter of at most maxlen bytes, NULL when absent or empty. */
sy_status http_query_str(struct http_req *r, const char *key, size_t maxlen, const char **out,
			 sy_err *err);

/* Responses. */
void http_json(struct http_req *r, int status, json_t *body); /* steals body */
void http_no_content(struct http_req *r);

/* Lists: {"items": [...], "next": "cursor"|null}, or a spreadsheet for ?format=. */
enum export_format { EXPORT_NONE, EXPORT_CSV, EXPORT_XLSX };
struct export_column {
	const char *key;    /* key in each item */
	const char *zh, *en; /* column headings */
};
/* The format asked for; SY_EINVAL when ?format= names an unknown one. */
sy_status http_export_format(struct http_req *r, enum export_format *f, sy_err *err);
/*
 * The paging of a list route: ?format= (as http_export_format), ?limit= (1..500,
 * default 50) and ?cursor=. An export takes every row (up to 100,000) unless
 * ?limit= says otherwise.
 */
sy_status http_list_params(struct http_req *r, enum export_format *f, int *limit, int64_t *cursor,
			   sy_err *err);
/* Send items (stolen) as a CSV or .xlsx file named filename (without extension). */
sy_status http_send_export(struct http_req *r, enum export_format f, json_t *items,
			   const struct export_column *cols, int ncols, const char *filename, sy_err *err);
/* Send items (stolen) as JSON with next (0 = no more), or as the export asked for. */
sy_status http_send_list(struct http_req *r, json_t *items, int64_t next,
			 const struct export_column *cols, int ncols, const char *filename,
			 sy_err *err);

#endif
