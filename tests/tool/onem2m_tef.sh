#!/bin/bash
# onem2m_tef.sh - the TEF provisions AE2 with a oneM2M container key, wrapped
# (docs/onem2m.md, "The TEF provisions AE2"): the TEF derives the chain from
# the Ke it shares with AE1 inside its own token (onem2m-derive --extractable),
# exports K_container_conf bound-wrapped under AE2's transport key
# (export-key --label), and AE2 imports it decrypt-only (import-wrapped-key
# --server). Checked: AE2's copy decrypts AE1's JWE; it cannot encrypt, sign
# or leave AE2's token; no key of the chain - each computed here with the
# openssl CLI as the worked example does - is in the file in clear; AE1's keys
# stay unextractable; the TEF's leave only under the SO's trusted, wrap-only
# KEK (not under a KEK the TEF's user made, whose value it would know); AE2's
# transport KEK (import-kek --server) lands nothing extractable; a wrong KEK
# fails with a clear error and creates nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN="$USER_PIN"
printf 'store = %s/tef.db\nlog_level = error\n' "$WORK" > "$WORK/tef.conf"
tef() { PORTFOLIO_PKCS11_CONF="$WORK/tef.conf" "$TOOL" "$@"; }

KE=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
SALT=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
NONCE=0123456789abcdef
K_CONTAINER_CONF=68243f816a5e65634a018cad368abcbddeddd1e63dadea972937203b46547db7 # docs/onem2m.md
TRANSPORT=8f1e2d3c4b5a69788796a5b4c3d2e1f0ff0112233445566778899aabbccddeee
KID=Container-x
hmac() { openssl mac -digest SHA256 -macopt "hexkey:$1" HMAC | lower; }
bytes() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
objects() { "$1" list-objects --slot "$2" --login 2>/dev/null | sed -n 's/^\([0-9]*\) object(s)$/\1/p'; }

# The chain, as docs/onem2m.md reproduces it with the openssl CLI.
KM=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt mode:EXTRACT_ONLY -kdfopt "hexkey:$KE" \
	-kdfopt "hexsalt:$SALT" HKDF | tr -d ':\n' | lower)
T1=$(printf 'Data Authenticity and Integrity\x01' | hmac "$KM")
T2=$({ bytes "$T1"; printf 'Data  Confidentiality Key\x02'; } | hmac "$KM")
KCC=$({ printf 'Data Confidentiality%s' "$KID"; bytes "$NONCE"; } | hmac "$T2")
[ "$KCC" = "$K_CONTAINER_CONF" ] || fail "openssl gives K_container_conf $KCC, the worked example $K_CONTAINER_CONF"

ae1=$(new_instance dev AE1)
ae2=$(new_instance srv AE2)
ae2b=$(new_instance srv AE2-other)
tefi=$(new_instance tef TEF)

# AE1 and the TEF share Ke; each derives the chain inside its own token.
run 0 dev import-onem2m-ke --slot "$ae1" --label Ke --hex "$KE"
run 0 dev onem2m-derive --slot "$ae1" --ke Ke --salt "$SALT" --container "$KID" --nonce "$NONCE"
run 0 tef import-onem2m-ke --slot "$tefi" --label Ke --hex "$KE"
run 0 tef onem2m-derive --slot "$tefi" --ke Ke --salt "$SALT" --container "$KID" --nonce "$NONCE" --extractable
[ "$(objects tef "$tefi")" = 3 ] || fail "the TEF's token holds $(objects tef "$tefi") objects, not Ke and 2 keys"
PORTFOLIO_SO_PIN=$SO_PIN run 0 tef import-kek --slot "$tefi" --label ae2-transport --hex "$TRANSPORT" --so
contains "$OUT" "trusted, wrap only" "the TEF's transport KEK"
run 0 tef import-kek --slot "$tefi" --label mine --hex "$TRANSPORT"
run 0 dev import-kek --slot "$ae1" --label ae2-transport --hex "$TRANSPORT"
run 0 srv import-kek --slot "$ae2" --label transport --hex "$TRANSPORT" --server
contains "$OUT" "stays sensitive and unextractable" "AE2's transport KEK"
run 0 srv import-kek --slot "$ae2b" --label transport --hex "$(printf '%s' "$TRANSPORT" | rev)" --server
run 2 srv import-kek --slot "$ae2b" --label both --hex "$TRANSPORT" --server --so

# AE1's container keys never leave its token, not even wrapped.
run 1 dev export-key --slot "$ae1" --label "$KID-conf" --kek ae2-transport --file "$WORK/ae1.bk"
contains "$ERR" "is not extractable" "AE1's K_container_conf exported"
[ ! -e "$WORK/ae1.bk" ] || fail "a refused export wrote a file"
# export-key names a key one way
run 2 tef export-key --slot "$tefi" --label "$KID-conf" --service enc --index 0 --kek ae2-transport --file "$WORK/x"
run 2 tef export-key --slot "$tefi" --kek ae2-transport --file "$WORK/x"
run 1 tef export-key --slot "$tefi" --label nobody --kek ae2-transport --file "$WORK/x"
contains "$ERR" "no key labelled 'nobody'" "missing label"

# The TEF's user cannot take the key out under a KEK it made (it knows that
# KEK's value, so the blob would open outside any token).
run 1 tef export-key --slot "$tefi" --label "$KID-conf" --kek mine --file "$WORK/mine.bk"
contains "$ERR" "CKR_KEY_NOT_WRAPPABLE" "export under an untrusted KEK"
[ ! -e "$WORK/mine.bk" ] || fail "a refused export wrote a file"

# The TEF exports K_container_conf wrapped; no key of the chain is in the file in clear.
run 0 tef export-key --slot "$tefi" --label "$KID-conf" --kek ae2-transport --file "$WORK/kcc.bk"
contains "$OUT" "exported 1 entry" "TEF export"
hex=$(file_to_hex "$WORK/kcc.bk")
for k in "$KCC" "$T2" "$T1" "$KM" "$KE"; do
	lacks "$hex" "$k" "a key of the chain in clear in the export file"
	lacks "$hex" "${k:0:16}" "8 bytes of a key of the chain in the export file"
done

# The trusted KEK only wraps: the TEF cannot open its own file.
run 1 tef import-wrapped-key --slot "$tefi" --kek ae2-transport --file "$WORK/kcc.bk" --label copy
contains "$ERR" "CKR_KEY_FUNCTION_NOT_PERMITTED" "the TEF unwrapped under its wrap-only KEK"
[ "$(objects tef "$tefi")" = 5 ] || fail "a refused import left objects in the TEF's token"

# Under another KEK: a clear error, nothing created.
run 3 srv import-wrapped-key --slot "$ae2b" --kek transport --file "$WORK/kcc.bk" --server --label "$KID-conf"
contains "$ERR" "made under another KEK: nothing restored" "wrong KEK"
[ "$(objects srv "$ae2b")" = 1 ] || fail "a refused import left objects behind"

# AE2's transport KEK opens nothing that could be read or leave again: the
# file's key asked for as it left the TEF (extractable) is refused.
run 1 srv import-wrapped-key --slot "$ae2" --kek transport --file "$WORK/kcc.bk" --label "$KID-conf"
contains "$ERR" "CKR_TEMPLATE_INCONSISTENT" "an extractable copy under AE2's transport KEK"
[ "$(objects srv "$ae2")" = 1 ] || fail "a refused import left objects behind"

# AE2 imports the decrypt-only copy under the kid it read in the JWE header.
run 0 srv import-wrapped-key --slot "$ae2" --kek transport --file "$WORK/kcc.bk" --server --label "$KID-conf"
contains "$OUT" "imported 1 entry" "AE2 import"
run 1 srv import-wrapped-key --slot "$ae2" --kek transport --file "$WORK/kcc.bk" --server --label "$KID-conf"
contains "$ERR" "already has a key labelled $KID-conf" "a kid names one key"
[ "$(objects srv "$ae2")" = 2 ] || fail "AE2 holds $(objects srv "$ae2") objects, not its KEK and the key"

# AE1 publishes a JWE; AE2 decrypts it.
printf '{"m2m:cin":{"con":"21.5 C"}}' > "$WORK/cin.json"
run 0 dev jwe-encrypt --slot "$ae1" --label "$KID-conf" --cty m2m:cin --nonce "$NONCE" --in "$WORK/cin.json"
printf '%s\n' "$OUT" > "$WORK/cin.jwe"
run 0 srv jwe-decrypt --slot "$ae2" --in "$WORK/cin.jwe"
[ "$OUT" = '{"m2m:cin":{"con":"21.5 C"}}' ] || fail "AE2 decrypted '$OUT'"

# AE2's copy cannot encrypt, sign, derive or leave AE2's token.
run 1 srv jwe-encrypt --slot "$ae2" --label "$KID-conf" --in "$WORK/cin.json"
contains "$ERR" "CKR_KEY_FUNCTION_NOT_PERMITTED" "AE2 encrypted with its copy"
run 1 srv jws-sign --slot "$ae2" --label "$KID-conf" --alg HS256 --in "$WORK/cin.json"
run 1 srv export-key --slot "$ae2" --label "$KID-conf" --kek transport --file "$WORK/again.bk"
contains "$ERR" "is not extractable" "AE2's copy exported"
run 0 srv list-objects --slot "$ae2" --login --json
/usr/bin/python3 -c 'import json, sys
k = next(o for o in json.loads(sys.argv[1]) if o.get("label") == sys.argv[2])
want = {"decrypt": True, "encrypt": False, "sign": False, "verify": False}
bad = {a: k.get(a) for a in want if k.get(a) != want[a]}
sys.exit("AE2 key usage %r" % bad if bad else 0)' "$OUT" "$KID-conf" || fail "AE2's copy is not decrypt-only"

# --server narrows only a key of no keyset: a keyset key keeps its usage.
run 0 dev import-key --slot "$ae1" --service enc --index 1 --hex "${KE:0:32}" --extractable
run 0 dev export-key --slot "$ae1" --service enc --index 1 --kek ae2-transport --file "$WORK/k1.bk"
run 1 srv import-wrapped-key --slot "$ae2" --kek transport --file "$WORK/k1.bk" --server
contains "$ERR" "narrows only a key of no keyset" "--server on a keyset key"
[ "$(objects srv "$ae2")" = 2 ] || fail "a refused narrowing left objects behind"
exit 0
