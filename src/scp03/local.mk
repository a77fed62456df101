# src/scp03 build fragment: GlobalPlatform SCP03, both ends (always built: it
# needs nothing but src/crypto). The pcsc backend drives the host end, the
# virtual card (src/vcard) the card end; both include scp03.h only
# (scp03_internal.h is this directory's own). Its tests: tests/pcsc/local.mk.
libportfolio_internal_la_SOURCES += src/scp03/scp03.h src/scp03/scp03_internal.h \
	src/scp03/scp03_crypto.c src/scp03/scp03_session.c \
	src/scp03/scp03_host.c src/scp03/scp03_card.c
