#!/bin/bash
# json.sh - --json: one JSON document on stdout (parsed here with Python's
# json module, an independent parser), the same exit codes as without, and
# results that match the text output.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
[ -x /usr/bin/python3 ] || { echo "SKIP: /usr/bin/python3"; exit 77; }
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

# jq_py EXPR: evaluates EXPR on the parsed JSON of $OUT (as d); prints the result.
jq_py() { printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

run 0 "$TOOL" init-instance --label 'ECU "7" \ A' --json
[ "$(jq_py 'd["slot"]')" = 0 ] || fail "init-instance slot: $OUT"
[ "$(jq_py 'd["user_pin_set"]')" = True ] || fail "init-instance user_pin_set: $OUT"
d=0
PORTFOLIO_PKCS11_CONF="$WORK/server.conf" run 0 "$TOOL" init-instance --label server --json
s=$(jq_py 'd["slot"]')

run 0 "$TOOL" list-slots --json
[ "$(jq_py 'd[0]["label"]')" = 'ECU "7" \ A' ] || fail "label with quotes and backslash: $OUT"
[ "$(jq_py 'd[0]["state"]')" = instance ] || fail "state: $OUT"
[ "$(jq_py 'd[1]["state"]')" = free ] || fail "the free slot: $OUT"

K0=2b7e151628aed2a6abf7158809cf4f3c
K1=000102030405060708090a0b0c0d0e0f
ID3="HostSwV 4.2.1 ✓"   # not only ASCII
run 0 "$TOOL" import-key --slot $d --service auth --index 0 --hex $K0
run 0 "$TOOL" import-key --slot $d --service enc --index 1 --hex $K1
run 0 "$TOOL" set-identity --slot $d --id 3 --value "$ID3" --provision
run 0 srv import-key --slot "$s" --service auth --index 0 --hex $K0 --server
run 0 srv import-key --slot "$s" --service enc --index 1 --hex $K1 --server

run 0 "$TOOL" list-objects --slot $d --login --json
[ "$(jq_py 'len(d)')" = 3 ] || fail "three objects: $OUT"
[ "$(jq_py '[o for o in d if o.get("identity") == 3][0]["hash_provisioned"]')" = True ] || fail "identity 3: $OUT"
[ "$(jq_py '[o for o in d if o.get("keyset") == "auth"][0]["index"]')" = 0 ] || fail "auth key index: $OUT"
[ "$(jq_py '[o for o in d if o.get("keyset") == "auth"][0]["sign"]')" = True ] || fail "auth key usage: $OUT"

run 0 "$TOOL" list-mechanisms --slot $d --json
[ "$(jq_py '[m["name"] for m in d if m["type"] == 0xD04F0001][0]')" = CKM_PORTFOLIO_AUTH_CMAC ] || fail "vendor mechanism: $OUT"
[ "$(jq_py 'all("name" in m for m in d)')" = True ] || fail "a mechanism without a name: $OUT"

# Sign: the same signature as the text output; verify valid (0) and INVALID (3).
run 0 "$TOOL" sign --slot $d --identity 3 --challenge 0x2345178 --index 0
text_sig=$OUT
run 0 "$TOOL" sign --slot $d --identity 3 --challenge 0x2345178 --index 0 --json
[ "$(jq_py 'd["signature"]')" = "$text_sig" ] || fail "JSON signature differs from text: $OUT"
run 0 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178 --index 0 --signature "$text_sig" --json
[ "$(jq_py 'd["valid"]')" = True ] || fail "verify valid: $OUT"
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345179 --index 0 --signature "$text_sig" --json
[ "$(jq_py 'd["valid"]')" = False ] || fail "verify invalid: $OUT"
[ "$(jq_py 'd["result"]')" = CKR_SIGNATURE_INVALID ] || fail "verify result: $OUT"

# Encrypt / decrypt: the identity comes back as text (UTF-8) and hex.
run 0 "$TOOL" encrypt --slot $d --identity 3 --challenge 0x2345178 --index 1 --json
ct=$(jq_py 'd["authdata"]')
run 0 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$ct" --json
[ "$(jq_py 'd["identity"]')" = "$ID3" ] || fail "decrypted identity: $OUT"
[ "$(jq_py 'bytes.fromhex(d["identity_hex"]).decode()')" = "$ID3" ] || fail "identity hex: $OUT"
run 3 srv decrypt --slot "$s" --challenge 0x2345179 --index 1 --data "$ct" --json
[ -z "$OUT" ] || jq_py 'd' >/dev/null || fail "decrypt refusal printed non-JSON: $OUT"
# Every other result too: keys, identities, PINs.
run 0 "$TOOL" gen-key --slot $d --service auth --index 5 --json
[ "$(jq_py '(d["label"], d["keyset"], d["index"], d["bytes"], d["server"])')" = "('auth-K5', 'auth', 5, 16, False)" ] ||
	fail "gen-key JSON: $OUT"
run 0 "$TOOL" set-identity --slot $d --id 6 --value "fw 6" --json
[ "$(jq_py 'd["hash"]')" = "not provisioned" ] || fail "set-identity JSON: $OUT"
run 0 "$TOOL" get-identity --slot $d --json
[ "$(jq_py 'sorted((o["identity"], o["value"], o["hash_provisioned"]) for o in d)')" = \
  "[(3, '$ID3', True), (6, 'fw 6', False)]" ] || fail "get-identity JSON: $OUT"
run 0 "$TOOL" get-identity --slot $d --id 3 --json
[ "$(jq_py 'd[0]["value"]')" = "$ID3" ] || fail "get-identity --id JSON: $OUT"
PORTFOLIO_NEW_PIN=new-user-pin-99 run 0 "$TOOL" set-pin --slot $d --user --json
[ "$(jq_py '(d["pin"], d["done"])')" = "('user', 'changed')" ] || fail "set-pin JSON: $OUT"
echo "PASS: json"
