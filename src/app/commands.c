/*
 * commands.c - the platform's own commands: serve, init, backup, routes,
 * version, help. Module commands live in each module's cli.c.
 */
#include <signal.h>
#include <sqlite3.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "http/server.h"
#include "lib/crypto.h"
#include "lib/log.h"
#include "modules.h"
#include "modules/keys/keys.h"
#include "modules/ledger/ledger.h"
#include "modules/merchants/circle.h"

#ifndef SY_VERSION
#define SY_VERSION "0.1.0"
#endif

static int fail_err(struct cli_ctx *c, const sy_err *err)
{
	fprintf(c->err, "error: %s (%s)\n", err->msg_en, err->code);
	return 1;
}

/* Open the database and bring its schema up to date. */
static db *open_migrated(struct cli_ctx *c, int *applied)
{
	sy_err err;
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fail_err(c, &err);
		return NULL;
	}
	if (db_migrate(d, app_migrations, app_migrations_count, applied, &err)) {
		fail_err(c, &err);
		db_close(d);
		return NULL;
	}
	return d;
}

static const char INIT_USAGE[] =
	"usage: shuangyong init [--db URL]\n"
	"Creates the database (SQLite file or PostgreSQL schema) or applies the migrations it lacks.\n";

/* The e-card signing key: made once; on later runs only checked (a server may lack the file). */
static int init_signing_key(struct cli_ctx *c, db *d)
{
	struct principal sys;
	struct signing_key k;
	bool created = false, can_sign = false;
	sy_err err;
	principal_system(&sys, "system");
	if (keys_ensure(d, &sys, &created, &k, &err) || keys_check(d, &can_sign, &err))
		return fail_err(c, &err);
	if (created)
		fprintf(c->out, "signing key %s made (%s/%s.key, mode 0600)\n", k.key_id,
			keys_cfg.key_dir, k.key_id);
	else if (!can_sign)
		fprintf(c->err, "warning: signing key %s is not in %s on this server: it can verify "
				"e-cards but not sign them\n", k.key_id, keys_cfg.key_dir);
	return 0;
}

static int cmd_init(struct cli_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	int applied = 0;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help || a.npos) {
		fputs(INIT_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = open_migrated(c, &applied);
	if (!d)
		return 1;
	fprintf(c->out, "database ready (%s, schema version %d, %d migration%s applied)\n",
		db_backend(d), db_schema_version(d), applied, applied == 1 ? "" : "s");
	int rc = init_signing_key(c, d);
	bool rebuilt = false;
	int64_t counters = 0;
	sy_err err;
	if (!rc && ledger_rollup_refresh(d, &rebuilt, &counters, &err))
		rc = fail_err(c, &err);
	else if (rebuilt)
		fprintf(c->out, "ledger counters rebuilt (%lld rows)\n", (long long)counters);
	db_close(d);
	return rc;
}

static const char BACKUP_USAGE[] =
	"usage: shuangyong backup DEST [--db URL]\n"
	"Writes a consistent copy while the server keeps serving: SQLite through its online\n"
	"backup API (DEST is a database file), PostgreSQL through pg_dump (custom format).\n";

static int cmd_backup(struct cli_ctx *c, int argc, char **argv)
{
	struct cli_args a;
	sy_err err;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help || a.npos != 1) {
		fputs(BACKUP_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d)
		return fail_err(c, &err);
	int rc = 0;
	if (db_backup(d, c->db_url, a.pos[0], &err))
		rc = fail_err(c, &err);
	else
		fprintf(c->out, "backup written to %s\n", a.pos[0]);
	db_close(d);
	return rc;
}

static int cmd_version(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(c->out, "shuangyong %s (SQLite %s, libmicrohttpd %s, schema %d)\n", SY_VERSION,
		sqlite3_libversion(), MHD_get_version(), app_migrations[app_migrations_count - 1].version);
	return 0;
}

static int cmd_routes(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const struct route *rt;
	for (int i = 0; (rt = http_route_at(i)); i++) {
		fprintf(c->out, "%s %s", rt->method, rt->pattern);
		if (rt->flags & ROUTE_PUBLIC) {
			fprintf(c->out, " public\n");
			continue;
		}
		for (int k = 0; k < ROLE_COUNT; k++)
			if (rt->roles & (unsigned)role_at(k))
				fprintf(c->out, " %s", role_name(role_at(k)));
		fputc('\n', c->out);
	}
	return 0;
}

static const char SERVE_USAGE[] =
	"usage: shuangyong serve [options]\n"
	"Serves the UI and the API. Applies pending migrations first. Stops cleanly on SIGINT/SIGTERM.\n\n";

/*
 * The scheme://host[:port] of a tile URL template, for the CSP's img-src
 * (the browser may load tiles from there and nowhere else); NULL when the
 * template is empty or not an http(s) URL.
 */
static const char *tile_origin(const char *tiles)
{
	static char origin[256];
	const char *host = strstr(tiles, "://");
	if (!host || (strncmp(tiles, "https://", 8) != 0 && strncmp(tiles, "http://", 7) != 0))
		return NULL;
	size_t n = (size_t)(host + 3 - tiles) + strcspn(host + 3, "/?#{");
	if (n >= sizeof origin || strchr(tiles, ' ') || strchr(tiles, ';'))
		return NULL;
	memcpy(origin, tiles, n);
	origin[n] = 0;
	return origin;
}

static void apply_http_settings(const struct config *cfg)
{
	http_cfg.db_url = cfg->db;
	http_cfg.web_dir = cfg->web;
	http_cfg.max_body = (size_t)cfg->max_body;
	http_cfg.max_upload = (size_t)cfg->max_upload;
	http_cfg.secure_cookies = cfg->secure_cookies;
	http_cfg.session_ttl_minutes = (int)cfg->session_ttl;
	http_cfg.session_idle_minutes = (int)cfg->session_idle;
	http_cfg.login_max_per_account = (int)cfg->login_max_account;
	http_cfg.login_max_per_ip = (int)cfg->login_max_ip;
	http_cfg.login_window_minutes = (int)cfg->login_window;
	http_cfg.map_tiles = cfg->map_tiles[0] ? cfg->map_tiles : NULL;
	http_cfg.map_attribution = cfg->map_attribution[0] ? cfg->map_attribution : NULL;
	http_cfg.extra_img_src = cfg->tile_host[0] ? cfg->tile_host : tile_origin(cfg->map_tiles);
}

static int cmd_serve(struct cli_ctx *c, int argc, char **argv)
{
	struct config *cfg = c->app;
	struct cli_args a;
	FILE *alog = NULL;
	if (!cli_parse(c, argc, argv, NULL, NULL, &a))
		return 2;
	if (a.help || a.npos) {
		fputs(SERVE_USAGE, a.help ? c->out : c->err);
		config_print_help(a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	int applied = 0;
	db *d = open_migrated(c, &applied);
	if (!d)
		return 1;
	/* A key file others can read is refused here, before anything is served. */
	bool can_sign = false;
	sy_err kerr;
	if (keys_check(d, &can_sign, &kerr)) {
		db_close(d);
		return fail_err(c, &kerr);
	}
	if (!can_sign)
		log_warn("no current e-card signing key file in %s: this server verifies but cannot "
			 "sign e-cards (run shuangyong init, or copy the key file)", keys_cfg.key_dir);
	db_close(d);
	apply_http_settings(cfg);
	if (strcmp(cfg->access_log, "off") != 0) {
		alog = strcmp(cfg->access_log, "-") == 0 ? stdout : fopen(cfg->access_log, "a");
		if (!alog) {
			fprintf(c->err, "error: cannot open access log %s\n", cfg->access_log);
			return 1;
		}
		setvbuf(alog, NULL, _IOLBF, 0);
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct server_options so = {
		.listen = cfg->listen,
		.threads = (unsigned)(cfg->threads ? cfg->threads : (ncpu > 0 ? ncpu : 2)),
		.max_connections = (unsigned)cfg->max_connections,
		.max_per_ip = (unsigned)cfg->max_per_ip,
		.timeout_s = (unsigned)cfg->timeout,
		.header_limit = (size_t)cfg->header_limit,
		.access_log = alog,
	};
	/* Block the stop signals in every thread; the main thread waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Nearby search reloads its copy of the merchant network in a thread of its own. */
	circle_configure(cfg->db);
	struct server *s = server_start(&so);
	if (!s)
		return 1;
	log_info("shuangyong %s serving http://%s (db %s, %u threads, web %s)", SY_VERSION,
		 cfg->listen, strncmp(cfg->db, "postgres", 8) == 0 ? "postgres" : cfg->db, so.threads,
		 cfg->web);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	server_stop(s);
	circle_shutdown();
	keys_forget();
	if (alog && alog != stdout)
		fclose(alog);
	return 0;
}

static int cmd_help(struct cli_ctx *c, int argc, char **argv);

const struct cli_command core_commands[] = {
	{"serve", "serve the UI and API", SERVE_USAGE, cmd_serve},
	{"init", "create the database or apply pending migrations", INIT_USAGE, cmd_init},
	{"backup", "write a consistent copy of the database while serving", BACKUP_USAGE, cmd_backup},
	{"routes", "list the route table (method, pattern, roles)", "usage: shuangyong routes\n", cmd_routes},
	{"version", "print the version", "usage: shuangyong version\n", cmd_version},
	{"help", "this list", "usage: shuangyong help\n", cmd_help},
};
const int core_commands_count = sizeof core_commands / sizeof core_commands[0];

static int cmd_help(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(c->out, "shuangyong %s — 双拥服务平台 (Cangzhou Shuangyong service platform)\n\n"
			"usage: shuangyong <command> [options]   (shuangyong <command> --help for more)\n\n",
		SY_VERSION);
	for (int i = 0; i < app_modules_count; i++) {
		if (!app_modules[i].commands)
			continue;
		for (int k = 0; k < *app_modules[i].ncommands; k++)
			fprintf(c->out, "  %-10s %s\n", app_modules[i].commands[k].name,
				app_modules[i].commands[k].summary);
	}
	fputc('\n', c->out);
	config_print_help(c->out);
	return 0;
}

