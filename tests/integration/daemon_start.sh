#!/usr/bin/env bash
# Fixture: start one quorumd on loopback with CURVE on, with an allow-list holding eight load
# clients' keys; a clerk's key is made (the charters register it) and an outsider's key is
# made but never allowed.
. "$(dirname "$0")/lib.sh"
[ -f "$QR_WORK/quorumd.pid" ] && kill -KILL "$(cat "$QR_WORK/quorumd.pid")" 2>/dev/null || true
rm -rf "$QR_WORK" && mkdir -p "$QR_WORK/keys" "$QUORUM_STATE" && chmod 700 "$QUORUM_STATE"
cat > "$QUORUM_CONFIG" <<CONF
endpoint = tcp://127.0.0.1:$QR_PORT
events = tcp://127.0.0.1:$((QR_PORT + 1))
server_key = $QUORUM_STATE/quorumd.pub
key = $QUORUM_STATE/operator.key
timeout = 20
CONF
for i in 0 1 2 3 4 5 6 7; do
    "$Q" keygen "$QR_WORK/keys/load-$i.key" >/dev/null
    "$Q" key show "$QR_WORK/keys/load-$i.key" --public > "$QR_WORK/keys/load-$i.pub"
done
"$Q" keygen "$QR_WORK/keys/clerk.key" --name clerk.demo >/dev/null
"$Q" key show "$QR_WORK/keys/clerk.key" --public > "$QR_WORK/keys/clerk.pub"
"$Q" keygen "$QR_WORK/keys/outsider.key" >/dev/null
for i in 0 1 2 3 4 5 6 7; do "$Q" key show "$QR_WORK/keys/load-$i.key" | sed -n 's/^allow-list: *//p'; done \
    > "$QUORUM_STATE/allow.keys"
if [ "${QR_VALGRIND:-0}" = 1 ]; then
    : > "$QR_WORK/quorumd.log"
    vg_quorumd "$QR_WORK/valgrind.log"
    wait_for 120 "$Q" forums
else
    setsid "$QD" "${daemon_args[@]}" > "$QR_WORK/quorumd.log" 2>&1 < /dev/null &
    echo $! > "$QR_WORK/quorumd.pid"
    wait_for 20 "$Q" forums
fi
pass "quorumd $(cat "$QR_WORK/quorumd.pid") is serving on port $QR_PORT"
