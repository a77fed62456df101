# tests/unit/mech.mk: the unit tests of src/mech and the emulator's operation half.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
engine_emu_sources = src/se/emu/emu_ops.c src/se/emu/emu_ops_std.c src/se/emu/emu_ops_ccm.c \
	src/se/emu/emu_ops_portfolio.c src/se/emu/emu_policy.c src/se/emu/emu_div.c src/se/emu/emu_div_kdf.c
engine_unit_tests = \
	tests/unit/test_emu_ops \
	tests/unit/test_emu_policy \
	tests/unit/test_emu_ops_alloc \
	tests/unit/test_mech_registry \
	tests/unit/test_mech_ops
check_PROGRAMS += $(engine_unit_tests)
TESTS += $(engine_unit_tests)

# The emulator's op half is compiled into the test itself (per-target objects),
# with a fake emu_item_lookup, so the test needs nothing of emu_items.c.
tests_unit_test_emu_ops_SOURCES = tests/unit/test_emu_ops.c tests/unit/test_emu_ops_fake.h tests/unit/test_set_mech.h \
	tests/unit/test_crypto_util.h $(engine_emu_sources)
tests_unit_test_emu_ops_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_ops_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

# The op_init policy rules, over the same fake item table.
tests_unit_test_emu_policy_SOURCES = tests/unit/test_emu_policy.c tests/unit/test_emu_ops_fake.h tests/unit/test_set_mech.h \
	tests/unit/test_crypto_util.h $(engine_emu_sources)
tests_unit_test_emu_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_policy_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

# Counts allocations on the signing path (OpenSSL's through CRYPTO_set_mem_functions,
# ours through --wrap).
tests_unit_test_emu_ops_alloc_SOURCES = tests/unit/test_emu_ops_alloc.c tests/unit/alloc_count.h tests/unit/test_emu_ops_fake.h tests/unit/test_set_mech.h \
	tests/unit/test_crypto_util.h $(engine_emu_sources)
tests_unit_test_emu_ops_alloc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_ops_alloc_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
tests_unit_test_emu_ops_alloc_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_mech_registry_SOURCES = tests/unit/test_mech_registry.c
tests_unit_test_mech_registry_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mech_registry_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

# The mechanism layer driven end to end through the emulator's op half.
tests_unit_test_mech_ops_SOURCES = tests/unit/test_mech_ops.c tests/unit/test_emu_ops_fake.h tests/unit/test_set_mech.h \
	tests/unit/test_crypto_util.h $(engine_emu_sources)
tests_unit_test_mech_ops_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mech_ops_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif

# CKM_AES_CCM through the function list (SP 800-38C Appendix C)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_p11_ccm
TESTS += tests/unit/test_p11_ccm
tests_unit_test_p11_ccm_SOURCES = tests/unit/test_p11_ccm.c tests/unit/kat_ccm.h tests/unit/test_crypto_util.h \
	$(CORE_TEST_SOURCES)
tests_unit_test_p11_ccm_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_ccm_LDADD = $(CORE_TEST_LDADD)
# The PKCS#11 3.0 message-based functions (GCM, CCM, MACs, Portfolio AUTH).
check_PROGRAMS += tests/unit/test_p11_message
TESTS += tests/unit/test_p11_message
tests_unit_test_p11_message_SOURCES = tests/unit/test_p11_message.c tests/unit/kat_ccm.h tests/unit/test_crypto_util.h \
	$(CORE_TEST_SOURCES)
tests_unit_test_p11_message_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_message_LDADD = $(CORE_TEST_LDADD)
# A message after the first allocates nothing, through the whole module (counted as
# test_emu_ops_alloc counts: OpenSSL's through CRYPTO_set_mem_functions, ours through --wrap).
check_PROGRAMS += tests/unit/test_p11_message_alloc
TESTS += tests/unit/test_p11_message_alloc
tests_unit_test_p11_message_alloc_SOURCES = tests/unit/test_p11_message_alloc.c tests/unit/alloc_count.h tests/unit/test_crypto_util.h \
	$(CORE_TEST_SOURCES)
tests_unit_test_p11_message_alloc_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_message_alloc_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
tests_unit_test_p11_message_alloc_LDADD = $(CORE_TEST_LDADD)
endif
