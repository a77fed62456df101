# src/jose build fragment: compact JWE / JWS over a PKCS#11 module (a client
# of the public API: it takes a CK_FUNCTION_LIST, never module internals).
# JSON through json-c, base64 through OpenSSL (docs/onem2m.md, "JOSE").
noinst_LTLIBRARIES += libportfolio-jose.la
libportfolio_jose_la_SOURCES = \
	src/jose/jose.h src/jose/jose_local.h \
	src/jose/b64url.c \
	src/jose/jose_alg.c \
	src/jose/jose_header.c \
	src/jose/jose_compact.c \
	src/jose/jose_key.c \
	src/jose/jwe_cek.c \
	src/jose/jwe.c \
	src/jose/jws.c
libportfolio_jose_la_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
libportfolio_jose_la_LIBADD = $(JSONC_LIBS) $(OPENSSL_LIBS)
