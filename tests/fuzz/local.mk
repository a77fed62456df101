# tests/fuzz build fragment: the libFuzzer harnesses, replayed over their
# committed corpus as ordinary tests (gcc, no libFuzzer needed; under
# --enable-sanitizers the replay runs with ASan+UBSan). scripts/fuzz.sh builds
# the same harnesses with clang -fsanitize=fuzzer for real fuzzing runs.
FUZZ_REPLAY_SOURCES = tests/fuzz/replay_main.c tests/fuzz/fuzz_input.h
check_PROGRAMS += tests/fuzz/replay_p11 tests/fuzz/replay_records tests/fuzz/replay_text tests/fuzz/replay_lwm2m
TESTS += tests/fuzz/replay_p11 tests/fuzz/replay_records tests/fuzz/replay_text tests/fuzz/replay_lwm2m

tests_fuzz_replay_p11_SOURCES = tests/fuzz/fuzz_p11.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_p11_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"p11"'
tests_fuzz_replay_p11_LDADD = libportfolio-internal.la

tests_fuzz_replay_records_SOURCES = tests/fuzz/fuzz_records.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_records_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"records"'
tests_fuzz_replay_records_LDADD = libportfolio-internal.la

tests_fuzz_replay_text_SOURCES = tests/fuzz/fuzz_text.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_text_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"text"'
tests_fuzz_replay_text_LDADD = libportfolio-internal.la

tests_fuzz_replay_lwm2m_SOURCES = tests/fuzz/fuzz_lwm2m.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_lwm2m_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"lwm2m"'
tests_fuzz_replay_lwm2m_LDADD = libportfolio-lwm2m-impl.la libportfolio-internal.la

EXTRA_DIST += tests/fuzz/corpus

# fuzz_apdu compiles the virtual card applet's sources in itself (they are not
# in a library), so only the library is linked here.
check_PROGRAMS += tests/fuzz/replay_apdu
TESTS += tests/fuzz/replay_apdu
tests_fuzz_replay_apdu_SOURCES = tests/fuzz/fuzz_apdu.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_apdu_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"apdu"'
tests_fuzz_replay_apdu_LDADD = libportfolio-internal.la $(OPENSSL_LIBS)

# fuzz_sms: the SCP80 packet layer (src/sms). With the wt-fuzz build (one
# line per harness) this block becomes: FUZZ_HARNESSES += tests/fuzz/fuzz_sms
check_PROGRAMS += tests/fuzz/replay_sms
TESTS += tests/fuzz/replay_sms
tests_fuzz_replay_sms_SOURCES = tests/fuzz/fuzz_sms.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_sms_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_NAME='"sms"'
tests_fuzz_replay_sms_LDADD = libportfolio-internal.la
