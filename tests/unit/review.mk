# tests/unit/review.mk - regression tests born of the security/correctness
# review, named after what they test (test_p11_contract: arguments, attribute
# and session rules of the function list; test_mech_op_rules: the operation
# rules; test_policy_attacks: the key policy against a PIN holder and a store
# writer; test_store_gen_file: the change counter file; test_store_rollback:
# rollback of single store rows), included from tests/unit/local.mk.
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
check_PROGRAMS += tests/unit/test_policy_attacks
TESTS += tests/unit/test_policy_attacks
tests_unit_test_policy_attacks_SOURCES = tests/unit/test_policy_attacks.c tests/unit/store_edit.c tests/unit/store_edit.h $(CORE_TEST_SOURCES)
tests_unit_test_policy_attacks_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_policy_attacks_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_store_gen_file
TESTS += tests/unit/test_store_gen_file
XFAIL_TESTS = tests/unit/test_store_gen_file
tests_unit_test_store_gen_file_SOURCES = tests/unit/test_store_gen_file.c $(CORE_TEST_SOURCES)
tests_unit_test_store_gen_file_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_gen_file_LDADD = $(CORE_TEST_LDADD)
endif
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_store_rollback
TESTS += tests/unit/test_store_rollback
tests_unit_test_store_rollback_SOURCES = tests/unit/test_store_rollback.c tests/unit/store_edit.c tests/unit/store_edit.h $(CORE_TEST_SOURCES)
tests_unit_test_store_rollback_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_rollback_LDADD = $(CORE_TEST_LDADD)
endif
