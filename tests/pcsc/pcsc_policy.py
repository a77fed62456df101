#!/usr/bin/python3
"""The card's key policy on the real PC/SC path (pcscd + vpcd + portfolio-vcard,
started by pcsc_path.sh), first through the module, then without it.

Through the module (PKCS#11, instance 0 on the card):
  - the device AUTH key signs the provisioned identity (SOURCE_TOKEN), equal to
    AES-CMAC(K, SHA-256(Identity) || Challenge) computed here;
  - it refuses a hash or an identity string in the data (SOURCE_HASH,
    SOURCE_DATA): CKR_KEY_FUNCTION_NOT_PERMITTED;
  - a verify-only card key cannot sign (CKR_KEY_FUNCTION_NOT_PERMITTED) but
    verifies (server side, SOURCE_HASH);
  - the device ENC key encrypts the provisioned identity value (opened here
    with AES-GCM), refuses data from the caller, and once the value has been
    rewritten (an LwM2M WRITE) refuses it with CKR_ACTION_PROHIBITED: the
    card's 69F5, mapped to the emulator's code.

  - a diversification master (CKA_PORTFOLIO_MASTER) made on the card verifies
    device answers with CKM_PORTFOLIO_DIV_AUTH_CMAC through the applet's
    PORTFOLIO DIV VERIFY: the known answers of tests/unit/test_p11_div.c, a
    wrong device / index / signature is CKR_SIGNATURE_INVALID, a device id
    over the card's 116 bytes CKR_MECHANISM_PARAM_INVALID; the same for
    CKM_PORTFOLIO_DIV_AUTH_HMAC (100 bytes); the master never signs, and
    DIV_ENC_GCM, which the card has no command for, is refused.

Then tests/pcsc/pcsc_raw_policy talks to the same card with the user PIN and
raw APDUs (no module) and gets the applet's refusals itself.

Environment: PF_PCSC_KEYS, top_builddir, top_srcdir."""
import ctypes
import hashlib
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "pcsc"))
import pcsc_card  # noqa: E402
import pykcs11_server as sc  # noqa: E402
import PyKCS11  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from PyKCS11 import (CKA_CLASS, CKA_DECRYPT, CKA_ENCRYPT, CKA_SIGN, CKA_TOKEN, CKA_VALUE,  # noqa: E402
                     CKA_VERIFY, CKF_RW_SESSION, CKF_SERIAL_SESSION, CKU_SO, CKU_USER)

CKR_ACTION_PROHIBITED = 0x1B
_PF = 0x80000000 | 0x504F0000  # CKM/CKA_VENDOR_DEFINED | CK_PORTFOLIO_PREFIX (portfolio.h)
CKA_PORTFOLIO_MASTER = _PF | 0x0020
CKM_PORTFOLIO_DIVERSIFY = _PF | 0x0031
CKM_PORTFOLIO_DIV_AUTH_CMAC = _PF | 0x0033
CKM_PORTFOLIO_DIV_AUTH_HMAC = _PF | 0x0034
CKM_PORTFOLIO_DIV_ENC_GCM = _PF | 0x0035
CARD_MAX_DEVICE_ID = 116  # docs/apdu.md, PORTFOLIO DIV VERIFY
# tests/unit/test_p11_div.c's known answers (computed there with the openssl CLI)
DIV_MASTER = bytes(range(16))
DIV_DEVICE = b"urn:imei:490154203237518"
DIV_DEVICE2 = b"urn:imei:490154203237519"
DIV_IDENTITY = b"HostSwV-1.2.3"
DIV_CHALLENGE = bytes.fromhex("02345178")
DIV_SIG_CMAC = bytes.fromhex("0d1786ea88c687b268b1d708ad95b586")
DIV_SIG_CMAC_DEV2 = bytes.fromhex("8b16931cf3e500c10ba4aa31819f56d4")
DIV_SIG_HMAC_N3 = bytes.fromhex("4e529643c38c22a813a42aced75b494b165bed0db1313d5f38e884a6896d54bc")
CARD_MAX_DEVICE_ID_HMAC = 100
CKM_AES_KEY_WRAP_KWP = 0x210B
SLOT = 0
IDENTITY = b"urn:imei:350000000000001"
IDENTITY_ID = 1
CHALLENGE = bytes.fromhex("0002345178") + os.urandom(11)


def encrypt_token_source(session, key, mech):
    """Device-side encryption of the identity value the token holds: no data,
    so C_EncryptInit + C_EncryptFinal (length query, then the answer)."""
    rv = session.lib.C_EncryptInit(session.session, mech.to_native(), key)
    if rv != PyKCS11.CKR_OK:
        raise PyKCS11.PyKCS11Error(rv)
    out = PyKCS11.ckbytelist()
    for _ in range(2):
        rv = session.lib.C_EncryptFinal(session.session, out)
        if rv != PyKCS11.CKR_OK:
            raise PyKCS11.PyKCS11Error(rv)
    return bytes(out)


def provision(lib):
    """A fresh token on the card: user PIN, identity 1 provisioned by the SO."""
    lib.initToken(SLOT, sc.SO_PIN, "card")
    session = lib.openSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION)
    session.login(sc.SO_PIN, CKU_SO)
    session.initPin(sc.USER_PIN)
    session.createObject([(CKA_CLASS, sc.CKO_PORTFOLIO_IDENTITY), (CKA_TOKEN, True),
                          (sc.CKA_PORTFOLIO_IDENTITY_ID, sc.ulong(IDENTITY_ID)), (CKA_VALUE, IDENTITY)])
    session.logout()
    session.login(sc.USER_PIN, CKU_USER)
    return session


def auth_checks(session):
    k_sign, k_verify = os.urandom(16), os.urandom(16)
    ihash = hashlib.sha256(IDENTITY).digest()
    signer = sc.portfolio_key(session, "auth-k0", k_sign, sc.SRV_AUTHENT, 0, {CKA_SIGN})
    verifier = sc.portfolio_key(session, "auth-k1-verify", k_verify, sc.SRV_AUTHENT, 1, {CKA_VERIFY})
    # The parameter objects own the challenge buffers: keep them for as long as the mechanisms.
    params = [sc.PortfolioParams(source, ident, CHALLENGE)
              for source, ident in ((sc.SOURCE_TOKEN, IDENTITY_ID), (sc.SOURCE_HASH, 0), (sc.SOURCE_DATA, 0))]
    token, by_hash, by_data = (p.mechanism(sc.CKM_PORTFOLIO_AUTH_CMAC) for p in params)
    sc.check(sc.sign_token_source(session, signer, token) == sc.cmac_aes(k_sign, ihash + CHALLENGE),
             "device key signs the provisioned identity (SOURCE_TOKEN) = AES-CMAC(K, hash || challenge)")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: session.sign(signer, ihash, by_hash),
                    "device key refuses a hash in the data (SOURCE_HASH)")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: session.sign(signer, IDENTITY, by_data),
                    "device key refuses an identity in the data (SOURCE_DATA)")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED,
                    lambda: sc.sign_token_source(session, verifier, token), "verify-only card key cannot sign")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: session.sign(verifier, ihash, by_hash),
                    "verify-only card key cannot sign a hash either")
    good = sc.cmac_aes(k_verify, ihash + CHALLENGE)
    sc.check(session.verify(verifier, ihash, good, by_hash), "verify-only card key verifies (SOURCE_HASH)")
    bad = bytes([good[0] ^ 1]) + good[1:]
    sc.check(not session.verify(verifier, ihash, bad, by_hash), "verify-only card key rejects a bad signature")
    # The applet has no wrap command (docs/apdu.md): no card key leaves, wrapped or not.
    kwp = PyKCS11.Mechanism(CKM_AES_KEY_WRAP_KWP, None)
    sc.expect_error(PyKCS11.CKR_FUNCTION_NOT_SUPPORTED, lambda: session.wrapKey(verifier, signer, kwp),
                    "C_WrapKey on a card token: not supported")


def enc_checks(session):
    k_enc = os.urandom(16)
    enc = sc.portfolio_key(session, "enc-k0", k_enc, sc.SRV_ENCRYPT, 0, {CKA_ENCRYPT})
    dec = sc.portfolio_key(session, "enc-k1-decrypt", os.urandom(16), sc.SRV_ENCRYPT, 1, {CKA_DECRYPT})
    params = [sc.PortfolioParams(sc.SOURCE_TOKEN, IDENTITY_ID, CHALLENGE), sc.PortfolioParams(sc.SOURCE_DATA, 0, CHALLENGE)]
    token, by_data = (p.mechanism(sc.CKM_PORTFOLIO_ENC_GCM) for p in params)
    blob = encrypt_token_source(session, enc, token)
    sc.check(AESGCM(k_enc).decrypt(blob[:12], blob[12:], None) == IDENTITY + CHALLENGE,
             "device ENC key encrypts the provisioned identity value (AES-GCM opens it)")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: session.encrypt(enc, b"urn:other", by_data),
                    "device ENC key refuses data from the caller (SOURCE_DATA)")
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED, lambda: encrypt_token_source(session, dec, token),
                    "decrypt-only card key cannot encrypt")
    ident = session.findObjects([(CKA_CLASS, sc.CKO_PORTFOLIO_IDENTITY),
                                 (sc.CKA_PORTFOLIO_IDENTITY_ID, sc.ulong(IDENTITY_ID))])
    sc.check(len(ident) == 1, "the identity is found")
    if ident:
        session.setAttributeValue(ident[0], [(CKA_VALUE, b"urn:imei:999999999999999")])
        sc.expect_error(CKR_ACTION_PROHIBITED, lambda: encrypt_token_source(session, enc, token),
                        "a rewritten identity value is not encrypted (card 69F5)")


class DivParams:
    """CK_PORTFOLIO_DIV_PARAMS in native layout: device {pDeviceId,
    ulDeviceIdLen, ulInstance, ulKeyIndex}, ulDeviceKeyLen, op
    {ulSource, ulIdentityId, pChallenge, ulChallengeLen}. Keeps its buffers."""

    def __init__(self, device, instance, index, key_len, source, challenge=DIV_CHALLENGE):
        self._device = ctypes.create_string_buffer(device, len(device))
        self._challenge = ctypes.create_string_buffer(challenge, len(challenge))
        self.raw = struct.pack("@PLLLLLLPL", ctypes.addressof(self._device), len(device), instance, index,
                               key_len, source, 0, ctypes.addressof(self._challenge), len(challenge))

    def mechanism(self, mech=CKM_PORTFOLIO_DIV_AUTH_CMAC):
        return PyKCS11.Mechanism(mech, self.raw)


def div_verify(session, master, device, index, sig, source=sc.SOURCE_HASH, key_len=16,
               mech=CKM_PORTFOLIO_DIV_AUTH_CMAC):
    data = hashlib.sha256(DIV_IDENTITY).digest() if source == sc.SOURCE_HASH else DIV_IDENTITY
    params = DivParams(device, 1, index, key_len, source)  # owns the buffers the mechanism points into
    return session.verify(master, data, sig, params.mechanism(mech))


def make_master(session, label, value, service):
    return session.createObject([(CKA_CLASS, PyKCS11.CKO_SECRET_KEY), (PyKCS11.CKA_KEY_TYPE, PyKCS11.CKK_AES),
                                 (CKA_TOKEN, True), (PyKCS11.CKA_LABEL, label), (CKA_VALUE, value),
                                 (CKA_PORTFOLIO_MASTER, sc.ulong(service))])


def div_checks(session):
    master = make_master(session, "fleet-master", DIV_MASTER, sc.SRV_AUTHENT)
    enc_master = make_master(session, "fleet-enc-master", os.urandom(16), sc.SRV_ENCRYPT)
    sc.check(div_verify(session, master, DIV_DEVICE, 1, DIV_SIG_CMAC), "card master verifies device 1 (known answer)")
    sc.check(div_verify(session, master, DIV_DEVICE2, 1, DIV_SIG_CMAC_DEV2), "card master verifies device 2")
    sc.check(div_verify(session, master, DIV_DEVICE, 1, DIV_SIG_CMAC, sc.SOURCE_DATA),
             "card master verifies SOURCE_DATA (the identity hashed by the module)")
    sc.check(not div_verify(session, master, DIV_DEVICE2, 1, DIV_SIG_CMAC), "another device's signature: invalid")
    sc.check(not div_verify(session, master, DIV_DEVICE, 2, DIV_SIG_CMAC), "another index's signature: invalid")
    sc.check(not div_verify(session, master, DIV_DEVICE, 1, DIV_SIG_CMAC[:15] + b"\x87"), "one bit off: invalid")
    sc.check(not div_verify(session, master, b"d" * CARD_MAX_DEVICE_ID, 1, DIV_SIG_CMAC),
             "the longest device id the card takes is computed (invalid here)")
    sc.expect_error(PyKCS11.CKR_MECHANISM_PARAM_INVALID,
                    lambda: div_verify(session, master, b"d" * (CARD_MAX_DEVICE_ID + 1), 1, DIV_SIG_CMAC),
                    "a device id over the card's limit")
    sc.expect_error(PyKCS11.CKR_SIGNATURE_LEN_RANGE, lambda: div_verify(session, master, DIV_DEVICE, 1, DIV_SIG_CMAC[:15]),
                    "a short signature")
    keep = [sc.PortfolioParams(sc.SOURCE_HASH, 0, DIV_CHALLENGE), DivParams(DIV_DEVICE, 1, 1, 16, sc.SOURCE_HASH),
            DivParams(DIV_DEVICE, 1, 1, 16, sc.SOURCE_DATA)]
    ihash = hashlib.sha256(DIV_IDENTITY).digest()
    sc.expect_error(PyKCS11.CKR_KEY_FUNCTION_NOT_PERMITTED,
                    lambda: session.sign(master, ihash, keep[0].mechanism(sc.CKM_PORTFOLIO_AUTH_CMAC)),
                    "the card master never signs")
    hmac = CKM_PORTFOLIO_DIV_AUTH_HMAC
    sc.check(div_verify(session, master, DIV_DEVICE, 3, DIV_SIG_HMAC_N3, key_len=32, mech=hmac),
             "card master verifies an HMAC device answer (known answer, n = 3, 32-byte key)")
    sc.check(not div_verify(session, master, DIV_DEVICE, 3, DIV_SIG_HMAC_N3, key_len=16, mech=hmac),
             "HMAC: another device key length: invalid")
    sc.expect_error(PyKCS11.CKR_MECHANISM_PARAM_INVALID,
                    lambda: div_verify(session, master, b"d" * (CARD_MAX_DEVICE_ID_HMAC + 1), 3, DIV_SIG_HMAC_N3,
                                       key_len=32, mech=hmac),
                    "HMAC: a device id over the card's limit")
    sc.expect_error(PyKCS11.CKR_MECHANISM_INVALID,
                    lambda: session.decrypt(enc_master, bytes(48), keep[2].mechanism(CKM_PORTFOLIO_DIV_ENC_GCM)),
                    "DIV_ENC_GCM: the card has no command for it")


def raw_checks(top_builddir):
    raw = os.path.join(top_builddir, "tests", "pcsc", "pcsc_raw_policy")
    done = subprocess.run([raw, pcsc_card.READER, os.environ["PF_PCSC_KEYS"], sc.USER_PIN, str(IDENTITY_ID)],
                          capture_output=True, text=True, timeout=60)
    sys.stdout.write(done.stdout)
    sys.stdout.write(done.stderr)
    sc.check(done.returncode == 0, "raw APDUs with the user PIN (no module) get the applet's refusals")


def scenario(module, tmp):
    mod = sc.Module(module)
    session = provision(mod.lib)
    auth_checks(session)
    enc_checks(session)
    div_checks(session)
    session.logout()
    session.closeSession()
    raw_checks(os.environ.get("top_builddir", "."))


if __name__ == "__main__":
    sys.exit(pcsc_card.run_on_card("pf-pcsc-pol.", "none", scenario))
