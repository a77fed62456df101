#!/bin/bash
# install-deps.sh - everything needed to build, test and benchmark
# portfolio-pkcs11 on Debian bookworm. Idempotent: when every package is
# already installed it does nothing (no network). Quiet on success; on
# failure it prints apt's output and exits non-zero.
set -euo pipefail

packages=(
	build-essential autoconf automake libtool pkg-config   # toolchain
	libssl-dev openssl libsqlite3-dev sqlite3 libcmocka-dev # libraries, CLI oracles
	libjson-c-dev                                          # portfolio-tool --json
	opensc softhsm2 p11-kit libp11-kit-dev                 # interop partners
	python3 python3-pykcs11 python3-cryptography           # PyKCS11 interop test
	python3-jwcrypto                                       # JOSE interop test (tests/interop/jose_jwcrypto*.py)
	util-linux coreutils gawk                              # setpriv, od, awk in tests
	valgrind
	gnuplot-nox                                            # scripts/bench-charts.sh
	pcscd libpcsclite-dev vsmartcard-vpcd                   # PC/SC backend and its test path
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
	exit 0
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: not root and no sudo" >&2; exit 1; }
	sudo=(sudo)
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get update -qq >"$log" 2>&1 ||
   ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	cat "$log" >&2
	echo "install-deps: FAILED" >&2
	exit 1
fi
echo "install-deps: done"
