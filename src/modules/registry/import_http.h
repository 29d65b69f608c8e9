/*
 * import_http.h - the import's HTTP side for a module that adds an import
 * kind of its own (its routes call these with its kind): the upload as a
 * preview or, with ?commit=1&on_existing=, the import; and the template.
 */
#ifndef SY_IMPORT_HTTP_H
#define SY_IMPORT_HTTP_H

#include "http/http.h"
#include "import.h"

/* POST /api/v1/imports/<kind>: the report (and a rejects link), as for the registry's kinds. */
sy_status import_post(struct http_req *r, const struct import_kind *kind, sy_err *err);
/* GET /api/v1/imports/<kind>/template: the columns with an example row (?format=csv|xlsx). */
sy_status import_get_template(struct http_req *r, const struct import_kind *kind, sy_err *err);

#endif
