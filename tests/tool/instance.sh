#!/bin/bash
# instance.sh - list-slots, init-instance, set-pin, init-pin, list-mechanisms,
# list-objects, and PKCS#11 errors reported by name with exit code 1.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module

run 0 dev list-slots
contains "$OUT" "Slot 0 (/16/0): free" "a new store offers free slot 0"

a=$(new_instance dev "Vehicle ECU")
[ "$a" = 0 ] || fail "first instance is $a, expected 0"
b=$(new_instance dev "Second")
[ "$b" = 1 ] || fail "second instance is $b, expected 1"
run 0 dev list-slots
contains "$OUT" '"Vehicle ECU"' "label of instance 0"
contains "$OUT" '"Second"' "label of instance 1"
contains "$OUT" "Slot 2 (/16/2): free" "a new free slot appears"
lacks "$OUT" "NOT set" "both instances have a user PIN"

# An instance without a user PIN, then init-pin.
PORTFOLIO_SO_PIN=$SO_PIN run 0 dev init-instance --label nopin
c=$OUT
[ "$c" = 2 ] || fail "third instance is $c"
contains "$ERR" "init-pin" "hint to run init-pin"
run 0 dev list-slots
contains "$OUT" "NOT set (run init-pin)" "user PIN not set yet"
run 1 dev list-objects --slot "$c" --login --pin "$USER_PIN"
run 0 dev init-pin --slot "$c" --so-pin "$SO_PIN" --user-pin "$USER_PIN"
run 0 dev list-objects --slot "$c" --login --pin "$USER_PIN"
contains "$OUT" "0 object(s)" "empty instance"

# Usage errors of init-instance.
run 2 dev init-instance --label x                        # no SO PIN, no terminal
run 2 dev init-instance --label "" --so-pin "$SO_PIN"
run 2 dev init-instance --label 123456789012345678901234567890123 --so-pin "$SO_PIN"

# Wrong PIN: CKR_PIN_INCORRECT by name and value, exit 1.
run 1 dev list-objects --slot "$a" --login --pin wrong-pin
contains "$ERR" "CKR_PIN_INCORRECT (0x000000A0)" "wrong PIN named"
contains "$ERR" "PIN is wrong" "wrong PIN explained"

# set-pin --user: the old PIN stops working, the new one works.
run 0 dev set-pin --slot "$a" --user --old-pin "$USER_PIN" --new-pin new-user-5678
run 1 dev list-objects --slot "$a" --login --pin "$USER_PIN"
contains "$ERR" "CKR_PIN_INCORRECT" "old user PIN refused"
PORTFOLIO_PIN=new-user-5678 run 0 dev list-objects --slot "$a" --login
# ... and PINs from the environment for set-pin.
PORTFOLIO_PIN=new-user-5678 PORTFOLIO_NEW_PIN="$USER_PIN" run 0 dev set-pin --slot "$a" --user
run 0 dev list-objects --slot "$a" --login --pin "$USER_PIN"
run 1 dev set-pin --slot "$a" --user --old-pin wrong --new-pin x-12345678

# set-pin --so, then init-pin as the new SO resets a user PIN.
run 0 dev set-pin --slot "$a" --so --old-pin "$SO_PIN" --new-pin new-so-0000
run 1 dev init-pin --slot "$a" --so-pin "$SO_PIN" --user-pin other-user-1
run 0 dev init-pin --slot "$a" --so-pin new-so-0000 --user-pin other-user-1
run 0 dev list-objects --slot "$a" --login --pin other-user-1

# Mechanisms: three Portfolio mechanisms are offered; CKM_PORTFOLIO_ENC_CBC
# only where the configuration enables it (docs/mechanisms.md 5.1).
run 0 dev list-mechanisms --slot "$a"
for m in CKM_PORTFOLIO_AUTH_CMAC CKM_PORTFOLIO_AUTH_HMAC CKM_PORTFOLIO_ENC_GCM; do
	contains "$OUT" "$m" "list-mechanisms"
done
lacks "$OUT" CKM_PORTFOLIO_ENC_CBC "list-mechanisms without enc_cbc"
echo "instance.$a.enc_cbc = yes" >> "$WORK/device.conf"
run 0 dev list-mechanisms --slot "$a"
contains "$OUT" CKM_PORTFOLIO_ENC_CBC "list-mechanisms with instance.$a.enc_cbc = yes"

# A slot that does not exist.
run 1 dev list-mechanisms --slot 4000000
contains "$ERR" "CKR_SLOT_ID_INVALID" "unknown slot named"

# Instances persist: a second process sees them.
run 0 dev list-slots
contains "$OUT" '"Vehicle ECU"' "instance persists in the store"
echo "PASS: instance"
