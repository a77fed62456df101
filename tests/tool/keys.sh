#!/bin/bash
# keys.sh - import-key (from argv, a file, stdin), gen-key, server copies,
# the uniqueness rules, and that no command ever prints key material.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN

K0=2b7e151628aed2a6abf7158809cf4f3c
K1=000102030405060708090a0b0c0d0e0f
K2=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
d=$(new_instance dev device)
d2=$(new_instance dev other-device)
s=$(new_instance srv server)

run 0 dev import-key --slot "$d" --service auth --index 0 --hex "$K0"
contains "$OUT" "auth-K0" "import names the key"
all="$OUT$ERR"
printf '%s\n' "$K1" > "$WORK/k1.hex"
run 0 dev import-key --slot "$d" --service enc --index 1 --hex-file "$WORK/k1.hex"
all="$all$OUT$ERR"
OUT=$(printf '%s' "$K2" | dev import-key --slot "$d" --service auth --index 2 --hex-file - 2>"$WORK/stderr") ||
	fail "import-key from stdin: $(cat "$WORK/stderr")"
contains "$OUT" "32 bytes" "AES-256 from stdin"
run 0 dev gen-key --slot "$d" --service enc --index 3 --type aes256
run 0 dev gen-key --slot "$d" --service auth --index 4 --type hmac
run 0 dev gen-key --slot "$d" --service auth --index 5
all="$all$OUT$ERR"

run 0 dev list-objects --slot "$d" --login
all="$all$OUT"
contains "$OUT" "keyset auth, K0" "K0 listed"
contains "$OUT" "keyset enc, K1" "K1 listed"
contains "$OUT" "CKK_GENERIC_SECRET" "HMAC key listed"
contains "$OUT" "usage sign verify" "device auth key usage"
contains "$OUT" "usage encrypt decrypt" "device enc key usage"
contains "$OUT" "6 object(s)" "six keys"
run 0 dev list-objects --slot "$d"
lacks "$OUT" "keyset" "private keys hidden without login"
for k in "$K0" "$K1" "$K2"; do
	lacks "$all" "$k" "key material printed"
done

# (service, index) is unique per token.
run 1 dev import-key --slot "$d" --service auth --index 0 --hex "$K1"
contains "$ERR" "already has key K0" "duplicate index"
# A device keyset is never shared: the same K0 as a device key elsewhere fails ...
run 1 dev import-key --slot "$d2" --service auth --index 0 --hex "$K0"
contains "$ERR" "CKR_ATTRIBUTE_VALUE_INVALID" "shared device key refused"
# ... but a server copy (verify only) is fine, in this store or the server's.
run 0 dev import-key --slot "$d2" --service auth --index 0 --hex "$K0" --server
run 0 srv import-key --slot "$s" --service auth --index 0 --hex "$K0" --server
run 0 srv import-key --slot "$s" --service enc --index 1 --hex "$K1" --server
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "usage verify" "server auth copy verifies only"
lacks "$OUT" "sign" "server copy cannot sign"
lacks "$OUT" "encrypt" "server copy cannot encrypt"

# Usage errors: exit 2, and the key is not echoed back.
run 2 dev import-key --slot "$d" --service auth --index 9 --hex "${K0}0"
lacks "$ERR" "$K0" "odd-length key echoed"
run 2 dev import-key --slot "$d" --service auth --index 9 --hex "zz${K0:2}"
run 2 dev import-key --slot "$d" --service auth --index 9 --hex "$K0" --type aes256
run 2 dev import-key --slot "$d" --service auth --index 9 --hex "$K0" --hex-file "$WORK/k1.hex"
run 2 dev import-key --slot "$d" --service auth --index 9
run 2 dev import-key --slot "$d" --service auth --index 9 --hex 00112233
run 2 dev import-key --slot "$d" --service enc --index 9 --hex "$K2" --type hmac
run 1 dev import-key --slot "$d" --service auth --index 9 --hex-file "$WORK/missing.hex"
# A wrong PIN stops the import before anything is created.
PORTFOLIO_PIN=wrong run 1 dev import-key --slot "$d" --service auth --index 9 --hex "$K1" --server
contains "$ERR" "CKR_PIN_INCORRECT" "import with a wrong PIN"
echo "PASS: keys"
