#!/bin/bash
# sms.sh - the SMS binding through the CLI: sms-provision from the Security
# object's format on a device and a server store, sms-wrap on one side and
# sms-unwrap on the other, both ways; the known answers of docs/sms.md
# (computed with Python's `cryptography`); a replay refused with its PoR;
# sms-por: the sender opens the PoR of its packet inside its token.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/tool/lib.sh"
need_module
export PORTFOLIO_PIN=$USER_PIN PORTFOLIO_SO_PIN=$SO_PIN

KEYS=200102030405060708090a0b0c0d0e0f201102030405060708090a0b0c0d0e0f # KIc || KID
PARAMS=22221639b00011  # KIc 22, KID 22 (AES), SPI 1639 (counter higher, CC, ciphered), TAR b00011
APDU=00a40004023f00
HIGHER_CMD=00281516392222b00011896aeec77e9ad39f273e786ef81d9dd0f1faa259cef8c0c1535b4a6c16f1177e
HIGHER_POR=027100002412b00011e81a53dd844b95b3b76ed2d1e989fe5609d8271c70e704cd41239940a29ca70c
POR_02=027100001412b0001114568e430aa6c19e0a5721e0662f52cb

d=$(new_instance dev device)
s=$(new_instance srv server)

# The seed's 6-byte "SMS Binding Key Parameters" cannot be read: refused, said why.
run 2 dev sms-provision --slot "$d" --key-params 22221639b000 --hex "$KEYS"
contains "$ERR" "7 bytes" "6-byte key parameters"
run 2 dev sms-provision --slot "$d" --key-params "$PARAMS" --hex "${KEYS:0:40}"
contains "$ERR" "KIc key || KID key" "odd secret keys"
# A keyset naming single DES is refused, the reason said (the token refuses
# one too: test_emu_scp80, test_p11_scp80_status).
run 2 dev sms-provision --slot "$d" --key-params 21221639b00011 --hex "$KEYS"
contains "$ERR" "KIc 21: the SMS keyset is AES only" "single DES keyset"
# 3-key 3DES (29) is allowed by LwM2M but not implemented: refused, said so.
run 2 dev sms-provision --slot "$d" --key-params 22291639b00011 --hex "$KEYS"
contains "$ERR" "3-key 3DES is not supported" "3-key 3DES keyset"
run 0 dev sms-provision --slot "$d" --key-params "$PARAMS" --hex "$KEYS"
run 0 srv sms-provision --slot "$s" --key-params "$PARAMS" --hex "$KEYS"

# A PoR before the server sent anything answers no packet of its: refused.
run 3 srv sms-por --slot "$s" --data "$HIGHER_POR"
contains "$ERR" "status 03" "PoR for a counter never sent"
[ -z "$OUT" ] || fail "refused PoR printed: $OUT"

# Server -> device: the server's first packet is numbered 1, the known answer.
run 0 srv sms-wrap --slot "$s" --data "$APDU"
[ "$OUT" = "$HIGHER_CMD" ] || fail "server packet $OUT"
run 0 dev sms-unwrap --slot "$d" --data "$HIGHER_CMD" --por-data 9000
[ "$(sed -n 1p <<<"$OUT")" = "$APDU" ] || fail "device data: $OUT"
[ "$(sed -n 2p <<<"$OUT")" = "$HIGHER_POR" ] || fail "device PoR: $OUT"
# ... and the server opens that PoR in its token: status, counter, data.
run 0 srv sms-por --slot "$s" --data "$HIGHER_POR"
[ "$OUT" = "$(printf 'status 00\ncounter 1\n9000')" ] || fail "server PoR: $OUT"
# A wrong CC or a truncated PoR is refused (exit 3), its data never shown.
run 3 srv sms-por --slot "$s" --data "$(flip_hex "$HIGHER_POR" $((${#HIGHER_POR} - 1)))"
contains "$ERR" "status 01" "PoR wrong CC"
[ -z "$OUT" ] || fail "wrong-CC PoR printed: $OUT"
run 3 srv sms-por --slot "$s" --data "${HIGHER_POR:0:60}"
contains "$ERR" "status 06" "PoR truncated"
# --tar picks the keyset: none for b00012; b00011 is the one above.
run 1 srv sms-por --slot "$s" --data "$HIGHER_POR" --tar b00012
contains "$ERR" "no SMS keyset" "PoR for an unknown TAR"
# (a PoR is accepted once: the one opened above, replayed, is refused: 02)
run 3 srv sms-por --slot "$s" --data "$HIGHER_POR" --tar b00011
contains "$ERR" "status 02" "PoR replayed"
[ -z "$OUT" ] || fail "replayed PoR printed: $OUT"
# Replayed: discarded (exit 3), counter status 02, its secured PoR still printed.
run 3 dev sms-unwrap --slot "$d" --data "$HIGHER_CMD" --por-data 9000
contains "$ERR" "status 02" "replay"
[ "$(sed -n 1p <<<"$OUT")" = "" ] || fail "replay released data: $OUT"
[ "$(sed -n 2p <<<"$OUT")" = "$POR_02" ] || fail "replay PoR: $OUT"
# The device's refusal of the replay is a secured PoR (02) for counter 1,
# whose PoR the server accepted already: refused as a second PoR for it.
run 3 srv sms-por --slot "$s" --data "$POR_02" --json
contains "$ERR" "status 02" "second PoR for counter 1"
# Wrong CC (last byte flipped): discarded, the data never shown.
run 3 dev sms-unwrap --slot "$d" --data "$(flip_hex "$HIGHER_CMD" $((${#HIGHER_CMD} - 1)))"
contains "$ERR" "status 01" "wrong CC"

# The next server packets go through once each.
run 0 srv sms-wrap --slot "$s" --data cafe --json
pkt=$(python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["counter"]==2; print(d["packet"])' <<<"$OUT") \
	|| fail "json wrap: $OUT"
run 0 dev sms-unwrap --slot "$d" --data "$pkt" --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["data"]=="cafe" and d["status"]==0 and d["counter"]==2' \
	<<<"$OUT" || fail "json unwrap: $OUT"
# Replayed to the device: refused, and its secured refusal (02) is the first
# PoR the server gets for counter 2: opened, status 02.
run 3 dev sms-unwrap --slot "$d" --data "$pkt" --por-data 9000 --json
por=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["por"])' <<<"$OUT") || fail "json replay: $OUT"
run 0 srv sms-por --slot "$s" --data "$por" --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["data"]=="" and d["status"]==2 and d["counter"]==2' \
	<<<"$OUT" || fail "json PoR 02: $OUT"

# Device -> server: the device numbers from its own send counter.
run 0 dev sms-wrap --slot "$d" --data 48656c6c6f
up=$OUT
run 0 srv sms-unwrap --slot "$s" --data "$up" --por-data 6f6b
[ "$(sed -n 1p <<<"$OUT")" = 48656c6c6f ] || fail "server data: $OUT"
# The device opens the server's PoR: the round trip the other way.
run 0 dev sms-por --slot "$d" --data "$(sed -n 2p <<<"$OUT")"
[ "$OUT" = "$(printf 'status 00\ncounter 1\n6f6b')" ] || fail "device PoR: $OUT"
run 3 srv sms-unwrap --slot "$s" --data "$up"
# A TAR the token has no keyset for.
run 1 dev sms-wrap --slot "$d" --data "$APDU" --tar b00012
contains "$ERR" "no SMS keyset" "unknown TAR"
exit 0
