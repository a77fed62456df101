#!/bin/sh
# Builds and runs the Wakaama binding test against a Wakaama checkout that
# lives OUTSIDE this repository (no Wakaama source is committed here).
#   WAKAAMA_DIR=/path/to/wakaama  BUILD_DIR=/path/to/portfolio/build  bindings/wakaama/run-test.sh
set -eu
: "${WAKAAMA_DIR:?set WAKAAMA_DIR to a Wakaama checkout}"
: "${BUILD_DIR:?set BUILD_DIR to the portfolio-pkcs11 build directory}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
defs="-DLWM2M_CLIENT_MODE -DLWM2M_LITTLE_ENDIAN -DLWM2M_COAP_DEFAULT_BLOCK_SIZE=1024 -DLWM2M_SUPPORT_TLV -DLWM2M_SUPPORT_SENML_JSON -DLWM2M_SUPPORT_SENML_CBOR"
wsrc=$(ls "$WAKAAMA_DIR"/core/*.c "$WAKAAMA_DIR"/coap/*.c "$WAKAAMA_DIR"/coap/er-coap-13/*.c "$WAKAAMA_DIR"/data/*.c)
# Wakaama itself is compiled without our warning flags; our files with them.
for f in $wsrc; do
	cc -std=gnu11 -w $defs -I"$WAKAAMA_DIR/include" -I"$WAKAAMA_DIR/core" -I"$WAKAAMA_DIR/coap" -I"$WAKAAMA_DIR/data" \
		-c "$f" -o "$out/$(echo "$f" | tr / _).o"
done
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes $defs \
	-I$WAKAAMA_DIR/include -I$top/include -I$top/tests/lwm2m -I$BUILD_DIR"
cc $cflags -c "$here/obj16_wakaama.c" -o "$out/binding.o"
cc $cflags -Wno-missing-prototypes -c "$here/test_obj16_wakaama.c" -o "$out/test.o"
cc $cflags -c "$top/tests/lwm2m/fake_p11.c" -o "$out/fake.o"
cc -o "$out/test" "$out"/*.o "$BUILD_DIR/.libs/libportfolio-lwm2m.so" -lcrypto -pthread \
	-Wl,-rpath,"$BUILD_DIR/.libs"
"$out/test"
