/*
 * modules.h - the one table of what each module contributes: routes and
 * commands. Migrations are the sql/ files, compiled in by the build.
 */
#ifndef SY_MODULES_H
#define SY_MODULES_H

#include "db/db.h"
#include "http/http.h"
#include "lib/cli.h"

struct module {
	const char *name;
	const struct route *routes;
	const int *nroutes;
	const struct cli_command *commands;
	const int *ncommands;
};

extern const struct module app_modules[];
extern const int app_modules_count;
extern const struct db_migration app_migrations[];
extern const int app_migrations_count;

/* Hand every module's routes to the HTTP layer and wire modules' observers (once, before serving or testing). */
void modules_register_routes(void);
/* The command called name, or NULL. */
const struct cli_command *modules_find_command(const char *name);

#endif
