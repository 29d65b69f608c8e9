/* server.h - the libmicrohttpd adapter: sockets in, struct http_req through dispatch. */
#ifndef SY_SERVER_H
#define SY_SERVER_H

#include <stdbool.h>
#include <stdio.h>

struct server_options {
	const char *listen;       /* "127.0.0.1:8080" or "[::1]:8080" or ":8080" */
	unsigned threads;         /* worker threads in the pool */
	unsigned max_connections;
	unsigned max_per_ip;      /* 0 = no limit */
	unsigned timeout_s;       /* idle connection time-out */
	size_t header_limit;      /* bytes of memory per connection for headers */
	FILE *access_log;         /* NULL: no access log */
};

struct server;
/* Start serving; NULL with a message on stderr on failure. */
struct server *server_start(const struct server_options *o);
void server_stop(struct server *s);
/* The port actually bound (useful with port 0 in tests). */
unsigned server_port(const struct server *s);

#endif
