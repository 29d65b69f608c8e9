/*
 * accounts.h - users (people who log in), API tokens (devices and partner
 * systems) and password login with throttling. No HTTP here: the routes,
 * the CLI and the demo loader all call these functions.
 */
#ifndef SY_ACCOUNTS_H
#define SY_ACCOUNTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/crypto.h"

#define USERNAME_MAX 64
#define DISPLAY_NAME_MAX 128
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

struct user_input {
	const char *username;     /* create only: 3–64 of [a-z0-9._-] */
	const char *display_name; /* NULL on update = unchanged */
	const char *password;     /* create only */
	const char *role;         /* NULL on update = unchanged */
	const char *region_code;  /* NULL on update = unchanged */
	int64_t org_id;           /* 0 = none / unchanged, see set_org */
	bool set_org;             /* update: org_id given (0 clears it) */
	int64_t person_id;        /* 0 = none */
	bool set_disabled;
	bool disabled;
};

/* Create a user; the actor must be able to see region and org. Audited. */
sy_status accounts_user_create(db *d, const struct principal *actor, const struct user_input *in,
			       int64_t *id, sy_err *err);
sy_status accounts_user_update(db *d, const struct principal *actor, int64_t id,
			       const struct user_input *in, sy_err *err);
/* Set a new password and end the user's sessions. Audited. */
sy_status accounts_user_set_password(db *d, const struct principal *actor, int64_t id,
				     const char *password, sy_err *err);
/* One user as the API shows it (new reference), SY_ENOTFOUND when absent or out of scope. */
sy_status accounts_user_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			    sy_err *err);
sy_status accounts_user_id_by_name(db *d, const char *username, int64_t *id, sy_err *err);

struct user_filter {
	const char *q;      /* part of username or display name */
	const char *role;
	const char *region; /* region code: that region and below */
	int limit;
	int64_t cursor;     /* id to continue after */
};
/* Users in the actor's scope, ordered by id; *next = 0 when no more. */
sy_status accounts_user_list(db *d, const struct principal *actor, const struct user_filter *f,
			     json_t **items, int64_t *next, sy_err *err);

/*
 * Check a username and password. On success fills who (ready for a session)
 * and records the login; on failure records it for throttling. Returns
 * SY_ETHROTTLED when the account or address had too many recent failures,
 * SY_EUNAUTH "bad_credentials" otherwise, without saying which part was wrong.
 */
struct login_limits {
	int max_per_account, max_per_ip, window_minutes;
	unsigned long long ops; /* Argon2id limits for rehashing, 0 = default */
	size_t mem;
};
sy_status accounts_login(db *d, const char *username, const char *password, const char *ip,
			 const struct login_limits *lim, struct principal *who, sy_err *err);

struct token_input {
	const char *name;
	const char *role;
	const char *region_code; /* NULL: the org's region, or the actor's */
	int64_t org_id;          /* required for org roles */
	int expires_days;        /* 0 = never */
};
/* Create an API token; secret receives it once (only its hash is stored). Audited. */
sy_status accounts_token_create(db *d, const struct principal *actor, const struct token_input *in,
				int64_t *id, char secret[CRYPTO_TOKEN_MAX], sy_err *err);
sy_status accounts_token_revoke(db *d, const struct principal *actor, int64_t id, sy_err *err);
sy_status accounts_token_get(db *d, int64_t id, json_t **out, sy_err *err);
sy_status accounts_token_list(db *d, const struct principal *actor, int limit, int64_t cursor,
			      json_t **items, int64_t *next, sy_err *err);

/* Password hashing limits used by create/set_password (the demo loader lowers them). */
void accounts_set_pwhash_limits(unsigned long long ops, size_t mem);

#endif
