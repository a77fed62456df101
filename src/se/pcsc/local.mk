# src/se/pcsc build fragment: the pcsc backend (only with libpcsclite). SCP03
# has its own directory (src/scp03), the virtual card too (src/vcard), and the
# tests of all three are in tests/pcsc/local.mk.

# pcsc-lite headers are included as <PCSC/winscard.h>, which needs its own -I too.
AM_CFLAGS += $(PCSC_CFLAGS)
if HAVE_PCSC
libportfolio_internal_la_SOURCES += src/se/pcsc/pcsc_link.h src/se/pcsc/pcsc_link.c \
	src/se/pcsc/pcsc_backend.c src/se/pcsc/pcsc_fingerprint.h src/se/pcsc/pcsc_fingerprint.c \
	src/se/pcsc/pcsc_policy.h src/se/pcsc/pcsc_policy.c
libportfolio_internal_la_LIBADD += $(PCSC_LIBS)
endif
