# src/se/pcsc build fragment: GlobalPlatform SCP03 (always built: pure OpenSSL,
# shared by the pcsc backend and the virtual card), the pcsc backend (only with
# libpcsclite), the virtual card daemon and their tests.
libportfolio_internal_la_SOURCES += src/se/pcsc/scp03.h src/se/pcsc/scp03_internal.h \
	src/se/pcsc/scp03_crypto.c src/se/pcsc/scp03_session.c \
	src/se/pcsc/scp03_host.c src/se/pcsc/scp03_card.c

if HAVE_CMOCKA
check_PROGRAMS += tests/pcsc/test_scp03
TESTS += tests/pcsc/test_scp03
tests_pcsc_test_scp03_SOURCES = tests/pcsc/test_scp03.c
tests_pcsc_test_scp03_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_scp03_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
EXTRA_DIST += docs/apdu.md
