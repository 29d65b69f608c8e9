/*
 * people.h - the people registry: who is a veteran, a service member, a
 * family member or one of the 三属; where they live; how they served. Every
 * other module reads it. Personal data leaves it masked unless a role that
 * may see it asks with a reason, which is audited.
 */
#ifndef SY_PEOPLE_H
#define SY_PEOPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"

#define PERSON_NAME_MAX 64
#define ADDRESS_MAX 200
#define REASON_MAX 200

/* Status values (people.status); the legal ones bar a 优待证. */
bool person_status_valid(const char *s);
bool person_status_bars_card(const char *s);
/* Category codes (person_categories.category and derived ones). */
bool person_category_valid(const char *s);
/* The i-th category code (0..), NULL past the last: for tables that must cover them all. */
const char *person_category_at(int i);
const char *person_category_label(const char *code, bool english);
/* The category a code or its Chinese label ("烈士遗属") names; NULL when none. */
const char *person_category_parse(const char *s);

/* The fields of a person a change may clear (person_input.clear). */
enum person_field {
	PF_NAME = 1 << 0,             /* required: never cleared */
	PF_REGION = 1 << 1,           /* required: never cleared */
	PF_PHONE = 1 << 2,
	PF_ADDRESS = 1 << 3,
	PF_HOUSEHOLD_REGION = 1 << 4,
	PF_HOUSEHOLD_ADDRESS = 1 << 5,
	PF_COORDS = 1 << 6,           /* lat and lon together */
};

struct person_input {
	const char *id_number;   /* create only; validated by GB 11643 */
	const char *name;
	const char *phone;       /* optional: mobile 1[3-9]xxxxxxxxx or landline 0xxx-xxxxxxx */
	const char *region_code; /* residence (where served) */
	const char *address;
	const char *household_region_code;
	const char *household_address;
	bool has_coords;
	double lat, lon;
	const char *status;      /* create: default "normal" */
	unsigned clear;          /* update only: PF_… fields to empty (NULL); required ones refused */
};

/* All region codes, loaded once, so a bulk import checks rows without a query each. */
struct region_set {
	char (*codes)[REGION_CODE_MAX]; /* sorted */
	size_t n;
};
sy_status registry_region_set_load(db *d, struct region_set *set, sy_err *err);
void registry_region_set_free(struct region_set *set);

/*
 * Check a person's fields; errors name the field. known: the region codes to
 * check against (NULL: ask the database).
 */
sy_status registry_person_validate(db *d, const struct principal *actor, const struct person_input *in,
				   bool creating, const struct region_set *known, char normalized_id[19],
				   sy_err *err);
/*
 * Build the search index of one person (name pieces, last four ID digits).
 * registry_person_create does it; bulk loaders that insert rows themselves
 * (demo, import) call it for each row.
 */
sy_status registry_person_index(db *d, int64_t id, const char *name, const char *id_number, sy_err *err);
/*
 * Insert one validated person (normalized 身份证号 idn) with its index and
 * first status row; no audit row (bulk callers write one for the batch).
 * With bulk, only the row: registry_people_finish_bulk then indexes and
 * dates every person from first_id on in two set-based statements.
 */
sy_status registry_person_insert(db *d, const struct principal *actor, const struct person_input *in,
				 const char *idn, const char *now, bool bulk, int64_t *id, sy_err *err);
sy_status registry_people_finish_bulk(db *d, const struct principal *actor, int64_t first_id,
				      const char *now, sy_err *err);
/* Create (validated, indexed, audited). Joins the caller's transaction. */
sy_status registry_person_create(db *d, const struct principal *actor, const struct person_input *in,
				 int64_t *id, sy_err *err);
/*
 * Update the non-NULL fields of in and empty those named in in->clear
 * (id_number cannot change; name and region_code cannot be cleared).
 */
sy_status registry_person_update(db *d, const struct principal *actor, int64_t id,
				 const struct person_input *in, sy_err *err);
/* The id of the person with this 身份证号 in the actor's scope; SY_ENOTFOUND when none. */
sy_status registry_person_find(db *d, const struct principal *actor, const char *id_number,
			       int64_t *id, sy_err *err);
/* Record a dated status change. death_kind (martyr|duty|illness) only with "deceased". */
sy_status registry_person_set_status(db *d, const struct principal *actor, int64_t id,
				     const char *status, const char *since, const char *reason,
				     const char *death_kind, sy_err *err);
/* The person's page, masked: facts, categories (and why), family, service, status history. */
sy_status registry_person_get(db *d, const struct principal *actor, int64_t id, json_t **out,
			      sy_err *err);
/* The unmasked 身份证号 and phone, for a role that may see them, with a reason (audited). */
bool registry_may_unmask(const struct principal *actor);
/* May actor see unmasked data, and is reason a real one? 403 or 400 naming "reason" otherwise. */
sy_status registry_check_unmask(const struct principal *actor, const char *reason, sy_err *err);
sy_status registry_person_unmask(db *d, const struct principal *actor, int64_t id,
				 const char *reason, json_t **out, sy_err *err);

/* 138****1234: the first 3 and last 4 digits. */
void registry_mask_phone(const char *phone, char out[24]);

struct category_input {
	const char *category;
	const char *start_date, *end_date; /* YYYY-MM-DD or NULL */
	int disability_grade;              /* 1–10, disabled_veteran only */
	const char *disability_cause;      /* combat | duty | illness */
	const char *note;
};
sy_status registry_category_add(db *d, const struct principal *actor, int64_t person_id,
				const struct category_input *in, int64_t *id, sy_err *err);
sy_status registry_category_end(db *d, const struct principal *actor, int64_t person_id,
				int64_t category_id, const char *end_date, sy_err *err);
/* Remove an entry made by mistake (ending it on a date is registry_category_end). reason may be NULL. */
sy_status registry_category_delete(db *d, const struct principal *actor, int64_t person_id,
				   int64_t category_id, const char *reason, sy_err *err);

/* relation: what relative is to person (spouse|parent|child|sibling). */
sy_status registry_family_link(db *d, const struct principal *actor, int64_t person_id,
			       int64_t relative_id, const char *relation, bool supported,
			       int64_t *id, sy_err *err);
/*
 * Remove a family link of person_id (either side). The categories derived
 * from it are computed when read, so they go with it. Both people must be in
 * the actor's scope. reason may be NULL.
 */
sy_status registry_family_unlink(db *d, const struct principal *actor, int64_t person_id,
				 int64_t link_id, const char *reason, sy_err *err);

struct award_input {
	const char *level; /* jiajiang | merit_3 | merit_2 | merit_1 | cmc_commendation | army_commendation */
	bool wartime;
	const char *date;
};
struct period_input {
	const char *kind; /* hardship | island */
	const char *start_date, *end_date;
};
struct service_input {
	const char *branch;       /* army navy air_force rocket_force strategic_support joint_logistics armed_police */
	const char *enlist_date;  /* 入伍批准日期 */
	const char *discharge_date; /* 退役命令日期, NULL while serving */
	const char *rank;
	const char *exit_mode;    /* retire transfer pension self_employed demobilised placed supported */
	int disability_grade;
	const char *disability_cause;
	const struct award_input *awards;
	int nawards;
	const struct period_input *periods;
	int nperiods;
};
/* Check a whole service record (branch, dates in order and not in the future, levels); errors name the field. */
sy_status registry_service_check(const struct service_input *in, sy_err *err);
sy_status registry_service_add(db *d, const struct principal *actor, int64_t person_id,
			       const struct service_input *in, int64_t *id, sy_err *err);
/* The members of a service_input a change sets (registry_service_update's fields). */
enum service_field {
	SF_BRANCH = 1 << 0,           /* required: never cleared */
	SF_ENLIST = 1 << 1,           /* required: never cleared */
	SF_DISCHARGE = 1 << 2,
	SF_RANK = 1 << 3,
	SF_EXIT_MODE = 1 << 4,
	SF_DISABILITY_GRADE = 1 << 5,
	SF_DISABILITY_CAUSE = 1 << 6,
	SF_AWARDS = 1 << 7,           /* the list is replaced */
	SF_PERIODS = 1 << 8,          /* the list is replaced */
};
/*
 * Change the members of a service record named in fields (a named member
 * that is NULL or 0 is cleared); the others keep their stored values. The
 * record that results is checked as registry_service_add checks a new one.
 */
sy_status registry_service_update(db *d, const struct principal *actor, int64_t person_id,
				  int64_t service_id, const struct service_input *in, unsigned fields,
				  sy_err *err);
/* Remove a service record with its awards and periods. reason may be NULL. */
sy_status registry_service_delete(db *d, const struct principal *actor, int64_t person_id,
				  int64_t service_id, const char *reason, sy_err *err);

enum people_sort { SORT_ID, SORT_NAME, SORT_BIRTH };
struct people_filter {
	const char *q;        /* part of a name, a full 身份证号, its last digits, or a phone */
	const char *category;
	const char *region;
	const char *status;
	enum people_sort sort;
	int limit;
	int64_t cursor;       /* an offset into the sorted list */
	bool unmask;          /* exports only; needs registry_may_unmask and a reason */
};
sy_status registry_people_search(db *d, const struct principal *actor, const struct people_filter *f,
				 json_t **items, int64_t *next, sy_err *err);

#endif
