#!/bin/bash
# test-sanitizers.sh - the unit, reliability and fuzz-corpus tests under
# AddressSanitizer + UndefinedBehaviorSanitizer (./configure
# --enable-sanitizers, in ./build-asan), then the thread hammer and the
# multi-process tests and C_Finalize racing calls
# under ThreadSanitizer (in ./build-tsan).
# Self-contained: its own build directories, any sanitizer report fails the
# run (-fno-sanitize-recover, halt_on_error), exit status non-zero on any
# finding, one summary line at the end. About 5-8 minutes on 2 cores.
#   JOBS=2 (default)   SKIP_TSAN=1 to skip the ThreadSanitizer stage
set -uo pipefail
cd "$(dirname "$0")/.."
top="$PWD"
jobs="${JOBS:-2}"
failed=()

[ -f configure ] || autoreconf -fi >/dev/null || { echo "test-sanitizers: autoreconf failed"; exit 2; }

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$top/scripts/lsan.supp:print_suppressions=0"

echo "==> ASan+UBSan build (build-asan)"
mkdir -p build-asan
# (re)configured when made before test hooks existed: the tests need them
if [ ! -f build-asan/Makefile ] || ! grep -q "define PORTFOLIO_TEST_HOOKS 1" build-asan/config.h; then
	(cd build-asan && ../configure --quiet --enable-sanitizers --enable-test-hooks) >build-asan/configure.log 2>&1 ||
		{ cat build-asan/configure.log; echo "0 passed, 1 failed (configure)"; exit 1; }
fi
if ! make -C build-asan -j"$jobs" --no-print-directory >build-asan/make.log 2>&1; then
	tail -n 40 build-asan/make.log
	echo "0 passed, 1 failed (build)"
	exit 1
fi
# Every compiled test: cmocka units, reliability, fuzz corpus replays. Shell
# and Python interop tests dlopen the module from uninstrumented tools (an
# ASan runtime cannot be loaded that way) and are left out.
make -C build-asan --no-print-directory Makefile >build-asan/regen.log 2>&1
asan_list=$(cd build-asan && make -s --no-print-directory -f Makefile -f - print-tests <<'MK' 2>/dev/null
print-tests:
	@echo $(filter-out %.sh %.py,$(TESTS))
MK
)
asan_list=$(printf '%s\n' $asan_list | grep '^tests/' | tr '\n' ' ')
echo "==> running $(echo "$asan_list" | wc -w) compiled tests under ASan+UBSan"
rm -f build-asan/tests/*/*.trs build-asan/tests/*/*.log
make -C build-asan -j"$jobs" --no-print-directory check TESTS="$asan_list" >build-asan/check.log 2>&1
# A test that fails on a leak alone is run again with full malloc stacks: the
# suppressions (scripts/lsan.supp) name frames inside libcrypto, which the
# fast unwinder cannot walk (too slow to use for every test).
for t in $(sed -n 's/^FAIL: //p' build-asan/test-suite.log); do
	tlog="build-asan/$t.log"
	if grep -q 'ERROR: LeakSanitizer' "$tlog" && ! grep -qE 'ERROR: AddressSanitizer|runtime error:' "$tlog"; then
		if (cd build-asan && top_builddir="$PWD" top_srcdir="$top" \
			ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" "./$t") >"$tlog.full" 2>&1; then
			echo "$t: leak report matched scripts/lsan.supp with full stacks: clean"
			sed -i 's/^:test-result: FAIL/:test-result: PASS/' "build-asan/$t.trs"
			mv "$tlog.full" "$tlog"
		fi
	fi
done
pass=$(cat build-asan/tests/*/*.trs 2>/dev/null | grep -c '^:test-result: PASS')
fail=$(cat build-asan/tests/*/*.trs 2>/dev/null | grep -cE '^:test-result: (FAIL|ERROR)')
findings=$(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' build-asan/tests/*/*.log 2>/dev/null | wc -l)
echo "asan+ubsan: $pass passed, $fail failed, $findings logs with sanitizer reports"
if [ "$fail" != 0 ] || [ "$findings" != 0 ]; then
	grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|^FAIL' build-asan/tests/*/*.log 2>/dev/null | head
	grep -hE -A12 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' build-asan/tests/*/*.log 2>/dev/null | head -n 60
	failed+=("asan")
fi

if [ "${SKIP_TSAN:-0}" != 1 ]; then
	echo "==> ThreadSanitizer build (build-tsan)"
	mkdir -p build-tsan
	if [ ! -f build-tsan/Makefile ] || ! grep -q "define PORTFOLIO_TEST_HOOKS 1" build-tsan/config.h; then
		(cd build-tsan && ../configure --quiet --disable-shared --enable-test-hooks \
			CFLAGS="-g -O1 -fsanitize=thread -fno-omit-frame-pointer" LDFLAGS="-fsanitize=thread") \
			>build-tsan/configure.log 2>&1 || { cat build-tsan/configure.log; failed+=("tsan-configure"); }
	fi
	if [ -f build-tsan/Makefile ] &&
	   make -C build-tsan -j"$jobs" --no-print-directory tests/reliability/test_rel_threads \
		tests/reliability/test_rel_multiproc tests/reliability/test_rel_fork \
		tests/reliability/test_rel_finalize_race tests/reliability/test_rel_stale_keys \
		tests/reliability/test_rel_sync tests/reliability/test_rel_div >build-tsan/make.log 2>&1; then
		export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0"
		for t in test_rel_threads test_rel_multiproc test_rel_fork test_rel_finalize_race test_rel_stale_keys \
			test_rel_sync test_rel_div; do
			if (cd build-tsan && top_srcdir="$top" REL_MP_SECONDS=2 ./tests/reliability/$t) \
				>build-tsan/$t.log 2>&1 && ! grep -q 'WARNING: ThreadSanitizer' build-tsan/$t.log; then
				echo "tsan: $t clean ($(tail -n1 build-tsan/$t.log | cut -c1-90))"
			else
				echo "tsan: $t FAILED"
				grep -A30 -m1 'WARNING: ThreadSanitizer' build-tsan/$t.log || tail -n 20 build-tsan/$t.log
				failed+=("tsan-$t")
			fi
		done
	else
		tail -n 30 build-tsan/make.log
		failed+=("tsan-build")
	fi
fi

if [ ${#failed[@]} -eq 0 ]; then
	echo "test-sanitizers: clean"
	exit 0
fi
echo "test-sanitizers: FAILED: ${failed[*]}"
exit 1
