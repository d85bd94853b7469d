#!/usr/bin/env bash
# Load: $QR_SCALE_CLIENTS clients (200; each a thread with its own key and CURVE connection,
# 16 statements in flight) submit $QR_SCALE_STATEMENTS statements (100,000) across
# $QR_SCALE_FORUMS forums (50) while one `quorum tail` per forum follows it live.  Nothing is
# lost or duplicated (qr_crashcheck: every acknowledgement at its place, as acknowledged, no
# statement twice, every head its signed checkpoint's), every subscriber saw its whole forum
# in order, entry for entry as acknowledged, and the daemon's peak resident set (VmHWM) stays
# under $QR_SCALE_RSS_MB.  Prints elapsed time, statements a second and the peak.
#
# The RSS bound: quorumd holds each forum's rulebook state in memory (every proposal tabled,
# with its text), about 470 bytes an entry in the start-up benchmark (468 MiB for 1,000,000
# entries); SQLite's page cache is bounded; the sockets' queues are bounded by their
# high-water marks but hold whole statements while a subscriber is behind.  Measured here
# (gcc): a daemon restarted idle on the 100,100 entries holds about 57 MiB, and the peak under
# the load is about 96-101 MiB, the rest being 250 connections' buffers and queues.  The bound,
# 160 MiB by default, leaves about 60% over that peak for a busier machine, and is well below
# what a daemon keeping every reply or event queued (100,000 statements and entries of about
# 700 bytes, for each of 250 peers) would need.  Under ASan, whose quarantine alone keeps up
# to 256 MiB of freed memory (peak measured: about 417 MiB), CMake sets 640 MiB.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
CLIENTS=${QR_SCALE_CLIENTS:-200}
TOTAL=${QR_SCALE_STATEMENTS:-100000}
NF=${QR_SCALE_FORUMS:-50}
RSS_MB=${QR_SCALE_RSS_MB:-160}
PER=$((TOTAL / NF)) # statements per forum: clients are spread evenly over the forums
[ $((TOTAL % NF)) -eq 0 ] && [ $((CLIENTS % NF)) -eq 0 ] && [ $((TOTAL % CLIENTS)) -eq 0 ] \
    || fail "the statements and clients must divide evenly over the forums"
own_dir D
K="$D/keys"
mkdir -p "$K" && chmod 700 "$K"
for i in $(seq 0 $((CLIENTS - 1))); do "$Q" keygen "$K/load-$i.key" > /dev/null & done; wait
for f in $(seq 0 $((NF - 1))); do "$Q" keygen "$K/sub-$f.key" > /dev/null & done; wait
start_own "$D"
pid=$(cat "$D/pid")
forums=()
for f in $(seq 0 $((NF - 1))); do
    forums+=("s-$f")
    oq "$D" forum charter "s-$f" --name "Scale forum $f" --reports-to "Boards" \
        $(for i in $(seq "$f" "$NF" $((CLIENTS - 1))); do echo --clerk "$K/load-$i.key"; done) \
        --auditor "$K/sub-$f.key" > /dev/null
    OQ_KEY="$K/load-$f.key" oq "$D" meeting open "s-$f" m1 --date today --place "Room $f" > /dev/null
done

# One subscriber a forum (an auditor of it), following from the start; each has subscribed
# once it has printed the charter.
subs=()
for f in $(seq 0 $((NF - 1))); do
    OQ_KEY="$K/sub-$f.key" oq "$D" tail "s-$f" --from 0 --count $((PER + 2)) --idle 120 --json \
        > "$D/tail-$f.json" 2> "$D/tail-$f.err" &
    subs+=($!)
    OPS_PIDS+=($!)
done
for f in $(seq 0 $((NF - 1))); do wait_for 60 grep -q '"seq":1,' "$D/tail-$f.json"; done
pass "$NF subscribers are following"

t0=$(date +%s.%N)
"$T/qr_load" --endpoint "ipc://$D/req" --server-key "$D/state/quorumd.pub" --timeout 60 \
    --forum s --forums "$NF" --meeting m1 --clients "$CLIENTS" --count "$TOTAL" --window 16 \
    --keys "$K" --acks "$D/acks" > /dev/null 2> "$D/load.err" \
    || { cat "$D/load.err" >&2; fail "not every submit was acknowledged"; }
t1=$(date +%s.%N)
[ "$(wc -l < "$D/acks")" -eq "$TOTAL" ] || fail "expected $TOTAL acknowledgements"

# Every subscriber ends (bounded by its --idle) with its whole forum.
end=$((SECONDS + 180))
for p in "${subs[@]}"; do
    while kill -0 "$p" 2>/dev/null; do
        [ $SECONDS -lt $end ] || fail "a subscriber was still running 180s after the load"
        sleep 0.2
    done
    wait "$p" || fail "a subscriber exited $?"
done
t2=$(date +%s.%N)
hwm_kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
rss_kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")

list=$(IFS=,; echo "${forums[*]}")
"$T/qr_crashcheck" --endpoint "ipc://$D/req" --server-key "$D/state/quorumd.pub" \
    --key "$D/state/operator.key" --forums "$list" --state "$D/check" --acks "$D/acks" \
    > "$D/check.out" 2>&1 || { cat "$D/check.out" >&2; fail "the log does not hold what was acknowledged"; }
cat "$D/check.out"
grep -q "^checked $NF forums: $((TOTAL + 2 * NF)) entries" "$D/check.out" \
    || fail "the forums do not hold $((TOTAL + 2 * NF)) entries"
pass "$TOTAL acknowledged statements, each in the log exactly once, as acknowledged"

for f in $(seq 0 $((NF - 1))); do
    grep -o '"seq":[0-9]*' "$D/tail-$f.json" | cut -d: -f2 | cmp -s - <(seq 0 $((PER + 1))) \
        || fail "subscriber $f did not see entries 0..$((PER + 1)) of s-$f in order"
    sed 's/.*"seq":\([0-9]*\),.*"leaf_hash":"\([^"]*\)".*/ack s-'"$f"' \1 \2/' "$D/tail-$f.json" \
        | sort > "$D/tail-$f.leaves"
    grep "^ack s-$f " "$D/acks" | cut -d' ' -f1-4 | sort | comm -23 - "$D/tail-$f.leaves" \
        | grep -q . && fail "subscriber $f saw an entry other than the one acknowledged"
done
pass "all $NF subscribers saw their whole forum in order, entry for entry as acknowledged"

stop_own "$D"
# What of that is the logs' state: the same daemon started again on the same file, idle.
start_own "$D"
state_kb=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$(cat "$D/pid")/status")
stop_own "$D"
awk -v n="$TOTAL" -v c="$CLIENTS" -v f="$NF" -v a="$t0" -v b="$t1" -v d="$t2" -v h="$hwm_kb" -v r="$rss_kb" -v s="$state_kb" 'BEGIN {
    printf "figures: %d clients, %d statements, %d forums, %d subscribers: submitted in %.1fs (%.0f statements/s), all subscribers complete %.1fs after the start; quorumd peak RSS (VmHWM) %.1f MiB, RSS at the end %.1f MiB; restarted on the same file, idle: %.1f MiB\n",
        c, n, f, f, b - a, n / (b - a), d - a, h / 1024, r / 1024, s / 1024 }'
[ "$hwm_kb" -le $((RSS_MB * 1024)) ] || fail "quorumd's peak RSS $((hwm_kb / 1024)) MiB is over the bound of $RSS_MB MiB"
pass "quorumd's peak RSS $((hwm_kb / 1024)) MiB is within $RSS_MB MiB"
