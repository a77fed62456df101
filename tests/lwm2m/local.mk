# tests/lwm2m: the Object 16 adapter.
#   test_lwm2m_args    grammar and challenge rule (no module)
#   test_lwm2m_fake    the adapter against an in-test fake CK_FUNCTION_LIST
#   test_lwm2m_module  the adapter against the real module, dlopen'ed from
#                      the build tree (skipped, exit 77, until it exists)
#   test_lwm2m_bindings the three bindings, compiled against our stand-in
#                      stack headers (never a stack's own sources), driven
#                      through each stack's entry points with one table
if HAVE_CMOCKA
check_PROGRAMS += tests/lwm2m/test_lwm2m_args tests/lwm2m/test_lwm2m_fake tests/lwm2m/test_lwm2m_module \
	tests/lwm2m/test_lwm2m_bindings
TESTS += tests/lwm2m/test_lwm2m_args tests/lwm2m/test_lwm2m_fake tests/lwm2m/test_lwm2m_module \
	tests/lwm2m/test_lwm2m_bindings

tests_lwm2m_test_lwm2m_bindings_SOURCES = tests/lwm2m/test_bindings.c tests/lwm2m/fake_stacks.c \
	tests/lwm2m/fake_stacks.h tests/lwm2m/fake_p11.c tests/lwm2m/fake_p11.h tests/lwm2m/arg_cases.h \
	bindings/wakaama/obj16_wakaama.c bindings/anjay/obj16_anjay.c bindings/zephyr/obj16_zephyr.c \
	tests/lwm2m/standin/liblwm2m.h tests/lwm2m/standin/anjay/anjay.h \
	tests/lwm2m/standin/avsystem/commons/avs_sched.h \
	bindings/zephyr/compile-check/zephyr/net/lwm2m.h bindings/zephyr/compile-check/zephyr/kernel.h \
	bindings/zephyr/compile-check/zephyr/sys/slist.h
tests_lwm2m_test_lwm2m_bindings_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/tests/lwm2m/standin \
	-I$(srcdir)/bindings/zephyr/compile-check
tests_lwm2m_test_lwm2m_bindings_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_lwm2m_test_lwm2m_bindings_LDADD = libportfolio-lwm2m.la $(OPENSSL_LIBS) $(CMOCKA_LIBS)

# the SMS security API: a device and a server process, each its own store
check_PROGRAMS += tests/lwm2m/test_lwm2m_sms
TESTS += tests/lwm2m/test_lwm2m_sms
tests_lwm2m_test_lwm2m_sms_SOURCES = tests/lwm2m/test_sms.c
tests_lwm2m_test_lwm2m_sms_LDADD = libportfolio-lwm2m.la $(OPENSSL_LIBS)
check_PROGRAMS += tests/lwm2m/test_lwm2m_sms_segments
TESTS += tests/lwm2m/test_lwm2m_sms_segments
tests_lwm2m_test_lwm2m_sms_segments_SOURCES = tests/lwm2m/test_sms_segments.c
tests_lwm2m_test_lwm2m_sms_segments_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_lwm2m_test_lwm2m_sms_segments_LDADD = libportfolio-lwm2m-impl.la $(CMOCKA_LIBS)

tests_lwm2m_test_lwm2m_args_SOURCES = tests/lwm2m/test_args.c
tests_lwm2m_test_lwm2m_args_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_lwm2m_test_lwm2m_args_LDADD = libportfolio-lwm2m-impl.la $(CMOCKA_LIBS)

tests_lwm2m_test_lwm2m_fake_SOURCES = tests/lwm2m/test_fake.c tests/lwm2m/fake_p11.c tests/lwm2m/fake_p11.h \
	tests/lwm2m/arg_cases.h
tests_lwm2m_test_lwm2m_fake_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_lwm2m_test_lwm2m_fake_LDADD = libportfolio-lwm2m.la $(OPENSSL_LIBS) $(CMOCKA_LIBS)

tests_lwm2m_test_lwm2m_module_SOURCES = tests/lwm2m/test_module.c tests/lwm2m/arg_cases.h
tests_lwm2m_test_lwm2m_module_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_lwm2m_test_lwm2m_module_LDADD = libportfolio-lwm2m.la $(OPENSSL_LIBS) $(CMOCKA_LIBS)
endif


# portfolio-lwm2m-demo (src/demo) runs end to end and tells its key outcomes.
TESTS += tests/lwm2m/demo.sh
EXTRA_DIST += tests/lwm2m/demo.sh
