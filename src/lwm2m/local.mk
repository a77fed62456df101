# src/lwm2m: libportfolio-lwm2m, the stack-neutral Object 16 adapter.
# It talks to a PKCS#11 module only through a CK_FUNCTION_LIST, so it links
# nothing of the module: an implementation library (also used by the unit
# tests, which reach its internal parser) and the installed library on top.
noinst_LTLIBRARIES += libportfolio-lwm2m-impl.la
libportfolio_lwm2m_impl_la_SOURCES = \
	src/lwm2m/internal.h \
	src/lwm2m/args.c src/lwm2m/args.h \
	src/lwm2m/diag.c \
	src/lwm2m/module.c \
	src/lwm2m/token.c \
	src/lwm2m/obj16.c \
	src/lwm2m/identities.c \
	src/lwm2m/getauth.c \
	src/lwm2m/worker.c \
	src/lwm2m/sms.c src/lwm2m/sms_segments.c src/lwm2m/sms_local.h \
	include/portfolio-lwm2m/obj16.h include/portfolio-lwm2m/sms.h
libportfolio_lwm2m_impl_la_LIBADD = libportfolio-common.la $(OPENSSL_LIBS)

# Own directory variable (installs into $(libdir)): the top Makefile.am has no
# lib_LTLIBRARIES to append to.
portfoliolwm2m_libdir = $(libdir)
portfoliolwm2m_lib_LTLIBRARIES = libportfolio-lwm2m.la
libportfolio_lwm2m_la_SOURCES =
libportfolio_lwm2m_la_LIBADD = libportfolio-lwm2m-impl.la
libportfolio_lwm2m_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -no-undefined \
	-export-symbols-regex '^pf_obj16_'

portfoliolwm2m_includedir = $(includedir)/portfolio-lwm2m
portfoliolwm2m_include_HEADERS = include/portfolio-lwm2m/obj16.h include/portfolio-lwm2m/sms.h

portfoliolwm2m_pkgconfigdir = $(libdir)/pkgconfig
portfoliolwm2m_pkgconfig_DATA = src/lwm2m/portfolio-lwm2m.pc
EXTRA_DIST += src/lwm2m/portfolio-lwm2m.pc.in docs/lwm2m.md \
	bindings/wakaama/README.md bindings/wakaama/obj16_wakaama.c bindings/wakaama/obj16_wakaama.h \
	bindings/wakaama/example_client.c bindings/wakaama/e2e-session.sh \
	bindings/anjay/README.md bindings/anjay/obj16_anjay.c bindings/anjay/obj16_anjay.h \
	bindings/anjay/compile-check.sh bindings/anjay/gen-config.sh \
	bindings/anjay/example_client.c bindings/anjay/e2e-session.sh bindings/e2e-run.sh \
	bindings/zephyr/README.md bindings/zephyr/obj16_zephyr.c bindings/zephyr/obj16_zephyr.h \
	bindings/zephyr/compile-check/zephyr/net/lwm2m.h bindings/zephyr/compile-check/zephyr/kernel.h \
	bindings/zephyr/compile-check/zephyr/sys/slist.h

# configure --with-wakaama=DIR: compile our binding against the headers of an
# external Wakaama tree (a check that it fits the stack's API). Nothing here
# compiles or links Wakaama's own sources: the stack is the integrator's to build.
if WITH_WAKAAMA
noinst_LTLIBRARIES += bindings/wakaama/libportfolio-wakaama.la
bindings_wakaama_libportfolio_wakaama_la_SOURCES = bindings/wakaama/obj16_wakaama.c \
	bindings/wakaama/obj16_wakaama.h
bindings_wakaama_libportfolio_wakaama_la_CPPFLAGS = $(AM_CPPFLAGS) -DLWM2M_CLIENT_MODE \
	-DLWM2M_LITTLE_ENDIAN -I$(WAKAAMA_SRCDIR)/include
endif

# configure --with-anjay=DIR [--with-avs-commons=DIR]: the same kind of check
# for the Anjay binding. Anjay's public headers include config headers that
# its CMake build generates; gen-config.sh makes minimal ones from the
# *_config.h.in templates into the build tree (bindings/anjay/config/).
if WITH_ANJAY
noinst_LTLIBRARIES += bindings/anjay/libportfolio-anjay.la
bindings_anjay_libportfolio_anjay_la_SOURCES = bindings/anjay/obj16_anjay.c \
	bindings/anjay/obj16_anjay.h
bindings_anjay_libportfolio_anjay_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(builddir)/bindings/anjay/config \
	-I$(ANJAY_SRCDIR)/include_public -I$(ANJAY_SRCDIR)/deps/avs_coap/include_public \
	-I$(AVS_COMMONS_SRCDIR)/include_public
anjay_config_headers = bindings/anjay/config/anjay/anjay_config.h \
	bindings/anjay/config/avsystem/commons/avs_commons_config.h \
	bindings/anjay/config/avsystem/coap/avs_coap_config.h
# One stamp for the three headers, so one run of the script makes them all.
# It depends on the templates too: reconfiguring against another tree remakes them.
bindings/anjay/config/stamp: $(srcdir)/bindings/anjay/gen-config.sh Makefile \
		$(ANJAY_SRCDIR)/include_public/anjay/anjay_config.h.in \
		$(ANJAY_SRCDIR)/deps/avs_coap/include_public/avsystem/coap/avs_coap_config.h.in \
		$(AVS_COMMONS_SRCDIR)/include_public/avsystem/commons/avs_commons_config.h.in
	$(AM_V_GEN)$(SHELL) $(srcdir)/bindings/anjay/gen-config.sh '$(ANJAY_SRCDIR)' \
		'$(AVS_COMMONS_SRCDIR)' bindings/anjay/config && touch $@
# The object needs the headers before it compiles (the first build has no
# dependency information yet), hence this explicit edge.
$(bindings_anjay_libportfolio_anjay_la_OBJECTS): bindings/anjay/config/stamp
CLEANFILES += bindings/anjay/config/stamp $(anjay_config_headers)
endif

# configure --with-zephyr[=DIR|stub]: compile the Zephyr binding against a
# Zephyr tree's include/ (plus ZEPHYR_CPPFLAGS for its generated headers) or,
# with "stub", against our stand-in bindings/zephyr/compile-check.
if WITH_ZEPHYR
noinst_LTLIBRARIES += bindings/zephyr/libportfolio-zephyr.la
bindings_zephyr_libportfolio_zephyr_la_SOURCES = bindings/zephyr/obj16_zephyr.c \
	bindings/zephyr/obj16_zephyr.h
bindings_zephyr_libportfolio_zephyr_la_CPPFLAGS = $(AM_CPPFLAGS) $(ZEPHYR_BINDING_CPPFLAGS)
endif

include $(srcdir)/tests/lwm2m/local.mk
