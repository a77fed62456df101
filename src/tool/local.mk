# src/tool: portfolio-tool, the command-line tool. It talks to the module only
# through the public PKCS#11 API (dlopen), never by linking module internals.
bin_PROGRAMS += portfolio-tool
portfolio_tool_SOURCES = \
	src/tool/main.c src/tool/tool.h \
	src/tool/options.c src/tool/options.h \
	src/tool/module.c src/tool/module.h \
	src/tool/rv.c src/tool/rv.h \
	src/tool/names.c src/tool/names.h \
	src/tool/hex.c src/tool/hex.h \
	src/tool/out.c src/tool/out.h \
	src/tool/uri.c src/tool/uri.h \
	src/tool/challenge.c src/tool/challenge.h \
	src/tool/pin.c src/tool/pin.h \
	src/tool/keyinput.c src/tool/keyinput.h \
	src/tool/session.c src/tool/session.h \
	src/tool/cmd_list.c \
	src/tool/cmd_token.c \
	src/tool/cmd_key.c \
	src/tool/cmd_delete.c \
	src/tool/cmd_identity.c \
	src/tool/cmd_auth.c \
	src/tool/cmd_enc.c \
	src/tool/cmd_jose.c \
	src/tool/cmd_jose_key.c \
	src/tool/cmd_backup.c src/tool/backup_file.c src/tool/backup_file.h \
	src/tool/cmd_sms.c \
	src/tool/cmd_fleet.c \
	src/tool/cmd_onem2m.c
portfolio_tool_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(P11KIT_CFLAGS)
portfolio_tool_CPPFLAGS = $(AM_CPPFLAGS) \
	-DPORTFOLIO_TOOL_DEFAULT_MODULE='"$(pkcs11dir)/libportfolio-pkcs11.so"'
# libcrypto only for wiping (util/secure.h): the SHA-256 of an Identity it
# re-provisions is the module's (C_Digest);
# -ldl comes from configure's LIBS.
portfolio_tool_LDADD = libportfolio-jose.la libportfolio-common.la $(OPENSSL_LIBS) $(JSONC_LIBS) $(P11KIT_LIBS)
