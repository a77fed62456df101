# tests/unit build fragment: every unit test program of tests/unit, one
# included fragment per layer under test (the core and p11 ones here).

# ---- core / p11 tests (wt-core) ----
if HAVE_CMOCKA
CORE_TEST_SOURCES = tests/unit/core_test_util.c tests/unit/core_test_util.h
CORE_TEST_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test_core_init tests/unit/test_core_token tests/unit/test_core_object \
	tests/unit/test_core_codec tests/unit/test_p11_ops tests/unit/test_core_policy tests/unit/test_core_index
TESTS += tests/unit/test_core_init tests/unit/test_core_token tests/unit/test_core_object \
	tests/unit/test_core_codec tests/unit/test_p11_ops tests/unit/test_core_policy tests/unit/test_core_index
tests_unit_test_core_init_SOURCES = tests/unit/test_core_init.c $(CORE_TEST_SOURCES)
tests_unit_test_core_init_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_init_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_core_token_SOURCES = tests/unit/test_core_token.c $(CORE_TEST_SOURCES)
tests_unit_test_core_token_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_token_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_core_object_SOURCES = tests/unit/test_core_object.c $(CORE_TEST_SOURCES)
tests_unit_test_core_object_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_object_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_core_codec_SOURCES = tests/unit/test_core_codec.c
tests_unit_test_core_codec_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_codec_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_core_policy_SOURCES = tests/unit/test_core_policy.c tests/unit/store_edit.c tests/unit/store_edit.h $(CORE_TEST_SOURCES)
tests_unit_test_core_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_policy_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_core_index_SOURCES = tests/unit/test_core_index.c $(CORE_TEST_SOURCES)
tests_unit_test_core_index_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_index_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_p11_ops_SOURCES = tests/unit/test_p11_ops.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_ops_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_ops_LDADD = $(CORE_TEST_LDADD)
# the attribute table's rules as the C_* calls show them (issue 9 item 4)
check_PROGRAMS += tests/unit/test_core_attr_rules
TESTS += tests/unit/test_core_attr_rules
tests_unit_test_core_attr_rules_SOURCES = tests/unit/test_core_attr_rules.c $(CORE_TEST_SOURCES)
tests_unit_test_core_attr_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_core_attr_rules_LDADD = $(CORE_TEST_LDADD)
# PKCS#11 rules of issue 8 (item 11) and the CBC opt-in with its oracle (item 6)
check_PROGRAMS += tests/unit/test_p11_rules tests/unit/test_p11_cbc
TESTS += tests/unit/test_p11_rules tests/unit/test_p11_cbc
tests_unit_test_p11_rules_SOURCES = tests/unit/test_p11_rules.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_rules_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_rules_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_p11_cbc_SOURCES = tests/unit/test_p11_cbc.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_cbc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_cbc_LDADD = $(CORE_TEST_LDADD) $(OPENSSL_LIBS)
# C_WrapKey / C_UnwrapKey (issue 10 items 3 and 6)
check_PROGRAMS += tests/unit/test_p11_wrap
TESTS += tests/unit/test_p11_wrap
tests_unit_test_p11_wrap_SOURCES = tests/unit/test_p11_wrap.c tests/unit/test_crypto_util.h $(CORE_TEST_SOURCES)
tests_unit_test_p11_wrap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_wrap_LDADD = $(CORE_TEST_LDADD)
endif
include tests/unit/review.mk
include tests/unit/secrets.mk
include tests/unit/header.mk
include tests/unit/util.mk
include tests/unit/crypto.mk
include tests/unit/store.mk
include tests/unit/emu_token.mk
include tests/unit/mech.mk
include tests/unit/sms.mk
include tests/unit/jose.mk
include tests/unit/derive.mk
include tests/unit/div.mk
