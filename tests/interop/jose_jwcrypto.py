#!/usr/bin/python3
"""JOSE interop, dir and HMAC: the token's compact JWE (alg dir, enc
A128GCM / A256GCM) and JWS (HS256 / HS384 / HS512) are decrypted and
verified by Debian's python3-jwcrypto, and jwcrypto's are decrypted and
verified by the token (portfolio-tool); a tampered tag or signature from
either side is refused. The KW pairs are jose_jwcrypto_kw.py.

Run by `make check`; exit 77 = skipped (jwcrypto missing)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jose_interop as ji  # noqa: E402

tool = ji.Tool()
for enc, n in (("A128GCM", 16), ("A256GCM", 32)):
    value = bytes(range(0x40, 0x40 + n))
    label = f"dir-{enc}@TEF.example"
    tool.import_key("dir", label, value)
    ji.token_to_jwcrypto_jwe(tool, "dir", enc, label, value)
    ji.jwcrypto_to_token_jwe(tool, "dir", enc, label, value)
for alg, n in (("HS256", 32), ("HS384", 48), ("HS512", 64)):
    value = bytes(range(0x80, 0x80 + n))
    label = f"{alg}@TEF.example"
    tool.import_key(alg, label, value)
    ji.jws_both_ways(tool, alg, label, value)
sys.exit(ji.finish(tool))
