#include "log.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "timeutil.h"

static enum log_level min_level = LOG_INFO;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (lvl < min_level)
		return;
	char msg[1024], ts[TIME_ISO_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	time_now_iso(ts);
	/* jansson escapes the message so a log line is always one valid JSON object. */
	json_t *o = json_pack("{s:s, s:s, s:s}", "t", ts, "level", names[lvl], "msg", msg);
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	fprintf(stderr, "%s\n", line ? line : msg);
	free(line);
	json_decref(o);
}
