# tests/reliability build fragment: PIN lockout, key attribute rules, secrets
# at rest and in logs, crash safety under SIGKILL, several processes on one
# store, threads, fork. Plain C programs (children report through exit codes)
# linking the same internal library the module is made of.
REL_UTIL = tests/reliability/rel_util.c tests/reliability/rel_util.h
REL_LDADD = libportfolio-internal.la
REL_TESTS = \
	tests/reliability/test_rel_pin \
	tests/reliability/test_rel_attrs \
	tests/reliability/test_rel_secrets \
	tests/reliability/test_rel_crash \
	tests/reliability/test_rel_multiproc \
	tests/reliability/test_rel_threads \
	tests/reliability/test_rel_fork \
	tests/reliability/test_rel_init_race \
	tests/reliability/test_rel_finalize_race \
	tests/reliability/test_rel_stale_keys \
	tests/reliability/test_rel_sms \
	tests/reliability/test_rel_sync \
	tests/reliability/test_rel_div
check_PROGRAMS += $(REL_TESTS)
TESTS += $(REL_TESTS) tests/reliability/p11tool_fork.sh
EXTRA_DIST += tests/reliability/p11tool_fork.sh

tests_reliability_test_rel_pin_SOURCES = tests/reliability/test_rel_pin.c $(REL_UTIL)
tests_reliability_test_rel_pin_LDADD = $(REL_LDADD)
tests_reliability_test_rel_attrs_SOURCES = tests/reliability/test_rel_attrs.c $(REL_UTIL)
tests_reliability_test_rel_attrs_LDADD = $(REL_LDADD)
tests_reliability_test_rel_secrets_SOURCES = tests/reliability/test_rel_secrets.c $(REL_UTIL)
tests_reliability_test_rel_secrets_LDADD = $(REL_LDADD)
tests_reliability_test_rel_crash_SOURCES = tests/reliability/test_rel_crash.c $(REL_UTIL)
tests_reliability_test_rel_crash_LDADD = $(REL_LDADD)
tests_reliability_test_rel_multiproc_SOURCES = tests/reliability/test_rel_multiproc.c $(REL_UTIL)
tests_reliability_test_rel_multiproc_LDADD = $(REL_LDADD)
tests_reliability_test_rel_threads_SOURCES = tests/reliability/test_rel_threads.c $(REL_UTIL)
tests_reliability_test_rel_threads_LDADD = $(REL_LDADD)
tests_reliability_test_rel_fork_SOURCES = tests/reliability/test_rel_fork.c $(REL_UTIL)
tests_reliability_test_rel_fork_LDADD = $(REL_LDADD)
tests_reliability_test_rel_init_race_SOURCES = tests/reliability/test_rel_init_race.c $(REL_UTIL)
tests_reliability_test_rel_init_race_LDADD = $(REL_LDADD)
tests_reliability_test_rel_finalize_race_SOURCES = tests/reliability/test_rel_finalize_race.c $(REL_UTIL)
tests_reliability_test_rel_finalize_race_LDADD = $(REL_LDADD)
tests_reliability_test_rel_stale_keys_SOURCES = tests/reliability/test_rel_stale_keys.c $(REL_UTIL)
tests_reliability_test_rel_stale_keys_LDADD = $(REL_LDADD)
tests_reliability_test_rel_sms_SOURCES = tests/reliability/test_rel_sms.c $(REL_UTIL)
tests_reliability_test_rel_sms_LDADD = $(REL_LDADD)
tests_reliability_test_rel_sync_SOURCES = tests/reliability/test_rel_sync.c $(REL_UTIL)
tests_reliability_test_rel_sync_LDADD = $(REL_LDADD)
# 4 verifier processes x 2 threads checking device answers with the masters (wt-div)
tests_reliability_test_rel_div_SOURCES = tests/reliability/test_rel_div.c $(REL_UTIL)
tests_reliability_test_rel_div_LDADD = $(REL_LDADD)

# A measurement (docs/security.md), built with the tests, run by hand.
check_PROGRAMS += tests/reliability/bench_objects
tests_reliability_bench_objects_SOURCES = tests/reliability/bench_objects.c $(REL_UTIL)
tests_reliability_bench_objects_LDADD = $(REL_LDADD)
