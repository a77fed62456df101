#!/bin/sh
# check-layers.sh - fails when the code crosses a layer the wrong way.
#
# The table is tests/layering/layers.txt (which layer may use which). Three
# checks against it:
#   1. includes: every #include "dir/file.h" of every file under src/ names
#      a header of its own layer, of a layer it may use, or a public header
#      (include/); and no file includes another layer's private header
#      (*_local.h, *_internal.h);
#   2. symbols: every undefined symbol of every object built from src/ (nm)
#      is defined by its own layer or a layer it may use, or is a libc /
#      SQLite / pcsc-lite / json-c / ... symbol; libcrypto's computation only
#      where the table lists "libcrypto";
#   3. fragments: each local.mk (and the *.mk it includes) names only files
#      of its own directory, less its subdirectories that have a fragment of
#      their own (library names it links, public headers under include/ and
#      tools it runs from $(top_srcdir) are uses, not builds), save the
#      "build" exceptions of the table.
# Usage: check-layers.sh [srcdir [builddir]] (make check passes both through
# the environment). Exit 0 when clean, 1 with one line per violation.
set -u
srcdir=${1:-${top_srcdir:-.}}
builddir=${2:-${top_builddir:-.}}
table="$srcdir/tests/layering/layers.txt"
NM=${NM:-nm}
LC_ALL=C
export LC_ALL

test -r "$table" || { echo "check-layers: no $table" >&2; exit 99; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# "layer name dir uses..." -> $tmp/layers (dir name uses...), longest dir first.
awk '$1 == "layer" { line = $3 " " $2; for (i = 4; i <= NF; i++) if ($i != "-") line = line " " $i;
	print length($3) " " line }' "$table" | sort -rn | cut -d' ' -f2- > "$tmp/layers"
awk '$1 == "build" { print $2 " " $3 }' "$table" > "$tmp/build_exceptions"
test -s "$tmp/layers" || { echo "check-layers: empty table" >&2; exit 99; }

# layer_of PATH (relative to the top, e.g. src/se/emu/emu_seal.c) -> layer name or "".
cat > "$tmp/layer_of.awk" <<'AWK'
BEGIN { while ((getline l < LAYERS) > 0) { n++; split(l, f, " "); dir[n] = f[1]; name[n] = f[2] }
	close(LAYERS) }
function layer_of(p,   i) {
	for (i = 1; i <= n; i++)
		if (index(p, dir[i] "/") == 1)
			return name[i];
	return "";
}
AWK
# may LAYER USED -> allowed?
cat > "$tmp/may.awk" <<'AWK'
BEGIN { while ((getline l < LAYERS) > 0) { m = split(l, f, " "); ok[f[2] SUBSEP f[2]] = 1;
	for (i = 3; i <= m; i++) ok[f[2] SUBSEP f[i]] = 1 }
	close(LAYERS) }
function may(a, b) { return (a SUBSEP b) in ok }
AWK

fail=0

# ---- 1. includes -----------------------------------------------------------
(cd "$srcdir" && find src -name '*.[ch]' | sort) > "$tmp/sources"
while read -r f; do
	grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$srcdir/$f" /dev/null |
		sed "s|^$srcdir/||"
done < "$tmp/sources" > "$tmp/includes"
cat > "$tmp/includes.awk" <<'AWK'
{
	file = $0; sub(/:.*/, "", file);
	hdr = $0; sub(/^[^"]*"/, "", hdr); sub(/".*/, "", hdr);
	if (hdr !~ /\//) next;                       # config.h, a header beside the file
	if ((getline junk < (INC "/" hdr)) >= 0) { close(INC "/" hdr); next }   # public header
	from = layer_of(file); to = layer_of(hdr ~ /^src\// ? hdr : "src/" hdr);  # or a generated src/... header
	if (from == "") { print file ": not in any layer of layers.txt"; bad = 1; next }
	if (to == "") { print file ": includes \"" hdr "\", which is in no layer"; bad = 1; next }
	if (!may(from, to)) { print file ": layer " from " includes \"" hdr "\" of layer " to; bad = 1; next }
	if (from != to && hdr ~ /_(local|internal)\.h$/) {
		print file ": includes \"" hdr "\", private to layer " to; bad = 1 }
}
END { exit bad }
AWK
awk -v LAYERS="$tmp/layers" -v INC="$srcdir/include" -f "$tmp/layer_of.awk" -f "$tmp/may.awk" \
	-f "$tmp/includes.awk" "$tmp/includes" || fail=1

# ---- 2. symbols ----------------------------------------------------------------
objs=$(cd "$builddir" 2>/dev/null && find src -name '*.o' 2>/dev/null | sort)
if test -z "$objs"; then
	echo "check-layers: no objects under $builddir/src (build first); symbol check skipped" >&2
else
	for o in $objs; do
		# src/se/emu/.libs/x.o -> src/se/emu/x.o: the layer is the directory.
		p=$(echo "$o" | sed 's|/\.libs/|/|')
		"$NM" -P "$builddir/$o" 2>/dev/null | awk -v p="$p" '{ print p " " $1 " " $2 }'
	done > "$tmp/syms"
	cat > "$tmp/symbols.awk" <<'AWK'
	function crypto_sym(s) {
		return s ~ /^(EVP_|HMAC|CMAC_|RAND_|OSSL_|SHA[0-9]|AES_|BN_|PKCS5_|KDF_|EC_|RSA_|DH_|ERR_|CRYPTO_|OPENSSL_)/
	}
	FNR == NR { if ($3 != "U" && $3 != "w" && $3 != "v" && $3 ~ /[A-Z]/) def[$2] = layer_of($1); next }
	$3 == "U" {
		from = layer_of($1);
		if (from == "") next;                    # objects of tests and tools built under src/
		s = $2;
		if (s in def) to = def[s];
		else if (s == "OPENSSL_cleanse" || s == "CRYPTO_memcmp") to = "util";
		else if (crypto_sym(s)) to = "libcrypto";
		else next;                               # libc, SQLite, pcsc-lite, json-c, ...
		if (to == from || may(from, to)) next;
		key = from " " to " " s;
		if (!(key in seen)) { seen[key] = 1; print $1 ": layer " from " uses " s " of " to; bad = 1 }
	}
	END { exit bad }
AWK
	awk -v LAYERS="$tmp/layers" -f "$tmp/layer_of.awk" -f "$tmp/may.awk" -f "$tmp/symbols.awk" \
		"$tmp/syms" "$tmp/syms" || fail=1
fi

# ---- 3. fragments ----------------------------------------------------------------
(cd "$srcdir" && find . -name local.mk -not -path './build*' | sed 's|^\./||; s|/local\.mk$||' | sort) > "$tmp/fragdirs"
while read -r d; do
	for mk in "$srcdir/$d"/*.mk; do
		# Continuation lines joined; comments dropped; tokens that look like paths.
		sed 's/#.*//' "$mk" | tr '\t\\' '  ' | tr ' ' '\n' |
			grep -E '^(src|tests|bindings|include|docs|etc|scripts)/' |
			grep -v -E '\.la$' | sed "s|^|$d/${mk##*/} |"
	done
done < "$tmp/fragdirs" > "$tmp/paths"
cat > "$tmp/fragments.awk" <<'AWK'
BEGIN { while ((getline l < FRAGS) > 0) frag[l] = 1;
	while ((getline l < EXC) > 0) { split(l, f, " "); exc[f[1] SUBSEP f[2]] = 1 } }
function owner(p,   d) {        # the deepest directory of p with a fragment
	if (p in frag) return p;
	d = p;
	while (sub(/\/[^\/]*$/, "", d)) if (d in frag) return d;
	return "";
}
{
	mk = $1; p = $2; d = mk; sub(/\/[^\/]*$/, "", d);
	if (p ~ /^include\//) next;                  # public headers
	o = owner(p);
	if (o == d) next;
	for (k in exc) { split(k, e, SUBSEP); if (e[1] == d && index(p, e[2]) == 1) next }
	print mk ": names " p ", which is " (o == "" ? "in no directory with a fragment" : o "/local.mk's to build"); bad = 1
}
END { exit bad }
AWK
awk -v FRAGS="$tmp/fragdirs" -v EXC="$tmp/build_exceptions" -f "$tmp/fragments.awk" "$tmp/paths" || fail=1

exit $fail
