# tests/bench build fragment: portfolio-bench, a throughput comparison
# (not a test; run it with scripts/bench.sh).
noinst_PROGRAMS += tests/bench/portfolio-bench
tests_bench_portfolio_bench_SOURCES = tests/bench/bench.c tests/bench/bench.h tests/bench/bench_scale.c tests/bench/bench_fleet.c
tests_bench_portfolio_bench_LDADD = $(OPENSSL_LIBS)
