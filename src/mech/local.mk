# src/mech build fragment: the mechanism registry and PKCS#11 operation rules.
# (The emulator's operation half, src/se/emu/emu_ops*.c, is listed by
# src/se/local.mk: each fragment lists only its own directory's files.)
libportfolio_internal_la_SOURCES += \
	src/mech/mech.h \
	src/mech/mech_local.h \
	src/mech/mech_registry.c \
	src/mech/mech_op.c \
	src/mech/mech_msg.h src/mech/mech_msg.c src/mech/mech_msg_iv.c \
	src/mech/mech_aes.c \
	src/mech/mech_aes_gcm.c \
	src/mech/mech_aes_ccm.c \
	src/mech/mech_mac.c \
	src/mech/mech_digest.c \
	src/mech/mech_portfolio.c \
	src/mech/mech_div.c \
	src/mech/mech_scp80.c \
	src/mech/mech_keygen.c \
	src/mech/mech_wrap.h src/mech/mech_wrap.c \
	src/mech/mech_derive.c
