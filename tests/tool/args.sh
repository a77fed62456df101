#!/bin/bash
# args.sh - usage errors that are found once the module is loaded (malformed
# numbers, challenges, services, hashes; no PIN available) are still exit 2.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
run 2 "$TOOL" list-mechanisms --slot abc
run 2 "$TOOL" list-mechanisms --slot -1
run 2 "$TOOL" sign --slot 0 --identity 0 --challenge 0x --index 0 --pin x
contains "$ERR" "--challenge" "bad challenge named"
run 2 "$TOOL" sign --slot 0 --identity 0 --challenge 12ab --index 0 --pin x
run 2 "$TOOL" gen-key --slot 0 --service sideways --index 0 --pin x
run 2 "$TOOL" gen-key --slot 0 --service auth --index 0 --type des --pin x
run 2 "$TOOL" verify --slot 0 --challenge 1 --index 0 --signature 00 --pin x
contains "$ERR" "identity" "verify without identity"
run 2 "$TOOL" verify --slot 0 --identity-hash abcd --challenge 1 --index 0 --signature 00 --pin x
run 2 "$TOOL" set-pin --slot 0 --old-pin a --new-pin b
# No PIN anywhere and no terminal: a usage error, not a hang.
slot=$(new_instance dev usage)
run 2 "$TOOL" list-objects --slot "$slot" --login
contains "$ERR" "PORTFOLIO_PIN" "missing PIN explains the channels"
echo "PASS: args"
