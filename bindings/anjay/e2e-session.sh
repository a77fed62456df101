#!/bin/bash
# The by-hand session of docs/lwm2m.md: Wakaama's example server (built
# outside this repository) against example_client.c on loopback, 50 s at most.
#   SERVER=.../lwm2mserver CLIENT=.../anjay-client MODULE=.../libportfolio-pkcs11.so \
#   PORTFOLIO_PKCS11_CONF=... PORTFOLIO_PIN=... bindings/anjay/e2e-session.sh
set -u
: "${SERVER:?}" "${CLIENT:?}" "${MODULE:?}"
PORT=${PORT:-5705}
. "$(dirname "$0")/../e2e-run.sh"
session=(
	"${opening[@]}"
	"${replace_only_one[@]}"
	"write 0 /16/0/0 [{\"bn\":\"/16/0/0/\",\"n\":\"0\",\"vs\":\"GSMA-HUID-4F2A-0091\"},{\"n\":\"1\",\"vs\":\"ACME-Motors\"},{\"n\":\"2\",\"vs\":\"Roadster-X200\"},{\"n\":\"3\",\"vs\":\"RX200-FW-4.2.1\"},{\"n\":\"7\",\"vs\":\"added\"}]"
	"read 0 /16/0/0"
	"${oversized[@]}"
	"read 0 /16/0/2"
	"cancel 0 /16/0/3"
)
run_session "$CLIENT" "$MODULE" "coap://127.0.0.1:$PORT" 45
