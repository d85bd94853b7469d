#!/usr/bin/env bash
# Schema versions with the checked-in database made by schema version 1
# (tests/fixtures/quorumd-v1.db, with its daemon and operator keys): the current quorumd
# upgrades it in place at start, logs it, and continues its log (the new checkpoint is
# consistent with the old one); the same file claiming schema version 99 is refused with a
# clear message and left unchanged.  The fixture itself is only ever copied.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
F="$QR_SRC/tests/fixtures"
fixture_sum=$(sha256sum < "$F/quorumd-v1.db")

place_fixture() { # place_fixture DIR: the v1 database and its keys, as a state directory
    mkdir -p "$1/state" && chmod 700 "$1/state"
    cp "$F/quorumd-v1.db" "$1/state/quorumd.db"
    cp "$F/quorumd-v1.key" "$1/state/quorumd.key"
    cp "$F/quorumd-v1.pub" "$1/state/quorumd.pub"
    cp "$F/quorumd-v1-operator.key" "$1/state/operator.key"
    chmod 600 "$1/state/quorumd.key" "$1/state/operator.key" # git keeps no modes this strict
}

own_dir dir
place_fixture "$dir"
"$QD" --check-config --state_dir "$dir/state" --origin quorum.fixture \
    | grep -q "schema version 1 (upgraded in place at the next start), 1 forum, 5 entries" \
    || fail "--check-config does not explain the coming upgrade"
"$Q" --db "$dir/state/quorumd.db" export fx > "$dir/v1.export" || fail "quorum --db cannot read a v1 file"
[ "$(sha256sum < "$dir/state/quorumd.db")" == "$fixture_sum" ] || fail "reading a v1 file changed it"
pass "a v1 file: --check-config says it will be upgraded; read-only use leaves it unchanged"

start_own "$dir" --origin quorum.fixture
grep -q "upgraded $dir/state/quorumd.db from schema version 1 to 4" "$dir/quorumd.log" \
    || fail "the upgrade was not logged: $(cat "$dir/quorumd.log")"
grep -q "checked 1 forum: every tree head matches its signed checkpoint" "$dir/quorumd.log" \
    || fail "the upgraded log was not checked"
"$Q" --db "$dir/state/quorumd.db" export fx > /dev/null
oq "$dir" forums | grep -q "^fx .* 5 entries" || fail "forum fx and its 5 entries are not served"
before=$(oq "$dir" checkpoint fx --json)
echo "$before" | grep -q '"verified":true,"origin":"quorum.fixture/forum/fx","size":5' \
    || fail "the v1 checkpoint does not verify: $before"
oq "$dir" status --json | grep -q '"schema_version":4' || fail "status does not show schema version 4"
pass "the current quorumd upgrades the v1 file to version 4, logs it, and serves its log"

# The log goes on: new entries, a checkpoint consistent with the one signed by version 1.
oq "$dir" propose fx p3 --meeting m1 --title "Third proposal, after the upgrade" \
    --class service-change --value 3000 | grep -q "as entry 5 of forum fx" || fail "no entry 5"
oq "$dir" propose fx p4 --meeting m1 --title "Fourth" --class service-change --value 10 > /dev/null
proof=$(oq "$dir" proof consistency fx 5 --json) || fail "consistency proof 5 -> 7"
echo "$proof" | grep -q '"verified":true' || fail "consistency proof: $proof"
old_root=$(echo "$before" | sed -n 's/.*"note":"[^\\]*\\n5\\n\([^\\]*\)\\n.*/\1/p')
[ -n "$old_root" ] && echo "$proof" | grep -qF "\"old_root\":\"$old_root\"" \
    || fail "the proof does not start from the root version 1 signed ($old_root): $proof"
vkey=$(echo "$before" | json_field log_vkey)
oq "$dir" export fx > "$dir/fx.export"
"$Q" verify "$dir/fx.export" --log-key "$vkey" | grep -q "^verified forum fx: 7 entries" \
    || fail "the continued log does not verify with the original log key"
stop_own "$dir"
start_own "$dir" --origin quorum.fixture
[ "$(grep -c "upgraded" "$dir/quorumd.log")" -eq 0 ] || fail "a second start upgraded again"
stop_own "$dir"
pass "the upgraded log continues: entries 5 and 6, consistent with the v1 checkpoint of size 5"

# A file from the future.
own_dir dir2
place_fixture "$dir2"
"$T/qr_sql" "$dir2/state/quorumd.db" "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
sum=$(sha256sum < "$dir2/state/quorumd.db")
set +e
timeout 20 "$QD" --state_dir "$dir2/state" --origin quorum.fixture \
    --request_endpoint "ipc://$dir2/req" --event_endpoint "ipc://$dir2/ev" > "$dir2/log" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "quorumd did not refuse a schema version 99 file (exit $rc)"
grep -q "has schema version 99, but this quorum (.*) understands versions up to 4: it was written by a newer quorum" "$dir2/log" \
    || fail "the refusal is not clear: $(cat "$dir2/log")"
grep -q "ready:" "$dir2/log" && fail "quorumd became ready on a schema version 99 file"
[ "$(sha256sum < "$dir2/state/quorumd.db")" == "$sum" ] || fail "the refused file was changed"
set +e; out=$("$QD" --check-config --state_dir "$dir2/state"); rc=$?; set -e
[ $rc -eq 2 ] && echo "$out" | grep -q "PROBLEM: database: .*schema version 99" \
    || fail "--check-config did not report the newer file (exit $rc): $out"
set +e; out=$("$Q" --db "$dir2/state/quorumd.db" log fx 2>&1); rc=$?; set -e
[ $rc -ne 0 ] && echo "$out" | grep -q "schema version 99" || fail "quorum --db read a version 99 file: $out"
pass "a schema version 99 file is refused (quorumd, --check-config, quorum --db), unchanged"

[ "$(sha256sum < "$F/quorumd-v1.db")" == "$fixture_sum" ] || fail "the checked-in fixture changed"
