# tests/fuzz build fragment: the libFuzzer harnesses. Each harness is one file,
# tests/fuzz/fuzz_<name>.c, defining LLVMFuzzerTestOneInput, with its corpus
# in tests/fuzz/corpus/<name>/. Adding one takes the file and one line below;
# scripts/fuzz.sh finds every tests/fuzz/fuzz_*.c by itself.
#
# The same program is built two ways from the same rules:
#   - make check (gcc, no libFuzzer needed; under --enable-sanitizers with
#     ASan+UBSan): the harness linked with the replay driver (replay_main.c),
#     run as an ordinary test over its committed corpus;
#   - scripts/fuzz.sh (clang, configure FUZZ_ENGINE=-fsanitize=fuzzer): the
#     harness linked with libFuzzer, whose main drives it. Both link through libtool, which brings every
#     library the module's objects need (OpenSSL, SQLite, pcsc-lite, ...).
FUZZ_HARNESSES =
FUZZ_HARNESSES += tests/fuzz/fuzz_p11
FUZZ_HARNESSES += tests/fuzz/fuzz_records
FUZZ_HARNESSES += tests/fuzz/fuzz_text
FUZZ_HARNESSES += tests/fuzz/fuzz_lwm2m
FUZZ_HARNESSES += tests/fuzz/fuzz_apdu
FUZZ_HARNESSES += tests/fuzz/fuzz_sms
FUZZ_HARNESSES += tests/fuzz/fuzz_store
FUZZ_HARNESSES += tests/fuzz/fuzz_cardpolicy
FUZZ_HARNESSES += tests/fuzz/fuzz_jose
tests_fuzz_fuzz_jose_LDADD = $(LDADD) libportfolio-jose.la $(JSONC_LIBS)

check_PROGRAMS += $(FUZZ_HARNESSES)
TESTS += $(FUZZ_HARNESSES)

# The replay driver; and what harnesses share (libfuzz-support.la): the
# virtual card applet (the vcard daemon's code, in no library of its own) with
# the host end of its channel (vcard_rig.c), and a provisioned token that is
# put back before every input (p11_rig.c).
check_LTLIBRARIES += tests/fuzz/libfuzz-replay.la tests/fuzz/libfuzz-support.la
tests_fuzz_libfuzz_replay_la_SOURCES = tests/fuzz/replay_main.c tests/fuzz/fuzz_input.h
tests_fuzz_libfuzz_support_la_SOURCES = $(VCARD_APPLET_SOURCES) tests/fuzz/fuzz_input.h \
	tests/fuzz/vcard_rig.h tests/fuzz/vcard_rig.c tests/fuzz/p11_rig.h tests/fuzz/p11_rig.c \
	tests/fuzz/fuzz_crypto.h
# Own object names: the vcard daemon compiles the same sources without libtool.
tests_fuzz_libfuzz_support_la_CPPFLAGS = $(AM_CPPFLAGS)

# main: libFuzzer's in the fuzz build (configure.ac, FUZZ_ENGINE), else the replay's.
if FUZZ_ENGINE
FUZZ_DRIVER = $(FUZZ_ENGINE)
else
FUZZ_DRIVER = tests/fuzz/libfuzz-replay.la
endif

# Every harness links the same libraries (a static archive member is only
# linked when a harness uses it). LDADD is the default of programs without
# their own _LDADD: every other program in the tree names its own.
LDADD = $(FUZZ_DRIVER) tests/fuzz/libfuzz-support.la libportfolio-lwm2m-impl.la libportfolio-internal.la \
	$(OPENSSL_LIBS)

EXTRA_DIST += tests/fuzz/corpus
