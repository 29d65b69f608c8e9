#!/usr/bin/env bash
# The release binary carries the hardening the Makefile asks for: a
# position-independent executable, full RELRO (read-only relocations, bound at
# start), a stack protector and _FORTIFY_SOURCE's checked string functions,
# and no executable stack. Prints TAP; usage: tests/hardening.sh BINARY
set -u
bin=$1
n=0
fail=0
check() { # name, then a command that succeeds when the property holds
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		fail=1
	fi
}
headers=$(readelf -hld --wide "$bin" 2>/dev/null)
symbols=$(readelf --dyn-syms --wide "$bin" 2>/dev/null)
check "PIE (type DYN, flag PIE)" grep -qE 'Type: +DYN' <<<"$headers"
check "PIE flag in the dynamic section" grep -qE 'FLAGS_1.*PIE' <<<"$headers"
check "RELRO segment" grep -q 'GNU_RELRO' <<<"$headers"
check "bound at start (BIND_NOW: full RELRO)" grep -qE 'BIND_NOW|FLAGS.*NOW' <<<"$headers"
check "stack protector (__stack_chk_fail)" grep -q '__stack_chk_fail' <<<"$symbols"
check "_FORTIFY_SOURCE (checked functions such as __snprintf_chk)" grep -qE '__[a-z]+_chk' <<<"$symbols"
stack=$(grep GNU_STACK <<<"$headers")
check "no executable stack" bash -c '[ -n "$0" ] && ! grep -q "RWE" <<<"$0"' "$stack"
echo "1..$n"
exit $fail
