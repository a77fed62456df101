#!/bin/bash
# validate.sh - every argument is checked by the command that takes it, with
# a message that names the actual mistake (issue 14, items 4 and 10).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
slot=$(new_instance dev validate)
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

# A Key Index that GetAuthData can never carry is a usage error, before any key is made.
run 2 "$TOOL" gen-key --slot "$slot" --service auth --index 4294967296
contains "$ERR" "Key Index, 0..4294967295" "index range named"
run 0 "$TOOL" list-objects --slot "$slot" --login
lacks "$OUT" "auth-K4294967296" "no key made for a refused index"
run 0 "$TOOL" gen-key --slot "$slot" --service auth --index 4294967295
# An Identity instance id beyond LwM2M's range, on every command taking one.
run 2 "$TOOL" set-identity --slot "$slot" --id 65535 --value x
contains "$ERR" "0..65534" "identity id range"
run 2 "$TOOL" sign --slot "$slot" --identity 65535 --challenge 1 --index 0
contains "$ERR" "--identity is an Identity resource instance id" "sign identity range"

# A 24-byte AES key cannot sign (Portfolio CMAC: AES-128/256): refused at import, not at sign.
run 2 "$TOOL" import-key --slot "$slot" --service auth --index 7 --hex 00112233445566778899aabbccddeeff0011223344556677
contains "$ERR" "not a 24-byte key" "AES-192 in the auth keyset"
run 2 "$TOOL" gen-key --slot "$slot" --service auth --index 7 --type aes192
contains "$ERR" "not a 24-byte key" "generated AES-192 in the auth keyset"
run 0 "$TOOL" list-objects --slot "$slot" --login
lacks "$OUT" "auth-K7" "no auth key 7 was made"
# ... while the enc keyset takes it (AES-GCM/CBC accept AES-192).
run 0 "$TOOL" import-key --slot "$slot" --service enc --index 7 --hex 00112233445566778899aabbccddeeff0011223344556677

# Hex: a stray character is "not hex", an odd count is named as such.
run 2 "$TOOL" import-key --slot "$slot" --service auth --index 8 --hex 0011zz
contains "$ERR" "is not hex" "non-hex key"
lacks "$ERR" "odd" "non-hex key"
lacks "$ERR" "0011zz" "the key text is never echoed"
run 2 "$TOOL" import-key --slot "$slot" --service auth --index 8 --hex 001
contains "$ERR" "odd number of hex digits" "odd key"
run 2 "$TOOL" verify --slot "$slot" --identity-value x --challenge 1 --index 0 --signature 00zz
contains "$ERR" "--signature is not hex" "non-hex signature"
run 2 "$TOOL" verify --slot "$slot" --identity-hash 0g --challenge 1 --index 0 --signature 00
contains "$ERR" "--identity-hash is not hex" "non-hex hash"
run 2 "$TOOL" decrypt --slot "$slot" --challenge 1 --index 0 --data 0
contains "$ERR" "--data has an odd number" "odd AuthData"

# An abbreviation that fits several options is named as ambiguous, with the candidates.
run 2 "$TOOL" list-objects --s "$slot"
contains "$ERR" "option '--s' is ambiguous" "ambiguous prefix"
contains "$ERR" "--slot" "candidates listed"
run 2 "$TOOL" list-objects --i=1
contains "$ERR" "option '--i' is ambiguous" "ambiguous prefix with ="
run 2 "$TOOL" list-objects --nonsense
contains "$ERR" "unknown option '--nonsense'" "unknown option"
# A unique abbreviation still works.
run 0 "$TOOL" list-objects --sl "$slot"
echo "PASS: validate"
