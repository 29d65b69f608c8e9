/*
 * main.c - the one binary: `shuangyong <command> [options]`. Settings are
 * read once here (config.c) and handed to the command; the server and the
 * CLI then call the same module functions.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "lib/crypto.h"
#include "lib/log.h"
#include "modules.h"
#include "modules/cases/cases.h"
#include "modules/ecards/ecards.h"
#include "modules/keys/keys.h"

int main(int argc, char **argv)
{
	struct config cfg;
	struct cli_ctx c = {.out = stdout, .err = stderr, .app = &cfg};
	if (!crypto_init()) {
		fprintf(stderr, "error: libsodium failed to initialise\n");
		return 1;
	}
	if (!config_load(&cfg, &argc, argv, stderr))
		return 2;
	if (!strcmp(cfg.log_level, "debug"))
		log_set_level(LOG_DEBUG);
	else if (!strcmp(cfg.log_level, "warn"))
		log_set_level(LOG_WARN);
	else if (!strcmp(cfg.log_level, "error"))
		log_set_level(LOG_ERROR);
	c.db_url = cfg.db;
	/* Every command that signs or makes keys (serve, init, key) needs the key directory. */
	keys_configure(cfg.key_dir, cfg.db, cfg.code_ttl, cfg.static_code_days);
	ecards_cfg.revocation_ttl = cfg.revocation_ttl;
	cases_configure(cfg.attachment_dir, cfg.db);
	modules_register_routes();
	const char *name = argc > 1 ? argv[1] : "help";
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!strcmp(name, "--version"))
		name = "version";
	const struct cli_command *cmd = modules_find_command(name);
	if (!cmd) {
		fprintf(stderr, "unknown command '%s'; try: shuangyong help\n", name);
		return 2;
	}
	return cmd->run(&c, argc > 1 ? argc - 2 : 0, argc > 1 ? argv + 2 : argv + argc);
}
