# src/p11 build fragment: the C_* entry points, the module exports them;
# unit tests link them from the internal library like everything else.
P11_SOURCES = src/p11/p11.h src/p11/p11_lists.h src/p11/p11_lists.c src/p11/p11_general.c \
	src/p11/p11_token.c src/p11/p11_object.c src/p11/p11_crypto.c src/p11/p11_unsupported.c
libportfolio_internal_la_SOURCES += $(P11_SOURCES)
