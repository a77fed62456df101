#!/bin/bash
# fleet.sh - a fleet from master keys (docs/fleet.md): the factory derives a
# device key from a master and bound-wraps it for the device
# (derive-device); the device unwraps it into its keyset
# (import-wrapped-key) and answers; a server holding only the master
# (restored from the factory's wrapped backup) verifies and decrypts with
# --master --device-id --instance --index. Known answer: the device key of
# docs/mechanisms.md 10.1, checked through the device's signature against
# `openssl mac` with that key (the key itself never leaves a token).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

cat > "$WORK/factory.conf" <<CONF
# $TEST_NAME: factory store
store = $WORK/factory.db
log_level = error
CONF
fac() { PORTFOLIO_PKCS11_CONF="$WORK/factory.conf" "$TOOL" "$@"; }

KEK=000102030405060708090a0b0c0d0e0f
MASTER=000102030405060708090a0b0c0d0e0f       # docs/mechanisms.md 10.1
MASTER_ENC=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
DEV=urn:imei:490154203237518
DEVKEY=7e214f520227ef647af0ee1f8e78afd9       # K(DEV, 1, 1, AUTHENT), openssl kdf KBKDF
ID3="HostSwV 4.2.1"
f=$(new_instance fac factory)
d=$(new_instance dev device)
s=$(new_instance srv server)
for role in fac dev srv; do
	slot=$f; [ $role = dev ] && slot=$d; [ $role = srv ] && slot=$s
	run 0 $role import-kek --slot "$slot" --label kek --hex "$KEK"
done

# Masters: one imported (the worked example), one generated in the token.
run 0 fac import-master --slot "$f" --label m-auth --service auth --hex "$MASTER" --extractable
contains "$OUT" "imported master m-auth (auth keys, AES, 16 bytes)" "import-master"
run 0 fac gen-master --slot "$f" --label m-gen --service enc --type aes256 --extractable
contains "$OUT" "generated master m-gen (enc keys, AES, 32 bytes)" "gen-master"
run 0 fac import-master --slot "$f" --label m-enc --service enc --hex "$MASTER_ENC" --extractable
run 1 fac gen-master --slot "$f" --label m-enc --service enc
contains "$ERR" "already has a key labelled 'm-enc'" "one master per label"
run 2 fac gen-master --slot "$f" --label m3 --service auth --type aes192
contains "$ERR" "aes128 or aes256" "a 24-byte master"

# Factory: derive, wrap for the device, destroy. The file holds no clear key.
run 0 fac derive-device --slot "$f" --master m-auth --device-id "$DEV" --instance 1 --index 1 \
	--kek kek --file "$WORK/dev-auth.bk"
contains "$OUT" "exported 1 entry" "derive-device"
lacks "$(file_to_hex "$WORK/dev-auth.bk")" "$DEVKEY" "device key in clear in the file"
run 0 fac derive-device --slot "$f" --master m-gen --device-id "$DEV" --instance 1 --index 2 \
	--kek kek --file "$WORK/dev-gen.bk"
run 0 fac derive-device --slot "$f" --master m-enc --device-id "$DEV" --instance 1 --index 2 \
	--kek kek --file "$WORK/dev-enc.bk"
# The factory keeps no device key: nothing but the masters and the KEK is a
# token object (the session key itself is destroyed by derive-device, and
# would die with its session anyway).
run 0 fac list-objects --slot "$f" --login
contains "$OUT" "4 object(s)" "factory holds the three masters and the KEK only"
# Bad input: device id over 128 bytes, empty, a key that is not a master, none.
long=$(printf 'd%.0s' $(seq 129))
run 2 fac derive-device --slot "$f" --master m-auth --device-id "$long" --instance 1 --index 1 \
	--kek kek --file "$WORK/x.bk"
contains "$ERR" "--device-id has 129 bytes: a device id has 1 to 128 bytes" "device id too long"
[ ! -e "$WORK/x.bk" ] || fail "a file was written for a refused device id"
run 2 fac derive-device --slot "$f" --master m-auth --device-id "" --instance 1 --index 1 \
	--kek kek --file "$WORK/x.bk"
run 1 fac derive-device --slot "$f" --master kek --device-id "$DEV" --instance 1 --index 1 \
	--kek kek --file "$WORK/x.bk"
contains "$ERR" "is not a master key" "the KEK is not a master"
run 1 fac derive-device --slot "$f" --master nope --device-id "$DEV" --instance 1 --index 1 \
	--kek kek --file "$WORK/x.bk"
contains "$ERR" "no key labelled 'nope'" "missing master"

# Device: the existing import-wrapped-key lands the keys in its keysets.
run 0 dev import-wrapped-key --slot "$d" --kek kek --file "$WORK/dev-auth.bk"
run 0 dev import-wrapped-key --slot "$d" --kek kek --file "$WORK/dev-enc.bk"
run 0 dev list-objects --slot "$d" --login
contains "$OUT" "keyset auth, K1" "device auth key in its place"
contains "$OUT" "keyset enc, K2" "device enc key in its place"
# Exactly one device: the key cannot land twice, nor leave the device again.
run 1 dev import-wrapped-key --slot "$d" --kek kek --file "$WORK/dev-auth.bk"
run 1 dev export-key --slot "$d" --service auth --index 1 --kek kek --file "$WORK/again.bk"
contains "$ERR" "not extractable" "a provisioned device key stays in the device"
run 0 dev set-identity --slot "$d" --id 3 --value "$ID3" --provision

# Known answer: the device signs with the worked example's key.
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 1
sig=$OUT
printf '%s' "$ID3" | openssl dgst -sha256 -binary > "$WORK/msg"
hex_to_file 02345178 "$WORK/chal"
cat "$WORK/chal" >> "$WORK/msg"
want=$(openssl mac -cipher AES-128-CBC -macopt "hexkey:$DEVKEY" -in "$WORK/msg" CMAC | lower)
[ ${#want} -eq 32 ] || fail "no reference signature"
[ "$sig" = "$want" ] || fail "device signature $sig, CMAC with the 10.1 key gives $want"
run 0 dev encrypt --slot "$d" --identity 3 --challenge 0x2a --index 2
authdata=$OUT

# Server: only the masters, replicated from the factory by wrapped backup
# (docs/fleet.md): the bound form carries CKA_PORTFOLIO_MASTER, so a restored
# master is a master again, and only derives.
run 0 fac backup --slot "$f" --kek kek --file "$WORK/masters.bk"
run 0 srv restore --slot "$s" --kek kek --file "$WORK/masters.bk"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "4 object(s)" "server: the three masters and the KEK"
lacks "$OUT" "keyset" "server: no device key"

V=(srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345178)
run 0 "${V[@]}" --master m-auth --device-id "$DEV" --instance 1 --index 1 --signature "$sig"
contains "$OUT" "signature valid" "verify against the master"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "4 object(s)" "verify leaves no device key behind"
# The server checks with the master itself (CKM_PORTFOLIO_DIV_AUTH_CMAC): no
# derived object, the device key lives inside the token for the one C_Verify.
run 0 "${V[@]}" --master m-auth --device-id "$DEV" --instance 1 --index 1 --signature "$sig" --json
contains "$OUT" '"mechanism": "CKM_PORTFOLIO_DIV_AUTH_CMAC"' "verify --master: the diversified mechanism"
contains "$OUT" '"valid": true' "verify --master --json: valid"
run 3 "${V[@]}" --master m-auth --device-id "${DEV}0" --instance 1 --index 1 --signature "$sig" --json
contains "$OUT" '"result": "CKR_SIGNATURE_INVALID"' "verify --master: a wrong device id is CKR_SIGNATURE_INVALID"
hash=$(printf '%s' "$ID3" | openssl dgst -sha256 -r | cut -c1-64)
run 0 srv verify --slot "$s" --identity-hash "$hash" --challenge 0x2345178 --master m-auth \
	--device-id "$DEV" --instance 1 --index 1 --signature "$sig"
# Another device, instance or index, or a changed signature: INVALID.
run 3 "${V[@]}" --master m-auth --device-id "urn:imei:490154203237519" --instance 1 --index 1 --signature "$sig"
contains "$OUT" "signature INVALID" "wrong device id"
run 3 "${V[@]}" --master m-auth --device-id "$DEV" --instance 2 --index 1 --signature "$sig"
run 3 "${V[@]}" --master m-auth --device-id "$DEV" --instance 1 --index 0 --signature "$sig"
run 3 "${V[@]}" --master m-auth --device-id "$DEV" --instance 1 --index 1 --signature "$(flip_hex "$sig" 5)"
run 3 srv verify --slot "$s" --identity-value "$ID3" --challenge 0x2345179 --master m-auth \
	--device-id "$DEV" --instance 1 --index 1 --signature "$sig"
# The limit is 128 bytes: 128 is taken (and is another device), 129 refused.
run 3 "${V[@]}" --master m-auth --device-id "${long:0:128}" --instance 1 --index 1 --signature "$sig"
run 2 "${V[@]}" --master m-auth --device-id "$long" --instance 1 --index 1 --signature "$sig"
contains "$ERR" "a device id has 1 to 128 bytes" "verify: device id too long"
# A master of the other service, a non-master, options without --master.
run 1 "${V[@]}" --master m-enc --device-id "$DEV" --instance 1 --index 1 --signature "$sig"
contains "$ERR" "derives enc keys, this command needs auth" "an enc master does not verify"
run 1 "${V[@]}" --master kek --device-id "$DEV" --instance 1 --index 1 --signature "$sig"
contains "$ERR" "not a master key" "verify: the KEK is not a master"
run 2 "${V[@]}" --device-id "$DEV" --index 1 --signature "$sig"
contains "$ERR" "--device-id and --instance go with --master" "--device-id alone"
run 2 "${V[@]}" --master m-auth --device-id "$DEV" --index 1 --signature "$sig"

# Decrypt against the enc master.
D=(srv decrypt --slot "$s" --challenge 0x2a --data "$authdata" --index 2)
run 0 "${D[@]}" --master m-enc --device-id "$DEV" --instance 1
[ "$OUT" = "$ID3" ] || fail "decrypt against the master gave '$OUT'"
run 3 "${D[@]}" --master m-enc --device-id "$DEV" --instance 7
run 3 "${D[@]}" --master m-enc --device-id "urn:imei:490154203237519" --instance 1
run 0 "${D[@]}" --master m-enc --device-id "$DEV" --instance 1 --json
contains "$OUT" '"mechanism": "CKM_PORTFOLIO_DIV_ENC_GCM"' "decrypt --master: the diversified mechanism"
run 2 "${D[@]}" --master m-enc --device-id "$DEV" --instance 1 --cbc
contains "$ERR" "--master checks" "decrypt --master: no CBC form"
run 1 "${D[@]}" --master m-auth --device-id "$DEV" --instance 1
contains "$ERR" "derives auth keys, this command needs enc" "an auth master does not decrypt"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "4 object(s)" "decrypt leaves no device key behind"
exit 0
