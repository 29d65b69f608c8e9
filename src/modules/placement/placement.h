/*
 * placement.h - 阳光安置: policy tables, scoring, ranking, allocation,
 * receipts, canonical digests, export and verification.
 *
 * Two halves:
 *
 *  1. Policy tables (policy.c, tables placement_policies and
 *     placement_policy_items of sql/014_placement.sql): the national scoring
 *     tables as data, each with the discharge dates it applies to. A value
 *     domain.md does not give is NULL ("unset") and only the admin sets it.
 *
 *  2. The engine (engine.c, export.c): pure C over in-memory arrays, no
 *     database, so the server, the CLI, the benchmark and `shuangyong
 *     placement verify` run the very same code. A batch is
 *        struct pl_rates      the compiled policy table
 *        struct pl_candidate  [n] the scoring inputs of each candidate
 *        struct pl_post       [m] the posts with places and requirements
 *        preferences          optional, per candidate, post indices best first
 *     and the steps are
 *        pl_score_all   eligibility + score with a line-by-line breakdown
 *        pl_rank        order by (placed-first, score, tie-break chain)
 *        pl_allocate    serial dictatorship from preferences, or
 *        pl_session_*   the live session, one recorded choice at a time
 *        pl_receipt     what one candidate can check about their turn
 *        pl_canon_*     canonical text forms and their SHA-256 digests.
 *
 * Points are integers in thousandths of a point ("millipoints", PL_MILLI).
 * Why not double: the published digest covers the scores, so every machine
 * must produce the same bytes; binary floating point cannot represent 0.5
 * steps times 1.5 sums exactly in every order, and a verifier on another
 * compiler or CPU could print 37.999999 where we printed 38. All table
 * values have at most two decimals and years count in half years, so every
 * product below is an exact integer number of millipoints (see engine.c).
 */
#ifndef SY_PLACEMENT_H
#define SY_PLACEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/scope.h"
#include "lib/crypto.h"
#include "lib/status.h"

#define PL_MILLI 1000          /* millipoints per point; also thousandths of a quantity */
#define PL_ID_MAX 40           /* a candidate or post id: the batch's own number, published */
#define PL_CODE_MAX 40         /* a policy item code such as "award.peacetime.merit2" */

/* ---------------------------------------------------------------------------
 * Policy items the engine knows. A table holds a subset of them (the 2018
 * table has no rank items, the 2023 table has them); the code strings are the
 * item codes stored in placement_policy_items.code.
 * ------------------------------------------------------------------------- */
enum pl_item {
	PL_YEARS_THRESHOLD,      /* "years.threshold": years at the first rate (2018: 12) */
	PL_YEARS_FIRST,          /* "years.first": points per year up to the threshold (2018: 3) */
	PL_YEARS_BEYOND,         /* "years.beyond": points per year beyond it (2018: 4) */
	PL_YEARS_EXACT6,         /* "years.exact_6_months": years that a remainder of exactly six
	                            months counts as (0.5 or 1); unset: domain.md does not say */
	/* Awards: context x level. */
	PL_AWARD_FIRST_,
	PL_AWARD_LAST_ = PL_AWARD_FIRST_ + 3 * 4 - 1,
	PL_COMMEND_CMC,          /* "commendation.cmc": 中央军委 commendation (20) */
	PL_COMMEND_CMC_DEPT,     /* "commendation.cmc_dept": 军委机关部门 army-wide (10) */
	/* Disability at discharge: cause x grade 5..10. */
	PL_DISAB_FIRST_,
	PL_DISAB_LAST_ = PL_DISAB_FIRST_ + 2 * 6 - 1,
	PL_HARDSHIP_PER_YEAR,    /* "hardship.per_year": per year served in a hardship area */
	/* Deductions: points subtracted per occurrence. */
	PL_DEDUCT_FIRST_,
	PL_DEDUCT_LAST_ = PL_DEDUCT_FIRST_ + 5 - 1,
	/* 2023: rank score (军衔分) per rank at discharge. */
	PL_RANK_FIRST_,
	PL_RANK_LAST_ = PL_RANK_FIRST_ + 8 - 1,
	PL_SPECIAL_POST_PER_YEAR, /* "special_post.per_year": per year in a special post (2023) */
	PL_ITEM_COUNT
};

enum pl_award_context { PL_PEACETIME, PL_WARTIME, PL_NONWAR, PL_CONTEXT_COUNT };
/* 嘉奖, 三等功, 二等功, 一等功 */
enum pl_award_level { PL_JIAJIANG, PL_MERIT3, PL_MERIT2, PL_MERIT1, PL_LEVEL_COUNT };
enum pl_disab_cause { PL_DISAB_NONE, PL_DISAB_COMBAT /* 因战 */, PL_DISAB_DUTY /* 因公 */,
		      PL_DISAB_ILLNESS /* 因病: not scored */ };
/* 警告, 严重警告, 记过, 记大过, 弄虚作假 (falsified records) */
enum pl_deduction { PL_DED_WARNING, PL_DED_SERIOUS_WARNING, PL_DED_DEMERIT,
		    PL_DED_SERIOUS_DEMERIT, PL_DED_FALSIFIED, PL_DED_COUNT };
/* Rank at discharge: 义务兵, 下士, 中士, 上士, 四级/三级/二级/一级军士长. */
enum pl_rank { PL_RANK_CONSCRIPT, PL_RANK_CORPORAL, PL_RANK_SERGEANT, PL_RANK_STAFF_SERGEANT,
	       PL_RANK_MSG4, PL_RANK_MSG3, PL_RANK_MSG2, PL_RANK_MSG1, PL_RANK_COUNT,
	       PL_RANK_UNKNOWN = -1 };

static inline int pl_award_item(enum pl_award_context c, enum pl_award_level l)
{
	return PL_AWARD_FIRST_ + (int)c * PL_LEVEL_COUNT + (int)l;
}
/* grade 5..10; cause PL_DISAB_COMBAT or PL_DISAB_DUTY. */
static inline int pl_disab_item(enum pl_disab_cause c, int grade)
{
	return PL_DISAB_FIRST_ + (c == PL_DISAB_DUTY ? 6 : 0) + (grade - 5);
}

/* The item's code ("years.first"), -1 from pl_item_by_code when unknown. */
const char *pl_item_code(int item);
int pl_item_by_code(const char *code);

/* Units of a policy item: how its value multiplies. */
enum pl_unit { PL_UNIT_PER_YEAR, PL_UNIT_PER_AWARD, PL_UNIT_FIXED, PL_UNIT_PER_OCCURRENCE,
	       PL_UNIT_YEARS, PL_UNIT_YEAR_FRACTION, PL_UNIT_COUNT };
const char *pl_unit_name(enum pl_unit u); /* "per_year", … as stored */

/*
 * A policy table compiled for the engine: for each item whether the table has
 * it and, if so, its value (millipoints; years for PL_YEARS_THRESHOLD and
 * PL_YEARS_EXACT6, in thousandths). Build with pl_rates_init + pl_rates_set,
 * or from the database with policy_load.
 */
struct pl_rates {
	char code[PL_CODE_MAX];     /* the table's code, "2018" */
	bool present[PL_ITEM_COUNT];
	bool set[PL_ITEM_COUNT];
	int64_t value[PL_ITEM_COUNT];
};
void pl_rates_init(struct pl_rates *r, const char *code);
/* Mark item present with a value (set = true) or unset (set = false). */
void pl_rates_put(struct pl_rates *r, int item, bool set, int64_t value_milli);

/*
 * Parse a decimal "12", "0.5", "-3" (at most `max_decimals` digits after the
 * point) into thousandths; false when malformed or out of range. Used for
 * every value the admin types and every value an export carries.
 */
bool pl_parse_milli(const char *s, int max_decimals, int64_t *out);
/* Format thousandths as "38.000" (always three decimals: the canonical form); returns the length. */
int pl_format_milli(int64_t v, char out[32]);

/* ---------------------------------------------------------------------------
 * Policy tables in the database (policy.c)
 * ------------------------------------------------------------------------- */
struct pl_policy_item {
	char code[PL_CODE_MAX];
	char group[24];        /* years, award_peacetime, award_wartime, award_nonwar, commendation,
	                          disability_combat, disability_duty, hardship, deduction, rank,
	                          special_post */
	char label_zh[96], label_en[96];
	char unit[24];         /* pl_unit_name() */
	bool set;
	int64_t value_milli;   /* meaningful when set */
	char updated_by[64];
	char updated_at[24];
};

struct pl_policy {
	int64_t id;
	char code[PL_CODE_MAX];
	char name_zh[128], name_en[128];
	char effective_from[11]; /* discharge dates it applies to, "" = open */
	char effective_to[11];
	int nitems;
	struct pl_policy_item *items; /* owned: free with policy_free */
	int nunset;
};
void policy_free(struct pl_policy *p);

/* One table with its items (in display order). SY_ENOTFOUND "policy_not_found". */
sy_status policy_get(db *d, const char *code, struct pl_policy *out, sy_err *err);
/* Every table without items, newest first: JSON array of {code,name_zh,name_en,
 * effective_from,effective_to,items,unset}. Any staff role may read. */
sy_status policy_list(db *d, json_t **out, sy_err *err);
/* The table with its items as JSON (for routes and exports). */
json_t *policy_to_json(const struct pl_policy *p);
/* The table in force for a discharge date "YYYY-MM-DD": the one whose range holds
 * the date (the latest start when ranges overlap). SY_ENOTFOUND "no_policy_for_date". */
sy_status policy_for_discharge(db *d, const char *date, struct pl_policy *out, sy_err *err);
/*
 * Set (value "12.5") or clear (value NULL) one item. Admin only
 * (SY_EFORBIDDEN). Validated: a decimal with at most two decimals; not
 * negative (deductions are stored as the points subtracted); YEARS a whole
 * number 1..50; YEAR_FRACTION 0.5 or 1; points at most 1000. Audited with the
 * value before and after ("placement.policy_item"), in one transaction.
 */
sy_status policy_set_item(db *d, const struct principal *actor, const char *policy_code,
			  const char *item_code, const char *value, sy_err *err);
/* Compile a loaded table for the engine. SY_EINVAL "unknown_policy_item" for an
 * item code the engine does not know (a table edited outside the platform). */
sy_status policy_compile(const struct pl_policy *p, struct pl_rates *out, sy_err *err);

/* ---------------------------------------------------------------------------
 * Candidates and posts (the engine's inputs)
 * ------------------------------------------------------------------------- */
/* Education levels, lowest first; a post's min_education compares against them. */
enum pl_education { PL_EDU_NONE, PL_EDU_JUNIOR, PL_EDU_SENIOR /* 高中/中专 */,
		    PL_EDU_COLLEGE /* 大专 */, PL_EDU_BACHELOR, PL_EDU_POSTGRAD, PL_EDU_COUNT };
const char *pl_education_name(int e); /* "none","junior","senior","college","bachelor","postgrad" */
int pl_education_by_name(const char *s); /* -1 when unknown */

enum pl_honour { PL_HONOUR_NONE, PL_HONOUR_BAYI /* 八一勋章 */, PL_HONOUR_TITLE /* 荣誉称号 */ };

struct pl_candidate {
	char id[PL_ID_MAX];   /* the batch's candidate number: published, the final tie-break key */
	int32_t birth;        /* dates as YYYYMMDD integers */
	int32_t enlisted;     /* enlistment approval date */
	int32_t discharged;   /* discharge order date */
	bool sergeant;        /* 士官 (else 义务兵) */
	bool martyr_child;    /* 烈士子女 */
	uint8_t honour;       /* enum pl_honour */
	uint8_t education;    /* enum pl_education */
	uint8_t disab_cause;  /* enum pl_disab_cause */
	uint8_t disab_grade;  /* 1..10, 0 when none */
	int8_t rank;          /* enum pl_rank, PL_RANK_UNKNOWN when not given */
	uint16_t awards[PL_CONTEXT_COUNT][PL_LEVEL_COUNT];
	uint16_t commend_cmc, commend_cmc_dept;
	uint16_t hardship_years, special_post_years;
	uint16_t deductions[PL_DED_COUNT];
};

struct pl_post {
	char id[PL_ID_MAX];
	char employer[96], title[96];
	int32_t places;
	uint8_t min_education; /* enum pl_education */
};

/* true when candidate c meets post p's requirements. */
bool pl_post_accepts(const struct pl_post *p, const struct pl_candidate *c);

/* Service length: whole months and the days left over. */
void pl_service_length(const struct pl_candidate *c, int32_t *months, int32_t *days);

/* ---------------------------------------------------------------------------
 * Eligibility and scores
 * ------------------------------------------------------------------------- */
/* Why someone is placed: bits of the criteria met (domain.md: who is scored). */
enum pl_criterion {
	PL_CRIT_SERGEANT_12Y = 1 << 0,   /* 士官, 12+ years of service */
	PL_CRIT_AWARD = 1 << 1,          /* 平时二等功+ or 战时三等功+ */
	PL_CRIT_COMBAT_DISABLED = 1 << 2, /* 因战致残 grades 5–8 */
	PL_CRIT_MARTYR_CHILD = 1 << 3,   /* 烈士子女 */
	PL_CRIT_HONOUR = 1 << 4,         /* 八一勋章 or honorary title: placed first, not scored */
};
/* The criteria c meets (0: not eligible). */
unsigned pl_eligibility(const struct pl_candidate *c);
/* A Chinese and English sentence saying why c is not eligible (every criterion and
 * what c has instead); empty when eligible. */
void pl_ineligible_reason(const struct pl_candidate *c, char *zh, size_t zhcap, char *en,
			  size_t encap);

enum pl_status { PL_NOT_ELIGIBLE, PL_FIRST /* honour: placed first */, PL_SCORED };

/* One line of a breakdown: the veteran checks quantity x per_unit = points against the table. */
struct pl_line {
	int16_t item;          /* enum pl_item */
	int32_t quantity;      /* thousandths (12.5 years = 12500; 2 awards = 2000); counts ≤ 1000 */
	int32_t per_unit;      /* millipoints per unit, as in the table (≤ 1000 points; negative for deductions) */
	int64_t points;        /* millipoints = quantity * per_unit / 1000, exact */
};

/* The most lines one candidate can have: 2 years + rank + 12 awards + 2 commendations +
 * disability + hardship + special post + 5 deductions = 25. */
#define PL_MAX_LINES 28
struct pl_score {
	uint8_t status;        /* enum pl_status */
	unsigned criteria;     /* pl_eligibility() */
	int64_t total;         /* millipoints; 0 unless PL_SCORED */
	int32_t service_days;  /* for the tie-break chain */
	int nlines;
	struct pl_line lines[PL_MAX_LINES];
};

/* Items a scoring needed that are unset (or absent from the table). */
struct pl_missing {
	bool unset[PL_ITEM_COUNT];
	bool absent[PL_ITEM_COUNT];
	int nunset, nabsent;
};

/*
 * Score one candidate. A not-eligible or placed-first candidate gets no
 * lines. Items the candidate needs that the table lacks or leaves unset are
 * added to *miss (when not NULL) and make it fail with SY_EINVAL
 * "policy_value_unset" naming them.
 */
sy_status pl_score(const struct pl_rates *r, const struct pl_candidate *c, struct pl_score *out,
		   struct pl_missing *miss, sy_err *err);
/*
 * Score every candidate (out: n entries). Fails without partial results
 * when any needed value is unset: SY_EINVAL "policy_value_unset", the message
 * naming every unset item code (all of them are in *miss), or
 * "policy_item_absent" when an input needs an item the table does not have.
 */
sy_status pl_score_all(const struct pl_rates *r, const struct pl_candidate *c, int n,
		       struct pl_score *out, struct pl_missing *miss, sy_err *err);

/* ---------------------------------------------------------------------------
 * Ranking
 * ------------------------------------------------------------------------- */
/* Tie-break rules, applied in order after placed-first and score. */
enum pl_tiebreak { PL_TB_SERVICE_LONGER, PL_TB_OLDER, PL_TB_ID, PL_TB_COUNT,
		   PL_TB_NONE = -1 /* not a tie: the score (or placed-first) decided */ };
const char *pl_tiebreak_name(int tb); /* "service_longer", "older", "id" */
int pl_tiebreak_by_name(const char *s);

#define PL_MAX_TIEBREAK 4
struct pl_chain {
	int n;
	int8_t rule[PL_MAX_TIEBREAK]; /* the chain; "id" is always applied last even when not listed,
	                                 so the order is total and the same on every machine */
};
/* Default: longer service first, then older first, then the candidate id. */
void pl_chain_default(struct pl_chain *ch);

struct pl_ranking {
	int n;                 /* eligible candidates ranked */
	int32_t *order;        /* candidate index by rank (rank 1 = order[0]) */
	int32_t *rank_of;      /* per candidate: rank 1..n, 0 when not eligible */
	int8_t *tie_rule;      /* per rank position: the rule that put order[i] after order[i-1]
	                          when their scores were equal; PL_TB_NONE otherwise */
};
/* Rank the eligible: placed-first holders first, then score descending, then the chain. */
sy_status pl_rank(const struct pl_candidate *c, const struct pl_score *s, int n,
		  const struct pl_chain *ch, struct pl_ranking *out, sy_err *err);
void pl_ranking_free(struct pl_ranking *r);

/* ---------------------------------------------------------------------------
 * Allocation: preferences (serial dictatorship) and the live session
 * ------------------------------------------------------------------------- */
enum pl_outcome { PL_OUT_NONE /* not eligible or not reached */, PL_OUT_PLACED,
		  PL_OUT_NO_CHOICE /* no acceptable post open, or declined */,
		  PL_OUT_ABSENT /* absent and forfeited the turn */ };
const char *pl_outcome_name(int o); /* "none","placed","no_choice","absent" */

/* What happens when a candidate is absent at their turn. */
enum pl_absence { PL_ABSENCE_FORFEIT, PL_ABSENCE_SKIP_TO_END };
const char *pl_absence_name(int a); /* "forfeit", "skip_to_end" */
int pl_absence_by_name(const char *s);

struct pl_result {
	uint8_t outcome;  /* enum pl_outcome */
	int32_t post;     /* post index when placed, else -1 */
	int32_t turn;     /* 0-based position of the turn that settled it, -1 when none */
};

/* Preferences: candidate i ranks posts pref[off[i]] .. pref[off[i+1]-1], best first. */
struct pl_prefs {
	const int32_t *off;   /* n + 1 offsets */
	const int32_t *pref;  /* post indices */
};

/* The choice recorded at one turn of the live session. */
enum pl_choice_kind { PL_CHOOSE_POST, PL_CHOOSE_NONE /* declines / nothing acceptable */,
		      PL_CHOOSE_ABSENT };
struct pl_choice {
	uint8_t kind;
	int32_t post;     /* for PL_CHOOSE_POST */
};

/*
 * A live session: the candidates in rank order, one turn at a time. The
 * projector shows pl_session_current() and the posts with places left; the
 * officer records the choice with pl_session_step. An absent candidate
 * forfeits (PL_ABSENCE_FORFEIT) or is moved once to the end of the queue
 * (PL_ABSENCE_SKIP_TO_END; absent again there, they forfeit).
 */
struct pl_session {
	const struct pl_candidate *c;
	const struct pl_post *posts;
	int nposts;
	int absence;          /* enum pl_absence */
	int32_t *queue;       /* candidate indices still to be called, capacity 2n */
	int qhead, qtail;
	uint8_t *deferred;    /* per candidate: already moved to the end once */
	int32_t *left;        /* places left per post */
	struct pl_result *res; /* per candidate (owned by the caller, n entries) */
	int turn;
};
/* res: n entries, filled as the session goes. */
sy_status pl_session_init(struct pl_session *s, const struct pl_candidate *c, int n,
			  const struct pl_ranking *rk, const struct pl_post *posts, int nposts,
			  int absence, struct pl_result *res, sy_err *err);
/* The candidate whose turn it is, -1 when the session is over. */
int pl_session_current(const struct pl_session *s);
/* Record the current candidate's choice. SY_ECONFLICT "post_full" for a post with
 * no place left, SY_EINVAL "post_not_acceptable" when the candidate does not meet its
 * requirements, "session_over"; nothing changes on an error. */
sy_status pl_session_step(struct pl_session *s, const struct pl_choice *ch, sy_err *err);
void pl_session_free(struct pl_session *s);

/* The choice a candidate with these preferences makes given what is open:
 * their best open acceptable post, or none. */
struct pl_choice pl_choice_from_prefs(const struct pl_session *s, const struct pl_prefs *p, int cand);

/* Serial dictatorship: each ranked candidate in rank order gets their best open
 * acceptable preference (res: n entries). Runs the live session's own steps, so
 * both ways give the same result for the same choices. */
sy_status pl_allocate(const struct pl_candidate *c, int n, const struct pl_ranking *rk,
		      const struct pl_post *posts, int nposts, const struct pl_prefs *p,
		      struct pl_result *res, sy_err *err);

/* ---------------------------------------------------------------------------
 * Receipts
 * ------------------------------------------------------------------------- */
struct pl_receipt_pref {
	int32_t post;      /* a post the candidate ranked above what they got */
	int32_t taken_by;  /* rank of the person who took its last place before this turn */
};
struct pl_receipt {
	int32_t rank;
	int32_t turn;
	int outcome;
	int32_t post;           /* what they got, -1 when nothing */
	int nopen;
	int32_t *open;          /* posts with a place left when their turn came (ascending index) */
	int nhigher;
	struct pl_receipt_pref *higher; /* preferences mode only: the posts ranked higher */
};
/* Receipt of candidate `cand`; p may be NULL (live session). Free with pl_receipt_free. */
sy_status pl_receipt(const struct pl_ranking *rk, const struct pl_post *posts, int nposts,
		     const struct pl_result *res, int n, const struct pl_prefs *p, int cand,
		     struct pl_receipt *out, sy_err *err);
void pl_receipt_free(struct pl_receipt *r);

/* ---------------------------------------------------------------------------
 * Canonical forms and digests (documented in docs/placement.md)
 *
 *   scores v1\n
 *   <rank>\t<candidate id>\t<first|scored>\t<total 0.000>\t<item>=<qty>x<per unit>=<points>;…\n
 *   posts v1\n
 *   <post id>\t<places>\t<min education>\t<employer>\t<title>\n   (in input order)
 *   results v1\n
 *   <rank>\t<candidate id>\t<outcome>\t<post id or ->\t<turn>\n  (in rank order)
 *
 * UTF-8, LF line ends; a backslash, TAB, CR or LF inside a text field is
 * written as \\, \t, \r, \n. The digest is the lowercase hex SHA-256 of the
 * bytes (libsodium crypto_hash_sha256).
 * ------------------------------------------------------------------------- */
struct strbuf;
bool pl_canon_scores(struct strbuf *sb, const struct pl_candidate *c, const struct pl_score *s,
		     const struct pl_ranking *rk);
bool pl_canon_posts(struct strbuf *sb, const struct pl_post *posts, int nposts);
bool pl_canon_results(struct strbuf *sb, const struct pl_candidate *c, const struct pl_ranking *rk,
		      const struct pl_post *posts, const struct pl_result *res);

struct pl_digests {
	char scores[CRYPTO_SHA256_HEX], posts[CRYPTO_SHA256_HEX], results[CRYPTO_SHA256_HEX];
};
sy_status pl_digests(const struct pl_candidate *c, const struct pl_score *s,
		     const struct pl_ranking *rk, const struct pl_post *posts, int nposts,
		     const struct pl_result *res, struct pl_digests *out, sy_err *err);

/* ---------------------------------------------------------------------------
 * A whole batch in memory, its export and its verification (export.c)
 * ------------------------------------------------------------------------- */
enum pl_mode { PL_MODE_PREFERENCES, PL_MODE_LIVE };

struct pl_batch {
	char name[128];
	struct pl_rates rates;
	struct pl_chain chain;
	int mode;                     /* enum pl_mode */
	int absence;                  /* enum pl_absence (live mode) */
	int n, nposts;
	struct pl_candidate *cand;    /* owned */
	struct pl_post *posts;        /* owned */
	int32_t *pref_off, *pref;     /* preferences mode: owned, n + 1 offsets */
	int nchoices;
	int32_t *choice_cand;         /* live mode: the recorded steps, in order (owned) */
	struct pl_choice *choice;
	/* Computed by pl_batch_run: */
	struct pl_score *scores;
	struct pl_ranking rk;
	struct pl_result *res;
	struct pl_digests dg;
};
void pl_batch_free(struct pl_batch *b);
/* Score, rank, allocate (or replay the live steps) and digest. */
sy_status pl_batch_run(struct pl_batch *b, sy_err *err);
/* Only score and rank (the score list a 公示 publishes); b->res is zeroed. */
sy_status pl_batch_score(struct pl_batch *b, sy_err *err);
/* After pl_batch_score: a live session with b's recorded steps replayed, left open so the
 * caller can show whose turn it is and record the next step (free with pl_session_free).
 * The same replay pl_batch_run and pl_verify use. */
sy_status pl_batch_session(struct pl_batch *b, struct pl_session *s, sy_err *err);
/* One candidate's inputs in the export's form, and back (SY_EINVAL naming the field). */
json_t *pl_candidate_json(const struct pl_candidate *c);
sy_status pl_candidate_parse(const json_t *j, struct pl_candidate *c, sy_err *err);
/* The export's score entry of rank position i (rank, id, status, total, tie_rule, lines). */
json_t *pl_score_json(const struct pl_batch *b, int rankpos);

/*
 * The export (format "shuangyong-placement-export/1"): the batch's inputs
 * per candidate, the policy table's values, the tie-break chain, the posts,
 * the preferences or the live steps, and what pl_batch_run computed (scores
 * with breakdowns, ranks, results) and the three digests. See docs/placement.md.
 */
json_t *pl_export_json(const struct pl_batch *b);
/* Read an export's inputs into b (nothing computed yet). SY_EINVAL naming the field. */
sy_status pl_import_json(const json_t *j, struct pl_batch *b, sy_err *err);

/*
 * Recompute an export from its inputs and compare with what it states:
 * every candidate's score and rank, every result, then the digests. SY_OK
 * with *same = true and the digests in *dg when all agree; otherwise *same =
 * false and `diff` names the first difference (which candidate's score,
 * which choice). SY_EINVAL when the export cannot be read at all.
 */
sy_status pl_verify(const json_t *export_json, bool *same, char *diff, size_t diffcap,
		    struct pl_digests *dg, sy_err *err);

#endif
