# tests/pcsc build fragment: SCP03 (src/scp03), the virtual card applet
# (src/vcard) and the pcsc backend (src/se/pcsc).
if HAVE_CMOCKA
check_PROGRAMS += tests/pcsc/test_scp03
TESTS += tests/pcsc/test_scp03
tests_pcsc_test_scp03_SOURCES = tests/pcsc/test_scp03.c
tests_pcsc_test_scp03_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_scp03_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

check_PROGRAMS += tests/pcsc/test_vcard_applet
TESTS += tests/pcsc/test_vcard_applet
tests_pcsc_test_vcard_applet_SOURCES = tests/pcsc/test_vcard_applet.c
tests_pcsc_test_vcard_applet_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_pcsc_test_vcard_applet_LDADD = src/vcard/libportfolio-vcard-applet.la libportfolio-internal.la \
	$(OPENSSL_LIBS) $(CMOCKA_LIBS)
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
