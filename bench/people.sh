#!/usr/bin/env bash
# Registry at scale: import 1,000,000 people from CSV, then the median time of
# people searches (partial name, last four ID digits) and the server's memory.
# Appends its section to docs/benchmarks.md (run after bench/run.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/shuangyong
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
N=${BENCH_PEOPLE:-1000000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sy-bench-people.XXXXXX")
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

python3 "$ROOT/bench/gen_people.py" "$N" "$TMP/people.csv" 1
"$BIN" init --db "$TMP/b.db" >/dev/null
SHUANGYONG_PASSWORD=bench-password-1 "$BIN" user add bench.admin --role admin --region 130900 --db "$TMP/b.db" >/dev/null
t0=$(date +%s.%N)
"$BIN" import people "$TMP/people.csv" --db "$TMP/b.db" >"$TMP/import.txt"
t1=$(date +%s.%N)
IMPORT_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
RATE=$(awk -v s="$IMPORT_S" -v n="$N" 'BEGIN { printf "%d", n / s }')

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$TMP/b.db" --listen "127.0.0.1:$PORT" --access-log off --threads 2 >"$TMP/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
read -r NAME_MS TAIL_MS < <(python3 "$ROOT/bench/people.py" 127.0.0.1 "$PORT" bench.admin bench-password-1 "$TMP/people.csv" 200)
# The server's own memory is its anonymous pages (heap, stacks, SQLite's caches). The
# database file is also read through a memory map: those pages are the kernel's page cache,
# shared and reclaimable, and counted in RSS as file-backed; they are reported beside it.
mem_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
RSS_MB=$(awk -v kb="$(mem_kb RssAnon)" 'BEGIN { printf "%.1f", kb / 1024 }')
FILE_MB=$(awk -v kb="$(mem_kb RssFile)" 'BEGIN { printf "%.1f", kb / 1024 }')

verdict() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = dir == "le" ? v <= t : v >= t; print ok ? "PASS" : "FAIL" }'; }
{
	echo
	echo "## Registry at scale ($N people)"
	echo
	echo "Measured by \`bench/people.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC: a generated CSV of $N people"
	echo "(valid 身份证号 of Cangzhou's counties, Chinese names), imported with \`shuangyong import people\`"
	echo "into a fresh SQLite database, then 200 searches of each kind over one keep-alive connection."
	echo
	echo "| what | measured | target | verdict |"
	echo "|---|---:|---:|---|"
	echo "| import of $N people from CSV | $IMPORT_S s, $RATE rows/s | ≥ 200,000 rows/s (1M in ≤ 5 s) | $(verdict "$RATE" 200000 ge) |"
	echo "| search by partial name, median | $NAME_MS ms | ≤ 50 ms | $(verdict "$NAME_MS" 50 le) |"
	echo "| search by last four ID digits, median | $TAIL_MS ms | ≤ 50 ms | $(verdict "$TAIL_MS" 50 le) |"
	echo "| server memory with $N people (after the searches): anonymous (RssAnon) | $RSS_MB MB (+ $FILE_MB MB of the mapped database file in the page cache) | ≤ 64 MB | $(verdict "$RSS_MB" 64 le) |"
	echo
	echo "Import output: \`$(cat "$TMP/import.txt" | head -1)\`"
} >>"$OUT"
echo "import: $IMPORT_S s ($RATE rows/s); search median: name $NAME_MS ms, last-4 $TAIL_MS ms; memory $RSS_MB MB anonymous + $FILE_MB MB file-backed"
