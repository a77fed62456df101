# tests/unit/emu_token.mk: the unit tests of src/se/emu: the emulator's token half.
# (Every unit test program of tests/unit is declared in tests/unit.)
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
# the manifest in pages (format 2): rollback of pages and root, format 1, cost
check_PROGRAMS += tests/unit/test_emu_manifest_pages
TESTS += tests/unit/test_emu_manifest_pages
tests_unit_test_emu_manifest_pages_SOURCES = tests/unit/test_emu_manifest_pages.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_manifest_pages_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_manifest_pages_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
# key transport decided from the sealed policies (issue 10 item 3)
check_PROGRAMS += tests/unit/test_emu_wrap
TESTS += tests/unit/test_emu_wrap
tests_unit_test_emu_wrap_SOURCES = tests/unit/test_emu_wrap.c $(EMU_TOKEN_TEST_SUPPORT)
tests_unit_test_emu_wrap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_emu_wrap_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
