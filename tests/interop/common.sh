# common.sh - sourced by every interop test; not a test itself.
#
# Gives each test a private temporary directory with its own configuration
# file and token database, so tests never see each other's tokens nor the
# developer's real store, and can run in parallel.
#
# Exit codes follow the automake test harness: 0 pass, 1 fail, 77 skip
# (a tool is not installed), 99 hard error (the module was not built).

set -euo pipefail

: "${top_builddir:?run this test through make check}"
: "${top_srcdir:?run this test through make check}"

PF_MODULE="${PF_MODULE:-$top_builddir/.libs/libportfolio-pkcs11.so}"
if [ ! -f "$PF_MODULE" ]; then
	echo "ERROR: module not built: $PF_MODULE" >&2
	exit 99
fi

PF_SO_PIN="so-pin-4711"
PF_USER_PIN="user-pin-0815"

PF_TMP="$(mktemp -d "${TMPDIR:-/tmp}/pf-interop.XXXXXX")"
trap 'rm -rf "$PF_TMP"' EXIT
printf 'store = %s/store.db\nlog_level = error\n' "$PF_TMP" > "$PF_TMP/portfolio-pkcs11.conf"
export PORTFOLIO_PKCS11_CONF="$PF_TMP/portfolio-pkcs11.conf"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
	done
}

# Run pkcs11-tool on our module, echoing the command so the log reads as a transcript.
p11() {
	echo "+ pkcs11-tool $*" >&2
	pkcs11-tool --module "$PF_MODULE" "$@"
}

# The id (as pkcs11-tool prints it, e.g. 0x1) of the first slot whose token is
# not initialised: the module always offers exactly one such slot.
pf_free_slot() {
	p11 --list-slots | awk '
		/^Slot [0-9]+ \(0x[0-9a-fA-F]+\)/ { id = $3; gsub(/[():]/, "", id) }
		/token state: *uninitialized/ { if (id != "") { print id; exit } }'
}

# pf_init_token LABEL: initialise the free slot's token and set the user PIN.
pf_init_token() {
	local label="$1" slot
	slot="$(pf_free_slot)"
	[ -n "$slot" ] || fail "no uninitialised slot offered"
	p11 --init-token --slot "$slot" --label "$label" --so-pin "$PF_SO_PIN" >/dev/null
	p11 --token-label "$label" --login --login-type so --so-pin "$PF_SO_PIN" \
		--init-pin --pin "$PF_USER_PIN" >/dev/null
}

hex() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# unhex HEX: write the bytes a hex string spells to stdout.
unhex() {
	# shellcheck disable=SC2059 # the format is the escaped data, on purpose
	printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}
