#!/usr/bin/env bash
# Signed minutes (issue 5), through the real client against the fixture's daemon.
#   A. The quick start's city partnership board (scripts/demo.sh), finished: a second item voted
#      by show of hands (one vote confirmed, one not), a correction, an overturn, an action's
#      progress, the meeting closed.  Its minutes are checked line by line.
#   B. Committees in common of two trusts that only recommend: one board ratifies, the other
#      refuses; then the next meeting approves the first meeting's minutes (rule 15), and its
#      own minutes show that approval and carry a consistency proof from their checkpoint.
#   C. Stock minisign accepts the minutes and rejects every one-character edit.
#   D. verify-minutes accepts good minutes and rejects an edited vote, a dropped item, a proof
#      from another checkpoint, and a checkpoint cosigned by a witness nobody named.
#   E. audit reports on a whole forum, from the daemon and from the database file.
# The minutes are left in $QR_WORK/minutes for it_minutes_html.
. "$(dirname "$0")/lib.sh"
M="$QR_WORK/minutes"
DK="$QUORUM_STATE/demo-keys"
TOOL="$T/qr_minutes_tool"
rm -rf "$M" && mkdir -p "$M"
command -v minisign > /dev/null || fail "minisign is not installed (scripts/deps.sh test installs it)"

by() { local k=$1; shift; "$Q" --key "$DK/$k.key" "$@"; }
ok() { out=$("$@" 2>&1) || fail "'$*' failed: $out"; }
seq_of() { sed -n 's/^recorded [A-Za-z]* as entry \([0-9]*\) of forum .*/\1/p' <<< "$out"; }
# has_line FILE LINE: FILE holds exactly LINE, where @N stands for any entry number.
has_line() {
    local re
    re=$(printf '%s' "$2" | sed -e 's/[][\.*^$(){}+?|]/\\&/g' -e 's/@N/[0-9]+/g')
    grep -Eqx -- "$re" "$1" || fail "$(basename "$1") lacks the line: $2"
}
# has TEXT WHAT PIECE...: TEXT contains every PIECE.
has() {
    local text=$1 what=$2 p; shift 2
    for p; do grep -qF -- "$p" <<< "$text" || fail "$what: no '$p' in: $text"; done
}
# verify_out ARGS...: verify-minutes' output; its exit status in $vm_status.
verify_out() { set +e; vm_out=$("$Q" verify-minutes "$@" 2>&1); vm_status=$?; set -e; }

TODAY=$(date -u +%F)
YEAR=$(date -u -d "$TODAY + 365 days" +%F)

# ==== A. the city partnership board ==========================================================
"$(dirname "$0")/../../scripts/demo.sh" "$Q" > "$M/demo.out" 2>&1 || { cat "$M/demo.out" >&2; fail "scripts/demo.sh failed"; }
CLERK_PK=$("$Q" key show "$DK/clerk.key" --json | sed -n 's/.*"minisign_key":"\([^"]*\)".*/\1/p')
[ ${#CLERK_PK} -eq 56 ] || fail "key show --json gives no minisign_key"
"$Q" key show "$DK/clerk.key" | grep -qx "minisign:    $CLERK_PK   (minisign -P: signed minutes)" \
    || fail "key show does not print the minisign public key"
F=city-pb
ok by clerk vote $F p-estates for --org uhl --as uhl-ceo --delegation uhl-d1 --by-clerk
V1=$(seq_of)
ok by uhl-ceo vote confirm $F p-estates --org uhl --seq "$V1"
ok by clerk vote $F p-estates against --org lcc --as lcc-dass --delegation lcc-d1 --by-clerk \
    --reason "The estates review is not finished"
ok by clerk close $F p-estates --reasons "Releases two surplus sites" --debate "The council asked for the review first"
ATT=$("$Q" log $F | awk '$3 == "AttendanceRecorded" {print $1; exit}')
[ -n "$ATT" ] || fail "no AttendanceRecorded entry in the log of $F"
ok by clerk correct $F "$ATT" --what "Jo Bloggs attended for the ICB programme office" --reason "Clerk's error"
ok by lpt-board overturn $F p-discharge-hub --org lpt --reason "Conflicts with the LPT estates plan" \
    --board-meeting "LPT Board 2026-12-03"
ok by clerk action update $F a-hub-plan in-progress --note "Draft plan shared"
ok by clerk meeting close $F m-2026-11
ok by clerk minutes $F m-2026-11 --out "$M/a"
A="$M/a/m-2026-11.md"
for f in "$A" "$M/a/m-2026-11.html" "$A.minisig" "$M/a/m-2026-11.bundle"; do
    [ -s "$f" ] || fail "quorum minutes did not write $f"
done
has "$out" "what quorum minutes printed" "cut from checkpoint size" "minisign -Vm $A -P $CLERK_PK"

UHL="University Hospitals of Leicester NHS Trust (uhl)"
LPT="Leicestershire Partnership NHS Foundation Trust (lpt)"
LCC="Leicester City Council (lcc)"
ICB="LLR Integrated Care Board (icb)"
HW="Healthwatch Leicester (hw)"
RM="Richard Mitchell, Chief Executive (uhl-ceo)"
SM="Sharon Murphy, Director of Finance (lpt-dof)"
LJ="Laurence Jones, Director of Adult Social Care (lcc-dass)"
has_line "$A" "# Minutes: Leicester City Health and Care Partnership Board, meeting m-2026-11"
has_line "$A" "- **Decision-making capacity:** DELEGATED: each organisation's representative decides for it under the delegation its board gave, and an organisation is bound only by its own vote."
has_line "$A" "- **Reports to:** Leicester Health and Wellbeing Board"
has_line "$A" "- **Date:** $TODAY"
has_line "$A" "- **Place:** City Hall, Committee Room 2"
has_line "$A" "- **Agenda:** 1. Community discharge hub; 2. Estates review"
has_line "$A" "| $LPT | $SM | 1 | QUORATE |"
has_line "$A" "- **In attendance (not members; they never vote):** Jo Bloggs (ICB programme lead)"
has_line "$A" "- **Apologies:** Faisal Hussain, Non-executive Director (lpt-ned), $LPT"
has_line "$A" "- **Correction** (entry @N) of entry $ATT (AttendanceRecorded): Jo Bloggs attended for the ICB programme office. **Reason:** Clerk's error. The original entry stays in the log."
pass "the minutes of $F: charter, date, place, agenda, attendance and quorum, a correction beside what it corrects"

# Votes with representatives, the delegation used, how each was recorded, a changed vote.
has_line "$A" "- **$UHL: FOR** by $RM; under delegation uhl-d1 (reference: UHL SoD 3.1; held by $RM; scope: service-change, estates; limit £1,000,000.00; valid $TODAY to $YEAR); signed by the representative; entry @N."
has_line "$A" "- **$LPT: FOR** by $SM; under delegation lpt-d1 (reference: LPT SoD 4.2; held by $SM; scope: service-change; limit £250,000.00; valid $TODAY to $YEAR); signed by the representative; entry @N. Reason given: Staffing assurance given in the meeting. **Changed vote:** first AGAINST by $SM at entry @N (signed by the representative; reason given: Staffing model not yet agreed); both votes stay in the log and only the latest counts."
has_line "$A" "- **$LCC: AGAINST** by $LJ; under delegation lcc-d1 (reference: LCC Constitution Part 3; held by $LJ; scope: service-change; limit £500,000.00; valid $TODAY to $YEAR); signed by the representative; entry @N. Reason given: Social care capacity is not funded."
has_line "$A" "- **$ICB: ABSTAIN** by Caroline Trevithick, Director of Strategy (icb-dos); no delegation needed (an abstention binds no one); signed by the representative; entry @N. Reason given: Awaiting the ICB board's capital plan."
has_line "$A" "- **$HW: no vote**: present, but it cast no vote."
# Abstentions and non-votes apart; votes reconciled against members present.
has_line "$A" "- **Abstained (a decision not to decide; not bound):** $ICB."
has_line "$A" "- **Cast no vote though present:** $HW."
has_line "$A" "- **Votes reconciled:** 5 members present from 5 organisations; 4 votes counted, one per organisation (2 for, 1 against, 1 abstention); 1 organisation present cast no vote; 0 had no member present; 4 + 1 + 0 = 5 member organisations. 1 earlier vote was replaced by a changed vote (kept in the log, not counted)."
# The outcome per organisation, what it means, the board's overturn, the result and reasons.
has_line "$A" "| $UHL | FOR | BOUND | bound by the decision: it voted for | — |"
has_line "$A" "| $LPT | FOR | BOUND | bound by the decision: it voted for | OVERTURNED by its board at entry @N (reason: Conflicts with the LPT estates plan): no longer bound |"
has_line "$A" "| $LCC | AGAINST | NOT_BOUND | not bound: it voted against | — |"
has_line "$A" "| $ICB | ABSTAIN | NO_DECISION | not bound: it abstained | — |"
has_line "$A" "| $HW | none | NO_DECISION | not bound: it cast no vote | — |"
has_line "$A" "- **Who is bound:** Bound: $UHL. Not bound: $LPT; $LCC; $ICB; $HW."
has_line "$A" "- **Forum result** (majority; for information only, it binds no one): CARRIED."
has_line "$A" "- **Reasons for the decision:** Reduces delayed discharges; funded within delegated limits."
has_line "$A" "- **Summary of debate:** Members discussed staffing and the ICB capital plan."
# Item 2: votes recorded by the clerk, one confirmed and one not.
has_line "$A" "- **$UHL: FOR** by $RM; under delegation uhl-d1 (reference: UHL SoD 3.1; held by $RM; scope: service-change, estates; limit £1,000,000.00; valid $TODAY to $YEAR); recorded by the clerk and confirmed by the representative at entry @N; entry $V1."
has_line "$A" "- **$LCC: AGAINST** by $LJ; under delegation lcc-d1 (reference: LCC Constitution Part 3; held by $LJ; scope: service-change; limit £500,000.00; valid $TODAY to $YEAR); recorded by the clerk and unconfirmed: the representative has not signed it; entry @N. Reason given: The estates review is not finished."
has_line "$A" "- **Reasons for the decision:** Releases two surplus sites."
# Actions with owning organisation, owner, due date and history.
has_line "$A" "- **a-hub-plan** (on proposal p-discharge-hub): Bring the hub mobilisation plan to the next meeting. **Owning organisation:** $UHL. **Owner:** Chief Operating Officer. **Due:** $(date -u -d "$TODAY + 30 days" +%F). **Status:** IN_PROGRESS. **History:** OPEN at entry @N; IN_PROGRESS at entry @N (Draft plan shared)."
has_line "$A" "- **Opened** at entry @N; **closed** at entry @N."
has_line "$A" "- **Cosignatures:** none yet."
pass "the minutes of $F: votes, representatives, delegations used, recording, outcomes, reasons, actions"

# ==== B. committees in common that recommend; approval of minutes ==========================
R=rec-cic
RK="$QR_WORK/rec-keys"
rm -rf "$RK" && mkdir -p "$RK" && chmod 700 "$RK"
for k in lpt-b nhft-b jce nhft-dir; do "$Q" keygen "$RK/$k.key" --name $k > /dev/null; done
rby() { local k=$1; shift; "$Q" --key "$RK/$k.key" "$@"; }
ok "$Q" forum charter $R --name "LPT and NHFT Committees in Common" --purpose "Joint clinical strategy" \
    --capacity recommends --decision-rule consensus --reports-to "LPT Trust Board" \
    --reports-to "NHFT Board of Directors" --clerk "$DK/clerk.key"
ok "$Q" org join $R lpt --name "Leicestershire Partnership NHS Trust" --kind nhs-trust --membership full --board "$RK/lpt-b.key"
ok "$Q" org join $R nhft --name "Northamptonshire Healthcare NHS Foundation Trust" --kind foundation-trust \
    --membership full --board "$RK/nhft-b.key"
for org in lpt nhft; do
    ok rby $org-b member appoint $R $org jce --name "Angela Hillery" --role "Joint Chief Executive" \
        --capacity executive --member-key "$RK/jce.key"
done
ok rby nhft-b member appoint $R nhft nhft-dir --name "Jo Okafor" --role "Director of Operations" \
    --capacity executive --member-key "$RK/nhft-dir.key"
ok by clerk meeting open $R rec-m1 --date today --place "Bridge Park Plaza, Leicester" --agenda "Stroke rehabilitation"
ok by clerk meeting attend $R rec-m1 --present lpt:jce --present nhft:jce --present nhft:nhft-dir
ok by clerk propose $R p-stroke --meeting rec-m1 --title "Joint community stroke rehabilitation service" \
    --class service-change --value 180000 --stage choose
ok by clerk propose $R p-odd --meeting rec-m1 --title '<script>alert("x")</script> | **not bold** & `tick` \ slash' \
    --class strategy
ok rby jce vote $R p-stroke for --org lpt --as jce --reason "Shortens waits for rehabilitation"
ok by clerk vote $R p-stroke for --org nhft --as jce --by-clerk
ok rby jce vote confirm $R p-stroke --org nhft --seq "$(seq_of)"
ok rby jce vote $R p-odd against --org lpt --as jce
ok by clerk close $R p-stroke --reasons "Shortens waits within the agreed budget" --debate "Staffing review at six months"
ok by clerk close $R p-odd --reasons "Not <needed>"
ok rby lpt-b ratify $R p-stroke --org lpt --board-meeting "LPT Board 2026-12-03, item 7"
ok rby nhft-b ratify $R p-stroke --org nhft --refuse --reason "Awaiting the NHFT workforce plan" \
    --board-meeting "NHFT Board 2026-12-05, item 4"
ok by clerk meeting close $R rec-m1
ok by clerk minutes $R rec-m1 --out "$M/b"
B1="$M/b/rec-m1.md"
L2="Leicestershire Partnership NHS Trust (lpt)"
N2="Northamptonshire Healthcare NHS Foundation Trust (nhft)"
AH="Angela Hillery, Joint Chief Executive (jce)"
has_line "$B1" "- **Decision-making capacity:** RECOMMENDS: a vote binds no one; each organisation's outcome is a recommendation that binds it only when its own board ratifies it."
has_line "$B1" "- **$L2: FOR** by $AH; no delegation needed (in this forum a vote binds no one); signed by the representative; entry @N. Reason given: Shortens waits for rehabilitation."
has_line "$B1" "- **$N2: FOR** by $AH; no delegation needed (in this forum a vote binds no one); recorded by the clerk and confirmed by the representative at entry @N; entry @N."
has_line "$B1" "| $L2 | FOR | SUPPORTS | supports the recommendation | RATIFIED by its board at entry @N (board meeting: LPT Board 2026-12-03, item 7): BOUND |"
has_line "$B1" "| $N2 | FOR | SUPPORTS | supports the recommendation | ratification REFUSED by its board at entry @N (board meeting: NHFT Board 2026-12-05, item 4; reason: Awaiting the NHFT workforce plan): NOT_BOUND |"
has_line "$B1" "- **Who is bound:** Bound: $L2. Not bound: $N2."
has_line "$B1" "- **Forum result** (consensus; for information only, it binds no one): CARRIED."
has_line "$B1" "| $N2 | none | NO_VIEW | no view: it cast no vote | awaiting its board: not bound unless its board ratifies |"
has_line "$B1" '## Item 2: \<script\>alert("x")\</script\> \| \*\*not bold\*\* \& \`tick\` \\ slash'
pass "the minutes of $R: views, boards' ratification and refusal, who is bound, text escaped"

# Rule 15: the next meeting approves these minutes; its minutes show it.
S1=$(sed -n 's/^trusted comment: .* size:\([0-9]*\) .*/\1/p' "$B1.minisig")
R1=$(sed -n 's/^trusted comment: .* root:\(.*\)$/\1/p' "$B1.minisig")
H1=$(sha256sum "$B1" | cut -d' ' -f1)
[ -n "$S1" ] && [ -n "$R1" ] || fail "the signature's trusted comment names no checkpoint"
ok by clerk meeting open $R rec-m2 --date today --place "Bridge Park Plaza, Leicester" --agenda "Minutes of rec-m1"
ok by clerk meeting attend $R rec-m2 --present lpt:jce --present nhft:nhft-dir
expect_exit 2 by clerk minutes approve $R rec-m2 --minutes "$B1"
cp "$B1" "$M/edited.md" && cp "$B1.minisig" "$M/edited.md.minisig" && sed -i '1s/Minutes/Minute/' "$M/edited.md"
expect_exit 4 by clerk minutes approve $R rec-m1 --minutes "$M/edited.md"
ok by clerk minutes approve $R rec-m1 --minutes "$B1"
ok rby lpt-b minutes approve $R rec-m1 --minutes "$B1" --org lpt
ok by clerk meeting close $R rec-m2
ok by clerk minutes $R rec-m2 --out "$M/c"
B2="$M/c/rec-m2.md"
has_line "$B2" "- **Minutes of meeting rec-m1** (held $TODAY): SHA-256 \`$H1\`, cut from checkpoint size $S1 with root \`$R1\`. **Approved as a true record by:** the chair, signed by the clerk clerk (entry @N); $L2, signed by the board of $L2 (entry @N)."
has_line "$B2" "- **Consistency:** the bundle proves this log consistent with the checkpoints of earlier approved minutes, of sizes $S1."
grep -q "^consistency $S1 " "$M/c/rec-m2.bundle" || fail "the bundle of rec-m2 has no consistency proof from size $S1"
verify_out "$B2" --clerk-key "$CLERK_PK"
[ $vm_status -eq 0 ] || fail "verify-minutes rejects the minutes of rec-m2: $vm_out"
has "$vm_out" "verify-minutes of rec-m2" "consistent with the checkpoint of size $S1 pinned by the approved minutes of meeting rec-m1"
pass "approving rec-m1 by its file pins its hash and checkpoint; rec-m2's minutes show it and prove consistency"

# ==== C. stock minisign ======================================================================
for md in "$A" "$B1" "$B2"; do
    minisign -Vm "$md" -P "$CLERK_PK" > "$M/minisign.out" 2>&1 || { cat "$M/minisign.out" >&2; fail "minisign rejects $md"; }
    grep -q "^Trusted comment: quorum-minutes forum:[a-z-]* meeting:[a-z0-9-]* origin:quorum.test/forum/[a-z-]* size:[0-9]* root:" \
        "$M/minisign.out" || fail "minisign shows no trusted comment naming forum, meeting and checkpoint"
done
size=$(stat -c %s "$A")
n=0
for at in 0 1 $((size / 3)) $((size / 2)) $((size - 2)) $((size - 1)); do
    cp "$A" "$M/one.md"
    old=$(dd if="$A" bs=1 skip=$at count=1 2>/dev/null | od -An -tx1 | tr -d ' ')
    new=$([ "$old" = 41 ] && echo 42 || echo 41)     # any other character
    printf "\\x$new" | dd of="$M/one.md" bs=1 seek=$at conv=notrunc 2>/dev/null
    cmp -s "$A" "$M/one.md" && fail "the edit at byte $at changed nothing"
    if minisign -Vm "$M/one.md" -x "$A.minisig" -P "$CLERK_PK" > /dev/null 2>&1; then
        fail "minisign accepts the minutes with byte $at changed"
    fi
    n=$((n + 1))
done
pass "stock minisign verifies the minutes (trusted comment: forum, meeting, checkpoint) and rejects $n one-character edits"

# ==== D. verify-minutes ======================================================================
LOGKEY=$("$Q" checkpoint $F --json | sed -n 's/.*"log_vkey":"\([^"]*\)".*/\1/p')
verify_out "$A" --log-key "$LOGKEY" --clerk-key "$CLERK_PK"
[ $vm_status -eq 0 ] || fail "verify-minutes rejects good minutes: $vm_out"
has "$vm_out" "verify-minutes" "(given with --log-key)" "signed (minisign) by the key given with --clerk-key" \
    "the minutes say exactly what the entries say" "verified: the minutes of meeting m-2026-11 of forum $F (SHA-256 $(sha256sum "$A" | cut -d' ' -f1))"
verify_out "$A"
[ $vm_status -eq 0 ] || fail "verify-minutes without keys rejects good minutes: $vm_out"
has "$vm_out" "verify-minutes without keys" "taken from the bundle: give --log-key" "by the clerk clerk named in the charter"
verify_out "$A" --clerk-key "$RK/jce.key"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts a signature checked with the wrong key"
pass "verify-minutes accepts the good minutes, with and without keys, and refuses the wrong clerk key"

# copy NAME: the good minutes, signature and bundle as $M/d/NAME.{md,md.minisig,bundle}.
copy() {
    mkdir -p "$M/d"
    cp "$A" "$M/d/$1.md"; cp "$A.minisig" "$M/d/$1.md.minisig"; cp "$M/a/m-2026-11.bundle" "$M/d/$1.bundle"
}
resign() { "$TOOL" sign "$DK/clerk.key" "$M/d/$1.md" "$A.minisig" "$M/d/$1.md.minisig" || fail "cannot re-sign $1"; }
# An edited vote, re-signed by a dishonest clerk: the signature holds, the words do not.
copy vote
sed -i "s/^- \*\*$UHL: FOR\*\* by $RM; under delegation uhl-d1 (reference: UHL SoD 3.1; held by $RM; scope: service-change, estates; limit £1,000,000.00; valid $TODAY to $YEAR); signed/- **$UHL: AGAINST** by $RM; under delegation uhl-d1 (reference: UHL SoD 3.1; held by $RM; scope: service-change, estates; limit £1,000,000.00; valid $TODAY to $YEAR); signed/" "$M/d/vote.md"
cmp -s "$A" "$M/d/vote.md" && fail "the vote edit changed nothing"
resign vote
verify_out "$M/d/vote.md" --log-key "$LOGKEY" --clerk-key "$CLERK_PK"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts an edited vote: $vm_out"
line=$(grep -n "^- \*\*$UHL: AGAINST\*\*" "$M/d/vote.md" | cut -d: -f1)
has "$vm_out" "the edited vote" "ok    the minutes are signed (minisign)" \
    "FAIL  line $line differs: the minutes say '- **$UHL: AGAINST** by $RM" "the log says '- **$UHL: FOR** by $RM"
# Unsigned, the same edit fails the signature too.
copy vote2 && cp "$M/d/vote.md" "$M/d/vote2.md"
verify_out "$M/d/vote2.md" --clerk-key "$CLERK_PK"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts an edited, unsigned vote"
has "$vm_out" "the unsigned edit" "FAIL  the signature in" "FAIL  line $line differs"
pass "an edited vote is named by its line, with what the minutes say and what the log says"

copy item
awk '/^## Item 2/{skip=1} /^## Actions/{skip=0} !skip' "$A" > "$M/d/item.md"
resign item
verify_out "$M/d/item.md" --clerk-key "$CLERK_PK"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts a dropped item"
has "$vm_out" "the dropped item" "FAIL  the minutes leave out" "the first is '## Item 2: Estates rationalisation'"
pass "a dropped item is reported with what is missing"

# A proof from another checkpoint: the log grows, the minutes are cut again, and one entry's
# line (the same bytes, proved under the later checkpoint) is spliced into the first bundle.
ok by clerk action update $F a-hub-plan done --note "Plan presented"
ok by clerk minutes $F m-2026-11 --out "$M/a2"
copy proof
later=$(grep "^entry 5 " "$M/a2/m-2026-11.bundle")
awk -v l="$later" '/^entry 5 /{print l; next} {print}' "$M/a/m-2026-11.bundle" > "$M/d/proof.bundle"
cmp -s "$M/a/m-2026-11.bundle" "$M/d/proof.bundle" && fail "the spliced proof is the same proof"
verify_out "$M/d/proof.md" --log-key "$LOGKEY" --clerk-key "$CLERK_PK"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts a proof from another checkpoint"
has "$vm_out" "the spliced proof" "FAIL  entry 5: its inclusion proof does not verify under the checkpoint"
pass "an inclusion proof from a different checkpoint is rejected, naming the entry"

# A checkpoint cosigned by a witness nobody named.
"$Q" keygen "$M/stranger.key" --name stranger.witness > /dev/null
copy cosig
"$TOOL" cosign "$M/stranger.key" "$M/a/m-2026-11.bundle" "$M/d/cosig.bundle" || fail "cannot cosign"
verify_out "$M/d/cosig.md" --log-key "$LOGKEY" --clerk-key "$CLERK_PK"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts a checkpoint cosigned by an unknown witness"
has "$vm_out" "the unknown witness" "FAIL  the checkpoint carries a signature by stranger.witness" \
    "a witness whose key was neither given (--witness) nor named in the charter, so unknown and not verified"
WKEY=$("$Q" key show "$M/stranger.key" --json | sed -n 's/.*"witness_vkey":"\([^"]*\)".*/\1/p')
verify_out "$M/d/cosig.md" --log-key "$LOGKEY" --clerk-key "$CLERK_PK" --witness "$WKEY"
has "$vm_out" "the named witness" "ok    cosigned by witness stranger.witness (key given with --witness)"
grep -q "neither given" <<< "$vm_out" && fail "a witness given with --witness is still reported unknown"
pass "a cosignature by an unknown witness is reported; given its key, it verifies"

verify_out "$A" --log-key "$("$Q" checkpoint $R --json | sed -n 's/.*"log_vkey":"\([^"]*\)".*/\1/p')"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts the checkpoint with another forum's log key"
printf 'quorum-minutes-bundle-v1\nforum %s\n' $F > "$M/d/short.bundle"
verify_out "$A" --bundle "$M/d/short.bundle"
[ $vm_status -eq 1 ] || fail "verify-minutes accepts a truncated bundle"
has "$vm_out" "the truncated bundle" "the bundle is incomplete"
pass "a wrong log key and a truncated bundle are rejected"

# ==== E. audit ===============================================================================
set +e; audit=$("$Q" audit $F --log-key "$LOGKEY" 2>&1); st=$?; set -e
[ $st -eq 0 ] || fail "audit of $F finds problems: $audit"
has "$audit" "the audit" "Audit of forum $F" "Signers" "the clerk clerk" "the operator" \
    "Rule replay: every entry is lawful" "Checkpoints (1 held)" "Findings: none"
set +e; audit=$("$Q" --db "$QUORUM_STATE/quorumd.db" audit $F --log-key "$LOGKEY" 2>&1); st=$?; set -e
[ $st -eq 0 ] || fail "audit --db of $F finds problems: $audit"
n=$(sed -n 's/^Checkpoints (\([0-9]*\) held)$/\1/p' <<< "$audit")
[ "${n:-0}" -gt 10 ] || fail "audit --db holds only ${n:-0} checkpoints: $audit"
has "$audit" "audit --db" "root matches the entries: yes; consistent with the latest"
"$Q" checkpoint $F | sed '3s/^./X/' > "$M/bad.checkpoint"
set +e; audit=$("$Q" audit $F --log-key "$LOGKEY" --checkpoint "$M/bad.checkpoint" 2>&1); st=$?; set -e
[ $st -eq 1 ] || fail "audit accepts a forged checkpoint: $audit"
has "$audit" "the forged checkpoint" "is not signed by the log key"
pass "audit: every entry, signer and checkpoint ($n held in the database) consistent; a forged one is a finding"

# The HTML page: self-contained, no script, text escaped.
for h in "$M/a/m-2026-11.html" "$M/b/rec-m1.html"; do
    head -1 "$h" | grep -qx '<!DOCTYPE html>' || fail "$h is not an HTML page"
    grep -qi '<script\|src=\|href=\|@import\|url(' "$h" && fail "$h loads something or runs a script"
done
grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | **not bold** &amp; `tick` \ slash' "$M/b/rec-m1.html" \
    || fail "the proposal's title is not shown escaped in the HTML"
pass "the HTML pages are self-contained and escape what statements say"
