# src/se build fragment: the secure-component interface, the backend registry
# and the emulator's token half. (emu_ops*.c, the operation half, is listed by
# its owner's fragment or added here at integration.)
libportfolio_internal_la_SOURCES += src/se/se.h src/se/se_registry.c \
	src/se/se_fingerprint.h src/se/se_fingerprint.c \
	src/se/emu/emu.h src/se/emu/emu_token.h \
	src/se/emu/emu_backend.c src/se/emu/emu_token.c src/se/emu/emu_items.c \
	src/se/emu/emu_instance.c src/se/emu/emu_seal.c src/se/emu/emu_fingerprint.c \
	src/se/emu/emu_manifest.c src/se/emu/emu_wrap.c
libportfolio_internal_la_SOURCES += src/se/emu/emu_derive.c
