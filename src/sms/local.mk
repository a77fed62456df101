# src/sms build fragment: the SCP80 secured packets of TS 102 225 / TS 31.115
# for LwM2M over SMS (docs/sms.md), and their unit tests.
libportfolio_internal_la_SOURCES += \
	src/sms/scp80.h \
	src/sms/scp80_local.h \
	src/sms/scp80_coding.c \
	src/sms/scp80_counter.c \
	src/sms/scp80_frame.c \
	src/sms/scp80_command.c \
	src/sms/scp80_command_wrap.c \
	src/sms/scp80_response.c \
	src/sms/scp80_response_open.c \
	src/sms/scp80_crypto_evp.h \
	src/sms/scp80_crypto_evp.c

if HAVE_CMOCKA
sms_unit_tests = \
	tests/unit/test_sms_kat \
	tests/unit/test_sms_reject \
	tests/unit/test_sms_coding
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
endif
