#!/usr/bin/python3
"""bindings/python (portfolio_pkcs11) against the real module: a device
store and a server store provisioned with portfolio-tool, then the binding's
sign/encrypt (device, SOURCE_TOKEN) and verify/decrypt (server), with the
signature also recomputed by the openssl command line and the challenge
encoding checked on the canonical examples. Exit 77 when PyKCS11 is missing."""

import os
import subprocess
import sys
import tempfile

top_srcdir = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
top_builddir = os.environ.get("top_builddir", ".")
sys.path.insert(0, os.path.join(top_srcdir, "bindings", "python"))
try:
    import PyKCS11
    import portfolio_pkcs11 as pf
except ImportError as exc:
    print(f"SKIP: {exc}")
    sys.exit(77)

MODULE = os.path.join(top_builddir, ".libs", "libportfolio-pkcs11.so")
TOOL = os.path.join(top_builddir, "portfolio-tool")
SO_PIN, PIN = "so-pin-2468", "user-pin-1357"
K0 = "2b7e151628aed2a6abf7158809cf4f3c"   # RFC 4493 key
K1 = "000102030405060708090a0b0c0d0e0f"
ID3 = "RX200-FW 4.2.1"
failures = []


def check(ok, what):
    print(("ok     " if ok else "FAILED ") + what, flush=True)
    if not ok:
        failures.append(what)


def tool(conf, *args):
    env = dict(os.environ, PORTFOLIO_PKCS11_CONF=conf, PORTFOLIO_TOOL_MODULE=MODULE,
               PORTFOLIO_SO_PIN=SO_PIN, PORTFOLIO_PIN=PIN, PORTFOLIO_TEST_SCRYPT_N="1024")
    return subprocess.run([TOOL, *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def expect_error(code, fn, what):
    try:
        fn()
    except PyKCS11.PyKCS11Error as exc:
        check(exc.value == code, f"{what}: {exc}")
        return
    except (ValueError, LookupError) as exc:
        check(code is None, f"{what}: {exc}")
        return
    check(False, f"{what}: no error")


def challenge_vectors():
    check(pf.challenge_bytes("0x2345178") == bytes.fromhex("02345178"), "challenge 0x2345178 (odd digits)")
    check(pf.challenge_bytes("36983160") == bytes.fromhex("02345178"), "challenge decimal 36983160 = 0x2345178")
    check(pf.challenge_bytes("0") == b"\x00", "challenge 0 is one zero byte")
    check(pf.challenge_bytes(256) == b"\x01\x00", "challenge int 256")
    check(pf.challenge_bytes("0x" + "ab" * 64) == b"\xab" * 64, "a 64-byte challenge")
    expect_error(None, lambda: pf.challenge_bytes("0x" + "ab" * 65), "a 65-byte challenge is refused")
    expect_error(None, lambda: pf.challenge_bytes("0x12zz"), "a non-hex challenge is refused")
    expect_error(None, lambda: pf.challenge_bytes("-5"), "a signed challenge is refused")
    p = pf.Params(pf.SOURCE_DATA, 7, "0x2345178")
    import struct
    src, ident, ptr, n = struct.unpack("@LLPL", p.raw)
    check((src, ident, n) == (pf.SOURCE_DATA, 7, 4) and ptr != 0, "CK_PORTFOLIO_PARAMS packing")


def constants_match_header():
    """Every CK*_PORTFOLIO_* / CKP_* value of the binding against
    include/pkcs11/portfolio.h, evaluated from the header's own #defines."""
    import re
    env = {"CKM_VENDOR_DEFINED": 0x80000000, "CKO_VENDOR_DEFINED": 0x80000000, "CKA_VENDOR_DEFINED": 0x80000000}
    header = open(os.path.join(top_srcdir, "include", "pkcs11", "portfolio.h")).read()
    for name, expr in re.findall(r"#define\s+(CK\w+)\s+([^/\n]+)", header):
        expr = re.sub(r"(0x[0-9A-Fa-f]+|\d+)UL\b", r"\1", expr.strip())
        try:
            env[name] = eval(expr, {"__builtins__": {}}, env)
        except Exception:  # a type or a macro with arguments: not a value
            continue
    pairs = {
        "CKM_PORTFOLIO_AUTH_CMAC": pf.CKM_PORTFOLIO_AUTH_CMAC, "CKM_PORTFOLIO_AUTH_HMAC": pf.CKM_PORTFOLIO_AUTH_HMAC,
        "CKM_PORTFOLIO_ENC_GCM": pf.CKM_PORTFOLIO_ENC_GCM, "CKM_PORTFOLIO_ENC_CBC": pf.CKM_PORTFOLIO_ENC_CBC,
        "CKO_PORTFOLIO_IDENTITY": pf.CKO_PORTFOLIO_IDENTITY, "CKA_PORTFOLIO_IDENTITY_ID": pf.CKA_PORTFOLIO_IDENTITY_ID,
        "CKA_PORTFOLIO_IDENTITY_HASH": pf.CKA_PORTFOLIO_IDENTITY_HASH,
        "CKA_PORTFOLIO_HASH_PROVISIONED": pf.CKA_PORTFOLIO_HASH_PROVISIONED,
        "CKA_PORTFOLIO_SERVICE": pf.CKA_PORTFOLIO_SERVICE, "CKA_PORTFOLIO_KEY_INDEX": pf.CKA_PORTFOLIO_KEY_INDEX,
        "CK_PORTFOLIO_SRV_AUTHENT": pf.SRV_AUTHENT, "CK_PORTFOLIO_SRV_ENCRYPT": pf.SRV_ENCRYPT,
        "CKP_PORTFOLIO_SOURCE_TOKEN": pf.SOURCE_TOKEN, "CKP_PORTFOLIO_SOURCE_DATA": pf.SOURCE_DATA,
        "CKP_PORTFOLIO_SOURCE_HASH": pf.SOURCE_HASH, "CK_PORTFOLIO_MAX_CHALLENGE": pf.MAX_CHALLENGE,
    }
    for name, value in pairs.items():
        check(env.get(name) == value, f"{name} = {value:#x} as in portfolio.h")


def main():
    if not os.path.isfile(MODULE) or not os.path.isfile(TOOL):
        print("ERROR: module or tool not built")
        return 99
    challenge_vectors()
    constants_match_header()
    with tempfile.TemporaryDirectory(prefix="pf-python.") as tmp:
        confs = {}
        for role in ("device", "server"):
            confs[role] = os.path.join(tmp, role + ".conf")
            with open(confs[role], "w") as f:
                f.write(f"store = {tmp}/{role}.db\n")
        dev_slot = int(tool(confs["device"], "init-instance", "--label", "device"))
        srv_slot = int(tool(confs["server"], "init-instance", "--label", "server"))
        tool(confs["device"], "import-key", "--slot", str(dev_slot), "--service", "auth", "--index", "0", "--hex", K0)
        tool(confs["device"], "import-key", "--slot", str(dev_slot), "--service", "enc", "--index", "1", "--hex", K1)
        tool(confs["device"], "set-identity", "--slot", str(dev_slot), "--id", "3", "--value", ID3, "--provision")
        for service, index, key in (("auth", "0", K0), ("enc", "1", K1)):
            tool(confs["server"], "import-key", "--slot", str(srv_slot), "--service", service,
                 "--index", index, "--hex", key, "--server")
        by_tool = tool(confs["device"], "sign", "--slot", str(dev_slot), "--identity", "3",
                       "--challenge", "0x2345178", "--index", "0")
        return run(confs, dev_slot, by_tool, tmp)


def run(confs, dev_slot, by_tool, tmp):
    os.environ["PORTFOLIO_TEST_SCRYPT_N"] = "1024"
    os.environ["PORTFOLIO_PKCS11_CONF"] = confs["device"]
    with pf.Token.open(MODULE, label="device", pin=PIN) as dev:
        sig = dev.sign(3, "0x2345178", index=0)
        check(sig.hex() == by_tool, "binding sign = portfolio-tool sign")
        authdata = dev.encrypt(3, "0x2345178", index=1)
        check(len(authdata) == 12 + len(ID3) + 4 + 16, "GCM AuthData length")
        expect_error(PyKCS11.CKR_MECHANISM_PARAM_INVALID, lambda: dev.sign(9, "0x2345178"),
                     "sign of an unknown identity")
        expect_error(None, lambda: dev.key(pf.SRV_AUTHENT, 5), "a missing key is a LookupError")
    # An independent CMAC: openssl over SHA-256(identity) || challenge.
    msg = os.path.join(tmp, "msg")
    with open(msg, "wb") as f:
        f.write(pf.identity_hash(ID3) + pf.challenge_bytes("0x2345178"))
    out = subprocess.run(["openssl", "mac", "-cipher", "AES-128-CBC", "-macopt", "hexkey:" + K0,
                          "-in", msg, "CMAC"], check=True, capture_output=True, text=True).stdout
    check(sig == bytes.fromhex(out.strip()), "signature = openssl CMAC(K0, SHA-256(Identity) || Challenge)")

    # The server is another process, as it would be (a module is loaded and
    # initialised once per process, with one configuration).
    rc = subprocess.run([sys.executable, __file__, "server", confs["server"], sig.hex(), authdata.hex()]).returncode
    check(rc == 0, "server role (its own process)")
    if failures:
        print(f"FAIL: {len(failures)} check(s)")
        return 1
    print("PASS")
    return 0


def server_role(conf, sig, authdata):
    os.environ["PORTFOLIO_TEST_SCRYPT_N"] = "1024"
    os.environ["PORTFOLIO_PKCS11_CONF"] = conf
    with pf.Token.open(MODULE, label="server", pin=PIN) as srv:
        check(srv.verify(ID3, "0x2345178", sig, index=0), "server verifies (identity value)")
        check(srv.verify(None, 36983160, sig, index=0, identity_hash=pf.identity_hash(ID3)),
              "server verifies (identity hash, decimal challenge)")
        check(not srv.verify(ID3, "0x2345179", sig, index=0), "another challenge does not verify")
        check(not srv.verify("RX200-FW 4.2.2", "0x2345178", sig, index=0), "another identity does not verify")
        check(srv.decrypt(authdata, "0x2345178", index=1) == ID3.encode(), "server decrypts the Identity")
        expect_error(PyKCS11.CKR_ENCRYPTED_DATA_INVALID, lambda: srv.decrypt(authdata, "0x2345179", index=1),
                     "AuthData under another challenge")
        expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: srv.sign(3, "0x1", index=0),
                     "a server copy cannot sign")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "server":
        sys.exit(server_role(sys.argv[2], bytes.fromhex(sys.argv[3]), bytes.fromhex(sys.argv[4])))
    sys.exit(main())
