# pcsc_env.sh - sourced by tests/pcsc/pcsc_path.sh and scripts/bench-pcsc.sh:
# brings up the real PC/SC path (pcscd in the foreground with vsmartcard's
# vpcd driver, and portfolio-vcard as the card) and takes it down again.
#
#   pcsc_env_usable        exits 77 (with a reason) when the path cannot run here
#   pcsc_env_start VCARD   starts what is missing; sets PF_PCSC_KEYS (fresh
#                          random SCP03 keys) and PF_PCSC_KEYFILE (the same keys
#                          in a 0600 file), PF_VCARD_PID, PF_VCARD_FAULT,
#                          PF_VCARD_LOG, pcsc_work; installs the EXIT trap
#   pcsc_env_logs          prints the vcard and pcscd logs
#   pcsc_run SECONDS CMD   runs CMD with a time limit, stopped with the rest
# Runs on one machine take turns (flock: one vpcd port, one pcscd); a pcscd
# that is already running and has the vpcd reader is used as it is, one
# without it makes the run skip. Everything started is stopped on any exit:
# TERM, then KILL after 3 s.

pcsc_skip() { echo "SKIP: $*"; exit 77; }

pcsc_env_usable() {
	[ "$(id -u)" = 0 ] || pcsc_skip "needs root to run pcscd"
	command -v pcscd >/dev/null || pcsc_skip "pcscd not installed (scripts/install-deps.sh installs it)"
	[ -f /etc/reader.conf.d/vpcd ] || pcsc_skip "vsmartcard-vpcd not installed"
	grep -q '0x8C7B' /etc/reader.conf.d/vpcd || pcsc_skip "vpcd not configured on port 35963"
	command -v flock >/dev/null || pcsc_skip "flock (util-linux) not installed"
}

pcsc_pcscd_pid=''
PF_VCARD_PID=''
pcsc_work=''

pcsc_stop() { # PID: TERM, then KILL after 3 s
	kill -TERM "$1" 2>/dev/null || return 0
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt 30 ]; do sleep 0.1; _i=$((_i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

pcsc_step_pid=''

# Runs a command under `timeout` in the background and waits for it, so that a
# signal to this script is acted on at once (the trap stops the step too).
pcsc_run() { # SECONDS CMD...
	_limit=$1
	shift
	timeout -k 5 "$_limit" "$@" &
	pcsc_step_pid=$!
	wait "$pcsc_step_pid"
	_rc=$?
	pcsc_step_pid=''
	return $_rc
}

pcsc_env_stop() {
	[ -n "$pcsc_step_pid" ] && pcsc_stop "$pcsc_step_pid"
	[ -n "$PF_VCARD_PID" ] && pcsc_stop "$PF_VCARD_PID"
	[ -n "$pcsc_pcscd_pid" ] && pcsc_stop "$pcsc_pcscd_pid"
	PF_VCARD_PID='' pcsc_pcscd_pid=''
	[ -n "$pcsc_work" ] && rm -rf "$pcsc_work"
	pcsc_work=''
}

pcsc_env_logs() {
	[ -f "$pcsc_work/vcard.log" ] && { echo "--- vcard log"; cat "$pcsc_work/vcard.log"; }
	[ -f "$pcsc_work/pcscd.log" ] && { echo "--- pcscd log (tail)"; tail -n 30 "$pcsc_work/pcscd.log"; }
}

pcsc_env_start() { # VCARD_BINARY
	_lockdir=/run/lock
	[ -d "$_lockdir" ] || _lockdir=/tmp
	exec 9>"$_lockdir/portfolio-pcsc-path.lock"
	flock -w 600 9 || pcsc_skip "another PC/SC path run held the lock for 10 minutes"

	pcsc_work=$(mktemp -d)
	trap pcsc_env_stop EXIT
	trap 'exit 1' INT TERM HUP
	_old_umask=$(umask)
	umask 077
	_rnd() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
	PF_PCSC_KEYS="30:$(_rnd):$(_rnd):$(_rnd)"
	PF_PCSC_KEYFILE="$pcsc_work/keys" # 0600: the card's keys, and the module's scp03_keyfile
	printf '%s\n' "$PF_PCSC_KEYS" > "$PF_PCSC_KEYFILE"
	umask "$_old_umask"

	if pidof pcscd >/dev/null 2>&1; then
		echo "using the pcscd already running"
	else
		rm -f /run/pcscd/pcscd.comm /run/pcscd/pcscd.pid # left by a pcscd that was killed
		pcscd -f > "$pcsc_work/pcscd.log" 2>&1 &
		pcsc_pcscd_pid=$!
		_i=0
		while [ ! -S /run/pcscd/pcscd.comm ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
		if ! kill -0 "$pcsc_pcscd_pid" 2>/dev/null || [ ! -S /run/pcscd/pcscd.comm ]; then
			echo "FAIL: pcscd did not start"; cat "$pcsc_work/pcscd.log"; exit 1
		fi
	fi
	PF_VCARD_FAULT="$pcsc_work/fault"
	PF_VCARD_LOG="$pcsc_work/vcard.log"
	"$1" --keys-file "$pcsc_work/keys" --retries 50 --fault-file "$PF_VCARD_FAULT" > "$PF_VCARD_LOG" 2>&1 &
	PF_VCARD_PID=$!
	_i=0
	while ! grep -q 'card inserted' "$PF_VCARD_LOG" && [ $_i -lt 60 ]; do sleep 0.1; _i=$((_i + 1)); done
	if ! grep -q 'card inserted' "$PF_VCARD_LOG"; then
		cat "$PF_VCARD_LOG"
		[ -z "$pcsc_pcscd_pid" ] && pcsc_skip "the running pcscd offers no vpcd reader (started before vsmartcard-vpcd was installed?)"
		echo "FAIL: the card did not reach vpcd"; exit 1
	fi
	sleep 0.5 # let pcscd notice the card
	export PF_PCSC_KEYS PF_PCSC_KEYFILE PF_VCARD_PID PF_VCARD_FAULT PF_VCARD_LOG
}
