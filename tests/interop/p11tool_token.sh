#!/bin/bash
# A token's life through pkcs11-tool: init, PINs, key generation, objects,
# digest and AES-CBC, with known answers (FIPS 180-4 via sha256sum, NIST SP
# 800-38A F.2.1 CBC-AES128) and an independent recomputation by openssl.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool sha256sum od openssl

pf_init_token "interop"
login=(--token-label interop --login --pin "$PF_USER_PIN")

# Login with a wrong PIN must fail.
if p11 --token-label interop --login --pin "wrong-pin-000" --list-objects >/dev/null 2>&1; then
	fail "login with a wrong PIN succeeded"
fi

# Key generation. pkcs11-tool asks for CKA_PRIVATE = FALSE unless told
# --private; every object here is private, so that is refused, not overridden.
if out="$(p11 "${login[@]}" --keygen --key-type AES:16 --id 02 --label public-aes 2>&1)"; then
	fail "a key with CKA_PRIVATE = FALSE was generated"
fi
echo "$out" | grep -q CKR_ATTRIBUTE_VALUE_INVALID || fail "CKA_PRIVATE = FALSE: $out"
p11 "${login[@]}" --keygen --key-type AES:16 --id 01 --label gen-aes --private >/dev/null
objs="$(p11 "${login[@]}" --list-objects 2>/dev/null)"
echo "$objs"
echo "$objs" | grep -q 'Secret Key Object; AES length 16' || fail "generated AES key not listed"
echo "$objs" | grep -q 'label: *gen-aes' || fail "generated key label not listed"

# Digest: SHA-256 of a FIPS 180 message and of a 1000-byte file, against sha256sum.
printf 'abc' > "$PF_TMP/abc"
p11 --token-label interop --hash -m SHA256 --input-file "$PF_TMP/abc" --output-file "$PF_TMP/abc.sha"
[ "$(hex "$PF_TMP/abc.sha")" = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ] \
	|| fail "SHA256(abc) wrong: $(hex "$PF_TMP/abc.sha")"
head -c 1000 /dev/urandom > "$PF_TMP/rand"
p11 --token-label interop --hash -m SHA256 --input-file "$PF_TMP/rand" --output-file "$PF_TMP/rand.sha"
[ "$(hex "$PF_TMP/rand.sha")" = "$(sha256sum "$PF_TMP/rand" | cut -d' ' -f1)" ] || fail "SHA256 differs from sha256sum"

# AES-CBC round trip with the generated key.
iv=000102030405060708090a0b0c0d0e0f
head -c 64 /dev/urandom > "$PF_TMP/plain"
p11 "${login[@]}" --encrypt -m AES-CBC --iv "$iv" --id 01 \
	--input-file "$PF_TMP/plain" --output-file "$PF_TMP/ct" 2>/dev/null
[ "$(stat -c %s "$PF_TMP/ct")" = 64 ] || fail "AES-CBC ciphertext has the wrong length"
cmp -s "$PF_TMP/plain" "$PF_TMP/ct" && fail "AES-CBC ciphertext equals plaintext"
p11 "${login[@]}" --decrypt -m AES-CBC --iv "$iv" --id 01 \
	--input-file "$PF_TMP/ct" --output-file "$PF_TMP/back" 2>/dev/null
cmp "$PF_TMP/plain" "$PF_TMP/back" || fail "AES-CBC round trip differs"

# AES-CBC known answer: import the SP 800-38A key, encrypt its plaintext.
key=2b7e151628aed2a6abf7158809cf4f3c
pt=6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710
ct=7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7
unhex "$key" > "$PF_TMP/key.bin"
unhex "$pt" > "$PF_TMP/kat.pt"
p11 "${login[@]}" --write-object "$PF_TMP/key.bin" --type secrkey --key-type AES:16 --private \
	--id 02 --label sp800-38a >/dev/null
p11 "${login[@]}" --encrypt -m AES-CBC --iv "$iv" --id 02 \
	--input-file "$PF_TMP/kat.pt" --output-file "$PF_TMP/kat.ct" 2>/dev/null
[ "$(hex "$PF_TMP/kat.ct")" = "$ct" ] || fail "AES-CBC known answer wrong: $(hex "$PF_TMP/kat.ct")"
ossl="$(openssl enc -aes-128-cbc -nopad -K "$key" -iv "$iv" -in "$PF_TMP/kat.pt" | od -An -v -tx1 | tr -d ' \n')"
[ "$ossl" = "$ct" ] || fail "openssl disagrees with the SP 800-38A vector"
p11 "${login[@]}" --decrypt -m AES-CBC --iv "$iv" --id 02 \
	--input-file "$PF_TMP/kat.ct" --output-file "$PF_TMP/kat.back" 2>/dev/null
cmp "$PF_TMP/kat.pt" "$PF_TMP/kat.back" || fail "AES-CBC known-answer decrypt differs"

# The secret value must not be readable.
if p11 "${login[@]}" --read-object --type secrkey --id 02 --output-file "$PF_TMP/leak" >/dev/null 2>&1 \
	&& [ -s "$PF_TMP/leak" ]; then
	fail "secret key value could be read out"
fi
echo "PASS"
