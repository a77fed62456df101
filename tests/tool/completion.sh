#!/bin/bash
# completion.sh - the bash completion offers the tool's commands, each
# command's own options (read from the tool, so never stale), and values
# where the tool knows them.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
# shellcheck disable=SC1091
. "$top_srcdir/etc/portfolio-tool.bash-completion"

complete_line() { # complete_line WORD... : COMPREPLY for the last word, space-joined
	COMP_WORDS=("$TOOL" "$@")
	COMP_CWORD=$#
	_portfolio_tool
	echo "${COMPREPLY[*]}"
}

got=$(complete_line "")
for c in list-slots init-instance set-pin gen-key import-key sign verify encrypt decrypt; do
	contains " $got " " $c " "command list"
done
got=$(complete_line "si")
[ "$got" = "sign" ] || fail "si completes to '$got'"
got=$(complete_line sign --)
for o in --slot --identity --challenge --index --hmac --pin --pin-file; do
	contains " $got " " $o " "sign options"
done
lacks " $got " " --signature " "sign does not take --signature"
got=$(complete_line verify --slot 0 --s)
contains " $got " " --signature " "verify after an option value"
got=$(complete_line gen-key --service "")
[ "$got" = "auth enc" ] || fail "--service values: '$got'"
got=$(complete_line gen-key --type aes)
[ "$got" = "aes128 aes192 aes256" ] || fail "--type values: '$got'"
echo "PASS: completion"
