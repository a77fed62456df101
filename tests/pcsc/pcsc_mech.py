#!/usr/bin/python3
"""The PyKCS11 Portfolio scenario of tests/interop/pykcs11_server.py, with the
device token (instance 0) on the PC/SC backend (pcscd + vpcd + portfolio-vcard,
started by pcsc_path.sh) and the server token on the emulator. Same checks,
same oracles: the card must compute what the emulator verifies."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "interop"))
import pykcs11_server as scenario  # noqa: E402


def main():
    top_builddir = os.environ.get("top_builddir", ".")
    module = os.path.join(top_builddir, ".libs", "libportfolio-pkcs11.so")
    tmp = tempfile.mkdtemp(prefix="pf-pcsc.")
    try:
        conf = os.path.join(tmp, "portfolio-pkcs11.conf")
        with open(conf, "w") as f:
            f.write(f"store = {tmp}/store.db\nlog_level = error\n"
                    "instance.0.backend = pcsc\n"
                    f"instance.0.reader = {os.environ.get('PF_PCSC_READER', 'Virtual PCD 00 00')}\n"
                    "instance.0.aid = A0000006165046\n"
                    f"instance.0.scp03_keyfile = {os.environ['PF_PCSC_KEYFILE']}\n")
        os.environ["PORTFOLIO_PKCS11_CONF"] = conf
        scenario.run(scenario.Module(module), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if scenario.failures:
        print(f"{len(scenario.failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
