# tests/unit/review.mk - regression tests born of the security/correctness
# review, named after what they test (test_p11_contract: arguments, attribute
# and session rules of the function list; test_mech_op_rules: the operation
# rules), included from tests/unit/local.mk.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_p11_contract
TESTS += tests/unit/test_p11_contract
tests_unit_test_p11_contract_SOURCES = tests/unit/test_p11_contract.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_contract_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_contract_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_mech_op_rules
TESTS += tests/unit/test_mech_op_rules
tests_unit_test_mech_op_rules_SOURCES = tests/unit/test_mech_op_rules.c $(CORE_TEST_SOURCES)
tests_unit_test_mech_op_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mech_op_rules_LDADD = $(CORE_TEST_LDADD) $(OPENSSL_LIBS)
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
XFAIL_TESTS = tests/unit/test_review_gen
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
