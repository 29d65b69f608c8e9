/*
 * search.c - finding people the way a clerk at a service station does: part
 * of a name, a full 身份证号 or its last digits, a phone number; narrowed by
 * category (held directly or through a family link), region and status.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/idcard.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "people.h"

#define SEARCH_SELECT \
	"SELECT p.id, p.id_number, p.name, p.sex, p.birth_date, p.phone, p.region_code, r.name," \
	" p.status, p.address FROM people p JOIN regions r ON r.code = p.region_code"

/*
 * Derived family categories: a qualifying link to a person who died as a
 * martyr / on duty / of illness, or to an active service member. A sibling
 * counts for the 三属 only when the deceased supported them.
 */
/* What every search applies: scope, status, category (held, or derived from a family link). */
#define SEARCH_COMMON \
	" p.region_code LIKE $1" \
	" AND (CAST($2 AS TEXT) IS NULL OR p.status = $2)" \
	" AND (CAST($3 AS TEXT) IS NULL" \
	"  OR EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id AND c.category = $3" \
	"             AND (c.end_date IS NULL OR c.end_date >= $4))" \
	"  OR (CAST($3 AS TEXT) IN ('martyr_family', 'duty_family', 'illness_family') AND EXISTS (" \
	"      SELECT 1 FROM family_links l JOIN people x" \
	"        ON x.id = CASE WHEN l.person_id = p.id THEN l.relative_id ELSE l.person_id END" \
	"      WHERE (l.person_id = p.id OR l.relative_id = p.id)" \
	"        AND (l.relation <> 'sibling' OR (l.supported = 1 AND l.relative_id = p.id))" \
	"        AND x.death_kind = CASE CAST($3 AS TEXT) WHEN 'martyr_family' THEN 'martyr'" \
	"                          WHEN 'duty_family' THEN 'duty' ELSE 'illness' END))" \
	"  OR (CAST($3 AS TEXT) IN ('military_family', 'military_child') AND EXISTS (" \
	"      SELECT 1 FROM family_links l JOIN person_categories xc" \
	"        ON xc.person_id = CASE WHEN l.person_id = p.id THEN l.relative_id ELSE l.person_id END" \
	"      WHERE (l.person_id = p.id OR l.relative_id = p.id) AND l.relation <> 'sibling'" \
	"        AND xc.category = 'active_duty' AND (xc.end_date IS NULL OR xc.end_date >= $4)" \
	"        AND (CAST($3 AS TEXT) = 'military_family'" \
	"             OR (l.relative_id = p.id AND l.relation = 'child')" \
	"             OR (l.person_id = p.id AND l.relation = 'parent')))))"

/*
 * One statement per kind of query, each led by the condition an index
 * answers (a planner cannot pick an index through "$n IS NULL OR …").
 * $5 gram, $6 name pattern, $7 full number, $8 last four, $9 longer suffix, $10 phone.
 */
#define BY_ALL " WHERE" SEARCH_COMMON
#define BY_NAME " WHERE p.id IN (SELECT g.person_id FROM people_name_grams g WHERE g.gram = $5)" \
	" AND p.name LIKE $6 ESCAPE '\\' AND" SEARCH_COMMON
#define BY_IDNUM " WHERE p.id_number = $7 AND" SEARCH_COMMON
#define BY_TAIL " WHERE p.id_tail = $8 AND (CAST($9 AS TEXT) IS NULL OR p.id_number LIKE $9) AND" SEARCH_COMMON
#define BY_PHONE " WHERE p.phone = $10 AND" SEARCH_COMMON
#define ORDER_ID " ORDER BY p.id LIMIT $11 OFFSET $12"
#define ORDER_NAME " ORDER BY p.name, p.id LIMIT $11 OFFSET $12"
#define ORDER_BIRTH " ORDER BY p.birth_date, p.id LIMIT $11 OFFSET $12"
#define SEARCH_SQL(by) {SEARCH_SELECT by ORDER_ID, SEARCH_SELECT by ORDER_NAME, SEARCH_SELECT by ORDER_BIRTH}

enum query_kind { Q_ALL, Q_NAME, Q_IDNUM, Q_TAIL, Q_PHONE, NQUERY_KINDS };
static const char *const search_sql[NQUERY_KINDS][3] = {
	[Q_ALL] = SEARCH_SQL(BY_ALL),
	[Q_NAME] = SEARCH_SQL(BY_NAME),
	[Q_IDNUM] = SEARCH_SQL(BY_IDNUM),
	[Q_TAIL] = SEARCH_SQL(BY_TAIL),
	[Q_PHONE] = SEARCH_SQL(BY_PHONE),
};

struct query_plan {
	enum query_kind kind;
	char gram[16];
	char name_like[200];
	char id_exact[24];
	char tail[24];
	char id_suffix[32];
	char phone[24];
};

static bool all_id_chars(const char *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool last = i == n - 1;
		if (!((q[i] >= '0' && q[i] <= '9') || (last && (q[i] == 'X' || q[i] == 'x'))))
			return false;
	}
	return n > 0;
}

/* Decide what the clerk typed. */
static sy_status plan_query(const char *q, struct query_plan *p, sy_err *err)
{
	size_t n = strlen(q);
	memset(p, 0, sizeof *p);
	/* The query string is not checked for UTF-8 on the way in; a name must be text. */
	if (!text_valid_utf8_line(q))
		return sy_failf(err, SY_EINVAL, "invalid_text", "q", "搜索词含有非法字符",
				"search text is not valid UTF-8 text");
	if (all_id_chars(q, n)) {
		char up[24];
		snprintf(up, sizeof up, "%s", q);
		if (up[n - 1] == 'x')
			up[n - 1] = 'X';
		if (n == 18) {
			p->kind = Q_IDNUM;
			snprintf(p->id_exact, sizeof p->id_exact, "%s", up);
		} else if (n == 11 && up[0] == '1' && up[n - 1] != 'X') {
			p->kind = Q_PHONE;
			snprintf(p->phone, sizeof p->phone, "%s", up);
		} else if (n >= 4 && n < 18) {
			p->kind = Q_TAIL;
			snprintf(p->tail, sizeof p->tail, "%s", up + n - 4);
			if (n > 4)
				snprintf(p->id_suffix, sizeof p->id_suffix, "%%%s", up);
		} else {
			return sy_failf(err, SY_EINVAL, "query_too_short", "q",
					"按身份证号查找请至少输入后4位", "type at least the last 4 digits of the ID number");
		}
		return SY_OK;
	}
	/* A name: the first one or two characters find candidates through the index; LIKE confirms. */
	const char *s = q;
	int chars = 0;
	while (*s && chars < 2) {
		s++;
		while ((*s & 0xC0) == 0x80)
			s++;
		chars++;
	}
	size_t glen = (size_t)(s - q); /* two valid UTF-8 characters: at most 8 bytes */
	if (glen >= sizeof p->gram)
		return sy_failf(err, SY_EINVAL, "invalid_text", "q", "搜索词含有非法字符", "invalid search text");
	memcpy(p->gram, q, glen);
	p->gram[glen] = '\0';
	p->kind = Q_NAME;
	if (!text_like_contains(q, p->name_like, sizeof p->name_like))
		return sy_failf(err, SY_EINVAL, "too_long", "q", "搜索词过长", "search text too long");
	return SY_OK;
}

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

sy_status registry_people_search(db *d, const struct principal *actor, const struct people_filter *f,
				 json_t **items, int64_t *next, sy_err *err)
{
	char like[REGION_CODE_MAX + 1], now[TIME_ISO_LEN], day[11];
	struct query_plan qp;
	db_rows *r = NULL;
	sy_status st;
	*items = NULL;
	*next = 0;
	if (actor->role & ROLES_ORG)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "您的角色无权查询人员", "your role may not search people");
	if (f->region) {
		char prefix[REGION_CODE_MAX];
		if ((st = scope_region_allows(actor, f->region) ? SY_OK
			  : scope_require_region(actor, f->region, "region", err)))
			return st;
		region_prefix(f->region, prefix);
		snprintf(like, sizeof like, "%s%%", prefix);
	} else {
		scope_region_like(actor, like);
	}
	if (f->category && !person_category_valid(f->category))
		return sy_failf(err, SY_EINVAL, "invalid_category", "category", "人员类别无效", "unknown category");
	if (f->status && !person_status_valid(f->status))
		return sy_failf(err, SY_EINVAL, "invalid_status", "status", "人员状态无效", "unknown status");
	memset(&qp, 0, sizeof qp);
	if (f->q && (st = plan_query(f->q, &qp, err)))
		return st;
	time_now_iso(now);
	snprintf(day, sizeof day, "%.10s", now);
	const char *sql = search_sql[qp.kind][f->sort == SORT_NAME ? 1 : f->sort == SORT_BIRTH ? 2 : 0];
	if ((st = db_query(d, sql,
			   DB_ARGS(DB_T(like), DB_T(f->status), DB_T(f->category), DB_T(day),
				   DB_T(nz(qp.gram)), DB_T(nz(qp.name_like)), DB_T(nz(qp.id_exact)),
				   DB_T(nz(qp.tail)), DB_T(nz(qp.id_suffix)), DB_T(nz(qp.phone)),
				   DB_I(f->limit + 1), DB_I(f->cursor)),
			   &r, err)))
		return st;
	json_t *a = json_array();
	int n = 0;
	while (a && db_next(r)) {
		if (n == f->limit) {
			*next = f->cursor + f->limit;
			break;
		}
		char masked[19], phone[24];
		const char *idn = db_text(r, 1), *ph = db_text(r, 5);
		idcard_mask(idn, masked);
		registry_mask_phone(ph, phone);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s?}",
			"id", (json_int_t)db_int(r, 0), "id_number", f->unmask ? idn : masked,
			"name", db_text(r, 2), "sex", db_text(r, 3), "birth_date", db_text(r, 4),
			"phone", f->unmask ? (ph ? ph : "") : phone, "region_code", db_text(r, 6),
			"region_name", db_text(r, 7), "status", db_text(r, 8), "address", db_text(r, 9)));
		n++;
	}
	db_rows_free(r);
	if (!a)
		return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
	*items = a;
	return SY_OK;
}
