#!/usr/bin/env bash
# Fixture: stop quorumd with SIGTERM; it must exit 0 (clean shutdown, no sanitizer report).
. "$(dirname "$0")/lib.sh"
pidfile="$QR_WORK/quorumd.pid"
[ -f "$pidfile" ] || fail "no daemon was started"
pid=$(cat "$pidfile"); rm -f "$pidfile"
kill -TERM "$pid" 2>/dev/null || fail "quorumd $pid was not running (see $QR_WORK/quorumd.log)"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fail "quorumd did not stop within 10s of SIGTERM"; fi
grep -q "stopping:" "$QR_WORK/quorumd.log" || { cat "$QR_WORK/quorumd.log" >&2; fail "quorumd did not shut down cleanly"; }
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$QR_WORK/quorumd.log"; then
    cat "$QR_WORK/quorumd.log" >&2; fail "sanitizer report in quorumd's log"
fi
pass "quorumd stopped cleanly"
