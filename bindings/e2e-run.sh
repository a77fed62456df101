# e2e-run.sh - sourced by bindings/*/e2e-session.sh (bash). run_session CMD...
# starts Wakaama's example server ($SERVER, -4, port $PORT), starts the
# client command CMD a second later, feeds the server's command line the
# caller's `session` array (one command every 1.5 s, after 4 s for the
# registration), and stops both after 50 s at most. Prints the server's
# console (">>>" marks each command fed), then the client's log.
run_session() {
	local log pid
	log=$(mktemp)
	(sleep 1; exec timeout 50 "$@") 2>"$log" &
	pid=$!
	{
		sleep 4
		for c in "${session[@]}"; do
			echo ">>> $c" >&2
			printf '%s\n' "$c"
			sleep 1.5
		done
		echo q
	} | timeout 50 "$SERVER" -4 -l "$PORT" 2>&1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "---- client log ----"
	cat "$log"
	rm -f "$log"
}
