/* cli.c - `shuangyong key list|rotate`: the e-card signing keys. */
#include <string.h>
#include <time.h>

#include "keys.h"
#include "lib/cli.h"

static const char KEY_USAGE[] =
	"usage: shuangyong key list [--all]\n"
	"       shuangyong key rotate\n"
	"       shuangyong key revoke KEYID\n"
	"list: the signing keys still good for verification (--all: every key ever made).\n"
	"rotate: make a new current key (its private half in the key directory, mode 0600);\n"
	"the old key stops signing at once and stays published until the codes it signed have\n"
	"expired. Copy the new KEY_DIR/<key_id>.key to every other signing server.\n"
	"revoke: a compromised retired key: its codes are refused from now on (printed cards it\n"
	"signed need new codes). The current key cannot be revoked: rotate first.\n";

static void print_key(struct cli_ctx *c, json_t *k)
{
	const char *vu = json_string_value(json_object_get(k, "verify_until"));
	const char *ra = json_string_value(json_object_get(k, "retired_at"));
	fprintf(c->out, "%s  %-7s  %-7s  from %s", json_string_value(json_object_get(k, "key_id")),
		json_string_value(json_object_get(k, "algorithm")),
		json_string_value(json_object_get(k, "status")),
		json_string_value(json_object_get(k, "valid_from")));
	if (ra)
		fprintf(c->out, "  retired %s", ra);
	if (vu)
		fprintf(c->out, "  verify until %s", vu);
	fprintf(c->out, "\n    %s\n", json_string_value(json_object_get(k, "public_key")));
}

static int cmd_key(struct cli_ctx *c, int argc, char **argv)
{
	static const char *const flags[] = {"all", NULL};
	struct cli_args a;
	struct principal sys;
	sy_err err;
	int rc = 0;
	if (!cli_parse(c, argc, argv, flags, NULL, &a))
		return 2;
	bool revoke = a.npos == 2 && strcmp(a.pos[0], "revoke") == 0;
	if (a.help || (!revoke && (a.npos != 1 || (strcmp(a.pos[0], "list") != 0 && strcmp(a.pos[0], "rotate") != 0)))) {
		fputs(KEY_USAGE, a.help ? c->out : c->err);
		return a.help ? 0 : 2;
	}
	db *d = db_open(c->db_url, &err);
	if (!d) {
		fprintf(c->err, "error: %s\n", err.msg_en);
		return 1;
	}
	if (strcmp(a.pos[0], "list") == 0) {
		json_t *items = NULL;
		if (keys_list(d, cli_has(&a, "all"), (int64_t)time(NULL), &items, &err)) {
			fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
			rc = 1;
			goto out;
		}
		size_t i;
		json_t *k;
		json_array_foreach(items, i, k)
			print_key(c, k);
		if (json_array_size(items) == 0)
			fprintf(c->out, "no signing keys: run shuangyong init\n");
		json_decref(items);
		goto out;
	}
	principal_system(&sys, "system");
	if (revoke) {
		struct signing_key k;
		if (keys_revoke(d, &sys, a.pos[1], (int64_t)time(NULL), &k, &err)) {
			fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
			rc = 1;
			goto out;
		}
		fprintf(c->out, "revoked key %s: its codes are refused from %s\n", k.key_id, k.verify_until);
		goto out;
	}
	struct signing_key fresh, old;
	if (keys_rotate(d, &sys, &fresh, &old, &err)) {
		fprintf(c->err, "error: %s (%s)\n", err.msg_en, err.code);
		rc = 1;
		goto out;
	}
	fprintf(c->out, "new current key %s (%s/%s.key)\n", fresh.key_id, keys_cfg.key_dir,
		fresh.key_id);
	if (old.key_id[0])
		fprintf(c->out, "retired key %s: verifies codes until %s\n", old.key_id,
			old.verify_until);
out:
	db_close(d);
	return rc;
}

const struct cli_command keys_commands[] = {
	{"key", "e-card signing keys: list, rotate, revoke", KEY_USAGE, cmd_key},
};
const int keys_commands_count = sizeof keys_commands / sizeof keys_commands[0];
