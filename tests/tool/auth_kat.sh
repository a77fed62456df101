#!/bin/bash
# auth_kat.sh - sign/verify against an independent computation with the
# OpenSSL command line:
#   SIG = AES-CMAC_K( SHA-256(Identity) || Challenge )      (RFC 4493)
#   SIG = HMAC-SHA256_K( SHA-256(Identity) || Challenge )   (RFC 2104)
# The expected values come from `openssl dgst` and `openssl mac`, not from
# the module, so a module that is merely self-consistent cannot pass.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

K0=2b7e151628aed2a6abf7158809cf4f3c                                   # RFC 4493 key
K2=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4   # SP 800-38A AES-256 key
KH=0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b                           # RFC 4231 case 1 key
ID3="HostSwV 4.2.1"
CHAL_HEX=02345178        # canonical bytes of "0x2345178"

# openssl_sig CIPHER|DIGEST-ARGS KEY IDENTITY CHALLENGE_HEX
expected() {
	mac=$1 key=$2 ident=$3 chal=$4
	printf '%s' "$ident" | openssl dgst -sha256 -binary > "$WORK/msg"
	hex_to_file "$chal" "$WORK/chal"
	cat "$WORK/chal" >> "$WORK/msg"
	case $mac in
	cmac128) openssl mac -cipher AES-128-CBC -macopt "hexkey:$key" -in "$WORK/msg" CMAC ;;
	cmac256) openssl mac -cipher AES-256-CBC -macopt "hexkey:$key" -in "$WORK/msg" CMAC ;;
	hmac) openssl mac -digest SHA256 -macopt "hexkey:$key" -in "$WORK/msg" HMAC ;;
	esac | lower
}

# Sanity of the reference itself: RFC 4493 example 2 through the same command.
hex_to_file 6bc1bee22e409f96e93d7e117393172a "$WORK/rfc"
ref=$(openssl mac -cipher AES-128-CBC -macopt "hexkey:$K0" -in "$WORK/rfc" CMAC | lower)
[ "$ref" = 070a16b46b4d4144f79bdd9dd04a287c ] || fail "openssl CMAC reference broken: $ref"

d=$(new_instance dev device)
s=$(new_instance srv server)
run 0 dev import-key --slot "$d" --service auth --index 0 --hex "$K0"
run 0 dev import-key --slot "$d" --service auth --index 2 --hex "$K2"
run 0 dev import-key --slot "$d" --service auth --index 4 --hex "$KH" --type hmac
for k in "0 $K0" "2 $K2"; do
	set -- $k
	run 0 srv import-key --slot "$s" --service auth --index "$1" --hex "$2" --server
done
run 0 srv import-key --slot "$s" --service auth --index 4 --hex "$KH" --type hmac --server
run 0 dev set-identity --slot "$d" --id 3 --value "$ID3" --provision

# AES-128-CMAC, the TS example: identity 3, challenge 0x2345178, key 0.
want=$(expected cmac128 "$K0" "$ID3" "$CHAL_HEX")
[ ${#want} -eq 32 ] || fail "no reference signature"
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 0
[ "$OUT" = "$want" ] || fail "AES-128 CMAC signature $OUT, OpenSSL says $want"
# The decimal spelling of the same challenge is the same bytes.
run 0 dev sign --slot "$d" --identity 3 --challenge 36983160 --index 0
[ "$OUT" = "$want" ] || fail "decimal challenge signature differs"
# Odd hex and leading zeros are kept: 0x0abc is 0a bc, 0x00abc is 00 0a bc.
run 0 dev sign --slot "$d" --identity 3 --challenge 0x00abc --index 0
[ "$OUT" = "$(expected cmac128 "$K0" "$ID3" 000abc)" ] || fail "challenge 0x00abc"

# AES-256-CMAC.
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 2
[ "$OUT" = "$(expected cmac256 "$K2" "$ID3" "$CHAL_HEX")" ] || fail "AES-256 CMAC signature"

# HMAC-SHA256, chosen by the key type and by --hmac.
want_h=$(expected hmac "$KH" "$ID3" "$CHAL_HEX")
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 4
[ "$OUT" = "$want_h" ] || fail "HMAC signature $OUT, OpenSSL says $want_h"
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 4 --hmac
[ "$OUT" = "$want_h" ] || fail "HMAC signature with --hmac"
run 0 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 4 --signature "$want_h"
contains "$OUT" "signature valid" "HMAC verify"

# Server side: the OpenSSL signature verifies, from the value and from the hash.
hash=$(printf '%s' "$ID3" | openssl dgst -sha256 -binary > "$WORK/h" && file_to_hex "$WORK/h")
run 0 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 0 --signature "$want"
[ "$OUT" = "signature valid" ] || fail "verify output '$OUT'"
run 0 srv verify --slot "$s" --identity-hash "$hash" --challenge 0x2345178 --index 0 --signature "$want"

# Everything wrong is INVALID with exit 3: identity, challenge, signature, key.
run 3 srv verify --slot "$s" --identity-value "HostSwV 4.2.2" --challenge 0x2345178 --index 0 --signature "$want"
[ "$OUT" = "signature INVALID" ] || fail "tampered identity: '$OUT'"
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345179 --index 0 --signature "$want"
contains "$OUT" "INVALID" "other challenge"
bad=$(flip_hex "$want" 5)
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 0 --signature "$bad"
contains "$OUT" "INVALID" "tampered signature"
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 0 --signature "${want:0:30}"
contains "$OUT" "INVALID" "short signature"
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 2 --signature "$want"
contains "$OUT" "INVALID" "other key"

# Errors by name: a server copy cannot sign, a missing key or identity.
run 1 srv sign --slot "$s" --identity 3 --challenge 0x2345178 --index 0
contains "$ERR" "CKR_" "server copy cannot sign"
run 1 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 7
contains "$ERR" "no key K7" "missing key"
run 1 dev sign --slot "$d" --identity 5 --challenge 0x2345178 --index 0
contains "$ERR" "CKR_MECHANISM_PARAM_INVALID" "missing identity"
PORTFOLIO_PIN=wrong run 1 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 0
contains "$ERR" "CKR_PIN_INCORRECT" "sign with a wrong PIN"
echo "PASS: auth_kat"
