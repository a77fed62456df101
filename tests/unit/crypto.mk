# tests/unit/crypto.mk: the unit tests of src/crypto: EVP wrappers and KDFs.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
crypto_unit_tests = \
	tests/unit/test_crypto_kat \
	tests/unit/test_crypto_cipher \
	tests/unit/test_crypto_kbkdf \
	tests/unit/test_crypto_hkdf \
	tests/unit/test_crypto_onem2m \
	tests/unit/test_crypto_wrap
check_PROGRAMS += $(crypto_unit_tests)
TESTS += $(crypto_unit_tests)

tests_unit_test_crypto_kat_SOURCES = tests/unit/test_crypto_kat.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_kat_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_kat_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_crypto_cipher_SOURCES = tests/unit/test_crypto_cipher.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_cipher_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_cipher_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

# SP 800-108 (NIST CAVP vectors), RFC 5869 and the oneM2M chain (issues 10, 12)
tests_unit_test_crypto_kbkdf_SOURCES = tests/unit/test_crypto_kbkdf.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_kbkdf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_kbkdf_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_crypto_hkdf_SOURCES = tests/unit/test_crypto_hkdf.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_hkdf_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_hkdf_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

tests_unit_test_crypto_onem2m_SOURCES = tests/unit/test_crypto_onem2m.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_onem2m_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_onem2m_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)

# RFC 3394 / RFC 5649 AES key wrap (issue 10 item 3)
tests_unit_test_crypto_wrap_SOURCES = tests/unit/test_crypto_wrap.c tests/unit/test_crypto_util.h
tests_unit_test_crypto_wrap_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_crypto_wrap_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
