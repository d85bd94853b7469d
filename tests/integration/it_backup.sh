#!/usr/bin/env bash
# Backup while eight clients submit: `quorum backup` takes its copy between batches, every
# submit is acknowledged, and the copy is checked (integrity_check, every tree head against
# its signed checkpoint).  Restore: a daemon started on the copy, with the same log key,
# continues the same log: its new checkpoint is consistent with the copy's, which is the
# original daemon's checkpoint at that size, so a mirror that saw it accepts the next one.
# Only the operator's key may take a backup.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
K="$QR_WORK/keys"
N=12000
B="$QR_WORK/backup"
rm -rf "$B" && mkdir -p "$B" && chmod 700 "$B"

"$Q" forum charter bk --name "Backup forum" --reports-to "Nobody" \
    $(for i in 0 1 2 3 4 5 6 7; do echo --clerk "$K/load-$i.pub"; done) > /dev/null
"$Q" --key "$K/load-0.key" meeting open bk m1 --date today --place "Room 6" > /dev/null

bk_has_at_least() { [ "$("$Q" forums | sed -n 's/^bk  *\([0-9]*\) entries.*/\1/p')" -ge "$1" ]; }
"$T/qr_load" --forum bk --meeting m1 --clients 8 --count $N --keys "$K" > "$B/acks" 2> "$B/load.err" &
load_pid=$!; OPS_PIDS+=("$load_pid")
wait_for 60 bk_has_at_least 2000

"$Q" backup "$B/bk.db" --json > "$B/backup.json" || fail "backup: $(cat "$B/backup.json")"
still_loading=0; kill -0 $load_pid 2>/dev/null && still_loading=1
wait $load_pid || fail "not every submit was acknowledged during the backup: $(cat "$B/load.err")"
[ "$(wc -l < "$B/acks")" -eq $N ] || fail "expected $N acknowledgements"
r=$(cat "$B/backup.json")
size=$(echo "$r" | sed -n 's/.*{"forum":"bk","size":\([0-9]*\),.*/\1/p')
root=$(echo "$r" | sed -n 's/.*{"forum":"bk","size":[0-9]*,"root":"\([^"]*\)","verified":true}.*/\1/p')
during=$(echo "$r" | json_field commits_during)
echo "backup: bk at size $size, $during batches committed during the copy, load still running after it: $still_loading"
echo "$r" | grep -q '"integrity":"ok"' || fail "integrity_check: $r"
[ -n "$root" ] || fail "forum bk is not verified in the copy: $r"
[ "$size" -ge 2000 ] && [ "$size" -lt $((N + 2)) ] || fail "the copy has $size entries of bk: not taken during the load"
[ "$during" -gt 0 ] || fail "no batch was committed while the copy was taken"
[ "$still_loading" -eq 1 ] || fail "the load had finished before the backup did: the backup was not taken during it"
[ -f "$B/bk.db" ] && [ ! -e "$B/bk.db.partial" ] || fail "the copy is not in place under its name"
[ "$(stat -c %a "$B/bk.db")" = 600 ] || fail "the copy is not private"
pass "backup during 8 clients' $N submits: all acknowledged; copy at bk size $size, $during batches committed meanwhile, checked"

# The copy is exactly the original log at that size.
orig=$("$Q" proof consistency bk "$size" --json) || fail "consistency proof on the original"
echo "$orig" | grep -qF "\"old_root\":\"$root\"" || fail "the copy's root is not the original's at size $size: $orig"
pass "the copy's tree head is the original daemon's at size $size"

expect_exit 4 "$Q" --key "$K/load-0.key" backup "$B/not-allowed.db"
output_of "$Q" --key "$K/load-0.key" backup "$B/not-allowed.db" | grep -q "NOT_AUTHORISED: only the operator's key may take a backup" \
    || fail "a non-operator backup was not refused as NOT_AUTHORISED"
[ ! -e "$B/not-allowed.db" ] || fail "a refused backup wrote a file"
expect_exit 5 "$Q" backup "$B/bk.db"
pass "only the operator may take a backup; an existing file is never overwritten"

# Restore: a daemon on the copy, with the same log key.
own_dir R
mkdir -p "$R/state" && chmod 700 "$R/state"
cp "$B/bk.db" "$R/state/quorumd.db"
cp "$QUORUM_STATE/quorumd.key" "$QUORUM_STATE/operator.key" "$R/state/"
chmod 600 "$R/state/"*.key
start_own "$R"
grep -q "every tree head matches its signed checkpoint" "$R/quorumd.log" || fail "the restored copy was not checked"
cp_json=$(oq "$R" checkpoint bk --json)
echo "$cp_json" | grep -q "\"verified\":true,\"origin\":\"quorum.test/forum/bk\",\"size\":$size" \
    || fail "the restored daemon's checkpoint: $cp_json"
OQ_KEY="$K/load-3.key" oq "$R" propose bk after-restore --meeting m1 --title "After the restore" \
    --class load | grep -q "as entry $size of forum bk" || fail "the restored log did not continue at entry $size"
OQ_KEY="$K/load-3.key" oq "$R" propose bk after-restore-2 --meeting m1 --title "Again" --class load > /dev/null
proof=$(oq "$R" proof consistency bk "$size" --json) || fail "consistency proof on the restored daemon"
echo "$proof" | grep -q '"verified":true' || fail "consistency: $proof"
echo "$proof" | grep -qF "\"old_root\":\"$root\"" || fail "the restored log forked from the copy: $proof"
echo "$proof" | grep -q "\"size\":$((size + 2))" || fail "the new checkpoint is not at size $((size + 2)): $proof"
vkey=$("$Q" checkpoint bk --json | json_field log_vkey)
[ "$(oq "$R" checkpoint bk --json | json_field log_vkey)" == "$vkey" ] || fail "the restored daemon signs with another key"
oq "$R" export bk > "$R/bk.export"
"$Q" verify "$R/bk.export" --log-key "$vkey" | grep -q "^verified forum bk: $((size + 2)) entries" \
    || fail "the restored and continued log does not verify"
stop_own "$R"
pass "restored: a daemon on the copy continues forum bk from entry $size; size $size -> $((size + 2)) is consistent, same log key"
