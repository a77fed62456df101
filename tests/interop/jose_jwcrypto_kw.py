#!/usr/bin/python3
"""JOSE interop, key wrap: A128KW / A256KW with A128GCM / A256GCM, both ways
with Debian's python3-jwcrypto (see jose_interop.py). The CEK is generated
in the token and wrapped with C_WrapKey(CKM_AES_KEY_WRAP); decryption uses
C_UnwrapKey. Exit 77 (skipped) only when the module answers
CKR_FUNCTION_NOT_SUPPORTED to C_WrapKey / C_UnwrapKey; any other failure
fails the test."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jose_interop as ji  # noqa: E402

tool = ji.Tool()
skipped = None
for alg, n in (("A128KW", 16), ("A256KW", 32)):
    kek = bytes(range(0x10, 0x10 + n))
    label = f"{alg}@TEF.example"
    tool.import_key(alg, label, kek)
    for enc in ("A128GCM", "A256GCM"):
        for way in (ji.token_to_jwcrypto_jwe, ji.jwcrypto_to_token_jwe):
            p = way(tool, alg, enc, label, kek)
            if p.returncode == 0:
                continue
            err = p.stderr.decode(errors="replace")
            if "CKR_FUNCTION_NOT_SUPPORTED" in err:
                skipped = f"the module has no C_WrapKey/C_UnwrapKey yet ({err.strip().splitlines()[0]})"
            else:
                ji.check(False, f"{way.__name__} {alg}+{enc}: exit {p.returncode}: {err}")
sys.exit(ji.finish(tool, skipped))
