#!/bin/bash
# pkcs11-tool sees the module's slots and mechanisms, and the "one free slot"
# rule holds: initialising the free slot's token makes a new free slot appear.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool

out="$(p11 --list-slots)"
echo "$out"
echo "$out" | grep -q '^Slot ' || fail "no slot listed"
echo "$out" | grep -q 'token state: *uninitialized' || fail "no free (uninitialised) slot"

mechs="$(p11 --list-mechanisms --slot "$(pf_free_slot)")"
echo "$mechs"
for m in 'AES-CMAC' 'AES-GCM' 'AES-CBC' 'SHA256' 'SHA256-HMAC'; do
	echo "$mechs" | grep -q "^  $m[ ,]" || fail "mechanism $m not listed"
done
# The Portfolio vendor mechanisms are listed by number.
echo "$mechs" | grep -qi 'd04f0001' || fail "CKM_PORTFOLIO_AUTH_CMAC not listed"
echo "$mechs" | grep -qi 'd04f0011' || fail "CKM_PORTFOLIO_ENC_GCM not listed"

first="$(pf_free_slot)"
pf_init_token "first"
out="$(p11 --list-slots)"
echo "$out"
echo "$out" | grep -q 'token label *: first' || fail "initialised token label not shown"
second="$(pf_free_slot)"
[ -n "$second" ] || fail "no new free slot after C_InitToken"
[ "$second" != "$first" ] || fail "free slot $first still free after C_InitToken"
echo "PASS: slots $first (initialised) and $second (free)"
