#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"

bool path_beside_db(const char *db_url, const char *name, char *out, size_t cap)
{
	const char *path = db_url ? db_url : "";
	int n;
	if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
		n = snprintf(out, cap, "data/%s", name);
	else {
		if (strncmp(path, "sqlite:", 7) == 0)
			path += 7;
		const char *slash = strrchr(path, '/');
		n = slash ? snprintf(out, cap, "%.*s/%s", (int)(slash - path), path, name) : snprintf(out, cap, "%s", name);
	}
	return n > 0 && (size_t)n < cap;
}
