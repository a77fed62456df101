# src/p11 build fragment: the C_* entry points, the module exports them;
# unit tests link them from the internal library like everything else.
P11_SOURCES = src/p11/p11.h src/p11/p11_lists.h src/p11/p11_lists.c src/p11/p11_general.c \
	src/p11/p11_token.c src/p11/p11_object.c src/p11/p11_crypto.c src/p11/p11_unsupported.c src/p11/p11_message.c src/p11/p11_derive.c \
	src/p11/p11_wrap.c \
	src/p11/p11_trace.c src/p11/p11_trace.h
libportfolio_internal_la_SOURCES += $(P11_SOURCES)
# The argument names the trace wrappers forward, from the header's function lists.
BUILT_SOURCES += src/p11/p11_trace_args.h
CLEANFILES += src/p11/p11_trace_args.h
# BUILT_SOURCES covers make all/check/install only; the sanitizer and valgrind
# scripts build single programs, so the object names its generated header too.
src/p11/p11_trace.lo: src/p11/p11_trace_args.h
src/p11/p11_trace_args.h: $(top_srcdir)/include/pkcs11/pkcs11.h $(top_srcdir)/scripts/p11-args.awk
	$(AM_V_GEN)$(MKDIR_P) src/p11 && $(AWK) -f $(top_srcdir)/scripts/p11-args.awk \
	  $(top_srcdir)/include/pkcs11/pkcs11.h > $@.tmp && mv $@.tmp $@

# p11-kit registration: once installed, `p11-kit list-modules` shows the module.
p11kitmoduledir = $(p11kit_module_configs)
p11kitmodule_DATA = portfolio-pkcs11.module
CLEANFILES += portfolio-pkcs11.module
portfolio-pkcs11.module: Makefile
	$(AM_V_GEN){ echo '# portfolio-pkcs11: OMA LwM2M Portfolio Object (Object 16) instances as PKCS#11 tokens'; \
	  echo 'module: $(pkcs11dir)/libportfolio-pkcs11.so'; \
	  echo 'critical: no'; } > $@
