#!/bin/sh
# pcsc_path.sh - the real PC/SC path: pcscd (foreground) + vsmartcard's vpcd
# driver + portfolio-vcard (tests/pcsc/pcsc_env.sh), and the module run with
# instance 0 on the pcsc backend:
#   mech     the PyKCS11 Portfolio scenario (tests/interop/pykcs11_server.py)
#            with the device token on the card, the server on the emulator;
#   events   tampered / replayed secure messaging, the card pulled in the
#            middle of an operation and put back (tests/pcsc/pcsc_events.py);
#   policy   the card's key policy through the module, then by raw APDUs with
#            the user PIN and no module (tests/pcsc/pcsc_policy.py,
#            tests/pcsc/pcsc_raw_policy.c);
#   tool     the portfolio-tool shell tests of tests/tool with their device
#            instance on the card (tests/pcsc/pcsc_tool.sh).
# Skips (77) only when it cannot run: not root (pcscd needs /run/pcscd),
# pcscd, the vpcd driver or PyKCS11 not installed, or a pcscd already running
# (not ours) without the vpcd reader. Each step has a time limit; everything
# started is stopped on any exit.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
. "$top_srcdir/tests/pcsc/pcsc_env.sh"
pcsc_env_usable
/usr/bin/python3 -c 'import PyKCS11' 2>/dev/null || pcsc_skip "python3-pykcs11 not installed"
[ -x "$top_builddir/portfolio-vcard" ] || { echo "FAIL: $top_builddir/portfolio-vcard not built"; exit 1; }
pcsc_env_start "$top_builddir/portfolio-vcard"
export top_builddir top_srcdir

failed=''
step() { # step NAME SECONDS CMD...
	name=$1 limit=$2
	shift 2
	echo "=== $name"
	pcsc_run "$limit" "$@"
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
step policy 120 /usr/bin/python3 "$top_srcdir/tests/pcsc/pcsc_policy.py"
step tool 300 sh "$top_srcdir/tests/pcsc/pcsc_tool.sh"
if [ -n "$failed" ]; then
	pcsc_env_logs
	echo "FAILED:$failed"
	exit 1
fi
echo "PASS"
exit 0
