# src/sms build fragment: the SCP80 secured packets of TS 102 225 / TS 31.115
# for LwM2M over SMS (docs/sms.md), and their unit tests.
libportfolio_internal_la_SOURCES += \
	src/sms/scp80.h \
	src/sms/scp80_local.h \
	src/sms/scp80_coding.c \
	src/sms/scp80_counter.c \
	src/sms/scp80_frame.c \
	src/sms/scp80_command.c \
	src/sms/scp80_command_wrap.c \
	src/sms/scp80_response.c \
	src/sms/scp80_response_open.c \
	src/sms/scp80_crypto_evp.h \
	src/sms/scp80_crypto_evp.c
