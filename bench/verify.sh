#!/usr/bin/env bash
# Card verification at scale: GET /api/v1/cards/{no}/verify with a merchant's
# API token, over HTTP, for random numbers among BENCH_CARDS (default
# 1,000,000) received cards, measured in one run:
#
#   1. nginx serving a static file the size of a verify answer (the ceiling);
#   2. one server on SQLite;
#   3. two servers on one PostgreSQL, behind that nginx (round robin).
#
# Appends its section to docs/benchmarks.md (run after bench/run.sh). The
# cards are loaded straight into the tables (bench/gen_cards.py), not through
# the issuance flow: the benchmark is of verification.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/shuangyong
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
N=${BENCH_CARDS:-1000000}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
NGINX=${NGINX:-/usr/sbin/nginx}
HOST=127.0.0.1
TMP=$(mktemp -d /tmp/sy-bench-verify.XXXXXX)
chmod 755 "$TMP" # the PostgreSQL server runs as postgres and must reach its directory
PIDS=()
PG_DIR=""
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "$PG_DIR" ] && "$ROOT/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT
die() { echo "bench/verify: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { # url
	for _ in $(seq 1 150); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
	die "$1 did not answer"
}
for t in wrk curl python3 sqlite3 psql "$NGINX"; do command -v "$t" >/dev/null || [ -x "$t" ] || die "missing $t"; done
[ -x "$BIN" ] || die "build it first (make all)"

echo "verify bench: generating $N cards"
python3 "$ROOT/bench/gen_cards.py" "$N" "$TMP/people.csv" "$TMP/cards.csv" "$TMP/numbers.txt" 1
# wrk's Lua reads a sample of the numbers (100,000 spread over all of them).
awk -v n="$N" 'BEGIN { step = int(n / 100000); if (step < 1) step = 1 } NR % step == 0' "$TMP/numbers.txt" >"$TMP/sample.txt"

PEOPLE_COLS="id,id_number,name,sex,birth_date,region_code,lat,lon,status,created_at,updated_at"
CARD_COLS="id,number,person_id,kind,categories,state,live,region_code,applied_via,applied_at,made_at,handed_out_at,received_at,created_at,updated_at"
MERCHANT_SQL="INSERT INTO orgs (name, type, region_code, created_at, updated_at)
  VALUES ('基准测试商户', 'merchant', '130902', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO merchant_profiles (org_id, status, joined_at, created_at, updated_at)
  SELECT id, 'member', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM orgs WHERE name = '基准测试商户';"

load_sqlite() { # file
	"$BIN" init --db "sqlite:$1" >/dev/null
	sqlite3 "$1" <<EOF
PRAGMA foreign_keys = OFF;
CREATE TEMP TABLE sp ($PEOPLE_COLS);
CREATE TEMP TABLE sc ($CARD_COLS);
.mode csv
.import $TMP/people.csv sp
.import $TMP/cards.csv sc
BEGIN;
INSERT INTO people ($PEOPLE_COLS) SELECT * FROM sp;
INSERT INTO cards ($CARD_COLS) SELECT * FROM sc;
$MERCHANT_SQL
COMMIT;
EOF
}

load_pg() { # url
	"$BIN" init --db "$1" --key-dir "$TMP/pgkeys" >/dev/null
	psql -qX -v ON_ERROR_STOP=1 "$1" <<EOF
\copy people ($PEOPLE_COLS) FROM '$TMP/people.csv' WITH (FORMAT csv)
\copy cards ($CARD_COLS) FROM '$TMP/cards.csv' WITH (FORMAT csv)
SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT MAX(id) FROM people));
SELECT setval(pg_get_serial_sequence('cards', 'id'), (SELECT MAX(id) FROM cards));
$MERCHANT_SQL
ANALYZE;
EOF
}

merchant_token() { # db-url [extra args]
	local org
	org=$(case "$1" in
		postgres*) psql -qAtX "$1" -c "SELECT id FROM orgs WHERE name = '基准测试商户'" ;;
		*) sqlite3 "${1#sqlite:}" "SELECT id FROM orgs WHERE name = '基准测试商户'" ;;
	esac)
	"$BIN" token add --name bench-verify --role merchant --org "$org" --db "$@" | grep -oE '^sy_[A-Za-z0-9_-]{20,}$' | tail -1
}

start_server() { # db-url port [extra]
	local url=$1 port=$2
	shift 2
	"$BIN" serve --db "$url" --listen "$HOST:$port" --access-log off --threads "$THREADS" "$@" >"$TMP/serve-$port.log" 2>&1 &
	PIDS+=($!)
	wait_ready "http://$HOST:$port/healthz"
}

cat >"$TMP/verify.lua" <<'EOF'
local numbers = {}
local token = os.getenv("VERIFY_TOKEN")
function init(args)
	for line in io.lines(os.getenv("VERIFY_NUMBERS")) do numbers[#numbers + 1] = line end
	math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
	wrk.headers["Authorization"] = "Bearer " .. token
end
function request()
	return wrk.format("GET", "/api/v1/cards/" .. numbers[math.random(#numbers)] .. "/verify")
end
function done(summary, latency, requests)
	local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
		summary.errors.timeout + summary.errors.status
	io.write(string.format("RESULT %.0f %.2f %d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(99) / 1000, errors))
end
EOF
cat >"$TMP/static.lua" <<'EOF'
function done(summary, latency, requests)
	io.write(string.format("RESULT %.0f %.2f %d\n", summary.requests / (summary.duration / 1e6),
		latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read))
end
EOF

measure() { # label url lua [token]
	local out
	VERIFY_TOKEN=${4:-} VERIFY_NUMBERS="$TMP/sample.txt" wrk -t2 -c"$CONNECTIONS" -d2s -s "$3" "$2" >/dev/null 2>&1 || true
	out=$(VERIFY_TOKEN=${4:-} VERIFY_NUMBERS="$TMP/sample.txt" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$3" "$2")
	local line
	line=$(echo "$out" | awk '/^RESULT/ { print $2, $3, $4 }')
	[ -n "$line" ] || die "$1: no result from wrk: $out"
	echo "$1 $line" | tee -a "$TMP/results"
}

# One answer, to size nginx's static file and to check the set-up works.
SQLITE_DB=$TMP/verify.db
echo "verify bench: loading SQLite"
t0=$(date +%s.%N)
load_sqlite "$SQLITE_DB"
t1=$(date +%s.%N)
LOAD_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
TOKEN=$(merchant_token "sqlite:$SQLITE_DB")
[ -n "$TOKEN" ] || die "no merchant token"
SQLITE_PORT=$(free_port)
start_server "sqlite:$SQLITE_DB" "$SQLITE_PORT"
FIRST=$(head -1 "$TMP/numbers.txt")
curl -sf -H "Authorization: Bearer $TOKEN" "http://$HOST:$SQLITE_PORT/api/v1/cards/$FIRST/verify" >"$TMP/answer.json" ||
	die "verify of $FIRST failed: $(curl -s -H "Authorization: Bearer $TOKEN" "http://$HOST:$SQLITE_PORT/api/v1/cards/$FIRST/verify")"
grep -q '"valid":true' "$TMP/answer.json" || die "card $FIRST is not valid: $(cat "$TMP/answer.json")"
mkdir -p "$TMP/html"
cp "$TMP/answer.json" "$TMP/html/answer.json"

echo "verify bench: loading PostgreSQL"
PG_DIR=$TMP/pg
PG_PORT=$(free_port)
PG_URL=$("$ROOT/scripts/pg.sh" start "$PG_DIR" "$PG_PORT" 2>"$TMP/pg.log" | tail -1)
[ -n "$PG_URL" ] || die "PostgreSQL did not start: $(cat "$TMP/pg.log")"
load_pg "$PG_URL"
PG_TOKEN=$(merchant_token "$PG_URL" --key-dir "$TMP/pgkeys")
PG_A=$(free_port)
PG_B=$(free_port)
start_server "$PG_URL" "$PG_A" --key-dir "$TMP/pgkeys"
start_server "$PG_URL" "$PG_B" --key-dir "$TMP/pgkeys"

NGINX_PORT=$(free_port)
mkdir -p "$TMP/nginx-tmp"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$TMP/nginx.conf" <<EOF
$user_line
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 2048; }
http {
    access_log off;
    default_type application/json;
    client_body_temp_path $TMP/nginx-tmp/body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;
    upstream shuangyong { server $HOST:$PG_A; server $HOST:$PG_B; keepalive 64; }
    server {
        listen $HOST:$NGINX_PORT;
        location = /static/answer.json { alias $TMP/html/answer.json; }
        location / {
            proxy_pass http://shuangyong;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
"$NGINX" -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" &
PIDS+=($!)
wait_ready "http://$HOST:$NGINX_PORT/static/answer.json"

: >"$TMP/results"
measure nginx "http://$HOST:$NGINX_PORT/static/answer.json" "$TMP/static.lua"
measure sqlite "http://$HOST:$SQLITE_PORT" "$TMP/verify.lua" "$TOKEN"
measure pg2 "http://$HOST:$NGINX_PORT" "$TMP/verify.lua" "$PG_TOKEN"

read -r _ NGINX_RPS NGINX_P99 _ < <(awk '$1 == "nginx"' "$TMP/results")
read -r _ SQ_RPS SQ_P99 SQ_ERR < <(awk '$1 == "sqlite"' "$TMP/results")
read -r _ PG_RPS PG_P99 PG_ERR < <(awk '$1 == "pg2"' "$TMP/results")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = dir == "le" ? v <= t : v >= t; print ok ? "PASS" : "FAIL" }'; }
SQ_RATIO=$(ratio "$SQ_RPS" "$NGINX_RPS")
PG_RATIO=$(ratio "$PG_RPS" "$NGINX_RPS")
{
	echo
	echo "## Card verification ($N cards)"
	echo
	echo "Measured by \`bench/verify.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC: \`GET /api/v1/cards/{no}/verify\` with a"
	echo "merchant's API token for random numbers among $N received cards (loaded in $LOAD_S s into SQLite),"
	echo "wrk -t2 -c$CONNECTIONS for ${DURATION} s after a 2 s warm-up, servers with $THREADS threads each, all"
	echo "on the same 2 cores. The ceiling is nginx serving a static file of the same size as the answer"
	echo "($(wc -c <"$TMP/answer.json") bytes). Every sampled card is valid; answers other than 2xx count as errors."
	echo
	echo "| what | requests/s | p99 | errors | share of nginx | target | verdict |"
	echo "|---|---:|---:|---:|---:|---|---|"
	echo "| nginx static file (ceiling) | $NGINX_RPS | $NGINX_P99 ms | | 100% | | |"
	echo "| one server, SQLite | $SQ_RPS | $SQ_P99 ms | $SQ_ERR | $SQ_RATIO% | ≥ 50%, p99 ≤ 5 ms | $(verdict "$SQ_RATIO" 50 ge) / $(verdict "$SQ_P99" 5 le) |"
	echo "| two servers, one PostgreSQL, behind nginx | $PG_RPS | $PG_P99 ms | $PG_ERR | $PG_RATIO% | (reported beside SQLite) | |"
} >>"$OUT"
echo "verify: nginx $NGINX_RPS/s; sqlite $SQ_RPS/s p99 $SQ_P99 ms ($SQ_RATIO%); 2×pg $PG_RPS/s p99 $PG_P99 ms ($PG_RATIO%)"
