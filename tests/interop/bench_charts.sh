#!/bin/bash
# portfolio-bench -c writes CSV (one row per operation, implementation and
# thread count) and scripts/bench-charts.sh draws SVG charts from it.
. "$top_srcdir/tests/interop/common.sh"
need gnuplot
bench="$top_builddir/tests/bench/portfolio-bench"
[ -x "$bench" ] || { echo "SKIP: portfolio-bench not built"; exit 77; }

"$bench" -c -s 0.05 -t 3 -o pf-auth "$PF_MODULE" > "$PF_TMP/bench.csv" || fail "portfolio-bench -c"
cat "$PF_TMP/bench.csv"
[ "$(head -1 "$PF_TMP/bench.csv")" = "operation,implementation,threads,ops_per_s,error" ] || fail "CSV header"
for n in 1 2 3; do
	grep -qE "^\"PORTFOLIO_AUTH_CMAC sign\",\"portfolio-pkcs11\",$n,[1-9][0-9]*,\$" "$PF_TMP/bench.csv" ||
		fail "no measured row for $n thread(s)"
done
[ "$(wc -l < "$PF_TMP/bench.csv")" = 4 ] || fail "expected 3 rows"
bash "$top_srcdir/scripts/bench-charts.sh" --from "$PF_TMP/bench.csv" "$PF_TMP/charts" || fail "bench-charts.sh"
for svg in threads single-thread; do
	head -1 "$PF_TMP/charts/$svg.svg" | grep -q '^<?xml' || fail "$svg.svg is not SVG"
	grep -q 'PORTFOLIO_AUTH_CMAC sign' "$PF_TMP/charts/$svg.svg" || fail "$svg.svg does not name the series"
done
# A CSV with nothing measured is an error, not an empty chart.
printf 'operation,implementation,threads,ops_per_s,error\n"x","y",1,,0x5\n' > "$PF_TMP/empty.csv"
bash "$top_srcdir/scripts/bench-charts.sh" --from "$PF_TMP/empty.csv" "$PF_TMP/none" 2>/dev/null &&
	fail "charts drawn from no measurement"
echo "PASS"
