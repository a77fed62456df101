#!/bin/bash
# bench-scale.sh - how searches and the sight of another process's change grow
# with the number of objects (issue 10, "Scale"): builds like bench.sh, then
#   portfolio-bench -S 1000,10000,100000   C_FindObjects by label, id and
#                                          class+service+index, SoftHSM2 beside
#   portfolio-bench -X 1000,10000          first search after another process
#                                          renamed one key
# with the stores in $TMPDIR (default /dev/shm: the module is measured, not the
# disk's fsync). OLD_MODULE=path/to/an/older/libportfolio-pkcs11.so adds the
# -X rows of that module (before/after). Extra arguments go to both runs (-c: CSV).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --quiet
make -j2 --no-print-directory libportfolio-pkcs11.la tests/bench/portfolio-bench

export TMPDIR="${TMPDIR:-/dev/shm}"
softhsm=/usr/lib/softhsm/libsofthsm2.so
[ -f "$softhsm" ] || softhsm=
./tests/bench/portfolio-bench "$@" -S "${FIND_SIZES:-1000,10000,100000}" "$PWD/.libs/libportfolio-pkcs11.so" ${softhsm:+"$softhsm"}
echo
./tests/bench/portfolio-bench "$@" -X "${CHANGE_SIZES:-1000,10000}" "$PWD/.libs/libportfolio-pkcs11.so"
if [ -n "${OLD_MODULE:-}" ]; then
	echo
	./tests/bench/portfolio-bench "$@" -X "${CHANGE_SIZES:-1000,10000}" - "$OLD_MODULE"
fi
