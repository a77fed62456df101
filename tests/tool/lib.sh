# lib.sh - sourced by the portfolio-tool shell tests.
#
# Sets up a throw-away device store and server store, points the tool at the
# built module, and offers small assertion helpers. A test needing the module
# calls need_module first: while the module is not built the test is skipped
# (exit 77) rather than failed.

set -u

: "${top_builddir:=$(pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"

TOOL="$top_builddir/portfolio-tool"
MODULE="${PORTFOLIO_TEST_MODULE:-$top_builddir/.libs/libportfolio-pkcs11.so}"
TEST_NAME=$(basename "$0" .sh)

SO_PIN="so-pin-8765"
USER_PIN="user-pin-1234"

[ -x "$TOOL" ] || { echo "SKIP: $TOOL not built"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pftool-$TEST_NAME.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for role in device server; do
	cat > "$WORK/$role.conf" <<CONF
# $TEST_NAME: $role store
store = $WORK/$role.db
log_level = error
CONF
done

export PORTFOLIO_PKCS11_CONF="$WORK/device.conf"
export PORTFOLIO_TEST_SCRYPT_N=1024   # fast PIN KDF for tests only
export PORTFOLIO_TOOL_MODULE="$MODULE"
unset PORTFOLIO_PIN PORTFOLIO_SO_PIN PORTFOLIO_NEW_PIN PORTFOLIO_LOG

need_module() {
	[ -f "$MODULE" ] || { echo "SKIP: module $MODULE not built"; exit 77; }
}

fail() {
	echo "FAIL ($TEST_NAME): $*" >&2
	exit 1
}

# run WANT_RC CMD... : runs CMD with stdin from /dev/null (so no PIN prompt
# can block), OUT = stdout, ERR = stderr; fails unless the exit code is WANT_RC.
run() {
	local want_rc=$1 rc
	shift
	OUT=$("$@" </dev/null 2>"$WORK/stderr")
	rc=$?
	ERR=$(cat "$WORK/stderr")
	if [ "$rc" -ne "$want_rc" ]; then
		echo "command: $*" >&2
		echo "stdout: $OUT" >&2
		echo "stderr: $ERR" >&2
		fail "exit code $rc, expected $want_rc"
	fi
}

# The tool against the device store, or against the server store.
dev() { "$TOOL" "$@"; }
srv() { PORTFOLIO_PKCS11_CONF="$WORK/server.conf" "$TOOL" "$@"; }

contains() { # contains TEXT NEEDLE WHAT
	case "$1" in
	*"$2"*) ;;
	*) fail "$3: '$2' not in: $1" ;;
	esac
}

lacks() { # lacks TEXT NEEDLE WHAT
	case "$1" in
	*"$2"*) fail "$3: '$2' should not appear in: $1" ;;
	esac
}

# new_instance ROLE LABEL: initialises an instance with both PINs, echoes its id.
new_instance() {
	PORTFOLIO_SO_PIN=$SO_PIN PORTFOLIO_PIN=$USER_PIN run 0 "$1" init-instance --label "$2"
	echo "$OUT"
}

token_serial() { # token_serial SLOT [dev|srv]: the serial list-slots --json gives the token of SLOT
	"${2:-dev}" list-slots --json | /usr/bin/python3 -c 'import json,sys
print(next(s["serial"] for s in json.load(sys.stdin) if s["slot"] == int(sys.argv[1])))' "$1"
}

hex_to_file() { # hex_to_file HEX FILE
	printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" > "$2"
}

flip_hex() { # flip_hex HEX POS: HEX with the digit at POS changed
	local h=$1 p=$2 n=0
	[ "${h:p:1}" = 0 ] && n=1
	printf '%s' "${h:0:p}$n${h:p+1}"
}

file_to_hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

lower() { tr 'A-F' 'a-f'; }
