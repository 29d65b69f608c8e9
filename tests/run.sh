#!/usr/bin/env bash
# Runs every test: C unit and in-process API tests (SQLite, then the ones
# that touch a database again on PostgreSQL), API tests over a real socket
# against the sanitizer build on both backends, and the browser tests.
# Ends with one line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BIN=$BUILD/shuangyong-asan
WORK=$(mktemp -d /tmp/sy-tests-XXXXXX)
chmod 755 "$WORK"
PASSED=0
FAILED=0
FAILURES=()
SERVER_PID=""
PG_DIR="$WORK/pg"
PG_URL=""

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	[ -n "$PG_URL" ] && scripts/pg.sh stop "$PG_DIR" >/dev/null 2>&1
	[ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# Count a TAP stream: cmocka prints "ok N - name" / "not ok N - name";
# node's reporter ends with "# pass N" / "# fail N".
count_tap() { # label logfile exitcode
	local label=$1 log=$2 rc=$3 p f
	if grep -q '^# pass ' "$log"; then
		p=$(awk '/^# pass /{print $3}' "$log" | tail -1)
		f=$(awk '/^# fail /{print $3}' "$log" | tail -1)
	else
		p=$(grep -c '^ok ' "$log")
		f=$(grep -c '^not ok ' "$log")
	fi
	# A crash (sanitizer report, abort) with no failing test line is a failure too.
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		f=1
	fi
	PASSED=$((PASSED + ${p:-0}))
	FAILED=$((FAILED + ${f:-0}))
	printf '%-48s %4d passed %4d failed\n' "$label" "${p:-0}" "${f:-0}"
	if [ "${f:-0}" -ne 0 ]; then
		FAILURES+=("$label")
		grep -E '^not ok|^# (not ok|Error)|ERROR|runtime error|AddressSanitizer|LeakSanitizer|assert|Expected|actual|expected' "$log" | head -40 | sed 's/^/    /'
		[ "$rc" -ne 0 ] && tail -20 "$log" | sed 's/^/    | /'
	fi
}

run_c() { # label binary [env...]
	local label=$1 bin=$2 log
	shift 2
	log="$WORK/$(echo "$label" | tr '/ :' '___').log"
	env CMOCKA_MESSAGE_OUTPUT=TAP "$@" "$bin" >"$log" 2>&1
	count_tap "$label" "$log" $?
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

start_server() { # db-url port log
	"$BIN" serve --db "$1" --listen "127.0.0.1:$2" --web web --access-log "$WORK/access-$2.log" \
		--login-max-ip 1000 >"$3" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "server did not start:"; cat "$3"
	return 1
}

stop_server() { # log label
	[ -z "$SERVER_PID" ] && return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	local rc=$?
	SERVER_PID=""
	# The sanitizers report at exit: a clean stop is part of the test.
	if [ $rc -ne 0 ] || grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$1"; then
		FAILED=$((FAILED + 1))
		FAILURES+=("$2: server exit")
		echo "$2: server exited with $rc or a sanitizer report:"
		grep -A20 -E 'AddressSanitizer|LeakSanitizer|runtime error' "$1" | head -60 | sed 's/^/    /'
	else
		PASSED=$((PASSED + 1))
		printf '%-48s %4d passed %4d failed\n' "$2: clean shutdown" 1 0
	fi
}

run_node() { # label files... (env set by caller)
	local label=$1 log
	shift
	log="$WORK/$(echo "$label" | tr '/ :' '___').log"
	node --test --test-reporter=tap --test-concurrency=1 "$@" >"$log" 2>&1
	count_tap "$label" "$log" $?
}

# Socket tests against one backend: fresh database, demo data, the server.
socket_suite() { # backend db-url
	local backend=$1 url=$2 port log
	port=$(free_port)
	log="$WORK/server-$backend.log"
	"$BIN" init --db "$url" >/dev/null || { FAILED=$((FAILED + 1)); FAILURES+=("$backend: init"); return; }
	"$BIN" demo --db "$url" --people 300 >"$WORK/demo-$backend.txt" 2>&1 ||
		{ FAILED=$((FAILED + 1)); FAILURES+=("$backend: demo"); cat "$WORK/demo-$backend.txt"; return; }
	start_server "$url" "$port" "$log" || { FAILED=$((FAILED + 1)); FAILURES+=("$backend: start"); return; }
	SY_BASE_URL="http://127.0.0.1:$port" SY_DB="$url" SY_BIN="$BIN" SY_BACKEND="$backend" \
		SY_WORK="$WORK" run_node "api over socket ($backend)" tests/api/*.test.mjs
	if [ "$backend" = sqlite ]; then
		SY_BASE_URL="http://127.0.0.1:$port" run_node "browser (chromium)" tests/e2e/*.test.mjs
	fi
	stop_server "$log" "server ($backend)"
}

echo "== Release binary"
log="$WORK/hardening.log"
tests/hardening.sh "$BUILD/shuangyong" >"$log" 2>&1
count_tap "release binary is hardened" "$log" $?

echo "== C tests (SQLite)"
for t in $(find "$BUILD/tests" -type f -name 'test_*' | sort); do
	run_c "${t#"$BUILD"/tests/}" "$t"
done

echo "== Fuzz corpora (each target replayed over its corpus under the sanitizers)"
for t in $(find "$BUILD/tests/fuzz" -type f -name 'replay_*' 2>/dev/null | sort); do
	name=${t##*/replay_}
	log="$WORK/replay_$name.log"
	"$t" "tests/fuzz/corpus/$name" >"$log" 2>&1
	count_tap "fuzz corpus: $name" "$log" $?
done

echo "== PostgreSQL"
PG_PORT=$(free_port)
mkdir -p "$PG_DIR"
if PG_URL=$(scripts/pg.sh start "$PG_DIR" "$PG_PORT" 2>"$WORK/pg.log" | tail -1) && [ -n "$PG_URL" ]; then
	for t in $(find "$BUILD/tests/unit/db" "$BUILD/tests/api" "$BUILD/tests/unit/modules" -type f -name 'test_*' 2>/dev/null | sort); do
		run_c "${t#"$BUILD"/tests/} (postgres)" "$t" SY_TEST_DB="$PG_URL"
	done
else
	PG_URL=""
	FAILED=$((FAILED + 1))
	FAILURES+=("postgres: could not start")
	cat "$WORK/pg.log"
fi

echo "== API over a socket and in the browser"
socket_suite sqlite "sqlite:$WORK/socket.db"
if [ -n "$PG_URL" ]; then
	SOCK_PG=$(scripts/pg.sh createdb "$PG_DIR" "$PG_PORT" shuangyong_socket 2>"$WORK/pg.log" | tail -1)
	if [ -n "$SOCK_PG" ]; then
		socket_suite postgres "$SOCK_PG"
	else
		FAILED=$((FAILED + 1)); FAILURES+=("postgres: createdb"); cat "$WORK/pg.log"
	fi
fi

echo
if [ ${#FAILURES[@]} -gt 0 ]; then
	echo "failed: ${FAILURES[*]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
