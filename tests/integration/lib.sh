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
