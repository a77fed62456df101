# tests/unit build fragment: C_DeriveKey and Portfolio diversification (wt-derive).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_p11_derive tests/unit/test_p11_diversify tests/unit/test_emu_derive
TESTS += tests/unit/test_p11_derive tests/unit/test_p11_diversify tests/unit/test_emu_derive
tests_unit_test_p11_derive_SOURCES = tests/unit/test_p11_derive.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_derive_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_derive_LDADD = $(CORE_TEST_LDADD)
tests_unit_test_p11_diversify_SOURCES = tests/unit/test_p11_diversify.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_diversify_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_diversify_LDADD = $(CORE_TEST_LDADD)
# the component alone (emu_derive.c), with the token fixture of the emulator tests
tests_unit_test_emu_derive_SOURCES = tests/unit/test_emu_derive.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_derive_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_derive_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
