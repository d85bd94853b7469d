# Shared by the integration tests: where things are, and bounded waits.
# CTest sets QR_BIN (build directory), QR_WORK (this fixture's work directory) and QR_PORT.
set -euo pipefail
: "${QR_BIN:?}" "${QR_WORK:?}" "${QR_PORT:?}"
export QUORUM_STATE="$QR_WORK/state"
export QUORUM_CONFIG="$QR_WORK/client.conf"
Q="$QR_BIN/quorum"
QD="$QR_BIN/quorumd"
T="$QR_BIN/tests"

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# expect_exit STATUS command...: run it and require that exit status.
expect_exit() {
    local want=$1; shift
    set +e; "$@"; local got=$?; set -e
    [ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want"
}

# output_of command...: its stdout and stderr, whatever its exit status.
output_of() { "$@" 2>&1 || true; }

# wait_for SECONDS command...: retry until it succeeds, or fail after SECONDS.
wait_for() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || fail "timed out after ${limit}s waiting for: $*"
        sleep 0.1
    done
}

# The shared daemon's options (daemon_start.sh, and daemon_stop.sh's restart under valgrind).
daemon_args=(--state_dir "$QUORUM_STATE" --origin quorum.test
             --request_endpoint "tcp://127.0.0.1:$QR_PORT" --event_endpoint "tcp://127.0.0.1:$((QR_PORT + 1))")

# vg_quorumd VGLOG: start quorumd with daemon_args under valgrind memcheck (QR_VALGRIND=1), its
# log appended to quorumd.log.  A valgrind'ed program keeps its pid (in quorumd.pid); a shell
# waits for it and leaves its exit status in quorumd.rc: 99 is an error or a definite leak.
vg_quorumd() {
    rm -f "$QR_WORK/quorumd.pid" "$QR_WORK/quorumd.rc"
    QR_VG_LOG=$1 setsid bash -c 'valgrind --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --show-leak-kinds=definite --num-callers=30 \
            --log-file="$QR_VG_LOG" "$@" & echo $! > "$QR_WORK/quorumd.pid"; wait $!
            echo $? > "$QR_WORK/quorumd.rc"' \
        vg "$QD" "${daemon_args[@]}" >> "$QR_WORK/quorumd.log" 2>&1 < /dev/null &
    wait_for 20 test -s "$QR_WORK/quorumd.pid"
}

# vg_stopped VGLOG: once the daemon of vg_quorumd has stopped: no memcheck error, no definite
# leak, exit status 0.
vg_stopped() {
    wait_for 120 test -s "$QR_WORK/quorumd.rc" # the leak search at exit takes a while
    local rc; rc=$(cat "$QR_WORK/quorumd.rc")
    grep -q "ERROR SUMMARY: 0 errors" "$1" && grep -q "definitely lost: 0 bytes\|no leaks are possible" "$1" \
        && [ "$rc" -eq 0 ] || { cat "$1" >&2; fail "valgrind: quorumd exited $rc with errors or definite leaks (see $1)"; }
    pass "valgrind ($(basename "$1")): $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$1"), no definite leaks"
}

# size_of FORUM [global options...]: how many entries the forum holds (at the daemon, or in
# the file given with --db FILE); has_size FORUM N [options...] succeeds if that is N.
size_of() {
    "$Q" "${@:2}" log "$1" --from 999999999 2>/dev/null | sed -n 's/^forum .* has \([0-9]*\) entries.*/\1/p'
}
has_size() { [ "$(size_of "$1" "${@:3}")" = "$2" ]; }

# json_leaves FILE: the "seq" and "leaf_hash" of each entry printed with --json, one a line,
# for comparing two views of a log with cmp; leaves FORUM [options...]: those of its log.
json_leaves() { grep -o '"seq":[0-9]*\|"leaf_hash":"[^"]*"' "$1"; }
leaves() { "$Q" "${@:2}" log "$1" --json | json_leaves -; }

# stop_within SECONDS PID: SIGTERM, then wait (bounded) for it to exit; its exit status, or
# fail if it is still running after SECONDS.  PID must be a child of this shell.
stop_within() {
    local limit=$1 pid=$2 rc=0
    kill -TERM "$pid" 2>/dev/null || true
    local end=$((SECONDS + limit))
    while kill -0 "$pid" 2>/dev/null; do
        [ $SECONDS -lt $end ] || { kill -KILL "$pid" 2>/dev/null; fail "process $pid did not stop within ${limit}s of SIGTERM"; }
        sleep 0.1
    done
    wait "$pid" 2>/dev/null || rc=$?
    return $rc
}
