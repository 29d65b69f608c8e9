/*
 * circle.c - the 10-minute circle: settings, nearby search, and the coverage
 * analysis (see circle.h). Points are loaded with one query each and all
 * the geometry is lib/geo's grid index, in memory.
 */
#include "circle.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "lib/arena.h"
#include "lib/geo.h"
#include "lib/idcard.h"
#include "lib/jsonw.h"
#include "lib/log.h"
#include "lib/text.h"
#include "lib/timeutil.h"
#include "internal.h"
#include "modules/registry/people.h"

/*
 * How far the analysis looks for an uncovered holder's nearest member, in
 * circles: three circles' walk says "far" plainly enough for recruiting, and
 * it bounds the search for people far from every member.
 */
#define NEAREST_REACH_CIRCLES 3.0

/* ---- SQL ------------------------------------------------------------------------------------ */

static const char SQL_SETTINGS[] =
	"SELECT default_minutes, walking_speed_m_per_min, detour_factor, grid_cell_m, nearby_cache_seconds,"
	" updated_by, updated_at FROM circle_settings WHERE id = 1";
static const char SQL_SETTINGS_SET[] =
	"UPDATE circle_settings SET default_minutes = $1, walking_speed_m_per_min = $2, detour_factor = $3,"
	" grid_cell_m = $4, nearby_cache_seconds = $5, updated_by = $6, updated_at = $7 WHERE id = 1";
static const char SQL_MEMBERS[] =
	"SELECT o.id, o.lat, o.lon, o.name, m.category, o.address, o.region_code"
	" FROM merchant_profiles m JOIN orgs o ON o.id = m.org_id"
	" WHERE m.status = 'member' AND o.lat IS NOT NULL AND o.lon IS NOT NULL ORDER BY o.id";
/* Registered, located, not in the network: never joined, a candidate, or one that left. */
static const char SQL_CANDIDATES[] =
	"SELECT o.id, o.lat, o.lon, o.name, m.category, o.address, o.region_code"
	" FROM orgs o LEFT JOIN merchant_profiles m ON m.org_id = o.id"
	" WHERE (m.status IS NULL OR m.status <> 'member') AND o.lat IS NOT NULL AND o.lon IS NOT NULL"
	" AND o.region_code LIKE $1 ORDER BY o.id";
/* Card holders: a standing valid card (received) and home coordinates. */
static const char SQL_HOLDERS[] =
	"SELECT p.id, p.lat, p.lon, p.region_code FROM cards c JOIN people p ON p.id = c.person_id"
	" WHERE c.state = 'received' AND c.live = 1 AND p.lat IS NOT NULL AND p.lon IS NOT NULL"
	" AND p.region_code LIKE $1";
/* The members' switched-on offers, in member order (SQL_MEMBERS's), dates checked per request. */
static const char SQL_MEMBER_OFFERS[] =
	"SELECT f.org_id, f.id, f.title, f.benefit_kind, f.benefit_value, f.categories, f.usage_rule,"
	" f.companion_allowed, f.valid_from, f.valid_until"
	" FROM offers f JOIN merchant_profiles m ON m.org_id = f.org_id"
	" WHERE f.active = 1 AND m.status = 'member' ORDER BY f.org_id, f.id";
static const char SQL_REGION_NAME[] = "SELECT name FROM regions WHERE code = $1";
static const char SQL_PERSON_HOME[] = "SELECT lat, lon FROM people WHERE id = $1 AND lat IS NOT NULL AND lon IS NOT NULL";
static const char SQL_ORG_PLACE[] = "SELECT lat, lon FROM orgs WHERE id = $1 AND lat IS NOT NULL AND lon IS NOT NULL";
static const char SQL_REGION_SEAT[] = "SELECT lat, lon FROM regions WHERE code = $1 AND lat IS NOT NULL AND lon IS NOT NULL";
static const char SQL_PERSON_ROW[] = "SELECT name, id_number FROM people WHERE id = $1";

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

static double round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

/* ---- settings ------------------------------------------------------------------------------- */

sy_status circle_settings_get(db *d, struct circle_settings *s, sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(d, SQL_SETTINGS, DB_NOARGS, &r, err);
	if (st)
		return st;
	memset(s, 0, sizeof *s);
	if (!db_next(r)) {
		st = sy_failf(err, SY_EINTERNAL, "circle_settings_missing", NULL, "缺少拥军圈设置",
			      "the circle settings are missing");
	} else {
		s->default_minutes = db_int(r, 0);
		s->walking_speed_m_per_min = db_double(r, 1);
		s->detour_factor = db_double(r, 2);
		s->grid_cell_m = db_int(r, 3);
		s->nearby_cache_seconds = db_int(r, 4);
		snprintf(s->updated_by, sizeof s->updated_by, "%s", db_text(r, 5) ? db_text(r, 5) : "");
		snprintf(s->updated_at, sizeof s->updated_at, "%s", db_text(r, 6) ? db_text(r, 6) : "");
	}
	db_rows_free(r);
	return st;
}

json_t *circle_settings_json(const struct circle_settings *s)
{
	return json_pack("{s:I, s:f, s:f, s:I, s:I, s:s?, s:s?}", "default_minutes", (json_int_t)s->default_minutes,
			 "walking_speed_m_per_min", s->walking_speed_m_per_min, "detour_factor", s->detour_factor,
			 "grid_cell_m", (json_int_t)s->grid_cell_m, "nearby_cache_seconds",
			 (json_int_t)s->nearby_cache_seconds, "updated_by", s->updated_by[0] ? s->updated_by : NULL,
			 "updated_at", s->updated_at[0] ? s->updated_at : NULL);
}

static sy_status out_of_range(const char *field, const char *zh, const char *en, sy_err *err)
{
	return sy_failf(err, SY_EINVAL, "out_of_range", field, zh, en);
}

static sy_status check_patch(const struct circle_settings_patch *p, sy_err *err)
{
	if (p->default_minutes && (p->default_minutes < 1 || p->default_minutes > CIRCLE_MINUTES_MAX))
		return out_of_range("default_minutes", "默认步行分钟数须为 1–60", "default_minutes is 1–60", err);
	if (p->walking_speed_m_per_min != 0 && !(p->walking_speed_m_per_min >= 20 && p->walking_speed_m_per_min <= 150))
		return out_of_range("walking_speed_m_per_min", "步行速度须为每分钟 20–150 米",
				    "walking speed is 20–150 m/min", err);
	if (p->detour_factor != 0 && !(p->detour_factor >= 1 && p->detour_factor <= 3))
		return out_of_range("detour_factor", "绕行系数须为 1.0–3.0", "detour_factor is 1.0–3.0", err);
	if (p->grid_cell_m && (p->grid_cell_m < 100 || p->grid_cell_m > 5000))
		return out_of_range("grid_cell_m", "网格边长须为 100–5000 米", "grid_cell_m is 100–5000 m", err);
	if (p->set_cache_seconds && (p->nearby_cache_seconds < 0 || p->nearby_cache_seconds > 3600))
		return out_of_range("nearby_cache_seconds", "缓存时间须为 0–3600 秒", "nearby_cache_seconds is 0–3600",
				    err);
	return SY_OK;
}

sy_status circle_settings_set(db *d, const struct principal *actor, const struct circle_settings_patch *p,
			      sy_err *err)
{
	struct circle_settings before, after;
	char now[TIME_ISO_LEN];
	bool own;
	sy_status st;
	if (actor->role != ROLE_ADMIN)
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "拥军圈设置由市退役军人事务局（管理员）修改",
				"the circle settings are the city bureau's (an admin's)");
	if ((st = check_patch(p, err)) || (st = db_tx_join(d, &own, err)))
		return st;
	if ((st = circle_settings_get(d, &before, err)))
		goto out;
	after = before;
	if (p->default_minutes)
		after.default_minutes = p->default_minutes;
	if (p->walking_speed_m_per_min != 0)
		after.walking_speed_m_per_min = p->walking_speed_m_per_min;
	if (p->detour_factor != 0)
		after.detour_factor = p->detour_factor;
	if (p->grid_cell_m)
		after.grid_cell_m = p->grid_cell_m;
	if (p->set_cache_seconds)
		after.nearby_cache_seconds = p->nearby_cache_seconds;
	time_now_iso(now);
	if ((st = db_execp(d, SQL_SETTINGS_SET,
			   DB_ARGS(DB_I(after.default_minutes), DB_D(after.walking_speed_m_per_min),
				   DB_D(after.detour_factor), DB_I(after.grid_cell_m), DB_I(after.nearby_cache_seconds),
				   DB_T(actor->name), DB_T(now)),
			   NULL, err)))
		goto out;
	snprintf(after.updated_by, sizeof after.updated_by, "%s", actor->name);
	snprintf(after.updated_at, sizeof after.updated_at, "%s", now);
	struct audit_event ev = {.action = "circle.settings", .object_type = "circle_settings", .object_id = "1",
				 .region_code = actor->region_code};
	ev.detail = json_pack("{s:o, s:o}", "before", circle_settings_json(&before), "after", circle_settings_json(&after));
	st = ev.detail ? audit_write(d, actor, &ev, err) : oom(err);
	json_decref(ev.detail);
out:
	st = db_tx_finish(d, own, st, err);
	if (!st)
		circle_invalidate();
	return st;
}

double circle_reach_m(const struct circle_settings *s, double minutes)
{
	return minutes * s->walking_speed_m_per_min / s->detour_factor;
}

/* ---- points --------------------------------------------------------------------------------- */

/* Organisations with coordinates (members or candidates) and what nearby search shows of them. */
struct places {
	size_t n, cap;
	int64_t *id;
	double *lat, *lon;
	const char **name, **category, **address, **region;
	arena strings;
	geo_grid *grid;
};

static void places_free(struct places *p)
{
	if (!p)
		return;
	free(p->id);
	free(p->lat);
	free(p->lon);
	free(p->name);
	free(p->category);
	free(p->address);
	free(p->region);
	geo_grid_free(p->grid);
	arena_free(&p->strings);
	memset(p, 0, sizeof *p); /* empty: freeing it again is harmless */
}

static bool places_grow(struct places *p)
{
	size_t cap = p->cap ? p->cap * 2 : 256;
#define GROW(f)                                                       \
	do {                                                          \
		void *q = realloc((void *)p->f, cap * sizeof *p->f);  \
		if (!q)                                               \
			return false;                                 \
		p->f = q;                                             \
	} while (0)
	GROW(id);
	GROW(lat);
	GROW(lon);
	GROW(name);
	GROW(category);
	GROW(address);
	GROW(region);
#undef GROW
	p->cap = cap;
	return true;
}

/* Load SQL_MEMBERS or SQL_CANDIDATES (same columns); index them with cells of cell_m. */
static sy_status places_load(db *d, const char *sql, const db_val *args, int nargs, double cell_m,
			     struct places *p, sy_err *err)
{
	db_rows *r = NULL;
	memset(p, 0, sizeof *p);
	arena_init(&p->strings, 1 << 16);
	sy_status st = db_query(d, sql, args, nargs, &r, err);
	while (!st && db_next(r)) {
		double lat = db_double(r, 1), lon = db_double(r, 2);
		if (!geo_valid(lat, lon))
			continue;
		if (p->n == p->cap && !places_grow(p)) {
			st = oom(err);
			break;
		}
		size_t i = p->n;
		p->id[i] = db_int(r, 0);
		p->lat[i] = lat;
		p->lon[i] = lon;
		p->name[i] = arena_strdup(&p->strings, db_text(r, 3));
		p->category[i] = arena_strdup(&p->strings, db_text(r, 4));
		p->address[i] = arena_strdup(&p->strings, db_text(r, 5));
		p->region[i] = arena_strdup(&p->strings, db_text(r, 6));
		if (!p->name[i] || !p->region[i] || (db_text(r, 4) && !p->category[i]) ||
		    (db_text(r, 5) && !p->address[i])) {
			st = oom(err);
			break;
		}
		p->n++;
	}
	db_rows_free(r);
	if (!st && !(p->grid = geo_grid_build(p->lat, p->lon, p->n, cell_m)))
		st = oom(err);
	if (st)
		places_free(p);
	return st;
}

/* ---- nearby: a cached copy of the network per process --------------------------------------- */

/*
 * The answer is JSON text put together from pieces written once, when the
 * network is loaded (lib/jsonw writes them as jansson would). Building each
 * member's object with jansson and writing it out for every search took
 * 89 µs a search with 100,000 members (bench/nearby.c); finding the 20
 * nearest and joining their pieces takes about 5.
 */

/*
 * What a search reads of a member, by its slot (geo_hit.slot, the grid's cell
 * order): its object up to its offers, {"org_id":…,"lat":…,"lon":…,"offers":[
 * is text[at .. at + len); its offers are offers[first .. first + count).
 */
struct member_ref {
	uint32_t at, len, first, count;
};

/* A member's offer as nearby search shows it: where its JSON text is, and the dates it may be used. */
struct cached_offer {
	uint32_t at, len;                 /* {id, title, …} */
	char valid_from[11], valid_until[11]; /* China dates (YYYY-MM-DD), inclusive; "": open */
};

/* The largest number of tenths of a minute a walk within the circle can take. */
#define MINUTE_TENTHS (CIRCLE_MINUTES_MAX * 10)

struct network {
	int refs;
	struct circle_settings s;
	struct places members;
	/*
	 * Every piece of text, one after another (no pointer or alignment each),
	 * in the grid's cell order, each member's offers after it: the members a
	 * search lists are near each other in memory too. Reading each from
	 * anywhere in 30 MB cost a sixth of the server's time in cache misses.
	 */
	char *text;
	struct member_ref *member; /* by slot, so also in cell order */
	struct cached_offer *offers;
	/* While loading: member i's offers are offers[first[i] .. first[i] + count[i]). */
	uint32_t *first, *count;
	/* "minutes" as jansson writes n / 10 (round_to's tenths), for n up to MINUTE_TENTHS. */
	char tenths[MINUTE_TENTHS + 1][24];
	time_t until;
	/* The China date when it was loaded, and when that day ends (China keeps UTC+8 all year). */
	char day[11];
	time_t day_end;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct network *cache;
/* Bumped by every invalidation: a copy loaded across one is stale before it is installed. */
static uint64_t cache_generation;
/* A thread is loading a fresh copy: the others keep answering from the old one meanwhile. */
static bool cache_loading;
/*
 * Signalled when a load ends (threads that had no copy to answer from wait
 * for it) and when a refresher thread exits (circle_shutdown waits for it).
 */
static pthread_cond_t cache_loaded = PTHREAD_COND_INITIALIZER;
/* Copies loaded by this process. */
static uint64_t cache_loads;

static void network_free(struct network *n)
{
	places_free(&n->members);
	free(n->text);
	free(n->member);
	free(n->offers);
	free(n->first);
	free(n->count);
	free(n);
}

static void network_release(struct network *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&cache_mu);
	bool last = --n->refs == 0;
	pthread_mutex_unlock(&cache_mu);
	if (last)
		network_free(n);
}

uint64_t circle_cache_loads(void)
{
	pthread_mutex_lock(&cache_mu);
	uint64_t n = cache_loads;
	pthread_mutex_unlock(&cache_mu);
	return n;
}

void circle_invalidate(void)
{
	pthread_mutex_lock(&cache_mu);
	struct network *old = cache;
	cache = NULL;
	cache_generation++;
	pthread_mutex_unlock(&cache_mu);
	network_release(old);
}

/* Where the next piece of text starts; false when the text no longer fits 32-bit offsets (4 GB). */
static bool text_at(const strbuf *text, uint32_t *at)
{
	if (text->oom || text->len > UINT32_MAX)
		return false;
	*at = (uint32_t)text->len;
	return true;
}

/* An offer row of SQL_MEMBER_OFFERS as the offers API shows it (the fields a holder reads). */
static void offer_text(strbuf *sb, db_rows *r)
{
	sb_lit(sb, "{\"id\":");
	jsonw_int(sb, db_int(r, 1));
	sb_lit(sb, ",\"title\":");
	jsonw_string(sb, db_text(r, 2));
	sb_lit(sb, ",\"benefit_kind\":");
	jsonw_string(sb, db_text(r, 3));
	sb_lit(sb, ",\"benefit_value\":");
	if (db_isnull(r, 4))
		sb_lit(sb, "null");
	else
		jsonw_real(sb, db_double(r, 4));
	sb_lit(sb, ",\"categories\":");
	merchants_categories_text(sb, db_text(r, 5));
	sb_lit(sb, ",\"usage_rule\":");
	jsonw_string(sb, db_text(r, 6));
	sb_lit(sb, ",\"companion_allowed\":");
	jsonw_bool(sb, db_int(r, 7) != 0);
	sb_lit(sb, ",\"valid_until\":");
	jsonw_string(sb, db_text(r, 9));
	sb_putc(sb, '}');
}

/* A stored date (YYYY-MM-DD: the offers module checks them) or "" for NULL. */
static void copy_date(char out[11], const char *date)
{
	size_t n = date ? strnlen(date, 10) : 0;
	memcpy(out, date ? date : "", n);
	out[n] = '\0';
}

/*
 * The members' offers, one query, matched to the members by org id: both
 * come ordered by it, so one pass pairs them.
 */
static sy_status offers_load(db *d, struct network *n, strbuf *text, sy_err *err) /* text: a scratch copy */
{
	struct places *m = &n->members;
	size_t cap = 0, nof = 0, i = 0;
	db_rows *r = NULL;
	n->first = calloc(m->n + 1, sizeof *n->first);
	n->count = calloc(m->n + 1, sizeof *n->count);
	if (!n->first || !n->count)
		return oom(err);
	sy_status st = db_query(d, SQL_MEMBER_OFFERS, DB_NOARGS, &r, err);
	while (!st && db_next(r)) {
		int64_t org = db_int(r, 0);
		while (i < m->n && m->id[i] < org)
			i++;
		if (i == m->n || m->id[i] != org)
			continue; /* a member without coordinates: not on the map */
		if (nof == cap) {
			size_t c = cap ? cap * 2 : 256;
			struct cached_offer *q = realloc(n->offers, c * sizeof *q);
			if (!q) {
				st = oom(err);
				break;
			}
			n->offers = q;
			cap = c;
		}
		struct cached_offer *o = &n->offers[nof];
		uint32_t end;
		bool ok = text_at(text, &o->at);
		offer_text(text, r);
		if (!ok || !text_at(text, &end) || nof >= UINT32_MAX) {
			st = oom(err);
			break;
		}
		o->len = end - o->at;
		copy_date(o->valid_from, db_text(r, 8));
		copy_date(o->valid_until, db_text(r, 9));
		if (!n->count[i]++)
			n->first[i] = (uint32_t)nof;
		nof++;
	}
	db_rows_free(r);
	return st;
}

/*
 * Each member's object up to its offers, then its offers (from scratch, where
 * offers_load wrote them), cell by cell; and the minutes' texts.
 */
static sy_status texts_make(struct network *n, const strbuf *scratch, strbuf *sb, sy_err *err)
{
	const struct places *p = &n->members;
	int nx, ny;
	size_t ncells = geo_grid_cells(p->grid, &nx, &ny);
	size_t slot = 0;
	if (!(n->member = malloc((p->n ? p->n : 1) * sizeof *n->member)))
		return oom(err);
	for (size_t c = 0; c < ncells; c++) {
		const uint32_t *idx;
		size_t np = geo_grid_cell_points(p->grid, c, &idx);
		for (size_t k = 0; k < np; k++) {
			size_t i = idx[k];
			uint32_t end;
			struct member_ref *ref = &n->member[slot++];
			if (!text_at(sb, &ref->at))
				return oom(err);
			sb_lit(sb, "{\"org_id\":");
			jsonw_int(sb, p->id[i]);
			sb_lit(sb, ",\"name\":");
			jsonw_string(sb, p->name[i]);
			sb_lit(sb, ",\"category\":");
			jsonw_string(sb, p->category[i]);
			sb_lit(sb, ",\"address\":");
			jsonw_string(sb, p->address[i]);
			sb_lit(sb, ",\"region_code\":");
			jsonw_string(sb, p->region[i]);
			sb_lit(sb, ",\"lat\":");
			jsonw_real(sb, p->lat[i]);
			sb_lit(sb, ",\"lon\":");
			jsonw_real(sb, p->lon[i]);
			sb_lit(sb, ",\"offers\":[");
			if (!text_at(sb, &end))
				return oom(err);
			ref->len = end - ref->at;
			ref->first = n->first[i];
			ref->count = n->count[i];
			for (size_t j = n->first[i]; j < (size_t)n->first[i] + n->count[i]; j++) {
				struct cached_offer *o = &n->offers[j];
				uint32_t at;
				if (!text_at(sb, &at))
					return oom(err);
				sb_append(sb, scratch->buf + o->at, o->len);
				o->at = at;
			}
		}
	}
	if (sb->oom)
		return oom(err);
	strbuf t;
	sb_init(&t);
	for (int k = 0; k <= MINUTE_TENTHS; k++) {
		jsonw_real(&t, k * 0.1);
		if (t.oom || t.len >= sizeof n->tenths[k]) {
			sb_free(&t);
			return oom(err);
		}
		memcpy(n->tenths[k], sb_str(&t), t.len + 1);
		sb_reset(&t);
	}
	sb_free(&t);
	return SY_OK;
}

static sy_status network_load(db *d, struct network **out, sy_err *err)
{
	strbuf sb, scratch;
	sb_init(&sb);
	sb_init(&scratch);
	*out = NULL;
	struct network *n = calloc(1, sizeof *n);
	if (!n)
		return oom(err);
	sy_status st = circle_settings_get(d, &n->s, err);
	if (!st)
		st = places_load(d, SQL_MEMBERS, DB_NOARGS, circle_reach_m(&n->s, (double)n->s.default_minutes),
				 &n->members, err);
	if (!st)
		st = offers_load(d, n, &scratch, err);
	if (!st)
		st = texts_make(n, &scratch, &sb, err);
	sb_free(&scratch);
	/* The members' refs hold their offers now. */
	free(n->first);
	free(n->count);
	n->first = n->count = NULL;
	/* The text, no longer than it is (the buffer grew by doubling). */
	size_t len = sb.len;
	if (!st && !(n->text = sb_steal(&sb)))
		st = oom(err);
	sb_free(&sb);
	char *fit = n->text ? realloc(n->text, len + 1) : NULL;
	if (fit)
		n->text = fit;
	if (st) {
		network_free(n);
		return st;
	}
	time_t now = time(NULL);
	merchants_day_of(now, n->day);
	n->day_end = ((now + 8 * 3600) / 86400 + 1) * 86400 - 8 * 3600;
	*out = n;
	return st;
}

/* Where a refresher thread opens its own connection (circle_configure); "" loads on the request's. */
static char refresh_db_url[1024];
/* Refresher threads running: circle_shutdown waits for none. */
static int refreshers;

void circle_configure(const char *db_url)
{
	if (!text_copy(refresh_db_url, sizeof refresh_db_url, db_url))
		refresh_db_url[0] = '\0'; /* too long to keep: refresh on the request's thread */
}

/*
 * Under cache_mu: end a load started at `started`, installing n unless an
 * invalidation came meanwhile. n gets `refs` references for the caller, one
 * more when installed. Returns the copy it replaced, for the caller to release.
 */
static struct network *finish_load_locked(struct network *n, sy_status st, uint64_t generation, time_t started,
					  int refs)
{
	cache_loading = false;
	pthread_cond_broadcast(&cache_loaded);
	if (st)
		return NULL;
	n->until = started + n->s.nearby_cache_seconds;
	n->refs = refs;
	if (generation != cache_generation)
		return NULL;
	struct network *old = cache;
	cache = n;
	n->refs++;
	return old;
}

struct refresh {
	uint64_t generation;
	time_t started;
};

/* A refresher thread: loads the network on a connection of its own and installs it. */
static void *refresh_network(void *arg)
{
	struct refresh r = *(struct refresh *)arg;
	free(arg);
	struct network *n = NULL;
	sy_err err = {0};
	sy_status st = SY_EUNAVAILABLE;
	db *d = db_open(refresh_db_url, &err);
	if (d) {
		st = network_load(d, &n, &err);
		db_close(d);
	}
	pthread_mutex_lock(&cache_mu);
	struct network *old = finish_load_locked(n, st, r.generation, r.started, 0);
	bool unused = !st && n->refs == 0;
	if (st && cache) /* the old copy serves another period rather than a refresh per search */
		cache->until = r.started + cache->s.nearby_cache_seconds;
	pthread_mutex_unlock(&cache_mu);
	if (st)
		log_warn("nearby: reloading the merchant network failed: %s (%s)", err.msg_en, err.code);
	network_release(old);
	if (unused)
		network_free(n);
	pthread_mutex_lock(&cache_mu);
	refreshers--;
	pthread_cond_broadcast(&cache_loaded);
	pthread_mutex_unlock(&cache_mu);
	return NULL;
}

/* Under cache_mu, with an expired copy: start a refresher thread; false when none could start. */
static bool start_refresh_locked(time_t now)
{
	if (!refresh_db_url[0] || cache->s.nearby_cache_seconds <= 0)
		return false; /* 0 s: every search reads the network afresh */
	struct refresh *r = malloc(sizeof *r);
	if (!r)
		return false;
	*r = (struct refresh){cache_generation, now};
	pthread_t t;
	pthread_attr_t attr;
	bool started = pthread_attr_init(&attr) == 0;
	if (started) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &attr, refresh_network, r) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started) {
		free(r);
		return false;
	}
	cache_loading = true;
	cache_loads++;
	refreshers++;
	return true;
}

void circle_shutdown(void)
{
	pthread_mutex_lock(&cache_mu);
	while (refreshers)
		pthread_cond_wait(&cache_loaded, &cache_mu);
	pthread_mutex_unlock(&cache_mu);
}

/*
 * This process's copy of the network, loaded again after nearby_cache_seconds
 * (or at once after circle_invalidate). One thread loads at a time. An expired
 * copy is refreshed by a thread of its own (circle_configure) while searches
 * go on answering from it; when an invalidation left no copy, searches wait
 * for the one loading it, rather than each loading its own.
 */
static sy_status network_get(db *d, struct network **out, sy_err *err)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&cache_mu);
	while (!cache && cache_loading)
		pthread_cond_wait(&cache_loaded, &cache_mu);
	if (cache && (now < cache->until || cache_loading || start_refresh_locked(now))) {
		cache->refs++;
		*out = cache;
		pthread_mutex_unlock(&cache_mu);
		return SY_OK;
	}
	uint64_t generation = cache_generation;
	cache_loading = true;
	cache_loads++;
	pthread_mutex_unlock(&cache_mu);
	/* Load outside the lock, on the request's connection. */
	struct network *n;
	sy_status st = network_load(d, &n, err);
	pthread_mutex_lock(&cache_mu);
	struct network *old = finish_load_locked(n, st, generation, now, 1);
	pthread_mutex_unlock(&cache_mu);
	network_release(old);
	*out = n;
	return st;
}

struct category_filter {
	const struct places *p;
	const char *category;
};

static bool of_category(void *ctx, uint32_t i)
{
	const struct category_filter *f = ctx;
	return f->p->category[i] && strcmp(f->p->category[i], f->category) == 0;
}

/* The member in slot at straight_m metres: its object, with its offers usable on China date today. */
static void item_text(strbuf *sb, const struct network *n, size_t slot, double straight_m, const char *today)
{
	const struct member_ref *ref = &n->member[slot];
	sb_append(sb, n->text + ref->at, ref->len);
	bool first = true;
	for (size_t k = ref->first; k < (size_t)ref->first + ref->count; k++) {
		const struct cached_offer *o = &n->offers[k];
		if ((o->valid_from[0] && strcmp(today, o->valid_from) < 0) ||
		    (o->valid_until[0] && strcmp(today, o->valid_until) > 0))
			continue;
		if (!first)
			sb_putc(sb, ',');
		sb_append(sb, n->text + o->at, o->len);
		first = false;
	}
	double walk = straight_m * n->s.detour_factor;
	sb_lit(sb, "],\"distance_m\":");
	jsonw_int(sb, (int64_t)round(straight_m));
	sb_lit(sb, ",\"walk_m\":");
	jsonw_int(sb, (int64_t)round(walk));
	sb_lit(sb, ",\"minutes\":");
	/* round_to(minutes, 0.1), as tenths. */
	double tenths = round(walk / n->s.walking_speed_m_per_min / 0.1);
	if (tenths >= 0 && tenths <= MINUTE_TENTHS)
		sb_puts(sb, n->tenths[(int)tenths]);
	else
		jsonw_real(sb, tenths * 0.1);
	sb_putc(sb, '}');
}

/*
 * Ask the memory for the hits' texts before copying them. The network of a
 * city's merchants is larger than the cache and a search lands anywhere in
 * it, so each member's text is a miss; asked all at once, the misses overlap
 * instead of coming one after another.
 */
static void prefetch_items(const struct network *n, const struct geo_hit *hits, size_t nhits)
{
	for (size_t k = 0; k < nhits; k++)
		__builtin_prefetch(&n->member[hits[k].slot]);
	for (size_t k = 0; k < nhits; k++) {
		const struct member_ref *ref = &n->member[hits[k].slot];
		for (uint32_t b = 0; b < ref->len; b += 64)
			__builtin_prefetch(n->text + ref->at + b);
	}
}

sy_status circle_nearby(db *d, const struct circle_nearby_query *q, strbuf *out, sy_err *err)
{
	struct network *n = NULL;
	struct geo_hit hits[CIRCLE_NEARBY_LIMIT_MAX];
	sy_status st;
	if (!geo_valid(q->lat, 0))
		return sy_failf(err, SY_EINVAL, "invalid_lat", "lat", "纬度须为 -90 至 90 的数", "lat is a number from -90 to 90");
	if (!geo_valid(0, q->lon))
		return sy_failf(err, SY_EINVAL, "invalid_lon", "lon", "经度须为 -180 至 180 的数",
				"lon is a number from -180 to 180");
	if (q->minutes < 0 || q->minutes > CIRCLE_MINUTES_MAX)
		return sy_failf(err, SY_EINVAL, "invalid_minutes", "minutes", "步行分钟数须为 1–60",
				"minutes is 1–60");
	if (q->limit < 1 || q->limit > CIRCLE_NEARBY_LIMIT_MAX)
		return sy_fail(err, SY_EINVAL, "invalid_limit", "limit", "条数须为 1–%d", "limit is 1–%d",
			       CIRCLE_NEARBY_LIMIT_MAX);
	if ((st = network_get(d, &n, err)))
		return st;
	/* Today (China date) for the offers: the network's day, unless that has ended. */
	char later[11];
	const char *today = n->day;
	if (time(NULL) >= n->day_end) {
		merchants_today(later);
		today = later;
	}
	int minutes = q->minutes ? q->minutes : (int)n->s.default_minutes;
	double reach = circle_reach_m(&n->s, minutes);
	struct category_filter f = {&n->members, q->category};
	size_t nhits = geo_grid_nearest_k(n->members.grid, q->lat, q->lon, reach, (size_t)q->limit,
					  q->category ? of_category : NULL, &f, hits);
	/* About what a member with an offer or two takes. */
	sb_reserve(out, 256 + nhits * 512);
	sb_lit(out, "{\"center\":{\"lat\":");
	jsonw_real(out, q->lat);
	sb_lit(out, ",\"lon\":");
	jsonw_real(out, q->lon);
	sb_lit(out, "},\"minutes\":");
	jsonw_int(out, minutes);
	sb_lit(out, ",\"walk_m\":");
	jsonw_int(out, (int64_t)round(minutes * n->s.walking_speed_m_per_min));
	sb_lit(out, ",\"reach_m\":");
	jsonw_int(out, (int64_t)round(reach));
	sb_lit(out, ",\"items\":[");
	prefetch_items(n, hits, nhits);
	for (size_t k = 0; k < nhits; k++) {
		if (k)
			sb_putc(out, ',');
		item_text(out, n, hits[k].slot, hits[k].m, today);
	}
	sb_lit(out, "]}");
	network_release(n);
	return out->oom ? oom(err) : SY_OK;
}

/* The first row's two coordinates; false when there is none (or it is not a place). */
static bool point_of(db *d, const char *sql, db_val arg, double *lat, double *lon, sy_status *st, sy_err *err)
{
	db_rows *r = NULL;
	bool found = false;
	if ((*st = db_query(d, sql, &arg, 1, &r, err)))
		return false;
	if (db_next(r) && geo_valid(db_double(r, 0), db_double(r, 1))) {
		*lat = db_double(r, 0);
		*lon = db_double(r, 1);
		found = true;
	}
	db_rows_free(r);
	return found;
}

sy_status circle_caller_point(db *d, const struct principal *who, double *lat, double *lon, sy_err *err)
{
	sy_status st = SY_OK;
	char county[7], city[7];
	snprintf(county, sizeof county, "%.6s", who->region_code);
	snprintf(city, sizeof city, "%.4s00", who->region_code);
	if ((who->person_id > 0 && point_of(d, SQL_PERSON_HOME, DB_I(who->person_id), lat, lon, &st, err)) || st ||
	    (who->org_id > 0 && point_of(d, SQL_ORG_PLACE, DB_I(who->org_id), lat, lon, &st, err)) || st ||
	    point_of(d, SQL_REGION_SEAT, DB_T(who->region_code), lat, lon, &st, err) || st ||
	    point_of(d, SQL_REGION_SEAT, DB_T(county), lat, lon, &st, err) || st ||
	    point_of(d, SQL_REGION_SEAT, DB_T(city), lat, lon, &st, err) || st)
		return st;
	return sy_failf(err, SY_EINVAL, "required", "lat", "请给出位置（lat、lon）", "give a place (lat, lon)");
}

/* ---- the analysis --------------------------------------------------------------------------- */

struct region_tally {
	char code[7]; /* county level: the first six digits */
	char name[64];
	int64_t holders, covered;
};

struct circle_analysis {
	struct circle_settings s;
	int minutes;
	double reach_m;
	char region[REGION_CODE_MAX];
	/* Holders in scope. */
	size_t n;
	int64_t *person_id;
	double *lat, *lon;
	uint8_t *tally;       /* index into regions */
	int32_t *nearest;     /* index into members, -1 beyond NEAREST_REACH_CIRCLES */
	float *nearest_m;     /* straight metres to it */
	uint32_t *uncovered;  /* holder indexes, farthest first */
	size_t nuncovered;
	struct region_tally regions[64];
	int nregions;
	struct places members, candidates;
	geo_grid *heat;       /* the holders, in cells of grid_cell_m */
};

void circle_analysis_free(struct circle_analysis *a)
{
	if (!a)
		return;
	free(a->person_id);
	free(a->lat);
	free(a->lon);
	free(a->tally);
	free(a->nearest);
	free(a->nearest_m);
	free(a->uncovered);
	places_free(&a->members);
	places_free(&a->candidates);
	geo_grid_free(a->heat);
	free(a);
}

/* The county-level tally a region code belongs to (added when new); -1 when the table is full. */
static int tally_of(struct circle_analysis *a, const char *code)
{
	for (int i = a->nregions - 1; i >= 0; i--)
		if (strncmp(a->regions[i].code, code, 6) == 0)
			return i;
	if (a->nregions == (int)(sizeof a->regions / sizeof a->regions[0]))
		return -1;
	snprintf(a->regions[a->nregions].code, sizeof a->regions[0].code, "%.6s", code);
	return a->nregions++;
}

static sy_status holders_load(db *d, const char *like, struct circle_analysis *a, sy_err *err)
{
	db_rows *r = NULL;
	size_t cap = 0;
	sy_status st = db_query(d, SQL_HOLDERS, DB_ARGS(DB_T(like)), &r, err);
	while (!st && db_next(r)) {
		double lat = db_double(r, 1), lon = db_double(r, 2);
		int t = tally_of(a, db_text(r, 3) ? db_text(r, 3) : "");
		if (!geo_valid(lat, lon) || t < 0)
			continue;
		if (a->n == cap) {
			cap = cap ? cap * 2 : 1024;
			int64_t *id = realloc(a->person_id, cap * sizeof *id);
			if (id)
				a->person_id = id;
			double *la = realloc(a->lat, cap * sizeof *la);
			if (la)
				a->lat = la;
			double *lo = realloc(a->lon, cap * sizeof *lo);
			if (lo)
				a->lon = lo;
			uint8_t *ta = realloc(a->tally, cap * sizeof *ta);
			if (ta)
				a->tally = ta;
			if (!id || !la || !lo || !ta) {
				st = oom(err);
				break;
			}
		}
		a->person_id[a->n] = db_int(r, 0);
		a->lat[a->n] = lat;
		a->lon[a->n] = lon;
		a->tally[a->n] = (uint8_t)t;
		a->n++;
	}
	db_rows_free(r);
	return st;
}

static sy_status region_names(db *d, struct circle_analysis *a, sy_err *err)
{
	for (int i = 0; i < a->nregions; i++) {
		db_rows *r = NULL;
		char code[REGION_CODE_MAX];
		/* A county's code is its six digits; the city's own 130900 is "130900" too. */
		snprintf(code, sizeof code, "%s", a->regions[i].code);
		sy_status st = db_query(d, SQL_REGION_NAME, DB_ARGS(DB_T(code)), &r, err);
		if (st)
			return st;
		snprintf(a->regions[i].name, sizeof a->regions[i].name, "%s",
			 db_next(r) && db_text(r, 0) ? db_text(r, 0) : code);
		db_rows_free(r);
	}
	return SY_OK;
}

static int region_cmp(const void *x, const void *y, void *ctx)
{
	const struct region_tally *t = ctx;
	return strcmp(t[*(const int *)x].code, t[*(const int *)y].code);
}

/* Farthest first; those beyond the search (no nearest) before all; then by id. */
static int uncovered_cmp(const void *x, const void *y, void *ctx)
{
	const struct circle_analysis *a = ctx;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	float di = a->nearest[i] < 0 ? INFINITY : a->nearest_m[i], dj = a->nearest[j] < 0 ? INFINITY : a->nearest_m[j];
	if (di != dj)
		return di > dj ? -1 : 1;
	return (a->person_id[i] > a->person_id[j]) - (a->person_id[i] < a->person_id[j]);
}

/* The walk from every holder to the nearest member; the tallies; the uncovered, ordered. */
static sy_status measure(struct circle_analysis *a, sy_err *err)
{
	a->nearest = malloc((a->n ? a->n : 1) * sizeof *a->nearest);
	a->nearest_m = malloc((a->n ? a->n : 1) * sizeof *a->nearest_m);
	a->uncovered = malloc((a->n ? a->n : 1) * sizeof *a->uncovered);
	if (!a->nearest || !a->nearest_m || !a->uncovered)
		return oom(err);
	for (size_t i = 0; i < a->n; i++) {
		struct geo_hit h;
		struct region_tally *t = &a->regions[a->tally[i]];
		t->holders++;
		if (geo_grid_nearest(a->members.grid, a->lat[i], a->lon[i], a->reach_m * NEAREST_REACH_CIRCLES, &h)) {
			a->nearest[i] = (int32_t)h.index;
			a->nearest_m[i] = (float)h.m;
		} else {
			a->nearest[i] = -1;
			a->nearest_m[i] = INFINITY;
		}
		if (a->nearest[i] >= 0 && h.m <= a->reach_m)
			t->covered++;
		else
			a->uncovered[a->nuncovered++] = (uint32_t)i;
	}
	qsort_r(a->uncovered, a->nuncovered, sizeof *a->uncovered, uncovered_cmp, a);
	return SY_OK;
}

sy_status circle_analyse(db *d, const struct principal *actor, const struct circle_options *o,
			 struct circle_analysis **out, sy_err *err)
{
	char prefix[REGION_CODE_MAX], like[REGION_CODE_MAX + 1];
	sy_status st;
	*out = NULL;
	if (!(actor->role & ROLES_STAFF))
		return sy_failf(err, SY_EFORBIDDEN, "forbidden", NULL, "无权查看拥军圈覆盖分析",
				"you may not see the circle's coverage");
	if (o->minutes < 0 || o->minutes > CIRCLE_MINUTES_MAX)
		return sy_failf(err, SY_EINVAL, "invalid_minutes", "minutes", "步行分钟数须为 1–60", "minutes is 1–60");
	if (o->region) {
		int64_t found = 0;
		if (db_query_int(d, "SELECT COUNT(*) FROM regions WHERE code = $1", DB_ARGS(DB_T(o->region)), &found,
				 err) == SY_OK &&
		    found == 0)
			return sy_failf(err, SY_EINVAL, "invalid_region", "region", "地区代码不存在", "no such region code");
		if ((st = scope_require_region(actor, o->region, "region", err)))
			return st;
		region_prefix(o->region, prefix);
	} else {
		scope_region_prefix(actor, prefix);
	}
	snprintf(like, sizeof like, "%s%%", prefix);
	struct circle_analysis *a = calloc(1, sizeof *a);
	if (!a)
		return oom(err);
	snprintf(a->region, sizeof a->region, "%s", o->region ? o->region : actor->region_code);
	if ((st = circle_settings_get(d, &a->s, err)))
		goto out;
	a->minutes = o->minutes ? o->minutes : (int)a->s.default_minutes;
	a->reach_m = circle_reach_m(&a->s, a->minutes);
	/* Member cells of one circle: a covered holder's nearest is found reading 3×3 cells. */
	if ((st = places_load(d, SQL_MEMBERS, DB_NOARGS, a->reach_m, &a->members, err)) ||
	    (st = places_load(d, SQL_CANDIDATES, DB_ARGS(DB_T(like)), a->reach_m, &a->candidates, err)) ||
	    (st = holders_load(d, like, a, err)) || (st = region_names(d, a, err)))
		goto out;
	if ((st = measure(a, err)))
		goto out;
	if (!(a->heat = geo_grid_build(a->lat, a->lon, a->n, (double)a->s.grid_cell_m)))
		st = oom(err);
out:
	if (st)
		circle_analysis_free(a);
	else
		*out = a;
	return st;
}

static json_t *share_json(int64_t covered, int64_t holders)
{
	return holders ? json_real(round_to((double)covered / (double)holders, 0.0001)) : json_null();
}

json_t *circle_coverage_json(const struct circle_analysis *a)
{
	json_t *regions = json_array();
	int64_t holders = 0, covered = 0;
	int order[sizeof a->regions / sizeof a->regions[0]];
	for (int i = 0; i < a->nregions; i++)
		order[i] = i;
	qsort_r(order, (size_t)a->nregions, sizeof order[0], region_cmp, (void *)a->regions);
	for (int i = 0; regions && i < a->nregions; i++) {
		const struct region_tally *t = &a->regions[order[i]];
		holders += t->holders;
		covered += t->covered;
		if (json_array_append_new(regions, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o}", "code", t->code, "name",
							     t->name, "holders", (json_int_t)t->holders, "covered",
							     (json_int_t)t->covered, "uncovered",
							     (json_int_t)(t->holders - t->covered), "share",
							     share_json(t->covered, t->holders)))) {
			json_decref(regions);
			return NULL;
		}
	}
	if (!regions)
		return NULL;
	return json_pack("{s:i, s:I, s:I, s:s, s:I, s:{s:I, s:I, s:I, s:o}, s:o}", "minutes", a->minutes, "walk_m",
			 (json_int_t)round(a->minutes * a->s.walking_speed_m_per_min), "reach_m",
			 (json_int_t)round(a->reach_m), "region", a->region, "members", (json_int_t)a->members.n,
			 "total", "holders", (json_int_t)holders, "covered", (json_int_t)covered, "uncovered",
			 (json_int_t)(holders - covered), "share", share_json(covered, holders), "regions", regions);
}

/* 王** : the first character kept, every other one a star (what the registry's masking keeps). */
static void mask_name(const char *name, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	if (!name || !*name) {
		snprintf(out, cap, "%s", "");
		return;
	}
	/* The first UTF-8 character's bytes. */
	do
		i++;
	while (name[i] && ((unsigned char)name[i] & 0xC0) == 0x80);
	n = (size_t)snprintf(out, cap, "%.*s", (int)i, name);
	for (; name[i] && n + 1 < cap; i++)
		if (((unsigned char)name[i] & 0xC0) != 0x80)
			out[n++] = '*';
	out[n < cap ? n : cap - 1] = '\0';
}

sy_status circle_uncovered(db *d, const struct principal *actor, const struct circle_analysis *a, int limit,
			   int64_t cursor, json_t **items, int64_t *next, sy_err *err)
{
	bool show = registry_may_unmask(actor);
	sy_status st = SY_OK;
	*next = 0;
	if (!(*items = json_array()))
		return oom(err);
	size_t from = cursor > 0 ? (size_t)cursor : 0;
	for (size_t k = from; k < a->nuncovered && k < from + (size_t)limit; k++) {
		uint32_t i = a->uncovered[k];
		db_rows *r = NULL;
		if ((st = db_query(d, SQL_PERSON_ROW, DB_ARGS(DB_I(a->person_id[i])), &r, err)))
			break;
		char name[PERSON_NAME_MAX * 2], idn[32];
		const char *nm = db_next(r) ? db_text(r, 0) : NULL;
		if (show)
			snprintf(name, sizeof name, "%s", nm ? nm : "");
		else
			mask_name(nm, name, sizeof name);
		idcard_mask(db_text(r, 1) ? db_text(r, 1) : "", idn);
		db_rows_free(r);
		int32_t m = a->nearest[i];
		const struct region_tally *t = &a->regions[a->tally[i]];
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:f, s:f}", "id", (json_int_t)a->person_id[i], "name",
				      name, "id_number", idn, "region_code", t->code, "region_name", t->name, "lat",
				      a->lat[i], "lon", a->lon[i]);
		if (o && m >= 0) {
			json_object_set_new(o, "nearest_org_id", json_integer((json_int_t)a->members.id[m]));
			json_object_set_new(o, "nearest_org_name", json_string(a->members.name[m]));
			double walk = a->nearest_m[i] * a->s.detour_factor;
			json_object_set_new(o, "walk_m", json_integer((json_int_t)round(walk)));
			json_object_set_new(o, "minutes", json_real(round_to(walk / a->s.walking_speed_m_per_min, 0.1)));
		} else if (o) {
			json_object_set_new(o, "nearest_org_id", json_null());
			json_object_set_new(o, "nearest_org_name", json_null());
			json_object_set_new(o, "walk_m", json_null());
			json_object_set_new(o, "minutes", json_null());
		}
		if (!o || json_array_append_new(*items, o)) {
			st = oom(err);
			break;
		}
	}
	if (!st && from + (size_t)limit < a->nuncovered)
		*next = (int64_t)(from + (size_t)limit);
	if (st) {
		json_decref(*items);
		*items = NULL;
	}
	return st;
}

static bool is_covered(const struct circle_analysis *a, size_t i)
{
	return a->nearest[i] >= 0 && a->nearest_m[i] <= a->reach_m;
}

/* The uncovered holders of a heat map cell. */
static size_t cell_uncovered(const struct circle_analysis *a, size_t c, size_t *holders)
{
	const uint32_t *idx;
	size_t n = geo_grid_cell_points(a->heat, c, &idx), u = 0;
	for (size_t k = 0; k < n; k++)
		u += !is_covered(a, idx[k]);
	*holders = n;
	return u;
}

json_t *circle_grid_json(const struct circle_analysis *a)
{
	int nx, ny;
	size_t ncells = geo_grid_cells(a->heat, &nx, &ny);
	json_t *cells = json_array();
	for (size_t c = 0; cells && c < ncells; c++) {
		size_t holders, u = cell_uncovered(a, c, &holders);
		double la0, lo0, la1, lo1;
		if (!holders)
			continue;
		geo_grid_cell_bounds(a->heat, c, &la0, &lo0, &la1, &lo1);
		if (json_array_append_new(cells, json_pack("{s:f, s:f, s:f, s:f, s:I, s:I}", "lat_min", la0, "lon_min",
							   lo0, "lat_max", la1, "lon_max", lo1, "holders",
							   (json_int_t)holders, "uncovered", (json_int_t)u))) {
			json_decref(cells);
			return NULL;
		}
	}
	if (!cells)
		return NULL;
	return json_pack("{s:i, s:I, s:I, s:o}", "minutes", a->minutes, "cell_m", (json_int_t)a->s.grid_cell_m,
			 "reach_m", (json_int_t)round(a->reach_m), "cells", cells);
}

/* ---- where to recruit: greedy maximum coverage ------------------------------------------------ */

/* For each candidate place, the uncovered holders (positions in a->uncovered) within one circle. */
struct cand_sets {
	size_t n, ncap, nitems, icap;
	size_t *off; /* n + 1 offsets into items */
	uint32_t *items;
	bool oom;
};

static bool add_item(void *ctx, uint32_t index, double m)
{
	(void)m;
	struct cand_sets *cs = ctx;
	if (cs->nitems == cs->icap) {
		size_t cap = cs->icap ? cs->icap * 2 : 1024;
		uint32_t *v = realloc(cs->items, cap * sizeof *v);
		if (!v) {
			cs->oom = true;
			return false;
		}
		cs->items = v;
		cs->icap = cap;
	}
	cs->items[cs->nitems++] = index;
	return true;
}

static bool sets_add(struct cand_sets *cs, const geo_grid *ug, double lat, double lon, double r)
{
	if (cs->n + 2 > cs->ncap) {
		size_t cap = cs->ncap ? cs->ncap * 2 : 256;
		size_t *v = realloc(cs->off, cap * sizeof *v);
		if (!v)
			return false;
		cs->off = v;
		cs->ncap = cap;
		if (cs->n == 0)
			cs->off[0] = 0;
	}
	geo_grid_visit(ug, lat, lon, r, add_item, cs);
	cs->off[++cs->n] = cs->nitems;
	return !cs->oom;
}

static void sets_free(struct cand_sets *cs)
{
	free(cs->off);
	free(cs->items);
}

struct heap_ent {
	uint32_t gain, cand;
};

static bool ent_before(struct heap_ent x, struct heap_ent y)
{
	return x.gain > y.gain || (x.gain == y.gain && x.cand < y.cand);
}

static void heap_down(struct heap_ent *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && ent_before(h[l], h[m]))
			m = l;
		if (r < n && ent_before(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		struct heap_ent t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void heap_up(struct heap_ent *h, size_t i)
{
	while (i && ent_before(h[i], h[(i - 1) / 2])) {
		struct heap_ent t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/*
 * Lazy greedy: a candidate's gain only falls as others are taken, so the top
 * of the heap, re-counted, is the best when it still beats the next one.
 * picked/gains get up to k entries; *npicked how many had a gain.
 */
static sy_status greedy(const struct cand_sets *cs, size_t nuncovered, int k, uint32_t *picked, uint32_t *gains,
			int *npicked, sy_err *err)
{
	bool *taken = calloc(nuncovered ? nuncovered : 1, sizeof *taken);
	struct heap_ent *h = malloc((cs->n ? cs->n : 1) * sizeof *h);
	size_t n = 0;
	*npicked = 0;
	if (!taken || !h) {
		free(taken);
		free(h);
		return oom(err);
	}
	for (size_t c = 0; c < cs->n; c++)
		if (cs->off[c + 1] > cs->off[c])
			h[n++] = (struct heap_ent){(uint32_t)(cs->off[c + 1] - cs->off[c]), (uint32_t)c};
	for (size_t i = n / 2; i-- > 0;)
		heap_down(h, n, i);
	while (n && *npicked < k) {
		struct heap_ent top = h[0];
		h[0] = h[--n];
		heap_down(h, n, 0);
		uint32_t g = 0;
		for (size_t j = cs->off[top.cand]; j < cs->off[top.cand + 1]; j++)
			g += !taken[cs->items[j]];
		if (!g)
			continue;
		struct heap_ent now = {g, top.cand};
		if (n && !ent_before(now, h[0])) {
			h[n] = now;
			heap_up(h, n++);
			continue;
		}
		for (size_t j = cs->off[top.cand]; j < cs->off[top.cand + 1]; j++)
			taken[cs->items[j]] = true;
		picked[*npicked] = top.cand;
		gains[(*npicked)++] = g;
	}
	free(taken);
	free(h);
	return SY_OK;
}

/* Rank one kind of candidate place; row(i, rank, gain, cumulative) makes each entry. */
typedef json_t *(*rank_row_fn)(const struct circle_analysis *a, const size_t *cells, uint32_t cand, int rank,
			       uint32_t gain, uint64_t cumulative);

static sy_status rank_places(const struct circle_analysis *a, const struct cand_sets *cs, const size_t *cells, int k,
			     rank_row_fn row, json_t **out, sy_err *err)
{
	uint32_t *picked = malloc((size_t)k * sizeof *picked), *gains = malloc((size_t)k * sizeof *gains);
	int np = 0;
	uint64_t cum = 0;
	sy_status st = picked && gains ? greedy(cs, a->nuncovered, k, picked, gains, &np, err) : oom(err);
	*out = st ? NULL : json_array();
	if (!st && !*out)
		st = oom(err);
	for (int i = 0; !st && i < np; i++) {
		cum += gains[i];
		if (json_array_append_new(*out, row(a, cells, picked[i], i + 1, gains[i], cum)))
			st = oom(err);
	}
	free(picked);
	free(gains);
	if (st) {
		json_decref(*out);
		*out = NULL;
	}
	return st;
}

static json_t *org_row(const struct circle_analysis *a, const size_t *cells, uint32_t cand, int rank, uint32_t gain,
		       uint64_t cumulative)
{
	(void)cells;
	const struct places *p = &a->candidates;
	return json_pack("{s:i, s:I, s:s, s:s?, s:s, s:f, s:f, s:I, s:I}", "rank", rank, "org_id", (json_int_t)p->id[cand],
			 "name", p->name[cand], "category", p->category[cand], "region_code", p->region[cand], "lat",
			 p->lat[cand], "lon", p->lon[cand], "new_covered", (json_int_t)gain, "cumulative",
			 (json_int_t)cumulative);
}

static json_t *cell_row(const struct circle_analysis *a, const size_t *cells, uint32_t cand, int rank, uint32_t gain,
			uint64_t cumulative)
{
	double la0, lo0, la1, lo1;
	geo_grid_cell_bounds(a->heat, cells[cand], &la0, &lo0, &la1, &lo1);
	return json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:I}", "rank", rank, "lat", (la0 + la1) / 2, "lon",
			 (lo0 + lo1) / 2, "lat_min", la0, "lon_min", lo0, "lat_max", la1, "lon_max", lo1, "new_covered",
			 (json_int_t)gain, "cumulative", (json_int_t)cumulative);
}

sy_status circle_suggestions(const struct circle_analysis *a, int k, json_t **out, sy_err *err)
{
	struct cand_sets orgs = {0}, centres = {0};
	double *ulat = malloc((a->nuncovered ? a->nuncovered : 1) * sizeof *ulat);
	double *ulon = malloc((a->nuncovered ? a->nuncovered : 1) * sizeof *ulon);
	int nx, ny;
	size_t ncells = geo_grid_cells(a->heat, &nx, &ny), *cells = malloc((ncells ? ncells : 1) * sizeof *cells), nc = 0;
	geo_grid *ug = NULL;
	json_t *by_org = NULL, *by_cell = NULL;
	sy_status st = SY_OK;
	*out = NULL;
	if (k < 1 || k > CIRCLE_SUGGESTIONS_MAX)
		st = sy_failf(err, SY_EINVAL, "invalid_k", "k", "建议数须为 1–100", "k is 1–100");
	else if (!ulat || !ulon || !cells)
		st = oom(err);
	if (st)
		goto out;
	for (size_t j = 0; j < a->nuncovered; j++) {
		ulat[j] = a->lat[a->uncovered[j]];
		ulon[j] = a->lon[a->uncovered[j]];
	}
	if (!(ug = geo_grid_build(ulat, ulon, a->nuncovered, a->reach_m))) {
		st = oom(err);
		goto out;
	}
	for (size_t c = 0; c < a->candidates.n; c++)
		if (!sets_add(&orgs, ug, a->candidates.lat[c], a->candidates.lon[c], a->reach_m)) {
			st = oom(err);
			goto out;
		}
	/* Only cells with uncovered holders: a centre elsewhere may still reach some, but rarely the most. */
	for (size_t c = 0; c < ncells; c++) {
		size_t holders;
		double la0, lo0, la1, lo1;
		if (!cell_uncovered(a, c, &holders))
			continue;
		geo_grid_cell_bounds(a->heat, c, &la0, &lo0, &la1, &lo1);
		cells[nc++] = c;
		if (!sets_add(&centres, ug, (la0 + la1) / 2, (lo0 + lo1) / 2, a->reach_m)) {
			st = oom(err);
			goto out;
		}
	}
	if ((st = rank_places(a, &orgs, cells, k, org_row, &by_org, err)) ||
	    (st = rank_places(a, &centres, cells, k, cell_row, &by_cell, err)))
		goto out;
	if (!(*out = json_pack("{s:i, s:I, s:I, s:o, s:o}", "minutes", a->minutes, "reach_m", (json_int_t)round(a->reach_m),
			       "uncovered", (json_int_t)a->nuncovered, "orgs", by_org, "cells", by_cell)))
		st = oom(err);
	by_org = by_cell = NULL;
out:
	json_decref(by_org);
	json_decref(by_cell);
	geo_grid_free(ug);
	sets_free(&orgs);
	sets_free(&centres);
	free(ulat);
	free(ulon);
	free(cells);
	return st;
}
