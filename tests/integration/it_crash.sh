#!/usr/bin/env bash
# Crash loop: quorumd is killed with SIGKILL at random moments, $QR_CRASH_KILLS times (50),
# while 8 clients (clerks of 4 forums) submit and 2 organisations' mirrors (witnesses) follow,
# and is restarted each time.  A daemon that does not start again within 30s fails the test.
# Once it is up again and statements are flowing, qr_crashcheck asserts: every acknowledged
# statement (qr_load writes each acknowledgement the moment it arrives) is in the log exactly
# once, as acknowledged; no entry is torn; every head matches its signed checkpoint; every
# checkpoint ever seen (heads, those carried by acknowledgements, the mirrors') is a prefix of
# the log, proven with consistency proofs to the new head; each mirror holds a prefix of the
# log.  At the end both mirrors hold exactly the daemon's log, the exports verify, and the
# daemon and mirrors stop cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
KILLS=${QR_CRASH_KILLS:-50}
RATE=${QR_CRASH_RATE:-40}     # statements a second per client (0: as fast as acknowledged)
WINDOW=${QR_CRASH_WINDOW:-4}  # statements in flight per client
QM="$QR_BIN/quorum-mirror"
started=$SECONDS
own_dir D
K="$D/keys"
mkdir -p "$K" && chmod 700 "$K"
for i in 0 1 2 3 4 5 6 7; do
    "$Q" keygen "$K/load-$i.key" > /dev/null
    "$Q" key show "$K/load-$i.key" --public > "$K/load-$i.pub"
done
"$Q" keygen "$K/nhft.key" --name nhft.witness > /dev/null
"$Q" keygen "$K/lpt.key" --name lpt.witness > /dev/null
start_own "$D"
FORUMS=c-0,c-1,c-2,c-3
for f in 0 1 2 3; do
    oq "$D" forum charter "c-$f" --name "Crash forum $f" --reports-to "Boards" \
        --clerk "$K/load-$f.pub" --clerk "$K/load-$((f + 4)).pub" \
        --witness "$K/nhft.key" --witness "$K/lpt.key" > /dev/null
    OQ_KEY="$K/load-$f.key" oq "$D" meeting open "c-$f" m1 --date today --place "Room $f" > /dev/null
done

ENDPOINTS=(--endpoint "ipc://$D/req" --server-key "$D/state/quorumd.pub")
for org in nhft lpt; do
    "$QM" --organisation "$org" --key "$K/$org.key" --database "$D/$org.db" --poll_seconds 1 \
        --endpoint "ipc://$D/req" --events "ipc://$D/ev" --server_key "$D/state/quorumd.pub" \
        > "$D/$org.log" 2>&1 &
    OPS_PIDS+=($!)
    eval "${org}_pid=$!"
done
# Each client keeps $WINDOW statements in flight, at most $RATE a second, and after a second
# with no answer reconnects and resends what is unanswered.
"$T/qr_load" "${ENDPOINTS[@]}" --timeout 1 --forum c --forums 4 --meeting m1 --clients 8 \
    --count 100000000 --window "$WINDOW" --rate "$RATE" --retry --keys "$K" --acks "$D/acks" \
    > /dev/null 2> "$D/load.err" &
load_pid=$!
OPS_PIDS+=($load_pid)

acks() { [ -f "$D/acks" ] && wc -l < "$D/acks" || echo 0; }
more_acks() { [ "$(acks)" -gt "$1" ]; }
check() { # bounded: a check that hangs is a failure
    timeout 120 "$T/qr_crashcheck" "${ENDPOINTS[@]}" --key "$D/state/operator.key" --forums "$FORUMS" \
        --state "$D/check" --acks "$D/acks" --mirror "$D/nhft.db" --mirror "$D/lpt.db" "$@"
}
no_sanitizer_report() {
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$1"; then
        cat "$1" >&2; fail "sanitizer report in $1"
    fi
}

# A subscriber that has fallen behind when the daemon dies (its reader stalls, so its queue
# fills) must survive and, once read again, miss nothing.  (libzmq 4.3.4 aborted it: wire.c.)
mkfifo "$D/slow.fifo"
{ until [ -f "$D/slow.go" ]; do sleep 0.1; done; cat; } < "$D/slow.fifo" > "$D/slow.json" &
OPS_PIDS+=($!)
oq "$D" tail c-0 --json > "$D/slow.fifo" 2> "$D/slow.err" &
slow_pid=$!
OPS_PIDS+=($slow_pid)
sleep 1
"$T/qr_load" "${ENDPOINTS[@]}" --forum c-0 --meeting m1 --clients 1 --count 3000 \
    --window 16 --keys "$K" --prefix burst --acks "$D/acks" > /dev/null 2>&1 \
    || fail "the burst for the stalled subscriber was not acknowledged"

has_seq() { grep -q "\"seq\":$2," "$1"; }
# After the first kill: alive past its ZMTP heartbeat interval, then read again it prints
# every entry from where it began to where the restarted daemon's log now ends, as logged.
slow_subscriber_caught_up() {
    sleep 6
    kill -0 "$slow_pid" 2>/dev/null || fail "a subscriber that had fallen behind died with the daemon: $(cat "$D/slow.err")"
    touch "$D/slow.go"
    local last from
    last=$(($(size_of c-0 "${ENDPOINTS[@]}" --key "$D/state/operator.key") - 1))
    wait_for 60 has_seq "$D/slow.json" "$last"
    kill -TERM "$slow_pid"
    from=$(grep -m1 -o '"seq":[0-9]*' "$D/slow.json" | cut -d: -f2)
    oq "$D" log c-0 --from "$from" --json > "$D/c-0.log.json"
    local n=$((2 * (last - from + 1))) # lines: a seq and a leaf hash an entry
    json_leaves "$D/slow.json" | awk -v n=$n 'NR <= n' > "$D/slow.leaves"
    json_leaves "$D/c-0.log.json" | awk -v n=$n 'NR <= n' | cmp -s - "$D/slow.leaves" \
        || fail "the subscriber that had fallen behind did not see entries $from..$last of c-0 as logged"
    pass "a subscriber that had fallen behind survived the kill, then saw entries $from..$last in order"
}

for k in $(seq "$KILLS"); do
    # Kill only while statements are being acknowledged, then at a random moment within 0.8s.
    n=$(acks)
    wait_for 30 more_acks "$n"
    sleep "0.$(printf %03d $((RANDOM % 800)))"
    pid=$(cat "$D/pid")
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    no_sanitizer_report "$D/quorumd.log"
    cat "$D/quorumd.log" >> "$D/quorumd.all.log"
    start_own "$D"
    # The clients wait while the log is examined, so that what each cycle adds does not grow
    # with the time the examination takes (on a slow or busy machine the log would run away).
    kill -STOP "$load_pid"
    [ "$k" -eq 1 ] && slow_subscriber_caught_up
    check > "$D/check.out" 2>&1 || { cat "$D/check.out" >&2; fail "after kill $k"; }
    kill -CONT "$load_pid"
    echo "kill $k: $(cat "$D/check.out")"
done
pass "$KILLS SIGKILLs: after each restart every acknowledged statement was there exactly once, every checkpoint consistent"

stop_within 20 "$load_pid" || { cat "$D/load.err" >&2; fail "a client's statement was refused"; }
cat "$D/load.err"

# Both mirrors catch up: exactly the daemon's log, entry for entry.
end=$((SECONDS + 120))
until check --complete > "$D/check.out" 2>&1; do
    [ $SECONDS -lt $end ] || { cat "$D/check.out" >&2; fail "the mirrors did not catch up within 120s"; }
    sleep 1
done
echo "final: $(cat "$D/check.out")"
for f in 0 1 2 3; do
    vkey=$(oq "$D" checkpoint "c-$f" --json | json_field log_vkey)
    oq "$D" export "c-$f" > "$D/c-$f.export"
    oq "$D" verify "$D/c-$f.export" --log-key "$vkey" | grep -q "^verified forum c-$f:" \
        || fail "the export of c-$f does not verify"
    # The real client too: the first head after a restart is a prefix of the last.
    first=$(awk '$1 == "h" { print $2; exit }' "$D/check/c-$f.seen")
    oq "$D" proof consistency "c-$f" "$first" > /dev/null || fail "consistency of c-$f from $first"
done
pass "both mirrors hold exactly the daemon's log; every export verifies"

# With nothing new to print, tail --idle ends although the daemon's heartbeat events go on.
expect_exit 7 timeout 30 "$Q" "${ENDPOINTS[@]}" --key "$D/state/operator.key" tail c-0 --idle 6
pass "tail --idle 6 ended after 6s with nothing new, heartbeats notwithstanding"


# The check can fail: an acknowledgement of an entry the log lacks, one whose entry is another
# statement, and a "duplicate" that is not in the log are each found.
cp -r "$D/check" "$D/check-forged"
read -r _ f s l _ < <(grep -m1 "^ack c-0 " "$D/acks")
{ cat "$D/acks"; echo "ack $f 99999999 $l -"; echo "ack $f $((s + 1)) $l -"
  echo "dup $f $(head -c 32 /dev/urandom | base64)"; } > "$D/acks-forged"
out=$(output_of timeout 120 "$T/qr_crashcheck" "${ENDPOINTS[@]}" --key "$D/state/operator.key" \
    --forums "$FORUMS" --state "$D/check-forged" --acks "$D/acks-forged")
for want in "acknowledged entry 99999999 is missing" "entry $((s + 1)) is not the statement acknowledged" \
    "called statement .* a duplicate, but it is not in the log" "3 findings"; do
    echo "$out" | grep -q "$want" || fail "qr_crashcheck did not report: $want ($out)"
done
pass "forged acknowledgements are caught"

for org in nhft lpt; do
    pid_var="${org}_pid"
    stop_within 20 "${!pid_var}" || fail "the $org mirror did not stop cleanly"
    no_sanitizer_report "$D/$org.log"
done
stop_own "$D"
cat "$D/quorumd.log" >> "$D/quorumd.all.log"
total=$(acks)
dups=$(grep -c '^dup ' "$D/acks" || true)
acked=$((total - dups))
elapsed=$((SECONDS - started))
echo "figures: $KILLS kills in ${elapsed}s; $acked statements acknowledged ($((acked / (elapsed > 0 ? elapsed : 1)))/s)," \
     "$dups recorded but unacknowledged when the daemon died; $(grep -c 'ready:' "$D/quorumd.all.log") starts"
pass "crash loop done"
