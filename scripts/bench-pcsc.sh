#!/bin/bash
# bench-pcsc.sh - milliseconds per Portfolio signature on the card (pcsc
# backend over pcscd + vpcd + portfolio-vcard, SCP03 level 33) next to the
# emulator. Builds in ./build, starts pcscd and the vcard
# (tests/pcsc/pcsc_env.sh), runs tests/pcsc/portfolio-bench-pcsc, stops what
# it started. Needs root (pcscd). Extra arguments go to the bench (-n N).
set -euo pipefail
cd "$(dirname "$0")/.."
top="$PWD"

bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --quiet
make -j2 --no-print-directory libportfolio-pkcs11.la portfolio-vcard tests/pcsc/portfolio-bench-pcsc

set +eu
. "$top/tests/pcsc/pcsc_env.sh"
pcsc_env_usable
pcsc_env_start "$PWD/portfolio-vcard"
conf="$pcsc_work/bench.conf"
cat > "$conf" <<CONF
store = $pcsc_work/store.db
log_level = error
instance.0.backend = pcsc
instance.0.reader = ${PF_PCSC_READER:-Virtual PCD 00 00}
instance.0.scp03_keyfile = $PF_PCSC_KEYFILE
CONF
chmod 600 "$conf"
PORTFOLIO_PKCS11_CONF="$conf" PORTFOLIO_TEST_SCRYPT_N=1024 \
	pcsc_run 300 ./tests/pcsc/portfolio-bench-pcsc "$@" "$PWD/.libs/libportfolio-pkcs11.so"
