#!/usr/bin/python3
"""What the module does when the card misbehaves or leaves, on the real PC/SC
path (pcscd + vpcd + portfolio-vcard, started by pcsc_path.sh):

  - a tampered or replayed secure-messaging answer (the vcard's --fault-file)
    is refused with CKR_DEVICE_ERROR; the card logged out with its channel, so
    the token is logged out too; a new login opens a clean channel and the
    signature is right again;
  - the card pulled (SIGUSR1 to the vcard) in the middle of an operation:
    C_SignFinal answers CKR_DEVICE_REMOVED, the session is closed
    (CKR_SESSION_HANDLE_INVALID), the slot loses CKF_TOKEN_PRESENT and leaves
    C_GetSlotList(TRUE), C_OpenSession / C_GetTokenInfo answer
    CKR_TOKEN_NOT_PRESENT; put back (SIGUSR2), the token returns logged out
    and a new session logs in and signs the same signature;
  - pulled and put back with nobody looking in between: the old session is
    closed all the same (its login died with the card).

Environment: PF_PCSC_KEYS, PF_VCARD_PID, PF_VCARD_FAULT (the fault file),
PF_VCARD_LOG, top_builddir, top_srcdir."""
import hashlib
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "pcsc"))
import pcsc_card  # noqa: E402
import pykcs11_server as sc  # noqa: E402
import PyKCS11  # noqa: E402
from PyKCS11 import (CKA_CLASS, CKA_LABEL, CKA_SIGN, CKA_TOKEN, CKA_VALUE, CKF_REMOVABLE_DEVICE, CKF_RW_SESSION,  # noqa: E402
                     CKF_SERIAL_SESSION, CKF_TOKEN_PRESENT, CKO_SECRET_KEY, CKU_USER)

CKS_RW_PUBLIC_SESSION = 2
CKS_RW_USER_FUNCTIONS = 3
SLOT = 0
K_AUTH = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")  # RFC 4493 key
IDENTITY = b"urn:imei:490154203237518"
IDENTITY_ID = 1
IDENTITY_HASH = hashlib.sha256(IDENTITY).digest()
CHALLENGE = bytes.fromhex("0002345178") + bytes(range(11))
EXPECTED = sc.cmac_aes(K_AUTH, IDENTITY_HASH + CHALLENGE)


def rv_of(fn):
    """The CK_RV fn raised, or CKR_OK."""
    try:
        fn()
    except PyKCS11.PyKCS11Error as exc:
        return exc.value
    return PyKCS11.CKR_OK


def name(rv):
    return PyKCS11.CKR.get(rv, hex(rv))


def expect(rv, wanted, what):
    wanted = wanted if isinstance(wanted, tuple) else (wanted,)
    sc.check(rv in wanted, f"{what}: {name(rv)}")


def wait_for(pred, seconds=8.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def vcard_log():
    with open(os.environ["PF_VCARD_LOG"]) as f:
        return f.read()


def find_key(session):
    found = session.findObjects([(CKA_CLASS, CKO_SECRET_KEY), (CKA_LABEL, "auth-k0")])
    return found[0] if found else None


def sign(session, key):
    """A device signature: over the identity the card holds (SOURCE_TOKEN), the
    only source a signing key takes."""
    params = sc.PortfolioParams(sc.SOURCE_TOKEN, IDENTITY_ID, CHALLENGE)
    return sc.sign_token_source(session, key, params.mechanism(sc.CKM_PORTFOLIO_AUTH_CMAC))


def slot_flags(lib):
    return lib.getSlotInfo(SLOT).flags


def relogin_and_sign(session, what):
    rv = rv_of(lambda: session.login(sc.USER_PIN, CKU_USER))
    expect(rv, PyKCS11.CKR_OK, f"{what}: login again")
    key = find_key(session)
    sc.check(key is not None, f"{what}: the key is found again")
    if key is not None:
        sc.check(sign(session, key) == EXPECTED, f"{what}: the card signs right again")


def sm_fault(lib, session, key, word, fault_file):
    with open(fault_file, "w") as f:
        f.write(word + "\n")
    rv = rv_of(lambda: sign(session, key))
    expect(rv, PyKCS11.CKR_DEVICE_ERROR, f"{word}ed R-APDU refused")
    sc.check(not os.path.exists(fault_file), f"{word}: the vcard applied the fault")
    # The card dropped the channel and its login with it: so does the token.
    state = session.getSessionInfo().state
    sc.check(state == CKS_RW_PUBLIC_SESSION, f"{word}: the session is logged out (state {state})")
    rv = rv_of(lambda: sign(session, key))
    expect(rv, (PyKCS11.CKR_USER_NOT_LOGGED_IN, PyKCS11.CKR_KEY_HANDLE_INVALID),
           f"{word}: no signature without a new login")
    relogin_and_sign(session, word)


def removal(lib, mod, session, pid):
    key = find_key(session)
    params = sc.PortfolioParams(sc.SOURCE_TOKEN, IDENTITY_ID, CHALLENGE)
    mech = params.mechanism(sc.CKM_PORTFOLIO_AUTH_CMAC)
    rv = session.lib.C_SignInit(session.session, mech.to_native(), key)
    expect(rv, PyKCS11.CKR_OK, "C_SignInit before the card is pulled")

    removed_before = vcard_log().count("card removed")
    os.kill(pid, signal.SIGUSR1)
    sc.check(wait_for(lambda: vcard_log().count("card removed") > removed_before), "the vcard left vpcd")
    time.sleep(1.5)  # pcscd polls its readers (every 400 ms): let it see the card gone
    sig = PyKCS11.ckbytelist()
    rv = session.lib.C_SignFinal(session.session, sig)  # length query: no card needed
    expect(rv, PyKCS11.CKR_OK, "C_SignFinal length query")
    rv = session.lib.C_SignFinal(session.session, sig)
    expect(rv, (PyKCS11.CKR_DEVICE_REMOVED, PyKCS11.CKR_TOKEN_NOT_PRESENT), "C_SignFinal with the card pulled")
    expect(rv_of(session.getSessionInfo), PyKCS11.CKR_SESSION_HANDLE_INVALID,
           "the removed token's session is closed")
    expect(rv_of(lambda: sign(session, key)), PyKCS11.CKR_SESSION_HANDLE_INVALID,
           "no operation on the closed session")
    flags = slot_flags(lib)
    sc.check(not flags & CKF_TOKEN_PRESENT, "C_GetSlotInfo: CKF_TOKEN_PRESENT cleared")
    sc.check(bool(flags & CKF_REMOVABLE_DEVICE), "C_GetSlotInfo: CKF_REMOVABLE_DEVICE")
    sc.check(SLOT not in lib.getSlotList(tokenPresent=True), "C_GetSlotList(TRUE) omits the slot")
    sc.check(SLOT in lib.getSlotList(tokenPresent=False), "C_GetSlotList(FALSE) keeps the slot")
    expect(rv_of(lambda: lib.getTokenInfo(SLOT)), PyKCS11.CKR_TOKEN_NOT_PRESENT, "C_GetTokenInfo")
    expect(rv_of(lambda: lib.openSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION)),
           PyKCS11.CKR_TOKEN_NOT_PRESENT, "C_OpenSession")

    os.kill(pid, signal.SIGUSR2)
    sc.check(wait_for(lambda: slot_flags(lib) & CKF_TOKEN_PRESENT), "put back: CKF_TOKEN_PRESENT again")
    sc.check(SLOT in lib.getSlotList(tokenPresent=True), "put back: C_GetSlotList(TRUE) lists the slot")
    new = lib.openSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION)
    state = new.getSessionInfo().state
    sc.check(state == CKS_RW_PUBLIC_SESSION, f"put back: a new session starts logged out (state {state})")
    relogin_and_sign(new, "put back")
    return new


def away_and_back(lib, session, pid):
    """Pulled and put back before anybody asked: the login is gone all the same."""
    os.kill(pid, signal.SIGUSR1)
    time.sleep(1.0)
    os.kill(pid, signal.SIGUSR2)
    time.sleep(1.0)
    sc.check(wait_for(lambda: slot_flags(lib) & CKF_TOKEN_PRESENT), "back again: present")
    expect(rv_of(session.getSessionInfo), PyKCS11.CKR_SESSION_HANDLE_INVALID,
           "back again: the session of before the removal is closed")
    new = lib.openSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION)
    relogin_and_sign(new, "back again")


def scenario(module, tmp):
    pid = int(os.environ["PF_VCARD_PID"])
    fault_file = os.environ["PF_VCARD_FAULT"]
    mod = sc.Module(module)
    lib = mod.lib
    # The card may hold a token of an earlier run: initialise it again.
    lib.initToken(SLOT, sc.SO_PIN, "card")
    session = lib.openSession(SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION)
    session.login(sc.SO_PIN, PyKCS11.CKU_SO)
    session.initPin(sc.USER_PIN)
    # The identity the device signs for, provisioned by the SO (the token
    # keeps SHA-256 of the value as its hash).
    session.createObject([(CKA_CLASS, sc.CKO_PORTFOLIO_IDENTITY), (CKA_TOKEN, True),
                          (sc.CKA_PORTFOLIO_IDENTITY_ID, sc.ulong(IDENTITY_ID)), (CKA_VALUE, IDENTITY)])
    session.logout()
    flags = slot_flags(lib)
    sc.check(bool(flags & CKF_TOKEN_PRESENT) and bool(flags & CKF_REMOVABLE_DEVICE),
             "C_GetSlotInfo: a removable device, present")
    session.login(sc.USER_PIN, CKU_USER)
    key = sc.portfolio_key(session, "auth-k0", K_AUTH, sc.SRV_AUTHENT, 0, {CKA_SIGN})
    sc.check(sign(session, key) == EXPECTED, "the card signs AES-CMAC(K, hash || challenge)")
    sc.check(session.getSessionInfo().state == CKS_RW_USER_FUNCTIONS, "logged in")

    sm_fault(lib, session, key, "tamper", fault_file)
    sm_fault(lib, session, find_key(session), "replay", fault_file)
    session = removal(lib, mod, session, pid)
    away_and_back(lib, session, pid)


if __name__ == "__main__":
    sys.exit(pcsc_card.run_on_card("pf-pcsc-ev.", "none", scenario))
