/* auditlog.h - reading the audit log (writing is db/audit.h, used by everyone). */
#ifndef SY_AUDITLOG_H
#define SY_AUDITLOG_H

#include <jansson.h>

#include "db/audit.h"

struct audit_filter {
	const char *action;      /* exact, or a prefix ending in '.': "user." */
	const char *actor;
	const char *object_type;
	const char *from, *to;   /* ISO dates or times, inclusive */
	int limit;
	int64_t cursor;          /* continue below this id (newest first) */
};

/* Rows in the reader's scope, newest first. Admins see all; auditors their region. */
sy_status auditlog_list(db *d, const struct principal *reader, const struct audit_filter *f,
			json_t **items, int64_t *next, sy_err *err);

#endif
