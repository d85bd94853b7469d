#!/usr/bin/env bash
# Tamper: change one byte of an entry in a copy of the database (triggers dropped).  quorumd
# refuses to start on it, naming the forum and entry; `quorum verify` of its export fails,
# naming the entry.  An untouched copy is the control: it starts and verifies.
# A rogue daemon: an unlawful but validly signed vote appended to a copy, with the checkpoint
# re-signed by the daemon's own key; `quorum verify` catches it by replaying the rulebook.
. "$(dirname "$0")/lib.sh"
"$Q" forum charter tamper --name "Tamper forum" --reports-to "Nobody" --clerk "$QR_WORK/keys/clerk.pub" > /dev/null
"$Q" --key "$QR_WORK/keys/clerk.key" meeting open tamper m1 --date today --place "Room 3" > /dev/null
for i in 1 2 3 4; do "$T/qr_probe" --key "$QR_WORK/keys/clerk.key" submit tamper "p$i" "Tamper me $i" > /dev/null; done

copy_state() { # copy_state DIR FIND REPLACE
    rm -rf "$1" && mkdir -p "$1" && chmod 700 "$1"
    cp -p "$QUORUM_STATE/quorumd.key" "$QUORUM_STATE/quorumd.pub" "$QUORUM_STATE/operator.key" "$1/"
    "$T/qr_tamper" "$QUORUM_STATE/quorumd.db" "$1/quorumd.db" tamper 4 "$2" "$3" > /dev/null
}
start_on() { # start_on DIR [COMMAND...]: run a second daemon on the copy (and COMMAND once it
    # is ready, with QUORUM_CONFIG pointing the clients at it); its exit status
    local port=$((QR_PORT + 2)) dir=$1; shift
    sed -e "s|:$QR_PORT\$|:$port|" -e "s|:$((QR_PORT + 1))\$|:$((port + 1))|" "$QUORUM_CONFIG" > "$dir/client.conf"
    set +e
    timeout 20 "$QD" --state_dir "$dir" --origin quorum.test --request_endpoint "tcp://127.0.0.1:$port" \
        --event_endpoint "tcp://127.0.0.1:$((port + 1))" > "$dir/log" 2>&1 &
    local pid=$!
    # the control keeps running: give it time to pass its checks, then stop it
    for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; grep -q "ready:" "$dir/log" && break; sleep 0.1; done
    [ $# -eq 0 ] || QUORUM_CONFIG="$dir/client.conf" "$@"
    kill -TERM $pid 2>/dev/null; wait $pid; local rc=$?
    set -e
    return $rc
}

copy_state "$QR_WORK/good" - -
start_on "$QR_WORK/good" || fail "quorumd would not start on an untouched copy: $(cat "$QR_WORK/good/log")"
grep -q "ready:" "$QR_WORK/good/log" || fail "the control did not become ready"
"$Q" --db "$QR_WORK/good/quorumd.db" export tamper > "$QR_WORK/good.export"
"$Q" verify "$QR_WORK/good.export" > /dev/null || fail "the untouched export does not verify"
pass "control: an untouched copy starts and verifies"

copy_state "$QR_WORK/bad" "Tamper me 3" "Tamper me 9"
if start_on "$QR_WORK/bad"; then fail "quorumd started on a tampered database"; fi
grep -q "ready:" "$QR_WORK/bad/log" && fail "quorumd became ready on a tampered database"
grep -q "forum tamper: entry 4's bytes do not match" "$QR_WORK/bad/log" || fail "refusal does not name the entry: $(cat "$QR_WORK/bad/log")"
grep -q "refusing to start" "$QR_WORK/bad/log" || fail "no refusal message"
pass "quorumd refuses to start on the tampered copy, naming forum tamper entry 4"

"$Q" --db "$QR_WORK/bad/quorumd.db" export tamper > "$QR_WORK/bad.export"
set +e; out=$("$Q" verify "$QR_WORK/bad.export"); rc=$?; set -e
[ $rc -eq 1 ] || fail "verify of the tampered export exited $rc"
echo "$out" | grep -q "^FAIL  entry 4: the statement's signature does not verify" || fail "verify did not name entry 4: $out"
echo "$out" | grep -q "^NOT VERIFIED" || fail "no verdict: $out"
pass "verify of its export fails, naming entry 4"

copy_state "$QR_WORK/rogue" - -
"$T/qr_forge" "$QR_WORK/rogue/quorumd.db" "$QUORUM_STATE/quorumd.key" quorum.test tamper \
    "$QR_WORK/keys/clerk.key" p1 nhs-nowhere someone > /dev/null
"$Q" --db "$QR_WORK/rogue/quorumd.db" export tamper > "$QR_WORK/rogue.export"
set +e; out=$("$Q" verify "$QR_WORK/rogue.export"); rc=$?; set -e
[ $rc -eq 1 ] || fail "verify of the rogue export exited $rc: $out"
echo "$out" | grep -q "^FAIL  entry 6 breaks rule NOT_A_MEMBER: " || fail "verify did not name entry 6 and its rule: $out"
[ "$(echo "$out" | grep -c '^FAIL')" -eq 1 ] || fail "verify found more than the forged entry: $out"
pass "verify of a rogue daemon's re-signed log names entry 6 and the rule it breaks"
# The forum's rulebook state is built when first needed: here, by the next submit to it.
start_on "$QR_WORK/rogue" "$T/qr_probe" --key "$QR_WORK/keys/clerk.key" submit tamper p5 "Tamper me 5" \
    || fail "quorumd would not start on the re-signed copy"
grep -q "forum tamper entry 6 breaks a rule: NOT_A_MEMBER" "$QR_WORK/rogue/log" || fail "the daemon did not warn: $(cat "$QR_WORK/rogue/log")"
grep -q "accepted ProposalTabled in forum tamper as entry 7" "$QR_WORK/rogue/log" || fail "the next submit was not judged: $(cat "$QR_WORK/rogue/log")"
pass "quorumd on that copy starts (every signature holds) but warns of entry 6 once it reads the forum's rulebook state"
