/*
 * publish.c - 阳光安置 batches after scoring: 公示 versions and their
 * differences, objections, preferences, the live session with its 选岗确认表,
 * the result, receipts, the export and the public pages (see batches.h).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/strbuf.h"
#include "lib/timeutil.h"

static const char SQL_VERSION_DIGESTS[] =
	"SELECT scores_digest, posts_digest FROM placement_versions WHERE batch_id = $1 AND version = $2";
static const char SQL_VERSION_INSERT[] =
	"INSERT INTO placement_versions (batch_id, version, scores_canon, posts_canon, scores_digest, posts_digest,"
	" public_json, reason, published_by, published_at, objection_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
	" $9, $10, $11)";
static const char SQL_BATCH_PUBLISHED[] =
	"UPDATE placement_batches SET status = 'published', policy_code = $2, published_at = $3, objection_until = $4,"
	" publicity_until = $5, updated_at = $3 WHERE id = $1";
static const char SQL_VERSIONS[] =
	"SELECT version, scores_digest, posts_digest, published_by, published_at, reason, objection_until, public_json"
	" FROM placement_versions WHERE batch_id = $1 ORDER BY version";
static const char SQL_CANDIDATE_PERSON[] =
	"SELECT person_id, number FROM placement_candidates WHERE batch_id = $1 AND id = $2";
static const char SQL_OBJECTION_INSERT[] =
	"INSERT INTO placement_objections (batch_id, candidate_id, version, text, filed_by, by_candidate, status,"
	" created_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id";
static const char SQL_OBJECTION_STATUS[] = "SELECT status FROM placement_objections WHERE batch_id = $1 AND id = $2";
static const char SQL_OBJECTION_DECIDE[] =
	"UPDATE placement_objections SET status = $2, outcome = $3, decided_by = $4, decided_at = $5 WHERE id = $1";
static const char SQL_OBJECTIONS_OPEN[] =
	"SELECT COUNT(*) FROM placement_objections WHERE batch_id = $1 AND status = 'open'";
static const char SQL_PREFS_SET[] = "UPDATE placement_candidates SET preferences = $2, updated_at = $3 WHERE id = $1";
static const char SQL_BATCH_STATUS[] = "UPDATE placement_batches SET status = $2, updated_at = $3 WHERE id = $1";
static const char SQL_STEP_INSERT[] =
	"INSERT INTO placement_steps (batch_id, seq, candidate_id, choice, post_id, recorded_by, recorded_at)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_STEP_ROWS[] =
	"SELECT seq, recorded_by, recorded_at FROM placement_steps WHERE batch_id = $1 ORDER BY seq";
static const char SQL_BATCH_CLOSE[] =
	"UPDATE placement_batches SET status = 'closed', results_canon = $2, results_digest = $3, results_json = $4,"
	" closed_at = $5, updated_at = $5 WHERE id = $1";
static const char SQL_RESULTS_JSON[] = "SELECT results_json FROM placement_batches WHERE id = $1";
static const char SQL_MY_CANDIDACIES[] =
	"SELECT batch_id, id FROM placement_candidates WHERE person_id = $1 ORDER BY batch_id DESC, id";
static const char SQL_VERSION_CANON[] =
	"SELECT v.scores_canon, v.posts_canon FROM placement_versions v JOIN placement_batches b ON b.id = v.batch_id"
	" WHERE v.batch_id = $1 AND v.version = COALESCE(CAST($2 AS BIGINT), (SELECT MAX(version) FROM placement_versions"
	" WHERE batch_id = $1))";
static const char SQL_RESULTS_CANON[] =
	"SELECT results_canon FROM placement_batches WHERE id = $1 AND status = 'closed'";
static const char SQL_PUBLIC_LIST[] =
	"SELECT b.id, b.year, b.region_code, b.name, b.status, b.published_at, b.closed_at,"
	" (SELECT name FROM regions r WHERE r.code = b.region_code)"
	" FROM placement_batches b WHERE b.status <> 'draft' ORDER BY b.year DESC, b.id DESC";

static sy_status canon_text(bool (*fn)(strbuf *, const struct pl_loaded *), const struct pl_loaded *L, char **out,
			    char digest[CRYPTO_SHA256_HEX], sy_err *err)
{
	strbuf sb;
	sb_init(&sb);
	if (!fn(&sb, L) || sb.oom) {
		sb_free(&sb);
		return pl_oom(err);
	}
	crypto_sha256_hex(sb.buf ? sb.buf : "", sb.len, digest);
	*out = sb_steal(&sb);
	return *out ? SY_OK : pl_oom(err);
}

static bool canon_scores(strbuf *sb, const struct pl_loaded *L)
{
	return pl_canon_scores(sb, L->b.cand, L->b.scores, &L->b.rk);
}

static bool canon_posts(strbuf *sb, const struct pl_loaded *L)
{
	return pl_canon_posts(sb, L->b.posts, L->b.nposts);
}

static bool canon_results(strbuf *sb, const struct pl_loaded *L)
{
	return pl_canon_results(sb, L->b.cand, &L->b.rk, L->b.posts, L->b.res);
}

static void iso_after_days(int days, char out[TIME_ISO_LEN])
{
	time_iso(time(NULL) + (time_t)days * 86400, out);
}

/* The latest version's digests ("" when never published). */
static sy_status latest_digests(db *d, const struct pl_row *w, char scores[CRYPTO_SHA256_HEX],
				char posts[CRYPTO_SHA256_HEX], sy_err *err)
{
	db_rows *r = NULL;
	scores[0] = posts[0] = 0;
	sy_status st = db_query(d, SQL_VERSION_DIGESTS, DB_ARGS(DB_I(w->id), DB_I(w->version)), &r, err);
	if (!st && db_next(r)) {
		snprintf(scores, CRYPTO_SHA256_HEX, "%s", db_text(r, 0));
		snprintf(posts, CRYPTO_SHA256_HEX, "%s", db_text(r, 1));
	}
	db_rows_free(r);
	return st;
}

/* The score and post lists as computed now must be the ones last published. */
static sy_status require_current(db *d, struct pl_loaded *L, sy_err *err)
{
	char s[CRYPTO_SHA256_HEX], p[CRYPTO_SHA256_HEX];
	struct pl_digests now;
	sy_status st = latest_digests(d, &L->row, s, p, err);
	if (!st)
		st = pl_digests(L->b.cand, L->b.scores, &L->b.rk, L->b.posts, L->b.nposts, L->b.res, &now, err);
	if (!st && (strcmp(s, now.scores) || strcmp(p, now.posts)))
		st = sy_failf(err, SY_ECONFLICT, "unpublished_changes", "version",
			      "考生信息在公示后有修改，须先发布新的公示版本", "inputs changed since the last publication: publish a new version first");
	return st;
}

static sy_status require_no_open_objection(db *d, const struct pl_row *w, sy_err *err)
{
	int64_t n = 0;
	sy_status st = db_query_int(d, SQL_OBJECTIONS_OPEN, DB_ARGS(DB_I(w->id)), &n, err);
	if (!st && n)
		st = sy_fail(err, SY_ECONFLICT, "objections_open", "objections", "还有 %lld 件异议未处理",
			     "%lld objections are not decided yet", (long long)n, (long long)n);
	return st;
}

sy_status batch_publish(db *d, const struct principal *actor, int64_t id, const char *reason, json_t **out,
			sy_err *err)
{
	struct pl_loaded L;
	bool own = false;
	char *scanon = NULL, *pcanon = NULL, *pub = NULL, sdg[CRYPTO_SHA256_HEX], pdg[CRYPTO_SHA256_HEX];
	char ls[CRYPTO_SHA256_HEX], lp[CRYPTO_SHA256_HEX], now[TIME_ISO_LEN], until[TIME_ISO_LEN], pubend[TIME_ISO_LEN];
	sy_status st;
	if (reason && strlen(reason) > 500)
		return sy_failf(err, SY_EINVAL, "invalid_reason", "reason", "说明不超过 500 字节", "reason: at most 500 bytes");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_load(d, actor, id, true, &L, err)))
		return db_tx_finish(d, own, st, err);
	if (strcmp(L.row.status, "draft") && strcmp(L.row.status, "published")) {
		st = pl_require_status(&L.row, "published", err);
		goto out;
	}
	if ((st = pl_score_loaded(&L, err)))
		goto out;
	if (!L.b.rk.n || !L.b.nposts) {
		st = sy_failf(err, SY_ECONFLICT, "nothing_to_publish", !L.b.rk.n ? "candidates" : "posts",
			      "须至少有一名符合条件的考生和一个岗位", "needs at least one eligible candidate and one post");
		goto out;
	}
	if ((st = canon_text(canon_scores, &L, &scanon, sdg, err)) || (st = canon_text(canon_posts, &L, &pcanon, pdg, err)) ||
	    (st = latest_digests(d, &L.row, ls, lp, err)))
		goto out;
	if (!strcmp(ls, sdg) && !strcmp(lp, pdg)) {
		*out = json_pack("{s:i, s:b, s:s, s:s}", "version", L.row.version, "unchanged", 1, "scores_digest", sdg,
				 "posts_digest", pdg);
		goto out;
	}
	json_t *pj = json_pack("{s:o, s:o}", "scores", pl_public_scores(&L), "posts", pl_posts_json(&L));
	if (pj) {
		/* the public page shows post numbers, not row ids */
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(pj, "posts"), i, p)
			json_object_del(p, "id");
	}
	pub = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
	json_decref(pj);
	if (!pub) {
		st = pl_oom(err);
		goto out;
	}
	int version = L.row.version + 1;
	time_now_iso(now);
	iso_after_days(L.row.objection_days, until);
	iso_after_days(L.row.publicity_days, pubend);
	if ((st = db_execp(d, SQL_VERSION_INSERT,
			   DB_ARGS(DB_I(id), DB_I(version), DB_T(scanon), DB_T(pcanon), DB_T(sdg), DB_T(pdg), DB_T(pub),
				   DB_T(reason), DB_T(actor->name), DB_T(now), DB_T(until)),
			   NULL, err)) ||
	    (st = db_execp(d, SQL_BATCH_PUBLISHED,
			   DB_ARGS(DB_I(id), DB_T(L.b.rates.code), DB_T(now), DB_T(until), DB_T(pubend)), NULL, err)) ||
	    (st = pl_audit(d, actor, &L.row, "placement.publish",
			   json_pack("{s:i, s:s, s:s, s:s?}", "version", version, "scores_digest", sdg, "posts_digest",
				     pdg, "reason", reason),
			   err)))
		goto out;
	*out = json_pack("{s:i, s:b, s:s, s:s, s:s, s:s}", "version", version, "unchanged", 0, "scores_digest", sdg,
			 "posts_digest", pdg, "objection_until", until, "publicity_until", pubend);
out:
	free(scanon);
	free(pcanon);
	free(pub);
	pl_loaded_free(&L);
	return db_tx_finish(d, own, st, err);
}

/* ---- versions and their differences ---- */

/* Which candidates' score or rank differ between two public lists (entered, left, changed). */
static json_t *diff_lists(const json_t *before, const json_t *after)
{
	json_t *changes = json_array();
	size_t i, j;
	json_t *a, *b;
	json_array_foreach((json_t *)after, i, a) {
		const char *num = json_string_value(json_object_get(a, "number"));
		json_t *match = NULL;
		json_array_foreach((json_t *)before, j, b)
			if (!strcmp(num, json_string_value(json_object_get(b, "number")))) {
				match = b;
				break;
			}
		if (match && json_equal(json_object_get(a, "rank"), json_object_get(match, "rank")) &&
		    json_equal(json_object_get(a, "total"), json_object_get(match, "total")))
			continue;
		json_array_append_new(changes, json_pack("{s:s, s:O, s:o, s:{s:O, s:O}}", "number", num, "name",
							 json_object_get(a, "name"), "before",
							 match ? json_pack("{s:O, s:O}", "rank", json_object_get(match, "rank"),
									   "total", json_object_get(match, "total"))
							       : json_null(),
							 "after", "rank", json_object_get(a, "rank"), "total",
							 json_object_get(a, "total")));
	}
	json_array_foreach((json_t *)before, j, b) {
		const char *num = json_string_value(json_object_get(b, "number"));
		bool found = false;
		json_array_foreach((json_t *)after, i, a)
			found |= !strcmp(num, json_string_value(json_object_get(a, "number")));
		if (!found)
			json_array_append_new(changes, json_pack("{s:s, s:O, s:{s:O, s:O}, s:n}", "number", num, "name",
								 json_object_get(b, "name"), "before", "rank",
								 json_object_get(b, "rank"), "total", json_object_get(b, "total"),
								 "after"));
	}
	return changes;
}

/* Every version; with_lists: each with its public list and posts. */
static sy_status versions_json(db *d, int64_t id, bool with_lists, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	json_t *arr = json_array(), *prev = NULL;
	sy_status st = arr ? db_query(d, SQL_VERSIONS, DB_ARGS(DB_I(id)), &r, err) : pl_oom(err);
	while (!st && db_next(r)) {
		json_t *pub = json_loads(db_text(r, 7), 0, NULL);
		json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s}", "version", (json_int_t)db_int(r, 0),
				      "scores_digest", db_text(r, 1), "posts_digest", db_text(r, 2), "published_by",
				      db_text(r, 3), "published_at", db_text(r, 4), "reason", db_text(r, 5),
				      "objection_until", db_text(r, 6));
		if (!v || !pub) {
			json_decref(v);
			json_decref(pub);
			st = pl_oom(err);
			break;
		}
		json_object_set_new(v, "changes", prev ? diff_lists(json_object_get(prev, "scores"),
								    json_object_get(pub, "scores"))
						       : json_null());
		if (with_lists) {
			json_object_set(v, "scores", json_object_get(pub, "scores"));
			json_object_set(v, "posts", json_object_get(pub, "posts"));
		}
		json_array_append_new(arr, v);
		json_decref(prev);
		prev = pub;
	}
	json_decref(prev);
	db_rows_free(r);
	if (st)
		json_decref(arr);
	else
		*out = arr;
	return st;
}

sy_status batch_versions(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_row w;
	sy_status st = pl_row_access(d, actor, id, false, &w, err);
	return st ? st : versions_json(d, id, true, out, err);
}

/* ---- objections and preferences: staff for the candidate, or the candidate person ---- */

/* The row, the candidate's number; the actor is staff of the region (writer) or the candidate person. */
static sy_status candidate_access(db *d, const struct principal *actor, int64_t id, int64_t cid, struct pl_row *w,
				  bool *by_candidate, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = actor && actor->role == ROLE_PERSON ? pl_row_load(d, id, w, err)
							   : pl_row_access(d, actor, id, true, w, err);
	if (st || (st = db_query(d, SQL_CANDIDATE_PERSON, DB_ARGS(DB_I(id), DB_I(cid)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "candidate_not_found", "candidate_id", "考生不存在", "no such candidate");
		goto out;
	}
	*by_candidate = actor->role == ROLE_PERSON;
	if (*by_candidate && db_int(r, 0) != actor->person_id)
		st = sy_failf(err, SY_EFORBIDDEN, "forbidden", "candidate_id", "只能为本人提出", "only for yourself");
out:
	db_rows_free(r);
	return st;
}

sy_status batch_object(db *d, const struct principal *actor, int64_t id, int64_t cid, const char *text, int64_t *oid,
		       sy_err *err)
{
	struct pl_row w;
	bool own = false, mine = false;
	char now[TIME_ISO_LEN];
	sy_status st;
	if (!text || !*text || strlen(text) > 2000)
		return sy_failf(err, SY_EINVAL, "invalid_text", "text", "异议内容须为 1–2000 字节", "text must be 1–2000 bytes");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = candidate_access(d, actor, id, cid, &w, &mine, err)) || (st = pl_require_status(&w, "published", err)))
		goto out;
	time_now_iso(now);
	if (strcmp(now, w.objection_until) > 0) {
		st = sy_fail(err, SY_ECONFLICT, "objection_window_closed", "text", "异议期已于 %s 结束",
			     "the objection window closed at %s", w.objection_until, w.objection_until);
		goto out;
	}
	if ((st = db_query_int(d, SQL_OBJECTION_INSERT,
			       DB_ARGS(DB_I(id), DB_I(cid), DB_I(w.version), DB_T(text), DB_T(actor->name), DB_I(mine),
				       DB_T(now)),
			       oid, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.objection",
		      json_pack("{s:I, s:I, s:i, s:b}", "objection_id", (json_int_t)*oid, "candidate_id", (json_int_t)cid,
				"version", w.version, "by_candidate", mine),
		      err);
out:
	return db_tx_finish(d, own, st, err);
}

sy_status batch_decide(db *d, const struct principal *actor, int64_t id, int64_t oid, const char *outcome,
		       const char *note, sy_err *err)
{
	struct pl_row w;
	bool own = false;
	db_rows *r = NULL;
	char now[TIME_ISO_LEN];
	sy_status st;
	if (!outcome || (strcmp(outcome, "upheld") && strcmp(outcome, "rejected")))
		return sy_failf(err, SY_EINVAL, "invalid_outcome", "outcome", "处理结果须为 upheld 或 rejected",
				"outcome must be upheld or rejected");
	if (!note || !*note || strlen(note) > 2000)
		return sy_failf(err, SY_EINVAL, "invalid_note", "note", "须写明处理意见（不超过 2000 字节）",
				"a note of 1–2000 bytes is required");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_row_access(d, actor, id, true, &w, err)) ||
	    (st = db_query(d, SQL_OBJECTION_STATUS, DB_ARGS(DB_I(id), DB_I(oid)), &r, err)))
		goto out;
	if (!db_next(r)) {
		st = sy_failf(err, SY_ENOTFOUND, "objection_not_found", NULL, "异议不存在", "no such objection");
		goto out;
	}
	if (strcmp(db_text(r, 0), "open")) {
		st = sy_failf(err, SY_ECONFLICT, "objection_decided", "outcome", "该异议已处理", "the objection is decided already");
		goto out;
	}
	db_rows_free(r);
	r = NULL;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_OBJECTION_DECIDE, DB_ARGS(DB_I(oid), DB_T(outcome), DB_T(note), DB_T(actor->name), DB_T(now)),
			   NULL, err)))
		goto out;
	st = pl_audit(d, actor, &w, "placement.objection_decide",
		      json_pack("{s:I, s:s, s:s}", "objection_id", (json_int_t)oid, "outcome", outcome, "note", note), err);
out:
	db_rows_free(r);
	return db_tx_finish(d, own, st, err);
}

sy_status batch_prefer(db *d, const struct principal *actor, int64_t id, int64_t cid, const json_t *posts,
		       sy_err *err)
{
	struct pl_loaded L;
	bool own = false, mine = false;
	char *text = NULL, now[TIME_ISO_LEN];
	sy_status st;
	memset(&L, 0, sizeof L);
	if (!json_is_array(posts) || json_array_size(posts) > 1000)
		return sy_failf(err, SY_EINVAL, "invalid_preferences", "posts", "须为岗位编号数组", "posts must be an array of post numbers");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = candidate_access(d, actor, id, cid, &L.row, &mine, err)) ||
	    (st = pl_require_status(&L.row, "published", err)))
		goto out;
	if (strcmp(L.row.mode, "preferences")) {
		st = sy_failf(err, SY_ECONFLICT, "wrong_mode", "mode", "本批次为现场选岗，不收志愿", "this batch chooses live, not by preferences");
		goto out;
	}
	if ((st = pl_load(d, NULL, id, false, &L, err)))
		goto out;
	size_t i;
	json_t *v;
	json_array_foreach((json_t *)posts, i, v) {
		int p = pl_post_index(&L, json_string_value(v));
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup |= json_equal(v, json_array_get(posts, k));
		if (p < 0 || dup) {
			st = sy_failf(err, SY_EINVAL, "invalid_preferences", "posts", "志愿须为本批次的岗位编号，且不重复",
				      "each preference must be a post number of this batch, once");
			goto out;
		}
	}
	if (!(text = json_dumps(posts, JSON_COMPACT | JSON_ENCODE_ANY))) {
		st = pl_oom(err);
		goto out;
	}
	time_now_iso(now);
	if ((st = db_execp(d, SQL_PREFS_SET, DB_ARGS(DB_I(cid), DB_T(text), DB_T(now)), NULL, err)))
		goto out;
	st = pl_audit(d, actor, &L.row, "placement.preferences",
		      json_pack("{s:I, s:O, s:b}", "candidate_id", (json_int_t)cid, "posts", posts, "by_candidate", mine), err);
out:
	free(text);
	pl_loaded_free(&L);
	return db_tx_finish(d, own, st, err);
}

/* ---- the live session ---- */

sy_status batch_start(db *d, const struct principal *actor, int64_t id, sy_err *err)
{
	struct pl_loaded L;
	bool own = false;
	char now[TIME_ISO_LEN];
	sy_status st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_load(d, actor, id, true, &L, err)))
		return db_tx_finish(d, own, st, err);
	if ((st = pl_require_status(&L.row, "published", err)))
		goto out;
	if (strcmp(L.row.mode, "live")) {
		st = sy_failf(err, SY_ECONFLICT, "wrong_mode", "mode", "本批次按志愿分配，没有现场选岗", "this batch allocates by preferences");
		goto out;
	}
	if ((st = pl_score_loaded(&L, err)) || (st = require_current(d, &L, err)) ||
	    (st = require_no_open_objection(d, &L.row, err)))
		goto out;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_BATCH_STATUS, DB_ARGS(DB_I(id), DB_T("choosing"), DB_T(now)), NULL, err)))
		goto out;
	st = pl_audit(d, actor, &L.row, "placement.session_start", json_pack("{s:i}", "version", L.row.version), err);
out:
	pl_loaded_free(&L);
	return db_tx_finish(d, own, st, err);
}

static json_t *who_json(const struct pl_loaded *L, int k, bool masked)
{
	char m[96], total[32];
	if (k < 0)
		return json_null();
	placement_mask_name(L->names[k], m, sizeof m);
	pl_format_milli(L->b.scores[k].total, total);
	return json_pack("{s:s, s:s, s:i, s:s}", "number", L->b.cand[k].id, "name", masked ? m : L->names[k], "rank",
			 (int)L->b.rk.rank_of[k], "total", total);
}

static json_t *session_json(const struct pl_loaded *L, const struct pl_session *s, bool masked)
{
	json_t *left = json_array();
	int open = 0;
	for (int p = 0; left && p < L->b.nposts; p++) {
		const struct pl_post *x = &L->b.posts[p];
		open += s->left[p] > 0;
		json_array_append_new(left, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s}", "number", x->id, "employer",
						      x->employer, "title", x->title, "places", (int)x->places, "left",
						      (int)s->left[p], "min_education", pl_education_name(x->min_education)));
	}
	int cur = pl_session_current(s);
	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:b, s:i, s:o}", "batch", L->row.name, "status", L->row.status,
			 "absence_rule", L->row.absence, "turn", s->turn, "current", who_json(L, cur, masked), "over",
			 cur < 0, "posts_open", open, "posts", left);
}

/* Load, score and replay the session (caller frees both). */
static sy_status open_session(db *d, const struct principal *actor, int64_t id, bool write, struct pl_loaded *L,
			      struct pl_session *s, sy_err *err)
{
	sy_status st = pl_load(d, actor, id, write, L, err);
	if (st)
		return st;
	if (strcmp(L->row.mode, "live") || (strcmp(L->row.status, "choosing") && strcmp(L->row.status, "closed")))
		st = sy_failf(err, SY_ECONFLICT, "no_session", "status", "本批次没有进行中的现场选岗", "this batch has no live session");
	if (!st && !(st = pl_score_loaded(L, err)))
		st = pl_batch_session(&L->b, s, err);
	if (st)
		pl_loaded_free(L);
	return st;
}

sy_status batch_session(db *d, const struct principal *actor, int64_t id, bool public_view, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	struct pl_session s;
	sy_status st = open_session(d, public_view ? NULL : actor, id, false, &L, &s, err);
	if (st)
		return st;
	if (!(*out = session_json(&L, &s, public_view)))
		st = pl_oom(err);
	pl_session_free(&s);
	pl_loaded_free(&L);
	return st;
}

/* The 选岗确认表 of step k (0-based): who, their rank and score, what they chose, who recorded it. */
static json_t *confirmation_json(const struct pl_loaded *L, int k, const char *by, const char *at)
{
	int c = L->b.choice_cand[k];
	const struct pl_choice *ch = &L->b.choice[k];
	const char *kind = ch->kind == PL_CHOOSE_POST ? "post" : ch->kind == PL_CHOOSE_ABSENT ? "absent" : "none";
	json_t *post = ch->kind == PL_CHOOSE_POST
			       ? json_pack("{s:s, s:s, s:s}", "number", L->b.posts[ch->post].id, "employer",
					   L->b.posts[ch->post].employer, "title", L->b.posts[ch->post].title)
			       : json_null();
	return json_pack("{s:s, s:i, s:s, s:i, s:o, s:s, s:o, s:s, s:s, s:i}", "batch", L->row.name, "year", L->row.year,
			 "region_name", L->row.region_name, "seq", k + 1, "candidate", who_json(L, c, false), "choice",
			 kind, "post", post, "recorded_by", by, "recorded_at", at, "version", L->row.version);
}

sy_status batch_step(db *d, const struct principal *actor, int64_t id, const char *candidate, const char *choice,
		     const char *post, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	struct pl_session s;
	bool own = false;
	char now[TIME_ISO_LEN];
	struct pl_choice ch = {.kind = PL_CHOOSE_NONE, .post = -1};
	sy_status st;
	if (!choice || (strcmp(choice, "post") && strcmp(choice, "none") && strcmp(choice, "absent")))
		return sy_failf(err, SY_EINVAL, "invalid_choice", "choice", "选择须为 post、none 或 absent",
				"choice must be post, none or absent");
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = open_session(d, actor, id, true, &L, &s, err)))
		return db_tx_finish(d, own, st, err);
	int cur = pl_session_current(&s);
	if ((st = pl_require_status(&L.row, "choosing", err)))
		goto out;
	if (cur < 0) {
		st = sy_failf(err, SY_ECONFLICT, "session_over", NULL, "选岗已全部完成", "the session is over");
		goto out;
	}
	if (candidate && strcmp(candidate, L.b.cand[cur].id)) {
		st = sy_fail(err, SY_ECONFLICT, "not_their_turn", "candidate", "现在轮到 %s，不是 %s",
			     "it is %s's turn, not %s's", L.b.cand[cur].id, candidate, L.b.cand[cur].id, candidate);
		goto out;
	}
	if (!strcmp(choice, "post")) {
		ch.kind = PL_CHOOSE_POST;
		if ((ch.post = pl_post_index(&L, post)) < 0) {
			st = sy_failf(err, SY_EINVAL, "invalid_post", "post", "本批次没有该岗位", "no such post in this batch");
			goto out;
		}
	} else if (!strcmp(choice, "absent"))
		ch.kind = PL_CHOOSE_ABSENT;
	if ((st = pl_session_step(&s, &ch, err)))
		goto out;
	time_now_iso(now);
	int seq = L.nsteps + 1;
	st = db_execp(d, SQL_STEP_INSERT,
		      DB_ARGS(DB_I(id), DB_I(seq), DB_I(L.cand_ids[cur]), DB_T(choice),
			      ch.kind == PL_CHOOSE_POST ? DB_I(L.post_ids[ch.post]) : DB_NULL, DB_T(actor->name), DB_T(now)),
		      NULL, err);
	/* Two officers recorded this turn at once: the unique (batch, seq) let one in. */
	if (st == SY_ECONFLICT && strcmp(err->code, "duplicate") == 0)
		st = sy_fail(err, SY_ECONFLICT, "step_taken", NULL, "第 %d 步刚刚已由他人记录，请刷新后再操作",
			     "step %d was just recorded by someone else: reload and try again", seq, seq);
	if (st ||
	    (st = pl_audit(d, actor, &L.row, "placement.step",
			   json_pack("{s:i, s:s, s:s, s:s?}", "seq", seq, "candidate", L.b.cand[cur].id, "choice", choice,
				     "post", ch.kind == PL_CHOOSE_POST ? L.b.posts[ch.post].id : NULL),
			   err)))
		goto out;
	/* The confirmation reads the step as recorded. */
	int32_t *cc = realloc(L.b.choice_cand, (size_t)(L.b.nchoices + 1) * sizeof *cc);
	if (cc)
		L.b.choice_cand = cc;
	struct pl_choice *cs = cc ? realloc(L.b.choice, (size_t)(L.b.nchoices + 1) * sizeof *cs) : NULL;
	if (!cs) {
		st = pl_oom(err);
		goto out;
	}
	L.b.choice = cs;
	L.b.choice_cand[L.b.nchoices] = cur;
	L.b.choice[L.b.nchoices] = ch;
	*out = json_pack("{s:o, s:o}", "confirmation", confirmation_json(&L, L.b.nchoices, actor->name, now), "session",
			 session_json(&L, &s, false));
	L.b.nchoices++;
	if (!*out)
		st = pl_oom(err);
out:
	pl_session_free(&s);
	pl_loaded_free(&L);
	return db_tx_finish(d, own, st, err);
}

sy_status batch_steps(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	db_rows *r = NULL;
	sy_status st = pl_load(d, actor, id, false, &L, err);
	if (st)
		return st;
	json_t *arr = json_array();
	if ((st = pl_score_loaded(&L, err)) || (st = db_query(d, SQL_STEP_ROWS, DB_ARGS(DB_I(id)), &r, err)))
		goto out;
	for (int k = 0; arr && k < L.b.nchoices && db_next(r); k++)
		json_array_append_new(arr, confirmation_json(&L, k, db_text(r, 1), db_text(r, 2)));
	*out = arr;
	arr = NULL;
out:
	json_decref(arr);
	db_rows_free(r);
	pl_loaded_free(&L);
	return st;
}

/* ---- results ---- */

static json_t *results_list(const struct pl_loaded *L, bool masked)
{
	json_t *arr = json_array();
	char m[96];
	for (int i = 0; arr && i < L->b.rk.n; i++) {
		int32_t k = L->b.rk.order[i];
		const struct pl_result *r = &L->b.res[k];
		placement_mask_name(L->names[k], m, sizeof m);
		const struct pl_post *p = r->post >= 0 ? &L->b.posts[r->post] : NULL;
		json_array_append_new(arr, json_pack("{s:i, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:i}", "rank", i + 1, "number",
						     L->b.cand[k].id, "name", masked ? m : L->names[k], "outcome",
						     pl_outcome_name(r->outcome), "post", p ? p->id : NULL, "employer",
						     p ? p->employer : NULL, "title", p ? p->title : NULL, "turn",
						     (int)r->turn));
	}
	return arr;
}

sy_status batch_close(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	bool own = false;
	char *canon = NULL, *pub = NULL, digest[CRYPTO_SHA256_HEX], now[TIME_ISO_LEN];
	sy_status st;
	if ((st = db_tx_join(d, &own, err)))
		return st;
	if ((st = pl_load(d, actor, id, true, &L, err)))
		return db_tx_finish(d, own, st, err);
	bool live = !strcmp(L.row.mode, "live");
	if ((st = pl_require_status(&L.row, live ? "choosing" : "published", err)) || (st = pl_score_loaded(&L, err)))
		goto out;
	if (!live && ((st = require_current(d, &L, err)) || (st = require_no_open_objection(d, &L.row, err))))
		goto out;
	if (live) {
		struct pl_session s;
		if ((st = pl_batch_session(&L.b, &s, err)))
			goto out;
		int cur = pl_session_current(&s);
		pl_session_free(&s);
		if (cur >= 0) {
			st = sy_fail(err, SY_ECONFLICT, "session_not_over", "status", "选岗尚未完成（轮到 %s）",
				     "the session is not over (it is %s's turn)", L.b.cand[cur].id, L.b.cand[cur].id);
			goto out;
		}
	}
	/* Preferences: serial dictatorship; live: the recorded steps replayed. Either through the engine's step. */
	if ((st = pl_batch_run(&L.b, err)) || (st = canon_text(canon_results, &L, &canon, digest, err)))
		goto out;
	json_t *pj = results_list(&L, true);
	pub = pj ? json_dumps(pj, JSON_COMPACT) : NULL;
	json_decref(pj);
	if (!pub) {
		st = pl_oom(err);
		goto out;
	}
	time_now_iso(now);
	if ((st = db_execp(d, SQL_BATCH_CLOSE, DB_ARGS(DB_I(id), DB_T(canon), DB_T(digest), DB_T(pub), DB_T(now)), NULL,
			   err)) ||
	    (st = pl_audit(d, actor, &L.row, "placement.results",
			   json_pack("{s:s, s:s, s:s}", "results_digest", digest, "scores_digest", L.b.dg.scores,
				     "posts_digest", L.b.dg.posts),
			   err)))
		goto out;
	*out = json_pack("{s:s, s:o}", "results_digest", digest, "items", results_list(&L, false));
	if (!*out)
		st = pl_oom(err);
out:
	free(canon);
	free(pub);
	pl_loaded_free(&L);
	return db_tx_finish(d, own, st, err);
}

/* Load a closed batch with its allocation recomputed (the stored digest says it is the published one). */
static sy_status load_run(db *d, const struct principal *actor, int64_t id, struct pl_loaded *L, sy_err *err)
{
	sy_status st = pl_load(d, actor, id, false, L, err);
	if (st)
		return st;
	if (!(st = pl_require_status(&L->row, "closed", err)))
		st = pl_batch_run(&L->b, err);
	if (!st && strcmp(L->b.dg.results, L->row.results_digest))
		st = sy_failf(err, SY_EINTERNAL, "results_changed", NULL, "重新计算的结果与公布的不一致",
			      "the recomputed result differs from the published one");
	if (st)
		pl_loaded_free(L);
	return st;
}

sy_status batch_results(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	sy_status st = load_run(d, actor, id, &L, err);
	if (st)
		return st;
	*out = json_pack("{s:s, s:s, s:s, s:o}", "results_digest", L.row.results_digest, "scores_digest", L.b.dg.scores,
			 "posts_digest", L.b.dg.posts, "items", results_list(&L, false));
	pl_loaded_free(&L);
	return *out ? SY_OK : pl_oom(err);
}

/* ---- one candidate's page and receipt ---- */

static json_t *receipt_json(const struct pl_loaded *L, int k)
{
	struct pl_receipt rc;
	struct pl_prefs p = {.off = L->b.pref_off, .pref = L->b.pref};
	sy_err e;
	bool prefs = L->b.mode == PL_MODE_PREFERENCES && L->b.pref_off;
	if (pl_receipt(&L->b.rk, L->b.posts, L->b.nposts, L->b.res, L->n, prefs ? &p : NULL, k, &rc, &e))
		return json_null();
	json_t *open = json_array(), *higher = json_array();
	for (int i = 0; open && i < rc.nopen; i++)
		json_array_append_new(open, json_string(L->b.posts[rc.open[i]].id));
	for (int i = 0; higher && i < rc.nhigher; i++)
		json_array_append_new(higher, json_pack("{s:s, s:i}", "post", L->b.posts[rc.higher[i].post].id,
							"taken_by_rank", (int)rc.higher[i].taken_by));
	json_t *j = json_pack("{s:i, s:i, s:s, s:o, s:o, s:o}", "rank", (int)rc.rank, "turn", (int)rc.turn, "outcome",
			      pl_outcome_name(rc.outcome), "post",
			      rc.post >= 0 ? json_pack("{s:s, s:s, s:s}", "number", L->b.posts[rc.post].id, "employer",
						       L->b.posts[rc.post].employer, "title", L->b.posts[rc.post].title)
					   : json_null(),
			      "open_at_turn", open, "ranked_higher", higher);
	pl_receipt_free(&rc);
	return j;
}

/* The candidate's page from a loaded batch (scored when possible; the receipt once closed). */
static json_t *candidate_page(struct pl_loaded *L, int k, bool closed)
{
	char zh[512], en[512];
	const struct pl_candidate *c = &L->b.cand[k];
	pl_ineligible_reason(c, zh, sizeof zh, en, sizeof en);
	json_t *inputs = pl_candidate_json(c);
	json_object_del(inputs, "id");
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:o, s:s?}", "batch_id", (json_int_t)L->row.id,
			      "batch", L->row.name, "batch_status", L->row.status, "number", c->id, "name", L->names[k],
			      "eligible", pl_eligibility(c) != 0, "reason_zh", zh[0] ? zh : NULL, "reason_en",
			      en[0] ? en : NULL, "inputs", inputs, "results_digest",
			      L->row.results_digest[0] ? L->row.results_digest : NULL);
	sy_err e;
	bool scored = closed ? true : pl_score_loaded(L, &e) == SY_OK;
	int32_t rank = scored ? L->b.rk.rank_of[k] : 0;
	json_object_set_new(j, "score", scored && rank ? pl_score_json(&L->b, rank - 1) : json_null());
	json_object_set_new(j, "receipt", closed && rank ? receipt_json(L, k) : json_null());
	return j;
}

static sy_status page_of(db *d, const struct principal *actor, int64_t id, int64_t cid, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	bool person = actor->role == ROLE_PERSON;
	sy_status st = pl_load(d, person ? NULL : actor, id, false, &L, err);
	if (st)
		return st;
	int k = pl_cand_index(&L, cid);
	if (k < 0 || (person && L.person_ids[k] != actor->person_id)) {
		st = k < 0 ? sy_failf(err, SY_ENOTFOUND, "candidate_not_found", NULL, "考生不存在", "no such candidate")
			   : sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "只能查看本人的结果", "only your own page");
		goto out;
	}
	/* A person sees their page once the list is published (a draft is the office's work). */
	if (person && !strcmp(L.row.status, "draft")) {
		st = sy_failf(err, SY_ENOTFOUND, "candidate_not_found", NULL, "尚未公示", "not published yet");
		goto out;
	}
	bool closed = !strcmp(L.row.status, "closed");
	if (closed && (st = pl_batch_run(&L.b, err)))
		goto out;
	if (!(*out = candidate_page(&L, k, closed)))
		st = pl_oom(err);
out:
	pl_loaded_free(&L);
	return st;
}

sy_status batch_receipt(db *d, const struct principal *actor, int64_t id, int64_t cid, json_t **out, sy_err *err)
{
	return page_of(d, actor, id, cid, out, err);
}

sy_status placement_mine(db *d, const struct principal *actor, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	int64_t pairs[64][2];
	int n = 0;
	if (!actor || actor->role != ROLE_PERSON || !actor->person_id)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "仅限本人查看", "for the person themselves");
	sy_status st = db_query(d, SQL_MY_CANDIDACIES, DB_ARGS(DB_I(actor->person_id)), &r, err);
	while (!st && n < 64 && db_next(r)) {
		pairs[n][0] = db_int(r, 0);
		pairs[n][1] = db_int(r, 1);
		n++;
	}
	db_rows_free(r);
	json_t *arr = json_array();
	for (int i = 0; !st && arr && i < n; i++) {
		json_t *one = NULL;
		sy_err e;
		if (page_of(d, actor, pairs[i][0], pairs[i][1], &one, &e) == SY_OK)
			json_array_append_new(arr, one);
	}
	if (st || !arr) {
		json_decref(arr);
		return st ? st : pl_oom(err);
	}
	*out = json_pack("{s:o}", "items", arr);
	return *out ? SY_OK : pl_oom(err);
}

sy_status batch_export(db *d, const struct principal *actor, int64_t id, json_t **out, sy_err *err)
{
	struct pl_loaded L;
	sy_status st = pl_load(d, actor, id, false, &L, err);
	if (st)
		return st;
	if (!strcmp(L.row.status, "draft"))
		st = sy_failf(err, SY_ECONFLICT, "batch_wrong_status", "status", "批次尚未公示", "the batch is not published yet");
	if (!st && !(st = pl_score_loaded(&L, err)) && !(st = pl_batch_run(&L.b, err)) && !(*out = pl_export_json(&L.b)))
		st = pl_oom(err);
	pl_loaded_free(&L);
	return st;
}

/* ---- public pages ---- */

sy_status placement_public_list(db *d, json_t **out, sy_err *err)
{
	db_rows *r = NULL;
	json_t *arr = json_array();
	sy_status st = arr ? db_query(d, SQL_PUBLIC_LIST, DB_NOARGS, &r, err) : pl_oom(err);
	while (!st && db_next(r))
		json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s?, s:s, s:s, s:s?, s:s?}", "id",
						     (json_int_t)db_int(r, 0), "year", (json_int_t)db_int(r, 1),
						     "region_code", db_text(r, 2), "region_name", db_text(r, 7), "name",
						     db_text(r, 3), "status", db_text(r, 4), "published_at", db_text(r, 5),
						     "closed_at", db_text(r, 6)));
	db_rows_free(r);
	if (st)
		json_decref(arr);
	else
		*out = json_pack("{s:o}", "items", arr);
	return st;
}

sy_status placement_public_get(db *d, int64_t id, json_t **out, sy_err *err)
{
	struct pl_row w;
	db_rows *r = NULL;
	json_t *vers = NULL;
	sy_status st = pl_row_load(d, id, &w, err);
	if (!st && !strcmp(w.status, "draft"))
		st = sy_failf(err, SY_ENOTFOUND, "batch_not_found", NULL, "该批次尚未公示", "this batch is not published");
	if (st || (st = versions_json(d, id, true, &vers, err)))
		return st;
	json_t *latest = json_array_get(vers, json_array_size(vers) - 1);
	*out = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:i, s:i, s:O, s:O, s:s, s:s, s:o}", "id",
			 (json_int_t)w.id, "year", w.year, "region_name", w.region_name, "name", w.name, "mode", w.mode,
			 "status", w.status, "published_at", w.published_at[0] ? w.published_at : NULL,
			 "objection_until", w.objection_until[0] ? w.objection_until : NULL, "publicity_until",
			 w.publicity_until[0] ? w.publicity_until : NULL, "version", w.version, "publicity_days",
			 w.publicity_days, "scores", json_object_get(latest, "scores"), "posts",
			 json_object_get(latest, "posts"), "scores_digest",
			 json_string_value(json_object_get(latest, "scores_digest")), "posts_digest",
			 json_string_value(json_object_get(latest, "posts_digest")), "versions", vers);
	if (!*out)
		return pl_oom(err);
	/* The published lists' texts are on each version; the list of versions need not repeat them. */
	size_t i;
	json_t *v;
	json_array_foreach(vers, i, v) {
		json_object_del(v, "scores");
		json_object_del(v, "posts");
	}
	if (!strcmp(w.status, "closed")) {
		if ((st = db_query(d, SQL_RESULTS_JSON, DB_ARGS(DB_I(id)), &r, err)))
			goto out;
		if (db_next(r)) {
			json_object_set_new(*out, "results", json_loads(db_text(r, 0), 0, NULL));
			json_object_set_new(*out, "results_digest", json_string(w.results_digest));
		}
	}
out:
	db_rows_free(r);
	if (st) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}

sy_status placement_public_canon(db *d, int64_t id, const char *which, int version, char **out, sy_err *err)
{
	db_rows *r = NULL;
	bool results = which && !strcmp(which, "results");
	if (which && strcmp(which, "scores") && strcmp(which, "posts") && !results)
		return sy_failf(err, SY_EINVAL, "invalid_list", "list", "list 须为 scores、posts 或 results",
				"list must be scores, posts or results");
	sy_status st = results ? db_query(d, SQL_RESULTS_CANON, DB_ARGS(DB_I(id)), &r, err)
			       : db_query(d, SQL_VERSION_CANON, DB_ARGS(DB_I(id), version > 0 ? DB_I(version) : DB_NULL), &r,
					  err);
	if (!st && !db_next(r))
		st = sy_failf(err, SY_ENOTFOUND, "not_published", NULL, "没有公布的该项内容", "nothing of that was published");
	if (!st && !(*out = strdup(db_text(r, which && !strcmp(which, "posts") ? 1 : 0))))
		st = pl_oom(err);
	db_rows_free(r);
	return st;
}
