#!/usr/bin/env bash
# systemd Type=notify, with a stand-in for systemd's notification socket: READY=1 once the
# daemon serves, WATCHDOG=1 at half of $WATCHDOG_USEC from the main loop, RELOADING=1 and
# READY=1 around SIGHUP, STOPPING=1 at SIGTERM.  (Without $NOTIFY_SOCKET, every other test
# shows the same daemon running with the calls as no-ops.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
own_dir dir
"$T/qr_notify_sink" "$dir/notify" 60 > "$dir/notify.out" &
sink=$!; OPS_PIDS+=("$sink")
wait_for 10 test -S "$dir/notify"

export NOTIFY_SOCKET="$dir/notify" WATCHDOG_USEC=400000
start_own "$dir"
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_for 10 grep -qx "READY=1" "$dir/notify.out"
grep -q "^STATUS=serving 0 forums" "$dir/notify.out" || fail "no STATUS with READY: $(cat "$dir/notify.out")"
oq "$dir" forums > /dev/null || fail "the daemon does not serve"
pass "READY=1 (with a STATUS line) once the daemon serves"

sleep 2
pings=$(grep -cx "WATCHDOG=1" "$dir/notify.out" || true)
[ "$pings" -ge 4 ] || fail "only $pings WATCHDOG=1 in 2s with WatchdogSec=0.4s"
grep -q "systemd watchdog: 400 ms; pinging every 200 ms" "$dir/quorumd.log" || fail "the watchdog was not logged"
pass "WATCHDOG=1 from the main loop: $pings pings in 2s at a 0.4s watchdog"

kill -HUP "$(cat "$dir/pid")"
wait_for 10 grep -qx "RELOADING=1" "$dir/notify.out"
ready_twice() { [ "$(grep -cx "READY=1" "$dir/notify.out")" -ge 2 ]; }
wait_for 10 ready_twice
pass "SIGHUP: RELOADING=1, then READY=1 again"

stop_own "$dir"
wait_for 10 grep -qx "STOPPING=1" "$dir/notify.out"
wait $sink
pass "SIGTERM: STOPPING=1, then a clean exit"
