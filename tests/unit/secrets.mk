# Issue 8 items 4, 5, 8, 9: keyset exclusivity by canonical key, the store's
# secret file, SCP03 key files, and no test knob in a default build.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_secrets
TESTS += tests/unit/test_secrets
tests_unit_test_secrets_SOURCES = tests/unit/test_secrets.c $(CORE_TEST_SOURCES)
tests_unit_test_secrets_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_secrets_LDADD = $(CORE_TEST_LDADD)
endif
TESTS += tests/unit/test_no_test_hooks.sh
EXTRA_DIST += tests/unit/test_no_test_hooks.sh
