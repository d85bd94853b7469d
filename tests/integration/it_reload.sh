#!/usr/bin/env bash
# SIGHUP while a subscriber follows a forum: a key added to allow_keys connects at once, the
# existing subscriber keeps its connection (the event socket accepts no new connection) and
# misses no entry, and log_level changes; a change that needs a restart is said, not applied;
# a key removed from the file can no longer connect; an allow-list that does not parse
# changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
own_dir dir
"$Q" keygen "$dir/late.key" --name late.clerk > /dev/null
late_line=$("$Q" key show "$dir/late.key" | sed -n 's/^allow-list: *//p')
[ -n "$late_line" ] || fail "no allow-list line for the late key"
: > "$dir/allow.keys"
write_conf() { # write_conf LOG_LEVEL HWM
    printf 'allow_keys = %s\nlog_level = %s\nhwm = %s\n' "$dir/allow.keys" "$1" "$2" > "$dir/quorumd.conf"
}
write_conf info 100000
start_own "$dir" --config "$dir/quorumd.conf"
pid=$(cat "$dir/pid")
hup() { # hup: SIGHUP, then wait for its verdict line
    local n; n=$(grep -c "reloaded:\|reload refused" "$dir/quorumd.log" || true)
    kill -HUP "$pid"
    verdicts_beyond() { [ "$(grep -c "reloaded:\|reload refused" "$dir/quorumd.log")" -gt "$1" ]; }
    wait_for 10 verdicts_beyond "$n"
}
status_field() { oq "$dir" status --json | json_field "$1"; }
late_forums() { OQ_KEY="$dir/late.key" oq "$dir" --timeout 2 forums; }

oq "$dir" forum charter rl --name "Reload forum" --reports-to "Nobody" \
    --clerk "$dir/state/operator.key" > /dev/null
oq "$dir" meeting open rl m1 --date today --place "Room 5" > /dev/null
TOTAL=12
oq "$dir" tail rl --from 0 --count $TOTAL --idle 60 --json > "$dir/tail.json" 2> "$dir/tail.err" &
tail_pid=$!; OPS_PIDS+=("$tail_pid")
wait_for 20 grep -q '"seq":1' "$dir/tail.json"
for i in 1 2 3 4 5; do
    oq "$dir" propose rl "p$i" --meeting m1 --title "Before the reload $i" --class x > /dev/null
done
wait_for 20 grep -q '"seq":6' "$dir/tail.json"
[ "$(status_field subscribers)" -eq 1 ] || fail "status does not count the subscriber"
accepted=$(status_field subscribers_accepted)

expect_exit 7 late_forums 2>/dev/null
grep -q "refused connection .* is not on the allow-list" "$dir/quorumd.log" || fail "the late key was not refused"
pass "before the reload: the late key cannot connect; one subscriber follows forum rl"

echo "$late_line" >> "$dir/allow.keys"
write_conf debug 5000
hup
grep -q "allow-list: added late.clerk" "$dir/quorumd.log" || fail "the added key was not logged"
grep -q "reloaded: 2 keys from the operator and allow_keys (1 added, 0 removed).*log_level info -> debug" \
    "$dir/quorumd.log" || fail "the reload was not summed up: $(tail -5 "$dir/quorumd.log")"
grep -q "reload: hwm is now '5000' in the configuration (running with '100000'); it takes effect at the next restart" \
    "$dir/quorumd.log" || fail "the pending hwm change was not said"
OQ_KEY="$dir/late.key" oq "$dir" forums > "$dir/late-forums" || fail "the late key cannot connect after the reload"
grep -q "^rl " "$dir/late-forums" && fail "a key named in no charter was shown forum rl"
pass "SIGHUP: the key added to allow_keys connects at once; log_level applied; hwm waits for a restart"

for i in 6 7 8 9 10; do
    oq "$dir" propose rl "p$i" --meeting m1 --title "After the reload $i" --class x > /dev/null
done
wait $tail_pid || fail "tail exited $? ($(cat "$dir/tail.err"))"
grep -o '"seq":[0-9]*' "$dir/tail.json" | cut -d: -f2 > "$dir/tail.seqs"
seq 0 $((TOTAL - 1)) | cmp -s - "$dir/tail.seqs" || fail "the subscriber missed entries: $(tr '\n' ' ' < "$dir/tail.seqs")"
[ "$(status_field subscribers_accepted)" -eq "$accepted" ] \
    || fail "the event socket accepted a new connection: the subscriber was dropped and reconnected"
grep -q "debug: " "$dir/quorumd.log" || fail "log_level debug was not applied"
pass "the subscriber kept its one connection through the reload and saw entries 0..$((TOTAL - 1)) in order"

: > "$dir/allow.keys"
hup
grep -q "allow-list: removed late.clerk" "$dir/quorumd.log" || fail "the removal was not logged"
expect_exit 7 late_forums 2>/dev/null
pass "a key removed from allow_keys cannot connect after the next SIGHUP"

echo "$late_line" >> "$dir/allow.keys"
echo "this is not a key line" >> "$dir/allow.keys"
hup
grep -q "reload refused, nothing changed: .*allow.keys:2: expected" "$dir/quorumd.log" \
    || fail "a bad allow-list was not refused: $(tail -3 "$dir/quorumd.log")"
expect_exit 7 late_forums 2>/dev/null
oq "$dir" forums > /dev/null || fail "the operator lost access after a refused reload"
echo "colour = blue" >> "$dir/quorumd.conf"
hup
grep -q "reload refused, nothing changed: .*colour: there is no such option" "$dir/quorumd.log" \
    || fail "a bad configuration was not refused"
stop_own "$dir"
pass "a reload with a bad allow-list or configuration changes nothing and says why"
