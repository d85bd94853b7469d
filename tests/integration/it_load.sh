#!/usr/bin/env bash
# Eight concurrent clients (clerks of the forum) table 2,000 signed proposals at an open
# meeting.  Every acknowledged statement is in
# the log exactly once; tail saw every entry in order; the checkpoint, proofs and the export
# all verify.
. "$(dirname "$0")/lib.sh"
N=2000
TOTAL=$((N + 2)) # the charter and the meeting open, then the load
K="$QR_WORK/keys"
"$Q" forum charter load --name "Load forum" --reports-to "Nobody" \
    $(for i in 0 1 2 3 4 5 6 7; do echo --clerk "$K/load-$i.pub"; done) > /dev/null
"$Q" --key "$K/load-0.key" meeting open load m1 --date today --place "Room 1" > /dev/null

"$Q" tail load --from 0 --count $TOTAL --idle 60 --json > "$QR_WORK/tail.json" 2> "$QR_WORK/tail.err" &
tail_pid=$!
trap 'kill $tail_pid 2>/dev/null || true' EXIT
# tail has subscribed once it printed the charter.
wait_for 20 grep -q '"seq":0' "$QR_WORK/tail.json"

"$T/qr_load" --forum load --meeting m1 --clients 8 --count $N --keys "$QR_WORK/keys" > "$QR_WORK/acks" \
    || fail "not every submit was acknowledged"
[ "$(wc -l < "$QR_WORK/acks")" -eq $N ] || fail "expected $N acknowledgements"

"$Q" log load --json > "$QR_WORK/log.json"
[ "$(wc -l < "$QR_WORK/log.json")" -eq $TOTAL ] || fail "the log has $(wc -l < "$QR_WORK/log.json") entries, expected $TOTAL"
grep -c '"signature_ok":true' "$QR_WORK/log.json" | grep -qx $TOTAL || fail "a bad signature in the log"
# Each acknowledgement (seq, leaf hash) matches the entry the client hashed itself, exactly once.
sed 's/.*"seq":\([0-9]*\),.*"leaf_hash":"\([^"]*\)".*/ack load \1 \2/' "$QR_WORK/log.json" | sort > "$QR_WORK/logged"
sort "$QR_WORK/acks" > "$QR_WORK/acks.sorted"
[ "$(sort -u "$QR_WORK/acks.sorted" | wc -l)" -eq $N ] || fail "duplicate acknowledgements"
missing=$(comm -23 "$QR_WORK/acks.sorted" "$QR_WORK/logged" | wc -l)
[ "$missing" -eq 0 ] || fail "$missing acknowledged statements are not in the log as acknowledged"
pass "$N acknowledged statements, each in the log exactly once"

wait $tail_pid || fail "tail exited $? ($(cat "$QR_WORK/tail.err"))"
trap - EXIT
grep -o '"seq":[0-9]*' "$QR_WORK/tail.json" | cut -d: -f2 > "$QR_WORK/tail.seqs"
seq 0 $((TOTAL - 1)) | cmp -s - "$QR_WORK/tail.seqs" || fail "tail did not see every entry in order"
pass "tail saw entries 0..$((TOTAL - 1)) in order"

"$Q" checkpoint load --json | grep -q "\"verified\":true,\"origin\":\"quorum.test/forum/load\",\"size\":$TOTAL" \
    || fail "the checkpoint does not verify at size $TOTAL"
for i in 0 1 999 $((TOTAL - 1)); do
    "$Q" proof inclusion load $i > /dev/null || fail "inclusion proof of entry $i"
done
for old in 1 2 1000 $TOTAL; do
    "$Q" proof consistency load $old > /dev/null || fail "consistency proof from $old"
done
"$Q" proof consistency load 7 1500 --json | grep -q '"verified":true' || fail "consistency 7..1500"
pass "checkpoint, inclusion and consistency proofs verify"

"$Q" export load > "$QR_WORK/load.export"
"$Q" verify "$QR_WORK/load.export" | grep -q "^verified forum load: $TOTAL entries" || fail "export"
pass "the export of $TOTAL entries verifies"
