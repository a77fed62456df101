#!/bin/bash
# bench.sh - build portfolio-bench and the module in ./build and compare
# portfolio-pkcs11 with SoftHSM2 and bare OpenSSL. Extra arguments go to
# portfolio-bench (e.g. -s 5 for 5 seconds per cell).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --quiet
make -j2 --no-print-directory libportfolio-pkcs11.la tests/bench/portfolio-bench

softhsm=/usr/lib/softhsm/libsofthsm2.so
[ -f "$softhsm" ] || softhsm=
exec ./tests/bench/portfolio-bench "$@" "$PWD/.libs/libportfolio-pkcs11.so" ${softhsm:+"$softhsm"}
