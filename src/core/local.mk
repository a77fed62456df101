# src/core build fragment
libportfolio_internal_la_SOURCES += src/core/core.h src/core/lock.h src/core/lock.c \
	src/core/conf.h src/core/config.c src/core/config_secret.c src/core/htable.h src/core/htable.c \
	src/core/module.c src/core/slot.c src/core/session.c src/core/login.c \
	src/core/attr.h src/core/attr.c src/core/attr_codec.h src/core/attr_codec.c \
	src/core/object.c src/core/object_create.c \
	src/core/object_index.h src/core/object_index.c src/core/object_sync.h src/core/object_sync.c src/core/ops.c src/core/ops_message.c \
	src/core/presence.c src/core/policy.c src/core/inflight.c \
	src/core/wrap.h src/core/wrap.c src/core/attr_array.h src/core/attr_array.c
libportfolio_internal_la_SOURCES += src/core/derive.c
libportfolio_internal_la_SOURCES += src/core/attr_sms.h src/core/attr_sms.c
