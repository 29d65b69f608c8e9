/*
 * cli.c - `shuangyong user add|passwd|list|disable` and
 * `shuangyong token add|revoke`. Passwords come from stdin (one line) or
 * SHUANGYONG_PASSWORD, never from the command line where `ps` shows them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "lib/cli.h"

static int fail(struct cli_ctx *c, const sy_err *err)
{
	fprintf(c->err, "error: %s (%s%s%s)\n", err->msg_en, err->code, err->field[0] ? ", field " : "",
		err->field);
	return 1;
}

static db *open_db(struct cli_ctx *c, sy_err *err)
{
	db *d = db_open(c->db_url, err);
	if (!d)
		fail(c, err);
	return d;
}

static bool read_password(struct cli_ctx *c, char *buf, size_t cap)
{
	const char *env = getenv("SHUANGYONG_PASSWORD");
	if (env) {
		snprintf(buf, cap, "%s", env);
		return true;
	}
	fprintf(c->err, "password (one line on stdin): ");
	fflush(c->err);
	bool ok = cli_read_line(buf, cap);
	fputc('\n', c->err);
	return ok;
}

static const char USER_USAGE[] =
	"usage: shuangyong user add USERNAME --role ROLE --region CODE [--name NAME] [--org ID] [--person ID]\n"
	"       shuangyong user passwd USERNAME\n"
	"       shuangyong user list [--role ROLE] [--region CODE] [--q TEXT]\n"
	"       shuangyong user disable USERNAME | enable USERNAME\n"
	"Roles: admin officer auditor merchant clinic unit employer station person.\n"
	"The password is read from SHUANGYONG_PASSWORD or one line on stdin.\n";

static int user_add(struct cli_ctx *c, db *d, const struct principal *sys, struct cli_args *a)
{
	char pw[PASSWORD_MAX + 2];
	sy_err err;
	int64_t id;
	if (a->npos < 2 || !cli_opt(a, "role") || !cli_opt(a, "region")) {
		fputs(USER_USAGE, c->err);
		return 2;
	}
	if (!read_password(c, pw, sizeof pw)) {
		fprintf(c->err, "error: no password given\n");
		return 1;
	}
	struct user_input in = {
		.username = a->pos[1],
		.display_name = cli_opt(a, "name") ? cli_opt(a, "name") : a->pos[1],
		.password = pw, .role = cli_opt(a, "role"), .region_code = cli_opt(a, "region"),
		.org_id = cli_opt(a, "org") ? strtoll(cli_opt(a, "org"), NULL, 10) : 0,
		.person_id = cli_opt(a, "person") ? strtoll(cli_opt(a, "person"), NULL, 10) : 0,
	};
	if (accounts_user_create(d, sys, &in, &id, &err))
		return fail(c, &err);
	fprintf(c->out, "created user %s (id %" PRId64 ")\n", in.username, id);
	return 0;
}

static int user_passwd(struct cli_ctx *c, db *d, const struct principal *sys, struct cli_args *a)
{
	char pw[PASSWORD_MAX + 2];
	sy_err err;
	int64_t id;
	if (a->npos < 2) {
		fputs(USER_USAGE, c->err);
		return 2;
	}
	if (accounts_user_id_by_name(d, a->pos[1], &id, &err))
		return fail(c, &err);
	if (!read_password(c, pw, sizeof pw)) {
		fprintf(c->err, "error: no password given\n");
		return 1;
	}
	if (accounts_user_set_password(d, sys, id, pw, &err))
		return fail(c, &err);
	fprintf(c->out, "password changed for %s; their sessions were ended\n", a->pos[1]);
	return 0;
}

static int user_set_disabled(struct cli_ctx *c, db *d, const struct principal *sys,
			     struct cli_args *a, bool disabled)
{
	sy_err err;
	int64_t id;
	if (a->npos < 2) {
		fputs(USER_USAGE, c->err);
		return 2;
	}
	struct user_input in = {.set_disabled = true, .disabled = disabled};
	if (accounts_user_id_by_name(d, a->pos[1], &id, &err) ||
	    accounts_user_update(d, sys, id, &in, &err))
		return fail(c, &err);
	fprintf(c->out, "%s %s\n", disabled ? "disabled" : "enabled", a->pos[1]);
	return 0;
}

static int user_list(struct cli_ctx *c, db *d, const struct principal *sys, struct cli_args *a)
{
	struct user_filter f = {.q = cli_opt(a, "q"), .role = cli_opt(a, "role"),
				.region = cli_opt(a, "region"), .limit = 1000};
	json_t *items;
	int64_t next;
	sy_err err;
	do {
		if (accounts_user_list(d, sys, &f, &items, &next, &err))
			return fail(c, &err);
		size_t i;
		json_t *u;
		json_array_foreach(items, i, u)
			fprintf(c->out, "%-6" JSON_INTEGER_FORMAT " %-20s %-9s %-8s %s%s\n",
				json_integer_value(json_object_get(u, "id")),
				json_string_value(json_object_get(u, "username")),
				json_string_value(json_object_get(u, "role")),
				json_string_value(json_object_get(u, "region_code")),
				json_string_value(json_object_get(u, "display_name")),
				json_is_true(json_object_get(u, "disabled")) ? " (disabled)" : "");
		json_decref(items);
		f.cursor = next;
	} while (next);
	return 0;
}

static int cmd_user(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const user_options[] = {"role", "region", "name", "org", "person", "q", NULL};
	struct cli_args a;
	struct principal sys;
	sy_err err;
	int rc = 2;
	if (!cli_parse(c, argc, argv, NULL, user_options, &a))
		return 2;
	if (a.help || a.npos < 1) {
		fputs(USER_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = open_db(c, &err);
	if (!d)
		return 1;
	principal_system(&sys, "cli");
	const char *verb = a.pos[0];
	if (strcmp(verb, "add") == 0)
		rc = user_add(c, d, &sys, &a);
	else if (strcmp(verb, "passwd") == 0)
		rc = user_passwd(c, d, &sys, &a);
	else if (strcmp(verb, "list") == 0)
		rc = user_list(c, d, &sys, &a);
	else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0)
		rc = user_set_disabled(c, d, &sys, &a, strcmp(verb, "disable") == 0);
	else
		fputs(USER_USAGE, c->err);
	db_close(d);
	return rc;
}

static const char TOKEN_USAGE[] =
	"usage: shuangyong token add --name NAME --role ROLE [--org ID] [--region CODE] [--expires-days N]\n"
	"       shuangyong token revoke ID\n"
	"Prints the secret once; only its hash is stored. Send it as 'Authorization: Bearer SECRET'.\n";

static int cmd_token(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const token_options[] = {"name", "role", "region", "org", "expires-days", NULL};
	struct cli_args a;
	struct principal sys;
	sy_err err;
	int rc = 0;
	if (!cli_parse(c, argc, argv, NULL, token_options, &a))
		return 2;
	if (a.help || a.npos < 1) {
		fputs(TOKEN_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = open_db(c, &err);
	if (!d)
		return 1;
	principal_system(&sys, "cli");
	if (strcmp(a.pos[0], "add") == 0 && cli_opt(&a, "name") && cli_opt(&a, "role")) {
		struct token_input in = {
			.name = cli_opt(&a, "name"), .role = cli_opt(&a, "role"),
			.region_code = cli_opt(&a, "region"),
			.org_id = cli_opt(&a, "org") ? strtoll(cli_opt(&a, "org"), NULL, 10) : 0,
			.expires_days = cli_opt(&a, "expires-days") ? atoi(cli_opt(&a, "expires-days")) : 0,
		};
		char secret[CRYPTO_TOKEN_MAX];
		int64_t id;
		if (accounts_token_create(d, &sys, &in, &id, secret, &err))
			rc = fail(c, &err);
		else
			fprintf(c->out, "token %" PRId64 " created; secret (shown once):\n%s\n", id, secret);
	} else if (strcmp(a.pos[0], "revoke") == 0 && a.npos == 2) {
		if (accounts_token_revoke(d, &sys, strtoll(a.pos[1], NULL, 10), &err))
			rc = fail(c, &err);
		else
			fprintf(c->out, "token %s revoked\n", a.pos[1]);
	} else {
		fputs(TOKEN_USAGE, c->err);
		rc = 2;
	}
	db_close(d);
	return rc;
}

const struct cli_command accounts_commands[] = {
	{"user", "manage users: add, passwd, list, disable, enable", USER_USAGE, cmd_user},
	{"token", "manage API tokens: add, revoke", TOKEN_USAGE, cmd_token},
};
const int accounts_commands_count = sizeof accounts_commands / sizeof accounts_commands[0];
