# src/lwm2m: libportfolio-lwm2m, the stack-neutral Object 16 adapter.
# It talks to a PKCS#11 module only through a CK_FUNCTION_LIST, so it links
# nothing of the module: an implementation library (also used by the unit
# tests, which reach its internal parser) and the installed library on top.
noinst_LTLIBRARIES += libportfolio-lwm2m-impl.la
libportfolio_lwm2m_impl_la_SOURCES = \
	src/lwm2m/internal.h \
	src/lwm2m/challenge.c src/lwm2m/challenge.h \
	src/lwm2m/args.c src/lwm2m/args.h \
	src/lwm2m/diag.c \
	src/lwm2m/module.c \
	src/lwm2m/token.c \
	src/lwm2m/obj16.c \
	src/lwm2m/getauth.c \
	src/lwm2m/worker.c \
	include/portfolio-lwm2m/obj16.h
libportfolio_lwm2m_impl_la_LIBADD = $(OPENSSL_LIBS)

# Own directory variable (installs into $(libdir)): the top Makefile.am has no
# lib_LTLIBRARIES to append to.
portfoliolwm2m_libdir = $(libdir)
portfoliolwm2m_lib_LTLIBRARIES = libportfolio-lwm2m.la
libportfolio_lwm2m_la_SOURCES =
libportfolio_lwm2m_la_LIBADD = libportfolio-lwm2m-impl.la
libportfolio_lwm2m_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -no-undefined \
	-export-symbols-regex '^pf_obj16_'

portfoliolwm2m_includedir = $(includedir)/portfolio-lwm2m
portfoliolwm2m_include_HEADERS = include/portfolio-lwm2m/obj16.h

portfoliolwm2m_pkgconfigdir = $(libdir)/pkgconfig
portfoliolwm2m_pkgconfig_DATA = src/lwm2m/portfolio-lwm2m.pc
EXTRA_DIST += src/lwm2m/portfolio-lwm2m.pc.in docs/lwm2m.md \
	bindings/wakaama/README.md bindings/wakaama/obj16_wakaama.c bindings/wakaama/obj16_wakaama.h \
	bindings/wakaama/example_client.c bindings/wakaama/e2e-session.sh \
	bindings/anjay/README.md bindings/anjay/obj16_anjay.c bindings/anjay/obj16_anjay.h \
	bindings/anjay/compile-check.sh \
	bindings/zephyr/README.md bindings/zephyr/obj16_zephyr.c bindings/zephyr/obj16_zephyr.h \
	bindings/zephyr/compile-check/zephyr/net/lwm2m.h

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

include $(srcdir)/tests/lwm2m/local.mk
