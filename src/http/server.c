/*
 * server.c - libmicrohttpd (epoll, a pool of worker threads) turned into
 * struct http_req. Each request has an arena and a body buffer that die when
 * libmicrohttpd reports the request complete, which is also when the access
 * log line is written.
 *
 * libmicrohttpd 0.9.75 closes the connection after the response when the
 * handler queues it on its first call for a request, so every response is
 * queued on the second call or later (design.md: 22,000 vs 160,000 req/s).
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/log.h"
#include "../lib/strbuf.h"
#include "../lib/timeutil.h"
#include "metrics.h"
#include "server.h"
#include "http.h"

struct server {
	struct MHD_Daemon *d;
	struct server_options o;
	pthread_mutex_t log_lock;
};

struct conn_ctx {
	arena a;
	strbuf body;
	bool too_large;
	size_t limit; /* the body size this request's route accepts */
	double t0;
	struct http_req req;
	bool dispatched;
	int status;
	uint64_t bytes;
};

static const char CSP_BASE[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:%s%s; "
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

struct kv_collect {
	struct http_req *r;
	struct http_kv *arr;
	int n, cap;
};

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	struct kv_collect *c = cls;
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 16;
		struct http_kv *arr = arena_alloc(c->r->a, sizeof *arr * (size_t)cap);
		if (!arr)
			return MHD_NO;
		if (c->n)
			memcpy(arr, c->arr, sizeof *arr * (size_t)c->n);
		c->arr = arr;
		c->cap = cap;
	}
	c->arr[c->n].key = key;
	c->arr[c->n].value = value ? value : "";
	c->n++;
	return MHD_YES;
}

static const char *client_ip(struct MHD_Connection *conn, arena *a)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "?";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, sizeof buf);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, sizeof buf);
	}
	return arena_strdup(a, buf);
}

/* The policy depends only on settings: built once at start, not per response. */
static char csp_header[512];

static void add_security_headers(struct MHD_Response *resp, bool api)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp_header);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (http_cfg.secure_cookies)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (api)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static struct MHD_Response *build_response(struct http_req *r, uint64_t *bytes)
{
	struct MHD_Response *resp;
	*bytes = 0;
	if (r->status == 204 || r->status == 304) {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	} else if (r->out_fd >= 0) {
		resp = MHD_create_response_from_fd64(r->out_fd_size, r->out_fd);
		if (resp)
			r->out_fd = -1; /* libmicrohttpd closes it */
		*bytes = r->out_fd_size;
	} else if (r->out) {
		resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->out = NULL;
		*bytes = r->out_len;
	} else if (r->out_static) {
		resp = MHD_create_response_from_buffer(r->out_len, (void *)r->out_static,
						       MHD_RESPMEM_PERSISTENT);
		*bytes = r->out_len;
	} else {
		char *s = r->json ? json_dumps(r->json, JSON_COMPACT) : NULL;
		size_t len = s ? strlen(s) : 0;
		resp = MHD_create_response_from_buffer(len, s ? s : (void *)"",
						       s ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(s);
		*bytes = len;
	}
	return resp;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	(void)version;
	(void)cls;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		arena_init(&ctx->a, 8192);
		sb_init(&ctx->body);
		ctx->t0 = time_mono_ms();
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
		/* Only a request that sends a body pays for finding its route's limit here. */
		bool body = te || (cl && strtoull(cl, NULL, 10) > 0);
		ctx->limit = body ? http_body_limit(&ctx->a, method, url) : http_cfg.max_body;
		if (cl && strtoull(cl, NULL, 10) > ctx->limit)
			ctx->too_large = true;
		*con_cls = ctx;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!ctx->too_large) {
			if (ctx->body.len + *upload_data_size > ctx->limit)
				ctx->too_large = true;
			else
				sb_append(&ctx->body, upload_data, *upload_data_size);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->dispatched)
		return MHD_YES;
	ctx->dispatched = true;

	struct http_req *r = &ctx->req;
	http_req_init(r, &ctx->a);
	r->method = method;
	r->path = url;
	r->ip = client_ip(conn, &ctx->a);
	struct kv_collect h = {.r = r}, q = {.r = r};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_kv, &h);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_kv, &q);
	r->headers = h.arr;
	r->nheaders = h.n;
	r->query = q.arr;
	r->nquery = q.n;
	if (ctx->body.oom) {
		ctx->too_large = true;
	}
	r->body = sb_str(&ctx->body);
	/* Make an over-limit body visible to dispatch as such without keeping it. */
	r->body_len = ctx->too_large ? ctx->limit + 1 : ctx->body.len;
	if (ctx->too_large)
		r->body = "";
	http_dispatch(r);

	uint64_t bytes;
	struct MHD_Response *resp = build_response(r, &bytes);
	if (!resp)
		return MHD_NO;
	bool api = strncmp(url, "/api/", 5) == 0;
	add_security_headers(resp, api);
	if (r->content_type)
		MHD_add_response_header(resp, "Content-Type", r->content_type);
	for (int i = 0; i < r->nresp_headers; i++)
		MHD_add_response_header(resp, r->resp_headers[i].key, r->resp_headers[i].value);
	if (ctx->too_large)
		MHD_add_response_header(resp, "Connection", "close");
	ctx->status = r->status;
	ctx->bytes = bytes;
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void log_access(struct server *s, struct conn_ctx *ctx, double ms)
{
	struct http_req *r = &ctx->req;
	char ts[TIME_ISO_LEN];
	time_now_iso(ts);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:s}", "t", ts, "ip",
			      r->ip ? r->ip : "", "method", r->method, "path", r->path,
			      "status", ctx->status, "us", (json_int_t)(ms * 1000.0), "bytes", (json_int_t)ctx->bytes,
			      "user", r->authenticated ? r->who.name : "");
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (line) {
		pthread_mutex_lock(&s->log_lock);
		fputs(line, s->o.access_log);
		fputc('\n', s->o.access_log);
		pthread_mutex_unlock(&s->log_lock);
	}
	free(line);
	json_decref(o);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	(void)toe;
	struct server *s = cls;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	if (ctx->dispatched) {
		double ms = time_mono_ms() - ctx->t0;
		metrics_request_done(ctx->status, ms);
		if (s->o.access_log && !(ctx->req.route && (ctx->req.route->flags & ROUTE_NO_LOG)))
			log_access(s, ctx, ms);
		if (ctx->req.out_fd >= 0)
			close(ctx->req.out_fd);
		http_req_cleanup(&ctx->req);
	}
	sb_free(&ctx->body);
	arena_free(&ctx->a);
	free(ctx);
	*con_cls = NULL;
}

static void conn_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
			enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	(void)c;
	(void)socket_ctx;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		metrics_conn_open();
	else
		metrics_conn_close();
}

static bool parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return false;
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof host)
		return false;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[') {
		size_t n = strlen(host);
		if (n < 2 || host[n - 1] != ']')
			return false;
		host[n - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return false;
		*len = sizeof *a6;
		return true;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (host[0] == '\0')
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return false;
	*len = sizeof *a4;
	return true;
}

struct server *server_start(const struct server_options *o)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (!parse_listen(o->listen, &ss, &sslen)) {
		log_error("bad listen address: %s (want host:port)", o->listen);
		return NULL;
	}
	struct server *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	const char *extra = http_cfg.extra_img_src;
	snprintf(csp_header, sizeof csp_header, CSP_BASE, extra ? " " : "", extra ? extra : "");
	s->o = *o;
	pthread_mutex_init(&s->log_lock, NULL);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 2),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)o->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)o->header_limit,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, conn_notify, s,
		MHD_OPTION_END);
	if (!s->d) {
		log_error("cannot listen on %s", o->listen);
		pthread_mutex_destroy(&s->log_lock);
		free(s);
		return NULL;
	}
	return s;
}

unsigned server_port(const struct server *s)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	if (s->o.access_log)
		fflush(s->o.access_log);
	pthread_mutex_destroy(&s->log_lock);
	free(s);
}
