/*
 * status.h - the project's one error vocabulary.
 *
 * Every fallible function returns an sy_status and, when it fails, fills an
 * sy_err with a stable machine code ("invalid_id_number"), the offending
 * field and a message in Chinese and English. The HTTP layer maps the status
 * to a response code in exactly one place (http/response.c); the CLI prints
 * the message. Nothing else interprets errors.
 */
#ifndef SY_STATUS_H
#define SY_STATUS_H

#include <stdarg.h>

typedef enum {
	SY_OK = 0,
	SY_EINVAL,       /* 400: a field is wrong */
	SY_EJSON,        /* 400: body is not valid JSON */
	SY_EUNAUTH,      /* 401: no or bad credentials */
	SY_EFORBIDDEN,   /* 403: authenticated but not allowed */
	SY_ENOTFOUND,    /* 404 */
	SY_EMETHOD,      /* 405 */
	SY_ECONFLICT,    /* 409: duplicate or state conflict */
	SY_ETOOLARGE,    /* 413 */
	SY_EMEDIA,       /* 415: wrong content type */
	SY_ETHROTTLED,   /* 429 */
	SY_EINTERNAL,    /* 500 */
	SY_EUNAVAILABLE, /* 503: database down, try again */
	SY_ENOMEM,       /* 500, out of memory */
} sy_status;

typedef struct sy_err {
	sy_status status;
	char code[48];
	char field[64];
	char msg_zh[256];
	char msg_en[256];
} sy_err;

/*
 * Fill err (which may be NULL) and return status. msg_zh and msg_en are
 * printf formats taking the same arguments. field may be NULL.
 */
sy_status sy_fail(sy_err *err, sy_status status, const char *code,
		  const char *field, const char *msg_zh, const char *msg_en, ...);

/* The same with no formatting; for fixed messages. */
sy_status sy_failf(sy_err *err, sy_status status, const char *code,
		   const char *field, const char *msg_zh, const char *msg_en);

/* Reset err to "no error". */
void sy_err_clear(sy_err *err);

/* The stable name of a status ("invalid", "not_found", ...). */
const char *sy_status_name(sy_status s);

/* The HTTP status code for a status: the one mapping in the project. */
int sy_status_http(sy_status s);

#endif
