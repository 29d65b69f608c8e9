#include "scope.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	"admin", "officer", "auditor", "merchant", "clinic", "unit", "employer", "station", "person",
	"department",
};

/* The organisation type each org-scoped role belongs to (registry's org types). */
static const char *const role_org_types[ROLE_COUNT] = {
	NULL, NULL, NULL, "merchant", "hospital", "unit", "employer", "supply_station", NULL, "department",
};

static int role_index(enum role r)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if ((unsigned)r == 1u << i)
			return i;
	return -1;
}

const char *role_name(enum role r)
{
	int i = role_index(r);
	return i < 0 ? "none" : role_names[i];
}

enum role role_parse(const char *s)
{
	if (!s)
		return ROLE_NONE;
	for (int i = 0; i < ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)(1u << i);
	return ROLE_NONE;
}

enum role role_at(int i)
{
	return i >= 0 && i < ROLE_COUNT ? (enum role)(1u << i) : ROLE_NONE;
}

const char *role_org_type(enum role r)
{
	int i = role_index(r);
	return i < 0 ? NULL : role_org_types[i];
}

void principal_system(struct principal *p, const char *name)
{
	memset(p, 0, sizeof *p);
	p->role = ROLE_ADMIN;
	snprintf(p->name, sizeof p->name, "%s", name ? name : "system");
	snprintf(p->region_code, sizeof p->region_code, "130900");
	snprintf(p->ip, sizeof p->ip, "local");
}

void region_prefix(const char *code, char out[REGION_CODE_MAX])
{
	size_t n = strnlen(code, REGION_CODE_MAX - 1);
	memcpy(out, code, n);
	out[n] = '\0';
	/* 6-digit GB/T 2260 codes: 130900 → 1309, 130000 → 13. Longer codes are exact. */
	if (n == 6) {
		while (n >= 2 && out[n - 1] == '0' && out[n - 2] == '0')
			n -= 2;
		out[n] = '\0';
	}
}

void scope_region_prefix(const struct principal *p, char out[REGION_CODE_MAX])
{
	if (p->role == ROLE_ADMIN) {
		out[0] = '\0';
		return;
	}
	region_prefix(p->region_code, out);
}

void scope_region_like(const struct principal *p, char out[REGION_CODE_MAX + 1])
{
	char prefix[REGION_CODE_MAX];
	scope_region_prefix(p, prefix);
	snprintf(out, REGION_CODE_MAX + 1, "%s%%", prefix);
}

bool scope_region_allows(const struct principal *p, const char *region_code)
{
	char prefix[REGION_CODE_MAX];
	if (!region_code)
		return p->role == ROLE_ADMIN;
	scope_region_prefix(p, prefix);
	return strncmp(region_code, prefix, strlen(prefix)) == 0;
}

sy_status scope_require_region(const struct principal *p, const char *region_code,
			       const char *field, sy_err *err)
{
	if (scope_region_allows(p, region_code))
		return SY_OK;
	return sy_failf(err, SY_EFORBIDDEN, "region_out_of_scope", field,
			"该地区不在您的管辖范围内", "region is outside your scope");
}

sy_status scope_filter_like(const struct principal *p, const char *region, const char *field,
			    char out[REGION_CODE_MAX + 1], sy_err *err)
{
	char prefix[REGION_CODE_MAX];
	if (!region) {
		scope_region_like(p, out);
		return SY_OK;
	}
	sy_status st = scope_require_region(p, region, field, err);
	if (st)
		return st;
	region_prefix(region, prefix);
	snprintf(out, REGION_CODE_MAX + 1, "%s%%", prefix);
	return SY_OK;
}

bool scope_org_allows(const struct principal *p, int64_t org_id)
{
	if (p->role == ROLE_ADMIN)
		return true;
	return (p->role & ROLES_ORG) && p->org_id > 0 && p->org_id == org_id;
}
