/*
 * paths.h - where files that belong with the database live by default.
 */
#ifndef SY_PATHS_H
#define SY_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The directory `name` beside the database: next to a SQLite file (so a test
 * database and its files stay together: "data/x.db" → "data/name"), or
 * "data/name" with PostgreSQL. false when it does not fit in cap.
 */
bool path_beside_db(const char *db_url, const char *name, char *out, size_t cap);

#endif
