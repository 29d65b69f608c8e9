#!/bin/sh
# Installs what the build, the server and the tests need on Debian 12.
# Usage: scripts/deps.sh [build|test|bench|fuzz]
# Runs apt-get only for packages that are missing and only as root; runs
# `npm ci` only when node_modules is older than package-lock.json.
set -eu
what=${1:-build}
cd "$(dirname "$0")/.."

pkgs="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
      libpq-dev libsodium-dev libqrencode-dev libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev
      sqlite3 nodejs npm"
case "$what" in
test)  pkgs="$pkgs libcmocka-dev postgresql chromium fonts-wqy-microhei curl python3 nginx" ;;
bench) pkgs="$pkgs postgresql nginx wrk curl python3" ;;
fuzz)  pkgs="$pkgs clang libclang-rt-14-dev" ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# Node.js may come from outside Debian (nodesource, nvm); accept any node+npm on PATH.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages: $missing" >&2
		echo "deps: run as root, or: sudo apt-get install $missing" >&2
		exit 1
	fi
	echo "deps: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
	echo "deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules
fi
