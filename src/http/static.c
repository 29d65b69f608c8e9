/*
 * static.c - the UI's files. A path is served only when, after resolving
 * symlinks, it lies inside the web directory; "..", NUL and backslashes are
 * refused before touching the file system. HTML and the service worker
 * (/sw.js) revalidate every time (so a deploy takes effect; a worker held in a
 * cache would keep serving the old app), vendor libraries are cached for a
 * week, the rest revalidate with a cheap ETag.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "static.h"

static const struct {
	const char *ext, *type;
} mime_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".ico", "image/x-icon"},
	{".webp", "image/webp"},
	{".woff2", "font/woff2"},
	{".woff", "font/woff"},
	{".txt", "text/plain; charset=utf-8"},
	{".map", "application/json; charset=utf-8"},
	{".webmanifest", "application/manifest+json"},
};

static const char *mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (strcmp(dot, mime_types[i].ext) == 0)
				return mime_types[i].type;
	return "application/octet-stream";
}

static sy_status not_found(sy_err *err)
{
	return sy_failf(err, SY_ENOTFOUND, "not_found", NULL, "页面不存在", "not found");
}

/* Reject anything that could step outside the web directory before resolving it. */
static bool path_is_clean(const char *p)
{
	/* No "/." anywhere: blocks "..", hidden files and ".git" in one rule. */
	return !strchr(p, '\\') && !strstr(p, "//") && !strstr(p, "/.");
}

sy_status static_serve(struct http_req *r, sy_err *err)
{
	char root[PATH_MAX], want[PATH_MAX], real[PATH_MAX];
	struct stat stt;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
		http_add_header(r, "Allow", "GET, HEAD");
		return sy_failf(err, SY_EMETHOD, "method_not_allowed", NULL, "不支持此请求方法",
				"method not allowed");
	}
	if (!http_cfg.web_dir || !path_is_clean(r->path))
		return not_found(err);
	if (!realpath(http_cfg.web_dir, root))
		return not_found(err);
	const char *rel = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	if ((size_t)snprintf(want, sizeof want, "%s%s", root, rel) >= sizeof want)
		return not_found(err);
	if (!realpath(want, real))
		return not_found(err);
	size_t rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || real[rl] != '/')
		return not_found(err);
	int fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return not_found(err);
	if (fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
		close(fd);
		return not_found(err);
	}
	char *etag = arena_printf(r->a, "\"%llx-%llx\"", (unsigned long long)stt.st_size,
				  (unsigned long long)stt.st_mtime);
	const char *inm = http_header(r, "If-None-Match");
	if (etag)
		http_add_header(r, "ETag", etag);
	const char *type = mime_for(real);
	http_add_header(r, "Cache-Control",
			strncmp(rel, "/vendor/", 8) == 0 ? "public, max-age=604800"
			: strncmp(type, "text/html", 9) == 0 || strcmp(rel, "/sw.js") == 0 ? "no-cache"
							       : "public, max-age=0, must-revalidate");
	r->content_type = type;
	if (inm && etag && strcmp(inm, etag) == 0) {
		close(fd);
		r->status = 304;
		return SY_OK;
	}
	r->out_fd = fd;
	r->out_fd_size = (uint64_t)stt.st_size;
	r->status = 200;
	return SY_OK;
}
