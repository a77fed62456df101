#!/bin/bash
# onem2m.sh - portfolio-tool onem2m-derive: the oneM2M key chain from Ke,
# inside the token (docs/onem2m.md). With the worked example's inputs, the
# container keys it leaves are checked through what they produce: a JWS
# (HS256) against `openssl mac` with the example's K_container_auth, and a
# JWE (dir, A256GCM) that the token decrypts and that Python's
# `cryptography` decrypts with the example's K_container_conf. The
# intermediate keys must be gone; bad input leaves nothing behind.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN="$USER_PIN"
iid=$(new_instance dev onem2m)
KE=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
SALT=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
NONCE=0123456789abcdef
K_CONTAINER_AUTH=b98648fe7730e4717571b0fa9d41e60d7b8563f34c2bdfb1d96dbdd3cbe34002
K_CONTAINER_CONF=68243f816a5e65634a018cad368abcbddeddd1e63dadea972937203b46547db7
b64url_hex() { tr -- '-_' '+/' | { s=$(cat); while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done; printf '%s' "$s"; } |
	base64 -d | od -An -v -tx1 | tr -d ' \n'; }
keys() { dev list-objects --slot "$iid" --login 2>/dev/null | sed -n 's/^\([0-9]*\) object(s)$/\1/p'; }

run 0 dev import-onem2m-ke --slot "$iid" --label Ke --hex "$KE"
run 0 dev list-objects --slot "$iid" --login
case "$OUT" in *sign* | *verify* | *crypt*) fail "Ke does more than derive: $OUT" ;; esac
run 2 dev import-onem2m-ke --slot "$iid" --label Short --hex 0001020304
before=$(keys)
# bad input: no such Ke, a hash the chain does not take, an empty container, bad hex
run 1 dev onem2m-derive --slot "$iid" --ke nobody --salt "$SALT" --container Container-x --nonce "$NONCE"
contains "$ERR" "no key labelled 'nobody'" "missing Ke"
run 2 dev onem2m-derive --slot "$iid" --ke Ke --salt "$SALT" --container Container-x --nonce "$NONCE" --hash sha1
run 2 dev onem2m-derive --slot "$iid" --ke Ke --salt "$SALT" --container "" --nonce "$NONCE"
run 2 dev onem2m-derive --slot "$iid" --ke Ke --salt zz --container Container-x --nonce "$NONCE"
[ "$(keys)" = "$before" ] || fail "a refused derivation left objects behind"

run 0 dev onem2m-derive --slot "$iid" --ke Ke --salt "$SALT" --container Container-x --nonce "$NONCE"
contains "$OUT" "Container-x-auth" "auth key label"
contains "$OUT" "Container-x-conf" "conf key label"
# exactly the two container keys were added to the token: K_master, K_auth,
# K_conf were session objects (the tool destroys them and fails if it cannot)
[ "$(keys)" = "$((before + 2))" ] || fail "expected 2 new objects, have $(keys) after $before"
# the same labels again: refused, nothing made
run 1 dev onem2m-derive --slot "$iid" --ke Ke --salt "$SALT" --container Container-x --nonce "$NONCE"
contains "$ERR" "already has a key labelled Container-x-auth" "labels taken"
[ "$(keys)" = "$((before + 2))" ] || fail "a refused derivation left objects behind"

# JWS HS256 with K_container_auth: the signature is HMAC-SHA256 over header.payload
printf 'm2m:cin content' > "$WORK/in"
run 0 dev jws-sign --slot "$iid" --label Container-x-auth --alg HS256 --in "$WORK/in"
jws=$OUT
want=$(printf '%s' "${jws%.*}" | openssl mac -digest SHA256 -macopt hexkey:$K_CONTAINER_AUTH HMAC | tr 'A-F' 'a-f')
got=$(printf '%s' "${jws##*.}" | b64url_hex)
[ -n "$want" ] && [ "$got" = "$want" ] || fail "JWS MAC $got is not HMAC(K_container_auth) $want"
printf '%s\n' "$jws" > "$WORK/jws"
run 0 dev jws-verify --slot "$iid" --in "$WORK/jws"
[ "$OUT" = "m2m:cin content" ] || fail "jws-verify gave '$OUT'"

# JWE dir A256GCM with K_container_conf: round trip, and the example's key opens it
run 0 dev jwe-encrypt --slot "$iid" --label Container-x-conf --alg dir --enc A256GCM --in "$WORK/in"
jwe=$OUT
printf '%s\n' "$jwe" > "$WORK/jwe"
run 0 dev jwe-decrypt --slot "$iid" --in "$WORK/jwe"
[ "$OUT" = "m2m:cin content" ] || fail "JWE round trip gave '$OUT'"
IFS=. read -r h ek iv ct tag < "$WORK/jwe"
pt=$(/usr/bin/python3 -c 'import sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
k, h, iv, ct, tag = sys.argv[1:]
sys.stdout.write(AESGCM(bytes.fromhex(k)).decrypt(bytes.fromhex(iv), bytes.fromhex(ct + tag), h.encode()).decode())' \
	"$K_CONTAINER_CONF" "$h" "$(printf '%s' "$iv" | b64url_hex)" "$(printf '%s' "$ct" | b64url_hex)" \
	"$(printf '%s' "$tag" | b64url_hex)") || fail "the example's K_container_conf does not open the JWE"
[ "$pt" = "m2m:cin content" ] || fail "K_container_conf decrypted '$pt'"
[ -z "$ek" ] || fail "dir JWE with an encrypted key"

# --label prefix and SHA-512: HS512 key of 64 bytes, the conf key still AES-256
run 0 dev onem2m-derive --slot "$iid" --ke Ke --salt "$SALT" --container Container-x --nonce "$NONCE" \
	--hash sha512 --label c512
run 0 dev jws-sign --slot "$iid" --label c512-auth --alg HS512 --in "$WORK/in"
run 0 dev jwe-encrypt --slot "$iid" --label c512-conf --alg dir --enc A256GCM --in "$WORK/in"
exit 0
