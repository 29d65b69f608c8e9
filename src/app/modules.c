/* modules.c - every module, listed once. Adding a module is one line here. */
#include "modules.h"

#include <string.h>

#include "http/system.h"
#include "modules/merchants/circle.h"
#include "modules/merchants/merchants.h"
#include "modules/registry/import.h"
#include "modules/registry/orgs.h"

#define ROUTES(m) extern const struct route m##_routes[]; extern const int m##_routes_count;
#define COMMANDS(m) extern const struct cli_command m##_commands[]; extern const int m##_commands_count;

ROUTES(accounts) COMMANDS(accounts)
ROUTES(auditlog) COMMANDS(auditlog)
ROUTES(registry)
ROUTES(people)
ROUTES(orgs)
ROUTES(import) COMMANDS(registry)
ROUTES(home)
ROUTES(ecards)
ROUTES(cards)
ROUTES(verify)
ROUTES(merchants)
ROUTES(ledger) COMMANDS(ledger)
ROUTES(keys) COMMANDS(keys)
ROUTES(cases)
ROUTES(placement) COMMANDS(placement)
ROUTES(circle) COMMANDS(circle)
COMMANDS(demo)
COMMANDS(core)

const struct module app_modules[] = {
	{"core", NULL, NULL, core_commands, &core_commands_count},
	{"system", system_routes, &system_routes_count, NULL, NULL},
	{"accounts", accounts_routes, &accounts_routes_count, accounts_commands, &accounts_commands_count},
	{"home", home_routes, &home_routes_count, NULL, NULL},
	{"registry", registry_routes, &registry_routes_count, registry_commands, &registry_commands_count},
	{"import", import_routes, &import_routes_count, NULL, NULL},
	{"people", people_routes, &people_routes_count, NULL, NULL},
	{"orgs", orgs_routes, &orgs_routes_count, NULL, NULL},
	{"ecards", ecards_routes, &ecards_routes_count, NULL, NULL},
	{"cards", cards_routes, &cards_routes_count, NULL, NULL},
	{"verify", verify_routes, &verify_routes_count, NULL, NULL},
	{"merchants", merchants_routes, &merchants_routes_count, NULL, NULL},
	{"ledger", ledger_routes, &ledger_routes_count, ledger_commands, &ledger_commands_count},
	{"auditlog", auditlog_routes, &auditlog_routes_count, auditlog_commands, &auditlog_commands_count},
	{"keys", keys_routes, &keys_routes_count, keys_commands, &keys_commands_count},
	{"cases", cases_routes, &cases_routes_count, NULL, NULL},
	{"placement", placement_routes, &placement_routes_count, placement_commands, &placement_commands_count},
	{"circle", circle_routes, &circle_routes_count, circle_commands, &circle_commands_count},
	{"demo", NULL, NULL, demo_commands, &demo_commands_count},
};
const int app_modules_count = sizeof app_modules / sizeof app_modules[0];

#define MAX_MODULES 32
static const struct route *route_tables[MAX_MODULES];
static int route_counts[MAX_MODULES];

void modules_register_routes(void)
{
	int n = 0;
	for (int i = 0; i < app_modules_count && n < MAX_MODULES; i++) {
		if (!app_modules[i].routes)
			continue;
		route_tables[n] = app_modules[i].routes;
		route_counts[n] = *app_modules[i].nroutes;
		n++;
	}
	http_set_routes(route_tables, route_counts, n);
	/* Nearby search keeps a copy of the members' places: an organisation's move drops it. */
	registry_org_on_place_change(circle_invalidate);
	/* The merchants module's import kind, for the CLI's `import merchants` (its routes are its own). */
	import_kind_add(&merchants_import_kind);
}

const struct cli_command *modules_find_command(const char *name)
{
	for (int i = 0; i < app_modules_count; i++) {
		if (!app_modules[i].commands)
			continue;
		for (int k = 0; k < *app_modules[i].ncommands; k++)
			if (strcmp(app_modules[i].commands[k].name, name) == 0)
				return &app_modules[i].commands[k];
	}
	return NULL;
}
