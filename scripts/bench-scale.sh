#!/bin/bash
# bench-scale.sh - how searches and the sight of another process's change grow
# with the number of objects (issue 10, "Scale"), stores in $TMPDIR (default
# /dev/shm: the module is measured, not the disk's fsync):
#   portfolio-bench -S 1000,10000,100000   C_FindObjects by label, id and
#                                          class+service+index, SoftHSM2 beside
#                                          (through bench.sh, which builds)
#   portfolio-bench -X 1000,10000          first search after another process
#                                          renamed one key
# OLD_MODULE=path/to/an/older/libportfolio-pkcs11.so adds the -X rows of that
# module (before/after). FIND_SIZES / CHANGE_SIZES change the counts; extra
# arguments go to both runs (-c: CSV).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
export TMPDIR="${TMPDIR:-/dev/shm}"

bash "$top/scripts/bench.sh" "$@" -S "${FIND_SIZES:-1000,10000,100000}"
bench="$top/build/tests/bench/portfolio-bench"
echo
"$bench" "$@" -X "${CHANGE_SIZES:-1000,10000}" "$top/build/.libs/libportfolio-pkcs11.so"
if [ -n "${OLD_MODULE:-}" ]; then
	echo
	"$bench" "$@" -X "${CHANGE_SIZES:-1000,10000}" - "$OLD_MODULE"
fi
