#!/bin/sh
# gen-config.sh ANJAY_DIR AVS_COMMONS_DIR OUT_DIR
#
# Writes the three config headers that Anjay's public headers include
# (anjay_config.h, avs_commons_config.h, avs_coap_config.h) into OUT_DIR,
# from the *_config.h.in templates of external Anjay and avs_commons trees.
# Anjay normally makes them with CMake; we only need enough of them to
# compile our binding against the public API, so:
#   - the features the binding relies on (observe, LwM2M 1.1, discover, the
#     avs_commons modules, UDP CoAP) are switched on;
#   - every other #cmakedefine is left undefined, #cmakedefine01 becomes 0;
#   - the default send format is "none" and every other @VALUE@ is 256
#     (buffer sizes and limits; any positive value compiles).
# The one copy of these rules: compile-check.sh and the Makefile rule
# behind configure --with-anjay both call this script.
set -eu
if [ $# -ne 3 ]; then
	echo "usage: $0 ANJAY_DIR AVS_COMMONS_DIR OUT_DIR" >&2
	exit 2
fi
anjay=$1
avs=$2
out=$3

gen() {
	sed -E -e 's/^#cmakedefine (ANJAY_WITH_OBSERVE|ANJAY_WITH_LWM2M11|ANJAY_WITH_DISCOVER|AVS_COMMONS_WITH_AVS_[A-Z_]+|AVS_COMMONS_HAVE_[A-Z_]+|WITH_AVS_COAP_UDP|WITH_AVS_COAP_OBSERVE)\b.*/#define \1/' \
		-e 's/^#cmakedefine ([A-Za-z0-9_]+).*/\/* #undef \1 *\//' \
		-e 's/^#cmakedefine01 ([A-Za-z0-9_]+).*/#define \1 0/' \
		-e 's/@ANJAY_DEFAULT_SEND_FORMAT@/AVS_COAP_FORMAT_NONE/' \
		-e 's/@[A-Za-z0-9_]+@/256/g' "$1" > "$2.tmp"
	# Write-then-rename: make never sees a half-written header.
	mv "$2.tmp" "$2"
}

mkdir -p "$out/anjay" "$out/avsystem/commons" "$out/avsystem/coap"
gen "$anjay/include_public/anjay/anjay_config.h.in" "$out/anjay/anjay_config.h"
gen "$avs/include_public/avsystem/commons/avs_commons_config.h.in" "$out/avsystem/commons/avs_commons_config.h"
gen "$anjay/deps/avs_coap/include_public/avsystem/coap/avs_coap_config.h.in" "$out/avsystem/coap/avs_coap_config.h"
