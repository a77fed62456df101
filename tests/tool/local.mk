# tests/tool build fragment: portfolio-tool (src/tool), its challenge
# argument and, as shell tests, the command line against the built module.
# The tool's challenge argument (the common library's rule) against the canonical examples.
if HAVE_CMOCKA
check_PROGRAMS += tests/tool/challenge_test
TESTS += tests/tool/challenge_test
tests_tool_challenge_test_SOURCES = tests/tool/challenge_test.c src/tool/challenge.c src/tool/challenge.h
tests_tool_challenge_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_tool_challenge_test_LDADD = libportfolio-common.la $(CMOCKA_LIBS)
endif

# Shell tests of the CLI against the built module (tests/tool/lib.sh sets up
# a temporary store; they skip with 77 while the module is not built).
TOOL_SHELL_TESTS = \
	tests/tool/usage.sh \
	tests/tool/args.sh \
	tests/tool/instance.sh \
	tests/tool/keys.sh \
	tests/tool/identity.sh \
	tests/tool/auth_kat.sh \
	tests/tool/encrypt.sh \
	tests/tool/validate.sh \
	tests/tool/pins.sh \
	tests/tool/completion.sh \
	tests/tool/json.sh \
	tests/tool/messages.sh \
	tests/tool/delete.sh \
	tests/tool/select.sh \
	tests/tool/conf_settings.sh \
	tests/tool/jose.sh \
	tests/tool/onem2m.sh \
	tests/tool/onem2m_tef.sh \
	tests/tool/backup.sh \
	tests/tool/sms.sh \
	tests/tool/fleet.sh
TESTS += $(TOOL_SHELL_TESTS)
EXTRA_DIST += $(TOOL_SHELL_TESTS) tests/tool/lib.sh
