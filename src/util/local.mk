libportfolio_internal_la_SOURCES += src/util/log.c src/util/log.h src/util/secure.h src/util/bytes.h \
	src/util/secret_file.c src/util/secret_file.h src/util/ckr_name.c src/util/ckr_name.h
