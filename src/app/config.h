/*
 * config.h - settings from flags, environment variables and an optional
 * config file, in that order of precedence, with defaults below them all.
 * The option table in config.c is the one list: --help prints it.
 */
#ifndef SY_CONFIG_H
#define SY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
	char db[512];
	char listen[128];
	char web[512];
	char access_log[512];
	char log_level[16];
	char tile_host[256];
	char map_tiles[512];
	char map_attribution[256];
	char key_dir[512];
	char attachment_dir[512];
	long threads;
	long max_body;
	long max_upload;
	long max_connections;
	long max_per_ip;
	long timeout;
	long header_limit;
	long session_ttl;
	long session_idle;
	long login_max_account;
	long login_max_ip;
	long login_window;
	long code_ttl;
	long static_code_days;
	long revocation_ttl;
	bool secure_cookies;
};

/*
 * Fill cfg: defaults, then the file named by --config or SHUANGYONG_CONFIG,
 * then SHUANGYONG_* variables, then --flags found in argv (which are removed
 * from argv; *argc is updated). false with a message on err when a value is bad.
 */
bool config_load(struct config *cfg, int *argc, char **argv, FILE *err);
void config_print_help(FILE *out);

#endif
