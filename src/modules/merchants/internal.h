/* internal.h - what merchants.c and offers.c share (not for other modules). */
#ifndef SY_MERCHANTS_INTERNAL_H
#define SY_MERCHANTS_INTERNAL_H

#include "lib/strbuf.h"
#include "merchants.h"

/* What the caller wants to do with an organisation. */
enum org_access {
	ACC_READ,   /* admin; officer, auditor in region; an org role its own org */
	ACC_CLERK,  /* admin; officer in region; an org role its own org (profile details, offers) */
	ACC_BUREAU, /* admin; officer in region (join, leave, plaque) */
};

struct org_ref {
	int64_t id;
	char region[REGION_CODE_MAX];
	char status[16]; /* the profile's, "" when it has none */
};

/* The org if the caller may reach it as acc: 404 org_not_found when out of sight, 403 when read-only. */
sy_status merchants_org_load(db *d, const struct principal *a, int64_t org_id, enum org_access acc,
			     struct org_ref *o, sy_err *err);
sy_status merchants_audit(db *d, const struct principal *a, const char *action, const char *object_type,
			  int64_t id, const char *region, json_t *detail, sy_err *err);
sy_status merchants_oom(sy_err *err);
/*
 * db_tx_finish, then, when it succeeded, circle_invalidate(): every change of
 * membership, profile or offer shows in this server's nearby search at once.
 */
sy_status merchants_finish(db *d, bool own, sy_status st, sy_err *err);
/* [{code, label}] of a stored comma list of person category codes (an offer's "for whom"). */
json_t *merchants_categories_json(const char *list);
/* The same as JSON text, appended to sb (nearby search's cached offers). */
void merchants_categories_text(strbuf *sb, const char *list);
/* Checked optional text: at most max bytes, one line. */
sy_status merchants_check_text(const char *s, size_t max, const char *field, sy_err *err);

#endif
