# tests/unit/util.mk: the unit tests of src/util: the common library.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
# The challenge encoding against its examples and a BIGNUM model of the rule
# (libcrypto for the model only: the library itself does not use it).
check_PROGRAMS += tests/unit/test_challenge
TESTS += tests/unit/test_challenge
tests_unit_test_challenge_SOURCES = tests/unit/test_challenge.c tests/unit/test_crypto_util.h
tests_unit_test_challenge_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_challenge_LDADD = libportfolio-common.la $(OPENSSL_LIBS) $(CMOCKA_LIBS)
endif
