/*
 * batches.h - 阳光安置 batches in the database (sql/016_placement_batches.sql):
 * one batch per year and region, its candidates drawn from the registry, its
 * posts, the published versions of the score list (公示) with objections, the
 * preferences or the live session's steps, and the result with receipts.
 *
 * Every computation goes through the engine of placement.h: a batch is read
 * from its rows into the export's JSON form and from there into a struct
 * pl_batch by pl_import_json, so the server, the export and `shuangyong
 * placement verify` read the very same inputs the very same way.
 *
 * Status: draft → published (公示; objections; new versions) → choosing (live
 * session) → closed (results published). A preferences batch goes from
 * published to closed directly (serial dictatorship when it closes).
 *
 * Every function takes the acting principal: admin everywhere, officer in
 * their region, auditor reads in their region, a person only their own
 * candidacy (objection, preferences, own page). Every change is audited
 * ("placement.*") in the same transaction.
 */
#ifndef SY_PLACEMENT_BATCHES_H
#define SY_PLACEMENT_BATCHES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/status.h"

/* A batch's settings. NULL / 0 members of an update keep their stored value. */
struct batch_input {
	int year;                   /* 1990..2999; create: required */
	const char *region_code;    /* create only */
	const char *name;
	const char *mode;           /* live | preferences */
	const char *absence_rule;   /* forfeit | skip_to_end */
	const char *tie_break;      /* "service_longer,older" (id is always last); NULL: the engine's default */
	int publicity_days;         /* the 公示 length: configuration of the batch, 1..365 */
	int objection_days;         /* objections accepted this many days after a publication, 1..365 */
	const char *discharged_from, *discharged_to; /* the discharge dates drawn: one policy table must cover both */
};

sy_status batch_create(db *d, const struct principal *actor, const struct batch_input *in, int64_t *id,
		       sy_err *err);
/* Draft only. */
sy_status batch_update(db *d, const struct principal *actor, int64_t id, const struct batch_input *in,
		       sy_err *err);
/* Batches in the actor's scope, newest first. */
sy_status batch_list(db *d, const struct principal *actor, json_t **out, sy_err *err);
/* Settings, status, the policy table, candidates (inputs, eligibility and the reasons for those not
 * eligible), posts, objections and versions. */
sy_status batch_get(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* Draw everyone of the batch's region discharged in its window whose exit mode is 安排工作
 * ("placed") and who is not in the batch yet; *added how many. Draft only. */
sy_status batch_draw(db *d, const struct principal *actor, int64_t id, int *added, sy_err *err);
/* Add one person of the region (their latest service record discharged in the window). */
sy_status batch_add_candidate(db *d, const struct principal *actor, int64_t id, int64_t person_id,
			      int64_t *cid, sy_err *err);
/*
 * Change a candidate's inputs: members of changes replace those of the stored inputs (the export's
 * candidate form: education, honour, deductions, awards, …; see docs/placement.md). In draft; after
 * publication only with a reason (the correction an objection asked for), which a new version
 * then publishes.
 */
sy_status batch_candidate_update(db *d, const struct principal *actor, int64_t id, int64_t cid,
				 const json_t *changes, const char *reason, sy_err *err);

struct post_input {
	int64_t employer_org_id;    /* 0: none (the employer is named in text) */
	const char *employer, *title;
	int places;                 /* 1..10000 */
	const char *min_education;  /* none … postgrad */
};
/* Draft only (publishing freezes the posts). */
sy_status batch_add_post(db *d, const struct principal *actor, int64_t id, const struct post_input *in,
			 int64_t *pid, sy_err *err);

/* The score list as computed now: ranked with breakdowns, the not-eligible with reasons, digests.
 * SY_ECONFLICT "policy_value_unset" naming every unset item the scoring needs. */
sy_status batch_scores(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* Publish (公示) the score and post lists: a new version when they differ from the latest one
 * (*out: the version; "unchanged": true when nothing differed and no version was made). */
sy_status batch_publish(db *d, const struct principal *actor, int64_t id, const char *reason, json_t **out,
			sy_err *err);
/* Versions with digests; each after the first with the candidates whose score or rank changed. */
sy_status batch_versions(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* An objection to the latest version, within its window: by staff on behalf of the candidate, or
 * by the candidate person themselves. */
sy_status batch_object(db *d, const struct principal *actor, int64_t id, int64_t cid, const char *text,
		       int64_t *oid, sy_err *err);
/* outcome: upheld | rejected, with a note. */
sy_status batch_decide(db *d, const struct principal *actor, int64_t id, int64_t oid, const char *outcome,
		       const char *note, sy_err *err);

/* Ranked preferences (post numbers, best first) of one candidate; a preferences batch, published. */
sy_status batch_prefer(db *d, const struct principal *actor, int64_t id, int64_t cid, const json_t *posts,
		       sy_err *err);

/* Live batch: published → choosing, when no objection is open and the latest version is current. */
sy_status batch_start(db *d, const struct principal *actor, int64_t id, sy_err *err);
/* Whose turn it is and the posts with places left. public: masked names only, for the projector. */
sy_status batch_session(db *d, const struct principal *actor, int64_t id, bool public_view, json_t **out,
			sy_err *err);
/* Record the current candidate's choice (post number, "none" or "absent"); candidate, when given,
 * must be the one whose turn it is. *out: the 选岗确认表 of the step. */
sy_status batch_step(db *d, const struct principal *actor, int64_t id, const char *candidate,
		     const char *choice, const char *post, json_t **out, sy_err *err);
/* The recorded steps, each with its 选岗确认表. */
sy_status batch_steps(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* Publish the result: allocate by preferences, or close a live session that is over. */
sy_status batch_close(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);
/* The published result list with its digest (staff: full names). */
sy_status batch_results(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);
/* One candidate's page: inputs, eligibility, breakdown, and the receipt once closed. */
sy_status batch_receipt(db *d, const struct principal *actor, int64_t id, int64_t cid, json_t **out,
			sy_err *err);
/* The person's own candidacies, each as batch_receipt gives it. */
sy_status placement_mine(db *d, const struct principal *actor, json_t **out, sy_err *err);
/* The export (placement.h pl_export_json) of a published batch. */
sy_status batch_export(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err);

/* Without login: published batches; one batch's latest 公示 (masked list, posts, digests, versions
 * with their changes) and, once closed, its result list and digest. */
sy_status placement_public_list(db *d, json_t **out, sy_err *err);
sy_status placement_public_get(db *d, int64_t id, json_t **out, sy_err *err);

/* The exact canonical text a digest was computed from (which: scores | posts | results; version 0:
 * the latest), so anyone can hash it again. *out malloc'd. */
sy_status placement_public_canon(db *d, int64_t id, const char *which, int version, char **out, sy_err *err);

/* The demo's batch (demo_batch.c): created, drawn from the region's veterans discharged from..to,
 * completed, ten posts, published. */
sy_status placement_demo(db *d, const struct principal *actor, int year, const char *region, const char *from,
			 const char *to, sy_err *err);

/* 张*, 王*明: the first character, then one star per character but the last of longer names. */
void placement_mask_name(const char *name, char *out, size_t cap);

#endif
