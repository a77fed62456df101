#!/bin/sh
# Compiles obj16_anjay.c against the public headers of external Anjay and
# avs_commons checkouts (never committed here). Their *_config.h.in files
# are turned into minimal config headers in a temporary directory by
# gen-config.sh (the same script the configure --with-anjay build uses).
set -eu
: "${ANJAY_DIR:?set ANJAY_DIR to an Anjay checkout}"
: "${AVS_COMMONS_DIR:?set AVS_COMMONS_DIR to an avs_commons checkout}"
: "${BUILD_DIR:?set BUILD_DIR to the portfolio-pkcs11 build directory (config.h)}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
"$here/gen-config.sh" "$ANJAY_DIR" "$AVS_COMMONS_DIR" "$cfg"
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-I"$cfg" -I"$ANJAY_DIR/include_public" -I"$ANJAY_DIR/deps/avs_coap/include_public" \
	-I"$AVS_COMMONS_DIR/include_public" -I"$top/include" -I"$BUILD_DIR" \
	-c "$here/obj16_anjay.c" -o "$cfg/obj16_anjay.o"
echo "obj16_anjay.c compiles against $ANJAY_DIR"
