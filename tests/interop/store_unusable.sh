#!/bin/bash
# A store the user cannot reach gives a module with no slots and no noise
# (one warning line when asked for); a named configuration file that is
# missing is an error; PORTFOLIO_LOG applies before the first message.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool

# l11 OUT ERR ARGS...: pkcs11-tool with stdout and stderr kept apart.
l11() {
	local out="$1" err="$2"
	shift 2
	pkcs11-tool --module "$PF_MODULE" "$@" >"$out" 2>"$err"
}

printf 'store = %s/not-installed/store.db\n' "$PF_TMP" > "$PF_TMP/missing-dir.conf"
export PORTFOLIO_PKCS11_CONF="$PF_TMP/missing-dir.conf"
# pkcs11-tool itself says "No slots." on stderr and exits 1; what matters is
# that C_Initialize succeeded and the module printed nothing.
no_slots() {
	grep -q '^Available slots:' "$PF_TMP/out" || fail "$1: $(cat "$PF_TMP/out" "$PF_TMP/err")"
	[ "$(cat "$PF_TMP/err")" = "No slots." ] || fail "$1: stderr: $(cat "$PF_TMP/err")"
}
l11 "$PF_TMP/out" "$PF_TMP/err" -L || true
no_slots "store directory missing"
[ ! -e "$PF_TMP/not-installed" ] || fail "the module created the store directory"
PORTFOLIO_LOG=warning l11 "$PF_TMP/out" "$PF_TMP/err" -L || true
[ "$(grep -c '^portfolio-pkcs11: warning: store .* is not usable' "$PF_TMP/err")" = 1 ] ||
	fail "expected one warning line: $(cat "$PF_TMP/err")"
[ "$(grep -c '^portfolio-pkcs11:' "$PF_TMP/err")" = 1 ] || fail "more than one line: $(cat "$PF_TMP/err")"

# Another user's store (the system store without its group): no slots, silent.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -m 0700 "$PF_TMP/private"
	printf 'store = %s/private/store.db\n' "$PF_TMP" > "$PF_TMP/private.conf"
	PORTFOLIO_PKCS11_CONF="$PF_TMP/private.conf" pkcs11-tool --module "$PF_MODULE" -L >/dev/null
	[ -f "$PF_TMP/private/store.db" ] || fail "root did not create its store"
	mkdir -p "$PF_TMP/lib"
	cp "$PF_MODULE" "$PF_TMP/lib/"
	chmod 755 "$PF_TMP" "$PF_TMP/lib"
	chmod 644 "$PF_TMP/private.conf" "$PF_TMP/lib/"*
	touch "$PF_TMP/out" "$PF_TMP/err"
	chmod 666 "$PF_TMP/out" "$PF_TMP/err"
	PORTFOLIO_PKCS11_CONF="$PF_TMP/private.conf" setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
		pkcs11-tool --module "$PF_TMP/lib/$(basename "$PF_MODULE")" -L >"$PF_TMP/out" 2>"$PF_TMP/err" || true
	no_slots "another user's store"
fi

# A mistyped configuration path is an error, never the default store.
export PORTFOLIO_PKCS11_CONF="$PF_TMP/no-such.conf"
if l11 "$PF_TMP/out" "$PF_TMP/err" -L; then
	fail "a missing named configuration was accepted: $(cat "$PF_TMP/out")"
fi
grep -q 'CKR_GENERAL_ERROR' "$PF_TMP/err" || fail "no C_Initialize failure: $(cat "$PF_TMP/err")"
grep -qF "cannot read configuration $PF_TMP/no-such.conf" "$PF_TMP/err" ||
	fail "the missing file is not named: $(cat "$PF_TMP/err")"

# The environment's log level holds for the configuration's own messages.
printf 'no equals sign here\n' > "$PF_TMP/bad.conf"
export PORTFOLIO_PKCS11_CONF="$PF_TMP/bad.conf"
PORTFOLIO_LOG=none l11 "$PF_TMP/out" "$PF_TMP/err" -L || true
! grep -q 'portfolio-pkcs11:' "$PF_TMP/err" || fail "PORTFOLIO_LOG=none printed: $(cat "$PF_TMP/err")"
PORTFOLIO_LOG=error l11 "$PF_TMP/out" "$PF_TMP/err" -L || true
grep -q 'bad.conf:1' "$PF_TMP/err" || fail "the malformed line is not reported: $(cat "$PF_TMP/err")"
echo "PASS"
