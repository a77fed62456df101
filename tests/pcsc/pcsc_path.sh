#!/bin/sh
# pcsc_path.sh - the real PC/SC path: pcscd (foreground) + vsmartcard's vpcd
# driver + portfolio-vcard, and the module's Portfolio scenario run with the
# device instance on the pcsc backend. Skips (77) when not root, when pcscd or
# the vpcd driver is missing, or when a pcscd is already running (we would
# fight it for its socket). Stops everything it started.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to run pcscd"; exit 77; }
command -v pcscd >/dev/null || { echo "SKIP: pcscd not installed"; exit 77; }
[ -f /etc/reader.conf.d/vpcd ] || { echo "SKIP: vsmartcard-vpcd not installed"; exit 77; }
grep -q '0x8C7B' /etc/reader.conf.d/vpcd || { echo "SKIP: vpcd not on port 35963"; exit 77; }
if pidof pcscd >/dev/null 2>&1; then echo "SKIP: a pcscd is already running"; exit 77; fi

work=$(mktemp -d)
pcscd_pid=''
vcard_pid=''
cleanup() {
	[ -n "$vcard_pid" ] && kill "$vcard_pid" 2>/dev/null && wait "$vcard_pid" 2>/dev/null
	[ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Fresh random SCP03 keys for this run, handed to the card through a 0600 file.
keys="30:$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'):$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n'):$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
umask 077
printf '%s\n' "$keys" > "$work/keys"

pcscd -f > "$work/pcscd.log" 2>&1 &
pcscd_pid=$!
i=0
while [ ! -S /run/pcscd/pcscd.comm ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if ! kill -0 "$pcscd_pid" 2>/dev/null || [ ! -S /run/pcscd/pcscd.comm ]; then
	echo "SKIP: pcscd did not start"; cat "$work/pcscd.log"; pcscd_pid=''; exit 77
fi
"$top_builddir/portfolio-vcard" --keys-file "$work/keys" --retries 50 > "$work/vcard.log" 2>&1 &
vcard_pid=$!
i=0
while ! grep -q 'card inserted' "$work/vcard.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q 'card inserted' "$work/vcard.log" || { echo "FAIL: the card did not reach vpcd"; cat "$work/vcard.log"; exit 1; }
sleep 0.3 # let pcscd notice the card

PF_PCSC_KEYS="$keys" top_builddir="$top_builddir" top_srcdir="$top_srcdir" \
	/usr/bin/python3 "$top_srcdir/tests/pcsc/pcsc_mech.py"
rc=$?
[ $rc -eq 0 ] || { echo "--- vcard log"; cat "$work/vcard.log"; }
exit $rc
