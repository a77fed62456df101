# src/store build fragment
libportfolio_internal_la_SOURCES += src/store/store.h src/store/store_internal.h \
	src/store/store_db.c src/store/store_rows.c src/store/store_changes.c src/store/store_pepper.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_store
TESTS += tests/unit/test_store
tests_unit_test_store_SOURCES = tests/unit/test_store.c
tests_unit_test_store_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_store_LDADD = libportfolio-internal.la $(CMOCKA_LIBS)
endif
