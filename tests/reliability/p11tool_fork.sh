#!/bin/bash
# p11tool_fork.sh - OpenSC's own fork test against the module:
# pkcs11-tool --test-fork calls C_Initialize in a forked child.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool
out="$(timeout 60 pkcs11-tool --module "$PF_MODULE" --test-fork 2>&1)" || fail "pkcs11-tool --test-fork: $out"
echo "$out"
echo "ok - pkcs11-tool --test-fork"
