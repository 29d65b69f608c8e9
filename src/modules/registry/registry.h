/*
 * registry.h - regions. Organisations are orgs.h, people people.h.
 */
#ifndef SY_REGISTRY_H
#define SY_REGISTRY_H

#include <jansson.h>

#include "db/db.h"
#include "db/scope.h"

/* All regions, parents before children. */
sy_status registry_regions(db *d, json_t **items, sy_err *err);

#endif
