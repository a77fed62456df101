#!/bin/bash
# backup.sh - import-kek, backup / restore of a whole instance into another
# store, export-key / import-wrapped-key, and the refusals: a file cut short
# or altered, another KEK, an unextractable key - each leaving nothing
# half-restored. No key material is ever printed or written in clear.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

KEK=000102030405060708090a0b0c0d0e0f
K0=2b7e151628aed2a6abf7158809cf4f3c
K1=603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4
d=$(new_instance dev device)
s=$(new_instance srv server)
s2=$(new_instance srv server-2)

run 0 dev import-kek --slot "$d" --label kek --hex "$KEK"
run 0 srv import-kek --slot "$s" --label kek --hex "$KEK"
run 0 srv import-kek --slot "$s2" --label kek --hex 0f0e0d0c0b0a09080706050403020100
run 0 dev import-key --slot "$d" --service auth --index 0 --hex "$K0" --extractable
run 0 dev import-key --slot "$d" --service enc --index 1 --hex "$K1" --extractable
run 0 dev set-identity --slot "$d" --id 7 --value "urn:imei:490154203237518" --provision

run 0 dev backup --slot "$d" --kek kek --file "$WORK/d.bk"
contains "$OUT" "backed up 3 entries" "backup counts keys and identities"
hex=$(file_to_hex "$WORK/d.bk")
lacks "$hex" "$K0" "K0 in clear in the file"
lacks "$hex" "$K1" "K1 in clear in the file"

# A file cut short, or with one byte changed, is refused and restores nothing.
head -c 60 "$WORK/d.bk" > "$WORK/cut.bk"
run 3 srv restore --slot "$s" --kek kek --file "$WORK/cut.bk"
size=$(stat -c %s "$WORK/d.bk")
head -c $((size - 1)) "$WORK/d.bk" > "$WORK/cut2.bk"
run 3 srv restore --slot "$s" --kek kek --file "$WORK/cut2.bk"
hex_to_file "$(flip_hex "$hex" 120)" "$WORK/altered.bk"
run 3 srv restore --slot "$s" --kek kek --file "$WORK/altered.bk"
contains "$ERR" "nothing restored" "altered file refused"
run 3 srv restore --slot "$s2" --kek kek --file "$WORK/d.bk"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "1 object(s)" "nothing half-restored (only the KEK)"

# The whole instance lands in the other store, keyset places and usage kept.
run 0 srv restore --slot "$s" --kek kek --file "$WORK/d.bk"
contains "$OUT" "restored 3 entries" "restore"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "keyset auth, K0" "K0 restored in its place"
contains "$OUT" "keyset enc, K1" "K1 restored in its place"
run 0 srv get-identity --slot "$s" --id 7
contains "$OUT" "urn:imei:490154203237518" "identity restored"
# ... and computes what the original computes.
run 0 dev sign --slot "$d" --identity 7 --challenge 0x2a --index 0
sig=$OUT
run 0 srv sign --slot "$s" --identity 7 --challenge 0x2a --index 0
[ "$OUT" = "$sig" ] || fail "restored K0 signs differently"

# A restore that fails half-way removes what it made: the keys exist already.
run 1 srv restore --slot "$s" --kek kek --file "$WORK/d.bk"
contains "$ERR" "nothing restored" "second restore refused"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "4 object(s)" "the refused restore left nothing behind"

# Half-way: K0 is made again, then K1 exists already: K0 is removed again.
run 0 srv delete-key --slot "$s" --service auth --index 0
run 1 srv restore --slot "$s" --kek kek --file "$WORK/d.bk"
contains "$ERR" "the 1 made before it were removed" "rollback of the entries made"
run 0 srv list-objects --slot "$s" --login
lacks "$OUT" "keyset auth, K0" "K0 rolled back"
contains "$OUT" "3 object(s)" "only what was there before"

# One key: export-key / import-wrapped-key.
run 0 dev gen-key --slot "$d" --service auth --index 3 --server --extractable
run 0 dev export-key --slot "$d" --service auth --index 3 --kek kek --file "$WORK/k3.bk"
run 0 srv import-wrapped-key --slot "$s" --kek kek --file "$WORK/k3.bk"
run 0 srv list-objects --slot "$s" --login
contains "$OUT" "keyset auth, K3" "K3 imported in its place"
run 1 srv import-wrapped-key --slot "$s" --kek kek --file "$WORK/d.bk"
contains "$ERR" "not a key" "import-wrapped-key takes key files only"

# A key that may not leave is refused, and no file is written.
run 0 dev gen-key --slot "$d" --service enc --index 4
run 1 dev backup --slot "$d" --kek kek --file "$WORK/none.bk"
contains "$ERR" "not extractable" "unextractable key named"
[ ! -e "$WORK/none.bk" ] || fail "a partial backup was written"
run 1 dev backup --slot "$d" --kek nokek --file "$WORK/none.bk"
contains "$ERR" "no key labelled" "missing KEK"
echo "ok - backup/restore, export/import, refusals"
