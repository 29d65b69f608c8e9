/*
 * merchants.c - the 拥军商户 network's membership: joining (with the
 * plaque's number), the profile's details, leaving, reading and listing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "circle.h"
#include "db/audit.h"
#include "db/page.h"
#include "internal.h"
#include "lib/text.h"
#include "lib/timeutil.h"

const struct vocab vocab_merchant_categories[] = {
	{"catering", "餐饮"}, {"retail", "零售购物"}, {"supermarket", "超市便利"}, {"pharmacy", "医药"},
	{"medical", "医疗健康"}, {"beauty", "美容美发"}, {"automotive", "汽车服务"}, {"optical", "眼镜"},
	{"appliances", "家电数码"}, {"fitness", "健身体育"}, {"culture", "文化娱乐"}, {"tourism", "旅游景区"},
	{"hotel", "住宿"}, {"finance", "金融服务"}, {"transport", "交通出行"}, {"education", "教育培训"},
	{"housekeeping", "生活服务"}, {"other", "其他"}, {NULL, NULL},
};

static const char SQL_ORG_REF[] =
	"SELECT o.region_code, m.status FROM orgs o LEFT JOIN merchant_profiles m ON m.org_id = o.id WHERE o.id = $1";
static const char SQL_PROFILE_INSERT[] =
	"INSERT INTO merchant_profiles (org_id, status, category, opening_hours, plaque_no, joined_at, created_at,"
	" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
/* A candidate, or one that left, joins again: the old dates give way to the new. */
static const char SQL_PROFILE_REJOIN[] =
	"UPDATE merchant_profiles SET status = $2, category = COALESCE(CAST($3 AS TEXT), category),"
	" opening_hours = COALESCE(CAST($4 AS TEXT), opening_hours), plaque_no = COALESCE(CAST($5 AS TEXT), plaque_no),"
	" joined_at = $6, left_at = NULL, updated_at = $7 WHERE org_id = $1";
static const char SQL_PROFILE_UPDATE[] =
	"UPDATE merchant_profiles SET category = COALESCE(CAST($2 AS TEXT), category),"
	" opening_hours = COALESCE(CAST($3 AS TEXT), opening_hours), plaque_no = COALESCE(CAST($4 AS TEXT), plaque_no),"
	" updated_at = $5 WHERE org_id = $1";
static const char SQL_PROFILE_LEAVE[] =
	"UPDATE merchant_profiles SET status = 'left', left_at = $2, updated_at = $2 WHERE org_id = $1";
static const char SQL_OFFERS_OFF[] = "UPDATE offers SET active = 0, updated_at = $2 WHERE org_id = $1 AND active = 1";
static const char SQL_PLAQUE_TAKEN[] = "SELECT org_id FROM merchant_profiles WHERE plaque_no = $1 AND org_id <> $2";
/* An organisation with its profile (status NULL when it has none); lists show profiles only. */
#define PROFILE_COLUMNS \
	"SELECT o.id, o.name, o.type, o.region_code, r.name, o.address, o.lat, o.lon, o.contact_phone, m.status," \
	" m.category, m.opening_hours, m.plaque_no, m.joined_at, m.left_at," \
	" (SELECT COUNT(*) FROM offers f WHERE f.org_id = o.id AND f.active = 1)" \
	" FROM orgs o LEFT JOIN merchant_profiles m ON m.org_id = o.id JOIN regions r ON r.code = o.region_code"
static const char SQL_PROFILE_GET[] = PROFILE_COLUMNS " WHERE o.id = $1";
static const char SQL_PROFILES[] = PROFILE_COLUMNS
	" WHERE m.org_id IS NOT NULL AND ($1 = 0 OR m.org_id < $1) AND o.region_code LIKE $2 AND ($3 = 0 OR m.org_id = $3)"
	" AND (CAST($4 AS TEXT) IS NULL OR m.status = $4) AND (CAST($5 AS TEXT) IS NULL OR m.category = $5)"
	" AND (CAST($6 AS TEXT) IS NULL OR o.name LIKE $6 ESCAPE '\\')"
	" ORDER BY m.org_id DESC LIMIT $7";

void merchants_day_of(time_t t, char out[11])
{
	/* China keeps one time zone, UTC+8, with no daylight saving (as cases_today). */
	struct tm tm;
	time_t local = t + 8 * 3600;
	gmtime_r(&local, &tm);
	char buf[40];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(out, 11, "%.10s", buf);
}

void merchants_today(char out[11])
{
	merchants_day_of(time(NULL), out);
}

sy_status merchants_oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

sy_status merchants_finish(db *d, bool own, sy_status st, sy_err *err)
{
	st = db_tx_finish(d, own, st, err);
	if (!st)
		circle_invalidate();
	return st;
}

sy_status merchants_check_text(const char *s, size_t max, const char *field, sy_err *err)
{
	if (s && (strlen(s) > max || !text_valid_utf8_line(s)))
		return sy_fail(err, SY_EINVAL, "invalid_text", field, "%s 过长或含有控制字符",
			       "%s is too long or contains control characters", field);
	return SY_OK;
}

static bool may_reach(const struct principal *a, int64_t org_id, const char *region, enum org_access acc)
{
	if (a->role == ROLE_ADMIN)
		return true;
	if (a->role == ROLE_OFFICER || (a->role == ROLE_AUDITOR && acc == ACC_READ))
		return scope_region_allows(a, region);
	if (a->role & ROLES_ORG)
		return acc != ACC_BUREAU && a->org_id == org_id;
	return false;
}

sy_status merchants_org_load(db *d, const struct principal *a, int64_t org_id, enum org_access acc,
			     struct org_ref *o, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_ORG_REF, DB_ARGS(DB_I(org_id)), &r, err);
	if (st)
		return st;
	bool found = db_next(r);
	memset(o, 0, sizeof *o);
	if (found) {
		o->id = org_id;
		snprintf(o->region, sizeof o->region, "%s", db_text(r, 0));
		snprintf(o->status, sizeof o->status, "%s", db_text(r, 1) ? db_text(r, 1) : "");
	}
	db_rows_free(r);
	if (!found || !may_reach(a, org_id, o->region, ACC_READ))
		return sy_failf(err, SY_ENOTFOUND, "org_not_found", NULL, "机构不存在或不在您的管辖范围内",
				"no such organisation in your scope");
	if (!may_reach(a, org_id, o->region, acc))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL,
				acc == ACC_BUREAU ? "加入或退出拥军商户网络由退役军人事务部门办理" : "您无权修改该机构的信息",
				acc == ACC_BUREAU ? "joining and leaving the network is the bureau's act"
						  : "you may not change this organisation");
	return SY_OK;
}

sy_status merchants_audit(db *d, const struct principal *a, const char *action, const char *object_type,
			  int64_t id, const char *region, json_t *detail, sy_err *err)
{
	char oid[24];
	if (!detail)
		return merchants_oom(err);
	snprintf(oid, sizeof oid, "%" PRId64, id);
	struct audit_event ev = {.action = action, .object_type = object_type, .object_id = oid,
				 .region_code = region, .detail = detail};
	sy_status st = audit_write(d, a, &ev, err);
	json_decref(detail);
	return st;
}

/* The fields a profile may hold, each checked; the plaque number unique across the network. */
static sy_status check_input(db *d, int64_t org_id, const struct merchant_input *in, sy_err *err)
{
	sy_status st;
	if (in->category && *in->category && !vocab_has(vocab_merchant_categories, in->category))
		return sy_failf(err, SY_EINVAL, "invalid_category", "category", "商户类别无效", "unknown merchant category");
	if ((st = merchants_check_text(in->opening_hours, MERCHANT_TEXT_MAX, "opening_hours", err)) ||
	    (st = merchants_check_text(in->plaque_no, 64, "plaque_no", err)))
		return st;
	if (in->plaque_no && *in->plaque_no) {
		int64_t other;
		st = db_query_int(d, SQL_PLAQUE_TAKEN, DB_ARGS(DB_T(in->plaque_no), DB_I(org_id)), &other, err);
		if (st == SY_OK)
			return sy_failf(err, SY_ECONFLICT, "plaque_taken", "plaque_no", "该牌匾编号已被其他商户使用",
					"another member holds this plaque number");
		if (st != SY_ENOTFOUND)
			return st;
	}
	return SY_OK;
}

/* "" clears nothing here: an empty optional text is stored as NULL (absent). */
static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

sy_status merchants_validate(db *d, int64_t org_id, const struct merchant_input *in, sy_err *err)
{
	sy_status st = check_input(d, org_id, in, err);
	if (!st && in->status && strcmp(in->status, "member") == 0 && !opt(in->plaque_no))
		return sy_failf(err, SY_EINVAL, "plaque_required", "plaque_no", "加入拥军商户网络须填写牌匾编号",
				"joining the network needs the plaque's number");
	return st;
}

static sy_status join(db *d, const struct principal *a, int64_t org_id, const struct merchant_input *in, sy_err *err)
{
	struct org_ref o;
	char now[TIME_ISO_LEN];
	const char *status = in->status ? in->status : "member";
	bool member = strcmp(status, "member") == 0;
	sy_status st;
	if (!member && strcmp(status, "candidate") != 0)
		return sy_failf(err, SY_EINVAL, "invalid_status", "status", "状态只能是 member（加入）或 candidate（拟发展）",
				"status is member (joins) or candidate (being recruited)");
	if ((st = merchants_org_load(d, a, org_id, ACC_BUREAU, &o, err)) || (st = check_input(d, org_id, in, err)))
		return st;
	if (member && !opt(in->plaque_no))
		return sy_failf(err, SY_EINVAL, "plaque_required", "plaque_no", "加入拥军商户网络须填写牌匾编号",
				"joining the network needs the plaque's number");
	if (strcmp(o.status, "member") == 0)
		return sy_failf(err, SY_ECONFLICT, "already_member", NULL, "该机构已是拥军商户", "already a member");
	if (!member && o.status[0])
		return sy_failf(err, SY_ECONFLICT, "profile_exists", NULL, "该机构已有拥军商户档案",
				"the organisation already has a network profile");
	time_now_iso(now);
	db_val args[] = {DB_I(org_id), DB_T(status), DB_T(opt(in->category)), DB_T(opt(in->opening_hours)),
			 DB_T(opt(in->plaque_no)), DB_T(member ? now : NULL), DB_T(now)};
	st = db_execp(d, o.status[0] ? SQL_PROFILE_REJOIN : SQL_PROFILE_INSERT, args, 7, NULL, err);
	if (st)
		return st;
	return merchants_audit(d, a, member ? "merchant.join" : "merchant.candidate", "org", org_id, o.region,
			       json_pack("{s:s, s:s?, s:s?}", "status", status, "plaque_no", opt(in->plaque_no),
					 "category", opt(in->category)),
			       err);
}

sy_status merchants_join(db *d, const struct principal *actor, int64_t org_id, const struct merchant_input *in,
			 sy_err *err)
{
	bool own;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	st = join(d, actor, org_id, in, err);
	return merchants_finish(d, own, st, err);
}

static sy_status update(db *d, const struct principal *a, int64_t org_id, const struct merchant_input *in, sy_err *err)
{
	struct org_ref o;
	char now[TIME_ISO_LEN];
	sy_status st;
	if ((st = merchants_org_load(d, a, org_id, ACC_CLERK, &o, err)) || (st = check_input(d, org_id, in, err)))
		return st;
	if (!o.status[0])
		return sy_failf(err, SY_ENOTFOUND, "profile_not_found", NULL, "该机构没有拥军商户档案",
				"the organisation has no network profile");
	if (in->plaque_no && a->role != ROLE_ADMIN && a->role != ROLE_OFFICER)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", "plaque_no", "牌匾编号由退役军人事务部门登记",
				"the plaque number is the bureau's to record");
	if (in->status)
		return sy_failf(err, SY_EINVAL, "use_join_or_leave", "status", "加入或退出请使用 join / leave",
				"use join or leave to change the status");
	time_now_iso(now);
	if ((st = db_execp(d, SQL_PROFILE_UPDATE,
			   DB_ARGS(DB_I(org_id), DB_T(in->category), DB_T(in->opening_hours), DB_T(opt(in->plaque_no)),
				   DB_T(now)),
			   NULL, err)))
		return st;
	return merchants_audit(d, a, "merchant.update", "org", org_id, o.region,
			       json_pack("{s:s?, s:s?, s:s?}", "category", in->category, "opening_hours",
					 in->opening_hours, "plaque_no", in->plaque_no),
			       err);
}

sy_status merchants_update(db *d, const struct principal *actor, int64_t org_id, const struct merchant_input *in,
			   sy_err *err)
{
	bool own;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	st = update(d, actor, org_id, in, err);
	return merchants_finish(d, own, st, err);
}

static sy_status leave(db *d, const struct principal *a, int64_t org_id, const char *reason, sy_err *err)
{
	struct org_ref o;
	char now[TIME_ISO_LEN];
	int64_t switched = 0;
	sy_status st;
	if ((st = merchants_org_load(d, a, org_id, ACC_BUREAU, &o, err)) ||
	    (st = merchants_check_text(reason, MERCHANT_TEXT_MAX, "reason", err)))
		return st;
	if (strcmp(o.status, "member") != 0)
		return sy_failf(err, SY_ECONFLICT, "not_member", NULL, "该机构不是拥军商户", "not a member of the network");
	time_now_iso(now);
	if ((st = db_execp(d, SQL_PROFILE_LEAVE, DB_ARGS(DB_I(org_id), DB_T(now)), NULL, err)) ||
	    (st = db_execp(d, SQL_OFFERS_OFF, DB_ARGS(DB_I(org_id), DB_T(now)), &switched, err)))
		return st;
	return merchants_audit(d, a, "merchant.leave", "org", org_id, o.region,
			       json_pack("{s:s?, s:I}", "reason", opt(reason), "offers_switched_off", (json_int_t)switched),
			       err);
}

sy_status merchants_leave(db *d, const struct principal *actor, int64_t org_id, const char *reason, sy_err *err)
{
	bool own;
	sy_status st = db_tx_join(d, &own, err);
	if (st)
		return st;
	st = leave(d, actor, org_id, reason, err);
	return merchants_finish(d, own, st, err);
}

static const char *label(const struct vocab *v, const char *code)
{
	for (; code && v->code; v++)
		if (strcmp(v->code, code) == 0)
			return v->zh;
	return NULL;
}

static json_t *profile_json(db_rows *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o, s:o, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:I}",
			 "org_id", (json_int_t)db_int(r, 0), "name", db_text(r, 1), "type", db_text(r, 2), "region_code",
			 db_text(r, 3), "region_name", db_text(r, 4), "address", db_text(r, 5), "lat", db_json_real(r, 6),
			 "lon", db_json_real(r, 7), "contact_phone", db_text(r, 8), "status", db_text(r, 9), "category",
			 db_text(r, 10), "category_zh", label(vocab_merchant_categories, db_text(r, 10)), "opening_hours",
			 db_text(r, 11), "plaque_no", db_text(r, 12), "joined_at", db_text(r, 13), "left_at",
			 db_text(r, 14), "active_offers", (json_int_t)db_int(r, 15));
}

sy_status merchants_get(db *d, const struct principal *actor, int64_t org_id, json_t **out, sy_err *err)
{
	struct org_ref o;
	db_rows *r = NULL;
	json_t *offers = NULL;
	sy_status st;
	*out = NULL;
	if ((st = merchants_org_load(d, actor, org_id, ACC_READ, &o, err)))
		return st;
	if ((st = db_query(d, SQL_PROFILE_GET, DB_ARGS(DB_I(org_id)), &r, err)))
		return st;
	if (db_next(r)) /* found: merchants_org_load just read it */
		*out = profile_json(r);
	db_rows_free(r);
	if (!*out)
		return merchants_oom(err);
	if ((st = offers_list(d, actor, org_id, false, &offers, err))) {
		json_decref(*out);
		*out = NULL;
		return st;
	}
	json_object_set_new(*out, "offers", offers);
	return SY_OK;
}

sy_status merchants_list(db *d, const struct principal *actor, const struct merchant_filter *f, json_t **items,
			 int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], q[300];
	const char *name = NULL;
	int64_t only = 0;
	db_rows *r = NULL;
	sy_status st;
	*next = 0;
	if (f->status && strcmp(f->status, "member") && strcmp(f->status, "candidate") && strcmp(f->status, "left"))
		return sy_failf(err, SY_EINVAL, "invalid_status", "status", "状态只能是 member、candidate 或 left",
				"status is member, candidate or left");
	if (f->category && !vocab_has(vocab_merchant_categories, f->category))
		return sy_failf(err, SY_EINVAL, "invalid_category", "category", "商户类别无效", "unknown merchant category");
	if (f->q && !text_like_contains(f->q, q, sizeof q))
		return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
	if (f->q)
		name = q;
	if ((st = scope_filter_like(actor, f->region, "region", like, err)))
		return st;
	if (actor->role & ROLES_ORG) { /* its own profile only */
		only = actor->org_id > 0 ? actor->org_id : -1;
		snprintf(like, sizeof like, "%%");
	}
	if ((st = db_query(d, SQL_PROFILES,
			   DB_ARGS(DB_I(f->cursor), DB_T(like), DB_I(only), DB_T(f->status), DB_T(f->category), DB_T(name),
				   DB_I(f->limit + 1)),
			   &r, err)))
		return st;
	st = db_page(r, f->limit, profile_json, items, next, err);
	db_rows_free(r);
	return st;
}
