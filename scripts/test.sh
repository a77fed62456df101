#!/bin/bash
# test.sh - the project's one test command (README, CI): install what is
# missing, build out of tree in ./build, run every unit and interop test,
# check the distribution tarball, and end with one summary line
# "N passed, N failed" counted from automake's test-suite log.
set -uo pipefail
cd "$(dirname "$0")/.."
top="$PWD"
jobs="${JOBS:-2}"

failed_steps=()
step() {
	local name="$1"; shift
	echo "==> $name"
	if ! "$@"; then
		echo "==> $name FAILED"
		failed_steps+=("$name")
		return 1
	fi
}

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

step autoreconf autoreconf -fi >/dev/null &&
mkdir -p build && cd build &&
step configure ../configure --quiet --enable-test-hooks &&
step build make -j"$jobs" --no-print-directory
built=$?

if [ "$built" = 0 ]; then
	# This build has the test hooks (a cheap PIN KDF); distcheck's build, like
	# any default or installed build, has none: there the tests that need a
	# hook skip (77) and test_no_test_hooks.sh checks the module carries none.
	step check make -j"$jobs" --no-print-directory check
	# The p11-kit .module file follows --prefix by default, so distcheck's
	# install stays under its prefix without extra flags.
	step distcheck make -j"$jobs" --no-print-directory distcheck \
		>"$top/build/distcheck.log" 2>&1 || tail -n 60 "$top/build/distcheck.log"
fi

# The same tests again under AddressSanitizer + UndefinedBehaviorSanitizer
# (and the threaded ones under ThreadSanitizer), then under valgrind memcheck:
# each in its own build directory, each failing on any finding. SKIP_SANITIZERS=1
# and SKIP_VALGRIND=1 exist for quick local runs; CI sets neither.
if [ "$built" = 0 ] && [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
	step sanitizers bash "$top/scripts/test-sanitizers.sh" >"$top/build/sanitizers.log" 2>&1 ||
		tail -n 80 "$top/build/sanitizers.log"
	tail -n 3 "$top/build/sanitizers.log"
fi
if [ "$built" = 0 ] && [ "${SKIP_VALGRIND:-0}" != 1 ]; then
	step valgrind bash "$top/scripts/test-valgrind.sh" >"$top/build/valgrind.log" 2>&1 ||
		tail -n 80 "$top/build/valgrind.log"
	tail -n 1 "$top/build/valgrind.log"
fi

# Count from automake's logs: PASS passed; FAIL, XPASS and ERROR failed.
pass=0 fail=0 skip=0
log="$top/build/test-suite.log"
if [ -f "$log" ]; then
	count() { sed -n "s/^# $1: *\([0-9][0-9]*\).*/\1/p" "$log" | head -n1; }
	pass=$(count PASS); skip=$(count SKIP)
	fail=$(( $(count FAIL) + $(count XPASS) + $(count ERROR) ))
	if [ "$fail" -gt 0 ]; then
		echo "==> failing test logs"
		cat "$log"
	fi
fi
# A step that failed outside the test harness (build, distcheck) counts once.
for s in "${failed_steps[@]:-}"; do
	[ -n "$s" ] && [ "$s" != check ] && fail=$((fail + 1))
done
[ "${#failed_steps[@]}" -gt 0 ] && echo "failed steps: ${failed_steps[*]}"
[ "$pass" = 0 ] && [ "$fail" = 0 ] && fail=1 && echo "no test ran"

echo
if [ "${skip:-0}" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
