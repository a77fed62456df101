#!/bin/bash
# The end-to-end session of docs/lwm2m.md: Wakaama's example server
# (examples/server, built from a Wakaama checkout outside this repository)
# against a client built from example_client.c, both on loopback,
# bounded in time (50 s). The server reads its commands from stdin; they are fed
# here one by one. Prints the server's console.
#   SERVER=.../lwm2mserver CLIENT=.../portfolio-wakaama-client MODULE=.../libportfolio-pkcs11.so \
#   PORTFOLIO_PKCS11_CONF=... PORTFOLIO_PIN=... bindings/wakaama/e2e-session.sh
# The module's store must hold a provisioned instance /16/0 (docs/lwm2m.md).
set -u
: "${SERVER:?}" "${CLIENT:?}" "${MODULE:?}"
PORT=${PORT:-5683}
. "$(dirname "$0")/../e2e-run.sh"
session=(
	"${opening[@]}"
	"read 0 /16/0/3"
	"write 0 /16/0/0/1 ACME-Motors-rebadged"
	"read 0 /16/0/0/1"
	"exec 0 /16/0/1 0='1',1='2',2='0x2345178',3='1'"
	"read 0 /16/0/2"
	"${replace_only_one[@]}"
	"${oversized[@]}"
	"cancel 0 /16/0/3"
)
run_session "$CLIENT" -m "$MODULE" -h 127.0.0.1 -p "$PORT" -n portfolio-vehicle -t 45
