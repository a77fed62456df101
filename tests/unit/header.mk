# tests/unit/header.mk: the unit tests of the PKCS#11 header's ABI.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_header_abi
TESTS += tests/unit/test_header_abi
tests_unit_test_header_abi_SOURCES = tests/unit/test_header_abi.c
tests_unit_test_header_abi_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_header_abi_LDADD = $(CMOCKA_LIBS)
endif
