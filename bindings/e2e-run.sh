# e2e-run.sh - sourced by bindings/*/e2e-session.sh (bash). run_session CMD...
# starts Wakaama's example server ($SERVER, -4, port $PORT), starts the
# client command CMD a second later, feeds the server's command line the
# caller's `session` array (one command every 1.5 s, after 4 s for the
# registration), and stops both after 50 s at most. Prints the server's
# console (">>>" marks each command fed), then the client's log.
# The commands both sessions share: the TS flow up to the first READ of
# AuthData, and the issue 13 cases (Write-Replace that would delete
# provisioned identities, a 600-digit challenge, application arguments of
# 300 and 256 bytes). Wakaama's server picks SenML-JSON for the JSON data.
AUTH_EXEC="exec 0 /16/0/1 0='0',1='3',2='0x2345178',3='0'"
opening=(
	"list"
	"observe 0 /16/0/3"
	"exec 0 /16/0/1 0=SRV_AUTHENT,1=3,2=0x2345178,3=0"
	"$AUTH_EXEC"
	"read 0 /16/0/2"
)
replace_only_one=(
	"write 0 /16/0/0 [{\"bn\":\"/16/0/0/\",\"n\":\"1\",\"vs\":\"only-one\"}]"
	"read 0 /16/0/0"
)
oversized=(
	"$AUTH_EXEC"
	"exec 0 /16/0/1 0='0',1='3',2='0x$(printf '1%.0s' $(seq 600))',3='0'"
	"read 0 /16/0/2"
	"exec 0 /16/0/1 0='0',1='3',2='0x2345178',3='0',4='$(printf 'A%.0s' $(seq 300))'"
	"exec 0 /16/0/1 0='0',1='3',2='0x2345178',3='0',4='$(printf 'A%.0s' $(seq 256))'"
)

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
