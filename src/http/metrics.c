/*
 * metrics.c - lock-free counters (relaxed atomics: a scrape needs totals, not
 * a consistent instant) rendered in the Prometheus text exposition format.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"

static const double bucket_ms[] = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};
#define NBUCKETS (sizeof bucket_ms / sizeof bucket_ms[0])

static _Atomic uint64_t req_by_class[6]; /* index: status / 100 */
static _Atomic uint64_t hist[NBUCKETS + 1];
static _Atomic uint64_t dur_sum_us;
static _Atomic int64_t conns_open;
static _Atomic uint64_t conns_total;
static time_t started;

void metrics_request_done(int status, double ms)
{
	int c = status / 100;
	if (c < 1 || c > 5)
		c = 0;
	atomic_fetch_add_explicit(&req_by_class[c], 1, memory_order_relaxed);
	size_t b = 0;
	while (b < NBUCKETS && ms > bucket_ms[b])
		b++;
	atomic_fetch_add_explicit(&hist[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&dur_sum_us, (uint64_t)(ms * 1000.0), memory_order_relaxed);
}

void metrics_conn_open(void)
{
	if (!started)
		started = time(NULL);
	atomic_fetch_add_explicit(&conns_open, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&conns_total, 1, memory_order_relaxed);
}

void metrics_conn_close(void)
{
	atomic_fetch_sub_explicit(&conns_open, 1, memory_order_relaxed);
}

void metrics_render(strbuf *sb)
{
	static const char *classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	uint64_t total = 0, cum = 0;
	sb_puts(sb, "# HELP shuangyong_http_requests_total HTTP requests by status class.\n"
		    "# TYPE shuangyong_http_requests_total counter\n");
	for (int i = 0; i < 6; i++) {
		uint64_t v = atomic_load_explicit(&req_by_class[i], memory_order_relaxed);
		total += v;
		sb_printf(sb, "shuangyong_http_requests_total{class=\"%s\"} %llu\n", classes[i],
			  (unsigned long long)v);
	}
	sb_puts(sb, "# HELP shuangyong_http_request_duration_seconds Time to produce a response.\n"
		    "# TYPE shuangyong_http_request_duration_seconds histogram\n");
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += atomic_load_explicit(&hist[b], memory_order_relaxed);
		if (b < NBUCKETS)
			sb_printf(sb, "shuangyong_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
				  bucket_ms[b] / 1000.0, (unsigned long long)cum);
		else
			sb_printf(sb, "shuangyong_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
				  (unsigned long long)cum);
	}
	sb_printf(sb, "shuangyong_http_request_duration_seconds_sum %.6f\n",
		  (double)atomic_load_explicit(&dur_sum_us, memory_order_relaxed) / 1e6);
	sb_printf(sb, "shuangyong_http_request_duration_seconds_count %llu\n", (unsigned long long)cum);
	(void)total;
	sb_printf(sb, "# HELP shuangyong_connections_open Open client connections.\n"
		      "# TYPE shuangyong_connections_open gauge\nshuangyong_connections_open %lld\n",
		  (long long)atomic_load_explicit(&conns_open, memory_order_relaxed));
	sb_printf(sb, "# HELP shuangyong_connections_total Client connections accepted.\n"
		      "# TYPE shuangyong_connections_total counter\nshuangyong_connections_total %llu\n",
		  (unsigned long long)atomic_load_explicit(&conns_total, memory_order_relaxed));
	sb_printf(sb, "# HELP shuangyong_start_time_seconds Process start, Unix time.\n"
		      "# TYPE shuangyong_start_time_seconds gauge\nshuangyong_start_time_seconds %lld\n",
		  (long long)started);
}
