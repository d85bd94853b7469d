#!/usr/bin/env bash
# The security matrix, in one place: each attempt is refused with its stable code, the
# daemon's log line for it names the connection's key (its ZAP User-Id, or for a key that may
# not connect at all, the key itself), and afterwards nothing recorded has changed: every
# forum's log and checkpoint (with its cosignatures) is byte-identical.
#   unknown transport key          cannot connect
#   signing for another org        WRONG_SIGNER
#   a vote without delegation      NO_DELEGATION
#   a replayed statement           DUPLICATE
#   a forged signature             BAD_SIGNATURE
#   signed for one forum, sent to another   BAD_SIGNATURE (the signature covers the forum)
#   an oversized message           TOO_LARGE
#   a deeply nested message        BAD_REQUEST (and one in two frames)
#   a cosignature by a non-witness NOT_AUTHORISED
#   a secret key file others can read       refused by the client and by the daemon
#   a subscription to (and a read of) a forum the key may not read   NOT_AUTHORISED, nothing heard
. "$(dirname "$0")/lib.sh"
K="$QR_WORK/sec-keys"
rm -rf "$K" && mkdir -p "$K" && chmod 700 "$K"
LOG="$QR_WORK/quorumd.log"
for k in clerk orga-board orgb-board alice bob witness; do
    "$Q" keygen "$K/$k.key" --name "$k.sec" > /dev/null
    "$Q" key show "$K/$k.key" --public > "$K/$k.pub"
done
by() { local k=$1; shift; "$Q" --key "$K/$k.key" "$@"; }
P() { local k=$1; shift; "$T/qr_probe" --key "$K/$k.key" "$@"; }
# signer NAME: the signer prefix the daemon logs for NAME's key.
signer() { sed -n 's/^sign-key //p' "$K/$1.pub" | base64 -d | od -An -tx1 | tr -d ' \n' | head -c 16; }

F=sec G=sec-other
for f in $F $G; do
    "$Q" forum charter $f --name "Security matrix $f" --capacity delegated --decision-rule majority \
        --reports-to "Nobody" --clerk "$K/clerk.pub" --witness "orga=$K/witness.pub" > /dev/null
    by clerk meeting open $f m1 --date today --place "Room 5" > /dev/null
done
"$Q" org join $F orga --name "Org A NHS Trust" --kind nhs-trust --membership full --board "$K/orga-board.pub" > /dev/null
"$Q" org join $F orgb --name "Org B NHS Trust" --kind nhs-trust --membership full --board "$K/orgb-board.pub" > /dev/null
by orga-board member appoint $F orga alice --name "Alice Able" --role "Director of Strategy" \
    --capacity executive --member-key "$K/alice.pub" > /dev/null
by orgb-board member appoint $F orgb bob --name "Bob Baker" --role "Director of Finance" \
    --capacity executive --member-key "$K/bob.pub" > /dev/null
by clerk meeting attend $F m1 --present orga:alice --present orgb:bob > /dev/null
by clerk propose $F p1 --meeting m1 --title "Shared estates plan" --class estates --value 1000 > /dev/null

# What is recorded, exactly, before the first attempt.
snapshot() { for f in $F $G; do "$Q" log $f --json; "$Q" checkpoint $f --json; done; }
before=$(snapshot)
n_before=$("$Q" log $F --json | grep -c '"seq"')

# logged TEXT: the daemon's log gains a line holding TEXT (bounded wait: it is written as the
# refusal is sent).
logged() {
    local i
    for i in $(seq 50); do grep -qF -- "$1" "$LOG" && return 0; sleep 0.1; done
    fail "the daemon's log has no line with: $1"
}
# refused_rule CODE KEY USERID -- command...: exits 5 with "refused: CODE:", and the log line
# names the connection (from USERID) and the signer.
refused_rule() {
    local code=$1 key=$2 who=$3 out got; shift 4
    set +e; out=$("$@" 2>&1); got=$?; set -e
    [ $got -eq 5 ] && grep -q "refused: $code: " <<< "$out" || fail "'$*' exited $got: $out"
    logged "from $who (signer $(signer "$key")): $code: "
    pass "$code: ${out#*refused: $code: }"
}
# probe_code CODE TEXT KEY probe...: the probe is answered CODE, and the log has TEXT.
probe_code() {
    local code=$1 text=$2 key=$3 got; shift 3
    got=$(P "$key" "$@") || fail "no reply to probe $*"
    [[ "$got" == "$code "* ]] && [ -n "${got#"$code "}" ] || fail "probe $* answered '$got', expected $code"
    logged "$text"
    pass "$code ($*): ${got#"$code "}"
}

# 1. A transport key on no allow-list cannot connect; the log names the key.
"$Q" keygen "$K/outsider.key" --name outsider.sec > /dev/null
outsider=$("$Q" key show "$K/outsider.key" | sed -n 's/^allow-list: *[^ ]* //p')
expect_exit 7 "$Q" --key "$K/outsider.key" --timeout 2 forums
logged "CURVE key $outsider is not on the allow-list"
pass "an unknown transport key cannot connect, and the log names it ($outsider)"

# 2. A registered key signing for another organisation: orga's board appointing for orgb.
refused_rule WRONG_SIGNER orga-board orga -- by orga-board member appoint $F orgb mallory \
    --name "Mallory" --role "Director" --capacity executive --member-key "$K/alice.pub"

# 3. A vote without delegation.
refused_rule NO_DELEGATION alice alice -- by alice vote $F p1 for --org orga --as alice

# 4. A replayed statement: entry 7 (the proposal) exactly as recorded, submitted again.
probe_code DUPLICATE "refused ProposalTabled in forum $F from clerk.sec (signer $(signer clerk)): DUPLICATE: " \
    clerk replay $F 7

# 5. A forged signature.
probe_code BAD_SIGNATURE "from clerk.sec (signer ?): BAD_SIGNATURE: " clerk badsig $F forged

# 6. Signed for one forum, submitted to another: the signature covers the forum.
n_bad=$(grep -c "from clerk.sec (signer ?): BAD_SIGNATURE: " "$LOG")
probe_code BAD_SIGNATURE "from clerk.sec (signer ?): BAD_SIGNATURE: " clerk reforum $F $G moved
[ "$(grep -c "from clerk.sec (signer ?): BAD_SIGNATURE: " "$LOG")" -gt "$n_bad" ] || fail "the re-addressed statement was not logged"

# 7. An oversized message and a deeply nested one.
probe_code TOO_LARGE "refused a request from clerk.sec: TOO_LARGE: " clerk oversize
probe_code BAD_REQUEST "refused a request from clerk.sec: BAD_REQUEST: it names no operation" clerk nested
probe_code BAD_REQUEST "refused a request from clerk.sec: BAD_REQUEST: it came in 2 frames, not one" clerk multiframe

# 8. A cosignature from a key that is not the forum's witness (the clerk's).
probe_code NOT_AUTHORISED "refused a cosignature for forum $F size $n_before" clerk cosign $F
logged "from clerk.sec: NOT_AUTHORISED: the cosignature is not by a witness named in the forum's charter"

# 9. A secret key file others can read: the client refuses it, and so does the daemon.
cp "$K/clerk.key" "$K/loose.key" && chmod 644 "$K/loose.key"
set +e; out=$("$Q" --key "$K/loose.key" forums 2>&1); got=$?; set -e
[ $got -ne 0 ] && grep -q "is readable by group or others (mode 644); run: chmod 600 $K/loose.key" <<< "$out" \
    || fail "the client used a key file of mode 644 (exit $got): $out"
pass "the client refuses a key file of mode 644: $out"
D=$(mktemp -d /tmp/qr-sec.XXXXXX) && chmod 700 "$D"
trap 'rm -rf "$D"' EXIT
set +e
timeout 20 "$QD" --state_dir "$D" --key_file "$K/loose.key" --request_endpoint "ipc://$D/req" \
    --event_endpoint "ipc://$D/ev" > "$D/log" 2>&1 < /dev/null; got=$?
set -e
[ $got -ne 0 ] && [ $got -ne 124 ] || fail "quorumd with a key file of mode 644 exited $got: $(cat "$D/log")"
grep -q "readable by group or others (mode 644); run: chmod 600 $K/loose.key" "$D/log" \
    || fail "quorumd did not say why it refused the key file: $(cat "$D/log")"
grep -q "ready:" "$D/log" && fail "quorumd became ready with a loose key file"
pass "quorumd refuses to start with a log key of mode 644 (exit $got)"

# 10. A subscription to a forum the key may not read, and a read of it: bob's key (orgb) and
# forum $G, on which orgb does not sit.  Meanwhile $G's clerk, named in its charter, hears its
# heartbeats (quorumd re-publishes each forum's checkpoint every 5 seconds).
"$T/qr_sub" --key "$K/bob.key" "forum/$G/" --for 7 --ready "$QR_WORK/sec-sub-1.ready" \
    > "$QR_WORK/sec-sub-bob.txt" &
s1=$!
"$T/qr_sub" --key "$K/clerk.key" "forum/$G/" --for 7 --ready "$QR_WORK/sec-sub-2.ready" \
    > "$QR_WORK/sec-sub-clerk.txt" &
s2=$!
wait $s1 || fail "bob's subscriber failed"
wait $s2 || fail "the clerk's subscriber failed"
grep -q "^received 0$" "$QR_WORK/sec-sub-bob.txt" || fail "bob heard forum $G: $(cat "$QR_WORK/sec-sub-bob.txt")"
grep -q "^$G checkpoint " "$QR_WORK/sec-sub-clerk.txt" || fail "the clerk heard nothing of $G"
logged "refused subscription to 'forum/$G/' from bob: NOT_AUTHORISED"
set +e; out=$(by bob log $G 2>&1); got=$?; set -e
[ $got -eq 4 ] && grep -q "NOT_AUTHORISED" <<< "$out" || fail "bob read forum $G (exit $got): $out"
logged "refused a read of forum $G from bob: NOT_AUTHORISED"
pass "NOT_AUTHORISED: a key of an organisation not in forum $G hears nothing of it and cannot read it"

# Nothing recorded changed, and the daemon still serves.
[ "$(snapshot)" == "$before" ] || fail "the logs or checkpoints changed during the matrix"
"$Q" export $F > "$QR_WORK/sec.export"
"$Q" verify "$QR_WORK/sec.export" | grep -q "^verified forum $F: $n_before entries" || fail "the export of $F does not verify"
pass "after every attempt: forums $F and $G hold exactly what they held ($n_before entries in $F, verified), checkpoints identical"
