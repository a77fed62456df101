# src/demo: portfolio-lwm2m-demo, both roles of TS Appendix B.2 through the
# Object 16 adapter (device) and the module in server use (server).
# Not installed: scripts/demo.sh and tests/lwm2m/demo.sh run it from the build tree.
noinst_PROGRAMS += portfolio-lwm2m-demo
portfolio_lwm2m_demo_SOURCES = \
	src/demo/demo.c \
	src/demo/narrate.c src/demo/narrate.h \
	src/demo/provision.c src/demo/provision.h \
	src/demo/server.c src/demo/server.h \
	src/demo/device.c src/demo/device.h
portfolio_lwm2m_demo_CPPFLAGS = $(AM_CPPFLAGS) -DPORTFOLIO_PKCS11DIR='"$(pkcs11dir)"'
portfolio_lwm2m_demo_LDADD = libportfolio-lwm2m.la libportfolio-common.la $(OPENSSL_LIBS)
