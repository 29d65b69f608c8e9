/*
 * demo.h - `shuangyong demo`: a realistic, deterministic demo data set for
 * Cangzhou, for trying the platform, screenshots and tests.
 *
 * What it loads (all invented; no record describes a real person, shop or
 * address):
 *   - organisations: per county-level division 3–6 拥军商户, its 退役军人事务局,
 *     a school and 1–2 employers; city-wide the veterans' clinic, the 军供站,
 *     stationed units, a bank branch, volunteer associations, a training base
 *     and the city bureau; the three associations' member units (merchants,
 *     the bank, the clinic, schools, employers, the training base), and a
 *     双拥 liaison (an association also its secretary-general) for each
 *     city-wide body but the stationed units;
 *   - people: valid 身份证号 with Cangzhou county codes, names matching the
 *     sex the number encodes, addresses and coordinates inside their county;
 *     veterans and serving members with service records and categories; and
 *     (from 50 people on) one in eight in a family: spouses, children and
 *     parents linked to serving members (军属, 军人子女) and to veterans, and
 *     a few martyrs (deceased, death_kind martyr) whose parents, spouse and
 *     children are 烈士遗属 through the links, never entered a second time;
 *   - one user per fixed login below, covering every role.
 *
 * Fixed logins (tests and the docs rely on them; passwords are public, so a
 * demo database must never be exposed as a production one):
 *
 *   username        password            role      scope
 *   admin           admin-demo-2026     admin     130900 沧州市
 *   officer.xinhua  officer-demo-2026   officer   130902 新华区
 *   officer.renqiu  officer-demo-2026   officer   130982 任丘市
 *   auditor         auditor-demo-2026   auditor   130900 沧州市
 *   auditor.xinhua  auditor-demo-2026   auditor   130902 新华区
 *   merchant        merchant-demo-2026  merchant  沧州华北商厦 (130902)
 *   clinic          clinic-demo-2026    clinic    沧州市人民医院退役军人医疗门诊
 *   unit            unit-demo-2026      unit      沧州军分区
 *   employer        employer-demo-2026  employer  the first employer in 新华区
 *   station         station-demo-2026   station   沧州军供站
 *   department      department-demo-2026 department 沧州市公安局
 *   person          person-demo-2026    person    the first demo person (新华区)
 */
#ifndef SY_DEMO_H
#define SY_DEMO_H

#include <stdint.h>

#include "db/db.h"

#define DEMO_DEFAULT_PEOPLE 500
#define DEMO_MAX_PEOPLE 1000000 /* one transaction; the 1M-scale bench set has its own generator */
#define DEMO_MAX_LOGINS 16

struct demo_login {
	char username[64];
	char password[64];
	char role[16];
	char scope[128]; /* what the login may see, for people: "新华区", an org's name */
};

struct demo_summary {
	int orgs, people, users;
	struct demo_login logins[DEMO_MAX_LOGINS];
	int nlogins;
};

/*
 * Load the demo set into an initialised (migrated) database, in one
 * transaction: on any error nothing is left behind. Deterministic for a
 * seed: the same seed and people_count give the same rows (apart from
 * timestamps and password salts). people_count 0 means DEMO_DEFAULT_PEOPLE.
 * Refuses with SY_ECONFLICT "demo_already_loaded" when any of the fixed
 * demo users already exists. out may be NULL.
 *
 * Password hashes use libsodium's minimum Argon2id limits so that loading
 * takes milliseconds; the process's default limits are restored afterwards.
 */
sy_status demo_load(db *d, uint32_t seed, int people_count, struct demo_summary *out,
		    sy_err *err);

/* The fixed logins (username, password, role; no scope), for printing when already loaded. */
int demo_fixed_logins(struct demo_login *out, int max);

#endif
