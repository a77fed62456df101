#!/bin/bash
# delete.sh - delete-key and delete-identity remove exactly what they name,
# and say so when it is not there (issue 14, item 4).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
slot=$(new_instance dev delete)
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN
run 0 "$TOOL" gen-key --slot "$slot" --service auth --index 0
run 0 "$TOOL" gen-key --slot "$slot" --service auth --index 1
run 0 "$TOOL" gen-key --slot "$slot" --service enc --index 0
run 0 "$TOOL" set-identity --slot "$slot" --id 3 --value "fw 1" --provision
run 0 "$TOOL" set-identity --slot "$slot" --id 4 --value "fw 2" --provision

run 0 "$TOOL" delete-key --slot "$slot" --service auth --index 1
contains "$OUT" "deleted key K1 in its auth keyset" "delete-key message"
run 0 "$TOOL" list-objects --slot "$slot" --login
lacks "$OUT" "auth-K1" "auth K1 gone"
contains "$OUT" "auth-K0" "auth K0 kept"
contains "$OUT" "enc-K0" "enc K0 kept"
run 1 "$TOOL" delete-key --slot "$slot" --service auth --index 1
contains "$ERR" "has no key K1 in its auth keyset" "deleting twice"
run 1 "$TOOL" sign --slot "$slot" --identity 3 --challenge 1 --index 1
contains "$ERR" "no key K1" "a deleted key cannot sign"

run 0 "$TOOL" delete-identity --slot "$slot" --id 4 --json
contains "$OUT" '"deleted": "Identity instance 4"' "delete-identity --json"
run 0 "$TOOL" get-identity --slot "$slot"
lacks "$OUT" "fw 2" "identity 4 gone"
contains "$OUT" "fw 1" "identity 3 kept"
run 1 "$TOOL" delete-identity --slot "$slot" --id 4
contains "$ERR" "has no Identity instance 4" "deleting an absent identity"
run 1 "$TOOL" encrypt --slot "$slot" --identity 4 --challenge 1 --index 0
contains "$ERR" "there is no Identity instance 4" "a deleted identity cannot be encrypted"
# Validation is the same as everywhere.
run 2 "$TOOL" delete-key --slot "$slot" --service auth --index 4294967296
run 2 "$TOOL" delete-identity --slot "$slot" --id 65535

# delete-instance: C_InitToken with the SO PIN (PKCS#11 has no delete for a
# token): every object and the user PIN go, the token starts a new life (a new
# serial), blank label; a wrong SO PIN deletes nothing.
before=$(token_serial "$slot")
run 1 env PORTFOLIO_SO_PIN=wrong-pin-9 "$TOOL" delete-instance --slot "$slot"
contains "$ERR" "CKR_PIN_INCORRECT" "delete-instance with a wrong SO PIN"
run 0 "$TOOL" list-objects --slot "$slot" --login
contains "$OUT" "auth-K0" "a refused delete-instance deletes nothing"
run 0 "$TOOL" delete-instance --slot "$slot"
contains "$OUT" "instance /16/$slot deleted" "delete-instance message"
run 0 "$TOOL" list-slots
contains "$OUT" "Slot $slot (/16/$slot): \"\"" "blank label after delete-instance"
[ "$(token_serial "$slot")" != "$before" ] || fail "delete-instance kept the token's serial"
run 1 "$TOOL" list-objects --slot "$slot" --login
contains "$ERR" "CKR_USER_PIN_NOT_INITIALIZED" "the user PIN is gone"
run 0 "$TOOL" init-pin --slot "$slot"
run 0 "$TOOL" list-objects --slot "$slot" --login
contains "$OUT" "0 object(s)" "no key or identity left"
run 0 "$TOOL" delete-instance --slot "$slot" --json
contains "$OUT" '"instance": '"$slot" "delete-instance --json"
echo "PASS: delete"
