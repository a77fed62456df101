#!/usr/bin/python3
"""PyKCS11 interop: a device token and a server token talking the Portfolio
mechanisms, with every result checked independently of the module.

Device role: signs SIG_Kn(SHA-256(Identity) || Challenge) with
CKM_PORTFOLIO_AUTH_CMAC and encrypts data || Challenge with
CKM_PORTFOLIO_ENC_GCM. Server role (another token of the same module, holding
verify/decrypt-only copies of the keys): verifies and decrypts. Each
signature and ciphertext is recomputed / opened with the `cryptography`
package and, for CMAC, also with the openssl command line; those oracles are
themselves checked on RFC 4493 and NIST GCM known answers first.

Run by `make check` (top_builddir in the environment); exit 77 = skipped
because PyKCS11 or cryptography is missing.
"""

import ctypes
import PyKCS11
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

try:
    import PyKCS11
    from PyKCS11 import LowLevel  # noqa: F401  (fails early if the binding is broken)
    from cryptography.hazmat.primitives import cmac
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError as exc:  # pragma: no cover - environment dependent
    print(f"SKIP: {exc}")
    sys.exit(77)

from PyKCS11 import (CKA_CLASS, CKA_DECRYPT, CKA_ENCRYPT, CKA_KEY_TYPE, CKA_LABEL,
                     CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN, CKA_TOKEN, CKA_VALUE,
                     CKA_VERIFY, CKF_RW_SESSION, CKF_SERIAL_SESSION,
                     CKF_TOKEN_INITIALIZED, CKK_AES, CKM_AES_CMAC, CKO_SECRET_KEY,
                     CKR_ENCRYPTED_DATA_INVALID, CKR_KEY_FUNCTION_NOT_PERMITTED,
                     CKR_MECHANISM_PARAM_INVALID, CKU_SO, CKU_USER, PyKCS11Error)

# ---- portfolio.h, restated (the values are the contract) ----------------
CKR_ACTION_PROHIBITED = 0x0000001B  # PKCS#11 3.0; not in every PyKCS11

CKM_VENDOR_DEFINED = 0x80000000
CKO_VENDOR_DEFINED = 0x80000000
CKA_VENDOR_DEFINED = 0x80000000
PREFIX = 0x504F0000
CKM_PORTFOLIO_AUTH_CMAC = CKM_VENDOR_DEFINED | PREFIX | 0x0001
CKM_PORTFOLIO_ENC_GCM = CKM_VENDOR_DEFINED | PREFIX | 0x0011
CKO_PORTFOLIO_IDENTITY = CKO_VENDOR_DEFINED | PREFIX | 0x0001
CKA_PORTFOLIO_IDENTITY_ID = CKA_VENDOR_DEFINED | PREFIX | 0x0001
CKA_PORTFOLIO_SERVICE = CKA_VENDOR_DEFINED | PREFIX | 0x0010
CKA_PORTFOLIO_KEY_INDEX = CKA_VENDOR_DEFINED | PREFIX | 0x0011
SRV_AUTHENT, SRV_ENCRYPT = 0, 1
SOURCE_TOKEN, SOURCE_DATA, SOURCE_HASH = 1, 2, 3

SO_PIN = "so-pin-4711"
USER_PIN = "user-pin-0815"

# RFC 4493 example key and 40-byte message, NIST GCM test case 3 (AES-128).
RFC4493_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
RFC4493_M40 = bytes.fromhex("6bc1bee22e409f96e93d7e117393172a"
                            "ae2d8a571e03ac9c9eb76fac45af8e51"
                            "30c81c46a35ce411")
RFC4493_T40 = bytes.fromhex("dfa66747de9ae63030ca32611497c827")
GCM3_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308")
GCM3_IV = bytes.fromhex("cafebabefacedbaddecaf888")
GCM3_PT = bytes.fromhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                        "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255")
GCM3_CT_TAG = bytes.fromhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                            "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
                            "4d5c2af327cd64a62cf35abd2ba6fab4")

failures = []


def check(ok, what):
    print(("ok     " if ok else "FAILED ") + what, flush=True)
    if not ok:
        failures.append(what)


def ulong(value):
    """A CK_ULONG attribute value in native layout (PyKCS11 passes vendor
    attributes as raw bytes)."""
    return struct.pack("@L", value)


class PortfolioParams:
    """CK_PORTFOLIO_PARAMS in native layout: ulSource, ulIdentityId,
    pChallenge, ulChallengeLen. Keeps the challenge buffer alive for as long
    as the parameter bytes may be used."""

    def __init__(self, source, identity_id, challenge):
        self._challenge = ctypes.create_string_buffer(challenge, len(challenge))
        address = ctypes.addressof(self._challenge) if challenge else 0
        self.raw = struct.pack("@LLPL", source, identity_id, address, len(challenge))
        assert len(self.raw) == 4 * struct.calcsize("@L")

    def mechanism(self, mech):
        return PyKCS11.Mechanism(mech, self.raw)


def cmac_aes(key, msg):
    c = cmac.CMAC(algorithms.AES(key))
    c.update(msg)
    return c.finalize()


def openssl_cmac(key, msg, tmp):
    """CMAC by the openssl command line: a second, separate implementation."""
    path = os.path.join(tmp, "cmac-input")
    with open(path, "wb") as f:
        f.write(msg)
    cipher = "AES-128-CBC" if len(key) == 16 else "AES-256-CBC"
    out = subprocess.run(["openssl", "mac", "-cipher", cipher, "-macopt", "hexkey:" + key.hex(),
                          "-in", path, "CMAC"], check=True, capture_output=True, text=True)
    return bytes.fromhex(out.stdout.strip())


def expect_error(code, fn, what):
    try:
        fn()
    except PyKCS11Error as exc:
        check(exc.value == code, f"{what}: {PyKCS11.CKR[exc.value] if exc.value in PyKCS11.CKR else exc.value}")
        return
    check(False, f"{what}: no error")


class Module:
    def __init__(self, path):
        self.lib = PyKCS11.PyKCS11Lib()
        self.lib.load(path)

    def free_slot(self):
        for slot in self.lib.getSlotList(tokenPresent=False):
            if not self.lib.getTokenInfo(slot).flags & CKF_TOKEN_INITIALIZED:
                return slot
        raise RuntimeError("the module offers no uninitialised slot")

    def new_token(self, label):
        """Initialise the free slot's token, set the user PIN, and return a
        read-write session on it (logged out)."""
        slot = self.free_slot()
        self.lib.initToken(slot, SO_PIN, label)
        session = self.lib.openSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION)
        session.login(SO_PIN, CKU_SO)
        session.initPin(USER_PIN)
        session.logout()
        return slot, session


def secret_key(session, label, value, extra):
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, CKK_AES), (CKA_TOKEN, True),
                (CKA_PRIVATE, True), (CKA_SENSITIVE, True), (CKA_LABEL, label),
                (CKA_VALUE, value)] + extra
    return session.createObject(template)


def portfolio_key(session, label, value, service, index, use):
    """use: the CKA_SIGN/VERIFY/ENCRYPT/DECRYPT flags to set true; the others false."""
    flags = [(a, a in use) for a in (CKA_SIGN, CKA_VERIFY, CKA_ENCRYPT, CKA_DECRYPT)]
    return secret_key(session, label, value,
                      flags + [(CKA_PORTFOLIO_SERVICE, ulong(service)),
                               (CKA_PORTFOLIO_KEY_INDEX, ulong(index))])


def final_only(session, init, final, key, mech):
    """An operation on what the token holds (SOURCE_TOKEN): no data, so Init +
    Final (PyKCS11's one-shot calls refuse empty data before the module is
    even called); a length query, then the call."""
    rv = init(session.session, mech.to_native(), key)
    if rv != PyKCS11.CKR_OK:
        raise PyKCS11.PyKCS11Error(rv)
    out = PyKCS11.ckbytelist()
    for _ in range(2):
        rv = final(session.session, out)
        if rv != PyKCS11.CKR_OK:
            raise PyKCS11.PyKCS11Error(rv)
    return bytes(out)


def sign_token_source(session, key, mech):
    """Device-side signature with the Identity held by the token."""
    return final_only(session, session.lib.C_SignInit, session.lib.C_SignFinal, key, mech)


def encrypt_token_source(session, key, mech):
    """Device-side encryption of the Identity held by the token."""
    return final_only(session, session.lib.C_EncryptInit, session.lib.C_EncryptFinal, key, mech)


def main():
    top_builddir = os.environ.get("top_builddir", ".")
    module = os.environ.get("PF_MODULE",
                            os.path.join(top_builddir, ".libs", "libportfolio-pkcs11.so"))
    if not os.path.isfile(module):
        print(f"ERROR: module not built: {module}")
        return 99

    tmp = tempfile.mkdtemp(prefix="pf-pykcs11.")
    try:
        conf = os.path.join(tmp, "portfolio-pkcs11.conf")
        with open(conf, "w") as f:
            f.write(f"store = {tmp}/store.db\nlog_level = error\n")
        os.environ["PORTFOLIO_PKCS11_CONF"] = conf
        run(Module(module), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


def run(mod, tmp):
    # The oracles first: a wrong oracle would make every later check meaningless.
    check(cmac_aes(RFC4493_KEY, RFC4493_M40) == RFC4493_T40, "oracle: cryptography CMAC = RFC 4493")
    check(openssl_cmac(RFC4493_KEY, RFC4493_M40, tmp) == RFC4493_T40, "oracle: openssl mac CMAC = RFC 4493")
    check(AESGCM(GCM3_KEY).encrypt(GCM3_IV, GCM3_PT, None) == GCM3_CT_TAG, "oracle: cryptography GCM = NIST case 3")

    k_auth = os.urandom(16)
    k_enc = os.urandom(16)
    identity = b"urn:imei:490154203237518"
    identity_hash = hashlib.sha256(identity).digest()

    # ---- device token ----------------------------------------------------
    _, dev = mod.new_token("device")
    dev.login(USER_PIN, CKU_USER)
    dev_auth = portfolio_key(dev, "auth-k0", k_auth, SRV_AUTHENT, 0, {CKA_SIGN})
    dev_enc = portfolio_key(dev, "enc-k0", k_enc, SRV_ENCRYPT, 0, {CKA_ENCRYPT})

    # ---- server token: verify/decrypt-only copies of the same keys --------
    _, srv = mod.new_token("server")
    srv.login(USER_PIN, CKU_USER)
    srv_auth = portfolio_key(srv, "dev1-auth-k0", k_auth, SRV_AUTHENT, 0, {CKA_VERIFY})
    srv_enc = portfolio_key(srv, "dev1-enc-k0", k_enc, SRV_ENCRYPT, 0, {CKA_DECRYPT})

    # ---- standard CMAC known answer on the server token -----------------
    plain_key = secret_key(srv, "rfc4493", RFC4493_KEY, [(CKA_SIGN, True), (CKA_VERIFY, True)])
    tag = bytes(srv.sign(plain_key, RFC4493_M40, PyKCS11.Mechanism(CKM_AES_CMAC, None)))
    check(tag == RFC4493_T40, "CKM_AES_CMAC over 40 bytes = RFC 4493 example 3")

    # ---- the SO provisions Identity 3 (value and hash) on the device -------
    # Device keys sign and encrypt only the provisioned identity (SOURCE_TOKEN).
    dev.logout()
    dev.login(SO_PIN, CKU_SO)
    dev.createObject([(CKA_CLASS, CKO_PORTFOLIO_IDENTITY), (CKA_TOKEN, True),
                      (CKA_PORTFOLIO_IDENTITY_ID, ulong(3)), (CKA_VALUE, identity)])
    dev.logout()
    dev.login(USER_PIN, CKU_USER)
    # Handles of private objects die at logout (PKCS#11): find the keys again.
    dev_auth = dev.findObjects([(CKA_LABEL, "auth-k0")])[0]
    dev_enc = dev.findObjects([(CKA_LABEL, "enc-k0")])[0]

    # ---- AUTH: device signs, server verifies ------------------------------
    challenge = bytes.fromhex("0002345178") + os.urandom(11)
    p_token = PortfolioParams(SOURCE_TOKEN, 3, challenge)
    sig = sign_token_source(dev, dev_auth, p_token.mechanism(CKM_PORTFOLIO_AUTH_CMAC))
    expected = cmac_aes(k_auth, identity_hash + challenge)
    check(len(sig) == 16, "AUTH_CMAC signature is 16 bytes")
    check(sig == expected, "AUTH_CMAC = AES-CMAC(K, SHA-256(Identity) || Challenge) [cryptography]")
    check(sig == openssl_cmac(k_auth, identity_hash + challenge, tmp),
          "AUTH_CMAC = AES-CMAC(K, SHA-256(Identity) || Challenge) [openssl]")

    p_data = PortfolioParams(SOURCE_DATA, 0, challenge)
    p_hash = PortfolioParams(SOURCE_HASH, 0, challenge)
    check(srv.verify(srv_auth, identity_hash, sig, p_hash.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
          "server verifies the device signature (SOURCE_HASH)")
    check(srv.verify(srv_auth, identity, sig, p_data.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
          "server verifies the device signature (SOURCE_DATA)")
    bad = bytes([sig[0] ^ 1]) + sig[1:]
    check(not srv.verify(srv_auth, identity_hash, bad, p_hash.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
          "server rejects a modified signature")
    other = PortfolioParams(SOURCE_HASH, 0, os.urandom(16))
    check(not srv.verify(srv_auth, identity_hash, sig, other.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
          "server rejects the signature under another challenge")

    # Parameter and key-rule errors.
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: dev.sign(dev_auth, b"urn:imei:000000000000000", p_data.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "a device key signs no identity string the caller brings (SOURCE_DATA)")
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: dev.sign(dev_auth, identity_hash, p_hash.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "a device key signs no hash the caller brings (SOURCE_HASH)")
    expect_error(CKR_MECHANISM_PARAM_INVALID,
                 lambda: sign_token_source(dev, dev_auth,
                                           PortfolioParams(SOURCE_TOKEN, 3, b"x" * 65).mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "65-byte challenge refused")
    expect_error(CKR_MECHANISM_PARAM_INVALID,
                 lambda: dev.sign(dev_auth, identity,
                                  PortfolioParams(9, 0, challenge).mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "unknown identity source refused")
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: dev.sign(dev_auth, identity, PyKCS11.Mechanism(CKM_AES_CMAC, None)),
                 "standard CKM_AES_CMAC refuses a Portfolio key")
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: sign_token_source(dev, dev_enc, p_token.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "AUTH_CMAC refuses a key of the encryption keyset")
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: srv.sign(srv_auth, identity_hash, p_hash.mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "a verify-only server copy does not sign")
    expect_error(CKR_MECHANISM_PARAM_INVALID,
                 lambda: sign_token_source(dev, dev_auth,
                                           PortfolioParams(SOURCE_TOKEN, 4, challenge).mechanism(CKM_PORTFOLIO_AUTH_CMAC)),
                 "SOURCE_TOKEN with an unknown Identity instance refused")

    # ---- ENC (AEAD form): device encrypts its identity, server decrypts ------
    p_enc = PortfolioParams(SOURCE_DATA, 0, challenge)
    expect_error(CKR_KEY_FUNCTION_NOT_PERMITTED,
                 lambda: dev.encrypt(dev_enc, b"chosen plaintext", p_enc.mechanism(CKM_PORTFOLIO_ENC_GCM)),
                 "a device key encrypts no data the caller brings (SOURCE_DATA)")
    blob = encrypt_token_source(dev, dev_enc, p_token.mechanism(CKM_PORTFOLIO_ENC_GCM))
    check(len(blob) == 12 + len(identity) + len(challenge) + 16, "ENC_GCM output is IV || C || TAG")
    try:
        opened = AESGCM(k_enc).decrypt(blob[:12], blob[12:], None)
    except Exception:  # noqa: BLE001 - any failure is a failed check
        opened = None
    check(opened == identity + challenge, "ENC_GCM opens with AES-GCM(K, IV) to Identity || Challenge [cryptography]")
    back = bytes(srv.decrypt(srv_enc, blob, p_enc.mechanism(CKM_PORTFOLIO_ENC_GCM)))
    check(back == identity, "server decrypts the device identity")
    blob2 = encrypt_token_source(dev, dev_enc, p_token.mechanism(CKM_PORTFOLIO_ENC_GCM))
    check(blob2[:12] != blob[:12], "each encryption uses a fresh IV")
    tampered = blob[:20] + bytes([blob[20] ^ 0x80]) + blob[21:]
    expect_error(CKR_ENCRYPTED_DATA_INVALID,
                 lambda: srv.decrypt(srv_enc, tampered, p_enc.mechanism(CKM_PORTFOLIO_ENC_GCM)),
                 "server refuses a modified ciphertext")
    wrong = PortfolioParams(SOURCE_DATA, 0, os.urandom(16))
    expect_error(CKR_ENCRYPTED_DATA_INVALID,
                 lambda: srv.decrypt(srv_enc, blob, wrong.mechanism(CKM_PORTFOLIO_ENC_GCM)),
                 "server refuses data sealed with another challenge")
    # A ciphertext made outside the module, by the independent implementation.
    data = b"AuthData for the server: " + os.urandom(23)
    iv = os.urandom(12)
    foreign = iv + AESGCM(k_enc).encrypt(iv, data + challenge, None)
    back = bytes(srv.decrypt(srv_enc, foreign, p_enc.mechanism(CKM_PORTFOLIO_ENC_GCM)))
    check(back == data, "server decrypts an ENC_GCM blob made by the cryptography package")

    # ---- an LwM2M WRITE of the Identity string ------------------------------
    ident = dev.findObjects([(CKA_CLASS, CKO_PORTFOLIO_IDENTITY), (CKA_PORTFOLIO_IDENTITY_ID, ulong(3))])
    check(len(ident) == 1, "the Identity object is found by its instance id")
    if ident:
        dev.setAttributeValue(ident[0], [(CKA_VALUE, b"urn:imei:000000000000000")])
        again = sign_token_source(dev, dev_auth, p_token.mechanism(CKM_PORTFOLIO_AUTH_CMAC))
        check(again == expected, "rewriting the Identity value leaves the provisioned hash")
        expect_error(CKR_ACTION_PROHIBITED,
                     lambda: encrypt_token_source(dev, dev_enc, p_token.mechanism(CKM_PORTFOLIO_ENC_GCM)),
                     "a rewritten Identity value is not encrypted (it no longer matches the provisioned hash)")

    dev.logout()
    srv.logout()
    dev.closeSession()
    srv.closeSession()


if __name__ == "__main__":
    sys.exit(main())
