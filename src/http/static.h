/* static.h - files from the web directory. */
#ifndef SY_STATIC_H
#define SY_STATIC_H
#include "http.h"
/* Serve r->path from http_cfg.web_dir (GET/HEAD only; never outside it). */
sy_status static_serve(struct http_req *r, sy_err *err);
#endif
