/* home.h - what each role sees first: a few counts in its own scope. */
#ifndef SY_HOME_H
#define SY_HOME_H

#include <jansson.h>

#include "db/db.h"
#include "db/scope.h"

/* {"role", "scope_name", "cards":[{"key","value"}], "users_by_role"?} (new reference). */
sy_status home_summary(db *d, const struct principal *who, json_t **out, sy_err *err);

#endif
