#!/bin/bash
# usage.sh - the command line itself: help, version, and exit code 2 for every
# kind of usage error (most need no module at all).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"

run 0 "$TOOL" --help
for c in list-slots list-mechanisms list-objects init-instance set-pin init-pin gen-key import-key \
	set-identity get-identity sign verify encrypt decrypt; do
	contains "$OUT" "$c" "--help lists $c"
done
run 0 "$TOOL" sign --help
contains "$OUT" "--challenge" "sign --help"
run 0 "$TOOL" --version
contains "$OUT" "portfolio-tool" "--version"

run 2 "$TOOL"
run 2 "$TOOL" frobnicate
contains "$ERR" "unknown command" "unknown command"
run 2 "$TOOL" list-slots --frob
run 2 "$TOOL" list-mechanisms
contains "$ERR" "--slot" "missing --slot named"
run 2 "$TOOL" list-slots --slot 1
contains "$ERR" "does not take --slot" "option of another command"
run 2 "$TOOL" list-mechanisms --slot 1 --slot 2
run 2 "$TOOL" list-mechanisms --slot
run 2 "$TOOL" list-slots extra-word

# A module that does not exist: exit 1, with the path in the message.
run 1 "$TOOL" --module "$WORK/none.so" list-slots
contains "$ERR" "$WORK/none.so" "bad module path named"
# Not a PKCS#11 module (a shared object without C_GetFunctionList).
libc=$(ldd "$TOOL" | awk '/libc\.so/ { print $3 }')
if [ -n "$libc" ]; then
	run 1 "$TOOL" --module "$libc" list-slots
	contains "$ERR" "not a PKCS#11 module" "libc refused"
fi

echo "PASS: usage"
