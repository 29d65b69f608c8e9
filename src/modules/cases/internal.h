/*
 * internal.h - what the files of the cases module share: a case type loaded
 * into memory (small: a few states, steps and transitions), the calendar
 * loaded for one computation, text checks and the audit helper.
 */
#ifndef SY_CASES_INTERNAL_H
#define SY_CASES_INTERNAL_H

#include <jansson.h>

#include "cases.h"

#define CT_CODE 32
#define CT_NAME 192

struct ct_state {
	char state[CT_CODE], name_zh[CT_NAME], name_en[CT_NAME];
	bool final;
};
struct ct_step {
	char code[CT_CODE], name_zh[CT_NAME], name_en[CT_NAME], org_type[CT_CODE], hint[CT_NAME],
		initial[CT_CODE];
	int seq;
};
struct ct_trans {
	char step[CT_CODE], from[CT_CODE], to[CT_CODE], action[CT_CODE], name_zh[CT_NAME],
		name_en[CT_NAME], roles[128], org_type[CT_CODE], materials[512];
};
struct case_type {
	char code[CT_CODE], name_zh[CT_NAME], name_en[CT_NAME], applicant_kind[8], create_roles[128],
		overdue_rule[16];
	struct ct_state *states;
	int nstates;
	struct ct_step *steps;
	int nsteps;
	struct ct_trans *trans;
	int ntrans;
};

/* Load a type; SY_ENOTFOUND "case_type_not_found" naming field when absent. */
sy_status ct_load(db *d, const char *code, const char *field, struct case_type *t, sy_err *err);
void ct_free(struct case_type *t);
const struct ct_state *ct_state(const struct case_type *t, const char *state);
const struct ct_step *ct_step(const struct case_type *t, const char *code);
/* The transition for step/from/action: a row for the step itself wins over '*'. */
const struct ct_trans *ct_trans_find(const struct case_type *t, const char *step, const char *from,
				     const char *action);
/* "落户介绍信、退役证" as a JSON array of names. */
json_t *ct_materials_json(const char *materials);
/* Does the comma-separated list name the role? */
bool ct_roles_allow(const char *roles, enum role r);
/*
 * The due date of a step of type/step entering state on day `entered`:
 * *has false when the type sets no deadline (unset) for it.
 */
sy_status ct_due_date(db *d, const char *type, const char *step, const char *state, const char *entered,
		      bool *has, char due[WORKDAY_DATE_LEN], sy_err *err);

/* What decides who sees a case (read by case_in_scope). */
struct case_scope {
	char region[REGION_CODE_MAX], type[CT_CODE], state[16], deadline[WORKDAY_DATE_LEN];
	int64_t person_id, org_id;
};
/* The case if the actor may see it; SY_ENOTFOUND "case_not_found" otherwise, so ids cannot be probed. */
sy_status case_in_scope(db *d, const struct principal *actor, int64_t id, struct case_scope *c, sy_err *err);
/* May the actor act on a step handled by step_org in a case of region? (the role is checked apart) */
bool may_act(const struct principal *a, const char *region, int64_t step_org);

/* Is the material attached to the case (or to step_id) as that kind, or held on record? */
sy_status case_material_held(db *d, int64_t case_id, int64_t step_id, const char *material, bool *held,
			     sy_err *err);
/* Add to a case's page: attachments, materials on record and the type's own details. */
sy_status case_details_json(db *d, int64_t case_id, json_t *page, sy_err *err);
/* The case page's "attachments" and "materials_on_record". */
sy_status case_attachments_json(db *d, int64_t case_id, json_t *page, sy_err *err);

/* A type's own fields (details.c): checked before anything is written, stored with the case. */
sy_status case_details_check(const char *type, const struct case_details *x, sy_err *err);
/* The deadline the case itself fixes (a 双清单 item's), or NULL. */
const char *case_details_deadline(const char *type, const struct case_details *x);
sy_status case_details_store(db *d, const struct principal *actor, const char *type, int64_t case_id,
			     const struct case_input *in, sy_err *err);

/* Record a material held on record for a case (derived from the registry). */
sy_status case_material_record(db *d, int64_t case_id, const char *material, const char *basis, sy_err *err);

/* The admin's calendar between two dates, loaded for one computation. */
struct cal_days {
	int32_t *v;
	size_t n, cap;
};
struct cal_loaded {
	struct cal_days off, work;
	struct workday_calendar cal;
};
sy_status cal_load(db *d, const char *from, const char *until, struct cal_loaded *c, sy_err *err);
void cal_free(struct cal_loaded *c);

sy_status cases_oom(sy_err *err);
/* An error whose messages name one thing: zh_fmt takes zh_arg, en_fmt en_arg (one %s each). */
sy_status cases_fail_named(sy_err *err, sy_status status, const char *code, const char *field,
			   const char *zh_fmt, const char *en_fmt, const char *zh_arg, const char *en_arg);
/* Text of at most max characters on one line; required: not blank. zh/en name the field. */
sy_status cases_check_text(const char *s, const char *field, const char *zh, const char *en, size_t max,
			   bool required, sy_err *err);
/* One audit row; consumes detail (NULL detail is out of memory). */
sy_status cases_audit(db *d, const struct principal *actor, const char *action, const char *object_type,
		      const char *object_id, const char *region, json_t *detail, sy_err *err);

#endif
