#!/bin/bash
# jose.sh - portfolio-tool's JOSE commands on bad input: nothing may reach
# standard output when the tool refuses (alg "none", a kid the token does
# not hold, a --label that contradicts the kid, a header that is not JSON,
# a wrong tag), and the exit code says which kind of refusal it was.
# Interop with jwcrypto: tests/interop/jose_jwcrypto*.py.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN="$USER_PIN"
iid=$(new_instance dev jose)
K=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
run 0 dev import-jose-key --slot "$iid" --label "k@TEF" --alg dir --hex "$K"
run 0 dev import-jose-key --slot "$iid" --label "h@TEF" --alg HS256 --hex "${K//0/3}"
run 2 dev import-jose-key --slot "$iid" --label "x@TEF" --alg none --hex "$K"
# every use is named at import: a server copy of a dir key only decrypts (no
# CKA_SIGN/CKA_VERIFY left to C_CreateObject's defaults)
run 0 dev import-jose-key --slot "$iid" --label "s@TEF" --alg dir --server --hex "$K"
run 0 dev list-objects --slot "$iid" --login
usage_line=$(printf '%s\n' "$OUT" | grep -A3 '"s@TEF"' | grep -m1 '  usage')
[ "$usage_line" = "  usage decrypt" ] || fail "server dir key: '$usage_line', not decrypt only"
usage_line=$(printf '%s\n' "$OUT" | grep -A3 '"k@TEF"' | grep -m1 '  usage')
[ "$usage_line" = "  usage encrypt decrypt" ] || fail "dir key: '$usage_line', not encrypt decrypt"
run 2 dev import-jose-key --slot "$iid" --label "x@TEF" --alg HS512 --hex "$K"
printf 'content' > "$WORK/in"
run 0 dev jwe-encrypt --slot "$iid" --label "k@TEF" --in "$WORK/in"
jwe=$OUT
printf '%s\n' "$jwe" > "$WORK/jwe"
run 0 dev jwe-decrypt --slot "$iid" --in "$WORK/jwe"
[ "$OUT" = content ] || fail "round trip gave '$OUT'"
# a wrong tag: exit 3, nothing on stdout
printf '%s\n' "${jwe%?}$( [ "${jwe: -1}" = A ] && echo Q || echo A)" > "$WORK/bad"
run 3 dev jwe-decrypt --slot "$iid" --in "$WORK/bad"
[ -z "$OUT" ] || fail "plaintext released on a wrong tag"
# the header is not JSON
printf '%s\n' "bm90IGpzb24.${jwe#*.}" > "$WORK/bad"
run 1 dev jwe-decrypt --slot "$iid" --in "$WORK/bad"
contains "$ERR" "not a valid JSON object" "header not JSON"
[ -z "$OUT" ] || fail "output on a header that is not JSON"
# a kid the token does not hold; a --label that contradicts the kid
run 1 dev jwe-encrypt --slot "$iid" --label "nobody@TEF" --in "$WORK/in"
contains "$ERR" "no key with that label" "unknown kid"
hdr=$(printf '{"alg":"dir","enc":"A256GCM","kid":"nobody@TEF"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')
printf '%s\n' "$hdr.${jwe#*.}" > "$WORK/bad"
run 1 dev jwe-decrypt --slot "$iid" --in "$WORK/bad"
contains "$ERR" "no key with that label" "a kid the token does not hold"
[ -z "$OUT" ] || fail "output for a kid the token does not hold"
run 1 dev jwe-decrypt --slot "$iid" --label "h@TEF" --in "$WORK/jwe"
contains "$ERR" "kid is not --label" "label against kid"
[ -z "$OUT" ] || fail "output with a contradicting --label"
# alg none: {"alg":"none","kid":"h@TEF"} with and without a signature
printf '%s\n' "eyJhbGciOiJub25lIiwia2lkIjoiaEBURUYifQ.Y29udGVudA." > "$WORK/none"
run 1 dev jws-verify --slot "$iid" --in "$WORK/none"
contains "$ERR" "not supported" "alg none"
[ -z "$OUT" ] || fail "payload released for alg none"
run 0 dev jws-sign --slot "$iid" --label "h@TEF" --in "$WORK/in"
printf '%s\n' "eyJhbGciOiJub25lIiwia2lkIjoiaEBURUYifQ.Y29udGVudA.${OUT##*.}" > "$WORK/none"
run 1 dev jws-verify --slot "$iid" --in "$WORK/none"
[ -z "$OUT" ] || fail "payload released for alg none with a signature"
# jws-sign with a JWE alg is refused
run 1 dev jws-sign --slot "$iid" --label "h@TEF" --alg dir --in "$WORK/in"
exit 0
