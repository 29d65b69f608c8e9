/*
 * audit.h - the append-only, hash-chained audit log.
 *
 * Each row's hash is SHA-256 over the previous row's hash and the row's own
 * fields (length-prefixed, so no two rows can serialise alike). Writers take
 * their turn through the single audit_head row, which also makes ids dense:
 * verification can tell a deleted row from a gap.
 *
 * audit_write joins the caller's transaction when one is open, so a change
 * and its audit row commit or vanish together; otherwise it opens its own.
 */
#ifndef SY_AUDIT_H
#define SY_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "db.h"
#include "scope.h"

struct audit_event {
	const char *action;      /* "user.create", "person.unmask", … */
	const char *object_type; /* "user", "token", … (may be NULL) */
	const char *object_id;   /* may be NULL */
	const char *region_code; /* the object's region, for scoped reading (may be NULL) */
	json_t *detail;          /* borrowed; may be NULL */
};

/* Append one row for actor (NULL means the system). */
sy_status audit_write(db *d, const struct principal *actor, const struct audit_event *ev,
		      sy_err *err);

struct audit_verdict {
	int64_t rows;      /* rows checked */
	int64_t broken_at; /* id of the first bad row; 0 when the chain holds */
	char reason[128];
};

/* Walk the whole chain; SY_OK with broken_at = 0 when intact. */
sy_status audit_verify(db *d, struct audit_verdict *v, sy_err *err);

#endif
