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

/* The fields a case type of its own needs (NULL / 0 when not given). */
struct case_details {
	/* 双清单 item (dual_army, dual_civil): all required */
	int64_t year;
	const char *content, *deadline, *quality_standard;
	/* 军人子女入学 (child_school): the parent is the applicant unless named */
	const char *child_name, *school, *category; /* category: claimed, when the record shows none */
	int64_t child_person_id, parent_person_id;
	/* 随军家属就业 (spouse_job): the spouse is the applicant */
	const char *service_member, *skills, *previous_employment, *wanted;
};

struct case_input {
	const char *type;
	int64_t person_id; /* the applicant: a person … */
	int64_t org_id;    /* … or an organisation, as the type allows */
	const char *note;
	struct case_details details;
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

/*
 * The school priority category a parent's record shows: martyr_child (the
 * parent is a martyr), merit (平时二等功 or 战时三等功 or higher),
 * hardship_post (service in a hardship area or on an island); otherwise
 * "general" and derived false: a certificate (部队证明) must be uploaded.
 */
struct school_priority {
	char category[16];
	char basis[160];
	bool derived;
};
sy_status school_priority(db *d, int64_t parent_id, struct school_priority *p, sy_err *err);

/* ---- attachments (attachments.c) ----------------------------------------------- */

#define ATTACHMENT_NAME_CHARS 100
#define ATTACHMENT_MATERIAL_CHARS 50

/*
 * Where attachment files live (the app sets it once): dir when not empty,
 * else attachments/ beside the SQLite database (data/attachments with PostgreSQL).
 */
void cases_configure(const char *attachment_dir, const char *db_url);
const char *cases_attachment_dir(void);

struct attachment_input {
	int64_t step_id;      /* 0: the case as a whole */
	const char *material; /* the kind of material it is, or NULL */
	const char *filename; /* as the uploader named it, or NULL */
	const char *declared; /* the Content-Type the client sent, or NULL */
	const void *data;
	size_t len;
};
/*
 * Store a file for a case: refused when it is larger than the settings allow
 * (SY_ETOOLARGE "attachment_too_large"), empty, or not of an allowed type by
 * its first bytes (SY_EMEDIA "attachment_type_not_allowed"; a declared type
 * that disagrees: "attachment_type_mismatch"). Nothing is stored when refused.
 * The file is named by its SHA-256 in the attachment directory; the row and
 * an audit row are one transaction.
 */
sy_status cases_attach(db *d, const struct principal *actor, int64_t case_id, const struct attachment_input *in,
		       json_t **out, sy_err *err);

struct attachment_file {
	int fd; /* open for reading; the caller closes it */
	uint64_t size;
	char content_type[32], filename[4 * ATTACHMENT_NAME_CHARS + 1];
};
/* Open an attachment of a case the actor may see; anything else is SY_ENOTFOUND. */
sy_status cases_attachment_open(db *d, const struct principal *actor, int64_t case_id, int64_t id,
				struct attachment_file *f, sy_err *err);
/* The upload limits: {"max_bytes", "types": ["pdf", …], "known_types", "updated_by", "updated_at"}. */
sy_status cases_attachment_settings(db *d, json_t **out, sy_err *err);
/* Set them (admin); types: a comma-separated subset of pdf,jpeg,png. */
sy_status cases_attachment_settings_set(db *d, const struct principal *actor, int64_t max_bytes, const char *types,
					sy_err *err);

/* ---- 双清单 (duallist.c) ----------------------------------------------------------- */

/*
 * The board of a year: every item of both lists in scope with its state and
 * whether it is done and on time, and the rates by list, by responsible unit
 * and by quarter (of the deadline). An item counts as completed once it has
 * reached 办结/销号 (state "closed", or "feedback" after it); on time when
 * that day is on or before its deadline; items not adopted (dropped at 会审)
 * are left out. completion_rate = completed / items; on_time_rate =
 * completed on time / items.
 */
sy_status cases_dual_board(db *d, const struct principal *actor, int64_t year, const char *today, json_t **out,
			   sy_err *err);

/* ---- statistics (stats.c) --------------------------------------------------------- */

struct case_stats_filter {
	const char *type;
	const char *from, *to; /* opened_on within [from, to], "YYYY-MM-DD", or NULL */
};
/*
 * Counts in the actor's scope by type, state, department (of steps) and
 * region; for closed cases the average handling time in working days (from
 * opened_on to the day it closed, over the calendar) and the share closed
 * with no step past its due date (on time).
 */
sy_status cases_stats(db *d, const struct principal *actor, const struct case_stats_filter *f, const char *today,
		      json_t **out, sy_err *err);

/* ---- demo data (demo.c) ------------------------------------------------------------ */

/*
 * The demo's cases, dated back from today: 一门受理 applications in 新华区 at
 * every stage (some overdue, some done; it sets demo deadlines for 一门受理,
 * as the admin would), a 双清单 board for the current year with items of
 * both lists in every state, and a few 军人子女入学 and 随军家属就业
 * applications. Joins the caller's transaction. *made: cases opened.
 */
sy_status cases_demo(db *d, const struct principal *actor, int *made, sy_err *err);

#endif
