/*
 * keys.h - the e-card signing keys (Ed25519): made at `shuangyong init`,
 * rotated with `shuangyong key rotate`, published at GET /api/v1/keys.
 *
 * The public halves live in the signing_keys table, so every server verifies
 * codes made by any. A private half lives only in a file, KEY_DIR/<key_id>.key
 * (the 32-byte Ed25519 seed, mode 0600 in a directory of mode 0700, owned by
 * the server's user); a server that signs needs the file of the current key.
 * Wider permissions, another owner or a symbolic link are refused.
 *
 * A key stays good for verification after it is retired until every code it
 * signed has expired: verify_until = max(retired_at + code lifetime, the
 * latest expiry of a static code it signed).
 */
#ifndef SY_KEYS_H
#define SY_KEYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/ecard.h"

/* Settings, filled once by the app from its configuration (keys_configure). */
struct keys_settings {
	char key_dir[512];        /* effective directory (the default already resolved) */
	int64_t code_ttl;         /* seconds a rotating code lives */
	int64_t static_ttl;       /* seconds a static (printed) code lives */
	int64_t clock_skew;       /* seconds a verifier's clock may lag the signer's */
};
extern struct keys_settings keys_cfg;

/*
 * Set keys_cfg. key_dir "" or NULL: "keys" in the directory of the SQLite
 * database named by db_url, or "data/keys" when db_url is PostgreSQL.
 */
void keys_configure(const char *key_dir, const char *db_url, long code_ttl_s, long static_days);

#define KEYS_ID_LEN 9 /* 8 hex digits + NUL */
#define KEYS_TIME_LEN 21

struct signing_key {
	char key_id[KEYS_ID_LEN];
	char algorithm[16];
	char public_key[48];      /* base64url, no padding */
	char status[16];          /* "current" or "retired" */
	char valid_from[KEYS_TIME_LEN];
	char retired_at[KEYS_TIME_LEN];   /* "" when current */
	char verify_until[KEYS_TIME_LEN]; /* "" when current */
};

/*
 * At init: when there is no current key, make one (file first, then the row
 * and its audit row in one transaction) and set *created; otherwise check
 * that the current key's file is present and private. cur (may be NULL) gets
 * the current key.
 */
sy_status keys_ensure(db *d, const struct principal *who, bool *created, struct signing_key *cur,
		      sy_err *err);

/*
 * Make a new current key and retire the old one (verify_until as above).
 * Audited as "key.rotate". fresh and old (may be NULL) get both rows.
 */
sy_status keys_rotate(db *d, const struct principal *who, struct signing_key *fresh,
		      struct signing_key *old, sy_err *err);

/*
 * A compromised key: its codes (and documents) are refused from now on —
 * verify_until becomes now, so it leaves GET /api/v1/keys and every verifier
 * drops it at its next sync. Audited as "key.revoke". The current key cannot
 * be revoked (409 key_is_current): rotate first, then revoke the old one.
 * 400 invalid_key_id, 404 key_not_found. out (may be NULL) gets the row.
 */
sy_status keys_revoke(db *d, const struct principal *who, const char *key_id, int64_t now,
		      struct signing_key *out, sy_err *err);

/*
 * Keys as JSON objects {key_id, algorithm, public_key, status, valid_from,
 * valid_until, retired_at, verify_until}, current first then newest first.
 * all=false: only those still good for verification at now (what an
 * offline verifier should trust).
 */
sy_status keys_list(db *d, bool all, int64_t now, json_t **items, sy_err *err);

/*
 * At serve start: SY_OK when there is no key yet or the current key's file
 * is present and private; *can_sign says which. An error (refuse to start)
 * when the file has wider permissions, another owner, or is not this key.
 */
sy_status keys_check(db *d, bool *can_sign, sy_err *err);

/*
 * Sign an e-card for card_no with the current key: a rotating code valid
 * keys_cfg.code_ttl seconds from now, or with is_static a printed card's
 * code valid keys_cfg.static_ttl seconds (recorded on the key, so that
 * rotation keeps the key published until the code expires). The secret key is
 * read from its file on first use and kept in locked memory that is
 * inaccessible between signatures. out gets the text (ECARD_TEXT_MAX bytes);
 * card (may be NULL) the payload. Errors: SY_EINVAL (card number),
 * SY_EUNAVAILABLE "no_signing_key" (no key yet, or its file missing here).
 */
sy_status keys_sign(db *d, const char *card_no, uint32_t categories, bool is_static, int64_t now,
		    char out[ECARD_TEXT_MAX], struct ecard *card, sy_err *err);

/*
 * Check a scanned code: decode, find its key (current, or retired with
 * verify_until still ahead), verify signature and times with
 * keys_cfg.clock_skew. SY_OK with *result telling the verdict (and card
 * filled when it decoded); a failing status only when the database fails.
 */
sy_status keys_verify(db *d, const char *text, size_t len, int64_t now, enum ecard_result *result,
		      struct ecard *card, sy_err *err);

/* The current key's id; SY_EUNAVAILABLE "no_signing_key" when there is none yet. */
sy_status keys_current_id(db *d, char key_id[KEYS_ID_LEN], sy_err *err);

/*
 * Sign a document (a revocation list, say) with the current key under a
 * context naming its kind (lib/crypto.h crypto_sign_document: never the
 * e-card's). key_id gets the signing key's id. SY_EUNAVAILABLE
 * "no_signing_key" as keys_sign; SY_EINVAL "invalid_context".
 */
sy_status keys_sign_document(db *d, const char *context, const void *data, size_t len,
			     uint8_t sig[ECARD_SIG_BYTES], char key_id[KEYS_ID_LEN], sy_err *err);

/*
 * Check a document's signature with key key_id, which must still be good for
 * verification at now (as keys_verify). *valid false for an unknown or
 * expired key or a bad signature; a failing status only when the database fails.
 */
sy_status keys_verify_document(db *d, const char *key_id, const char *context, const void *data,
			       size_t len, const uint8_t sig[ECARD_SIG_BYTES], int64_t now, bool *valid,
			       sy_err *err);

/* Wipe and free the cached secret key (tests, shutdown). */
void keys_forget(void);

/* Paths, for tests and messages: KEY_DIR/<key_id>.key. */
bool keys_file_path(const char *key_id, char *out, size_t cap);

#endif
