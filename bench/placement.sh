#!/usr/bin/env bash
# 阳光安置 at scale: 100,000 candidates, 10,000 posts, 20 preferences each,
# scored, ranked, allocated and digested in process (target ≤ 1 s), three
# runs that must print the same digests. Not part of `make bench` yet.
#   BUILD=build bench/placement.sh [CANDIDATES POSTS PREFERENCES]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
cd "$ROOT"
make -s "$BUILD/bench/placement" BUILD="$BUILD"
digests=()
for run in 1 2 3; do
	out=$("$BUILD/bench/placement" "$@")
	echo "run $run: $(grep '^score' <<<"$out")"
	digests+=("$(grep '^digest' <<<"$out" | tr '\n' ' ')")
done
grep -v '^score' <<<"$out"
if [ "${digests[0]}" = "${digests[1]}" ] && [ "${digests[1]}" = "${digests[2]}" ]; then
	echo "same digests in all 3 runs"
else
	echo "DIGESTS DIFFER between runs" >&2
	exit 1
fi
