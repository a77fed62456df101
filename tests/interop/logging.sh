#!/bin/bash
# The module's logs: each C_* call and its return code's name at debug level
# (from PORTFOLIO_LOG or log_level), nothing on the host's stderr at the
# default level, log_file takes the messages away from stderr, and the
# syslog setting is checked.
. "$top_srcdir/tests/interop/common.sh"
need pkcs11-tool

conf() { printf 'store = %s/store.db\n' "$PF_TMP"; printf '%s\n' "$@"; }
l11() { pkcs11-tool --module "$PF_MODULE" "$@" >"$PF_TMP/out" 2>"$PF_TMP/err"; }

conf > "$PF_TMP/plain.conf"
export PORTFOLIO_PKCS11_CONF="$PF_TMP/plain.conf"
l11 -L || fail "pkcs11-tool -L: $(cat "$PF_TMP/err")"
! grep -q 'portfolio-pkcs11' "$PF_TMP/err" || fail "default level wrote to stderr: $(cat "$PF_TMP/err")"

PORTFOLIO_LOG=debug l11 -L || fail "pkcs11-tool -L at debug: $(cat "$PF_TMP/err")"
grep -q '^portfolio-pkcs11: debug: C_Initialize() = CKR_OK (0x0)$' "$PF_TMP/err" || fail "no C_Initialize trace: $(cat "$PF_TMP/err")"
grep -q 'debug: C_GetSlotList() = CKR_OK' "$PF_TMP/err" || fail "no C_GetSlotList trace"
grep -q 'debug: C_Finalize() = CKR_OK' "$PF_TMP/err" || fail "no C_Finalize trace"
# A failing call is traced with its own name.
PORTFOLIO_LOG=debug l11 --slot 4242 -M || true
grep -q 'debug: C_GetMechanismList(slotID=4242) = CKR_SLOT_ID_INVALID (0x3)' "$PF_TMP/err" ||
	fail "no trace of the refused call: $(cat "$PF_TMP/err")"

# A call on a session or a slot names it: C_Login(hSession=...) = CKR_OK.
pf_init_token logtest >/dev/null 2>&1 || fail "cannot initialise a token"
PORTFOLIO_LOG=debug l11 --token-label logtest --login --pin "$PF_USER_PIN" -O ||
	fail "login at debug: $(cat "$PF_TMP/err")"
grep -q 'debug: C_OpenSession(slotID=[0-9]*) = CKR_OK (0x0)$' "$PF_TMP/err" || fail "no slot in the trace: $(cat "$PF_TMP/err")"
grep -q 'debug: C_Login(hSession=[0-9]*) = CKR_OK (0x0)$' "$PF_TMP/err" || fail "no session in the trace: $(cat "$PF_TMP/err")"

# log_level in the file turns the trace on too; log_file takes it off stderr.
conf "log_level = debug" "log_file = $PF_TMP/module.log" "syslog = no" > "$PF_TMP/file.conf"
PORTFOLIO_PKCS11_CONF="$PF_TMP/file.conf" l11 -L || fail "with log_file: $(cat "$PF_TMP/err")"
! grep -q 'portfolio-pkcs11' "$PF_TMP/err" || fail "log_file set, yet stderr got: $(cat "$PF_TMP/err")"
grep -q '^portfolio-pkcs11\[[0-9]*\]: debug: C_GetSlotList() = CKR_OK' "$PF_TMP/module.log" ||
	fail "no trace in log_file: $(cat "$PF_TMP/module.log" 2>&1)"
[ "$(stat -c %a "$PF_TMP/module.log")" = 600 ] || fail "log_file mode $(stat -c %a "$PF_TMP/module.log")"
# An unwritable log_file does not stop the module: the messages stay on stderr.
conf "log_level = debug" "log_file = $PF_TMP/no/such/dir/module.log" > "$PF_TMP/badfile.conf"
PORTFOLIO_PKCS11_CONF="$PF_TMP/badfile.conf" l11 -L || fail "unwritable log_file broke the module"
grep -q 'cannot open log_file' "$PF_TMP/err" || fail "unwritable log_file not reported: $(cat "$PF_TMP/err")"

# syslog takes yes or no; anything else is a configuration error.
conf "syslog = yes" > "$PF_TMP/syslog.conf"
PORTFOLIO_PKCS11_CONF="$PF_TMP/syslog.conf" l11 -L || fail "syslog = yes: $(cat "$PF_TMP/err")"
conf "syslog = maybe" > "$PF_TMP/badsyslog.conf"
PORTFOLIO_PKCS11_CONF="$PF_TMP/badsyslog.conf" l11 -L && fail "syslog = maybe accepted"
grep -q 'syslog must be yes or no' "$PF_TMP/err" || fail "bad syslog value not named: $(cat "$PF_TMP/err")"
echo "PASS"
