#!/bin/sh
# scripts/demo.sh against the build tree: it must exit 0, show each expected
# refusal as one "rejected" sentence (never the tool's raw error line), and
# name instances by number, never /16/x (issue 14, item 10).
: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ ! -x "$top_builddir/portfolio-tool" ] || [ ! -x "$top_builddir/portfolio-lwm2m-demo" ]; then
	echo "SKIP: the tool or portfolio-lwm2m-demo is not built"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
PORTFOLIO_TEST_SCRYPT_N=1024 PORTFOLIO_BUILD_DIR="$top_builddir" \
	bash "$top_srcdir/scripts/demo.sh" --no-deps --no-build >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: scripts/demo.sh exited $rc"; exit 1; }
fail=0
if grep -n 'failed: CKR_\|^portfolio-tool: C_' "$out"; then
	echo "FAIL: a raw error where a refusal is expected"
	fail=1
fi
if grep -n '/16/x' "$out"; then
	echo "FAIL: /16/x where the instance is known"
	fail=1
fi
n=$(grep -c '^  -> rejected' "$out")
[ "$n" = 6 ] || { echo "FAIL: expected 6 refusals told as such, saw $n"; fail=1; }
grep -qF -- "-> rejected: the ciphertext, its tag or its challenge does not match (CKR_ENCRYPTED_DATA_INVALID)." "$out" ||
	{ echo "FAIL: the replay's reason is not given"; fail=1; }
# part 3: AE2's copy, provisioned wrapped by the TEF, decrypts but may not encrypt
grep -qF -- '-> {"m2m:cin":' "$out" || { echo "FAIL: AE2 did not decrypt the content instance"; fail=1; }
grep -q -- "-> rejected: .*(CKR_KEY_FUNCTION_NOT_PERMITTED)\.$" "$out" ||
	{ echo "FAIL: AE2 encrypting with its decrypt-only copy is not refused as such"; fail=1; }
[ "$(tail -n 1 "$out")" = "demo: all checks passed" ] || { echo "FAIL: the demo does not end with its verdict"; fail=1; }
exit $fail
