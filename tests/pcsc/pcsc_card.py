"""Shared by the Python steps of tests/pcsc/pcsc_path.sh: a module
configuration whose instance 0 is the card (pcscd + vpcd + portfolio-vcard,
SCP03 keys from PF_PCSC_KEYS), and the run-and-report frame around a step.
The scenario helpers (PortfolioParams, check, failures...) stay those of
tests/interop/pykcs11_server.py."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "interop"))
import pykcs11_server as sc  # noqa: E402

READER = os.environ.get("PF_PCSC_READER", "Virtual PCD 00 00")


def module_path():
    return os.path.join(os.environ.get("top_builddir", "."), ".libs", "libportfolio-pkcs11.so")


def run_on_card(prefix, log_level, body):
    """Writes a configuration with instance 0 on the card into a fresh
    directory, points PORTFOLIO_PKCS11_CONF at it, runs body(module, tmp),
    removes the directory; 0 when no check failed, else 1."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    try:
        conf = os.path.join(tmp, "portfolio-pkcs11.conf")
        with open(conf, "w") as f:
            f.write(f"store = {tmp}/store.db\nlog_level = {log_level}\n"
                    "instance.0.backend = pcsc\n"
                    f"instance.0.reader = {READER}\n"
                    "instance.0.aid = A0000006165046\n"
                    f"instance.0.scp03 = {os.environ['PF_PCSC_KEYS']}\n")
        os.environ["PORTFOLIO_PKCS11_CONF"] = conf
        body(module_path(), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if sc.failures:
        print(f"{len(sc.failures)} check(s) failed")
        return 1
    print("PASS")
    return 0
