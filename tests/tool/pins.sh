#!/bin/bash
# pins.sh - PINs from a file or standard input (--pin-file), a new PIN typed
# twice on a terminal, and the tries left after a wrong PIN (issue 14, item 5).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module

# init-instance reads the new SO PIN, then the new user PIN, one a line.
printf '%s\n%s\n' "$SO_PIN" "$USER_PIN" > "$WORK/pins"
run 0 "$TOOL" init-instance --label pins --pin-file "$WORK/pins"
slot=$OUT
printf '%s\n' "$USER_PIN" > "$WORK/pins.user"
run 0 "$TOOL" list-objects --slot "$slot" --login --pin-file "$WORK/pins.user"
# CRLF files work too.
printf '%s\r\n' "$USER_PIN" > "$WORK/pins.crlf"
run 0 "$TOOL" list-objects --slot "$slot" --login --pin-file "$WORK/pins.crlf"
# "-" is standard input.
OUT=$(printf '%s\n' "$USER_PIN" | "$TOOL" list-objects --slot "$slot" --login --pin-file - 2>"$WORK/stderr") ||
	fail "--pin-file - : $(cat "$WORK/stderr")"
# A file with too few lines names the PIN it lacks.
printf '%s\n' "$SO_PIN" > "$WORK/one"
run 2 "$TOOL" init-instance --label short --pin-file "$WORK/one"
contains "$ERR" "has no line for the New user PIN" "short pin file"
run 1 "$TOOL" list-objects --slot "$slot" --login --pin-file "$WORK/absent"
contains "$ERR" "cannot open --pin-file" "missing pin file"
# Commands without PINs do not take it.
run 2 "$TOOL" list-slots --pin-file "$WORK/pins"

# On a terminal a new PIN is asked twice; two different answers change nothing.
if [ -x /usr/bin/python3 ]; then
	term() { # term ANSWER... : set-pin --user on a pseudo-terminal, one answer per prompt
		/usr/bin/python3 - "$TOOL" "$slot" "$@" <<'PY'
import os, pty, sys
tool, slot, answers = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(tool, [tool, "set-pin", "--slot", slot, "--user"])
seen = transcript = b""
for a in answers:
    while seen.count(b"PIN") == 0 or not seen.rstrip().endswith(b":"):
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            chunk = b""
        if not chunk:
            break
        seen += chunk
        transcript += chunk
    os.write(fd, a.encode() + b"\n")
    seen = b""
out = b""
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write((transcript + out).decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
	}
	OUT=$(term "$USER_PIN" "new-pin-1111" "new-pin-2222") && fail "differing new PINs were accepted: $OUT"
	contains "$OUT" "the two PINs differ" "confirmation mismatch"
	run 0 "$TOOL" list-objects --slot "$slot" --login --pin "$USER_PIN"
	OUT=$(term "$USER_PIN" "new-pin-1111" "new-pin-1111") || fail "set-pin on a terminal: $OUT"
	contains "$OUT" "(again)" "the new PIN is asked twice"
	run 0 "$TOOL" list-objects --slot "$slot" --login --pin "new-pin-1111"
	USER_PIN=new-pin-1111
fi

# A wrong PIN says what the token's flags tell about the tries left.
run 1 "$TOOL" list-objects --slot "$slot" --login --pin wrong-pin-0
contains "$ERR" "CKR_PIN_INCORRECT" "wrong PIN named"
contains "$ERR" "the user PIN has few tries left" "tries left after one failure"
# Good PIN resets the counter; then fail until the final try and the lock.
run 0 "$TOOL" list-objects --slot "$slot" --login --pin "$USER_PIN"
final=""
for i in $(seq 1 20); do
	run 1 "$TOOL" list-objects --slot "$slot" --login --pin "wrong-pin-$i"
	case "$ERR" in
	*"one try left"*) final=yes ;;
	*"is now locked"*) [ -n "$final" ] || fail "locked without a final-try warning"; break ;;
	esac
done
contains "$ERR" "the user PIN is now locked" "lock reported"
run 1 "$TOOL" list-objects --slot "$slot" --login --pin "$USER_PIN"
contains "$ERR" "CKR_PIN_LOCKED" "locked PIN refused"
# The SO sets a new user PIN from a file.
printf '%s\n%s\n' "fresh-pin-3333" "$SO_PIN" > "$WORK/reset" # init-pin: the new PIN, then the SO's
run 0 "$TOOL" init-pin --slot "$slot" --pin-file "$WORK/reset"
run 0 "$TOOL" list-objects --slot "$slot" --login --pin fresh-pin-3333
echo "PASS: pins"
