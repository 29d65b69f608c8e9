#include "status.h"

#include <stdio.h>
#include <string.h>

static void copy_str(char *dst, size_t cap, const char *src)
{
	if (!src)
		src = "";
	snprintf(dst, cap, "%s", src);
}

sy_status sy_fail(sy_err *err, sy_status status, const char *code,
		  const char *field, const char *msg_zh, const char *msg_en, ...)
{
	if (!err)
		return status;
	va_list ap;
	err->status = status;
	copy_str(err->code, sizeof err->code, code);
	copy_str(err->field, sizeof err->field, field);
	va_start(ap, msg_en);
	vsnprintf(err->msg_zh, sizeof err->msg_zh, msg_zh, ap);
	va_end(ap);
	va_start(ap, msg_en);
	vsnprintf(err->msg_en, sizeof err->msg_en, msg_en, ap);
	va_end(ap);
	return status;
}

sy_status sy_failf(sy_err *err, sy_status status, const char *code,
		   const char *field, const char *msg_zh, const char *msg_en)
{
	if (!err)
		return status;
	err->status = status;
	copy_str(err->code, sizeof err->code, code);
	copy_str(err->field, sizeof err->field, field);
	copy_str(err->msg_zh, sizeof err->msg_zh, msg_zh);
	copy_str(err->msg_en, sizeof err->msg_en, msg_en);
	return status;
}

void sy_err_clear(sy_err *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}

static const struct {
	const char *name;
	int http;
} status_table[] = {
	[SY_OK] = {"ok", 200},
	[SY_EINVAL] = {"invalid", 400},
	[SY_EJSON] = {"malformed_json", 400},
	[SY_EUNAUTH] = {"unauthenticated", 401},
	[SY_EFORBIDDEN] = {"forbidden", 403},
	[SY_ENOTFOUND] = {"not_found", 404},
	[SY_EMETHOD] = {"method_not_allowed", 405},
	[SY_ECONFLICT] = {"conflict", 409},
	[SY_ETOOLARGE] = {"too_large", 413},
	[SY_EMEDIA] = {"unsupported_media_type", 415},
	[SY_ETHROTTLED] = {"too_many_requests", 429},
	[SY_EINTERNAL] = {"internal", 500},
	[SY_EUNAVAILABLE] = {"unavailable", 503},
	[SY_ENOMEM] = {"out_of_memory", 500},
};

const char *sy_status_name(sy_status s)
{
	if ((unsigned)s >= sizeof status_table / sizeof status_table[0])
		return "internal";
	return status_table[s].name;
}

int sy_status_http(sy_status s)
{
	if ((unsigned)s >= sizeof status_table / sizeof status_table[0])
		return 500;
	return status_table[s].http;
}
