/*
 * scope.h - who is asking (a principal) and what they may see.
 *
 * Every query made for an officer or auditor is limited to their region and
 * the regions below it; for merchant, clinic, unit, employer, station and
 * department to their organisation; for a person to themselves. Domain code takes a
 * principal and uses these helpers rather than testing roles itself.
 */
#ifndef SY_SCOPE_H
#define SY_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/status.h"

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,
	ROLE_OFFICER = 1 << 1,
	ROLE_AUDITOR = 1 << 2,
	ROLE_MERCHANT = 1 << 3,
	ROLE_CLINIC = 1 << 4,
	ROLE_UNIT = 1 << 5,
	ROLE_EMPLOYER = 1 << 6,
	ROLE_STATION = 1 << 7,
	ROLE_PERSON = 1 << 8,
	/* A government department (公安局, 教育局 …) acting on the case steps it handles. */
	ROLE_DEPARTMENT = 1 << 9,
};
#define ROLES_ALL 0x3ffu
#define ROLES_STAFF (ROLE_ADMIN | ROLE_OFFICER | ROLE_AUDITOR)
/* Roles whose scope is one organisation. */
#define ROLES_ORG (ROLE_MERCHANT | ROLE_CLINIC | ROLE_UNIT | ROLE_EMPLOYER | ROLE_STATION | ROLE_DEPARTMENT)
#define ROLE_COUNT 10

#define REGION_CODE_MAX 16

struct principal {
	int64_t user_id;  /* 0 for an API token or the system */
	int64_t token_id; /* 0 unless authenticated by API token */
	enum role role;
	char name[64];    /* username, or "token:<name>", or "system" */
	char region_code[REGION_CODE_MAX];
	int64_t org_id;    /* 0 when none */
	int64_t person_id; /* 0 when none */
	char ip[48];
};

const char *role_name(enum role r);
/* ROLE_NONE when s names no role. */
enum role role_parse(const char *s);
/* The i-th role (0..ROLE_COUNT-1), for iteration. */
enum role role_at(int i);
/* Which organisation type a role's organisation must be; NULL when the role has none. */
const char *role_org_type(enum role r);

/* The principal used by CLI commands and migrations: an admin named "system". */
void principal_system(struct principal *p, const char *name);

/*
 * The region-code prefix the caller's scope covers: "" for everything, "1309"
 * for the city, "130902" for a county. Codes are GB/T 2260: trailing "00"
 * pairs mean "the whole of the level above".
 */
void scope_region_prefix(const struct principal *p, char out[REGION_CODE_MAX]);
/* The same prefix followed by '%', for `region_code LIKE $n`. */
void scope_region_like(const struct principal *p, char out[REGION_CODE_MAX + 1]);
/* The prefix a region code stands for, for any code (used for filters). */
void region_prefix(const char *code, char out[REGION_CODE_MAX]);
bool scope_region_allows(const struct principal *p, const char *region_code);
/* SY_EFORBIDDEN "region_out_of_scope" naming field when region_code is outside scope. */
sy_status scope_require_region(const struct principal *p, const char *region_code,
			       const char *field, sy_err *err);
/*
 * The `region_code LIKE` pattern of a list: the region filter's prefix when
 * one is given (403 region_out_of_scope naming field when it is outside the
 * caller's scope), else the caller's whole scope.
 */
sy_status scope_filter_like(const struct principal *p, const char *region, const char *field,
			    char out[REGION_CODE_MAX + 1], sy_err *err);
/* true when the caller may act for org_id (admin, or an org role of that org). */
bool scope_org_allows(const struct principal *p, int64_t org_id);

#endif
