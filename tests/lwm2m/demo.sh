#!/bin/sh
# portfolio-lwm2m-demo against the built module: it must exit 0 and tell
# the story's key outcomes (each line below is printed only when the demo's
# own check for it held, and any failed check makes it exit non-zero).
demo="$top_builddir/portfolio-lwm2m-demo"
module="$top_builddir/.libs/libportfolio-pkcs11.so"
if [ ! -x "$demo" ] || [ ! -f "$module" ]; then
	echo "SKIP: $demo or $module not built"
	exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Cheap PIN key derivation: the emulator's scrypt at full cost is slow.
PORTFOLIO_TEST_SCRYPT_N=1024 "$demo" "$module" >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" = 0 ] || { echo "FAIL: demo exited $rc"; exit 1; }
fail=0
expect() {
	grep -qF -- "$1" "$out" || { echo "FAIL: missing line: $1"; fail=1; }
}
expect "server -> EXECUTE /16/0/1  0='0',1='3',2='0x2345178',3='0'"
expect "device:  AuthStatus still 1 (DATA_AVAIL): reading is not delivering"
expect "device:  response sent -> delivered; AuthStatus /16/0/3 = 0 (IDLE)"
expect "device <- 4.04 Not Found"
expect "RESULT: Use Case 1 signature VERIFIED: the vehicle is authenticated"
expect "RESULT: tampered identity REJECTED (CKR_SIGNATURE_INVALID)"
expect "device <- 2.05 Content        \"ACME Motors (rebadged)\""
expect "RESULT: after WRITE /16/0/0/1 the device still proves only the provisioned hash"
expect "RESULT: Use Case 2 decrypted Host Device Model: Roadster X200"
expect "(a replay) -> CKR_ENCRYPTED_DATA_INVALID"
expect "RESULT: TS example rejected: 4.00 Bad Request (strict mode, AuthStatus ERROR)"
expect "RESULT: lenient mode: 2.04 Changed and a signature that verifies"
expect "demo: all checks passed"
# Both AuthData of Use Case 1 and of the lenient replay are the same
# signature (same key, identity, challenge): a deterministic CMAC.
n=$(grep -c "AuthData /16/0/2/0 = " "$out")
[ "$n" = 4 ] || { echo "FAIL: expected 4 AuthData reads, saw $n"; fail=1; }
first=$(grep "AuthData /16/0/2/0 = " "$out" | sed -n 1p | sed 's/.*= //')
last=$(grep "AuthData /16/0/2/0 = " "$out" | sed -n 4p | sed 's/.*= //')
[ "$first" = "$last" ] || { echo "FAIL: the lenient request signed something else"; fail=1; }
exit $fail
