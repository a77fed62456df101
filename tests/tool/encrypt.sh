#!/bin/bash
# encrypt.sh - encrypt (device) and decrypt (server), GCM and CBC. The CBC
# output is also opened with `openssl enc`, independently of the module:
#   IV(16) || AES-CBC_K(IV, PKCS#7(Identity || Challenge)).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

K1=000102030405060708090a0b0c0d0e0f
ID2="Roadster X200"
d=$(new_instance dev device)
s=$(new_instance srv server)
run 0 dev import-key --slot "$d" --service enc --index 1 --hex "$K1"
run 0 srv import-key --slot "$s" --service enc --index 1 --hex "$K1" --server
run 0 dev set-identity --slot "$d" --id 2 --value "$ID2" --provision

# GCM: IV(12) || C || TAG(16), C as long as Identity || Challenge.
run 0 dev encrypt --slot "$d" --identity 2 --challenge 0x2345178 --index 1
ct=$OUT
[ ${#ct} -eq $(((12 + ${#ID2} + 4 + 16) * 2)) ] || fail "GCM output length ${#ct} hex digits"
run 0 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$ct"
[ "$OUT" = "$ID2" ] || fail "GCM decrypt gave '$OUT'"
run 0 dev encrypt --slot "$d" --identity 2 --challenge 0x2345178 --index 1
[ "$OUT" != "$ct" ] || fail "two encryptions are identical (IV reuse)"
# Wrong challenge, tampered byte, truncation: CKR_ENCRYPTED_DATA_INVALID, exit 1.
run 1 srv decrypt --slot "$s" --challenge 0x2345179 --index 1 --data "$ct"
contains "$ERR" "CKR_ENCRYPTED_DATA_INVALID" "wrong challenge"
flip=$(flip_hex "$ct" 30)
[ "$flip" != "$ct" ] || fail "test could not tamper"
run 1 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$flip"
contains "$ERR" "CKR_ENCRYPTED_DATA_INVALID" "tampered ciphertext"
run 1 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "${ct:0:40}"
contains "$ERR" "CKR_ENCRYPTED_DATA" "truncated ciphertext"

# CBC is off unless configured (docs/mechanisms.md 5.1): refused on both sides.
run 1 dev encrypt --slot "$d" --identity 2 --challenge 0x2345178 --index 1 --cbc
contains "$ERR" "CKR_MECHANISM_INVALID" "CBC encrypt without enc_cbc"
run 1 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$ct" --cbc
contains "$ERR" "CKR_MECHANISM_INVALID" "CBC decrypt without enc_cbc"
# Enabled for the device's instance only, and for every server instance.
echo "instance.$d.enc_cbc = yes" >> "$WORK/device.conf"
echo "enc_cbc = yes" >> "$WORK/server.conf"

# CBC, decrypted by the module and by OpenSSL.
run 0 dev encrypt --slot "$d" --identity 2 --challenge 0x2345178 --index 1 --cbc
cbc=$OUT
[ $((${#cbc} % 32)) -eq 0 ] || fail "CBC output is not whole blocks"
run 0 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$cbc" --cbc
[ "$OUT" = "$ID2" ] || fail "CBC decrypt gave '$OUT'"
hex_to_file "${cbc:32}" "$WORK/cbc.bin"
openssl enc -d -aes-128-cbc -K "$K1" -iv "${cbc:0:32}" -in "$WORK/cbc.bin" -out "$WORK/plain" ||
	fail "OpenSSL cannot decrypt the CBC AuthData"
printf '%s' "$ID2" > "$WORK/want"
hex_to_file 02345178 "$WORK/chal"
cat "$WORK/chal" >> "$WORK/want"
cmp -s "$WORK/plain" "$WORK/want" || fail "CBC plaintext is not Identity || Challenge: $(file_to_hex "$WORK/plain")"
run 1 srv decrypt --slot "$s" --challenge 0x2345170 --index 1 --data "$cbc" --cbc
contains "$ERR" "CKR_ENCRYPTED_DATA_INVALID" "CBC wrong challenge"
# A GCM AuthData is not a CBC one.
run 1 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data "$ct" --cbc

# Role and key errors.
run 1 srv encrypt --slot "$s" --identity 2 --challenge 0x2345178 --index 1
contains "$ERR" "CKR_" "a server copy cannot encrypt"
run 1 dev encrypt --slot "$d" --identity 2 --challenge 0x2345178 --index 0
contains "$ERR" "no key K0 in its enc keyset" "missing key"
run 2 srv decrypt --slot "$s" --challenge 0x2345178 --index 1 --data xyz
echo "PASS: encrypt"
