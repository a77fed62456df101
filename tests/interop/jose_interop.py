"""Shared part of the JOSE interop tests (jose_jwcrypto.py,
jose_jwcrypto_kw.py): Debian's python3-jwcrypto on one side, portfolio-tool
with the token's keys on the other, both ways.

The key bytes are known to both sides: the test imports them into the token
as a CKA_VALUE secret key outside the keysets (portfolio-tool
import-jose-key, labelled with the kid) and gives them to jwcrypto as an
"oct" JWK. Not a test by itself.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    from jwcrypto import jwe, jwk, jws
    from jwcrypto.common import json_encode
except ImportError as exc:  # pragma: no cover - environment dependent
    print(f"SKIP: {exc}")
    sys.exit(77)

SO_PIN = "so-pin-4711"
USER_PIN = "user-pin-0815"
SKIP = 77


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Tool:
    """portfolio-tool against a private store with one instance (slot 0)."""

    def __init__(self):
        top = os.environ.get("top_builddir")
        if top is None:
            print("ERROR: run through make check (top_builddir)")
            sys.exit(99)
        self.tool = os.path.join(top, "portfolio-tool")
        module = os.path.join(top, ".libs", "libportfolio-pkcs11.so")
        if not os.path.exists(self.tool) or not os.path.exists(module):
            print("SKIP: portfolio-tool or the module is not built")
            sys.exit(SKIP)
        self.tmp = tempfile.mkdtemp(prefix="pf-jose.")
        conf = os.path.join(self.tmp, "portfolio-pkcs11.conf")
        with open(conf, "w") as f:
            f.write(f"store = {self.tmp}/store.db\nlog_level = error\n")
        self.env = dict(os.environ, PORTFOLIO_PKCS11_CONF=conf, PORTFOLIO_TOOL_MODULE=module,
                        PORTFOLIO_TEST_SCRYPT_N="1024", PORTFOLIO_PIN=USER_PIN)
        self.run("init-instance", "--label", "jose", "--so-pin", SO_PIN, "--user-pin", USER_PIN)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, *args, data=b"", want=0):
        p = subprocess.run([self.tool, *args], input=data, capture_output=True, env=self.env)
        if want is not None and p.returncode != want:
            raise AssertionError(f"portfolio-tool {' '.join(args)}: exit {p.returncode}, "
                                 f"expected {want}: {p.stderr.decode(errors='replace')}")
        return p

    def import_key(self, alg, label, value):
        self.run("import-jose-key", "--slot", "0", "--label", label, "--alg", alg, "--hex", value.hex())


failures = []


def check(ok, what):
    print(("ok     " if ok else "FAILED ") + what, flush=True)
    if not ok:
        failures.append(what)


def oct_key(value):
    return jwk.JWK(kty="oct", k=b64url(value))


NONCE = bytes.fromhex("0123456789abcdef")
CONTENT = b'{"m2m:cin":{"con":"21.5 C"}}\n'


def token_to_jwcrypto_jwe(tool, alg, enc, label, value):
    """The token encrypts; jwcrypto decrypts and reads the oneM2M header."""
    p = tool.run("jwe-encrypt", "--slot", "0", "--label", label, "--alg", alg, "--enc", enc,
                 "--cty", "m2m:cin", "--nonce", NONCE.hex(), data=CONTENT, want=None)
    if p.returncode != 0:
        return p
    compact = p.stdout.decode().strip()
    t = jwe.JWE()
    t.deserialize(compact, key=oct_key(value))
    hdr = t.jose_header
    check(t.payload == CONTENT, f"jwcrypto decrypts the token's {alg}+{enc}")
    check(hdr.get("kid") == label and hdr.get("cty") == "m2m:cin" and hdr.get("nonce") == b64url(NONCE),
          f"{alg}+{enc}: kid, cty, nonce carried ({hdr})")
    return p


def jwcrypto_to_token_jwe(tool, alg, enc, label, value):
    """jwcrypto encrypts; the token decrypts (key found by kid)."""
    hdr = {"alg": alg, "enc": enc, "kid": label, "cty": "m2m:cin", "nonce": b64url(NONCE)}
    t = jwe.JWE(CONTENT, json_encode(hdr))
    t.add_recipient(oct_key(value))
    compact = t.serialize(compact=True)
    p = tool.run("--json", "jwe-decrypt", "--slot", "0", data=compact.encode(), want=None)
    if p.returncode != 0:
        return p
    doc = json.loads(p.stdout)
    check(bytes.fromhex(doc["payload"]) == CONTENT and doc["kid"] == label and
          doc["nonce"] == NONCE.hex() and doc["cty"] == "m2m:cin",
          f"the token decrypts jwcrypto's {alg}+{enc}")
    # one flipped bit in the tag: jwcrypto's own output, refused
    head, rest = compact.rsplit(".", 1)
    tag = bytearray(base64.urlsafe_b64decode(rest + "=="))
    tag[0] ^= 1
    p2 = tool.run("jwe-decrypt", "--slot", "0", data=(head + "." + b64url(bytes(tag))).encode(), want=None)
    check(p2.returncode == 3 and p2.stdout == b"", f"{alg}+{enc}: a tampered tag is refused, nothing released")
    return p


def jws_both_ways(tool, alg, label, value):
    p = tool.run("jws-sign", "--slot", "0", "--label", label, "--alg", alg, "--cty", "m2m:cin",
                 "--nonce", NONCE.hex(), data=CONTENT)
    v = jws.JWS()
    v.deserialize(p.stdout.decode().strip())
    v.verify(oct_key(value))  # raises when invalid
    check(v.payload == CONTENT and v.jose_header.get("kid") == label, f"jwcrypto verifies the token's {alg}")
    s = jws.JWS(CONTENT)
    s.add_signature(oct_key(value), None, json_encode({"alg": alg, "kid": label, "cty": "m2m:cin"}))
    compact = s.serialize(compact=True)
    p = tool.run("jws-verify", "--slot", "0", data=compact.encode())
    check(p.stdout == CONTENT, f"the token verifies jwcrypto's {alg}")
    head, body, sig = compact.split(".")
    mac = bytearray(base64.urlsafe_b64decode(sig + "=="))
    mac[-1] ^= 0x80
    p = tool.run("jws-verify", "--slot", "0", data=f"{head}.{body}.{b64url(bytes(mac))}".encode(), want=3)
    check(p.stdout == b"", f"{alg}: a wrong signature is refused, nothing released")


def finish(tool, skipped=None):
    tool.close()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    if skipped:
        print(f"SKIP: {skipped}")
        return SKIP
    return 0
