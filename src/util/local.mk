# src/util: two libraries.
#
# libportfolio-common.la, the common library: one definition of each rule and
# constant that more than one program needs (the challenge encoding, the hex
# decoder, the return-code names, the shared sizes). It depends on nothing but
# libc and the PKCS#11 header, so the module, portfolio-tool, the Object 16
# adapter, the demo and the virtual card all link it (docs/architecture.md).
noinst_LTLIBRARIES += libportfolio-common.la
libportfolio_common_la_SOURCES = src/util/challenge.c src/util/challenge.h \
	src/util/hex.c src/util/hex.h src/util/ckr_name.c src/util/ckr_name.h \
	src/util/sizes.h src/util/bytes.h

# The module's utilities (logging, wiping, secret files) go into the module itself.
libportfolio_internal_la_SOURCES += src/util/log.c src/util/log.h src/util/secure.h \
	src/util/secret_file.c src/util/secret_file.h src/util/grow.h
libportfolio_internal_la_LIBADD += libportfolio-common.la
