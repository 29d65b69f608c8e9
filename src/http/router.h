/* router.h - internal to src/http: finding the route for a request. */
#ifndef SY_ROUTER_H
#define SY_ROUTER_H

#include "http.h"

enum route_match { ROUTE_FOUND, ROUTE_WRONG_METHOD, ROUTE_UNKNOWN };

enum route_match router_find(struct http_req *r, const struct route **out);
const char *router_allow(struct http_req *r);

#endif
