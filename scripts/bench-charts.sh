#!/bin/bash
# bench-charts.sh - the benchmark as CSV and as SVG charts (gnuplot).
#
#   scripts/bench-charts.sh [-s SECONDS] [-t THREADS] [OUTDIR]
#       builds like bench.sh, runs portfolio-bench -c (CSV) with 1..THREADS
#       threads (default 4), writes OUTDIR/bench.csv and draws the charts
#       (OUTDIR defaults to build/bench-charts)
#   scripts/bench-charts.sh --from CSV OUTDIR
#       draws the charts of an existing CSV only
#
# Charts: OUTDIR/threads.svg (ops/s against threads, one line per operation
# and implementation: the thread curve) and OUTDIR/single-thread.svg (one
# thread, every row side by side, log scale).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"

draw() { # draw CSV OUTDIR
	local csv="$1" out="$2" series
	command -v gnuplot >/dev/null || { echo "bench-charts: gnuplot is not installed (gnuplot-nox)" >&2; exit 1; }
	mkdir -p "$out"
	series="$out/series"
	rm -rf "$series" && mkdir -p "$series"
	# One data file per (operation, implementation), and the 1-thread rows;
	# Python's csv module reads the quoted fields.
	/usr/bin/python3 - "$csv" "$series" <<'PY'
import csv, os, sys
src, out = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(open(src)) if r["ops_per_s"]]
if not rows:
    sys.exit("bench-charts: no measured rows in " + src)
names = []
for r in rows:
    key = f'{r["operation"]} ({r["implementation"]})'
    if key not in names:
        names.append(key)
for i, key in enumerate(names):
    with open(os.path.join(out, f"s{i}.dat"), "w") as f:
        f.write(f"# {key}\n")
        for r in rows:
            if f'{r["operation"]} ({r["implementation"]})' == key:
                f.write(f'{r["threads"]} {r["ops_per_s"]}\n')
with open(os.path.join(out, "names"), "w") as f:
    f.write("\n".join(names) + "\n")
with open(os.path.join(out, "one.dat"), "w") as f:
    for r in rows:
        if r["threads"] == "1":
            f.write(f'"{r["operation"]} ({r["implementation"]})" {r["ops_per_s"]}\n')
PY
	local plots="" i=0
	while IFS= read -r name; do
		plots="$plots${plots:+, }'$series/s$i.dat' using 1:2 with linespoints title \"${name//\"/}\""
		i=$((i + 1))
	done < "$series/names"
	gnuplot <<GP
set terminal svg size 1000,600 dynamic noenhanced font "sans,11"
set datafile separator whitespace
set output "$out/threads.svg"
set title "ops/s against threads (sum over threads)"
set xlabel "threads"
set ylabel "operations per second"
set key outside right
set grid
set xtics 1
set format y "%.0s%c"
plot $plots
set output "$out/single-thread.svg"
set title "one thread, ops/s (log scale)"
set logscale y
set style fill solid 0.7
set boxwidth 0.7
set xtics rotate by -35 left
unset xlabel
set key off
plot "$series/one.dat" using 0:2:xtic(1) with boxes
GP
	rm -rf "$series"
	echo "bench-charts: $out/threads.svg $out/single-thread.svg"
}

if [ "${1:-}" = "--from" ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --from CSV OUTDIR" >&2; exit 2; }
	draw "$2" "$3"
	exit 0
fi
seconds=2 threads=4
while getopts "s:t:" o; do
	case $o in
	s) seconds=$OPTARG ;;
	t) threads=$OPTARG ;;
	*) echo "usage: $0 [-s SECONDS] [-t THREADS] [OUTDIR] | --from CSV OUTDIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
out="${1:-$top/build/bench-charts}"
mkdir -p "$out"
# bench.sh also reports on the build: keep only the CSV.
bash "$top/scripts/bench.sh" -c -s "$seconds" -t "$threads" | sed -n '/^operation,implementation,/,$p' > "$out/bench.csv"
echo "bench-charts: $out/bench.csv"
draw "$out/bench.csv" "$out"
