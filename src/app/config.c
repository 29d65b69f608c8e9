#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum opt_kind { OPT_STR, OPT_LONG, OPT_BOOL };

struct opt {
	const char *name; /* flag and config-file key */
	const char *env;
	enum opt_kind kind;
	size_t offset, size;
	const char *def;
	long min, max;
	const char *help;
};

#define S(field) OPT_STR, offsetof(struct config, field), sizeof(((struct config *)0)->field)
#define L(field) OPT_LONG, offsetof(struct config, field), sizeof(long)
#define B(field) OPT_BOOL, offsetof(struct config, field), sizeof(bool)

static const struct opt options[] = {
	{"db", "SHUANGYONG_DB", S(db), "data/shuangyong.db", 0, 0,
	 "database: a SQLite file path (sqlite:PATH) or postgres://user@host/db"},
	{"listen", "SHUANGYONG_LISTEN", S(listen), "127.0.0.1:8080", 0, 0,
	 "address to serve on, host:port ([::1]:8080 for IPv6, :8080 for all)"},
	{"web", "SHUANGYONG_WEB", S(web), "web", 0, 0, "directory of the browser UI's files"},
	{"access-log", "SHUANGYONG_ACCESS_LOG", S(access_log), "-", 0, 0,
	 "access log as JSON lines: a file, - for stdout, off for none"},
	{"log-level", "SHUANGYONG_LOG_LEVEL", S(log_level), "info", 0, 0, "debug, info, warn or error"},
	{"tile-host", "SHUANGYONG_TILE_HOST", S(tile_host), "", 0, 0,
	 "map tile origin allowed in the CSP (https://tiles.example.org); empty: the origin of map-tiles"},
	{"map-tiles", "SHUANGYONG_MAP_TILES", S(map_tiles), "", 0, 0,
	 "map tile URL template for the map pages (https://tiles.example.org/{z}/{x}/{y}.png); "
	 "empty: maps without tiles (county outlines and points on a plain background, no outside request)"},
	{"map-attribution", "SHUANGYONG_MAP_ATTRIBUTION", S(map_attribution), "", 0, 0,
	 "the credit line the tile provider asks to show under the map (plain text)"},
	{"threads", "SHUANGYONG_THREADS", L(threads), "0", 0, 256,
	 "worker threads (0: one per CPU core)"},
	{"max-body", "SHUANGYONG_MAX_BODY", L(max_body), "1048576", 1024, 1L << 30,
	 "largest request body in bytes"},
	{"max-upload", "SHUANGYONG_MAX_UPLOAD", L(max_upload), "268435456", 1024, 1L << 31,
	 "largest uploaded file (imports) in bytes"},
	{"max-connections", "SHUANGYONG_MAX_CONNECTIONS", L(max_connections), "1024", 1, 100000,
	 "most open client connections"},
	{"max-per-ip", "SHUANGYONG_MAX_PER_IP", L(max_per_ip), "0", 0, 100000,
	 "most connections from one address (0: no limit; set it when not behind a proxy)"},
	{"timeout", "SHUANGYONG_TIMEOUT", L(timeout), "30", 1, 3600,
	 "seconds an idle or slow connection is kept"},
	{"header-limit", "SHUANGYONG_HEADER_LIMIT", L(header_limit), "32768", 4096, 1L << 20,
	 "bytes of request line and headers per connection"},
	{"session-ttl", "SHUANGYONG_SESSION_TTL", L(session_ttl), "720", 5, 43200,
	 "minutes a login session lasts at most"},
	{"session-idle", "SHUANGYONG_SESSION_IDLE", L(session_idle), "60", 1, 43200,
	 "minutes of inactivity that end a session"},
	{"login-max-account", "SHUANGYONG_LOGIN_MAX_ACCOUNT", L(login_max_account), "5", 1, 1000,
	 "failed logins per account in the window before refusing"},
	{"login-max-ip", "SHUANGYONG_LOGIN_MAX_IP", L(login_max_ip), "30", 1, 100000,
	 "failed logins per address in the window before refusing"},
	{"login-window", "SHUANGYONG_LOGIN_WINDOW", L(login_window), "15", 1, 1440,
	 "minutes over which failed logins are counted"},
	{"key-dir", "SHUANGYONG_KEY_DIR", S(key_dir), "", 0, 0,
	 "directory of the e-card signing keys' private halves (mode 0700, files 0600); "
	 "empty: keys/ next to the SQLite database, or data/keys with PostgreSQL"},
	{"attachment-dir", "SHUANGYONG_ATTACHMENT_DIR", S(attachment_dir), "", 0, 0,
	 "directory of files uploaded to cases (named by SHA-256); "
	 "empty: attachments/ next to the SQLite database, or data/attachments with PostgreSQL"},
	{"code-ttl", "SHUANGYONG_CODE_TTL", L(code_ttl), "300", 30, 86400,
	 "seconds a rotating e-card QR code stays valid (a screenshot stops working after it)"},
	{"static-code-days", "SHUANGYONG_STATIC_CODE_DAYS", L(static_code_days), "1825", 1, 7300,
	 "days a printed card's static QR code stays valid"},
	{"revocation-ttl", "SHUANGYONG_REVOCATION_TTL", L(revocation_ttl), "3600", 60, 604800,
	 "seconds until a signed revocation list's next_update (after it an offline verifier shows it as stale)"},
	{"secure-cookies", "SHUANGYONG_SECURE_COOKIES", B(secure_cookies), "false", 0, 0,
	 "mark cookies Secure and send HSTS (set when served over HTTPS)"},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static bool set_value(struct config *cfg, const struct opt *o, const char *v, const char *from,
		      FILE *err)
{
	char *field = (char *)cfg + o->offset;
	switch (o->kind) {
	case OPT_STR:
		if (strlen(v) >= o->size) {
			fprintf(err, "%s: value for %s is too long\n", from, o->name);
			return false;
		}
		memcpy(field, v, strlen(v) + 1);
		return true;
	case OPT_LONG: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < o->min || n > o->max) {
			fprintf(err, "%s: %s must be a whole number from %ld to %ld\n", from, o->name,
				o->min, o->max);
			return false;
		}
		memcpy(field, &n, sizeof n);
		return true;
	}
	case OPT_BOOL: {
		bool b;
		if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
			b = true;
		else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
			b = false;
		else {
			fprintf(err, "%s: %s must be true or false\n", from, o->name);
			return false;
		}
		memcpy(field, &b, sizeof b);
		return true;
	}
	}
	return false;
}

static const struct opt *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].name) == len && strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "key = value" lines; # starts a comment. */
static bool load_file(struct config *cfg, const char *path, FILE *err)
{
	FILE *f = fopen(path, "r");
	char line[1024], from[600];
	int n = 0;
	bool ok = true;
	if (!f) {
		fprintf(err, "cannot read config file %s\n", path);
		return false;
	}
	while (ok && fgets(line, sizeof line, f)) {
		n++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		snprintf(from, sizeof from, "%s:%d", path, n);
		if (!eq) {
			fprintf(err, "%s: expected key = value\n", from);
			ok = false;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		const struct opt *o = find(key, strlen(key));
		if (!o) {
			fprintf(err, "%s: unknown setting %s\n", from, key);
			ok = false;
			break;
		}
		ok = set_value(cfg, o, val, from, err);
	}
	fclose(f);
	return ok;
}

/* Find --config in argv before anything else, since the file sits below flags. */
static const char *config_path(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
	}
	return getenv("SHUANGYONG_CONFIG");
}

bool config_load(struct config *cfg, int *argc, char **argv, FILE *err)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NOPTIONS; i++)
		if (!set_value(cfg, &options[i], options[i].def, "default", err))
			return false;
	const char *file = config_path(*argc, argv);
	if (file && *file && !load_file(cfg, file, err))
		return false;
	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *v = getenv(options[i].env);
		if (v && !set_value(cfg, &options[i], v, options[i].env, err))
			return false;
	}
	/* Consume known --flags; leave everything else for the command. */
	int out = 0;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) == 0) {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			if (len == 6 && strncmp(name, "config", 6) == 0) {
				if (!eq)
					i++;
				continue;
			}
			const struct opt *o = find(name, len);
			if (o) {
				const char *v = eq ? eq + 1 : NULL;
				if (!v && o->kind == OPT_BOOL)
					v = "true";
				if (!v) {
					if (i + 1 >= *argc) {
						fprintf(err, "--%s needs a value\n", o->name);
						return false;
					}
					v = argv[++i];
				}
				if (!set_value(cfg, o, v, "command line", err))
					return false;
				continue;
			}
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return true;
}

void config_print_help(FILE *out)
{
	fprintf(out, "Settings (flag, environment variable, config-file key; flags win over the\n"
		     "environment, which wins over the file named by --config or SHUANGYONG_CONFIG):\n\n");
	fprintf(out, "  --config FILE  SHUANGYONG_CONFIG\n      a file of 'key = value' lines (keys are the flag names)\n");
	for (size_t i = 0; i < NOPTIONS; i++)
		fprintf(out, "  --%s  %s  (default: %s)\n      %s\n", options[i].name, options[i].env,
			*options[i].def ? options[i].def : "empty", options[i].help);
}
