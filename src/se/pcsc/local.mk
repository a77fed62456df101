# src/se/pcsc build fragment: GlobalPlatform SCP03 (always built: pure OpenSSL,
# shared by the pcsc backend and the virtual card), the pcsc backend (only with
# libpcsclite), the virtual card daemon and their tests.
libportfolio_internal_la_SOURCES += src/se/pcsc/scp03.h src/se/pcsc/scp03_internal.h \
	src/se/pcsc/scp03_crypto.c src/se/pcsc/scp03_session.c \
	src/se/pcsc/scp03_host.c src/se/pcsc/scp03_card.c

# pcsc-lite headers are included as <PCSC/winscard.h>, which needs its own -I too.
AM_CFLAGS += $(PCSC_CFLAGS)
if HAVE_PCSC
libportfolio_internal_la_SOURCES += src/se/pcsc/pcsc_link.h src/se/pcsc/pcsc_link.c \
	src/se/pcsc/pcsc_backend.c src/se/pcsc/pcsc_fingerprint.h src/se/pcsc/pcsc_fingerprint.c \
	src/se/pcsc/pcsc_policy.h src/se/pcsc/pcsc_policy.c
libportfolio_internal_la_LIBADD += $(PCSC_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/pcsc/test_scp03
TESTS += tests/pcsc/test_scp03
tests_pcsc_test_scp03_SOURCES = tests/pcsc/test_scp03.c
tests_pcsc_test_scp03_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_scp03_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
EXTRA_DIST += docs/apdu.md

# The virtual card daemon (needs no pcsc-lite: it talks to vpcd over TCP).
bin_PROGRAMS += portfolio-vcard
VCARD_APPLET_SOURCES = src/vcard/vcard.h src/vcard/vcard_applet.c src/vcard/vcard_pins.c \
	src/vcard/vcard_items.c src/vcard/vcard_crypto.c src/vcard/vcard_policy.c
portfolio_vcard_SOURCES = $(VCARD_APPLET_SOURCES) src/vcard/vcard_vpcd.h src/vcard/vcard_vpcd.c \
	src/vcard/vcard_main.c
portfolio_vcard_LDADD = libportfolio-internal.la $(OPENSSL_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/pcsc/test_vcard_applet
TESTS += tests/pcsc/test_vcard_applet
tests_pcsc_test_vcard_applet_SOURCES = tests/pcsc/test_vcard_applet.c $(VCARD_APPLET_SOURCES)
tests_pcsc_test_vcard_applet_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_vcard_applet_LDADD = libportfolio-internal.la $(OPENSSL_LIBS) $(CMOCKA_LIBS)
endif

# The real PC/SC path (skips unless root with pcscd and vsmartcard-vpcd);
# pcsc_raw_policy is its card engineer: raw APDUs, user PIN, no module.
if HAVE_PCSC
TESTS += tests/pcsc/pcsc_path.sh
check_PROGRAMS += tests/pcsc/pcsc_raw_policy
if HAVE_CMOCKA
check_PROGRAMS += tests/pcsc/test_pcsc_policy
TESTS += tests/pcsc/test_pcsc_policy
tests_pcsc_test_pcsc_policy_SOURCES = tests/pcsc/test_pcsc_policy.c
tests_pcsc_test_pcsc_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_pcsc_policy_LDADD = libportfolio-internal.la $(PCSC_LIBS) $(OPENSSL_LIBS) $(CMOCKA_LIBS)
endif
tests_pcsc_pcsc_raw_policy_SOURCES = tests/pcsc/pcsc_raw_policy.c
tests_pcsc_pcsc_raw_policy_LDADD = libportfolio-internal.la $(PCSC_LIBS) $(OPENSSL_LIBS)
endif
EXTRA_DIST += tests/pcsc/pcsc_path.sh tests/pcsc/pcsc_mech.py tests/pcsc/pcsc_events.py \
	tests/pcsc/pcsc_policy.py tests/pcsc/pcsc_card.py tests/pcsc/pcsc_tool.sh tests/pcsc/pcsc_env.sh

# Latency of a signature on the card next to the emulator (not a test: run it
# with scripts/bench-pcsc.sh, which starts pcscd and the vcard).
noinst_PROGRAMS += tests/pcsc/portfolio-bench-pcsc
tests_pcsc_portfolio_bench_pcsc_SOURCES = tests/pcsc/bench_pcsc.c
