# src/mech build fragment: the mechanism registry and PKCS#11 operation rules.
# It also lists the files the engine adds to the emulator next to emu_ops.c
# (src/se/local.mk lists the token half; the op half is listed here by its owner).
libportfolio_internal_la_SOURCES += \
	src/mech/mech.h \
	src/mech/mech_local.h \
	src/mech/mech_registry.c \
	src/mech/mech_op.c \
	src/mech/mech_aes.c \
	src/mech/mech_mac.c \
	src/mech/mech_digest.c \
	src/mech/mech_portfolio.c \
	src/mech/mech_scp80.c \
	src/mech/mech_keygen.c \
	src/mech/mech_wrap.h src/mech/mech_wrap.c \
	src/se/emu/emu_ops_local.h \
	src/se/emu/emu_ops.c \
	src/se/emu/emu_ops_portfolio.c \
	src/se/emu/emu_policy.c \
	src/se/emu/emu_scp80.h \
	src/se/emu/emu_scp80.c \
	src/se/emu/emu_scp80_run.c \
	src/se/emu/emu_scp80_crypto.c \
	src/se/emu/emu_scp80_counter.c \
	src/se/emu/emu_scp80_policy.c
libportfolio_internal_la_SOURCES += src/mech/mech_derive.c
