# include/pkcs11 build fragment: the public headers and the test that pins
# pkcs11.h to the PKCS#11 3.0 binary interface.
pkcs11include_HEADERS += include/pkcs11/pkcs11.h include/pkcs11/portfolio.h

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_header_abi
TESTS += tests/unit/test_header_abi
tests_unit_test_header_abi_SOURCES = tests/unit/test_header_abi.c
tests_unit_test_header_abi_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_header_abi_LDADD = $(CMOCKA_LIBS)
endif
