libportfolio_internal_la_SOURCES += src/util/log.c src/util/log.h src/util/secure.h src/util/bytes.h
