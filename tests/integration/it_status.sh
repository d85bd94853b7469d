#!/usr/bin/env bash
# quorum status: uptime, forums, entries, submit rate, commit latency, connected subscribers
# and clients, cosignature freshness per forum ("none" before any witness cosigns).  The log
# says who did what for every submit, accepted or refused: the connection's key name, the
# forum, the statement kind and the result; and it never holds a secret.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
K="$QR_WORK/keys"
LOG="$QR_WORK/quorumd.log"
"$Q" forum charter st --name "Status forum" --reports-to "Nobody" --clerk "$K/load-1.pub" > /dev/null
"$Q" --key "$K/load-1.key" meeting open st m1 --date today --place "Room 7" > /dev/null
"$Q" --key "$K/load-1.key" propose st p1 --meeting m1 --title "Status" --class x > /dev/null
expect_exit 5 "$Q" --key "$K/load-2.key" propose st p2 --meeting m1 --title "Not a clerk" --class x 2>/dev/null

"$Q" tail st --from 0 --idle 60 --json > "$QR_WORK/st-tail.json" 2>/dev/null &
tail_pid=$!; OPS_PIDS+=("$tail_pid")
wait_for 20 grep -q '"seq":2' "$QR_WORK/st-tail.json"
j=$("$Q" status --json) || fail "quorum status --json"
field() { echo "$j" | json_field "$1"; }
[ "$(field code)" = OK ] && [ -n "$(field version)" ] || fail "status: $j"
[ "$(field origin)" = quorum.test ] || fail "origin: $j"
[ "$(field schema_version)" = 4 ] || fail "schema version: $j"
[ "$(field forums)" -ge 1 ] && [ "$(field entries)" -ge 3 ] || fail "forums and entries: $j"
[ "$(field submits)" -ge 3 ] && [ "$(field refused)" -ge 1 ] || fail "submit counts: $j"
[ "$(field commits)" -ge 1 ] && [ "$(field commit_us_last)" -gt 0 ] || fail "commit latency: $j"
[ "$(field commit_us_avg)" -le "$(field commit_us_max)" ] || fail "mean above max: $j"
[ "$(field subscribers)" -ge 1 ] || fail "the tail is not counted as a subscriber: $j"
[ "$(field clients)" -ge 1 ] || fail "no client counted: $j"
echo "$j" | grep -q '{"forum":"st","size":3,"last_entry_at":[0-9]*,"last_cosigned_at":"none"}' \
    || fail "forum st's status (cosignatures none): $j"
echo "$j" | grep -q '"rate_window_seconds":[0-9]*' || fail "no rate window: $j"
pass "status --json: uptime, forums, entries, rate, latency, subscribers, cosignatures none"

out=$("$Q" status)
for want in "^quorumd .*, up .* origin quorum.test, schema version 4" "^forums: " "^submits: .*/s over the last" \
            "^commits: .*latency .* us last, .* us mean, .* us max" "^connections: [1-9][0-9]* subscriber" \
            "^st  *3  .*  none$"; do
    echo "$out" | grep -q "$want" || fail "status lacks '$want': $out"
done
kill $tail_pid 2>/dev/null || true
pass "status for people: one line per measure, one per forum"

grep -q "accepted ForumChartered in forum st as entry 0 from operator (signer [0-9a-f]\{16\})" "$LOG" \
    || fail "the charter is not logged with who did it"
grep -q "accepted ProposalTabled in forum st as entry 2 from load-1.* (signer [0-9a-f]\{16\})" "$LOG" \
    || fail "the proposal is not logged with who did it"
grep -q "refused ProposalTabled in forum st from load-2 (signer [0-9a-f]\{16\}): WRONG_SIGNER: " "$LOG" \
    || fail "the refusal is not logged with who, what and why: $(grep "forum st" "$LOG" | tail -3)"
pass "the log says who did what: key name, forum, statement kind, result"

# No secret of any key the test made, nor of the daemon's or operator's, is in the log.
leaks=0
for f in "$K"/*.key "$QUORUM_STATE"/*.key; do
    for s in $(sed -n 's/^\(ed25519-seed\|curve-secret\) //p' "$f"); do
        if grep -qF "$s" "$LOG"; then echo "secret of $f in the log" >&2; leaks=$((leaks + 1)); fi
    done
done
[ $leaks -eq 0 ] || fail "$leaks secrets in the daemon's log"
pass "no secret key material in the daemon's log"
