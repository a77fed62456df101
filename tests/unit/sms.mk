# tests/unit/sms.mk: the unit tests of src/sms: SCP80.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
sms_unit_tests = \
	tests/unit/test_sms_kat \
	tests/unit/test_sms_reject \
	tests/unit/test_sms_coding \
	tests/unit/test_p11_scp80 \
	tests/unit/test_p11_scp80_por \
	tests/unit/test_p11_scp80_attr \
	tests/unit/test_p11_scp80_status \
	tests/unit/test_emu_scp80
check_PROGRAMS += $(sms_unit_tests)
TESTS += $(sms_unit_tests)
sms_test_headers = tests/unit/sms_test_util.h tests/unit/test_crypto_util.h

tests_unit_test_sms_kat_SOURCES = tests/unit/test_sms_kat.c $(sms_test_headers)
tests_unit_test_sms_kat_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sms_kat_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_sms_reject_SOURCES = tests/unit/test_sms_reject.c $(sms_test_headers)
tests_unit_test_sms_reject_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sms_reject_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_sms_coding_SOURCES = tests/unit/test_sms_coding.c $(sms_test_headers)
tests_unit_test_sms_coding_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_sms_coding_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_p11_scp80_SOURCES = tests/unit/test_p11_scp80.c tests/unit/sms_token_util.h \
	tests/unit/core_test_util.c tests/unit/core_test_util.h $(sms_test_headers)
tests_unit_test_p11_scp80_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_scp80_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_p11_scp80_por_SOURCES = tests/unit/test_p11_scp80_por.c tests/unit/sms_token_util.h \
	tests/unit/core_test_util.c tests/unit/core_test_util.h $(sms_test_headers)
tests_unit_test_p11_scp80_por_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_scp80_por_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_p11_scp80_attr_SOURCES = tests/unit/test_p11_scp80_attr.c tests/unit/sms_token_util.h \
	tests/unit/core_test_util.c tests/unit/core_test_util.h $(sms_test_headers)
tests_unit_test_p11_scp80_attr_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_scp80_attr_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_p11_scp80_status_SOURCES = tests/unit/test_p11_scp80_status.c tests/unit/sms_token_util.h \
	tests/unit/core_test_util.c tests/unit/core_test_util.h $(sms_test_headers)
tests_unit_test_p11_scp80_status_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_p11_scp80_status_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
# the SMS keyset's policy on the emulator's backend table, no src/mech between
tests_unit_test_emu_scp80_SOURCES = tests/unit/test_emu_scp80.c tests/unit/test_emu_token_support.c \
	tests/unit/test_emu_token_support.h tests/unit/test_set_mech.h
tests_unit_test_emu_scp80_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_scp80_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
