/* metrics.h - process counters for /metrics (Prometheus text format). */
#ifndef SY_METRICS_H
#define SY_METRICS_H

#include "../lib/strbuf.h"

void metrics_request_done(int status, double ms);
void metrics_conn_open(void);
void metrics_conn_close(void);
void metrics_render(strbuf *sb);

#endif
