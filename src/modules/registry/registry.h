/*
 * registry.h - regions and organisations (the people registry grows here).
 */
#ifndef SY_REGISTRY_H
#define SY_REGISTRY_H

#include <jansson.h>

#include "db/db.h"
#include "db/scope.h"

/* All regions, parents before children. */
sy_status registry_regions(db *d, json_t **items, sy_err *err);

struct org_filter {
	const char *type, *region, *q;
	int limit;
	int64_t cursor;
};
/* Organisations in the reader's scope (an org role sees its own organisation only). */
sy_status registry_orgs(db *d, const struct principal *reader, const struct org_filter *f,
			json_t **items, int64_t *next, sy_err *err);

#endif
