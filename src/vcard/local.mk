# src/vcard build fragment: portfolio-vcard, the virtual card daemon (needs no
# pcsc-lite: it talks to vpcd over TCP). The applet is a library of its own so
# that the daemon, its unit test (tests/pcsc) and the fuzz harnesses
# (tests/fuzz) link the one build of it.
noinst_LTLIBRARIES += src/vcard/libportfolio-vcard-applet.la
src_vcard_libportfolio_vcard_applet_la_SOURCES = src/vcard/vcard.h src/vcard/vcard_sw.h src/vcard/vcard_applet.c \
	src/vcard/vcard_pins.c src/vcard/vcard_items.c src/vcard/vcard_crypto.c src/vcard/vcard_policy.c \
	src/vcard/vcard_div.c

bin_PROGRAMS += portfolio-vcard
portfolio_vcard_SOURCES = src/vcard/vcard_vpcd.h src/vcard/vcard_vpcd.c src/vcard/vcard_main.c
portfolio_vcard_LDADD = src/vcard/libportfolio-vcard-applet.la libportfolio-internal.la $(OPENSSL_LIBS)
