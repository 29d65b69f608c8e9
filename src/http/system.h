/* system.h - the platform's own endpoints: health, metrics, OpenAPI. */
#ifndef SY_SYSTEM_H
#define SY_SYSTEM_H
#include "http.h"
extern const struct route system_routes[];
extern const int system_routes_count;
/* The OpenAPI 3 description of every route in the table (new reference). */
json_t *openapi_document(const char *version);
#endif
