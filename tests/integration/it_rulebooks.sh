#!/usr/bin/env bash
# Forums' rulebook states are held in memory only while used (rulebook_entries): a daemon
# restarted with room for one forum's state starts without building any, yet from the first
# moment lets each organisation's keys read exactly the forums it sits on and announces an
# overdue action; each submit is judged against the state rebuilt from the forum's entries,
# the least recently used state is let go after each batch, and `quorum status` counts both.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
own_dir D
for k in clerk uhl-board uhl-ceo; do "$Q" keygen "$D/$k.key" > /dev/null; done
"$Q" key show "$D/clerk.key" --public > "$D/clerk.pub"
start_own "$D"
C() { OQ_KEY="$D/clerk.key" oq "$D" "$@"; }
U() { OQ_KEY="$D/uhl-board.key" oq "$D" "$@"; }

oq "$D" forum charter ra --name "Forum A" --capacity delegated --decision-rule majority \
    --reports-to "Nobody" --clerk "$D/clerk.pub" > /dev/null
oq "$D" org join ra uhl --name "UHL" --kind nhs-trust --membership full --board "$D/uhl-board.key" > /dev/null
U member appoint ra uhl uhl-ceo --name "UHL CEO" --role "CEO" --capacity executive \
    --member-key "$D/uhl-ceo.key" > /dev/null
U delegate grant ra uhl d-uhl --holder uhl-ceo --class services --limit 1000 --from -1 --until +30 > /dev/null
C meeting open ra m1 --date today --place "Room 1" > /dev/null
C meeting attend ra m1 --present uhl:uhl-ceo > /dev/null
C propose ra p1 --meeting m1 --title "Shared rota" --class services --value 500 > /dev/null
OQ_KEY="$D/uhl-ceo.key" oq "$D" vote ra p1 for --org uhl --as uhl-ceo --delegation d-uhl > /dev/null
C close ra p1 --reasons "Agreed" > /dev/null
C action assign ra a1 --proposal p1 --org uhl --owner "Rota lead" --due -2 --text "Publish the rota" > /dev/null
oq "$D" forum charter rb --name "Forum B" --reports-to "Nobody" --clerk "$D/clerk.pub" > /dev/null
C meeting open rb m1 --date today --place "Room 2" > /dev/null
C propose rb p1 --meeting m1 --title "Estates" --class estates > /dev/null
stop_own "$D"

# ---- restarted with room for one forum's state --------------------------------------------
start_own "$D" --rulebook_entries 1 --log_level debug
j=$(oq "$D" status --json)
[ "$(echo "$j" | json_field rulebooks_held)" = 0 ] && [ "$(echo "$j" | json_field rulebook_loads)" = 0 ] \
    || fail "start-up built rulebook states: $j"
U checkpoint ra > /dev/null || fail "uhl's board cannot read forum ra, which uhl sits on"
expect_exit 4 U checkpoint rb
wait_for 20 grep -q "announced to uhl: action a1 in forum ra, owned by uhl (Rota lead), was due" "$D/quorumd.log"
pass "restarted without building any forum's state: uhl reads ra (not rb), and the overdue action a1 is announced"

out=$(C propose ra p1 --meeting m1 --title "Again" --class services 2>&1) && fail "a second p1 in ra was accepted: $out"
echo "$out" | grep -q "DUPLICATE" || fail "a second p1 in ra was not refused as DUPLICATE: $out"
grep -q "debug: loaded the rulebook state of forum ra from its 10 entries" "$D/quorumd.log" \
    || fail "forum ra's state was not built from its 10 entries: $(cat "$D/quorumd.log")"
C propose rb p2 --meeting m1 --title "Fleet" --class fleet | grep -q "as entry 3 of forum rb" \
    || fail "p2 was not entry 3 of rb"
C propose ra p2 --meeting m1 --title "Pilot" --class services | grep -q "as entry 10 of forum ra" \
    || fail "p2 was not entry 10 of ra"
OQ_KEY="$D/uhl-ceo.key" oq "$D" vote ra p2 for --org uhl --as uhl-ceo --delegation d-uhl --json \
    | grep -q '"seq":11' || fail "uhl-ceo's vote under d-uhl was not accepted as entry 11"
out=$(C propose rb p1 --meeting m1 --title "Again" --class estates 2>&1) && fail "a second p1 in rb was accepted: $out"
echo "$out" | grep -q "DUPLICATE" || fail "a second p1 in rb was not refused as DUPLICATE: $out"
j=$(oq "$D" status --json)
[ "$(echo "$j" | json_field rulebooks_held)" = 1 ] || fail "more than one state held: $j"
[ "$(echo "$j" | json_field rulebook_loads)" -ge 4 ] && [ "$(echo "$j" | json_field rulebook_evictions)" -ge 3 ] \
    || fail "states were not built and let go as used: $j"
oq "$D" status | grep -q "^rulebooks:   1 forum state in memory" || fail "status text: $(oq "$D" status)"
pass "each submit judged against its forum's state rebuilt from the entries (DUPLICATE, entry numbers, a delegated vote), one state held, $(echo "$j" | json_field rulebook_loads) built and $(echo "$j" | json_field rulebook_evictions) let go"

oq "$D" export ra > "$D/ra.export"
"$Q" verify "$D/ra.export" | grep -q "^verified forum ra: 12 entries" || fail "forum ra does not verify"
stop_own "$D"
pass "forum ra verifies after the states came and went"
