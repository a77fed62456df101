#!/bin/bash
# select.sh - a token chosen by --token LABEL, --serial S or an RFC 7512
# --uri (parsed by p11-kit), with clear errors for no match, several matches,
# a malformed URI and two ways at once (issue 14, item 3).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN
a=$(new_instance dev "Vehicle ECU")
b=$(new_instance dev "Gateway")
c=$(new_instance dev "Gateway")
# serials are the tokens' own (16 hex digits of the random token id), unique
sa=$(token_serial "$a") sb=$(token_serial "$b") sc=$(token_serial "$c")
[[ "$sa" =~ ^[0-9a-f]{16}$ ]] || fail "serial of slot $a is not 16 hex digits: $sa"
[ "$sb" != "$sc" ] && [ "$sa" != "$sb" ] || fail "serials not unique: $sa $sb $sc"
[ "$(token_serial "$b")" = "$sb" ] || fail "serial of slot $b changed between two runs"
# Another store's token of the same instance number is told apart too.
o=$(new_instance srv "Vehicle ECU")
[ "$o" = "$a" ] || fail "expected instance $a in the server store, got $o"
[ "$(token_serial "$o" srv)" != "$sa" ] || fail "two stores' tokens /16/$a share a serial"
run 0 "$TOOL" gen-key --token "Vehicle ECU" --service auth --index 0
run 0 "$TOOL" list-objects --slot "$a" --login
contains "$OUT" "auth-K0" "--token chose slot $a"
run 0 "$TOOL" list-objects --uri "pkcs11:token=Vehicle%20ECU" --login
contains "$OUT" "auth-K0" "--uri with a percent-encoded label"
run 0 "$TOOL" list-objects --uri "pkcs11:token=Vehicle%20ECU;manufacturer=portfolio-pkcs11;model=LwM2M%20Obj16"
run 0 "$TOOL" list-objects --serial "$sc" --login
lacks "$OUT" "auth-K0" "--serial chose another token"
# Two tokens labelled Gateway: ambiguous, and a serial settles it.
run 1 "$TOOL" list-objects --token Gateway
contains "$ERR" "more than one token matches" "ambiguous label"
run 0 "$TOOL" gen-key --token Gateway --serial "$sb" --service enc --index 1
run 0 "$TOOL" list-objects --slot "$b" --login
contains "$OUT" "enc-K1" "--token with --serial"
run 1 "$TOOL" list-objects --token "No such token"
contains "$ERR" "no token matches" "no match"
run 2 "$TOOL" list-objects --uri "http://example.com/"
contains "$ERR" "--uri is not a PKCS#11 URI" "wrong scheme"
run 2 "$TOOL" list-objects --uri "pkcs11:token=%zz"
contains "$ERR" "--uri is not a PKCS#11 URI" "bad percent-encoding"
run 2 "$TOOL" list-objects --slot "$a" --token Gateway
contains "$ERR" "one way" "two ways at once"
run 2 "$TOOL" list-objects --token "$(printf 'x%.0s' $(seq 33))"
contains "$ERR" "at most 32 bytes" "over-long label"
run 2 "$TOOL" list-objects
contains "$ERR" "needs a token" "no token given"
# Commands without a token do not take the token options either.
run 2 "$TOOL" list-slots --token Gateway
contains "$ERR" "does not take --token" "list-slots --token"
# A key chosen by the URI's object= (CKA_LABEL) or id= (CKA_ID, which every
# key has: 8 random bytes when none was given), through p11-kit's URI API.
run 0 "$TOOL" gen-key --slot "$a" --service auth --index 7
run 0 "$TOOL" set-identity --slot "$a" --id 0 --value fw --provision
run 0 "$TOOL" list-objects --slot "$a" --login --json
id7=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys
print(next(o["id"] for o in json.load(sys.stdin) if o.get("index") == 7))')
[[ "$id7" =~ ^[0-9a-f]{16}$ ]] || fail "key K7 has no 8-byte CKA_ID: '$id7'"
run 0 "$TOOL" sign --slot "$a" --identity 0 --challenge 5 --index 7
want=$OUT
run 0 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU;object=auth-K7" --identity 0 --challenge 5
[ "$OUT" = "$want" ] || fail "object=auth-K7 signed with another key"
pct=$(printf '%s' "$id7" | sed 's/../%&/g')
run 0 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU;id=$pct" --identity 0 --challenge 5
[ "$OUT" = "$want" ] || fail "id= signed with another key"
run 0 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU;id=$pct" --identity 0 --challenge 5 --index 7
run 1 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU;id=$pct" --identity 0 --challenge 5 --index 0
contains "$ERR" "no key K0 in its auth keyset matching --uri" "--index and id= disagree"
run 1 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU;object=auth-K9" --identity 0 --challenge 5
contains "$ERR" "no key in its auth keyset matching --uri" "no such object"
run 2 "$TOOL" sign --uri "pkcs11:token=Vehicle%20ECU" --identity 0 --challenge 5
contains "$ERR" "--index K, or by a --uri with object= or id=" "neither --index nor an object"
run 0 "$TOOL" delete-key --uri "pkcs11:token=Vehicle%20ECU;object=auth-K7" --service auth
run 0 "$TOOL" list-objects --slot "$a" --login
lacks "$OUT" "auth-K7" "delete-key by object="
echo "PASS: select"
