#!/bin/bash
# fuzz.sh - build the libFuzzer harnesses of tests/fuzz with clang
# (AddressSanitizer + UndefinedBehaviorSanitizer + libFuzzer) in ./build-fuzz
# and run them.
#
#   scripts/fuzz.sh [-t SECONDS] [-n] [HARNESS...]      default: every harness, 600 s each
#
# A harness is tests/fuzz/fuzz_<name>.c, listed once in tests/fuzz/local.mk
# (FUZZ_HARNESSES); this script runs every such file it finds. The build is
# the project's own (configure FUZZ_ENGINE=-fsanitize=fuzzer, then make
# tests/fuzz/fuzz_<name>), so a harness links exactly what make check links:
# libtool brings every library the module needs.
#
# Harnesses run one after another (nice -n 10, one process: the machine is
# shared). Each starts from the committed corpus tests/fuzz/corpus/<name>;
# afterwards the corpus is replaced by the smallest set of its inputs and the
# run's that keeps every edge (-merge=1), so the replay test (make check) runs
# what was found and the corpus does not only grow. Crashes, leaks and
# sanitizer reports are findings: the input is kept as
# build-fuzz/<name>/crash-*, and the script exits non-zero.
# Needs clang and libclang-rt-14-dev (Debian).
#
# Prints one line per harness, for docs/security.md:
#   <name>: <seconds> s, <executions> execs (<per second>/s), <coverage> edges, <features> ft, <n> corpus files, findings: <n>
set -uo pipefail
cd "$(dirname "$0")/.."
top="$PWD"
secs=600
merge=1
while getopts "t:n" opt; do
	case "$opt" in
	t) secs="$OPTARG" ;;
	n) merge=0 ;;      # do not merge new inputs into the committed corpus
	*) echo "usage: $0 [-t seconds] [-n] [harness...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
	for src in tests/fuzz/fuzz_*.c; do
		name="${src#tests/fuzz/fuzz_}"
		harnesses+=("${name%.c}")
	done
fi

command -v clang >/dev/null || { echo "fuzz.sh: clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

bdir="$top/build-fuzz"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$bdir"
if [ ! -f "$top/configure" ]; then
	autoreconf -fi >/dev/null || exit 2
fi
# A build tree configured before FUZZ_ENGINE existed links the replay driver,
# and one without test hooks pays the production PIN KDF per input: redo it.
if [ -f "$bdir/Makefile" ] && { ! grep -q '^FUZZ_ENGINE = -fsanitize=fuzzer$' "$bdir/Makefile" ||
	! grep -q "define PORTFOLIO_TEST_HOOKS 1" "$bdir/config.h"; }; then
	rm -f "$bdir/Makefile" "$bdir/config.status"
fi
if [ ! -f "$bdir/Makefile" ]; then
	(cd "$bdir" && "$top/configure" --quiet --disable-shared --enable-test-hooks CC=clang \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $san" FUZZ_ENGINE=-fsanitize=fuzzer) >"$bdir/configure.log" 2>&1 ||
		{ cat "$bdir/configure.log"; echo "fuzz.sh: configure failed" >&2; exit 2; }
fi

status=0
for name in "${harnesses[@]}"; do
	src="$top/tests/fuzz/fuzz_$name.c"
	[ -f "$src" ] || { echo "fuzz.sh: no harness $src" >&2; status=2; continue; }
	exe="$bdir/tests/fuzz/fuzz_$name"
	make -C "$bdir" -j2 --no-print-directory "tests/fuzz/fuzz_$name" >"$bdir/make-$name.log" 2>&1 ||
		{ tail -n 20 "$bdir/make-$name.log"
		  echo "fuzz.sh: cannot build $exe (is tests/fuzz/fuzz_$name in FUZZ_HARNESSES of tests/fuzz/local.mk?)" >&2
		  status=2; continue; }

	work="$bdir/$name"
	seed="$top/tests/fuzz/corpus/$name"
	mkdir -p "$work/corpus" "$seed"
	rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
	log="$work/fuzz.log"
	(cd "$work" && nice -n 10 "$exe" -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
		-rss_limit_mb=2048 -max_len=4096 -artifact_prefix="$work/" corpus "$seed") >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | awk '{print $2}')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | awk '{print $2}')
	findings=$(find "$work" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	if [ "$rc" != 0 ] && [ "$findings" = 0 ]; then
		findings=1 # a sanitizer report without an artifact still counts
	fi
	if [ "$merge" = 1 ] && [ "$findings" = 0 ]; then
		# Minimised, not only grown: the fewest inputs of the committed corpus
		# and of this run that keep every edge either reached (edges, not hit
		# counts: a quarter of the files; the full set stays in
		# build-fuzz/<name>/corpus for the next run). Hand-written seeds (any
		# name that is not libFuzzer's SHA-1) stay as they are.
		rm -rf "$work/min" && mkdir -p "$work/min"
		if (cd "$work" && "$exe" -merge=1 -use_counters=0 -max_len=4096 min "$seed" corpus) \
			>"$work/merge.log" 2>&1; then
			find "$seed" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
			cp "$work/min"/* "$seed"/ 2>/dev/null
		else
			echo "  merge failed, corpus unchanged: $work/merge.log"
		fi
	fi
	files=$(find "$seed" -type f | wc -l)
	echo "$name: $secs s, ${execs:-0} execs (${rate:-0}/s), ${cov:-0} edges, ${ft:-0} ft, $files corpus files, findings: $findings"
	if [ "$findings" != 0 ]; then
		status=1
		echo "  log: $log"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/  /'
	fi
done
exit $status
