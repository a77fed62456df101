#!/bin/sh
# Compiles obj16_anjay.c against the public headers of external Anjay and
# avs_commons checkouts (never committed here). Their *_config.h.in files
# are turned into minimal config headers in a temporary directory.
set -eu
: "${ANJAY_DIR:?set ANJAY_DIR to an Anjay checkout}"
: "${AVS_COMMONS_DIR:?set AVS_COMMONS_DIR to an avs_commons checkout}"
: "${BUILD_DIR:?set BUILD_DIR to the portfolio-pkcs11 build directory (config.h)}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
mkdir -p "$cfg/anjay" "$cfg/avsystem/commons" "$cfg/avsystem/coap"
gen() {
	sed -E -e 's/^#cmakedefine (ANJAY_WITH_OBSERVE|ANJAY_WITH_LWM2M11|ANJAY_WITH_DISCOVER|AVS_COMMONS_WITH_AVS_[A-Z_]+|AVS_COMMONS_HAVE_[A-Z_]+|WITH_AVS_COAP_UDP|WITH_AVS_COAP_OBSERVE)\b.*/#define \1/' \
		-e 's/^#cmakedefine ([A-Za-z0-9_]+).*/\/* #undef \1 *\//' \
		-e 's/^#cmakedefine01 ([A-Za-z0-9_]+).*/#define \1 0/' \
		-e 's/@ANJAY_DEFAULT_SEND_FORMAT@/AVS_COAP_FORMAT_NONE/' \
		-e 's/@[A-Za-z0-9_]+@/256/g' "$1" > "$2"
}
gen "$ANJAY_DIR/include_public/anjay/anjay_config.h.in" "$cfg/anjay/anjay_config.h"
gen "$AVS_COMMONS_DIR/include_public/avsystem/commons/avs_commons_config.h.in" "$cfg/avsystem/commons/avs_commons_config.h"
gen "$ANJAY_DIR/deps/avs_coap/include_public/avsystem/coap/avs_coap_config.h.in" "$cfg/avsystem/coap/avs_coap_config.h"
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I"$cfg" -I"$ANJAY_DIR/include_public" -I"$ANJAY_DIR/deps/avs_coap/include_public" \
	-I"$AVS_COMMONS_DIR/include_public" -I"$top/include" -I"$BUILD_DIR" \
	-c "$here/obj16_anjay.c" -o "$cfg/obj16_anjay.o"
echo "obj16_anjay.c compiles against $ANJAY_DIR"
