#!/bin/bash
# messages.sh - messages that name what is actually wrong (issue 14, item 10):
# an unknown Identity and one without a provisioned hash are told apart, and
# set-identity does not claim a hash that is not there.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
slot=$(new_instance dev messages)
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN
run 0 "$TOOL" import-key --slot "$slot" --service auth --index 0 --hex 2b7e151628aed2a6abf7158809cf4f3c
run 0 "$TOOL" import-key --slot "$slot" --service enc --index 1 --hex 000102030405060708090a0b0c0d0e0f

# Unknown identity.
run 1 "$TOOL" sign --slot "$slot" --identity 9 --challenge 1 --index 0
contains "$ERR" "there is no Identity instance 9" "unknown identity (sign)"
lacks "$ERR" "provisioned hash" "unknown identity is not 'no hash'"
run 1 "$TOOL" encrypt --slot "$slot" --identity 9 --challenge 1 --index 1
contains "$ERR" "there is no Identity instance 9" "unknown identity (encrypt)"

# A value written by the user on a new id: no hash, and the message says so.
run 0 "$TOOL" set-identity --slot "$slot" --id 5 --value "fw 1.0"
contains "$OUT" "no hash is provisioned" "set-identity on a new id"
lacks "$OUT" "unchanged" "set-identity must not claim an unchanged hash"
run 1 "$TOOL" sign --slot "$slot" --identity 5 --challenge 1 --index 0
contains "$ERR" "Identity instance 5 has no provisioned hash" "identity without hash (sign)"
lacks "$ERR" "there is no Identity" "no-hash is not 'unknown'"

# Provisioned, then a user rewrite of the value: now the hash is unchanged.
run 0 "$TOOL" set-identity --slot "$slot" --id 5 --value "fw 1.0" --provision
run 0 "$TOOL" set-identity --slot "$slot" --id 5 --value "fw 1.1"
contains "$OUT" "the provisioned hash is unchanged" "rewrite of a provisioned identity"
echo "PASS: messages"
