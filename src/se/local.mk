# src/se build fragment: the secure-component interface, the backend registry
# and the emulator's token half. (emu_ops*.c, the operation half, is listed by
# its owner's fragment or added here at integration.)
libportfolio_internal_la_SOURCES += src/se/se.h src/se/se_registry.c \
	src/se/se_fingerprint.h src/se/se_fingerprint.c \
	src/se/emu/emu.h src/se/emu/emu_token.h \
	src/se/emu/emu_backend.c src/se/emu/emu_token.c src/se/emu/emu_items.c \
	src/se/emu/emu_instance.c src/se/emu/emu_seal.c src/se/emu/emu_fingerprint.c \
	src/se/emu/emu_manifest.c

if HAVE_CMOCKA
# The emulator token tests link weak stand-ins for the operation half
# (test_emu_token_support.c), so they run whether or not emu_ops.c is built.
EMU_TOKEN_TEST_SUPPORT = tests/unit/test_emu_token_support.c tests/unit/test_emu_token_support.h
check_PROGRAMS += tests/unit/test_emu_token tests/unit/test_emu_token_items tests/unit/test_emu_token_format \
	tests/unit/test_emu_manifest
TESTS += tests/unit/test_emu_token tests/unit/test_emu_token_items tests/unit/test_emu_token_format \
	tests/unit/test_emu_manifest
tests_unit_test_emu_token_SOURCES = tests/unit/test_emu_token.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_token_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_token_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_emu_token_items_SOURCES = tests/unit/test_emu_token_items.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_token_items_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_token_items_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_emu_token_format_SOURCES = tests/unit/test_emu_token_format.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_token_format_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_token_format_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
tests_unit_test_emu_manifest_SOURCES = tests/unit/test_emu_manifest.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_manifest_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_manifest_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
