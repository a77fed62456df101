#!/bin/bash
# p11-kit registration: a .module file in the user's configuration directory
# makes p11-kit load the module, initialise it and list it with its tokens.
. "$top_srcdir/tests/interop/common.sh"
need p11-kit

pf_label=p11kit
need pkcs11-tool
pf_init_token "$pf_label"

home="$PF_TMP/home"
mkdir -p "$home/.config/pkcs11/modules"
run=()
module="$PF_MODULE"
if [ "$(id -u)" = 0 ]; then
	# p11-kit ignores user configuration when run as root, so run it as an
	# unprivileged user, with a copy of the module and the store it can reach.
	need setpriv
	mkdir -p "$PF_TMP/lib"
	cp "$PF_MODULE" "$PF_TMP/lib/"
	module="$PF_TMP/lib/$(basename "$PF_MODULE")"
	chown -R nobody: "$PF_TMP"
	chmod 755 "$PF_TMP"
	run=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
printf 'module: %s\n' "$module" > "$home/.config/pkcs11/modules/portfolio-test.module"

out="$(env HOME="$home" XDG_CONFIG_HOME="$home/.config" PORTFOLIO_PKCS11_CONF="$PORTFOLIO_PKCS11_CONF" \
	"${run[@]}" p11-kit list-modules 2>&1)" || fail "p11-kit list-modules failed: $out"
echo "$out"
# p11-kit prints "<name>: <path>" and then indented details.
block="$(echo "$out" | awk '/^[^ ]/ { on = ($1 == "portfolio-test:") } on')"
[ -n "$block" ] || fail "p11-kit does not list the module"
echo "$block" | head -1 | grep -qF "$module" || fail "p11-kit lists another path"
echo "$block" | grep -q 'library-description' || fail "p11-kit could not initialise the module"
echo "$block" | grep -q "token: *$pf_label" || fail "p11-kit does not show the token"
echo "PASS"
