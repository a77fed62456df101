#!/bin/bash
# make install into a temporary DESTDIR, then use the installed module as an
# unprivileged user the way p11-kit users do: a per-user .module file, the
# system store directory shared through its group. p11-kit list-modules,
# pkcs11-tool -L and the p11-kit proxy must work and print no error; a user
# outside the group gets a module without slots, silently.
. "$top_srcdir/tests/interop/common.sh"
need p11-kit pkcs11-tool setpriv getent
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to run as another user"; exit 77; }
proxy="$(pkg-config --variable=proxy_module p11-kit-1 2>/dev/null || true)"

# A make of its own, not a child of make check's jobserver.
pf_make() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" --no-print-directory -C "$top_builddir" "$@"; }
dest="$PF_TMP/dest"
group=nogroup   # stands in for the store group: it exists everywhere
pf_make install DESTDIR="$dest" \
	STORE_GROUP="$group" >"$PF_TMP/install.log" 2>&1 || { cat "$PF_TMP/install.log"; fail "make install"; }
chmod 755 "$PF_TMP"

# Paths as configured, under DESTDIR.
eval "$(printf 'pf-dirs:\n\t@printf "libdir=%%s localstatedir=%%s docdir=%%s datadir=%%s mandir=%%s pydir=%%s bindir=%%s\\n" "$(libdir)" "$(localstatedir)" "$(docdir)" "$(datadir)" "$(mandir)" "$(portfoliopythondir)" "$(bindir)"\n' |
	pf_make -s -f Makefile -f - pf-dirs)"
module="$dest$libdir/pkcs11/libportfolio-pkcs11.so"
statedir="$dest$localstatedir/lib/portfolio-pkcs11"
[ -f "$module" ] || fail "no module at $module"
[ -f "$dest$libdir/pkgconfig/portfolio-pkcs11.pc" ] || fail "no pkg-config file"
[ -f "$dest$docdir/examples/portfolio-pkcs11.conf.example" ] || fail "no example configuration"
[ -f "$dest$datadir/bash-completion/completions/portfolio-tool" ] || fail "no bash completion"
[ -f "$dest$pydir/portfolio_pkcs11.py" ] || fail "no Python binding in $pydir"
[ -f "$dest$mandir/man5/portfolio-pkcs11.conf.5" ] || fail "no portfolio-pkcs11.conf(5)"
for doc in README.md architecture.md mechanisms.md; do # what the man pages cite
	[ -f "$dest$docdir/$doc" ] || fail "$doc not installed"
done
grep -qxF "module: $libdir/pkcs11/libportfolio-pkcs11.so" \
	"$(find "$dest" -name portfolio-pkcs11.module)" || fail "the .module file names another path"
[ -d "$statedir" ] || fail "make install did not create $statedir"
[ "$(stat -c '%a %G' "$statedir")" = "2770 $group" ] ||
	fail "store directory is $(stat -c '%a %U:%G' "$statedir"), want 2770 root:$group"

# A user of the store group, with a per-user p11-kit configuration.
home="$PF_TMP/home"
mkdir -p "$home/.config/pkcs11/modules"
printf 'module: %s\n' "$module" > "$home/.config/pkcs11/modules/portfolio.module"
# Other modules registered on this machine (another build's, say) stay out of
# this user's p11-kit: only ours may speak on stderr here.
sysmods="$(pkg-config --variable=p11_module_configs p11-kit-1 2>/dev/null || true)"
for f in "$sysmods"/*.module /etc/pkcs11/modules/*.module; do
	[ -f "$f" ] || continue
	printf 'enable-in: pf-install-test-none\n' > "$home/.config/pkcs11/modules/$(basename "$f")"
done
printf 'store = %s/store.db\n' "$statedir" > "$home/portfolio-pkcs11.conf"
chown -R nobody: "$home"
as_user() { # as_user GID CMD...: nobody with primary group GID and no other
	local gid="$1"
	shift
	env -i PATH="$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" \
		PORTFOLIO_PKCS11_CONF="$home/portfolio-pkcs11.conf" \
		setpriv --reuid=nobody --regid="$gid" --clear-groups -- "$@"
}
quiet() { # quiet WHAT GID CMD...: must succeed with empty stderr
	local what="$1"
	shift
	as_user "$@" >"$PF_TMP/out" 2>"$PF_TMP/err" || fail "$what failed: $(cat "$PF_TMP/out" "$PF_TMP/err")"
	[ ! -s "$PF_TMP/err" ] || fail "$what printed: $(cat "$PF_TMP/err")"
	cat "$PF_TMP/out"
}

quiet "p11-kit list-modules" "$group" p11-kit list-modules
awk '/^[^ ]/ { on = ($1 == "portfolio:") } on' "$PF_TMP/out" | grep -q 'library-manufacturer: *portfolio' ||
	fail "p11-kit does not list the initialised module"
[ -f "$statedir/store.db" ] || fail "the group member's store was not created"
quiet "pkcs11-tool -L" "$group" pkcs11-tool --module "$module" -L
grep -q 'token state: *uninitialized' "$PF_TMP/out" || fail "no free slot offered"
if [ -n "$proxy" ] && [ -f "$proxy" ]; then
	quiet "pkcs11-tool -L through the p11-kit proxy" "$group" pkcs11-tool --module "$proxy" -L
	grep -q '): Portfolio /16/0' "$PF_TMP/out" || fail "the proxy does not show our slot"
fi

# portfolio-tool through the proxy: the proxy renumbers slots, so the
# instance comes from the module and the token is chosen by label or URI.
if [ -n "$proxy" ] && [ -f "$proxy" ]; then
	tool="$dest$bindir/portfolio-tool"
	ptool() { as_user "$group" env PORTFOLIO_SO_PIN=so-pin-1111 PORTFOLIO_PIN=user-pin-2222 \
		PORTFOLIO_TEST_SCRYPT_N=1024 "$tool" --module "$proxy" "$@"; }
	ptool init-instance --label proxied >"$PF_TMP/out" 2>"$PF_TMP/err" || fail "init-instance via proxy: $(cat "$PF_TMP/err")"
	ptool list-slots >"$PF_TMP/out" 2>"$PF_TMP/err" || fail "list-slots via proxy: $(cat "$PF_TMP/err")"
	grep -q '^Slot [0-9]* (/16/0): "proxied"' "$PF_TMP/out" || fail "instance 0 not named through the proxy: $(cat "$PF_TMP/out")"
	ptool gen-key --token proxied --service auth --index 0 >"$PF_TMP/out" 2>"$PF_TMP/err" ||
		fail "gen-key --token via proxy: $(cat "$PF_TMP/err")"
	ptool set-identity --uri 'pkcs11:token=proxied' --id 3 --value fw --provision >"$PF_TMP/out" 2>"$PF_TMP/err" ||
		fail "set-identity --uri via proxy: $(cat "$PF_TMP/err")"
	ptool sign --uri 'pkcs11:token=proxied;manufacturer=portfolio-pkcs11' --identity 3 --challenge 0x2345178 \
		--index 0 >"$PF_TMP/out" 2>"$PF_TMP/err" || fail "sign --uri via proxy: $(cat "$PF_TMP/err")"
	grep -qx '[0-9a-f]\{32\}' "$PF_TMP/out" || fail "no signature via proxy: $(cat "$PF_TMP/out")"
	sig=$(cat "$PF_TMP/out")
	# The key by the URI's object= and id= (RFC 7512), through the proxy too.
	ptool sign --uri 'pkcs11:token=proxied;object=auth-K0' --identity 3 --challenge 0x2345178 \
		>"$PF_TMP/out" 2>"$PF_TMP/err" || fail "sign by object= via proxy: $(cat "$PF_TMP/err")"
	[ "$(cat "$PF_TMP/out")" = "$sig" ] || fail "object=auth-K0 via proxy signed with another key"
	# (pkcs11-tool -O warns on stderr that CKA_VALUE is sensitive, as it must be)
	as_user "$group" pkcs11-tool --module "$proxy" --token-label proxied --login --pin user-pin-2222 -O \
		>"$PF_TMP/out" 2>"$PF_TMP/err" || fail "pkcs11-tool -O via proxy: $(cat "$PF_TMP/err")"
	id=$(sed -n 's/^ *ID: *\([0-9a-f]*\)$/\1/p' "$PF_TMP/out" | head -1)
	[ "${#id}" = 16 ] || fail "pkcs11-tool sees no 8-byte CKA_ID on the key: $(cat "$PF_TMP/out")"
	ptool sign --uri "pkcs11:token=proxied;id=$(printf '%s' "$id" | sed 's/../%&/g')" --identity 3 \
		--challenge 0x2345178 >"$PF_TMP/out" 2>"$PF_TMP/err" || fail "sign by id= via proxy: $(cat "$PF_TMP/err")"
	[ "$(cat "$PF_TMP/out")" = "$sig" ] || fail "id=$id via proxy signed with another key"
fi

# Outside the group: no slots, no noise, p11-kit still fine.
quiet "p11-kit list-modules outside the group" daemon p11-kit list-modules
awk '/^[^ ]/ { on = ($1 == "portfolio:") } on' "$PF_TMP/out" | grep -q 'library-manufacturer: *portfolio' ||
	fail "p11-kit lost the module outside the group"
! grep -q 'token:' <(awk '/^[^ ]/ { on = ($1 == "portfolio:") } on' "$PF_TMP/out") ||
	fail "a user outside the group sees a token"

pf_make uninstall DESTDIR="$dest" >>"$PF_TMP/install.log" 2>&1 ||
	fail "make uninstall"
[ -f "$statedir/store.db" ] || fail "uninstall removed a store"
echo "PASS"
