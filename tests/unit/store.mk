# tests/unit/store.mk: the unit tests of src/store.
# (Every unit test program of tests/unit is declared in tests/unit.)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_store
TESTS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c
tests_unit_test_store_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
