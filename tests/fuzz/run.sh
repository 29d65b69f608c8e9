#!/usr/bin/env bash
# tests/fuzz/run.sh BUILD - runs every libFuzzer target built by `make fuzz`
# for FUZZ_SECONDS (default 60) each, on a working copy of its committed seed
# corpus (tests/fuzz/corpus/<target>), so the committed corpus only grows
# when someone chooses to add an input (a finding, minimised).
#
# A crash or a property failure leaves the input in $BUILD/fuzz/findings/
# and makes the script exit non-zero after the remaining targets ran.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
SECONDS_EACH=${FUZZ_SECONDS:-60}
FINDINGS=$BUILD/fuzz/findings
mkdir -p "$FINDINGS"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
failed=0
for bin in $(find "$BUILD/fuzz" -maxdepth 1 -type f -name 'fuzz_*' | sort); do
	name=${bin##*/fuzz_}
	work=$BUILD/fuzz/corpus/$name
	mkdir -p "$work"
	cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
	echo "== $name: ${SECONDS_EACH}s"
	if "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix="$FINDINGS/$name-" -print_final_stats=1 "$work" >"$BUILD/fuzz/$name.log" 2>&1; then
		grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$BUILD/fuzz/$name.log" | sed 's/^/   /'
		echo "   corpus: $(find "$work" -type f | wc -l) inputs"
	else
		failed=1
		echo "   FAILED: see $BUILD/fuzz/$name.log; input in $FINDINGS/"
		grep -E 'ERROR|property failed|runtime error|answered' "$BUILD/fuzz/$name.log" | head -5 | sed 's/^/   /'
	fi
done
exit $failed
