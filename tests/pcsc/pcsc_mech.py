#!/usr/bin/python3
"""The PyKCS11 Portfolio scenario of tests/interop/pykcs11_server.py, with the
device token (instance 0) on the PC/SC backend (pcscd + vpcd + portfolio-vcard,
started by pcsc_path.sh) and the server token on the emulator. Same checks,
same oracles: the card must compute what the emulator verifies."""
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "pcsc"))
import pcsc_card  # noqa: E402
import pykcs11_server as scenario  # noqa: E402


def main():
    return pcsc_card.run_on_card("pf-pcsc.", "error", lambda module, tmp: scenario.run(scenario.Module(module), tmp))


if __name__ == "__main__":
    sys.exit(main())
