#!/usr/bin/env bash
# The sample joint meeting the quick start records: a city health and care partnership board
# of five organisations, each deciding for itself under the delegation its board gave.
# Usage: scripts/demo.sh QUORUM_BINARY   (QUORUM_STATE points at the daemon's state)
set -euo pipefail
Q=$1
K="$QUORUM_STATE/demo-keys"
F=city-pb
mkdir -p "$K" && chmod 700 "$K"
key() { [ -f "$K/$1.key" ] || "$Q" keygen "$K/$1.key" --name "$1" > /dev/null; }
say() { printf '\n== %s\n' "$*"; }
# Refusals are part of the story: show them, and carry on.
try() { "$@" || true; }

for k in clerk uhl-board lpt-board lcc-board icb-board hw-board \
         uhl-ceo lpt-dof lpt-ned lcc-dass icb-dos hw-chair; do key $k; done

say "The operator charters the partnership board (delegated decisions, majority rule)"
"$Q" forum charter $F --name "Leicester City Health and Care Partnership Board" \
    --purpose "Joint decisions on the city's health and care priorities" \
    --scope "Community services, discharge, prevention" --out-of-scope "Individual care" \
    --capacity delegated --decision-rule majority --chair "Independent Chair" \
    --frequency "Monthly" --supported-by "ICB Corporate Governance" \
    --contact "governance@example.nhs.uk" \
    --reports-to "Leicester Health and Wellbeing Board" --clerk "$K/clerk.key"

say "Five organisations join: four full members and one associate"
"$Q" org join $F uhl --name "University Hospitals of Leicester NHS Trust" --kind nhs-trust --membership full --board "$K/uhl-board.key"
"$Q" org join $F lpt --name "Leicestershire Partnership NHS Foundation Trust" --kind foundation-trust --membership full --board "$K/lpt-board.key"
"$Q" org join $F lcc --name "Leicester City Council" --kind local-authority --membership full --board "$K/lcc-board.key"
"$Q" org join $F icb --name "LLR Integrated Care Board" --kind icb --membership full --board "$K/icb-board.key"
"$Q" org join $F hw --name "Healthwatch Leicester" --kind third-sector --membership associate --board "$K/hw-board.key"

say "Each board appoints its representative"
"$Q" --key "$K/uhl-board.key" member appoint $F uhl uhl-ceo --name "Richard Mitchell" --role "Chief Executive" --capacity executive --member-key "$K/uhl-ceo.key"
"$Q" --key "$K/lpt-board.key" member appoint $F lpt lpt-dof --name "Sharon Murphy" --role "Director of Finance" --capacity executive --member-key "$K/lpt-dof.key"
"$Q" --key "$K/lpt-board.key" member appoint $F lpt lpt-ned --name "Faisal Hussain" --role "Non-executive Director" --capacity non-executive --member-key "$K/lpt-ned.key"
"$Q" --key "$K/lcc-board.key" member appoint $F lcc lcc-dass --name "Laurence Jones" --role "Director of Adult Social Care" --capacity officer --member-key "$K/lcc-dass.key"
"$Q" --key "$K/icb-board.key" member appoint $F icb icb-dos --name "Caroline Trevithick" --role "Director of Strategy" --capacity executive --member-key "$K/icb-dos.key"
"$Q" --key "$K/hw-board.key" member appoint $F hw hw-chair --name "Harsha Kotecha" --role "Chair" --capacity function-rep --member-key "$K/hw-chair.key"

say "Boards delegate authority. A foundation trust may not delegate to a single non-executive:"
try "$Q" --key "$K/lpt-board.key" delegate grant $F lpt lpt-ned-d --holder lpt-ned --class service-change --limit 250000 --from today --until +365
"$Q" --key "$K/lpt-board.key" delegate grant $F lpt lpt-d1 --holder lpt-dof --class service-change --limit 250000 --from today --until +365 --scheme "LPT SoD 4.2"
"$Q" --key "$K/uhl-board.key" delegate grant $F uhl uhl-d1 --holder uhl-ceo --class service-change --class estates --limit 1000000 --from today --until +365 --scheme "UHL SoD 3.1"
"$Q" --key "$K/lcc-board.key" delegate grant $F lcc lcc-d1 --holder lcc-dass --class service-change --limit 500000 --from today --until +365 --scheme "LCC Constitution Part 3"
"$Q" --key "$K/icb-board.key" delegate grant $F icb icb-d1 --holder icb-dos --class service-change --limit 2000000 --from today --until +365 --scheme "ICB SoRD 2.7"

say "The clerk opens the meeting and records attendance"
"$Q" --key "$K/clerk.key" meeting open $F m-2026-11 --date today --place "City Hall, Committee Room 2" --agenda "Community discharge hub" --agenda "Estates review"
"$Q" --key "$K/clerk.key" meeting attend $F m-2026-11 --present uhl:uhl-ceo --present lpt:lpt-dof --present lcc:lcc-dass \
    --present icb:icb-dos --present hw:hw-chair --in-attendance "Jo Bloggs (ICB programme lead)" --apologies lpt:lpt-ned

say "Item 1: a proposal, and each organisation's vote under its delegation"
"$Q" --key "$K/clerk.key" propose $F p-discharge-hub --meeting m-2026-11 --title "Community discharge hub" \
    --text "Fund a joint discharge hub at the Leicester General site for 12 months" --class service-change --value 200000 --stage commit
"$Q" --key "$K/uhl-ceo.key" vote $F p-discharge-hub for --org uhl --as uhl-ceo --delegation uhl-d1
"$Q" --key "$K/lpt-dof.key" vote $F p-discharge-hub against --org lpt --as lpt-dof --delegation lpt-d1 --reason "Staffing model not yet agreed"
"$Q" --key "$K/lcc-dass.key" vote $F p-discharge-hub against --org lcc --as lcc-dass --delegation lcc-d1 --reason "Social care capacity is not funded"
"$Q" --key "$K/icb-dos.key" vote $F p-discharge-hub abstain --org icb --as icb-dos --reason "Awaiting the ICB board's capital plan"
say "The LPT director changes her vote to go with the majority (both votes are kept)"
"$Q" --key "$K/lpt-dof.key" vote $F p-discharge-hub for --org lpt --as lpt-dof --delegation lpt-d1 --reason "Staffing assurance given in the meeting"

say "The clerk closes the item with its reasons; each organisation's outcome is its own"
"$Q" --key "$K/clerk.key" close $F p-discharge-hub --reasons "Reduces delayed discharges; funded within delegated limits" \
    --debate "Members discussed staffing and the ICB capital plan"
"$Q" --key "$K/clerk.key" action assign $F a-hub-plan --proposal p-discharge-hub --org uhl --owner "Chief Operating Officer" --due +30 \
    --text "Bring the hub mobilisation plan to the next meeting"

say "Item 2: over a representative's financial limit, the vote is refused"
"$Q" --key "$K/clerk.key" propose $F p-estates --meeting m-2026-11 --title "Estates rationalisation" --class service-change --value 400000
try "$Q" --key "$K/lpt-dof.key" vote $F p-estates for --org lpt --as lpt-dof --delegation lpt-d1
say "An action owned by 'the partnership' is refused: every action needs an owning organisation"
try "$Q" --key "$K/clerk.key" action assign $F a-estates --proposal p-estates --org partnership --owner "Everyone" --due +60

say "quorum state $F"
"$Q" state $F
