#!/bin/bash
# pkcs11-tool's built-in test suite; it exits 0 even on errors, so the verdict
# is the "No errors" line.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool

pf_init_token "selftest"
out="$(p11 --token-label selftest --login --pin "$PF_USER_PIN" --test 2>&1)" || true
echo "$out"
echo "$out" | grep -q '^No errors' || fail "pkcs11-tool --test reported errors"
echo "PASS"
