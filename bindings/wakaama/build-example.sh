#!/bin/sh
# Builds portfolio-wakaama-client (example_client.c + the binding) against a
# Wakaama checkout that lives OUTSIDE this repository, for a manual end-to-end
# check against Wakaama's example server. Nothing of Wakaama is committed
# here, and CI never runs this.
#   WAKAAMA_DIR=/path/to/wakaama BUILD_DIR=/path/to/build bindings/wakaama/build-example.sh OUT
set -eu
: "${WAKAAMA_DIR:?set WAKAAMA_DIR to a Wakaama checkout}"
: "${BUILD_DIR:?set BUILD_DIR to the portfolio-pkcs11 build directory}"
out_bin=${1:?usage: $0 OUTPUT}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
defs="-DLWM2M_CLIENT_MODE -DLWM2M_LITTLE_ENDIAN -DLWM2M_COAP_DEFAULT_BLOCK_SIZE=1024 -DLWM2M_SUPPORT_TLV -DLWM2M_SUPPORT_SENML_JSON -DLWM2M_SUPPORT_SENML_CBOR"
winc="-I$WAKAAMA_DIR/include -I$WAKAAMA_DIR/core -I$WAKAAMA_DIR/coap -I$WAKAAMA_DIR/data"
# Wakaama's stack and the lightclient's Objects 0, 1, 3, without our flags.
for f in "$WAKAAMA_DIR"/core/*.c "$WAKAAMA_DIR"/coap/*.c "$WAKAAMA_DIR"/coap/er-coap-13/*.c "$WAKAAMA_DIR"/data/*.c \
	"$WAKAAMA_DIR"/examples/lightclient/object_security.c "$WAKAAMA_DIR"/examples/lightclient/object_server.c \
	"$WAKAAMA_DIR"/examples/lightclient/object_device.c; do
	cc -std=gnu11 -w $defs $winc -c "$f" -o "$obj/$(echo "$f" | tr / _).o"
done
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes $defs \
	-I$WAKAAMA_DIR/include -I$top/include -I$BUILD_DIR"
cc $cflags -c "$here/obj16_wakaama.c" -o "$obj/binding.o"
cc $cflags -Wno-missing-prototypes -c "$here/example_client.c" -o "$obj/client.o"
cc -o "$out_bin" "$obj"/*.o "$BUILD_DIR/.libs/libportfolio-lwm2m.so" -lcrypto -pthread \
	-Wl,-rpath,"$BUILD_DIR/.libs"
echo "built $out_bin"
