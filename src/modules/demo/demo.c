/*
 * demo.c - the demo data set (see demo.h for what it holds and the logins).
 *
 * Every draw comes from three splitmix64 streams derived from the seed, one
 * each for organisations, people and users, so that adding a shop template
 * does not reshuffle every person. Region names, seats and populations are
 * read from the regions table (002_regions.sql) rather than repeated here.
 *
 * Street and town names below are plausible for each county but were not
 * checked against a map; no generated address refers to a real household.
 */
#include "demo.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/audit.h"
#include "db/scope.h"
#include "lib/idcard.h"
#include "lib/timeutil.h"
#include "modules/accounts/accounts.h"
#include "modules/cards/cards.h"
#include "modules/cases/cases.h"
#include "modules/ledger/ledger.h"
#include "modules/merchants/merchants.h"
#include "modules/placement/batches.h"
#include "modules/registry/people.h"
#include "names.h"

static const char SQL_REGION[] =
	"SELECT name, lat, lon, population_10k FROM regions WHERE code = $1";
static const char SQL_USER_EXISTS[] = "SELECT 1 FROM users WHERE username = $1";
static const char SQL_ORG_INSERT[] =
	"INSERT INTO orgs (name, type, region_code, address, lat, lon, contact_name, contact_phone,"
	" created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
static const char SQL_PERSON_INSERT[] =
	"INSERT INTO people (id_number, name, sex, birth_date, phone, region_code, address, lat, lon,"
	" status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
	" RETURNING id";

/* libsodium's crypto_pwhash_OPSLIMIT_MIN and MEMLIMIT_MIN: demo passwords are
 * public, so their hashes need not be costly, and 11 users load in milliseconds. */
#define DEMO_PW_OPS 1ULL
#define DEMO_PW_MEM 8192

/* Streams are seeded seed ^ salt so the three never share a sequence. */
#define SALT_ORGS 0x6f7267730000000dULL
#define SALT_PEOPLE 0x70656f706c650001ULL
#define SALT_USERS 0x7573657273000002ULL
#define SALT_PLACEMENT 0x706c616365000003ULL

#define CITY_CODE "130900"
#define XINHUA_CODE "130902"
#define ORG_NAME_MAX 128
#define DEMO_ADDRESS_MAX 192

#define LIST(...) {(const char *const[]){__VA_ARGS__}, \
		   (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))}
struct list {
	const char *const *v;
	int n;
};

/* Cangzhou's 16 county-level divisions (the zones 130971–130973 register no
 * households). formal: how a public body there names itself; shop: how a
 * local business prefixes its name. */
static const struct county_spec {
	const char *code, *formal, *shop;
	struct list streets;
} county_specs[] = {
	{"130902", "沧州市新华区", "沧州新华",
	 LIST("建设北大街", "新华路", "解放东路", "永济东路", "北京路", "车站路", "朝阳北大街")},
	{"130903", "沧州市运河区", "沧州运河",
	 LIST("解放西路", "浮阳南大道", "永安大道", "御河路", "迎宾大道", "朝阳南大街", "清池南大道")},
	{"130921", "沧县", "沧县",
	 LIST("旧州镇文庙街", "兴济镇运河路", "崔尔庄镇枣乡路", "捷地回族乡减河路", "风化店乡中心街")},
	{"130922", "青县", "青县",
	 LIST("清州路", "盘古大道", "新兴路", "流河镇永安街", "马厂镇兴业路")},
	{"130923", "东光县", "东光",
	 LIST("光明路", "东光大街", "连镇运河路", "找王镇中心街", "灯明寺镇寺前街")},
	{"130924", "海兴县", "海兴",
	 LIST("海兴路", "香坊街", "苏基镇渤海路", "高湾镇振兴街")},
	{"130925", "盐山县", "盐山",
	 LIST("千童大道", "盐山大街", "庆云镇商贸街", "韩集镇兴业路")},
	{"130926", "肃宁县", "肃宁",
	 LIST("育英路", "肃宁大街", "梁家村镇中心街", "窝北镇兴业路")},
	{"130927", "南皮县", "南皮",
	 LIST("南皮大街", "迎宾路", "冯家口镇运河路", "寨子镇中心街")},
	{"130928", "吴桥县", "吴桥",
	 LIST("吴桥大街", "杂技大道", "桑园镇新华路", "铁城镇中心街", "安陵镇运河路")},
	{"130929", "献县", "献县",
	 LIST("乐寿大街", "献王大道", "淮镇商贸街", "河城街镇滨河路")},
	{"130930", "孟村回族自治县", "孟村",
	 LIST("孟村大街", "八极路", "新县镇兴业路", "辛店镇中心街")},
	{"130981", "泊头市", "泊头市",
	 LIST("裕华路", "解放路", "交河镇铸造街", "富镇梨乡路")},
	{"130982", "任丘市", "任丘市",
	 LIST("会战道", "渤海路", "北汉路", "长丰路", "雁翎路", "鄚州镇药王路")},
	{"130983", "黄骅市", "黄骅市",
	 LIST("渤海路", "新华路", "黄骅大道", "南排河镇渔港路", "羊二庄镇中心街")},
	{"130984", "河间市", "河间市",
	 LIST("瀛州路", "兴华路", "毛公路", "卧佛堂镇中心街", "沙河桥镇电缆路")},
};
#define NCOUNTY ((int)(sizeof county_specs / sizeof county_specs[0]))

/* Shop names are a county prefix and one of these. */
static const struct list merchant_kinds = LIST(
	"华联超市", "惠民超市", "仁和大药房", "百姓大药房", "福康药房", "狮城饭庄", "老街坊酒楼",
	"驴肉火烧店", "名剪美发", "时尚理发店", "一汽大众4S店", "长城汽车4S店", "明亮眼镜店",
	"家电商城", "洗车美容中心", "全民健身馆", "影城");
static const struct list employer_kinds = LIST(
	"鑫源机械制造有限公司", "恒泰物流有限公司", "华兴建筑工程有限公司", "绿康食品有限公司",
	"安盾保安服务有限公司", "博远管道装备有限公司", "金狮物业服务有限公司",
	"宏达汽车运输有限公司");
/* Xinhua's first merchant has a fixed name: the `merchant` login is its clerk. */
static const char FIXED_MERCHANT[] = "沧州华北商厦";

/* City-wide organisations; they sit at the city seat's region, 130900. */
static const struct {
	const char *name, *type;
} city_orgs[] = {
	{"沧州市退役军人事务局", "department"},
	{"沧州市人民医院退役军人医疗门诊", "hospital"},
	{"沧州军供站", "supply_station"},
	{"沧州军分区", "unit"},
	{"驻沧某部一连", "unit"},
	{"驻沧某部二营", "unit"},
	{"中国建设银行沧州分行", "bank"},
	{"沧州市爱国拥军志愿者联合会", "association"},
	{"沧州市拥军优属促进会", "association"},
	{"沧州市退役军人创业者协会", "association"},
	{"沧州市退役军人就业创业培训基地", "training_base"},
};

/* Mobile prefixes of the three carriers, so numbers look like real ones. */
static const struct list phone_prefixes = LIST(
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
	"155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183",
	"185", "186", "187", "188", "189", "198", "199");

/* A region as loaded from the regions table. */
struct region {
	char code[7];
	char name[64];
	double lat, lon, population;
	const struct county_spec *spec; /* NULL for the city */
};

/* An organisation or person a fixed login is attached to. */
struct target {
	int64_t id;
	char region[7];
	char name[ORG_NAME_MAX];
};

enum target_kind { T_NONE, T_MERCHANT, T_HOSPITAL, T_UNIT, T_EMPLOYER, T_STATION, T_DEPARTMENT, T_PERSON };

static const struct login_spec {
	const char *username, *password, *role;
	const char *region; /* NULL: the target's region */
	enum target_kind target;
} login_specs[] = {
	{"admin", "admin-demo-2026", "admin", CITY_CODE, T_NONE},
	{"officer.xinhua", "officer-demo-2026", "officer", XINHUA_CODE, T_NONE},
	{"officer.renqiu", "officer-demo-2026", "officer", "130982", T_NONE},
	{"auditor", "auditor-demo-2026", "auditor", CITY_CODE, T_NONE},
	{"auditor.xinhua", "auditor-demo-2026", "auditor", XINHUA_CODE, T_NONE},
	{"merchant", "merchant-demo-2026", "merchant", NULL, T_MERCHANT},
	{"clinic", "clinic-demo-2026", "clinic", NULL, T_HOSPITAL},
	{"unit", "unit-demo-2026", "unit", NULL, T_UNIT},
	{"employer", "employer-demo-2026", "employer", NULL, T_EMPLOYER},
	{"station", "station-demo-2026", "station", NULL, T_STATION},
	{"department", "department-demo-2026", "department", NULL, T_DEPARTMENT},
	{"person", "person-demo-2026", "person", NULL, T_PERSON},
};
#define NLOGIN ((int)(sizeof login_specs / sizeof login_specs[0]))
_Static_assert(NLOGIN <= DEMO_MAX_LOGINS, "demo_summary.logins too small");

int demo_fixed_logins(struct demo_login *out, int max)
{
	int n = 0;
	for (; n < NLOGIN && n < max; n++) {
		memset(&out[n], 0, sizeof out[n]);
		snprintf(out[n].username, sizeof out[n].username, "%s", login_specs[n].username);
		snprintf(out[n].password, sizeof out[n].password, "%s", login_specs[n].password);
		snprintf(out[n].role, sizeof out[n].role, "%s", login_specs[n].role);
	}
	return n;
}

/*
 * The set of identity numbers handed out so far (open addressing over the
 * first 17 digits as an integer, never 0), so that no two people share one.
 */
struct idset {
	uint64_t *slot;
	size_t mask;
};

struct demo_ctx {
	db *d;
	struct principal actor;
	char now[TIME_ISO_LEN];
	struct region city;
	struct region county[NCOUNTY];
	double population_total;
	struct demo_rng orgs_rng, people_rng, users_rng, history_rng;
	struct idset ids;
	struct target targets[T_PERSON + 1];
	struct demo_summary sum;
};

static sy_status oom(sy_err *err)
{
	return sy_failf(err, SY_ENOMEM, "out_of_memory", NULL, "内存不足", "out of memory");
}

/* ---- identity-number set ------------------------------------------------ */

static bool idset_init(struct idset *s, size_t n)
{
	size_t cap = 64;
	while (cap < 2 * n)
		cap <<= 1;
	s->slot = calloc(cap, sizeof *s->slot);
	s->mask = cap - 1;
	return s->slot != NULL;
}

static void idset_free(struct idset *s)
{
	free(s->slot);
	s->slot = NULL;
}

/* true when key was new and is now in the set. The set is sized for the
 * people count, so it never fills. */
static bool idset_add(struct idset *s, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & s->mask;
	while (s->slot[i]) {
		if (s->slot[i] == key)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slot[i] = key;
	return true;
}

static uint64_t id_key(const char id[IDCARD_LEN + 1])
{
	uint64_t k = 0;
	for (int i = 0; i < 17; i++)
		k = k * 10 + (uint64_t)(id[i] - '0');
	return k;
}

/* ---- regions -------------------------------------------------------------- */

static sy_status load_region(struct demo_ctx *c, const char *code, struct region *out,
			     sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(c->d, SQL_REGION, DB_ARGS(DB_T(code)), &r, err);
	if (st)
		return st;
	if (!db_next(r) || db_isnull(r, 1) || db_isnull(r, 2)) {
		st = sy_fail(err, SY_EINTERNAL, "demo_region_missing", NULL,
			     "地区 %s 缺失，请先初始化数据库", "region %s is missing; initialise the database first",
			     code);
		goto out;
	}
	snprintf(out->code, sizeof out->code, "%s", code);
	snprintf(out->name, sizeof out->name, "%s", db_text(r, 0));
	out->lat = db_double(r, 1);
	out->lon = db_double(r, 2);
	/* A division without a population still gets people, just few. */
	out->population = db_isnull(r, 3) ? 1.0 : db_double(r, 3);
out:
	db_rows_free(r);
	return st;
}

static sy_status load_regions(struct demo_ctx *c, sy_err *err)
{
	sy_status st = load_region(c, CITY_CODE, &c->city, err);
	for (int i = 0; !st && i < NCOUNTY; i++) {
		st = load_region(c, county_specs[i].code, &c->county[i], err);
		c->county[i].spec = &county_specs[i];
		c->population_total += c->county[i].population;
	}
	return st;
}

static const struct region *county_by_code(const struct demo_ctx *c, const char *code)
{
	for (int i = 0; i < NCOUNTY; i++)
		if (strcmp(c->county[i].code, code) == 0)
			return &c->county[i];
	return NULL;
}

/* A county drawn in proportion to its population. */
static const struct region *pick_county(struct demo_ctx *c, struct demo_rng *r)
{
	double x = demo_rng_unit(r) * c->population_total;
	for (int i = 0; i < NCOUNTY - 1; i++) {
		if (x < c->county[i].population)
			return &c->county[i];
		x -= c->county[i].population;
	}
	return &c->county[NCOUNTY - 1];
}

/* ---- small generators ------------------------------------------------------ */

static const char *pick(struct demo_rng *r, const struct list *l)
{
	return l->v[demo_rng_below(r, (uint32_t)l->n)];
}

/* center ± spread degrees, rounded to 6 decimals (about 0.1 m) so that the
 * value stored and read back is the same on both backends. */
static double jitter(struct demo_rng *r, double center, double spread)
{
	double v = center + (demo_rng_unit(r) * 2.0 - 1.0) * spread;
	return round(v * 1e6) / 1e6;
}

/*
 * Where the demo's homes and shops lie around a county seat, in degrees. A
 * shop is on the seat's streets (within DEMO_TOWN_SPREAD); so is a home, for
 * DEMO_TOWN_HOME_PCT of them, the rest anywhere in the county (within
 * DEMO_COUNTY_SPREAD), as veterans live in town and in the villages. Other
 * organisations lie within DEMO_ORG_SPREAD. When homes and shops were
 * scattered alike over the county, the 10-minute circle covered 3% of the
 * demo's holders; the demo is meant to show a network still being built.
 */
#define DEMO_TOWN_SPREAD 0.008
#define DEMO_TOWN_HOME_PCT 70
#define DEMO_COUNTY_SPREAD 0.06
#define DEMO_ORG_SPREAD 0.05

static void home_point(struct demo_rng *r, const struct region *home, double *lat, double *lon)
{
	double spread = demo_rng_below(r, 100) < DEMO_TOWN_HOME_PCT ? DEMO_TOWN_SPREAD : DEMO_COUNTY_SPREAD;
	*lat = jitter(r, home->lat, spread);
	*lon = jitter(r, home->lon, spread);
}

static void make_phone(struct demo_rng *r, char out[12])
{
	const char *p = pick(r, &phone_prefixes);
	snprintf(out, 12, "%.3s%08u", p, (unsigned)demo_rng_below(r, 100000000u));
}

/* "<prefix><street><n>号"; prefix is the county's name ("任丘市会战道8号"). */
static void make_address(struct demo_rng *r, const char *prefix, const struct county_spec *k,
			 char out[DEMO_ADDRESS_MAX])
{
	const char *street = pick(r, &k->streets);
	snprintf(out, DEMO_ADDRESS_MAX, "%s%s%d号", prefix, street, demo_rng_range(r, 1, 299));
}

static int days_in_month(int y, int m)
{
	int d = 31;
	while (!time_valid_date(y, m, d))
		d--;
	return d;
}

/* ---- organisations --------------------------------------------------------- */

struct org {
	const char *name, *type, *region;
	const char *address; /* may be NULL */
	bool located;        /* false: no coordinates */
	double lat, lon;
};

static sy_status insert_org(struct demo_ctx *c, const struct org *o, int64_t *id, sy_err *err)
{
	char contact[DEMO_NAME_MAX], phone[12];
	struct demo_rng *r = &c->orgs_rng;
	char sex = demo_rng_below(r, 10) < 7 ? 'M' : 'F';
	demo_name(r, sex, demo_rng_range(r, 1965, 1998), contact);
	make_phone(r, phone);
	sy_status st = db_query_int(c->d, SQL_ORG_INSERT,
				    DB_ARGS(DB_T(o->name), DB_T(o->type), DB_T(o->region),
					    DB_T(o->address), o->located ? DB_D(o->lat) : DB_NULL,
					    o->located ? DB_D(o->lon) : DB_NULL, DB_T(contact),
					    DB_T(phone), DB_T(c->now)),
				    id, err);
	if (!st)
		c->sum.orgs++;
	return st;
}

/* Remember an organisation a fixed login belongs to (the first of its kind). */
static void set_target(struct demo_ctx *c, enum target_kind k, int64_t id, const char *region,
		       const char *name)
{
	struct target *t = &c->targets[k];
	if (t->id)
		return;
	t->id = id;
	snprintf(t->region, sizeof t->region, "%s", region);
	snprintf(t->name, sizeof t->name, "%s", name);
}

/* An organisation of a county: named, addressed and placed there. */
static sy_status county_org(struct demo_ctx *c, const struct region *k, const char *name,
			    const char *type, int64_t *id, sy_err *err)
{
	char address[DEMO_ADDRESS_MAX];
	struct demo_rng *r = &c->orgs_rng;
	make_address(r, k->name, k->spec, address);
	struct org o = {.name = name, .type = type, .region = k->code, .address = address,
			.located = true};
	double spread = strcmp(type, "merchant") == 0 ? DEMO_TOWN_SPREAD : DEMO_ORG_SPREAD;
	o.lat = jitter(r, k->lat, spread);
	o.lon = jitter(r, k->lon, spread);
	return insert_org(c, &o, id, err);
}

/* 3–6 distinct shop kinds, drawn by a partial Fisher–Yates shuffle. */
static sy_status county_merchants(struct demo_ctx *c, const struct region *k, sy_err *err)
{
	struct demo_rng *r = &c->orgs_rng;
	int order[32], n = demo_rng_range(r, 3, 6);
	char name[ORG_NAME_MAX];
	int64_t id;
	sy_status st;
	_Static_assert(sizeof order / sizeof order[0] >= 17, "merchant kinds");
	for (int i = 0; i < merchant_kinds.n; i++)
		order[i] = i;
	for (int i = 0; i < n; i++) {
		int j = i + (int)demo_rng_below(r, (uint32_t)(merchant_kinds.n - i));
		int t = order[i];
		order[i] = order[j];
		order[j] = t;
		bool fixed = i == 0 && strcmp(k->code, XINHUA_CODE) == 0;
		if (fixed)
			snprintf(name, sizeof name, "%s", FIXED_MERCHANT);
		else
			snprintf(name, sizeof name, "%s%s", k->spec->shop, merchant_kinds.v[order[i]]);
		if ((st = county_org(c, k, name, "merchant", &id, err)))
			return st;
		if (fixed)
			set_target(c, T_MERCHANT, id, k->code, name);
	}
	return SY_OK;
}

static sy_status county_orgs(struct demo_ctx *c, const struct region *k, sy_err *err)
{
	struct demo_rng *r = &c->orgs_rng;
	char name[ORG_NAME_MAX];
	int64_t id;
	sy_status st;
	bool xinhua = strcmp(k->code, XINHUA_CODE) == 0;

	if ((st = county_merchants(c, k, err)))
		return st;
	snprintf(name, sizeof name, "%s退役军人事务局", k->spec->formal);
	if ((st = county_org(c, k, name, "department", &id, err)))
		return st;
	snprintf(name, sizeof name, "%s第一中学", k->spec->formal);
	if ((st = county_org(c, k, name, "school", &id, err)))
		return st;
	int n = demo_rng_range(r, 1, 2), first = (int)demo_rng_below(r, (uint32_t)employer_kinds.n);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "%s%s", k->spec->shop,
			 employer_kinds.v[(first + i) % employer_kinds.n]);
		if ((st = county_org(c, k, name, "employer", &id, err)))
			return st;
		if (xinhua)
			set_target(c, T_EMPLOYER, id, k->code, name);
	}
	return SY_OK;
}

static enum target_kind target_of_type(const char *type)
{
	static const struct {
		const char *type;
		enum target_kind k;
	} map[] = {{"hospital", T_HOSPITAL}, {"unit", T_UNIT}, {"supply_station", T_STATION}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(type, map[i].type) == 0)
			return map[i].k;
	return T_NONE;
}

/*
 * City-wide organisations, addressed in the two urban districts. Stationed
 * units get neither an address nor a site: only the city seat's point, so a
 * map shows them in the city without suggesting where they are.
 */
static sy_status city_orgs_load(struct demo_ctx *c, sy_err *err)
{
	struct demo_rng *r = &c->orgs_rng;
	char address[DEMO_ADDRESS_MAX], prefix[96];
	sy_status st;
	for (size_t i = 0; i < sizeof city_orgs / sizeof city_orgs[0]; i++) {
		const struct region *district = &c->county[demo_rng_below(r, 2)]; /* 新华区 or 运河区 */
		bool unit = strcmp(city_orgs[i].type, "unit") == 0;
		snprintf(prefix, sizeof prefix, "%s%s", c->city.name, district->name);
		make_address(r, prefix, district->spec, address);
		struct org o = {.name = city_orgs[i].name, .type = city_orgs[i].type,
				.region = CITY_CODE, .address = unit ? NULL : address,
				.located = true, .lat = c->city.lat, .lon = c->city.lon};
		if (!unit) {
			o.lat = jitter(r, c->city.lat, 0.04);
			o.lon = jitter(r, c->city.lon, 0.04);
		}
		int64_t id;
		if ((st = insert_org(c, &o, &id, err)))
			return st;
		enum target_kind k = target_of_type(o.type);
		if (k != T_NONE)
			set_target(c, k, id, CITY_CODE, o.name);
	}
	return SY_OK;
}

/* Which organisations join which city association: all of a type, in regions LIKE pattern. */
static const struct {
	const char *association, *type, *regions;
} association_members[] = {
	{"沧州市拥军优属促进会", "merchant", "%"},
	{"沧州市拥军优属促进会", "bank", "%"},
	{"沧州市爱国拥军志愿者联合会", "merchant", "13090_"}, /* the two urban districts' shops */
	{"沧州市爱国拥军志愿者联合会", "hospital", "%"},
	{"沧州市爱国拥军志愿者联合会", "school", "13090_"},
	{"沧州市退役军人创业者协会", "employer", "%"},
	{"沧州市退役军人创业者协会", "training_base", "%"},
};
static const char SQL_MEMBERS_JOIN[] =
	"INSERT INTO association_members (association_id, member_id, joined_at)"
	" SELECT a.id, m.id, $4 FROM orgs a JOIN orgs m ON m.type = $2 AND m.region_code LIKE $3"
	" WHERE a.name = $1 AND a.type = 'association' ORDER BY m.id";
static const char SQL_CITY_ORG_IDS[] =
	"SELECT id, type FROM orgs WHERE region_code = $1 AND type <> 'unit' ORDER BY id";
static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO org_contacts (org_id, name, title, phone, created_at) VALUES ($1, $2, $3, $4, $5)";

/*
 * Association members (set-based, no draws) and, for the city-wide bodies
 * except stationed units, a 双拥 liaison besides the primary contact, and a
 * secretary-general for an association. Drawn after every organisation is
 * placed, so the organisations themselves do not move.
 */
static sy_status org_links_load(struct demo_ctx *c, sy_err *err)
{
	struct demo_rng *r = &c->orgs_rng;
	struct { int64_t id; bool association; } city[32];
	char name[DEMO_NAME_MAX], phone[12];
	db_rows *rows = NULL;
	int n = 0;
	sy_status st;
	for (size_t i = 0; i < sizeof association_members / sizeof association_members[0]; i++)
		if ((st = db_execp(c->d, SQL_MEMBERS_JOIN,
				   DB_ARGS(DB_T(association_members[i].association), DB_T(association_members[i].type),
					   DB_T(association_members[i].regions), DB_T(c->now)), NULL, err)))
			return st;
	if ((st = db_query(c->d, SQL_CITY_ORG_IDS, DB_ARGS(DB_T(CITY_CODE)), &rows, err)))
		return st;
	while (db_next(rows) && n < (int)(sizeof city / sizeof city[0])) {
		city[n].id = db_int(rows, 0);
		city[n++].association = strcmp(db_text(rows, 1), "association") == 0;
	}
	db_rows_free(rows);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < (city[i].association ? 2 : 1); k++) {
			char sex = demo_rng_below(r, 10) < 6 ? 'M' : 'F';
			demo_name(r, sex, demo_rng_range(r, 1960, 1995), name);
			make_phone(r, phone);
			if ((st = db_execp(c->d, SQL_CONTACT_INSERT,
					   DB_ARGS(DB_I(city[i].id), DB_T(name), DB_T(k ? "秘书长" : "双拥联络员"),
						   DB_T(phone), DB_T(c->now)), NULL, err)))
				return st;
		}
	}
	return SY_OK;
}

static sy_status load_orgs(struct demo_ctx *c, sy_err *err)
{
	sy_status st = city_orgs_load(c, err);
	for (int i = 0; !st && i < NCOUNTY; i++)
		st = county_orgs(c, &c->county[i], err);
	return st ? st : org_links_load(c, err);
}

/* ---- people ---------------------------------------------------------------- */

struct person {
	char id[IDCARD_LEN + 1];
	char name[DEMO_NAME_MAX];
	char sex[2];
	char birth[11];
	char phone[12];
	bool has_phone;
	const struct region *home;
	char address[DEMO_ADDRESS_MAX];
	double lat, lon;
	const char *status;
};

/*
 * Birth years for veterans and their families: a few born in the 1940s and
 * early 1950s (veterans of the 1960s–70s), most between 1955 and 1994, and
 * younger ones down to 2005 (recent conscripts, children).
 */
static int birth_year(struct demo_rng *r)
{
	double x = demo_rng_unit(r);
	if (x < 0.12)
		return demo_rng_range(r, 1940, 1954);
	if (x < 0.45)
		return demo_rng_range(r, 1955, 1974);
	if (x < 0.85)
		return demo_rng_range(r, 1975, 1994);
	return demo_rng_range(r, 1995, 2005);
}

/*
 * A unique, valid identity number. Most were first registered in the county
 * they live in; one in ten moved there from another Cangzhou county.
 */
static sy_status make_id_number(struct demo_ctx *c, struct demo_rng *r, struct person *p, int y,
			       sy_err *err)
{
	bool male = p->sex[0] == 'M';
	for (int tries = 0; tries < 100; tries++) {
		const struct region *reg = demo_rng_below(r, 10) == 0 ? pick_county(c, r) : p->home;
		int m = demo_rng_range(r, 1, 12), d = demo_rng_range(r, 1, days_in_month(y, m));
		/* The sequence's parity is the sex: odd for men, even for women. */
		int seq = male ? 2 * demo_rng_range(r, 0, 499) + 1 : 2 * demo_rng_range(r, 1, 499);
		if (!idcard_make(reg->code, y, m, d, seq, p->id))
			break;
		if (!idset_add(&c->ids, id_key(p->id)))
			continue;
		/* Read the birth date back through the validator: a demo number
		 * that failed it would be a bug here, not data to load. */
		struct idcard_info info;
		sy_status st = idcard_validate(p->id, &info, err);
		if (!st)
			memcpy(p->birth, info.birth_date, sizeof p->birth);
		return st;
	}
	return sy_failf(err, SY_EINTERNAL, "demo_id_exhausted", NULL, "无法生成不重复的身份证号",
			"could not generate a unique ID number");
}

/* Person 0 is the `person` login's veteran: a man of working age in 新华区. */
static sy_status make_person(struct demo_ctx *c, int i, struct person *p, sy_err *err)
{
	struct demo_rng *r = &c->people_rng;
	sy_status st;
	memset(p, 0, sizeof *p);
	p->home = i == 0 ? county_by_code(c, XINHUA_CODE) : pick_county(c, r);
	/* Most people on the registry are veterans, most veterans men. */
	p->sex[0] = i == 0 || demo_rng_below(r, 100) < 82 ? 'M' : 'F';
	int y = i == 0 ? demo_rng_range(r, 1975, 1990) : birth_year(r);
	if ((st = make_id_number(c, r, p, y, err)))
		return st;
	demo_name(r, p->sex[0], y, p->name);

	unsigned roll = demo_rng_below(r, 100);
	if (i == 0)
		p->status = "normal";
	else if (roll < (y < 1950 ? 15u : 1u))
		p->status = "deceased";
	else if (roll >= 97)
		p->status = "moved_away";
	else
		p->status = "normal";
	/* The dead keep no phone; a few of the living gave none. */
	p->has_phone = strcmp(p->status, "deceased") != 0 && demo_rng_below(r, 100) < 95;
	make_phone(r, p->phone);
	make_address(r, p->home->name, p->home->spec, p->address);
	home_point(r, p->home, &p->lat, &p->lon);
	return SY_OK;
}

/*
 * Categories and service as a service station would have recorded them: most
 * are veterans with a service record (some with awards or a disability), a
 * few are serving; the rest are family members.
 */
static sy_status add_history(struct demo_ctx *c, int64_t id, const struct person *p, sy_err *err)
{
	static const char *const branches[] = {"army", "army", "army", "navy", "air_force", "rocket_force", "armed_police"};
	static const char *const exits[] = {"self_employed", "self_employed", "placed", "demobilised", "transfer", "retire", "pension"};
	static const char *const ranks[] = {"上等兵", "下士", "中士", "上士", "四级军士长", "中尉", "上尉", "少校"};
	struct principal sys;
	struct demo_rng *r = &c->history_rng;
	int by = atoi(p->birth);
	unsigned roll = demo_rng_below(r, 100);
	int64_t cid, sid;
	sy_status st;
	char enlist[32], discharge[32];
	principal_system(&sys, "demo");
	if (by >= 1996 && roll < 12) {
		snprintf(enlist, sizeof enlist, "%04d-09-01", by + 18);
		struct category_input ci = {.category = "active_duty", .start_date = enlist};
		struct service_input si = {.branch = branches[demo_rng_below(r, 7)], .enlist_date = enlist,
					   .rank = ranks[demo_rng_below(r, 3)]};
		if ((st = registry_category_add(c->d, &sys, id, &ci, &cid, err)))
			return st;
		return registry_service_add(c->d, &sys, id, &si, &sid, err);
	}
	if (by > 2004 || roll >= 75)
		return SY_OK; /* a family member or not yet recorded */
	int years = 2 + (int)demo_rng_below(r, 15);
	snprintf(enlist, sizeof enlist, "%04d-%02d-01", by + 18 + (int)demo_rng_below(r, 3), 3 + 6 * (int)demo_rng_below(r, 2));
	snprintf(discharge, sizeof discharge, "%04d-12-01", atoi(enlist) + years);
	if (strcmp(discharge, c->now) > 0)
		snprintf(discharge, sizeof discharge, "%.4s-01-01", c->now);
	if (strcmp(discharge, enlist) <= 0)
		return SY_OK;
	struct award_input aw = {.level = demo_rng_below(r, 3) ? "jiajiang" : "merit_3", .wartime = false};
	bool disabled = demo_rng_below(r, 100) < 4;
	struct service_input si = {
		.branch = branches[demo_rng_below(r, 7)], .enlist_date = enlist, .discharge_date = discharge,
		.rank = ranks[years > 12 ? 4 + demo_rng_below(r, 4) : demo_rng_below(r, 4)],
		.exit_mode = exits[demo_rng_below(r, 7)], .awards = &aw, .nawards = demo_rng_below(r, 100) < 30,
		.disability_grade = disabled ? 5 + (int)demo_rng_below(r, 6) : 0,
		.disability_cause = disabled ? (demo_rng_below(r, 2) ? "duty" : "combat") : NULL,
	};
	struct category_input vet = {.category = "veteran", .start_date = discharge};
	if ((st = registry_service_add(c->d, &sys, id, &si, &sid, err)) ||
	    (st = registry_category_add(c->d, &sys, id, &vet, &cid, err)))
		return st;
	if (!disabled)
		return SY_OK;
	struct category_input dis = {.category = "disabled_veteran", .start_date = discharge,
				     .disability_grade = si.disability_grade, .disability_cause = si.disability_cause};
	return registry_category_add(c->d, &sys, id, &dis, &cid, err);
}

/* Insert one generated person with their search index. */
static sy_status insert_person(struct demo_ctx *c, const struct person *p, int64_t *id, sy_err *err)
{
	sy_status st = db_query_int(c->d, SQL_PERSON_INSERT,
				    DB_ARGS(DB_T(p->id), DB_T(p->name), DB_T(p->sex), DB_T(p->birth),
					    DB_T(p->has_phone ? p->phone : NULL), DB_T(p->home->code),
					    DB_T(p->address), DB_D(p->lat), DB_D(p->lon), DB_T(p->status),
					    DB_T(c->now)),
				    id, err);
	if (st || (st = registry_person_index(c->d, *id, p->name, p->id, err)))
		return st;
	c->sum.people++;
	return SY_OK;
}

/* ---- families ---------------------------------------------------------------- */

/*
 * Families are linked, never entered: a serving member's spouse, parents and
 * children hold 军属 (and the children 军人子女), and a martyr's parents,
 * spouse and children hold 烈士遗属, because the registry derives those
 * categories from the links when it reads them. One person in eight of the
 * demo set belongs to such a family; they are drawn after everyone else, from
 * a stream of their own, so the other people stay the same.
 */
struct families {
	struct demo_ctx *c;
	struct demo_rng r;
	int budget; /* people still to make */
};

/* One in eight people, once there are enough to make families of. */
static int family_budget(int count)
{
	return count >= 50 ? count / 8 : 0;
}

static int clamp_year(int y)
{
	return y < 1940 ? 1940 : y > 2005 ? 2005 : y;
}

/*
 * A relative of anchor, living with them (same address and point), named
 * with surname when one is given (children take their father's). NULL
 * status: "normal".
 */
static sy_status make_relative(struct families *f, const struct person *anchor, char sex, int year,
			       const char *surname, const char *status, struct person *p, int64_t *id,
			       sy_err *err)
{
	char name[DEMO_NAME_MAX];
	sy_status st;
	memset(p, 0, sizeof *p);
	p->home = anchor->home;
	p->sex[0] = sex;
	if ((st = make_id_number(f->c, &f->r, p, clamp_year(year), err)))
		return st;
	/* not the anchor's own name (a daughter named after her mother is drawn again) */
	for (int tries = 0; tries < 8; tries++) {
		demo_name(&f->r, sex, clamp_year(year), name);
		if (strcmp(name + 3, anchor->name + 3) != 0)
			break;
	}
	/* every surname in names.c is one character (3 bytes of UTF-8) */
	if (surname)
		snprintf(p->name, sizeof p->name, "%.3s%s", surname, name + 3);
	else
		snprintf(p->name, sizeof p->name, "%s", name);
	p->status = status ? status : "normal";
	p->has_phone = strcmp(p->status, "normal") == 0 && demo_rng_below(&f->r, 100) < 90;
	make_phone(&f->r, p->phone);
	snprintf(p->address, sizeof p->address, "%s", anchor->address);
	p->lat = anchor->lat;
	p->lon = anchor->lon;
	f->budget--;
	return insert_person(f->c, p, id, err);
}

/* A relative of anchor_id linked as relation (what the relative is to the anchor). */
static sy_status add_relative(struct families *f, int64_t anchor_id, const struct person *anchor,
			      const char *relation, char sex, int year, const char *surname,
			      const char *status, struct person *out, sy_err *err)
{
	struct person tmp;
	int64_t id, link;
	sy_status st = make_relative(f, anchor, sex, year, surname, status, out ? out : &tmp, &id, err);
	return st ? st : registry_family_link(f->c->d, &f->c->actor, anchor_id, id, relation, false, &link, err);
}

/* A husband's surname for the children: the anchor's when he is the man, else the spouse's. */
static const char *fathers_surname(const struct person *anchor, const struct person *spouse)
{
	return anchor->sex[0] == 'M' ? anchor->name : spouse ? spouse->name : NULL;
}

/* Up to n children born from `from` on, none after 2005 (nor after `until`). */
static sy_status add_children(struct families *f, int64_t anchor_id, const struct person *anchor,
			      const struct person *spouse, int from, int until, int n, sy_err *err)
{
	sy_status st = SY_OK;
	int year = from;
	for (int i = 0; !st && i < n && f->budget > 0; i++) {
		year += demo_rng_range(&f->r, i ? 2 : 0, i ? 5 : 4);
		if (year > until || year > 2005)
			break;
		char sex = demo_rng_below(&f->r, 2) ? 'M' : 'F';
		st = add_relative(f, anchor_id, anchor, "child", sex, year, fathers_surname(anchor, spouse), NULL,
				  NULL, err);
	}
	return st;
}

/* The spouse of anchor (born year): the other sex, about the same age. */
static sy_status add_spouse(struct families *f, int64_t anchor_id, const struct person *anchor, int year,
			    struct person *spouse, sy_err *err)
{
	bool man = anchor->sex[0] == 'M';
	int y = year + (man ? demo_rng_range(&f->r, 0, 4) : -demo_rng_range(&f->r, 0, 4));
	return add_relative(f, anchor_id, anchor, "spouse", man ? 'F' : 'M', y, NULL, NULL, spouse, err);
}

/*
 * A new person of this family's county (新华区 for the first of each kind,
 * so the 新华区 officer has one to show) and their household.
 */
static sy_status make_anchor(struct families *f, bool xinhua, char sex, int year, const char *status,
			     struct person *p, int64_t *id, sy_err *err)
{
	struct demo_ctx *c = f->c;
	sy_status st;
	memset(p, 0, sizeof *p);
	p->home = xinhua ? county_by_code(c, XINHUA_CODE) : pick_county(c, &f->r);
	p->sex[0] = sex;
	if ((st = make_id_number(c, &f->r, p, year, err)))
		return st;
	demo_name(&f->r, sex, year, p->name);
	p->status = status;
	p->has_phone = strcmp(status, "normal") == 0;
	make_phone(&f->r, p->phone);
	make_address(&f->r, p->home->name, p->home->spec, p->address);
	home_point(&f->r, p->home, &p->lat, &p->lon);
	f->budget--;
	return insert_person(c, p, id, err);
}

static const char *const family_branches[] = {"army", "army", "navy", "air_force", "rocket_force", "armed_police"};
#define NFAMILY_BRANCHES ((int)(sizeof family_branches / sizeof family_branches[0]))

/*
 * A martyr: enlisted at 18–20, died in service 3–12 years later (status
 * deceased, death_kind martyr, the service record ending that day); their
 * parents, a spouse and children are 烈士遗属 through the links.
 */
static sy_status martyr_family(struct families *f, int n, sy_err *err)
{
	static const char *const ranks[] = {"列兵", "上等兵", "下士", "中士", "排长"};
	struct demo_ctx *c = f->c;
	struct person m, spouse;
	char enlist[32], died[32];
	int64_t id, sid, cid;
	sy_status st;
	int by = demo_rng_range(&f->r, 1962, 1980);
	int ey = by + demo_rng_range(&f->r, 18, 20), dy = ey + demo_rng_range(&f->r, 3, 12);
	if (n == 0 && dy < by + 24)
		dy = by + 24; /* the first leaves a spouse and a child */
	if ((st = make_anchor(f, n == 0, demo_rng_below(&f->r, 10) ? 'M' : 'F', by, "deceased", &m, &id, err)))
		return st;
	snprintf(enlist, sizeof enlist, "%04d-%02d-01", ey, demo_rng_below(&f->r, 2) ? 3 : 9);
	snprintf(died, sizeof died, "%04d-%02d-%02d", dy, demo_rng_range(&f->r, 1, 12), demo_rng_range(&f->r, 1, 28));
	struct service_input si = {.branch = family_branches[demo_rng_below(&f->r, NFAMILY_BRANCHES)],
				   .enlist_date = enlist, .discharge_date = died,
				   .rank = ranks[demo_rng_below(&f->r, 5)]};
	struct category_input served = {.category = "active_duty", .start_date = enlist, .end_date = died};
	if ((st = registry_service_add(c->d, &c->actor, id, &si, &sid, err)) ||
	    (st = registry_category_add(c->d, &c->actor, id, &served, &cid, err)) ||
	    (st = registry_person_set_status(c->d, &c->actor, id, "deceased", died, "烈士", "martyr", err)))
		return st;
	/* the parents: a father who shares the name, and usually the mother */
	int py = by - demo_rng_range(&f->r, 22, 30);
	if (f->budget > 0 &&
	    (st = add_relative(f, id, &m, "parent", 'M', py, m.name, demo_rng_below(&f->r, 3) ? NULL : "deceased",
			       NULL, err)))
		return st;
	if (f->budget > 0 && demo_rng_below(&f->r, 4) &&
	    (st = add_relative(f, id, &m, "parent", 'F', py + demo_rng_range(&f->r, 0, 3), NULL, NULL, NULL, err)))
		return st;
	/* married when they died past 22, most of them with a child born by then */
	bool married = n == 0 || (dy - by >= 23 && demo_rng_below(&f->r, 10) >= 3);
	if (f->budget <= 0 || !married)
		return SY_OK;
	if ((st = add_spouse(f, id, &m, by, &spouse, err)))
		return st;
	int last = dy < 2005 ? dy : 2005;
	if (f->budget <= 0 || last < by + 22 || (n > 0 && demo_rng_below(&f->r, 5) == 0))
		return SY_OK;
	return add_relative(f, id, &m, "child", demo_rng_below(&f->r, 2) ? 'M' : 'F',
			    demo_rng_range(&f->r, by + 22, last), fathers_surname(&m, &spouse), NULL, NULL, err);
}

/*
 * A career member still serving (born 1972–1984: a 军士长 or a field
 * officer), with a spouse, children, and sometimes a parent: all 军属,
 * the children also 军人子女.
 */
static sy_status serving_family(struct families *f, int n, sy_err *err)
{
	static const char *const ranks[] = {"三级军士长", "二级军士长", "少校", "中校", "上校"};
	struct demo_ctx *c = f->c;
	struct person m, spouse;
	char enlist[32];
	int64_t id, sid, cid;
	sy_status st;
	int by = demo_rng_range(&f->r, 1972, 1984);
	if ((st = make_anchor(f, n == 0, demo_rng_below(&f->r, 10) ? 'M' : 'F', by, "normal", &m, &id, err)))
		return st;
	snprintf(enlist, sizeof enlist, "%04d-09-01", by + 18);
	struct service_input si = {.branch = family_branches[demo_rng_below(&f->r, NFAMILY_BRANCHES)],
				   .enlist_date = enlist, .rank = ranks[demo_rng_below(&f->r, 5)]};
	struct category_input active = {.category = "active_duty", .start_date = enlist};
	if ((st = registry_service_add(c->d, &c->actor, id, &si, &sid, err)) ||
	    (st = registry_category_add(c->d, &c->actor, id, &active, &cid, err)))
		return st;
	bool married = f->budget > 0;
	if (married && (st = add_spouse(f, id, &m, by, &spouse, err)))
		return st;
	if ((st = add_children(f, id, &m, married ? &spouse : NULL, by + 24, 2005,
			       demo_rng_range(&f->r, 1, 2), err)))
		return st;
	if (f->budget <= 0 || demo_rng_below(&f->r, 3))
		return SY_OK;
	/* a father shares the member's surname */
	bool father = demo_rng_below(&f->r, 2);
	return add_relative(f, id, &m, "parent", father ? 'M' : 'F', by - demo_rng_range(&f->r, 22, 30),
			    father ? m.name : NULL, NULL, NULL, err);
}

/* Veterans of the demo set old enough for grown children, without a family yet. */
static const char SQL_VETERAN_ANCHORS[] =
	"SELECT p.id, p.name, p.sex, p.birth_date, p.region_code, p.address, p.lat, p.lon FROM people p"
	" WHERE p.id >= $1 AND p.status = 'normal' AND p.birth_date BETWEEN '1950-01-01' AND '1981-12-31'"
	" AND EXISTS (SELECT 1 FROM person_categories c WHERE c.person_id = p.id AND c.category = 'veteran')"
	" AND NOT EXISTS (SELECT 1 FROM family_links l WHERE l.person_id = p.id OR l.relative_id = p.id)"
	" ORDER BY p.id LIMIT 1";

/* The next veteran to give a family (id above *after); *found false when none is left. */
static sy_status next_veteran(struct families *f, int64_t *after, struct person *p, bool *found,
			      sy_err *err)
{
	db_rows *r = NULL;
	sy_status st = db_query(f->c->d, SQL_VETERAN_ANCHORS, DB_ARGS(DB_I(*after + 1)), &r, err);
	if (st)
		return st;
	memset(p, 0, sizeof *p);
	*found = db_next(r) && (p->home = county_by_code(f->c, db_text(r, 4)));
	if (*found) {
		*after = db_int(r, 0);
		snprintf(p->name, sizeof p->name, "%s", db_text(r, 1));
		snprintf(p->sex, sizeof p->sex, "%s", db_text(r, 2));
		snprintf(p->birth, sizeof p->birth, "%s", db_text(r, 3));
		snprintf(p->address, sizeof p->address, "%s", db_text(r, 5) ? db_text(r, 5) : "");
		p->lat = db_double(r, 6);
		p->lon = db_double(r, 7);
		p->status = "normal";
	}
	db_rows_free(r);
	return SY_OK;
}

/* A veteran of the set gets a spouse and, often, grown children. */
static sy_status veteran_family(struct families *f, int64_t id, const struct person *v, sy_err *err)
{
	struct person spouse;
	int by = atoi(v->birth);
	sy_status st = add_spouse(f, id, v, by, &spouse, err);
	if (st)
		return st;
	return add_children(f, id, v, &spouse, by + 23, 2005, demo_rng_range(&f->r, 0, 2), err);
}

/*
 * The families: a few martyrs' first (one per hundred people, at least one),
 * then serving members' and veterans' in turn until the budget is spent
 * (each family takes at least one person, so it is spent exactly).
 */
static sy_status load_families(struct demo_ctx *c, int64_t first_id, int budget, sy_err *err)
{
	struct families f = {.c = c, .budget = budget};
	struct person v;
	int64_t after = first_id - 1;
	bool veterans = true;
	sy_status st = SY_OK;
	/* a stream of its own, seeded from where the history stream stopped */
	demo_rng_seed(&f.r, demo_rng_next(&c->history_rng));
	int martyrs = budget ? 1 + budget / 12 : 0;
	for (int i = 0; !st && f.budget > 0 && i < martyrs; i++)
		st = martyr_family(&f, i, err);
	for (int i = 0; !st && f.budget > 0; i++) {
		if (i % 2 == 1 && veterans && (st = next_veteran(&f, &after, &v, &veterans, err)) == SY_OK && veterans)
			st = veteran_family(&f, after, &v, err);
		else if (!st)
			st = serving_family(&f, i, err);
	}
	return st;
}

/* The people drawn one by one, then the families that link some of them; `others` of count are
 * made elsewhere (the placement veterans). */
static sy_status load_people(struct demo_ctx *c, int count, int others, sy_err *err)
{
	struct person p;
	int64_t first_id = 0;
	int budget = family_budget(count);
	sy_status st;
	for (int i = 0; i < count - budget - others; i++) {
		int64_t id;
		if ((st = make_person(c, i, &p, err)) || (st = insert_person(c, &p, &id, err)) ||
		    (st = add_history(c, id, &p, err)))
			return st;
		if (i == 0) {
			set_target(c, T_PERSON, id, p.home->code, p.name);
			first_id = id;
		}
	}
	return load_families(c, first_id, budget, err);
}

/* ---- users ----------------------------------------------------------------- */

/* SY_ECONFLICT when a previous load (or an operator) already made a demo user. */
static sy_status check_not_loaded(struct demo_ctx *c, sy_err *err)
{
	for (int i = 0; i < NLOGIN; i++) {
		int64_t one;
		sy_status st = db_query_int(c->d, SQL_USER_EXISTS,
					    DB_ARGS(DB_T(login_specs[i].username)), &one, err);
		if (st == SY_OK)
			return sy_fail(err, SY_ECONFLICT, "demo_already_loaded", NULL,
				       "演示数据已加载（用户 %s 已存在）",
				       "demo data is already loaded (user %s exists)",
				       login_specs[i].username);
		if (st != SY_ENOTFOUND)
			return st;
	}
	return SY_OK;
}

static const char *region_name(const struct demo_ctx *c, const char *code)
{
	const struct region *k = county_by_code(c, code);
	return k ? k->name : c->city.name;
}

static sy_status create_login(struct demo_ctx *c, const struct login_spec *s, sy_err *err)
{
	const struct target *t = s->target == T_NONE ? NULL : &c->targets[s->target];
	char display[ORG_NAME_MAX];
	struct demo_rng *r = &c->users_rng;
	int64_t id;

	if (t && !t->id)
		return sy_fail(err, SY_EINTERNAL, "demo_target_missing", NULL,
			       "演示用户 %s 缺少所属单位或人员", "demo user %s has no organisation or person",
			       s->username);
	if (s->target == T_PERSON) {
		snprintf(display, sizeof display, "%s", t->name);
	} else {
		char sex = demo_rng_below(r, 10) < 6 ? 'M' : 'F';
		demo_name(r, sex, demo_rng_range(r, 1968, 1996), display);
	}
	const char *region = s->region ? s->region : t->region;
	struct user_input in = {
		.username = s->username, .display_name = display, .password = s->password,
		.role = s->role, .region_code = region,
		.org_id = t && s->target != T_PERSON ? t->id : 0,
		.person_id = s->target == T_PERSON ? t->id : 0,
	};
	sy_status st = accounts_user_create(c->d, &c->actor, &in, &id, err);
	if (st)
		return st;

	struct demo_login *l = &c->sum.logins[c->sum.nlogins++];
	snprintf(l->username, sizeof l->username, "%s", s->username);
	snprintf(l->password, sizeof l->password, "%s", s->password);
	snprintf(l->role, sizeof l->role, "%s", s->role);
	if (s->target == T_PERSON)
		snprintf(l->scope, sizeof l->scope, "%.31s（本人，%.63s）", t->name,
			 region_name(c, region));
	else if (t)
		snprintf(l->scope, sizeof l->scope, "%s", t->name);
	else
		snprintf(l->scope, sizeof l->scope, "%s", region_name(c, region));
	c->sum.users++;
	return SY_OK;
}

static sy_status load_users(struct demo_ctx *c, sy_err *err)
{
	sy_status st = SY_OK;
	accounts_set_pwhash_limits(DEMO_PW_OPS, DEMO_PW_MEM);
	for (int i = 0; !st && i < NLOGIN; i++)
		st = create_login(c, &login_specs[i], err);
	/* 0, 0 is accounts' "libsodium interactive" default, which serve uses. */
	accounts_set_pwhash_limits(0, 0);
	return st;
}

static sy_status audit_load(struct demo_ctx *c, uint32_t seed, sy_err *err)
{
	json_t *detail = json_pack("{s:I, s:i, s:i, s:i}", "seed", (json_int_t)seed,
				   "orgs", c->sum.orgs, "people", c->sum.people, "users", c->sum.users);
	if (!detail)
		return oom(err);
	struct audit_event ev = {.action = "demo.load", .region_code = CITY_CODE, .detail = detail};
	sy_status st = audit_write(c->d, &c->actor, &ev, err);
	json_decref(detail);
	return st;
}

/* ---- cards ------------------------------------------------------------------ */

/* 优待证 for one person in five, at most 200, in every state of the flow (cards.h). */
static sy_status load_cards(struct demo_ctx *c, sy_err *err)
{
	int made;
	int max = c->sum.people / 5 < 200 ? c->sum.people / 5 : 200;
	return cards_demo(c->d, &c->actor, max, &made, err);
}

/*
 * The 拥军商户 network (profiles and offers) and a year of services by its
 * members to the card holders. The visit length of once_per_visit offers is
 * policy the city bureau sets; the demo sets one so that its offers work.
 */
static sy_status load_network(struct demo_ctx *c, sy_err *err)
{
	int members, rows;
	sy_status st;
	if ((st = merchants_demo(c->d, &c->actor, &members, err)) ||
	    (st = ledger_settings_set(c->d, &c->actor, 120, err)))
		return st;
	return ledger_demo(c->d, &c->actor, (int64_t)time(NULL), &rows, err);
}

/* ---- cases ------------------------------------------------------------------ */

/*
 * City departments that handle the steps of 一门受理, schooling and spouses'
 * jobs, so each step goes to the department whose name fits it. Added after
 * every other organisation (no draws), at the city seat, so nothing else moves.
 * The first, 公安局 (恢复户口 and 身份证), is the `department` login's.
 */
static const char *const case_departments[] = {
	"沧州市公安局", "沧州市医疗保障局", "沧州市人力资源和社会保障局", "沧州市教育局",
};

static sy_status load_cases(struct demo_ctx *c, sy_err *err)
{
	int made;
	sy_status st;
	for (size_t i = 0; i < sizeof case_departments / sizeof *case_departments; i++) {
		struct org o = {.name = case_departments[i], .type = "department", .region = CITY_CODE,
				.located = true, .lat = c->city.lat, .lon = c->city.lon};
		int64_t id;
		if ((st = insert_org(c, &o, &id, err)))
			return st;
		if (i == 0)
			set_target(c, T_DEPARTMENT, id, CITY_CODE, o.name);
	}
	return cases_demo(c->d, &c->actor, &made, err);
}

/* ---- 阳光安置 ---------------------------------------------------------------- */

/*
 * Veterans of 新华区 discharged in September 2022 with exit mode 安排工作, for
 * the demo's placement batch: by index, sergeants of 12–16 years, conscripts
 * with a peacetime 二等功, combat-disabled (grades 5–8), wartime 三等功,
 * 上士 with a peacetime 一等功, and a few who are not eligible (so the batch
 * page shows the reasons). Every enlistment falls on the 15th, some whole
 * months before the discharge on 2022-09-15, never exactly six past a whole
 * year: the 2018 table's years.exact_6_months is unset.
 */
#define PLACEMENT_VETERANS 30
#define PLACEMENT_DISCHARGE "2022-09-15"

static sy_status placement_veteran(struct demo_ctx *c, struct demo_rng *r, int i, sy_err *err)
{
	static const int months[] = {0, 2, 3, 5, 8, 9, 11};
	int kind = i % 10, years, by = 1978 + (int)demo_rng_below(r, 20), grade = 0;
	const char *rank = "上等兵", *cause = NULL;
	struct award_input aw[2];
	int naw = 0;
	switch (kind) {
	case 0: case 1: case 2: years = 12 + i % 5; rank = i % 2 ? "上士" : "四级军士长"; break;
	case 3: case 4: case 5:
		years = 2 + i % 4; rank = "下士";
		aw[naw++] = (struct award_input){"merit_2", false, NULL};
		if (i % 3 == 0)
			aw[naw++] = (struct award_input){"jiajiang", false, NULL};
		break;
	case 6: years = 3 + i % 3; grade = 5 + i % 4; cause = "combat"; break;
	case 7: years = 5 + i % 3; rank = "中士"; aw[naw++] = (struct award_input){"merit_3", true, NULL}; break;
	case 8: years = 8 + i % 3; rank = "上士"; aw[naw++] = (struct award_input){"merit_1", false, NULL}; break;
	default: years = 2; aw[naw++] = (struct award_input){"jiajiang", false, NULL}; break;
	}
	if (by + 18 > 2022 - years)
		by = 2022 - years - 18 - (int)demo_rng_below(r, 3);
	struct person p = {0};
	char enlist[32];
	int m = 9 - months[i % 7], y = 2022 - years;
	if (m < 1) {
		m += 12;
		y--;
	}
	snprintf(enlist, sizeof enlist, "%04d-%02d-15", y, m);
	/* A man of 新华区 as make_person draws people, from this stream. */
	p.home = county_by_code(c, XINHUA_CODE);
	p.sex[0] = 'M';
	p.status = "normal";
	sy_status st = make_id_number(c, r, &p, by, err);
	if (st)
		return st;
	demo_name(r, 'M', by, p.name);
	p.has_phone = true;
	make_phone(r, p.phone);
	make_address(r, p.home->name, p.home->spec, p.address);
	home_point(r, p.home, &p.lat, &p.lon);
	struct service_input si = {.branch = "army", .enlist_date = enlist, .discharge_date = PLACEMENT_DISCHARGE,
				   .rank = rank, .exit_mode = "placed", .awards = aw, .nawards = naw,
				   .disability_grade = grade, .disability_cause = cause};
	struct category_input vet = {.category = "veteran", .start_date = PLACEMENT_DISCHARGE};
	int64_t id, sid, cid;
	if ((st = insert_person(c, &p, &id, err)) || (st = registry_service_add(c->d, &c->actor, id, &si, &sid, err)))
		return st;
	return registry_category_add(c->d, &c->actor, id, &vet, &cid, err);
}

/* The veterans are part of the people asked for, taken when there are enough (a small set has none). */
static int placement_budget(int count)
{
	return count >= 100 ? PLACEMENT_VETERANS : 0;
}

static sy_status load_placement(struct demo_ctx *c, uint32_t seed, int n, sy_err *err)
{
	struct demo_rng r;
	sy_status st = SY_OK;
	if (!n)
		return SY_OK;
	demo_rng_seed(&r, seed ^ SALT_PLACEMENT);
	for (int i = 0; !st && i < n; i++)
		st = placement_veteran(c, &r, i, err);
	return st ? st : placement_demo(c->d, &c->actor, 2022, XINHUA_CODE, "2022-09-01", "2022-09-30", err);
}

/* ---- entry point ------------------------------------------------------------ */

sy_status demo_load(db *d, uint32_t seed, int people_count, struct demo_summary *out,
		    sy_err *err)
{
	struct demo_ctx *c = NULL;
	bool began = false;
	sy_status st;

	if (out)
		memset(out, 0, sizeof *out);
	if (people_count == 0)
		people_count = DEMO_DEFAULT_PEOPLE;
	if (people_count < 1 || people_count > DEMO_MAX_PEOPLE)
		return sy_fail(err, SY_EINVAL, "invalid_people_count", "people",
			       "人数须在 1–%d 之间", "people count must be 1–%d", DEMO_MAX_PEOPLE);
	/* On the heap: the context holds every region and the summary. */
	if (!(c = calloc(1, sizeof *c)))
		return oom(err);
	if (!idset_init(&c->ids, (size_t)people_count)) {
		st = oom(err);
		goto out;
	}
	c->d = d;
	principal_system(&c->actor, "demo");
	time_now_iso(c->now);
	demo_rng_seed(&c->orgs_rng, seed ^ SALT_ORGS);
	demo_rng_seed(&c->people_rng, seed ^ SALT_PEOPLE);
	/* a stream of its own, so the people stay the same whatever history they get */
	demo_rng_seed(&c->history_rng, seed ^ SALT_PEOPLE ^ 0x5EC0DULL);
	demo_rng_seed(&c->users_rng, seed ^ SALT_USERS);

	/* Our own transaction, not a joined one: the load is all or nothing. */
	if ((st = db_begin(d, err)))
		goto out;
	began = true;
	if ((st = check_not_loaded(c, err)) || (st = load_regions(c, err)) ||
	    (st = load_orgs(c, err)) ||
	    (st = load_people(c, people_count, placement_budget(people_count), err)) ||
	    (st = load_placement(c, seed, placement_budget(people_count), err)) || (st = load_cards(c, err)) ||
	    (st = load_network(c, err)) || (st = load_cases(c, err)) ||
	    (st = load_users(c, err)) || (st = audit_load(c, seed, err)))
		goto out;
	if ((st = db_commit(d, err)))
		goto out;
	if (out)
		*out = c->sum;
out:
	if (st && began)
		db_rollback(d);
	idset_free(&c->ids);
	free(c);
	return st;
}
