#!/bin/bash
# identity.sh - set-identity (provisioning as SO, value-only rewrite as user)
# and get-identity; the provisioned hash survives a value rewrite.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

d=$(new_instance dev device)
s=$(new_instance srv server)
K0=2b7e151628aed2a6abf7158809cf4f3c
run 0 dev import-key --slot "$d" --service auth --index 0 --hex "$K0"
run 0 srv import-key --slot "$s" --service auth --index 0 --hex "$K0" --server

i=0
for v in "IMEI-356938035643809" "ACME Motors" "Roadster X200" "HostSwV 4.2.1"; do
	run 0 dev set-identity --slot "$d" --id "$i" --value "$v" --provision
	contains "$OUT" "hash provisioned" "set-identity --provision"
	i=$((i + 1))
done
run 0 dev get-identity --slot "$d" --id 2
[ "$OUT" = "Roadster X200" ] || fail "get-identity --id 2 gave '$OUT'"
run 0 dev get-identity --slot "$d"
contains "$OUT" '0: "IMEI-356938035643809"' "listing of identity 0"
contains "$OUT" '3: "HostSwV 4.2.1"' "listing of identity 3"
lacks "$OUT" "NOT provisioned" "all provisioned"
run 0 dev list-objects --slot "$d" --login
contains "$OUT" "identity /16/$d/0/3" "identity in list-objects names its instance"
lacks "$OUT" "/16/x" "no /16/x where the instance is known"
contains "$OUT" "hash provisioned" "list-objects shows provisioning"
run 1 dev get-identity --slot "$d" --id 9
contains "$ERR" "no identity 9" "missing identity"

# A user rewrite (an LwM2M WRITE) changes the value, not the hash.
run 0 dev set-identity --slot "$d" --id 3 --value "HostSwV 6.6.6"
run 0 dev get-identity --slot "$d" --id 3
[ "$OUT" = "HostSwV 6.6.6" ] || fail "value not rewritten: '$OUT'"
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 0
sig=$OUT
run 0 srv verify --slot "$s" --identity-value "HostSwV 4.2.1" --challenge 0x2345178 --index 0 --signature "$sig"
contains "$OUT" "signature valid" "signature still over the provisioned identity"
run 3 srv verify --slot "$s" --identity-value "HostSwV 6.6.6" --challenge 0x2345178 --index 0 --signature "$sig"
contains "$OUT" "signature INVALID" "a rewritten value cannot be proved"

# Re-provisioning by the SO moves the hash along with the value.
run 0 dev set-identity --slot "$d" --id 3 --value "HostSwV 4.3.0" --provision
run 0 dev sign --slot "$d" --identity 3 --challenge 0x2345178 --index 0
run 0 srv verify --slot "$s" --identity-value "HostSwV 4.3.0" --challenge 0x2345178 --index 0 --signature "$OUT"

# An identity written by the user only has no hash: nothing to sign.
run 0 dev set-identity --slot "$d" --id 7 --value "unprovisioned"
run 0 dev get-identity --slot "$d"
contains "$OUT" '7: "unprovisioned" (hash NOT provisioned)' "user-created identity"
run 1 dev sign --slot "$d" --identity 7 --challenge 0x2345178 --index 0
contains "$ERR" "CKR_MECHANISM_PARAM_INVALID" "unprovisioned identity refused"
# The SO PIN is needed to provision.
PORTFOLIO_SO_PIN=wrong run 1 dev set-identity --slot "$d" --id 4 --value x --provision
contains "$ERR" "C_Login (SO)" "provisioning logs in as SO"
run 2 dev set-identity --slot "$d" --id 70000 --value x
echo "PASS: identity"
