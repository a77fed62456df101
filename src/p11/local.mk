# src/p11 build fragment: the C_* entry points, linked only into the module
# (the unit tests link them through the test library below).
P11_SOURCES = src/p11/p11.h src/p11/p11_lists.h src/p11/p11_lists.c src/p11/p11_general.c \
	src/p11/p11_token.c src/p11/p11_object.c src/p11/p11_crypto.c src/p11/p11_unsupported.c
libportfolio_pkcs11_la_SOURCES += $(P11_SOURCES)
