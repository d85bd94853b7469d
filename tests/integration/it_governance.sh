#!/usr/bin/env bash
# The governance model of DESIGN.md as a committee clerk and an auditor see it, through the
# real client against the fixture's daemon: committees in common of two trusts that only
# recommend (gov-jwg), and a city partnership board deciding under delegation (gov-city).
# Each rule is shown accepted and refused.  A refusal exits 5, prints "refused: CODE: message"
# naming the people, organisations and delegations involved, and leaves no trace: the forum's
# checkpoint is byte-identical afterwards.
. "$(dirname "$0")/lib.sh"
K="$QR_WORK/gov-keys"
rm -rf "$K" && mkdir -p "$K" && chmod 700 "$K"
tail_pid=
trap '[ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null || true' EXIT

# keys NAME...: a key file NAME.key and its public half NAME.pub for each.
keys() {
    for k; do
        "$Q" keygen "$K/$k.key" --name "$k" > /dev/null
        "$Q" key show "$K/$k.key" --public > "$K/$k.pub"
    done
}
# by NAME command...: the client, signing with NAME's key.
by() { local k=$1; shift; "$Q" --key "$K/$k.key" "$@"; }
# ok command...: must succeed; what it printed is left in $out.
ok() { out=$("$@" 2>&1) || fail "'$*' failed: $out"; }
# has TEXT WHAT PIECE...: TEXT contains every PIECE.
has() {
    local text=$1 what=$2 p; shift 2
    for p; do grep -qF -- "$p" <<< "$text" || fail "$what: no '$p' in: $text"; done
}
# refused FORUM CODE NAME... -- command...: the command exits 5 with "refused: CODE: ..." whose
# message names every NAME, and FORUM's checkpoint is byte-identical afterwards.
refused() {
    local forum=$1 code=$2 before msg got; shift 2
    local -a names=()
    while [ "$1" != -- ]; do names+=("$1"); shift; done; shift
    before=$("$Q" checkpoint "$forum")
    set +e; msg=$("$@" 2>&1); got=$?; set -e
    [ "$got" -eq 5 ] || fail "'$*' exited $got, expected 5 (refused by a rule): $msg"
    local line; line=$(grep -m1 "refused: $code: " <<< "$msg") || fail "'$*' was not refused with $code: $msg"
    has "$line" "the $code refusal" "${names[@]}"
    [ "$("$Q" checkpoint "$forum")" == "$before" ] || fail "the refused '$*' changed $forum's checkpoint"
    pass "refused ${line#*refused: }"
}
# prop FORUM PROPOSAL: that proposal's object in `quorum state FORUM --json`.
prop() {
    "$Q" state "$1" --json | sed 's/{"proposal":/\n&/g' | grep "^{\"proposal\":\"$2\"" \
        || fail "quorum state $1 shows no proposal $2"
}
# outcomes FORUM PROPOSAL ORG:OUTCOME:WHY[:BOARD]...: the state shows each organisation's outcome.
outcomes() {
    local p; p=$(prop "$1" "$2")
    for o in "${@:3}"; do
        IFS=: read -r org outcome why board <<< "$o"
        local want="{\"organisation\":\"$org\",\"outcome\":\"$outcome\",\"why\":\"$why\""
        [ -z "$board" ] || want="$want,\"needs_ratification\":true,\"board\":\"$board\""
        has "$p" "the outcome for $org of $2" "$want"
    done
}
# signer NAME: the key prefix `quorum log` shows for entries NAME signed.
signer() { sed -n 's/^sign-key //p' "$K/$1.pub" | base64 -d | od -An -tx1 | tr -d ' \n' | head -c 16; }
# verified FORUM: its export verifies offline.
verified() {
    "$Q" export "$1" > "$QR_WORK/$1.export"
    "$Q" verify "$QR_WORK/$1.export" | grep -q "^verified forum $1" || fail "the export of $1 does not verify"
    pass "the export of $1 verifies offline"
}

# ==== A. Committees in common of two trusts: the forum recommends, each board ratifies ========
A=gov-jwg
LPT="Leicestershire Partnership NHS Trust (lpt)"
NHFT="Northamptonshire Healthcare NHS Foundation Trust (nhft)"
keys clerk lpt-board nhft-board jce lpt-ned nhft-ned nhft-dir
ok "$Q" forum charter $A --name "LPT and NHFT Joint Working Group" --purpose "Joint clinical strategy" \
    --capacity recommends --decision-rule consensus --chair "Joint Chair" \
    --reports-to "LPT Trust Board" --reports-to "NHFT Trust Board" --clerk "$K/clerk.pub"
ok "$Q" org join $A lpt --name "${LPT% (*}" --kind nhs-trust --membership full --board "$K/lpt-board.pub"
ok "$Q" org join $A nhft --name "${NHFT% (*}" --kind foundation-trust --membership full --board "$K/nhft-board.pub"
# One joint chief executive with one key, appointed by both boards.
for org in lpt nhft; do
    ok by $org-board member appoint $A $org jce --name "Angela Hillery" --role "Joint Chief Executive" \
        --capacity executive --member-key "$K/jce.pub"
done
ok by lpt-board member appoint $A lpt lpt-ned --name "Faisal Hussain" --role "Non-executive Director" \
    --capacity non-executive --member-key "$K/lpt-ned.pub"
ok by nhft-board member appoint $A nhft nhft-ned --name "Maria Wilson" --role "Non-executive Director" \
    --capacity non-executive --member-key "$K/nhft-ned.pub"
ok by nhft-board member appoint $A nhft nhft-dir --name "Jo Okafor" --role "Director of Operations" \
    --capacity executive --member-key "$K/nhft-dir.pub"
pass "$A chartered: two trusts, a joint chief executive appointed by both boards"

# Rule 5: a foundation trust delegates to an executive or a committee of directors, never a lone NED.
refused $A NED_CANNOT_BIND "$NHFT" "nhft-ned-only" "Maria Wilson (nhft-ned)" "non-executive" -- \
    by nhft-board delegate grant $A nhft nhft-ned-only --holder nhft-ned --class service-change \
    --limit 100000 --from today --until +365
ok by nhft-board delegate grant $A nhft nhft-cttee --holder jce --holder nhft-dir --class service-change \
    --limit 250000 --from today --until +365 --scheme "NHFT SoD 2.3"
pass "a delegation to a committee of two directors is recorded"

# Rule 10: attendance per organisation; the joint chief executive is present for both.
ok by clerk meeting open $A jwg-m1 --date today --place "Bridge Park Plaza, Leicester" --agenda "Stroke rehabilitation"
ok by clerk meeting attend $A jwg-m1 --present lpt:jce --present nhft:jce --present lpt:lpt-ned \
    --present nhft:nhft-dir --apologies nhft:nhft-ned
has "$("$Q" state $A --json)" "the attendance of $A" \
    '"present":[{"organisation":"lpt","person":"jce","name":""},{"organisation":"nhft","person":"jce","name":""}' \
    '"apologies":[{"organisation":"nhft","person":"nhft-ned"' \
    '"quorate":[{"organisation":"lpt","quorate":true},{"organisation":"nhft","quorate":true}]'
ok by clerk propose $A p-stroke --meeting jwg-m1 --title "Joint community stroke rehabilitation service" \
    --class service-change --value 180000 --stage choose

# Rule 1: each organisation votes for itself, the joint chief executive twice with one key.
refused $A WRONG_SIGNER "Angela Hillery (jce)" "$LPT" "Faisal Hussain (lpt-ned) of lpt" -- \
    by lpt-ned vote $A p-stroke for --org lpt --as jce
ok by jce vote $A p-stroke for --org lpt --as jce --reason "Shortens waits for rehabilitation"
ok by jce vote $A p-stroke for --org nhft --as jce --reason "Fits the NHFT community model"
has "$(prop $A p-stroke)" "the votes on p-stroke" '{"organisation":"lpt","choice":"FOR","person":"jce"' \
    '{"organisation":"nhft","choice":"FOR","person":"jce"' '"outcomes_if_closed_now":[{"organisation":"lpt","outcome":"SUPPORTS"'
ok by clerk close $A p-stroke --reasons "Shortens waits within the agreed budget" --debate "Staffing review at six months"
has "$out" "the close of p-stroke" "Forum result (consensus, for information only)"
outcomes $A p-stroke lpt:SUPPORTS::PENDING nhft:SUPPORTS::PENDING
has "$(prop $A p-stroke)" "the result of p-stroke" '"forum_result":"CARRIED"'
pass "p-stroke closed: both organisations SUPPORT, each board must ratify"

# Rule 7: each board ratifies or refuses its own organisation's recommendation, once.
ok by lpt-board ratify $A p-stroke --org lpt --board-meeting "LPT Board 2026-12-03, item 7"
ok by nhft-board ratify $A p-stroke --org nhft --refuse --reason "Awaiting the NHFT workforce plan" \
    --board-meeting "NHFT Board 2026-12-05, item 4"
outcomes $A p-stroke lpt:SUPPORTS::RATIFIED nhft:SUPPORTS::REFUSED
has "$(prop $A p-stroke)" "what binds each trust once its board decided (rule 7)" \
    '"board":"RATIFIED","binds_now":"BOUND"' '"board":"REFUSED","binds_now":"NOT_BOUND"'
pass "the LPT board ratified and the NHFT board refused, each for itself"
refused $A ALREADY_DECIDED "$LPT" "already ratified" "p-stroke" -- by lpt-board ratify $A p-stroke --org lpt
refused $A ALREADY_DECIDED "$NHFT" "already refused" -- by nhft-board ratify $A p-stroke --org nhft
refused $A WRONG_SIGNER "$NHFT" "it was signed by the board of $LPT" -- by lpt-board ratify $A p-stroke --org nhft
refused $A NOT_UNDER_DELEGATION "$LPT" "SUPPORTS" -- by lpt-board overturn $A p-stroke --org lpt --reason "Changed our mind"
ok by clerk meeting close $A jwg-m1

# ==== B. A city partnership board: decisions under delegation, majority rule ================
B=gov-city
ORGS=( # id|kind|membership|name
    "uhl|nhs-trust|full|University Hospitals of Leicester NHS Trust"
    "mhft|foundation-trust|full|Leicester Mental Health NHS Foundation Trust"
    "comm|nhs-trust|full|Leicester Community Health NHS Trust"
    "lcc|local-authority|full|Leicester City Council"
    "icb|icb|full|LLR Integrated Care Board"
    "gpc|gp-federation|full|Leicester City GP Confederation"
    "hw|third-sector|associate|Healthwatch Leicester"
    "vcs|third-sector|associate|Leicester Voluntary and Community Sector Forum"
    "hosp|third-sector|associate|LOROS Hospice")
MEMBERS=( # org|person|name|role|capacity|voting|delegation limit (pounds; none: no delegation)
    "uhl|uhl-ceo|Richard Mitchell|Chief Executive|executive|yes|1000000"
    "mhft|mhft-dof|Sharon Murphy|Director of Finance|executive|yes|250000"
    "comm|comm-coo|Helen Thomas|Chief Operating Officer|executive|yes|500000"
    "lcc|lcc-dass|Laurence Jones|Director of Adult Social Care|officer|yes|500000"
    "icb|icb-dos|Caroline Trevithick|Director of Strategy|executive|yes|2000000"
    "icb|icb-cfo|Paul Robinson|Chief Finance Officer|executive|yes|none"
    "gpc|gpc-cd|Dr Anita Patel|Clinical Director|officer|yes|500000"
    "gpc|gpc-pm|Sam Reid|Practice Manager|officer|no|none"
    "hw|hw-chair|Harsha Kotecha|Chair|function-rep|yes|50000"
    "vcs|vcs-lead|Kevin Allen|Chief Officer|function-rep|yes|none"
    "hosp|hosp-ceo|Clare Fox|Chief Executive|function-rep|yes|none")
ok "$Q" forum charter $B --name "Leicester City Health and Care Partnership Board" \
    --purpose "Joint decisions on the city's health and care priorities" --capacity delegated \
    --decision-rule majority --reports-to "Leicester Health and Wellbeing Board" --clerk "$K/clerk.pub"
for row in "${ORGS[@]}"; do
    IFS='|' read -r org kind membership name <<< "$row"
    keys $org-board
    ok "$Q" org join $B $org --name "$name" --kind $kind --membership $membership --board "$K/$org-board.pub"
done
for row in "${MEMBERS[@]}"; do
    IFS='|' read -r org person name role capacity voting limit <<< "$row"
    keys $person
    nv=(); [ "$voting" = yes ] || nv=(--non-voting)
    ok by $org-board member appoint $B $org $person --name "$name" --role "$role" --capacity $capacity \
        --member-key "$K/$person.pub" "${nv[@]}"
    [ $limit = none ] || ok by $org-board delegate grant $B $org $org-d1 --holder $person \
        --class service-change --limit $limit --from today --until +365 --scheme "$org scheme of delegation"
done
# The council's representative also holds a delegation that expired yesterday, and its board
# keeps social-care charging to itself.
ok by lcc-board delegate grant $B lcc lcc-old --holder lcc-dass --class service-change --limit 500000 --from -30 --until -1
ok by lcc-board reserve $B lcc --class social-care-charging --reason "Reserved to the Executive in the Constitution"
pass "$B chartered: six full and three associate members, their representatives and delegations"

ok by clerk meeting open $B city-m1 --date today --place "City Hall, Committee Room 2" --agenda "Discharge hub"
ok by clerk meeting attend $B city-m1 --present uhl:uhl-ceo --present mhft:mhft-dof --present comm:comm-coo \
    --present lcc:lcc-dass --present icb:icb-dos --present gpc:gpc-pm --present hw:hw-chair --present vcs:vcs-lead \
    --in-attendance "Jo Bloggs (ICB programme lead)" --apologies icb:icb-cfo --apologies gpc:gpc-cd --apologies hosp:hosp-ceo
has "$("$Q" state $B --json)" "quorum per organisation at city-m1" '{"organisation":"icb","quorate":true}' \
    '{"organisation":"gpc","quorate":false}' '{"organisation":"hosp","quorate":false}' '{"organisation":"uhl","quorate":true}'
pass "attendance recorded; the GP confederation (only a non-voting member present) is not quorate"

ok by clerk propose $B p-hub --meeting city-m1 --title "Community discharge hub" --statutory \
    --class service-change --value 200000 --stage commit
HW="Healthwatch Leicester (hw)"
# Rule 6: on a statutory matter only full members vote.
refused $B ASSOCIATE_CANNOT_VOTE "$HW" "associate" "statutory" "p-hub" -- \
    by hw-chair vote $B p-hub for --org hw --as hw-chair --delegation hw-d1
ok by uhl-ceo vote $B p-hub for --org uhl --as uhl-ceo --delegation uhl-d1 --reason "Reduces delayed discharges"
# Rule 10: a vote only from a representative present, and only by a quorate organisation.
refused $B NOT_PRESENT "Paul Robinson (icb-cfo)" "LLR Integrated Care Board (icb)" "not recorded as present at meeting city-m1" -- \
    by icb-cfo vote $B p-hub for --org icb --as icb-cfo --delegation icb-d1
refused $B INQUORATE "Leicester City GP Confederation (gpc)" "not quorate at meeting city-m1" "has 0" -- \
    by gpc-pm vote $B p-hub for --org gpc --as gpc-pm --delegation gpc-d1
# Rule 2: an abstention is a decision not to decide.
ok by icb-dos vote $B p-hub abstain --org icb --as icb-dos --reason "Awaiting the ICB board's capital plan"
# Rule 4: only under a live delegation.
refused $B DELEGATION_EXPIRED "Laurence Jones (lcc-dass)" "Leicester City Council (lcc)" "lcc-old" \
    "expired on $(date -u -d '1 day ago' +%F)" -- by lcc-dass vote $B p-hub for --org lcc --as lcc-dass --delegation lcc-old
ok by lcc-dass vote $B p-hub for --org lcc --as lcc-dass --delegation lcc-d1
# Rule 13: a show of hands recorded by the clerk, confirmed by the representative alone.
ok by clerk vote $B p-hub against --org comm --as comm-coo --delegation comm-d1 --by-clerk --reason "Community nursing capacity"
seq=$(sed -n 's/^recorded VoteCast as entry \([0-9]*\) of forum gov-city$/\1/p' <<< "$out")
[ -n "$seq" ] || fail "the clerk's vote was not acknowledged with its entry: $out"
has "$(prop $B p-hub)" "the clerk's unconfirmed vote" '"organisation":"comm","choice":"AGAINST","person":"comm-coo","name":"Helen Thomas","delegation":"comm-d1","reason":"Community nursing capacity","seq":'$seq',"recorded_by_clerk":true,"confirmed":false'
refused $B WRONG_SIGNER "Helen Thomas (comm-coo)" "only they can confirm" "Richard Mitchell (uhl-ceo)" -- \
    by uhl-ceo vote confirm $B p-hub --org comm --seq $seq
ok by comm-coo vote confirm $B p-hub --org comm --seq $seq
has "$(prop $B p-hub)" "the confirmed vote" '"seq":'$seq',"recorded_by_clerk":true,"confirmed":true'
# The same confirmation signed within the same second is byte-identical, and the daemon refuses
# it as a DUPLICATE before the rulebook sees it: wait for the next second to reach the rule.
t=$(date +%s); wait_for 3 sh -c "[ \$(date +%s) -gt $t ]"
refused $B ALREADY_DECIDED "Helen Thomas (comm-coo)" "already confirmed" -- by comm-coo vote confirm $B p-hub --org comm --seq $seq
# Rule 3: a vote changed to go with the majority is a new vote; the latest counts, both are kept.
ok by mhft-dof vote $B p-hub against --org mhft --as mhft-dof --delegation mhft-d1 --reason "Staffing model not agreed"
outcomes $B p-hub mhft:NOT_BOUND:
ok by mhft-dof vote $B p-hub for --org mhft --as mhft-dof --delegation mhft-d1 --reason "Staffing assurance given"
has "$(prop $B p-hub)" "the changed vote" '"organisation":"mhft","choice":"FOR","person":"mhft-dof"' \
    '"reason":"Staffing assurance given"' '"changed_from":"AGAINST"' '"forum_result_if_closed_now":"CARRIED"'
outcomes $B p-hub mhft:BOUND:
[ "$("$Q" log $B | grep -c "VoteCast .*signed by $(signer mhft-dof)")" -eq 2 ] || fail "the log does not keep both votes of mhft"
pass "the changed vote: the log keeps both, the tally counts the latest"

# Rule 9: no close without reasons (the client refuses before signing; nothing is recorded).
before=$("$Q" checkpoint $B)
set +e; msg=$(by clerk close $B p-hub 2>&1); got=$?; set -e
[ "$got" -ne 0 ] || fail "a close without reasons was accepted"
has "$msg" "the close without reasons" "reasons"
[ "$("$Q" checkpoint $B)" == "$before" ] || fail "a close without reasons changed the checkpoint"
pass "a close without reasons is refused (exit $got), nothing recorded"
ok by clerk close $B p-hub --reasons "Reduces delayed discharges within delegated limits" --debate "Staffing and capital discussed"
# Rule 1: each organisation's outcome is its own; the majority binds no dissenter.
outcomes $B p-hub uhl:BOUND: mhft:BOUND: lcc:BOUND: comm:NOT_BOUND: icb:NO_DECISION:ABSTAINED \
    gpc:NO_DECISION:INQUORATE hosp:NO_DECISION:INQUORATE hw:NO_DECISION:DID_NOT_VOTE
has "$(prop $B p-hub)" "the forum result of p-hub" '"forum_result":"CARRIED"'
pass "p-hub CARRIED: three BOUND, the community trust NOT_BOUND, ICB abstained, GPs inquorate"

ok by clerk propose $B p-estates --meeting city-m1 --title "Estates rationalisation" --class service-change --value 750000
refused $B OVER_FINANCIAL_LIMIT "Sharon Murphy (mhft-dof)" "Leicester Mental Health NHS Foundation Trust (mhft)" \
    "£750,000.00" "£250,000.00" "mhft-d1" -- by mhft-dof vote $B p-estates for --org mhft --as mhft-dof --delegation mhft-d1
ok by uhl-ceo vote $B p-estates for --org uhl --as uhl-ceo --delegation uhl-d1
ok by clerk propose $B p-charging --meeting city-m1 --title "Joint charging policy" --class social-care-charging
refused $B RESERVED_MATTER "Laurence Jones (lcc-dass)" "Leicester City Council (lcc)" "social-care-charging" "reserved" -- \
    by lcc-dass vote $B p-charging for --org lcc --as lcc-dass --delegation lcc-d1
ok by lcc-dass vote $B p-charging abstain --org lcc --as lcc-dass --reason "A matter for the council's Executive"
has "$(prop $B p-estates)" "the vote within the limit" '{"organisation":"uhl","choice":"FOR"'
has "$(prop $B p-charging)" "the abstention on a reserved matter" '{"organisation":"lcc","choice":"ABSTAIN"'

# Rule 11: actions belong to a member organisation.
refused $B ACTION_NEEDS_OWNER '"partnership"' "not a member organisation of forum gov-city" -- \
    by clerk action assign $B a-everyone --proposal p-hub --org partnership --owner "Everyone" --due +30
ok by clerk action assign $B a-hub-plan --proposal p-hub --org uhl --owner "Chief Operating Officer" --due +30 \
    --text "Bring the hub mobilisation plan"
has "$("$Q" state $B --json)" "the open action" '{"action":"a-hub-plan","proposal":"p-hub","organisation":"uhl","owner":"Chief Operating Officer"'

# Rule 8: a board overturns its representative's decision, and every subscriber is told at once.
size=$("$Q" checkpoint $B | sed -n 2p)
"$Q" tail $B --from $((size - 1)) --idle 60 --json > "$QR_WORK/gov-tail.json" 2> "$QR_WORK/gov-tail.err" &
tail_pid=$!
wait_for 20 grep -q "\"seq\":$((size - 1))," "$QR_WORK/gov-tail.json"
refused $B NOT_UNDER_DELEGATION "LLR Integrated Care Board (icb)" "took no decision" "ABSTAINED" -- \
    by icb-board overturn $B p-hub --org icb --reason "We would have voted for"
refused $B WRONG_SIGNER "University Hospitals of Leicester NHS Trust (uhl)" "the board of Leicester City Council" -- \
    by lcc-board overturn $B p-hub --org uhl --reason "Not ours to overturn"
ok by uhl-board overturn $B p-hub --org uhl --reason "Conflicts with the UHL estates strategy" --board-meeting "UHL Board 2026-12-10"
wait_for 20 grep -q "\"seq\":$size,.*\"kind\":\"DecisionOverturned\"" "$QR_WORK/gov-tail.json"
kill "$tail_pid" 2>/dev/null || true; tail_pid=
pass "a subscriber's tail received the DecisionOverturned at once"
has "$(prop $B p-hub)" "the overturned decision" \
    '{"organisation":"uhl","outcome":"BOUND","why":"","needs_ratification":false,"board":"","binds_now":"NOT_BOUND","overturned":true}' \
    '{"organisation":"lcc","outcome":"BOUND","why":"","needs_ratification":false,"board":"","binds_now":"BOUND","overturned":false}'
refused $B ALREADY_DECIDED "University Hospitals of Leicester NHS Trust (uhl)" "already overturned" -- \
    by uhl-board overturn $B p-hub --org uhl --reason "Again"
ok by clerk meeting close $B city-m1

verified $A
verified $B
