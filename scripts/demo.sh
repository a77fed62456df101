#!/bin/bash
# demo.sh - build portfolio-pkcs11 and run the two use cases of the OMA LwM2M
# Portfolio Object TS (Appendix B.2) against the embedded emulator, twice:
# first through the built portfolio-tool and module, then through LwM2M
# Object 16 (portfolio-lwm2m-demo: the device side answers EXECUTE/READ/WRITE
# through libportfolio-lwm2m as a stack would, the server side verifies and
# decrypts with the same module in server use):
#
#   Use Case 1  Host Device authentication:  EXECUTE /16/0/1 0='0',1='3',2='0x2345178',3='0'
#   Use Case 2  encrypted Identity data:      EXECUTE /16/0/1 0='1',1='2',2='0x2345178',3='1'
#
# The "device" and the "Car Manufacturer Server" each get their own temporary
# configuration and store, as they would be two machines (part 3 adds a third,
# the oneM2M TEF). Nothing outside a
# temporary directory is touched (apart from the build, and the packages
# scripts/install-deps.sh installs).
#
#   Part 3      oneM2M: AE1 derives the container keys from Ke in its token
#               (onem2m-derive), publishes a JWE content instance; the TEF,
#               which shares Ke, derives the same keys in its own token and
#               provisions AE2 with K_container_conf wrapped under AE2's
#               transport key (export-key --label); AE2 imports it
#               decrypt-only, decrypts the JWE, a tampered one is refused and
#               so is AE2 encrypting (docs/onem2m.md, JOSE)
#
# Usage: scripts/demo.sh [--no-deps] [--no-build]
#   --no-deps   do not run scripts/install-deps.sh
#   --no-build  use the existing build/ tree as it is
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="${PORTFOLIO_BUILD_DIR:-$ROOT/build}"
deps=1 build=1
for arg in "$@"; do
	case $arg in
	--no-deps) deps=0 ;;
	--no-build) build=0 ;;
	*) echo "usage: $0 [--no-deps] [--no-build]" >&2; exit 2 ;;
	esac
done

bold= dim= off=
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true) dim=$(tput dim 2>/dev/null || true) off=$(tput sgr0 2>/dev/null || true)
fi
section() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$off"; }
say() { printf '%s\n' "$*"; }

# ---- build -----------------------------------------------------------------
if [ "$build" = 1 ]; then
	section "Building"
	if [ "$deps" = 1 ]; then
		bash "$ROOT/scripts/install-deps.sh"
	fi
	(cd "$ROOT" && autoreconf -fi)
	mkdir -p "$BUILD"
	(cd "$BUILD" && { [ -f Makefile ] || "$ROOT/configure"; } && make -j2)
fi
TOOL="$BUILD/portfolio-tool"
MODULE="$BUILD/.libs/libportfolio-pkcs11.so"
LWM2M_DEMO="$BUILD/portfolio-lwm2m-demo"
[ -x "$TOOL" ] && [ -f "$MODULE" ] && [ -x "$LWM2M_DEMO" ] ||
	{ echo "demo: $TOOL, $MODULE or $LWM2M_DEMO missing; build first" >&2; exit 1; }

# ---- two worlds: the device and the server -----------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portfolio-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
umask 077
for role in device server tef; do
	printf 'store = %s/%s.db\nlog_level = error\n' "$WORK" "$role" > "$WORK/$role.conf"
done
export PORTFOLIO_TOOL_MODULE="$MODULE"
# PINs travel in the environment, never in argv (ps would show them).
DEVICE_SO_PIN=device-so-2468 DEVICE_PIN=device-1357
SERVER_SO_PIN=server-so-8642 SERVER_PIN=server-7531
TEF_SO_PIN=tef-so-9753 TEF_PIN=tef-8642

# party ROLE SO_PIN PIN CMD...: runs the tool as one party (its own store),
# echoing the command first.
party() {
	local role=$1 so_pin=$2 pin=$3
	shift 3
	printf '%s  %s$ portfolio-tool%s%s\n' "$dim" "$role" "$(printf ' %q' "$@")" "$off" >&2
	PORTFOLIO_PKCS11_CONF="$WORK/$role.conf" PORTFOLIO_SO_PIN=$so_pin PORTFOLIO_PIN=$pin "$TOOL" "$@"
}
device() { party device "$DEVICE_SO_PIN" "$DEVICE_PIN" "$@"; }
server() { party server "$SERVER_SO_PIN" "$SERVER_PIN" "$@"; }
tef() { party tef "$TEF_SO_PIN" "$TEF_PIN" "$@"; }

# refused WHAT CMD...: CMD is a refusal the story expects. It must fail; what
# it printed on stderr is shown without the tool's raw error line, and the
# reason comes as one sentence ("rejected: <why> (CKR_...)", or the tool's
# own sentence when no PKCS#11 call failed).
refused() {
	local what=$1 reason
	shift
	if "$@" 2>"$WORK/err"; then
		cat "$WORK/err" >&2
		echo "demo: $what was accepted: this is a bug" >&2
		exit 1
	fi
	grep -v '^portfolio-tool: ' "$WORK/err" >&2 || true
	reason=$(sed -n 's/^portfolio-tool: .* failed: \(CKR_[A-Z_]*\) ([^)]*): \(.*\)$/\2 (\1)/p' "$WORK/err" | head -1)
	[ -n "$reason" ] || reason=$(sed -n 's/^portfolio-tool: //p' "$WORK/err" | head -1)
	say "  -> rejected${reason:+: $reason}."
}

# The arguments of an LwM2M EXECUTE, in the Core TS grammar: d='value',...
# Sets ARG0..ARG3.
parse_execute() {
	local rest=$1 re="^([0-9])='([^']*)'(,(.*))?$"
	ARG0= ARG1= ARG2= ARG3=
	while [ -n "$rest" ]; do
		[[ $rest =~ $re ]] || { echo "demo: bad EXECUTE arguments: $1" >&2; exit 1; }
		printf -v "ARG${BASH_REMATCH[1]}" '%s' "${BASH_REMATCH[2]}"
		rest=${BASH_REMATCH[4]}
	done
}

# ---- provisioning --------------------------------------------------------------
section "Provisioning (in the factory, by the Car Manufacturer)"
say "The Secure Component of the vehicle gets a Portfolio instance, a key K0"
say "for authentication, a key K1 for encryption, and the four GSMA Host Device"
say "identities (TS Appendix B.1) with their hashes."
openssl rand -hex 16 > "$WORK/K0.hex"
openssl rand -hex 16 > "$WORK/K1.hex"
iid=$(device init-instance --label "Vehicle ECU")
say "-> instance /16/$iid created"
device import-key --slot "$iid" --service auth --index 0 --hex-file "$WORK/K0.hex"
device import-key --slot "$iid" --service enc --index 1 --hex-file "$WORK/K1.hex"
HOST_UNIQUE_ID="GSMA-HUID-4F2A-0091"
HOST_MAN="ACME Motors"
HOST_MOD="Roadster X200"
HOST_SWV="RX200-FW 4.2.1"
i=0
for value in "$HOST_UNIQUE_ID" "$HOST_MAN" "$HOST_MOD" "$HOST_SWV"; do
	device set-identity --slot "$iid" --id "$i" --value "$value" --provision
	i=$((i + 1))
done
device list-objects --slot "$iid" --login

section "The Car Manufacturer Server (a separate store: another machine)"
say "The server holds check-only copies of K0 and K1: K0 can verify but not sign,"
say "K1 can decrypt but not encrypt. It knows which identities it expects."
sid=$(server init-instance --label "Car Manufacturer HSM")
server import-key --slot "$sid" --service auth --index 0 --hex-file "$WORK/K0.hex" --server
server import-key --slot "$sid" --service enc --index 1 --hex-file "$WORK/K1.hex" --server
# The key files were only the out-of-band transport between factory and server.
rm -f "$WORK/K0.hex" "$WORK/K1.hex"
server list-objects --slot "$sid" --login

# ---- use case 1 ------------------------------------------------------------------
section "Use Case 1: Vehicle (Host Device) authentication"
EXEC1="0='0',1='3',2='0x2345178',3='0'"
say "Server: EXECUTE /16/$iid/1 $EXEC1   (GetAuthData; AuthStatus -> IDLE)"
parse_execute "$EXEC1"
say "  argument 0 = $ARG0 (SRV_AUTHENT), 1 = $ARG1 (Identity HostSwV), 2 = $ARG2 (challenge), 3 = $ARG3 (key K$ARG3)"
say "Device: the Secure Component signs Hash(Identity $ARG1) + challenge with K$ARG3:"
sig=$(device sign --slot "$iid" --identity "$ARG1" --challenge "$ARG2" --index "$ARG3")
say "  AuthData = $sig   (AuthStatus -> DATA_AVAIL; NOTIFY/READ; -> IDLE)"
say "Server: verify against the software version it expects, \"$HOST_SWV\":"
server verify --slot "$sid" --identity-value "$HOST_SWV" --challenge "$ARG2" --index "$ARG3" --signature "$sig"
say "  -> the vehicle is authenticated."
TAMPERED="RX200-FW 4.2.1-patched"
say "A vehicle whose identity differs (\"$TAMPERED\") cannot produce that signature:"
refused "a tampered identity" \
	server verify --slot "$sid" --identity-value "$TAMPERED" --challenge "$ARG2" --index "$ARG3" --signature "$sig"
say "Nor does rewriting the Identity on the device (an LwM2M WRITE) change what it can prove:"
device set-identity --slot "$iid" --id 3 --value "$TAMPERED"
sig2=$(device sign --slot "$iid" --identity 3 --challenge "$ARG2" --index 0)
say "  AuthData = $sig2   (the same as before: the provisioned hash is what is signed)"
refused "a rewritten identity" \
	server verify --slot "$sid" --identity-value "$TAMPERED" --challenge "$ARG2" --index 0 --signature "$sig2"
say "  (still only the provisioned hash is signed; the forged value does not verify)"
device set-identity --slot "$iid" --id 3 --value "$HOST_SWV"

# ---- use case 2 ------------------------------------------------------------------
section "Use Case 2: encryption of sensitive data of the Portfolio instance"
EXEC2="0='1',1='2',2='0x2345178',3='1'"
say "Server: EXECUTE /16/$iid/1 $EXEC2"
parse_execute "$EXEC2"
say "  argument 0 = $ARG0 (SRV_ENCRYPT), 1 = $ARG1 (Identity HostMod), 2 = $ARG2 (challenge), 3 = $ARG3 (key K$ARG3 of the encryption keyset)"
say "Device: the Secure Component encrypts Identity $ARG1 + challenge with K$ARG3 (AES-GCM):"
authdata=$(device encrypt --slot "$iid" --identity "$ARG1" --challenge "$ARG2" --index "$ARG3")
say "  AuthData = $authdata"
say "Server: decrypt, checking the tag and that the challenge is the one it sent:"
model=$(server decrypt --slot "$sid" --challenge "$ARG2" --index "$ARG3" --data "$authdata")
say "  -> Host Device Model: $bold$model$off"
say "The same AuthData presented against another challenge (a replay) is refused:"
refused "a replay against another challenge" \
	server decrypt --slot "$sid" --challenge 0x2345179 --index "$ARG3" --data "$authdata"

# ---- the same over LwM2M Object 16 -----------------------------------------------
section "Part 2: the same use cases over LwM2M Object 16 (libportfolio-lwm2m)"
say "portfolio-lwm2m-demo plays both roles in one process, each with its own token:"
say "the device answers EXECUTE /16/0/1, observe evaluation, READ /16/0/2 and"
say "WRITE /16/0/0/1 through the Object 16 adapter, as an LwM2M stack would; the"
say "server checks the answers with C_Verify / C_Decrypt on check-only keys."
"$LWM2M_DEMO" "$MODULE"

# ---- oneM2M end-to-end data security: JOSE ----------------------------------------
section "Part 3: oneM2M end-to-end data security (JWE, docs/onem2m.md)"
say "AE1 (the device's token) and the TEF share the bootstrap credential Ke"
say "(Ke_AE1_TEF, from the TS-0003 bootstrapping between them). AE1 derives the"
say "oneM2M key chain from it inside its token (onem2m-derive: C_DeriveKey only;"
say "K_master, K_auth, K_conf are session keys destroyed at the end); its container"
say "keys never leave the token. They are labelled with their Credential-Id."
openssl rand -hex 32 > "$WORK/Ke.hex"
salt=$(openssl rand -hex 16)
nonce=0123456789abcdef
cred="$(printf 'K_AE1_Container-x_data_conf-Id' | openssl dgst -sha256 -r | cut -d' ' -f1)@TEF.com"
device import-onem2m-ke --slot "$iid" --label Ke --hex-file "$WORK/Ke.hex"
device onem2m-derive --slot "$iid" --ke Ke --salt "$salt" --container Container-x --nonce "$nonce" \
	--label "$cred"
say "AE1 publishes a content instance as a compact JWE (dir, A256GCM; kid, cty, nonce):"
printf '{"m2m:cin":{"cnf":"application/json","con":"21.5 C"}}' > "$WORK/cin.json"
device jwe-encrypt --slot "$iid" --label "$cred-conf" --cty m2m:cin --nonce "$nonce" \
	--in "$WORK/cin.json" > "$WORK/cin.jwe"
say "  $(cut -c1-72 "$WORK/cin.jwe")..."
kid=$(cut -d. -f1 "$WORK/cin.jwe" | python3 -c 'import base64, json, sys
h = sys.stdin.read().strip()
print(json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))["kid"])')

section "Part 3: the TEF provisions AE2 (a third store: the TEF's machine)"
say "AE2 reads the kid in the header (the Credential-Id) and asks the TEF for that"
say "credential. The TEF derives the same chain from its Ke inside its own token;"
say "its container keys may leave, but only wrapped, and only under a trusted KEK"
say "(--extractable: sensitive, CKA_WRAP_WITH_TRUSTED). It provisions only the"
say "container key (the seed, step 19: AE2 then has no access to other containers)."
tid=$(tef init-instance --label "oneM2M TEF")
tef import-onem2m-ke --slot "$tid" --label Ke --hex-file "$WORK/Ke.hex"
rm -f "$WORK/Ke.hex"
tef onem2m-derive --slot "$tid" --ke Ke --salt "$salt" --container Container-x --nonce "$nonce" \
	--label "$cred" --extractable
say "The KEK is AE2's transport key from its manufacturing (as a device's in"
say "docs/fleet.md): in AE2's token it only unwraps, and what it unwraps stays"
say "sensitive and unextractable; the TEF's SO holds a copy as a trusted key that"
say "only wraps (CKA_TRUSTED: only the SO can make one)."
openssl rand -hex 32 > "$WORK/transport.hex"
server import-kek --slot "$sid" --label ae2-transport --hex-file "$WORK/transport.hex" --server
tef import-kek --slot "$tid" --label ae2-transport --hex-file "$WORK/transport.hex" --so
rm -f "$WORK/transport.hex"
say "The TEF wraps the key the kid names (bound form: kind and usage travel with it):"
tef export-key --slot "$tid" --label "$kid" --kek ae2-transport --file "$WORK/credential.bk"
say "AE2 imports it decrypt-only: no encrypt, sign or derive, never extractable -"
say "the narrowed usage is what its token seals (docs/mechanisms.md 6a):"
server import-wrapped-key --slot "$sid" --kek ae2-transport --file "$WORK/credential.bk" --server --label "$kid"
rm -f "$WORK/credential.bk"

section "Part 3: AE2 consumes the content instance"
say "AE2 decrypts it with the key its kid names (the tag is checked in the token):"
say "  -> $bold$(server jwe-decrypt --slot "$sid" --in "$WORK/cin.jwe")$off"
say "A content instance tampered with on the way (one ciphertext character) is refused:"
awk -F. -v OFS=. '{ $4 = (substr($4, 1, 1) == "A" ? "B" : "A") substr($4, 2); print }' \
	"$WORK/cin.jwe" > "$WORK/bad.jwe"
refused "a tampered content instance" server jwe-decrypt --slot "$sid" --in "$WORK/bad.jwe"
say "  (no plaintext was released)"
say "AE2's copy cannot encrypt: it cannot forge a content instance of AE1:"
refused "a forged content instance" server jwe-encrypt --slot "$sid" --label "$kid" --in "$WORK/cin.json"
say "Nor can it pass the key on: the copy never leaves AE2's token, even wrapped:"
refused "AE2 re-exporting its copy" \
	server export-key --slot "$sid" --label "$kid" --kek ae2-transport --file "$WORK/again.bk"

section "Done"
say "Both use cases ran through portfolio-tool and the PKCS#11 module, then over"
say "Object 16 through libportfolio-lwm2m, and a oneM2M content instance went from"
say "AE1 to AE2 as a JWE; its key went from the TEF's token to AE2's only wrapped,"
say "and never existed in clear outside a token."
say "(The temporary stores in $WORK are removed now.)"
say "demo: all checks passed"
