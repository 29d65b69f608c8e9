#!/usr/bin/env bash
# Nearby search in process (design.md: ≤ 50 µs): 100,000 member merchants around
# Cangzhou's county seats, k = 20 within the default 10 minutes, each answer made
# into the bytes the server sends; once with no offers (as bench/verify.sh loads
# the merchants) and once with two offers each. Prints a digest of the answers,
# which a change meant only for speed must leave as it was. Appends its section
# to docs/benchmarks.md (BENCH_OUT), as part of `make bench`.
#   BUILD=build bench/nearby.sh [MERCHANTS [SEARCHES]]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}
M=${1:-100000}
Q=${2:-20000}
cd "$ROOT"
make -s "$BUILD/bench/nearby" BUILD="$BUILD"
plain=$("$BUILD/bench/nearby" "$M" "$Q" 0)
offers=$("$BUILD/bench/nearby" "$M" "$Q" 2)
us() { awk '/^merchants/ { for (i = 1; i < NF; i++) if ($i == "us") print $(i - 1) }' <<<"$1"; }
P=$(us "$plain")
O=$(us "$offers")
verdict=$(awk -v us="$P" 'BEGIN { print us <= 50 ? "PASS" : "FAIL" }')
{
	echo
	echo "## Nearby search in process ($M members)"
	echo
	echo "Measured by \`bench/nearby.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC: \`bench/nearby.c\` puts $M member"
	echo "merchants around the 16 county seats (as \`bench/gen_merchants.py\` does) in a fresh SQLite database and"
	echo "asks $Q searches at random points within a few km of a seat (k = 20, the default 10 minutes), each"
	echo "answer made into the bytes the server sends; the best of three rounds, after the network is cached."
	echo
	echo "| what | measured | target | verdict |"
	echo "|---|---:|---:|---|"
	echo "| one search, no offers | $P µs | ≤ 50 µs | $verdict |"
	echo "| one search, two offers per member | $O µs | | |"
	echo
	echo "No offers: \`$(grep '^merchants' <<<"$plain")\`, $(grep '^network' <<<"$plain"), digest \`$(awk '/^digest/ { print $2 }' <<<"$plain")\`."
	echo "Two offers: \`$(grep '^merchants' <<<"$offers")\`, $(grep '^network' <<<"$offers"), digest \`$(awk '/^digest/ { print $2 }' <<<"$offers")\`."
} >>"$OUT"
echo "nearby in process: $P µs per search (two offers each: $O µs) — $verdict"
