/* internal.h - what batches.c and publish.c share: a batch read into the engine's form. */
#ifndef SY_PLACEMENT_INTERNAL_H
#define SY_PLACEMENT_INTERNAL_H

#include "batches.h"
#include "placement.h"

/* The placement_batches row. */
struct pl_row {
	int64_t id;
	int year, publicity_days, objection_days, version;
	char region[REGION_CODE_MAX], region_name[64], name[128], mode[16], absence[16], tie_break[80];
	char from[11], to[11], status[16], policy[PL_CODE_MAX];
	char published_at[24], objection_until[24], publicity_until[24], closed_at[24];
	char results_digest[CRYPTO_SHA256_HEX];
};

/* A batch read into the engine: b's candidate i is row cand_ids[i], its post p is post_ids[p]. */
struct pl_loaded {
	struct pl_row row;
	json_t *doc;             /* the export's input form it was read from */
	struct pl_batch b;
	int n, nposts, nsteps;
	int64_t *cand_ids, *person_ids, *post_ids, *post_orgs;
	char (*names)[64];
};

sy_status pl_oom(sy_err *err);
bool pl_is_staff_writer(const struct principal *a);
sy_status pl_row_load(db *d, int64_t id, struct pl_row *w, sy_err *err);
/* The row when the actor (staff) may read it, or change it (write). */
sy_status pl_row_access(db *d, const struct principal *actor, int64_t id, bool write, struct pl_row *w,
			sy_err *err);
sy_status pl_require_status(const struct pl_row *w, const char *status, sy_err *err);
/* One audit row about the batch; steals detail (NULL: out of memory). */
sy_status pl_audit(db *d, const struct principal *actor, const struct pl_row *w, const char *action,
		   json_t *detail, sy_err *err);
/* actor NULL: no access check (the public pages, which show only published data). */
sy_status pl_load(db *d, const struct principal *actor, int64_t id, bool write, struct pl_loaded *L, sy_err *err);
void pl_loaded_free(struct pl_loaded *L);
sy_status pl_score_loaded(struct pl_loaded *L, sy_err *err);
int pl_cand_index(const struct pl_loaded *L, int64_t cid);
int pl_post_index(const struct pl_loaded *L, const char *number);
/* "service_longer,older" ⇄ a chain. */
sy_status pl_chain_parse(const char *text, struct pl_chain *ch, sy_err *err);
void pl_chain_text(const struct pl_chain *ch, char *out, size_t cap);
/* The masked score list {rank, number, name, total, status, tie_rule} of a scored batch. */
json_t *pl_public_scores(const struct pl_loaded *L);
json_t *pl_posts_json(const struct pl_loaded *L);
json_t *pl_row_json(const struct pl_row *w);

#endif
