/*
 * auth.h - who is calling: sessions (browser, cookie + CSRF token) and API
 * tokens (devices and partner systems, Bearer). Secrets are stored only as
 * SHA-256 hashes, so a copy of the database grants no access.
 */
#ifndef SY_AUTH_H
#define SY_AUTH_H

#include "../lib/crypto.h"
#include "http.h"

#define SESSION_COOKIE "sy_session"

/* Fill r->who from the Authorization header or the session cookie. */
sy_status auth_request(struct http_req *r, sy_err *err);

/* Check the X-CSRF-Token of a state-changing request made with a cookie. */
sy_status auth_check_csrf(struct http_req *r, sy_err *err);

/* Start a session for user_id; token and csrf receive the secrets. */
sy_status auth_session_create(db *d, int64_t user_id, const char *ip,
			      char token[CRYPTO_TOKEN_MAX], char csrf[CRYPTO_TOKEN_MAX],
			      sy_err *err);
/* End the caller's session (no-op for API tokens). */
sy_status auth_session_end(struct http_req *r, sy_err *err);
/* The caller's CSRF token, NULL for API tokens. */
const char *auth_csrf_token(struct http_req *r);

void auth_set_cookie(struct http_req *r, const char *token);
void auth_clear_cookie(struct http_req *r);

#endif
