#!/usr/bin/env bash
# bench/run.sh - measures the server against the machine's ceiling (nginx
# serving a static file of the same size and type) and writes
# docs/benchmarks.md. Called by `make bench` after `scripts/deps.sh bench` and
# `make all`.
#
# Everything runs on loopback in a temporary directory that is removed on
# exit; both servers are stopped by process id. A missed target is reported,
# not failed (a benchmark is not a test); a step that cannot run (missing
# tool, server that does not start, requests that fail) exits non-zero.
#
# Knobs (environment): BENCH_DURATION (seconds per run, default 10),
# BENCH_CONNECTIONS (default 64), BENCH_THREADS (server worker threads,
# default 2), BENCH_ROUNDS (repeat the whole set and report each row's
# median, default 1), BENCH_OUT (report path, default docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

BIN=$ROOT/build/shuangyong
NGINX=${NGINX:-/usr/sbin/nginx}
DURATION=${BENCH_DURATION:-10}
WARMUP=2
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=2
SERVER_THREADS=${BENCH_THREADS:-2}
ROUNDS=${BENCH_ROUNDS:-1}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
HOST=127.0.0.1 # never anything else: this script only talks to loopback

TMP=""
SERVER_PID=""
NGINX_PID=""

die() {
	echo "bench: $*" >&2
	exit 1
}

# Stops a process we started and waits (bounded) until it is gone, so the
# temporary directory is not removed under a running server.
stop_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	stop_pid "$SERVER_PID"
	stop_pid "$NGINX_PID"
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "$rc" -ne 0 ]; then
			# Show why a server did not come up before its log disappears.
			for f in "$TMP"/server.log "$TMP"/nginx-error.log; do
				[ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
			done
		fi
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

check_tools() {
	local t
	[ -x "$BIN" ] || die "$BIN is missing: run 'make all' first"
	[ -x "$NGINX" ] || die "$NGINX is missing: run 'scripts/deps.sh bench'"
	for t in wrk curl python3 timeout ps awk; do
		command -v "$t" >/dev/null 2>&1 || die "$t is missing: run 'scripts/deps.sh bench'"
	done
}

# A port the kernel has just handed out on loopback and released; the window
# until the server binds it is short and nothing else here picks ports.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Polls URL until it answers 200 or the process PID dies; at most 10 s.
wait_ready() {
	local url=$1 pid=$2 what=$3 i
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || die "$what exited during start-up"
		if curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "$what did not answer $url within 10 s"
}

start_server() {
	local db="sqlite:$TMP/bench.db"
	"$BIN" init --db "$db" >"$TMP/init.log" 2>&1 || { cat "$TMP/init.log" >&2; die "init failed"; }
	"$BIN" demo --db "$db" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "demo failed"; }
	SERVER_PORT=$(free_port)
	SERVER_CMD="build/shuangyong serve --db sqlite:\$TMP/bench.db --access-log off --threads $SERVER_THREADS --listen $HOST:PORT --web web"
	"$BIN" serve --db "$db" --access-log off --threads "$SERVER_THREADS" \
		--listen "$HOST:$SERVER_PORT" --web "$ROOT/web" --log-level warn \
		>"$TMP/server.log" 2>&1 &
	SERVER_PID=$!
	wait_ready "http://$HOST:$SERVER_PORT/healthz" "$SERVER_PID" "shuangyong"
}

# nginx gets two server blocks in one instance, so the with- and
# without-open_file_cache figures come from identical workers. Logs, pid file
# and nginx's temp paths all live under the prefix (-p) in $TMP.
start_nginx() {
	NGINX_PORT=$(free_port)
	NGINX_CACHE_PORT=$(free_port)
	[ "$NGINX_PORT" != "$NGINX_CACHE_PORT" ] || NGINX_CACHE_PORT=$(free_port)
	mkdir -p "$TMP/html"
	# Same body, size and Content-Type as the server's /healthz reply.
	printf '{"status":"ok"}' >"$TMP/html/healthz"
	local user_line=""
	# As root the master drops workers to 'nobody', which cannot read a 0700
	# mktemp directory; keep them as root (loopback only, temporary).
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	cat >"$TMP/nginx.conf" <<EOF
$user_line
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types { }
    default_type application/json;
    client_body_temp_path $TMP/nginx-tmp/body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;
    server {
        listen $HOST:$NGINX_PORT;
        root $TMP/html;
    }
    server {
        listen $HOST:$NGINX_CACHE_PORT;
        root $TMP/html;
        open_file_cache max=1000 inactive=20s;
    }
}
EOF
	mkdir -p "$TMP/nginx-tmp"
	"$NGINX" -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" >"$TMP/nginx.out" 2>&1 &
	NGINX_PID=$!
	wait_ready "http://$HOST:$NGINX_PORT/healthz" "$NGINX_PID" "nginx"
	wait_ready "http://$HOST:$NGINX_CACHE_PORT/healthz" "$NGINX_PID" "nginx (open_file_cache)"
	# Fail early if the ceiling would not be comparable with /healthz.
	local ct len
	ct=$(curl -sS --max-time 2 -o /dev/null -w '%{content_type}' "http://$HOST:$NGINX_PORT/healthz")
	len=$(curl -sS --max-time 2 -o /dev/null -w '%{size_download}' "http://$HOST:$NGINX_PORT/healthz")
	[ "$ct" = "application/json" ] && [ "$len" = 15 ] ||
		die "nginx serves Content-Type '$ct', $len bytes; want application/json, 15"
}

# Logs in as the demo admin and writes a wrk Lua script that sends the
# session cookie, so the run measures the session lookup on every request.
make_auth_script() {
	local code cookie
	code=$(curl -sS --max-time 10 -D "$TMP/login.headers" -o "$TMP/login.json" -w '%{http_code}' \
		-H 'Content-Type: application/json' \
		--data '{"username":"admin","password":"admin-demo-2026"}' \
		"http://$HOST:$SERVER_PORT/api/v1/auth/login")
	[ "$code" = 200 ] || die "demo admin login answered HTTP $code"
	cookie=$(tr -d '\r' <"$TMP/login.headers" |
		sed -n 's/^[Ss]et-[Cc]ookie: *\(sy_session=[^;]*\).*/\1/p' | head -n 1)
	[ -n "$cookie" ] || die "login set no sy_session cookie"
	code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" \
		"http://$HOST:$SERVER_PORT/api/v1/auth/me")
	[ "$code" = 200 ] || die "/api/v1/auth/me with the session cookie answered HTTP $code"
	printf 'wrk.headers["Cookie"] = "%s"\n' "$cookie" >"$TMP/auth.lua"
}

# Converts a wrk duration (123.45us, 1.20ms, 1.00s, 1.00m) to milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000
		else if (v ~ /ms$/) n = n
		else if (v ~ /m$/) n *= 60000
		else if (v ~ /s$/) n *= 1000
		printf "%.2f", n
	}'
}

# run_wrk NAME URL [LUA]: a discarded warm-up, then the measured run.
# Appends "NAME rps p50_ms p99_ms" to $TMP/results; fails if any request did not get a
# 2xx/3xx answer or the socket errored, since the rate would then be wrong.
run_wrk() {
	local name=$1 url=$2 lua=${3:-} out rps p50 p99
	local script=()
	[ -n "$lua" ] && script=(-s "$lua")
	echo "bench: $name  $url" >&2
	timeout $((WARMUP + 15)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" \
		"${script[@]}" "$url" >/dev/null || die "wrk warm-up failed for $url"
	out=$(timeout $((DURATION + 30)) wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
		--latency "${script[@]}" "$url") || die "wrk failed for $url"
	printf '%s\n' "$out" >"$TMP/wrk-$name.txt"
	if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' <<<"$out"; then
		printf '%s\n' "$out" >&2
		die "$url: some requests failed; the rate would not be meaningful"
	fi
	rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	[ -n "$rps" ] && [ -n "$p50" ] && [ -n "$p99" ] || die "cannot parse wrk output for $url"
	echo "$name $rps $(to_ms "$p50") $(to_ms "$p99")" >>"$TMP/results"
}

# With several rounds, each row is the round with the median rate (its p50
# and p99 come from that same run), so one disturbed run does not decide the
# verdict. Sets RPS_<NAME>, P50_<NAME>, P99_<NAME>.
pick_medians() {
	local name line
	for name in nginx nginx_cache healthz static me; do
		line=$(awk -v n="$name" '$1 == n' "$TMP/results" | sort -k2,2n |
			awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }')
		[ -n "$line" ] || die "no result for $name"
		set -- $line
		printf -v "RPS_$name" '%s' "$2"
		printf -v "P50_$name" '%s' "$3"
		printf -v "P99_$name" '%s' "$4"
	done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

server_rss_mb() {
	local kb
	kb=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
	[ -n "$kb" ] || die "cannot read the server's resident memory"
	awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }'
}

# One table row: what | requests/s | p50 | p99 | ratio | ratio to cached.
row() {
	local label=$1 name=$2 rps p50 p99
	rps=${!name}
	p50=P50_${name#RPS_}
	p99=P99_${name#RPS_}
	printf '| %s | %s | %s ms | %s ms | %s | %s |\n' "$label" "$rps" "${!p50}" "${!p99}" \
		"$(ratio "$rps" "$RPS_nginx")" "$(ratio "$rps" "$RPS_nginx_cache")"
}

results_table() {
	echo "| what | requests/s | p50 | p99 | ratio to nginx static | ratio to nginx + open_file_cache |"
	echo "|---|---:|---:|---:|---:|---:|"
	row "nginx static file, 15 B application/json (ceiling)" RPS_nginx
	row "nginx static file with \`open_file_cache\`" RPS_nginx_cache
	row "shuangyong \`GET /healthz\`" RPS_healthz
	row "shuangyong static file \`GET /favicon.svg\` (${FAVICON_BYTES} B)" RPS_static
	row "shuangyong \`GET /api/v1/auth/me\` with session cookie" RPS_me
}

machine_facts() {
	local cpu sqlite
	cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
	[ -n "$cpu" ] || cpu=$(uname -m)
	sqlite=$("$BIN" version | sed -n 's/.*SQLite \([0-9.]*\).*/\1/p')
	echo "- CPU: $cpu; cores (\`nproc\`): $(nproc)"
	echo "- kernel (\`uname -r\`): $(uname -r)"
	echo "- server: \`$("$BIN" version)\`; SQLite $sqlite"
	echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); wrk: $(wrk -v 2>&1 | awk 'NR == 1 {print $2}')"
}

write_report() {
	local verdict healthz_ratio cache_ratio
	healthz_ratio=$(ratio "$RPS_healthz" "$RPS_nginx")
	cache_ratio=$(ratio "$RPS_healthz" "$RPS_nginx_cache")
	if [ "$RPS_healthz" -ge "$RPS_nginx" ]; then verdict=PASS; else verdict=FAIL; fi
	# Say so when the margin is inside the run-to-run noise, either way.
	local noise=""
	awk -v r="$healthz_ratio" 'BEGIN { exit !(r > 0.85 && r < 1.15) }' &&
		noise=" The margin is within the ~15% run-to-run noise."
	VERDICT_LINE="**$verdict** — \`/healthz\` $RPS_healthz requests/s vs nginx static $RPS_nginx requests/s (ratio $healthz_ratio; against nginx with \`open_file_cache\`, $RPS_nginx_cache requests/s, the ratio is $cache_ratio).$noise"
	mkdir -p "$(dirname "$OUT")"
	{
		cat <<EOF
# Benchmarks

Written by \`bench/run.sh\` (\`make bench\`) — do not edit by hand; rerun it.

Run on $(date -u '+%Y-%m-%d %H:%M UTC').

## Machine

$(machine_facts)

wrk runs on the same $(nproc) cores as the server it measures (loopback), so
every figure is a share of one machine, and figures within one run compare
better than figures across runs: differences under about 15% between runs are
noise (design.md, "Facts measured on these machines").

## Results

$(results_table)

Server resident memory after all runs (demo data set): **$RSS_MB MB**
(\`ps -o rss=\`).

### Target: \`/healthz\` at least equal to nginx's static-file rate on the same machine

$VERDICT_LINE

The ceiling is nginx without \`open_file_cache\` (the stock configuration);
the cached figure is given alongside because it is nginx's best case.

## How it was measured

- Database: \`shuangyong init\` + \`shuangyong demo\` on a fresh SQLite file
  in a temporary directory.
- Server: \`$SERVER_CMD\`
- nginx $("$NGINX" -v 2>&1 | sed 's/^nginx version: nginx\///') serving a file
  with the same body, length (15 bytes) and Content-Type
  (\`application/json\`) as \`/healthz\`, from one instance with two server
  blocks (with and without \`open_file_cache\`):

\`\`\`nginx
$(sed -e "s#$TMP#\$TMP#g" -e "s#$HOST:[0-9]*;#$HOST:PORT;#" -e '/^$/d' "$TMP/nginx.conf")
\`\`\`

- Load: for each URL a ${WARMUP}-second warm-up whose numbers are discarded,
  then \`wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency URL\`;
  $(if [ "$ROUNDS" -eq 1 ]; then echo "one round (each URL measured once)."; else echo "$ROUNDS rounds, each row is the run with the median rate."; fi)
  The session run logs in as the demo admin (\`POST /api/v1/auth/login\`) and
  passes \`-s auth.lua\` containing \`wrk.headers["Cookie"] = "sy_session=…"\`;
  each request is the session lookup (one indexed SQLite query joining
  sessions and users) plus the handler's read of the user it returns.
- Runs are sequential; any non-2xx answer or socket error aborts the run.

## The other targets

design.md's other targets are measured by the scripts \`make bench\` runs after this one; each
appends its own section below.

| what | target | where |
|---|---|---|
| card verify over HTTP (SQLite, 1M cards, 64 connections) | ≥ 50% of the server's /healthz rate (issue 4); p99 ≤ 5 ms | "Card verification, nearby search, ledger totals" (bench/verify.sh) |
| nearby merchants (100k merchants, k=20 within 10 minutes) | ≥ 40% of the server's /healthz rate | the same section |
| dashboard (ledger totals) over 10M ledger rows | ≤ 200 ms | the same section |
| coverage of the 10-minute circle (1M people × 100k merchants) | ≤ 3 s | "The 10-minute circle's coverage" (bench/circle.sh) |
| placement (100k candidates, 10k posts, 20 preferences each) | ≤ 1 s, same result every run | "阳光安置 placement at scale" (bench/placement.sh) |
| import of 1M people from CSV | ≥ 200,000 rows/s | "Registry at scale" (bench/people.sh) |
| server memory with 1M people | ≤ 64 MB resident | the same section |
EOF
	} >"$OUT.tmp"
	mv "$OUT.tmp" "$OUT"
}

main() {
	check_tools
	case $ROUNDS in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive integer" ;; esac
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/sy-bench.XXXXXX")
	start_server
	start_nginx
	make_auth_script
	FAVICON_BYTES=$(curl -sS --max-time 2 -o /dev/null -w '%{size_download}' \
		"http://$HOST:$SERVER_PORT/favicon.svg")

	local round
	for round in $(seq "$ROUNDS"); do
		# Rounds interleave nginx and the server, so a slow spell on the
		# shared machine hits both rather than one.
		[ "$ROUNDS" -eq 1 ] || echo "bench: round $round of $ROUNDS" >&2
		run_wrk nginx "http://$HOST:$NGINX_PORT/healthz"
		run_wrk nginx_cache "http://$HOST:$NGINX_CACHE_PORT/healthz"
		run_wrk healthz "http://$HOST:$SERVER_PORT/healthz"
		run_wrk static "http://$HOST:$SERVER_PORT/favicon.svg"
		run_wrk me "http://$HOST:$SERVER_PORT/api/v1/auth/me" "$TMP/auth.lua"
	done
	pick_medians

	RSS_MB=$(server_rss_mb)
	write_report
	echo
	results_table
	echo
	echo "server resident memory: $RSS_MB MB"
	echo "target /healthz >= nginx static: $VERDICT_LINE" | sed 's/\*\*//g; s/`//g'
	echo "report: ${OUT#"$ROOT"/}"
}

main "$@"
