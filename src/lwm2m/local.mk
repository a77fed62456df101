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
EXTRA_DIST += src/lwm2m/portfolio-lwm2m.pc.in
