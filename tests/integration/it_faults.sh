#!/usr/bin/env bash
# Faults, real ones: the state directory is a small file system of its own (a tmpfs; root
# only: without it, or where mounting is not allowed, the test is skipped with 77).
#
# Disk full, while running: a filler takes the last free byte; submits are then refused
# UNAVAILABLE saying the disk is full and that nothing was written, each refusal is logged with
# the connection's key name, reads go on, and once the filler is gone the same daemon (no
# restart) records again, the refused proposal's id included (so neither the rulebook nor the
# tree kept a trace of it).  The log as acknowledged before the fault is unchanged, grows
# consistently, exports and verifies, and SQLite finds the file sound.
# Read-only: a database file the daemon cannot write (immutable), and a read-only file system,
# at start: quorumd refuses to start, saying which file and why, and starts once it can write.
# Read-only while running (where a loop device can be had): an ext4 image whose kernel is told
# to fail it (trigger_fs_error with errors=remount-ro, as on a real disk error); submits are
# refused saying the file system became read-only, reads go on; after e2fsck the log, as
# acknowledged, is all there and verifies.
# A damaged page: quorumd refuses to start, without writing to the file, and says how to
# restore; a copy from `quorum backup` put in its place starts and continues the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG

[ "$(id -u)" -eq 0 ] || { echo "skip: mounting a small file system for the state needs root"; exit 77; }
own_dir D
M="$D/state"
mkdir -p "$M" "$D/keys" "$D/out"
mount -t tmpfs -o size=4m,mode=0700 qr-faults "$M" 2>/dev/null \
    || { echo "skip: cannot mount a tmpfs here"; exit 77; }
E= # the ext4 case's directory, once made
faults_cleanup() {
    local pid
    for pid in "${OPS_PIDS[@]}"; do # gone before the unmount
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    chattr -i "$M/quorumd.db" 2>/dev/null || true
    umount "$M" 2>/dev/null || umount -l "$M" 2>/dev/null || true
    [ -z "$E" ] || umount "$E/state" 2>/dev/null || umount -l "$E/state" 2>/dev/null || true
    ops_cleanup
}
trap faults_cleanup EXIT

"$Q" keygen "$D/keys/load-0.key" --name clerk.faults > /dev/null # qr_load's name for it
"$Q" key show "$D/keys/load-0.key" --public > "$D/keys/load-0.pub"
probe() { # probe ID [TITLE]: table a proposal as the clerk; prints "CODE message [seq=N]"
    "$T/qr_probe" --endpoint "ipc://$D/req" --events "ipc://$D/ev" --server-key "$M/quorumd.pub" \
        --key "$D/keys/load-0.key" submit df "$@"
}
size_of() { oq "$D" forums | sed -n 's/^df  *\([0-9]*\) entries.*/\1/p'; }
entries_json() { oq "$D" log df --json | grep '"seq"'; }

start_own "$D"
pid=$(cat "$D/pid")
oq "$D" forum charter df --name "Disk fault forum" --reports-to "Nobody" --clerk "$D/keys/load-0.pub" > /dev/null
OQ_KEY="$D/keys/load-0.key" oq "$D" meeting open df m1 --date today --place "Room 9" > /dev/null
for i in 1 2 3; do probe "before-$i" | grep -q "^OK " || fail "a submit before the fault"; done
n0=$(size_of)
[ "$n0" -eq 5 ] || fail "expected 5 entries before the fault, found $n0"
entries_json > "$D/out/before.json"
vkey=$(oq "$D" checkpoint df --json | json_field log_vkey)

# ---- disk full, while running ----------------------------------------------------------
dd if=/dev/zero of="$M/filler" bs=16k 2>/dev/null || true
head -c 1M /dev/zero >> "$M/filler" 2>/dev/null || true
[ "$(df --output=avail -B1 "$M" | tail -1)" -lt 4096 ] || fail "the filler did not fill the disk"
big=$(head -c 30000 /dev/zero | tr '\0' 'x')
ok=0 refused=0
for i in $(seq 1 200); do
    r=$(probe "full-$i" "Full $i $big")
    case "$r" in
    OK*) ok=$((ok + 1)) ;; # SQLite may still fit a few in room the WAL already has
    UNAVAILABLE*) refused=$((refused + 1)); last="full-$i"; msg=$r; [ $refused -ge 3 ] && break ;;
    *) fail "a submit on a full disk was answered: ${r:0:300}" ;;
    esac
done
[ $refused -ge 3 ] || fail "200 submits of 30 KB on a full disk: none refused"
grep -qF "UNAVAILABLE not recorded: the disk holding the daemon's database is full, so nothing of this statement was written. Send it again later" <<< "$msg" \
    || fail "the refusal does not say the disk is full: $msg"
pass "disk full: $ok submits fitted in the room left, then refused UNAVAILABLE: ${msg#UNAVAILABLE }"
# A batch of several fails whole: 16 submits in flight at once from one connection (they
# share a batch), and a new forum's charter.
set +e
"$T/qr_load" --endpoint "ipc://$D/req" --server-key "$M/quorumd.pub" --keys "$D/keys" --forum df \
    --meeting m1 --clients 1 --count 16 --window 16 --prefix multi > "$D/out/multi.acks" 2> "$D/out/multi.err"
oq "$D" forum charter df2 --name "Chartered on a full disk" --reports-to "Nobody" \
    --clerk "$D/keys/load-0.pub" > "$D/out/charter" 2>&1; crc=$?
set -e
[ $crc -eq 7 ] && grep -q "UNAVAILABLE: not recorded: the disk holding the daemon's database is full" "$D/out/charter" \
    || fail "a charter on a full disk exited $crc: $(cat "$D/out/charter")"
[ ! -s "$D/out/multi.acks" ] || fail "a submit of the 16 was acknowledged on a full disk"
[ "$(grep -c "UNAVAILABLE: not recorded: the disk holding the daemon's database is full" "$D/out/multi.err")" -eq 16 ] \
    || fail "16 submits on a full disk: $(sort "$D/out/multi.err" | uniq -c)"
refused=$((refused + 16))
oq "$D" forums | grep -q "^df2 " && fail "a forum chartered in a failed batch is listed"
most=$(sed -n 's/.*error: cannot commit a batch of \([0-9]*\) statements.*/\1/p' "$D/quorumd.log" | sort -n | tail -1)
[ "$most" -gt 1 ] || fail "the 16 submits did not share a batch"
pass "16 submits in flight and a charter on a full disk: each refused with the reason (a failed batch of $most)"

n1=$(size_of)
[ "$n1" -eq $((n0 + ok)) ] || fail "the log has $n1 entries, expected $((n0 + ok)): a refused submit reached it"
logged=$(grep -c "refused ProposalTabled in forum df from clerk.faults (signer [0-9a-f]*): UNAVAILABLE: not recorded: the disk holding the daemon's database is full" "$D/quorumd.log" || true)
[ "$logged" -eq $refused ] || fail "$refused refusals, $logged logged with the key's name"
grep -q "refused ForumChartered in forum df2 from operator (signer [0-9a-f]*): UNAVAILABLE" "$D/quorumd.log" \
    || fail "the refused charter was not logged with the operator's key name"
grep -q "error: cannot commit a batch of 1 statements in $M/quorumd.db: the disk holding the daemon's database is full (SQLite: database or disk is full (13)" "$D/quorumd.log" \
    || fail "the operator's log does not say the commit failed for a full disk"
pass "each refusal logged with the connection's key name; the log holds only what was acknowledged"

# Reads go on.
oq "$D" forums | grep -q "^df  *$n1 entries" || fail "forums on a full disk"
[ "$(entries_json | wc -l)" -eq "$n1" ] || fail "log on a full disk"
oq "$D" checkpoint df --json | grep -q "\"verified\":true,\"origin\":\"quorum.test/forum/df\",\"size\":$n1" \
    || fail "checkpoint on a full disk"
oq "$D" proof inclusion df 2 --json | grep -q '"verified":true' || fail "inclusion proof on a full disk"
oq "$D" state df --json | grep -q "\"proposal\":\"$last\"" && fail "the rulebook kept the refused proposal $last"
pass "reads on a full disk: forums, log, checkpoint, inclusion proof, state (without the refused proposals)"

# Space returns: the same daemon records again, the refused proposal's id included.
rm -f "$M/filler"
r=$(probe "$last" "Again, with room") || true
[[ "$r" == "OK "*"seq=$n1" ]] || fail "after space returned, $last was answered '$r', expected OK at seq $n1"
probe after-1 | grep -q "^OK .*seq=$((n1 + 1))$" || fail "a second submit after space returned"
oq "$D" forum charter df2 --name "Chartered once there is room" --reports-to "Nobody" \
    --clerk "$D/keys/load-0.pub" > /dev/null || fail "the charter refused on a full disk, again with room"
[ "$(cat "$D/pid")" = "$pid" ] && kill -0 "$pid" || fail "the daemon is not the one that started"
grep -q "info: recording again: the database took a batch of 1 statements, after $((refused + 1)) submits refused" "$D/quorumd.log" \
    || fail "the log does not say recording resumed"
pass "space freed: the same daemon records $last as entry $n1, then entry $((n1 + 1)), with no restart"

# What was acknowledged is unchanged, and the log verifies.
entries_json | head -"$n0" | cmp -s - "$D/out/before.json" || fail "entries acknowledged before the fault changed"
oq "$D" proof consistency df "$n0" --json | grep -q '"verified":true' || fail "no consistency from size $n0"
oq "$D" export df > "$D/out/df.export"
"$Q" verify "$D/out/df.export" --log-key "$vkey" | grep -q "^verified forum df: $((n1 + 2)) entries" \
    || fail "the export does not verify: $("$Q" verify "$D/out/df.export" --log-key "$vkey" 2>&1 | tail -3)"
oq "$D" backup "$D/out/good.db" > /dev/null || fail "backup after the fault"
stop_own "$D"
[ "$("$T/qr_sql" "$M/quorumd.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check after the fault"
pass "entries 0-$((n0 - 1)) unchanged, consistent to $((n1 + 2)), export verifies, integrity_check ok"

# ---- read-only, at start ---------------------------------------------------------------
# start_refused WHAT TEXT: quorumd must exit without becoming ready, its log holding TEXT.
start_refused() {
    local what=$1 text=$2 rc=0
    timeout 60 "$QD" --state_dir "$M" --request_endpoint "ipc://$D/req" --event_endpoint "ipc://$D/ev" \
        --origin quorum.test > "$D/refused.log" 2>&1 < /dev/null || rc=$?
    [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "quorumd on $what exited $rc: $(cat "$D/refused.log")"
    grep -q "ready:" "$D/refused.log" && fail "quorumd became ready on $what"
    grep -qF -- "$text" "$D/refused.log" || fail "quorumd on $what did not say '$text': $(cat "$D/refused.log")"
    pass "$what: quorumd refuses to start (exit $rc): $(grep -m1 -F -- "$text" "$D/refused.log" | sed 's/^.*error: //')"
}
if chattr +i "$M/quorumd.db" 2>/dev/null; then
    start_refused "an immutable database file" "cannot write database $M/quorumd.db: the file is read-only to this process"
    chattr -i "$M/quorumd.db"
else
    echo "note: chattr +i is not supported here: the read-only database file case is not run"
fi
mount -o remount,ro "$M"
start_refused "a read-only file system" "cannot write in state directory $M (lock file $M/quorumd.lock: Read-only file system)"
mount -o remount,rw "$M"
start_own "$D"
probe after-ro | grep -q "^OK .*seq=$((n1 + 2))$" || fail "a submit once the file system is writable again"
stop_own "$D"
pass "writable again: quorumd starts and records entry $((n1 + 2))"

# ---- a damaged page --------------------------------------------------------------------
db="$M/quorumd.db"
page=$("$T/qr_sql" "$db" "PRAGMA page_size")
root=$("$T/qr_sql" "$db" "SELECT rootpage FROM sqlite_master WHERE name = 'entries'")
[ ! -e "$db-wal" ] || fail "the WAL was not checkpointed at shutdown"
head -c "$page" /dev/zero | tr '\0' '\377' | dd of="$db" bs="$page" seek=$((root - 1)) conv=notrunc status=none
sum=$(sha256sum < "$db")
start_refused "a damaged page" "the database $db is damaged (SQLite: "
for t in "refusing to start: the log in $M/quorumd.db is damaged. Restore it from a backup" \
    "a copy made by \`quorum backup\`" "or from an organisation's mirror"; do
    grep -qF -- "$t" "$D/refused.log" || fail "the refusal does not say '$t': $(cat "$D/refused.log")"
done
[ "$(sha256sum < "$db")" = "$sum" ] || fail "quorumd wrote to the damaged file"
pass "the damaged file is left as it was"

# Restore as the refusal says: the backup in its place.
mv "$db" "$D/out/damaged.db"
cp "$D/out/good.db" "$db"
start_own "$D"
oq "$D" forums | grep -q "^df  *$((n1 + 2)) entries" || fail "the restored log"
probe after-restore | grep -q "^OK .*seq=$((n1 + 2))$" || fail "a submit on the restored log"
stop_own "$D"
pass "restored from the backup: quorumd starts and continues forum df at entry $((n1 + 2))"

# ---- the file system turns read-only while running (ext4 on a loop device) --------------
own_dir E
mkdir -p "$E/state"
truncate -s 16M "$E/ext4.img"
if ! { mkfs.ext4 -q -F "$E/ext4.img" > /dev/null 2>&1 &&
       timeout 20 mount -o loop,errors=remount-ro "$E/ext4.img" "$E/state" 2>/dev/null; }; then
    echo "note: no loop-mounted ext4 here: the read-only-while-running case is not run"
    exit 0
fi
dev=$(basename "$(findmnt -n -o SOURCE "$E/state")")
[ -w "/sys/fs/ext4/$dev/trigger_fs_error" ] || { echo "note: no trigger_fs_error: the read-only-while-running case is not run"; exit 0; }
chmod 700 "$E/state"
start_own "$E"
eprobe() { "$T/qr_probe" --endpoint "ipc://$E/req" --events "ipc://$E/ev" --server-key "$E/state/quorumd.pub" \
    --key "$D/keys/load-0.key" submit ro "$@"; }
oq "$E" forum charter ro --name "Read-only fault forum" --reports-to "Nobody" --clerk "$D/keys/load-0.pub" > /dev/null
OQ_KEY="$D/keys/load-0.key" oq "$E" meeting open ro m1 --date today --place "Room 10" > /dev/null
eprobe ro-1 | grep -q "^OK .*seq=2$" || fail "a submit before the file system failed"
oq "$E" log ro --json | grep '"seq"' > "$E/before.json"
echo "quorum it_faults" > "/sys/fs/ext4/$dev/trigger_fs_error"
findmnt -n -o OPTIONS "$E/state" | grep -q '^ro\|emergency_ro' || fail "the file system did not turn read-only"
r=$(eprobe ro-2)
[[ "$r" == "UNAVAILABLE not recorded: the file system holding the daemon's database has become read-only, so nothing of this statement was written"* ]] \
    || fail "a submit on a file system turned read-only was answered: $r; $(grep error: "$E/quorumd.log")"
grep -q "refused ProposalTabled in forum ro from clerk.faults (signer [0-9a-f]*): UNAVAILABLE: not recorded: the file system holding the daemon's database has become read-only" "$E/quorumd.log" \
    || fail "the refusal was not logged with the key's name"
oq "$E" log ro --json | grep '"seq"' | cmp -s - "$E/before.json" || fail "reads on a read-only file system"
oq "$E" checkpoint ro --json | grep -q '"verified":true,"origin":"quorum.test/forum/ro","size":3' || fail "checkpoint on a read-only file system"
pass "the file system turned read-only while running: ${r#UNAVAILABLE }; reads go on"
stop_own "$E"
umount "$E/state"
e2fsck -fy "$E/ext4.img" > /dev/null 2>&1 || [ $? -le 1 ] || fail "e2fsck could not repair the image"
mount -o loop "$E/ext4.img" "$E/state"
start_own "$E"
oq "$E" log ro --json | grep '"seq"' | cmp -s - "$E/before.json" || fail "the acknowledged log after repair"
eprobe ro-2 | grep -q "^OK .*seq=3$" || fail "the refused proposal after repair"
oq "$E" export ro > "$E/ro.export"
"$Q" verify "$E/ro.export" | grep -q "^verified forum ro: 4 entries" || fail "the export after repair does not verify"
stop_own "$E"
pass "after e2fsck and a restart: every acknowledged entry is there, the refused one is recorded afresh, the log verifies"
