/*
 * cases.h - one workflow engine for applications handled by departments
 * against deadlines counted in working days.
 *
 * Case types are data (sql/007_cases.sql): the states a step moves through,
 * the steps a new case opens with (in parallel: a bundle such as 一门受理
 * opens seven, each with its own department), the transitions (from, to,
 * action, which roles, which organisation type, which materials), deadlines
 * in working days per state, and the overdue rule (supervise: an overdue case
 * shows on the supervisor's 督办 list). A case ends when all its steps end.
 *
 * Time: every function that decides "overdue" or computes a due date takes
 * `today` ("YYYY-MM-DD", the date in China) as a parameter, so tests and the
 * CLI can ask about any day; cases_today() is what the server passes. Overdue
 * is computed when read (a step is overdue when it is not final and today is
 * after its due date), so no timer or flag can drift from the calendar.
 * A due date is fixed when the step enters its state (workday_add over the
 * calendar as it then stands), as a notice given to an applicant would be.
 *
 * Who sees a case: admin all; officers and auditors the cases of their region
 * and below; a person the cases they applied for; an organisation role the
 * cases it applied for or handles a step of. Anything else answers
 * SY_ENOTFOUND "case_not_found", as if absent. Departments act through the
 * officers of the case's region (there is no department role yet).
 */
#ifndef SY_CASES_H
#define SY_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/workday.h"

#define CASE_NOTE_CHARS 500
#define CASE_COMMENT_CHARS 500
#define CASE_MATERIALS_MAX 20
#define CALENDAR_NAME_CHARS 50

/* Today's date in China (UTC+8, no daylight saving), as "YYYY-MM-DD". */
void cases_today(char out[WORKDAY_DATE_LEN]);

/* ---- the working-day calendar --------------------------------------------- */

/* The calendar rows of one year (year 0: every row), by date. */
sy_status cases_calendar_list(db *d, int year, json_t **items, sy_err *err);
/*
 * Set one day (admin): kind "holiday" or "workday" (a make-up working day,
 * which must fall on a weekend). Replaces the day's row if there is one.
 */
sy_status cases_calendar_set(db *d, const struct principal *actor, const char *date, const char *kind,
			     const char *name, json_t **out, sy_err *err);
sy_status cases_calendar_remove(db *d, const struct principal *actor, const char *date, sy_err *err);
/* The due date of a deadline of n working days counted from start (see workday.h). */
sy_status cases_due_date(db *d, const char *start, int n, char out[WORKDAY_DATE_LEN], sy_err *err);

/* ---- case types -------------------------------------------------------------- */

/* Every case type with its states, steps, transitions and deadlines. */
sy_status cases_types(db *d, json_t **items, sy_err *err);
/* One type, as in the list; SY_ENOTFOUND "case_type_not_found". */
sy_status cases_type_get(db *d, const char *code, json_t **out, sy_err *err);
/*
 * Set (or, has_days false, unset) the working days a step may stay in a
 * state. step "*" is every step of the type. Admin only. Changes the due
 * dates of steps that enter the state from now on.
 */
sy_status cases_deadline_set(db *d, const struct principal *actor, const char *type, const char *step,
			     const char *state, bool has_days, int64_t days, sy_err *err);

/* ---- cases -------------------------------------------------------------------- */

struct case_department {
	const char *step; /* a step code of the type */
	int64_t org_id;   /* an organisation of the step's type, in the case's region or above */
};

struct case_input {
	const char *type;
	int64_t person_id; /* the applicant: a person … */
	int64_t org_id;    /* … or an organisation, as the type allows */
	const char *note;
	/* Departments the officer picked; a step not listed gets the nearest
	 * department whose name contains the step's hint, else the nearest one. */
	const struct case_department *departments;
	int ndepartments;
};

sy_status cases_create(db *d, const struct principal *actor, const struct case_input *in,
		       const char *today, int64_t *id, sy_err *err);

/* The case's page: applicant, steps (with the actions the reader may take), timeline. */
sy_status cases_get(db *d, const struct principal *actor, int64_t id, const char *today, json_t **out,
		    sy_err *err);

struct case_filter {
	const char *state; /* open | closed */
	const char *type;
	int limit;
	int64_t cursor; /* newest first: the last id shown */
};
sy_status cases_list(db *d, const struct principal *actor, const struct case_filter *f,
		     const char *today, json_t **items, int64_t *next, sy_err *err);

struct case_action {
	const char *action;
	const char *comment;
	const char *const *materials; /* names of the materials handed in */
	int nmaterials;
};
/*
 * Move one step. An action the type does not have for the step is SY_EINVAL
 * "invalid_action"; one it has but not from the step's current state is
 * SY_ECONFLICT "not_allowed_in_<state>"; a role the transition does not name
 * SY_EFORBIDDEN "transition_forbidden"; a material missing SY_EINVAL
 * "missing_material". When the last open step ends, the case closes.
 */
sy_status cases_transition(db *d, const struct principal *actor, int64_t case_id, int64_t step_id,
			   const struct case_action *in, const char *today, sy_err *err);
sy_status cases_comment(db *d, const struct principal *actor, int64_t case_id, const char *text,
			sy_err *err);

struct inbox_filter {
	bool overdue_only;
	int64_t org_id; /* one department's steps; 0 all */
	int limit;
	int64_t cursor;
};
/* Open steps in the actor's region whose current state has a transition the actor's role may take. */
sy_status cases_inbox(db *d, const struct principal *actor, const struct inbox_filter *f,
		      const char *today, json_t **items, int64_t *next, sy_err *err);
/* The 督办 list: open cases in scope, of types that supervise, with a step past its due date. */
sy_status cases_overdue(db *d, const struct principal *actor, int limit, int64_t cursor,
			const char *today, json_t **items, int64_t *next, sy_err *err);

#endif
