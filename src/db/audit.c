#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/crypto.h"
#include "../lib/strbuf.h"
#include "../lib/timeutil.h"

static const char SQL_AUDIT_TAKE_TURN[] =
	"UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash";
static const char SQL_AUDIT_INSERT[] =
	"INSERT INTO audit_log (id, at, actor_user_id, actor, role, action, object_type, object_id,"
	" region_code, detail, ip, prev_hash, hash)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
static const char SQL_AUDIT_SET_HEAD[] =
	"UPDATE audit_head SET last_hash = $1 WHERE id = 1";
static const char SQL_AUDIT_ALL[] =
	"SELECT id, at, actor_user_id, actor, role, action, object_type, object_id, region_code,"
	" detail, ip, prev_hash, hash FROM audit_log ORDER BY id";
static const char SQL_AUDIT_HEAD[] =
	"SELECT last_id, last_hash FROM audit_head WHERE id = 1";

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Fields in the order they are hashed; NULL hashes differently from "". */
struct audit_fields {
	int64_t id;
	const char *at, *actor_user_id, *actor, *role, *action, *object_type, *object_id,
		*region_code, *detail, *ip, *prev_hash;
};

static void put_field(strbuf *sb, const char *s)
{
	if (!s)
		sb_puts(sb, "-|");
	else
		sb_printf(sb, "%zu:%s|", strlen(s), s);
}

static bool audit_hash(const struct audit_fields *f, char out[CRYPTO_SHA256_HEX])
{
	strbuf sb;
	sb_init(&sb);
	sb_printf(&sb, "%" PRId64 "|", f->id);
	const char *fields[] = {f->prev_hash, f->at, f->actor_user_id, f->actor, f->role,
				f->action, f->object_type, f->object_id, f->region_code,
				f->detail, f->ip};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		put_field(&sb, fields[i]);
	bool ok = !sb.oom;
	if (ok)
		crypto_sha256_hex(sb.buf, sb.len, out);
	sb_free(&sb);
	return ok;
}

sy_status audit_write(db *d, const struct principal *actor, const struct audit_event *ev,
		      sy_err *err)
{
	struct principal sys;
	char now[TIME_ISO_LEN], uid[24], hash[CRYPTO_SHA256_HEX], prev[CRYPTO_SHA256_HEX];
	char *detail = NULL;
	db_rows *r = NULL;
	bool own_tx = !db_in_tx(d);
	sy_status st;

	if (!actor) {
		principal_system(&sys, "system");
		actor = &sys;
	}
	if (ev->detail && !(detail = json_dumps(ev->detail, JSON_COMPACT | JSON_SORT_KEYS)))
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	if (own_tx && (st = db_begin(d, err)))
		goto out;
	if ((st = db_query(d, SQL_AUDIT_TAKE_TURN, DB_NOARGS, &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_EINTERNAL, "audit_head_missing", NULL,
			      "审计日志头缺失", "audit head row missing");
		goto out;
	}
	int64_t id = db_int(r, 0);
	snprintf(prev, sizeof prev, "%s", db_text(r, 1) ? db_text(r, 1) : "");
	db_rows_free(r);
	r = NULL;

	time_now_iso(now);
	snprintf(uid, sizeof uid, "%" PRId64, actor->user_id);
	struct audit_fields f = {
		.id = id, .at = now, .actor_user_id = actor->user_id ? uid : NULL,
		.actor = actor->name, .role = role_name(actor->role), .action = ev->action,
		.object_type = ev->object_type, .object_id = ev->object_id,
		.region_code = ev->region_code, .detail = detail,
		.ip = actor->ip[0] ? actor->ip : NULL, .prev_hash = prev,
	};
	if (!audit_hash(&f, hash)) {
		st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
		goto out;
	}
	if ((st = db_execp(d, SQL_AUDIT_INSERT,
			   DB_ARGS(DB_I(id), DB_T(now), DB_IDOPT(actor->user_id), DB_T(f.actor),
				   DB_T(f.role), DB_T(f.action), DB_T(f.object_type),
				   DB_T(f.object_id), DB_T(f.region_code), DB_T(detail), DB_T(f.ip),
				   DB_T(prev), DB_T(hash)),
			   NULL, err)))
		goto out;
	if ((st = db_execp(d, SQL_AUDIT_SET_HEAD, DB_ARGS(DB_T(hash)), NULL, err)))
		goto out;
	if (own_tx)
		st = db_commit(d, err);
out:
	db_rows_free(r);
	if (st && own_tx)
		db_rollback(d);
	free(detail);
	return st;
}

static void verdict_break(struct audit_verdict *v, int64_t id, const char *reason)
{
	v->broken_at = id;
	snprintf(v->reason, sizeof v->reason, "%s", reason);
}

sy_status audit_verify(db *d, struct audit_verdict *v, sy_err *err)
{
	char prev[CRYPTO_SHA256_HEX] = AUDIT_GENESIS, hash[CRYPTO_SHA256_HEX];
	int64_t expect_id = 1;
	db_rows *r = NULL;
	sy_status st;

	memset(v, 0, sizeof *v);
	if ((st = db_query(d, SQL_AUDIT_ALL, DB_NOARGS, &r, err)))
		return st;
	while (db_next(r)) {
		struct audit_fields f = {
			.id = db_int(r, 0), .at = db_text(r, 1), .actor_user_id = db_text(r, 2),
			.actor = db_text(r, 3), .role = db_text(r, 4), .action = db_text(r, 5),
			.object_type = db_text(r, 6), .object_id = db_text(r, 7),
			.region_code = db_text(r, 8), .detail = db_text(r, 9), .ip = db_text(r, 10),
			.prev_hash = db_text(r, 11),
		};
		const char *stored = db_text(r, 12);
		v->rows++;
		if (f.id != expect_id) {
			verdict_break(v, f.id, f.id > expect_id ? "rows missing before this one"
								: "duplicate or reordered id");
			goto out;
		}
		if (!f.prev_hash || strcmp(f.prev_hash, prev) != 0) {
			verdict_break(v, f.id, "prev_hash does not match the previous row");
			goto out;
		}
		if (!audit_hash(&f, hash)) {
			st = sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
			goto out;
		}
		if (!stored || strcmp(stored, hash) != 0) {
			verdict_break(v, f.id, "row content does not match its hash");
			goto out;
		}
		memcpy(prev, hash, sizeof prev);
		expect_id++;
	}
	db_rows_free(r);
	r = NULL;
	/* The head must point at the last row: catches deletion of the newest rows. */
	if ((st = db_query(d, SQL_AUDIT_HEAD, DB_NOARGS, &r, err)))
		goto out;
	if (db_next(r) && (db_int(r, 0) != expect_id - 1 || !db_text(r, 1) ||
			   strcmp(db_text(r, 1), prev) != 0))
		verdict_break(v, expect_id, "rows missing at the end of the log");
out:
	db_rows_free(r);
	return st;
}
