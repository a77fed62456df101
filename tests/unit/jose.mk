# tests/unit/jose.mk: src/jose (compact JWE / JWS) against the module,
# dlopen'ed from the build tree like any PKCS#11 application.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_jose
TESTS += tests/unit/test_jose
tests_unit_test_jose_SOURCES = tests/unit/test_jose.c
tests_unit_test_jose_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_jose_LDADD = libportfolio-jose.la $(JSONC_LIBS) $(OPENSSL_LIBS) $(CMOCKA_LIBS) -ldl
endif
