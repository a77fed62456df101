# tests/unit build fragment: a device's answer checked with the master alone
# (CKM_PORTFOLIO_DIV_*, issue 10 item 2 "Server"; wt-div).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_p11_div tests/unit/test_emu_div
TESTS += tests/unit/test_p11_div tests/unit/test_emu_div
tests_unit_test_p11_div_SOURCES = tests/unit/test_p11_div.c $(CORE_TEST_SOURCES)
tests_unit_test_p11_div_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_div_LDADD = $(CORE_TEST_LDADD)
# the component's rules alone, over the fake item table of the engine tests
tests_unit_test_emu_div_SOURCES = tests/unit/test_emu_div.c tests/unit/test_emu_ops_fake.h tests/unit/test_set_mech.h \
	tests/unit/test_crypto_util.h $(engine_emu_sources)
tests_unit_test_emu_div_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_div_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
