#!/usr/bin/env bash
# quorum-mirror: an organisation's own verified, witnessed copy.
#  1. started after 5,000 entries it catches up, then follows live; killed with SIGKILL
#     mid-stream and restarted 10 times, it ends with exactly the daemon's log, verified;
#  2. two organisations' mirrors cosign: the checkpoint carries both cosignatures, verified;
#  3. an organisation's feed carries its outcome, its action, an overturn by another
#     organisation and the overdue-action notice; its live mirror runs the alert command once;
#     3b. a key without access to a forum is refused its reads and hears nothing of it;
#  4. a daemon restarted on a rewritten history (re-signed with its own log key) is caught:
#     no cosignature, evidence kept, alert command run, the good copy still readable;
#  5. a slow subscriber with a tiny high-water mark loses events and still ends complete.
. "$(dirname "$0")/lib.sh"
QUORUM_WORK_LOG="$QR_WORK/quorumd.log"
MK="$QR_WORK/mirror-keys"
rm -rf "$MK" && mkdir -p "$MK" && chmod 700 "$MK"
K="$QR_WORK/keys"
QM="$QR_BIN/quorum-mirror"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$Q" keygen "$MK/nhft.key" --name nhft.witness > /dev/null
"$Q" keygen "$MK/lpt.key" --name lpt.witness > /dev/null
wvkey() { "$Q" key show "$1" --json | sed 's/.*"witness_vkey":"\([^"]*\)".*/\1/'; }

# mirror PORT ORG KEY DB [options...]: become quorum-mirror against the daemon on PORT.  It
# execs, so run it as "mirror ... &" (then $! is the mirror itself) or "(mirror ...)".
mirror() {
    local port=$1 org=$2 key=$3 db=$4; shift 4
    exec "$QM" --organisation "$org" --key "$key" --database "$db" --poll_seconds 1 \
        --endpoint "tcp://127.0.0.1:$port" --events "tcp://127.0.0.1:$((port + 1))" \
        --server_key "$QUORUM_STATE/quorumd.pub" "$@"
}

# ---- 1. catch up, follow, survive SIGKILL ------------------------------------------------
"$Q" forum charter mir --name "Mirrored forum" --reports-to "Boards" \
    $(for i in 0 1 2 3 4 5 6 7; do echo --clerk "$K/load-$i.pub"; done) \
    --witness "$MK/nhft.key" --witness "$MK/lpt.key" > /dev/null
"$Q" --key "$K/load-0.key" meeting open mir m1 --date today --place "Room 4" > /dev/null
"$T/qr_load" --forum mir --meeting m1 --count 5000 --keys "$K" --prefix early > /dev/null
[ "$(size_of mir)" -eq 5002 ] || fail "the daemon does not hold 5,002 entries"

DB="$QR_WORK/nhft-mirror.db"
rm -f "$DB" "$DB"-*
mirror "$QR_PORT" nhft "$MK/nhft.key" "$DB" > "$QR_WORK/mirror-1.log" 2>&1 &
pids+=($!)
wait_for 60 has_size mir 5002 --db "$DB"
pass "a mirror started after 5,000 entries caught up"

# A slow stream (two clients, one statement in flight each) so the kills land mid-stream.
"$T/qr_load" --forum mir --meeting m1 --count 2000 --clients 2 --window 1 --keys "$K" \
    --prefix live > /dev/null &
load=$!
for i in $(seq 10); do
    wait_for 20 grep -q "quorum-mirror\[${pids[-1]}\] info: mirroring" "$QR_WORK/mirror-1.log"
    sleep "0.$((RANDOM % 4 + 1))"
    kill -KILL "${pids[-1]}" 2>/dev/null || true
    wait "${pids[-1]}" 2>/dev/null || true
    mirror "$QR_PORT" nhft "$MK/nhft.key" "$DB" >> "$QR_WORK/mirror-1.log" 2>&1 &
    pids+=($!)
done
wait $load || fail "the live load was not all acknowledged"
restarts() { [ "$(grep -c "info: mirroring" "$QR_WORK/mirror-1.log")" -eq 11 ]; }
wait_for 20 restarts
[ "$(size_of mir)" -eq 7002 ] || fail "the daemon does not hold 7,002 entries"
wait_for 60 has_size mir 7002 --db "$DB"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || fail "the mirror did not stop cleanly on SIGTERM"
grep -q "stopping:" "$QR_WORK/mirror-1.log" || fail "no clean stop in the mirror's log"
cmp -s <(leaves mir) <(leaves mir --db "$DB") || fail "the mirror's copy differs from the daemon's log"
vkey=$("$Q" checkpoint mir --json | sed 's/.*"log_vkey":"\([^"]*\)".*/\1/')
"$Q" --db "$DB" export mir > "$QR_WORK/mirror.export"
"$Q" verify "$QR_WORK/mirror.export" --log-key "$vkey" | grep -q "^verified forum mir: 7002 entries" \
    || fail "the mirror's copy does not verify"
pass "followed live through 10 SIGKILLs: exactly the daemon's 7,002 entries, verified"

# ---- 2. two mirrors cosign ----------------------------------------------------------------
(mirror "$QR_PORT" nhft "$MK/nhft.key" "$DB" --once) 2> /dev/null || fail "nhft mirror --once"
(mirror "$QR_PORT" lpt "$MK/lpt.key" "$QR_WORK/lpt-mirror.db" --once) 2> /dev/null || fail "lpt mirror --once"
"$Q" checkpoint mir --witness "$(wvkey "$MK/nhft.key")" --witness "$(wvkey "$MK/lpt.key")" > /dev/null \
    || fail "the published checkpoint does not carry both verified cosignatures"
expect_exit 8 "$Q" checkpoint mir --witness "$(wvkey "$K/load-1.key")"
pass "the checkpoint carries both organisations' cosignatures, verified"

# ---- 3. alerts: an overturn by another organisation, an overdue action ------------------
for k in uhl-board lpt-board uhl-ceo lpt-dof; do "$Q" keygen "$MK/$k.key" > /dev/null; done
C="$Q --key $K/clerk.key"
"$Q" forum charter feed --name "Feed forum" --capacity delegated --decision-rule majority \
    --reports-to "Health and Wellbeing Board" --clerk "$K/clerk.pub" > /dev/null
"$Q" org join feed uhl --name "UHL" --kind nhs-trust --membership full --board "$MK/uhl-board.key" > /dev/null
"$Q" org join feed lpt --name "LPT" --kind foundation-trust --membership full --board "$MK/lpt-board.key" > /dev/null
"$Q" --key "$MK/uhl-board.key" member appoint feed uhl uhl-ceo --name "UHL CEO" --role "CEO" --capacity executive --member-key "$MK/uhl-ceo.key" > /dev/null
"$Q" --key "$MK/lpt-board.key" member appoint feed lpt lpt-dof --name "LPT DoF" --role "DoF" --capacity executive --member-key "$MK/lpt-dof.key" > /dev/null
"$Q" --key "$MK/uhl-board.key" delegate grant feed uhl d-uhl --holder uhl-ceo --class services --limit 1000 --from -1 --until +30 > /dev/null
"$Q" --key "$MK/lpt-board.key" delegate grant feed lpt d-lpt --holder lpt-dof --class services --limit 1000 --from -1 --until +30 > /dev/null
$C meeting open feed fm --date today --place "Room 5" > /dev/null
$C meeting attend feed fm --present uhl:uhl-ceo --present lpt:lpt-dof > /dev/null
$C propose feed fp --meeting fm --title "Shared rota" --class services --value 500 > /dev/null
"$Q" --key "$MK/uhl-ceo.key" vote feed fp for --org uhl --as uhl-ceo --delegation d-uhl > /dev/null
"$Q" --key "$MK/lpt-dof.key" vote feed fp for --org lpt --as lpt-dof --delegation d-lpt > /dev/null

# UHL's governance team follows its own feed, live, with its board's key; its mirror runs.
ALERTS="$QR_WORK/alerts.txt"; rm -f "$ALERTS"
"$Q" --key "$MK/uhl-board.key" feed uhl --idle 60 > "$QR_WORK/uhl-feed.txt" 2>&1 &
pids+=($!)
mirror "$QR_PORT" uhl "$MK/uhl-board.key" "$QR_WORK/uhl-mirror.db" \
    --alert_command "echo \"\$QUORUM_ALERT|\$QUORUM_FORUM|\$QUORUM_ORGANISATION|\$QUORUM_MESSAGE\" >> $ALERTS" \
    > "$QR_WORK/uhl-mirror.log" 2>&1 &
pids+=($!)
wait_for 20 grep -q "info: mirroring" "$QR_WORK/uhl-mirror.log"
wait_for 20 has_size feed 12 --db "$QR_WORK/uhl-mirror.db"
$C close feed fp --reasons "Both organisations agreed" > /dev/null
$C action assign feed fa --proposal fp --org uhl --owner "Rota lead" --due -2 --text "Publish the rota" > /dev/null
"$Q" --key "$MK/lpt-board.key" overturn feed fp --org lpt --reason "The LPT board wants a pilot first" > /dev/null

wait_for 30 grep -q "^overturn|feed|uhl|LPT's board overturned its decision on proposal fp" "$ALERTS"
wait_for 30 grep -q "^overdue-action|feed|uhl|action fa in forum feed, owned by" "$ALERTS"
wait_for 20 grep -q "^feed  overdue-action fa: action fa in forum feed, owned by uhl (Rota lead), was due" "$QR_WORK/uhl-feed.txt"
grep -q "^feed  12 .*ProposalClosed" "$QR_WORK/uhl-feed.txt" || fail "the feed lacks uhl's outcome: $(cat "$QR_WORK/uhl-feed.txt")"
grep -q "^feed  13 .*ActionAssigned" "$QR_WORK/uhl-feed.txt" || fail "the feed lacks the action uhl owns"
grep -q "^feed  14 .*DecisionOverturned" "$QR_WORK/uhl-feed.txt" || fail "the feed lacks lpt's overturn"
[ "$(grep -c "^feed  [0-9]" "$QR_WORK/uhl-feed.txt")" -eq 3 ] || fail "the feed carried entries that do not concern uhl"
# A forum uhl joins later is followed too, without a restart.
"$Q" forum charter feed2 --name "Later forum" --reports-to "Boards" > /dev/null
"$Q" org join feed2 uhl --name "UHL" --kind nhs-trust --membership full --board "$MK/uhl-board.key" > /dev/null
wait_for 20 has_size feed2 2 --db "$QR_WORK/uhl-mirror.db"
grep -q "^feed2  1 .*OrganisationJoined" "$QR_WORK/uhl-feed.txt" || fail "the feed did not say uhl joined feed2"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" || fail "the uhl mirror did not stop cleanly"
kill -TERM "${pids[-2]}" 2>/dev/null || true
# Alerts are raised once: a second pass is quiet.
(mirror "$QR_PORT" uhl "$MK/uhl-board.key" "$QR_WORK/uhl-mirror.db" --once \
    --alert_command "echo again >> $ALERTS") 2> /dev/null || fail "second --once"
grep -q "^again" "$ALERTS" && fail "an alert was raised twice"
pass "uhl's feed carried its outcome, its action, lpt's overturn, the overdue action and a forum it joined; its mirror alerted once each and followed the new forum"

# ---- 3b. read access per forum ------------------------------------------------------------
# uhl's board key reads forum feed (uhl sits on it) but not forum mir, nor lpt's feed.
"$Q" --key "$MK/uhl-board.key" forums > "$QR_WORK/uhl-forums.txt"
grep -q "^feed " "$QR_WORK/uhl-forums.txt" || fail "uhl's board cannot see the forum it sits on"
grep -q "^mir " "$QR_WORK/uhl-forums.txt" && fail "uhl's board was shown forum mir"
for read in "log mir" "checkpoint mir" "proof inclusion mir 0" "proof consistency mir 1 2" "tail mir --count 1"; do
    out=$(output_of "$Q" --key "$MK/uhl-board.key" $read)
    echo "$out" | grep -q "NOT_AUTHORISED" || fail "'$read' with uhl's key was not refused: $out"
done
expect_exit 4 "$Q" --key "$MK/uhl-board.key" log mir
grep -Eq "refused a read of forum mir from uhl(~[0-9a-f]{8})?: NOT_AUTHORISED" "$QUORUM_WORK_LOG" \
    || fail "the refused read is not logged with the key's name"
# Subscriptions: nothing of forum mir reaches uhl's key; the forum's witness hears it all.
rm -f "$QR_WORK/sub-"*
"$T/qr_sub" --key "$MK/uhl-board.key" forum/mir/ --for 4 --ready "$QR_WORK/sub-1.ready" > "$QR_WORK/sub-uhl.txt" &
s1=$!
"$T/qr_sub" --key "$MK/uhl-board.key" "" --for 4 --ready "$QR_WORK/sub-2.ready" > "$QR_WORK/sub-all.txt" &
s2=$!
"$T/qr_sub" --key "$MK/uhl-board.key" org/lpt/ --for 4 --ready "$QR_WORK/sub-3.ready" > "$QR_WORK/sub-lpt.txt" &
s3=$!
"$T/qr_sub" --key "$MK/nhft.key" forum/mir/ --for 4 --ready "$QR_WORK/sub-4.ready" > "$QR_WORK/sub-nhft.txt" &
s4=$!
pids+=($s1 $s2 $s3 $s4)
for i in 1 2 3 4; do wait_for 20 test -f "$QR_WORK/sub-$i.ready"; done
"$T/qr_load" --forum mir --meeting m1 --count 20 --clients 1 --keys "$K" --prefix access > /dev/null
$C action assign feed fb --proposal fp --org lpt --owner "Estates lead" --due +20 --text "Cost the pilot" > /dev/null
wait $s1 $s2 $s3 $s4
grep -q "^received 0$" "$QR_WORK/sub-uhl.txt" || fail "uhl's key heard forum mir: $(tail -2 "$QR_WORK/sub-uhl.txt")"
grep -q "^received 0$" "$QR_WORK/sub-all.txt" || fail "uhl's key heard everything"
grep -q "^received 0$" "$QR_WORK/sub-lpt.txt" || fail "uhl's key heard lpt's feed"
[ "$(grep -c "^mir [0-9]" "$QR_WORK/sub-nhft.txt")" -ge 20 ] || fail "the witness did not hear forum mir: $(tail -2 "$QR_WORK/sub-nhft.txt")"
grep -Eq "refused subscription to 'forum/mir/' from uhl(~[0-9a-f]{8})?: NOT_AUTHORISED" "$QUORUM_WORK_LOG" \
    || fail "the refused subscription is not logged with the key's name"
# A key that is not registered at all cannot even connect.
expect_exit 7 "$Q" --key "$K/outsider.key" --timeout 2 forums 2> /dev/null
pass "a key without access is refused reads (NOT_AUTHORISED) and hears nothing; an unknown key cannot connect"

# ---- 4. a rewritten history is caught ------------------------------------------------------
P2=$((QR_PORT + 2))
daemon_on() { # daemon_on STATE [options]: a second daemon on port P2 with this fixture's keys
    local state=$1; shift
    setsid "$QD" --state_dir "$state" --origin quorum.test --request_endpoint "tcp://127.0.0.1:$P2" \
        --event_endpoint "tcp://127.0.0.1:$((P2 + 1))" "$@" > "$state/log" 2>&1 < /dev/null &
    pids+=($!)
    wait_for 20 "$Q" --endpoint "tcp://127.0.0.1:$P2" forums
}
stop_last() { kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; }
fresh_state() {
    rm -rf "$1" && mkdir -p "$1" && chmod 700 "$1"
    cp -p "$QUORUM_STATE/quorumd.key" "$QUORUM_STATE/quorumd.pub" "$QUORUM_STATE/operator.key" "$1/"
}
Q2="$Q --endpoint tcp://127.0.0.1:$P2"
record() { # record TITLE...: a forum whose history is the proposals named
    $Q2 forum charter rw --name "Rewritten" --reports-to "Boards" --clerk "$K/clerk.pub" --witness "$MK/nhft.key" > /dev/null
    $Q2 --key "$K/clerk.key" meeting open rw m1 --date today --place "Room 6" > /dev/null
    local i=0
    for t in "$@"; do i=$((i + 1)); $Q2 --key "$K/clerk.key" propose rw "p$i" --meeting m1 --title "$t" --class c > /dev/null; done
}
fresh_state "$QR_WORK/honest"; daemon_on "$QR_WORK/honest"
record "Original one" "Original two" "Original three"
RW="$QR_WORK/rw-mirror.db"; rm -f "$RW" "$RW"-*
(mirror "$P2" nhft "$MK/nhft.key" "$RW" --once) 2> /dev/null || fail "mirror of the honest daemon"
$Q2 checkpoint rw --witness "$(wvkey "$MK/nhft.key")" > /dev/null || fail "the honest log was not cosigned"
stop_last

fresh_state "$QR_WORK/rewritten"; daemon_on "$QR_WORK/rewritten"
record "Rewritten one" "Rewritten two" "Rewritten three" "Rewritten four" "Rewritten five"
rm -f "$ALERTS"
(mirror "$P2" nhft "$MK/nhft.key" "$RW" --once --alert_command "echo \"\$QUORUM_ALERT|\$QUORUM_MESSAGE\" >> $ALERTS") \
    2> "$QR_WORK/rw-mirror.log" || true
grep -q "^consistency|forum rw: " "$ALERTS" || fail "no consistency alert: $(cat "$QR_WORK/rw-mirror.log")"
expect_exit 8 $Q2 checkpoint rw --witness "$(wvkey "$MK/nhft.key")"
[ "$(size_of rw --db "$RW")" -eq 5 ] || fail "the mirror's good copy changed"
"$Q" --db "$RW" log rw --json | grep -q "Original\|\"seq\":4" || fail "the good copy is not readable"
(mirror "$P2" nhft "$MK/nhft.key" "$RW" --once) 2> "$QR_WORK/rw-mirror-2.log" || true
grep -q "evidence of a split view is on file" "$QR_WORK/rw-mirror-2.log" || fail "the evidence did not persist"
$Q2 checkpoint rw --witness "$(wvkey "$MK/nhft.key")" > /dev/null 2>&1 && fail "cosigned a rewritten history"
stop_last
pass "a rewritten history was caught: no cosignature, evidence kept, alert run, good copy kept"

# ---- 5. a slow subscriber with a tiny high-water mark --------------------------------------
# The daemon keeps at most 20 messages queued for each subscriber and the mirror takes one at
# a time; the mirror is stopped (SIGSTOP) while 3,000 statements are acknowledged, so the
# publisher drops most of their events.  Resumed, it must notice and fetch what it missed.
# (Each load client keeps 4 requests in flight, so its replies stay under the same mark.)
fresh_state "$QR_WORK/slow"; daemon_on "$QR_WORK/slow" --hwm 20
slowd=${pids[-1]}
$Q2 forum charter slow --name "Slow forum" --reports-to "Boards" --clerk "$K/load-0.pub" \
    --clerk "$K/load-1.pub" --witness "nhft=$MK/nhft.key" > /dev/null
$Q2 --key "$K/load-0.key" meeting open slow m1 --date today --place "Room 7" > /dev/null
SL="$QR_WORK/slow-mirror.db"; rm -f "$SL" "$SL"-*
mirror "$P2" nhft "$MK/nhft.key" "$SL" --hwm 1 > "$QR_WORK/slow-mirror.log" 2>&1 &
pids+=($!); slow=$!
wait_for 20 has_size slow 2 --db "$SL"
kill -STOP $slow
"$T/qr_load" --endpoint "tcp://127.0.0.1:$P2" --forum slow --meeting m1 --count 3000 --clients 2 --window 4 \
    --keys "$K" --prefix slow > /dev/null || { kill -CONT $slow; fail "the load on the slow forum"; }
kill -CONT $slow
wait_for 60 has_size slow 3002 --db "$SL"
kill -TERM $slow; wait $slow || fail "the slow mirror did not stop cleanly"
heard=$(sed -n 's/.*stopping: [0-9]* entries appended (\([0-9]*\) entry events heard.*/\1/p' "$QR_WORK/slow-mirror.log")
[ -n "$heard" ] && [ "$heard" -lt 3000 ] || fail "the slow mirror lost no events (heard ${heard:-?} of 3000): nothing was tested"
cmp -s <(leaves slow --endpoint "tcp://127.0.0.1:$P2") <(leaves slow --db "$SL") \
    || fail "the slow mirror's copy differs from the daemon's log"
kill -TERM $slowd; wait $slowd 2>/dev/null || true
pass "a stopped subscriber with a tiny high-water mark heard $heard of 3,000 events and still holds all 3,002 entries"
