"""portfolio_pkcs11 - the OMA LwM2M Portfolio Object (Object 16) mechanisms of
a PKCS#11 module, from Python, on top of PyKCS11 (Debian: python3-pykcs11).

The server side of GetAuthData ("Car Manufacturer Server" of the TS) is
`Token.verify` (Data Authentication, GetAuthData 0='0') and `Token.decrypt`
(Data Encryption, 0='1'); the device side, with the Identity held by the
token (CKP_PORTFOLIO_SOURCE_TOKEN), is `Token.sign` and `Token.encrypt`.
Challenges are taken as the LwM2M server writes them ("0x2345178", a decimal
string, an int, or bytes) and encoded canonically by `challenge_bytes`, the
same rule as portfolio-tool and the Object 16 adapter.

    import portfolio_pkcs11 as pf
    with pf.Token.open("/usr/lib/pkcs11/libportfolio-pkcs11.so", label="server", pin=PIN) as tok:
        ok = tok.verify(b"RX200-FW 4.2.1", "0x2345178", signature, index=0)

Constants are facts of include/pkcs11/portfolio.h; every value there is ABI.
"""

import ctypes
import hashlib
import struct

import PyKCS11

__all__ = [
    "CKM_PORTFOLIO_AUTH_CMAC", "CKM_PORTFOLIO_AUTH_HMAC", "CKM_PORTFOLIO_ENC_GCM",
    "CKM_PORTFOLIO_ENC_CBC", "CKO_PORTFOLIO_IDENTITY", "CKA_PORTFOLIO_IDENTITY_ID",
    "CKA_PORTFOLIO_IDENTITY_HASH", "CKA_PORTFOLIO_HASH_PROVISIONED", "CKA_PORTFOLIO_SERVICE",
    "CKA_PORTFOLIO_KEY_INDEX", "SRV_AUTHENT", "SRV_ENCRYPT", "SOURCE_TOKEN", "SOURCE_DATA",
    "SOURCE_HASH", "MAX_CHALLENGE", "challenge_bytes", "ulong", "Params", "Token",
]

_VENDOR = 0x80000000
_PREFIX = 0x504F0000
CKM_PORTFOLIO_AUTH_CMAC = _VENDOR | _PREFIX | 0x0001
CKM_PORTFOLIO_AUTH_HMAC = _VENDOR | _PREFIX | 0x0002
CKM_PORTFOLIO_ENC_GCM = _VENDOR | _PREFIX | 0x0011
CKM_PORTFOLIO_ENC_CBC = _VENDOR | _PREFIX | 0x0012
CKO_PORTFOLIO_IDENTITY = _VENDOR | _PREFIX | 0x0001
CKA_PORTFOLIO_IDENTITY_ID = _VENDOR | _PREFIX | 0x0001
CKA_PORTFOLIO_IDENTITY_HASH = _VENDOR | _PREFIX | 0x0002
CKA_PORTFOLIO_HASH_PROVISIONED = _VENDOR | _PREFIX | 0x0003
CKA_PORTFOLIO_SERVICE = _VENDOR | _PREFIX | 0x0010
CKA_PORTFOLIO_KEY_INDEX = _VENDOR | _PREFIX | 0x0011
SRV_AUTHENT, SRV_ENCRYPT = 0, 1          # GetAuthData argument 0
SOURCE_TOKEN, SOURCE_DATA, SOURCE_HASH = 1, 2, 3
MAX_CHALLENGE = 64


def challenge_bytes(challenge):
    """The canonical bytes of a challenge: "0x..." is big-endian hex (an odd
    digit count gets a leading zero nibble), a decimal string or an int is its
    minimal big-endian encoding (zero is one zero byte), bytes are taken as
    they are. 1..64 bytes, else ValueError."""
    if isinstance(challenge, (bytes, bytearray)):
        out = bytes(challenge)
    elif isinstance(challenge, int):
        if challenge < 0:
            raise ValueError("a challenge is not negative")
        out = challenge.to_bytes(max(1, (challenge.bit_length() + 7) // 8), "big")
    elif isinstance(challenge, str) and challenge[:2] in ("0x", "0X"):
        digits = challenge[2:]
        if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise ValueError(f"not a hex challenge: {challenge!r}")
        out = bytes.fromhex(("0" if len(digits) % 2 else "") + digits)
    elif isinstance(challenge, str) and challenge.isascii() and challenge.isdigit():
        return challenge_bytes(int(challenge))
    else:
        raise ValueError(f"a challenge is 0x<hex>, decimal, an int or bytes: {challenge!r}")
    if not 1 <= len(out) <= MAX_CHALLENGE:
        raise ValueError(f"a challenge has 1..{MAX_CHALLENGE} bytes, this one {len(out)}")
    return out


def ulong(value):
    """A CK_ULONG attribute value in the platform's layout: what PyKCS11
    needs for vendor attributes it does not know."""
    return struct.pack("@L", value)


class Params:
    """CK_PORTFOLIO_PARAMS { ulSource, ulIdentityId, pChallenge,
    ulChallengeLen } in native layout. The object owns the challenge buffer
    the packed pointer refers to: keep it alive while the mechanism is used."""

    def __init__(self, source, identity_id, challenge):
        data = challenge_bytes(challenge)
        self._buffer = ctypes.create_string_buffer(data, len(data))
        self.raw = struct.pack("@LLPL", source, identity_id, ctypes.addressof(self._buffer), len(data))

    def mechanism(self, mech):
        return PyKCS11.Mechanism(mech, self.raw)


class Token:
    """A logged-in session on one Portfolio token (one LwM2M instance)."""

    def __init__(self, lib, session):
        self.lib = lib
        self.session = session

    @classmethod
    def open(cls, module, slot=None, label=None, pin=None, rw=False):
        """Loads module (a path) and opens the token of slot, or the one
        whose label is label; logs in as the user when pin is given."""
        lib = PyKCS11.PyKCS11Lib()
        lib.load(module)
        if slot is None:
            slot = cls._slot_by_label(lib, label)
        flags = PyKCS11.CKF_SERIAL_SESSION | (PyKCS11.CKF_RW_SESSION if rw else 0)
        session = lib.openSession(slot, flags)
        if pin is not None:
            session.login(pin)
        return cls(lib, session)

    @staticmethod
    def _slot_by_label(lib, label):
        if label is None:
            raise ValueError("give slot= or label=")
        found = [s for s in lib.getSlotList(tokenPresent=True)
                 if lib.getTokenInfo(s).label.strip() == label]
        if len(found) != 1:
            raise LookupError(f"{len(found)} tokens are labelled {label!r}")
        return found[0]

    def close(self):
        try:
            self.session.logout()
        except PyKCS11.PyKCS11Error:
            pass  # CKR_USER_NOT_LOGGED_IN: nobody was
        self.session.closeSession()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def key(self, service, index):
        """The handle of key Kn (index) of the auth (SRV_AUTHENT) or enc
        (SRV_ENCRYPT) keyset; LookupError when the token has none."""
        found = self.session.findObjects([
            (PyKCS11.CKA_CLASS, PyKCS11.CKO_SECRET_KEY),
            (CKA_PORTFOLIO_SERVICE, ulong(service)),
            (CKA_PORTFOLIO_KEY_INDEX, ulong(index)),
        ])
        if len(found) != 1:
            raise LookupError(f"no single key K{index} in the {'auth' if service == SRV_AUTHENT else 'enc'} keyset")
        return found[0]

    # ---- server side -----------------------------------------------------
    def verify(self, identity, challenge, signature, index=0, hmac=False, identity_hash=None):
        """True when signature is SIG_Kn(SHA-256(identity) || challenge).
        Give the Identity value (bytes or str), or identity_hash (32 bytes)
        with identity=None."""
        if identity_hash is not None:
            source, data = SOURCE_HASH, bytes(identity_hash)
        else:
            source, data = SOURCE_DATA, identity.encode() if isinstance(identity, str) else bytes(identity)
        params = Params(source, 0, challenge)
        mech = CKM_PORTFOLIO_AUTH_HMAC if hmac else CKM_PORTFOLIO_AUTH_CMAC
        return bool(self.session.verify(self.key(SRV_AUTHENT, index), data, bytes(signature),
                                        params.mechanism(mech)))

    def decrypt(self, authdata, challenge, index=0, cbc=False):
        """The Identity value inside AuthData = ENCRYPT_Kn(identity ||
        challenge). Raises PyKCS11Error CKR_ENCRYPTED_DATA_INVALID when the
        challenge, key or data do not match."""
        params = Params(SOURCE_DATA, 0, challenge)
        mech = CKM_PORTFOLIO_ENC_CBC if cbc else CKM_PORTFOLIO_ENC_GCM
        return bytes(self.session.decrypt(self.key(SRV_ENCRYPT, index), bytes(authdata),
                                          params.mechanism(mech)))

    # ---- device side (the Identity is the token's own) -------------------
    def sign(self, identity_id, challenge, index=0, hmac=False):
        """SIG_Kn(Hash(Identity identity_id) || challenge), with the hash the
        SO provisioned in the token (SOURCE_TOKEN)."""
        params = Params(SOURCE_TOKEN, identity_id, challenge)
        mech = CKM_PORTFOLIO_AUTH_HMAC if hmac else CKM_PORTFOLIO_AUTH_CMAC
        return self._single_part(self.session.lib.C_SignInit, self.session.lib.C_SignFinal,
                                 self.key(SRV_AUTHENT, index), params.mechanism(mech))

    def encrypt(self, identity_id, challenge, index=0, cbc=False):
        """ENCRYPT_Kn(Identity identity_id || challenge), the value held by
        the token (SOURCE_TOKEN)."""
        params = Params(SOURCE_TOKEN, identity_id, challenge)
        mech = CKM_PORTFOLIO_ENC_CBC if cbc else CKM_PORTFOLIO_ENC_GCM
        return self._single_part(self.session.lib.C_EncryptInit, self.session.lib.C_EncryptFinal,
                                 self.key(SRV_ENCRYPT, index), params.mechanism(mech))

    def _single_part(self, init, final, key, mech):
        # SOURCE_TOKEN takes no data; PyKCS11's one-shot calls refuse empty
        # input before the module sees it, so Init then Final (length first).
        rv = init(self.session.session, mech.to_native(), key)
        if rv != PyKCS11.CKR_OK:
            raise PyKCS11.PyKCS11Error(rv)
        out = PyKCS11.ckbytelist()
        for _ in range(2):
            rv = final(self.session.session, out)
            if rv != PyKCS11.CKR_OK:
                raise PyKCS11.PyKCS11Error(rv)
        return bytes(out)


def identity_hash(value):
    """SHA-256 of an Identity value, as the SO provisions it."""
    return hashlib.sha256(value.encode() if isinstance(value, str) else bytes(value)).digest()
