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
	bindings/wakaama/test_obj16_wakaama.c bindings/wakaama/run-test.sh \
	bindings/wakaama/example_client.c bindings/wakaama/build-example.sh bindings/wakaama/e2e-session.sh \
	bindings/anjay/README.md bindings/anjay/obj16_anjay.c bindings/anjay/obj16_anjay.h \
	bindings/anjay/compile-check.sh \
	bindings/zephyr/README.md bindings/zephyr/obj16_zephyr.c bindings/zephyr/obj16_zephyr.h \
	bindings/zephyr/compile-check/zephyr/net/lwm2m.h

# configure --with-wakaama=DIR: the binding and its example client, built
# against that external Wakaama tree. Wakaama's own files are compiled into
# a local archive without our warning flags; ours keep them.
if WITH_WAKAAMA
WAKAAMA_DEFS = -DLWM2M_CLIENT_MODE -DLWM2M_LITTLE_ENDIAN -DLWM2M_COAP_DEFAULT_BLOCK_SIZE=1024 \
	-DLWM2M_SUPPORT_TLV -DLWM2M_SUPPORT_SENML_JSON -DLWM2M_SUPPORT_SENML_CBOR
WAKAAMA_INCLUDES = -I$(WAKAAMA_SRCDIR)/include -I$(WAKAAMA_SRCDIR)/core -I$(WAKAAMA_SRCDIR)/coap -I$(WAKAAMA_SRCDIR)/data
noinst_PROGRAMS += portfolio-wakaama-client
portfolio_wakaama_client_SOURCES = bindings/wakaama/example_client.c \
	bindings/wakaama/obj16_wakaama.c bindings/wakaama/obj16_wakaama.h
portfolio_wakaama_client_CPPFLAGS = $(AM_CPPFLAGS) $(WAKAAMA_DEFS) -I$(WAKAAMA_SRCDIR)/include
portfolio_wakaama_client_LDADD = bindings/wakaama/libwakaama-ext.a libportfolio-lwm2m.la $(OPENSSL_LIBS)
CLEANFILES += bindings/wakaama/libwakaama-ext.a

bindings/wakaama/libwakaama-ext.a:
	$(AM_V_GEN)rm -rf $@.d && $(MKDIR_P) $@.d && \
	for f in $(WAKAAMA_SRCDIR)/core/*.c $(WAKAAMA_SRCDIR)/coap/*.c $(WAKAAMA_SRCDIR)/coap/er-coap-13/*.c \
		$(WAKAAMA_SRCDIR)/data/*.c $(WAKAAMA_SRCDIR)/examples/lightclient/object_security.c \
		$(WAKAAMA_SRCDIR)/examples/lightclient/object_server.c \
		$(WAKAAMA_SRCDIR)/examples/lightclient/object_device.c; do \
		$(CC) -std=gnu11 -w $(WAKAAMA_DEFS) $(WAKAAMA_INCLUDES) -c "$$f" \
			-o "$@.d/`echo "$$f" | tr / _`.o" || exit 1; \
	done && \
	rm -f $@ && $(AR) cr $@ $@.d/*.o && rm -rf $@.d
endif

include $(srcdir)/tests/lwm2m/local.mk
