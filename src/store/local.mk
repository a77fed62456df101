# src/store build fragment
libportfolio_internal_la_SOURCES += src/store/store.h src/store/store_internal.h \
	src/store/store_db.c src/store/store_rows.c src/store/store_changes.c src/store/store_log.c src/store/store_pepper.c
