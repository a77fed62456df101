# src/se build fragment: the secure-component interface, the backend registry
# and the emulator (src/se/emu: its token half and its operation half). The
# pcsc backend has its own fragment (src/se/pcsc/local.mk).
libportfolio_internal_la_SOURCES += src/se/se.h src/se/se_registry.c \
	src/se/se_fingerprint.h src/se/se_fingerprint.c \
	src/se/emu/emu.h src/se/emu/emu_token.h \
	src/se/emu/emu_backend.c src/se/emu/emu_token.c src/se/emu/emu_items.c \
	src/se/emu/emu_instance.c src/se/emu/emu_seal.c src/se/emu/emu_fingerprint.c \
	src/se/emu/emu_manifest.c src/se/emu/emu_wrap.c src/se/emu/emu_derive.c
# The manifest's sealed records (root and pages).
libportfolio_internal_la_SOURCES += src/se/emu/emu_manifest_local.h src/se/emu/emu_manifest_page.c
# The operation half: how the emulator computes each mechanism family.
libportfolio_internal_la_SOURCES += \
	src/se/emu/emu_ops_local.h \
	src/se/emu/emu_ops.c \
	src/se/emu/emu_ops_std.c \
	src/se/emu/emu_ops_ccm.c \
	src/se/emu/emu_ops_portfolio.c \
	src/se/emu/emu_policy.c \
	src/se/emu/emu_scp80.h \
	src/se/emu/emu_scp80.c \
	src/se/emu/emu_scp80_run.c \
	src/se/emu/emu_scp80_por.c \
	src/se/emu/emu_scp80_crypto.c \
	src/se/emu/emu_scp80_counter.c \
	src/se/emu/emu_scp80_policy.c \
	src/se/emu/emu_div.h \
	src/se/emu/emu_div.c \
	src/se/emu/emu_div_kdf.c
