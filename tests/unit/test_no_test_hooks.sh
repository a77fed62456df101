#!/bin/sh
# test_no_test_hooks.sh - a module built without --enable-test-hooks carries
# no test-only knob: no PORTFOLIO_TEST_* name is in the shared object, so no
# environment variable can lower its PIN KDF cost (issue 8, item 8). In a test
# build the name must be there: that shows the check can see a knob at all.
# (test_emu_token_format's test_scrypt_knob_only_in_test_builds checks the
# behaviour: the knob set, a new wrap still gets log2 N = 15.)
set -u
: "${top_builddir:=.}"
mod="$top_builddir/.libs/libportfolio-pkcs11.so"
[ -f "$mod" ] || { echo "FAIL: $mod not built"; exit 1; }
n=$(grep -a -c 'PORTFOLIO_TEST_' "$mod")
case "${PF_TEST_HOOKS:-no}" in
yes)
	[ "$n" -gt 0 ] || { echo "FAIL: test build, but no test knob found in $mod"; exit 1; } ;;
*)
	[ "$n" -eq 0 ] || { echo "FAIL: $mod (default build) names a test knob:"; grep -a -o 'PORTFOLIO_TEST_[A-Z_]*' "$mod"; exit 1; } ;;
esac
echo "PASS (test hooks: ${PF_TEST_HOOKS:-no}, knob names in module: $n)"
