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

need_module
# Usage errors found after the module is loaded are still exit 2.
run 2 "$TOOL" list-mechanisms --slot abc
run 2 "$TOOL" list-mechanisms --slot -1
run 2 "$TOOL" sign --slot 0 --identity 0 --challenge 0x --index 0 --pin x
contains "$ERR" "--challenge" "bad challenge named"
run 2 "$TOOL" sign --slot 0 --identity 0 --challenge 12ab --index 0 --pin x
run 2 "$TOOL" gen-key --slot 0 --service sideways --index 0 --pin x
run 2 "$TOOL" gen-key --slot 0 --service auth --index 0 --type des --pin x
run 2 "$TOOL" verify --slot 0 --challenge 1 --index 0 --signature 00 --pin x
contains "$ERR" "identity" "verify without identity"
run 2 "$TOOL" verify --slot 0 --identity-hash abcd --challenge 1 --index 0 --signature 00 --pin x
run 2 "$TOOL" set-pin --slot 0 --old-pin a --new-pin b
# No PIN anywhere and no terminal: a usage error, not a hang.
slot=$(new_instance dev usage)
run 2 "$TOOL" list-objects --slot "$slot" --login
contains "$ERR" "PORTFOLIO_PIN" "missing PIN explains the channels"
echo "PASS: usage"
