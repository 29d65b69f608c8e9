#!/bin/sh
# A throwaway PostgreSQL for tests: its own cluster in DIR, listening only on
# 127.0.0.1:PORT and a Unix socket in DIR, trust authentication, fsync on.
#
#   scripts/pg.sh start DIR PORT          initdb (once), start, wait until ready,
#                                         create shuangyong_test; last line of
#                                         stdout is its URL
#   scripts/pg.sh createdb DIR PORT NAME  create another database; prints its URL
#   scripts/pg.sh pause DIR               stop (fast) but keep DIR: `start DIR PORT`
#                                         brings the same cluster back (fault tests)
#   scripts/pg.sh stop DIR                stop (fast) and remove DIR
#
# DIR should be a fresh path under /tmp (e.g. /tmp/sy-pg.XXXXXX from mktemp -d):
# the server runs as the `postgres` user when we are root (postgres refuses
# to run as root), so that user must be able to reach DIR. PG_BIN overrides
# the directory of the server binaries (default: the newest
# /usr/lib/postgresql/*/bin). Nothing here touches the system cluster.
set -eu

die() { echo "pg.sh: $*" >&2; exit 1; }

usage() {
	echo "usage: $0 start DIR PORT | createdb DIR PORT NAME | pause DIR | stop DIR" >&2
	exit 2
}

find_bin() {
	if [ -n "${PG_BIN:-}" ]; then
		echo "$PG_BIN"
		return
	fi
	# Debian keeps the server binaries per major version, off PATH.
	# shellcheck disable=SC2012 # version directories: plain names
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
		die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
	fi
	echo "$bin"
}

# Run a command as the cluster's owner: postgres when we are root, else us.
as_owner() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u postgres -- "$@"
	else
		# su takes one command string: quote every argument for sh.
		cmd=""
		for a in "$@"; do
			cmd="$cmd '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
		done
		su postgres -s /bin/sh -c "$cmd"
	fi
}

check_port() {
	case "$1" in
	''|*[!0-9]*) die "port must be a number: $1" ;;
	esac
	if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then
		die "port out of range: $1"
	fi
}

# Absolute path, so that the server (which runs elsewhere) finds it.
abs_dir() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

url_for() { echo "postgres://postgres@127.0.0.1:$1/$2"; }

create_db() { # DIR PORT NAME
	case "$3" in
	''|*[!A-Za-z0-9_]*) die "database name must be letters, digits and _: $3" ;;
	esac
	exists=$("$BIN/psql" -X -q -A -t -h "$1" -p "$2" -U postgres -d postgres \
		-c "SELECT 1 FROM pg_database WHERE datname = '$3'")
	if [ "$exists" != 1 ]; then
		"$BIN/createdb" -h "$1" -p "$2" -U postgres -E UTF8 -T template0 "$3" >&2
	fi
	url_for "$2" "$3"
}

start() { # DIR PORT
	dir=$1
	port=$2
	check_port "$port"
	# The socket path (DIR/.s.PGSQL.PORT) must fit in sun_path (107 bytes).
	[ ${#dir} -le 90 ] || die "DIR path too long for a Unix socket: $dir"
	mkdir -p "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		[ -z "$(ls -A "$dir" 2>/dev/null)" ] || [ -f "$dir/.sy-pg" ] ||
			die "$dir is not empty and holds no cluster of ours"
		: > "$dir/.sy-pg" # marks DIR as ours, so stop may remove it
		if [ "$(id -u)" -eq 0 ]; then
			id postgres >/dev/null 2>&1 || die "no postgres user (apt-get install postgresql)"
			chown -R postgres: "$dir"
		fi
		chmod 700 "$dir"
		as_owner test -w "$dir" ||
			die "the postgres user cannot write $dir (is a parent directory private? use a path under /tmp)"
		# No locale: byte-order collation, the same as SQLite's default, so
		# ORDER BY gives the same answer on both backends.
		as_owner "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
			--encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
		cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/pg.sh: a private test server
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
logging_collector = off
EOF
	fi
	if ! as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		# -o -p: the port given now wins over the one written at initdb.
		as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" \
			-w -t 60 start >&2 ||
			{ tail -n 20 "$dir/server.log" >&2 2>/dev/null; die "server did not start"; }
	fi
	i=0
	until "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; do
		i=$((i + 1))
		[ $i -le 60 ] || { tail -n 20 "$dir/server.log" >&2; die "server not ready"; }
		sleep 0.5
	done
	create_db "$dir" "$port" shuangyong_test
}

pause() { # DIR
	dir=$1
	[ -f "$dir/.sy-pg" ] || die "$dir was not made by pg.sh"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || true
	fi
}

stop() { # DIR
	dir=$1
	[ -d "$dir" ] || return 0
	# Refuse to remove anything this script did not create.
	[ -f "$dir/.sy-pg" ] || die "$dir was not made by pg.sh; not removing it"
	pause "$dir"
	rm -rf "$dir"
}

[ $# -ge 2 ] || usage
BIN=$(find_bin)
DIR=$(abs_dir "$2")
# Client tools look at these; the arguments below say everything.
unset PGHOST PGPORT PGUSER PGDATABASE PGDATA PGSERVICE PGOPTIONS 2>/dev/null || true
# The server process runs as postgres and must not inherit a cwd it cannot read.
cd /

case "$1" in
start)
	[ $# -eq 3 ] || usage
	start "$DIR" "$3"
	;;
createdb)
	[ $# -eq 4 ] || usage
	check_port "$3"
	create_db "$DIR" "$3" "$4"
	;;
pause)
	[ $# -eq 2 ] || usage
	pause "$DIR"
	;;
stop)
	[ $# -eq 2 ] || usage
	stop "$DIR"
	;;
*) usage ;;
esac
