#!/bin/bash
# conf_settings.sh - every setting the configuration parser (src/core/config.c)
# knows is described in portfolio-pkcs11.conf(5) and shown in the installed
# example config (issue 14, item 9). The names come from the parser's own
# comparisons, so a setting added there without documentation fails here.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
parser="$top_srcdir/src/core/config.c"
man="$top_srcdir/docs/portfolio-pkcs11.conf.5"
example="$top_srcdir/etc/portfolio-pkcs11.conf.example.in"
fail() { echo "FAIL (conf_settings): $*" >&2; exit 1; }

globals=$(sed -n 's/.*strcmp(key, "\([a-z_0-9]*\)").*/\1/p' "$parser" | sort -u)
fields=$(sed -n 's/.*strcmp(field, "\([a-z_0-9]*\)").*/\1/p' "$parser" | sort -u)
[ -n "$globals" ] && [ -n "$fields" ] || fail "no setting names found in $parser"
n=0
for k in $globals; do
	grep -q "^\.BI $k \"" "$man" || fail "setting '$k' is not described in $(basename "$man")"
	grep -Eq "^#?$k = " "$example" || fail "setting '$k' is not in the example config"
	n=$((n + 1))
done
for k in $fields; do
	grep -q "^\.BI instance\. I \.$k\b" "$man" || fail "setting 'instance.N.$k' is not in $(basename "$man")"
	# The refused inline SCP03 form is documented as refused, never shown as an example.
	[ "$k" = scp03 ] && continue
	grep -Eq "^#?instance\.[0-9]+\.$k = " "$example" || fail "setting 'instance.N.$k' is not in the example config"
	n=$((n + 1))
done
echo "PASS: conf_settings ($n settings)"
