#!/bin/sh
# pcsc_path.sh - the real PC/SC path: pcscd (foreground) + vsmartcard's vpcd
# driver + portfolio-vcard, and the module run with instance 0 on the pcsc
# backend:
#   mech     the PyKCS11 Portfolio scenario (tests/interop/pykcs11_server.py)
#            with the device token on the card, the server on the emulator;
#   events   tampered / replayed secure messaging, the card pulled in the
#            middle of an operation and put back (tests/pcsc/pcsc_events.py);
#   tool     the portfolio-tool shell tests that apply to a card (pcsc_tool.sh).
# Skips (77) only when it cannot run: not root (pcscd needs /run/pcscd),
# pcscd, the vpcd driver or PyKCS11 not installed, or a pcscd that is already
# running (not ours) offers no vpcd reader. A running pcscd that has the vpcd
# reader is used as it is. Runs of this script on one machine take turns (one
# vpcd port). Everything it starts is stopped on any exit, within seconds; each
# step has a time limit.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to run pcscd"
command -v pcscd >/dev/null || skip "pcscd not installed (scripts/install-deps.sh installs it)"
[ -f /etc/reader.conf.d/vpcd ] || skip "vsmartcard-vpcd not installed"
grep -q '0x8C7B' /etc/reader.conf.d/vpcd || skip "vpcd not configured on port 35963"
/usr/bin/python3 -c 'import PyKCS11' 2>/dev/null || skip "python3-pykcs11 not installed"
[ -x "$top_builddir/portfolio-vcard" ] || { echo "FAIL: $top_builddir/portfolio-vcard not built"; exit 1; }

# One run at a time: there is one vpcd port and one pcscd per machine.
lockdir=/run/lock
[ -d "$lockdir" ] || lockdir=/tmp
exec 9>"$lockdir/portfolio-pcsc-path.lock"
flock -w 600 9 || skip "another PC/SC path run held the lock for 10 minutes"

work=$(mktemp -d)
pcscd_pid=''
vcard_pid=''
stop() { # stop PID: TERM, then KILL after 3 s
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
cleanup() {
	[ -n "$vcard_pid" ] && stop "$vcard_pid"
	[ -n "$pcscd_pid" ] && stop "$pcscd_pid"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Fresh random SCP03 keys for this run, handed to the card through a 0600 file.
umask 077
rnd() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
keys="30:$(rnd):$(rnd):$(rnd)"
printf '%s\n' "$keys" > "$work/keys"

if pidof pcscd >/dev/null 2>&1; then
	echo "using the pcscd already running"
else
	# A pcscd that was killed may have left its socket behind.
	rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid
	pcscd -f > "$work/pcscd.log" 2>&1 &
	pcscd_pid=$!
	i=0
	while [ ! -S /run/pcscd/pcscd.comm ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if ! kill -0 "$pcscd_pid" 2>/dev/null || [ ! -S /run/pcscd/pcscd.comm ]; then
		echo "FAIL: pcscd did not start"; cat "$work/pcscd.log"; exit 1
	fi
fi
"$top_builddir/portfolio-vcard" --keys-file "$work/keys" --retries 50 --fault-file "$work/fault" \
	> "$work/vcard.log" 2>&1 &
vcard_pid=$!
i=0
while ! grep -q 'card inserted' "$work/vcard.log" && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
if ! grep -q 'card inserted' "$work/vcard.log"; then
	cat "$work/vcard.log"
	[ -z "$pcscd_pid" ] && skip "the running pcscd offers no vpcd reader (started before vsmartcard-vpcd was installed?)"
	echo "FAIL: the card did not reach vpcd"; exit 1
fi
sleep 0.5 # let pcscd notice the card

export PF_PCSC_KEYS="$keys" PF_VCARD_PID="$vcard_pid" PF_VCARD_FAULT="$work/fault" PF_VCARD_LOG="$work/vcard.log"
export top_builddir top_srcdir
failed=''
step() { # step NAME SECONDS CMD...
	name=$1 limit=$2
	shift 2
	echo "=== $name"
	timeout -k 5 "$limit" "$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "=== $name: ok"
	elif [ $rc -eq 77 ]; then
		echo "=== $name: skipped"
	else
		[ $rc -eq 124 ] && echo "=== $name: timed out after $limit s"
		echo "=== $name: FAILED ($rc)"
		failed="$failed $name"
	fi
}
step mech 120 /usr/bin/python3 "$top_srcdir/tests/pcsc/pcsc_mech.py"
step events 120 /usr/bin/python3 "$top_srcdir/tests/pcsc/pcsc_events.py"
step tool 300 sh "$top_srcdir/tests/pcsc/pcsc_tool.sh"
if [ -n "$failed" ]; then
	echo "--- vcard log"; cat "$work/vcard.log"
	[ -n "$pcscd_pid" ] && { echo "--- pcscd log (tail)"; tail -n 30 "$work/pcscd.log"; }
	echo "FAILED:$failed"
	exit 1
fi
echo "PASS"
exit 0
