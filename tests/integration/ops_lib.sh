# Shared by the operations tests: daemons of their own on ipc:// endpoints in a private
# temporary directory (no ports, so they run beside everything else), stopped and removed
# on exit whatever happens.  Sourced after lib.sh.
: "${QR_SRC:?}"
OPS_DIRS=()
OPS_PIDS=()

ops_cleanup() {
    local pid
    for pid in "${OPS_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    local d
    for d in "${OPS_DIRS[@]}"; do
        if [ -n "${QR_KEEP_DIRS:-}" ]; then echo "kept $d" >&2; else rm -rf "$d"; fi
    done
}
trap ops_cleanup EXIT

# own_dir VAR: a new private directory, named in $VAR and removed on exit (short, so ipc://
# paths stay within their limit).  Not in $(...): the list of what to remove is this shell's.
own_dir() {
    local _own_dir # a name no caller passes as VAR
    _own_dir=$(mktemp -d /tmp/qr-ops.XXXXXX)
    chmod 700 "$_own_dir"
    OPS_DIRS+=("$_own_dir")
    printf -v "$1" '%s' "$_own_dir"
}

# start_own DIR [quorumd options...]: quorumd with state in DIR/state, requests on
# ipc://DIR/req and events on ipc://DIR/ev, log in DIR/quorumd.log, pid in DIR/pid; waits
# (bounded) until it is ready.  Later options win over these.
start_own() {
    local dir=$1; shift
    mkdir -p "$dir/state" && chmod 700 "$dir/state"
    # Emptied here, not by the child's redirection: a busy machine may run the wait below
    # before the child has truncated a previous run's log, which says "ready:" already.
    : > "$dir/quorumd.log"
    "$QD" --state_dir "$dir/state" --request_endpoint "ipc://$dir/req" \
        --event_endpoint "ipc://$dir/ev" --origin quorum.test "$@" \
        >> "$dir/quorumd.log" 2>&1 < /dev/null &
    local pid=$!
    echo $pid > "$dir/pid"
    OPS_PIDS+=("$pid")
    local end=$((SECONDS + 30))
    until grep -qs "ready:" "$dir/quorumd.log"; do
        kill -0 "$pid" 2>/dev/null || { cat "$dir/quorumd.log" >&2; fail "quorumd in $dir exited before it was ready"; }
        [ $SECONDS -lt $end ] || { cat "$dir/quorumd.log" >&2; fail "quorumd in $dir was not ready within 30s"; }
        sleep 0.1
    done
}

# stop_own DIR: SIGTERM; it must stop within 10s, cleanly, with no sanitizer report.
stop_own() {
    local dir=$1 pid
    pid=$(cat "$dir/pid")
    kill -TERM "$pid" 2>/dev/null || fail "quorumd $pid in $dir was not running"
    local rc=0
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fail "quorumd in $dir did not stop within 10s"; fi
    wait "$pid" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || { cat "$dir/quorumd.log" >&2; fail "quorumd in $dir exited $rc"; }
    grep -q "stopping:" "$dir/quorumd.log" || fail "quorumd in $dir did not shut down cleanly"
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$dir/quorumd.log"; then
        cat "$dir/quorumd.log" >&2; fail "sanitizer report in $dir/quorumd.log"
    fi
}

# oq DIR [quorum arguments...]: the client, pointed at the daemon in DIR, with the key
# $OQ_KEY (default: the operator's, DIR/state/operator.key).
oq() {
    local dir=$1; shift
    "$Q" --endpoint "ipc://$dir/req" --events "ipc://$dir/ev" \
        --server-key "$dir/state/quorumd.pub" --key "${OQ_KEY:-$dir/state/operator.key}" "$@"
}

# json_field NAME: the value of "NAME": in one JSON line on stdin (string or number).
json_field() {
    sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -1
}
