# tests/unit/review.mk - regression tests of the security/correctness review
# (tests/unit/test_review_*.c), included from tests/unit/local.mk.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_review_p11
TESTS += tests/unit/test_review_p11
tests_unit_test_review_p11_SOURCES = tests/unit/test_review_p11.c $(CORE_TEST_SOURCES)
tests_unit_test_review_p11_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_review_p11_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_review_mech
TESTS += tests/unit/test_review_mech
tests_unit_test_review_mech_SOURCES = tests/unit/test_review_mech.c $(CORE_TEST_SOURCES)
tests_unit_test_review_mech_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_review_mech_LDADD = $(CORE_TEST_LDADD) $(OPENSSL_LIBS)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_review_policy
TESTS += tests/unit/test_review_policy
tests_unit_test_review_policy_SOURCES = tests/unit/test_review_policy.c tests/unit/store_edit.c tests/unit/store_edit.h $(CORE_TEST_SOURCES)
tests_unit_test_review_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_review_policy_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_review_gen
TESTS += tests/unit/test_review_gen
XFAIL_TESTS = tests/unit/test_review_gen tests/unit/test_review_rollback
tests_unit_test_review_gen_SOURCES = tests/unit/test_review_gen.c $(CORE_TEST_SOURCES)
tests_unit_test_review_gen_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_review_gen_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_review_rollback
TESTS += tests/unit/test_review_rollback
tests_unit_test_review_rollback_SOURCES = tests/unit/test_review_rollback.c tests/unit/store_edit.c tests/unit/store_edit.h $(CORE_TEST_SOURCES)
tests_unit_test_review_rollback_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_review_rollback_LDADD = $(CORE_TEST_LDADD)
endif
