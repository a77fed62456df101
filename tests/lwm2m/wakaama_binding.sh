#!/bin/sh
# The Wakaama binding against Wakaama's own callbacks and serialisers.
# Needs a Wakaama checkout outside this repository: WAKAAMA_DIR=/path make check
# Skipped (77) without one.
if [ -z "${WAKAAMA_DIR:-}" ] || [ ! -f "$WAKAAMA_DIR/include/liblwm2m.h" ]; then
	echo "SKIP: set WAKAAMA_DIR to a Wakaama checkout to test bindings/wakaama"
	exit 77
fi
BUILD_DIR="$top_builddir" exec sh "$top_srcdir/bindings/wakaama/run-test.sh"
