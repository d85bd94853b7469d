#!/usr/bin/env bash
# Fixture: stop quorumd with SIGTERM; it must exit 0 (clean shutdown, no sanitizer report).
. "$(dirname "$0")/lib.sh"
pidfile="$QR_WORK/quorumd.pid"
[ -f "$pidfile" ] || fail "no daemon was started"
pid=$(cat "$pidfile"); rm -f "$pidfile"
kill -TERM "$pid" 2>/dev/null || fail "quorumd $pid was not running (see $QR_WORK/quorumd.log)"
limit=10; [ "${QR_VALGRIND:-0}" = 1 ] && limit=120 # memcheck's leak search takes a while
for _ in $(seq $((limit * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fail "quorumd did not stop within ${limit}s of SIGTERM"; fi
grep -q "stopping:" "$QR_WORK/quorumd.log" || { cat "$QR_WORK/quorumd.log" >&2; fail "quorumd did not shut down cleanly"; }
if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$QR_WORK/quorumd.log"; then
    cat "$QR_WORK/quorumd.log" >&2; fail "sanitizer report in quorumd's log"
fi
if [ "${QR_VALGRIND:-0}" = 1 ]; then
    vg="$QR_WORK/valgrind.log"
    wait_for 20 test -s "$QR_WORK/quorumd.rc"
    rc=$(cat "$QR_WORK/quorumd.rc")
    grep -q "ERROR SUMMARY: 0 errors" "$vg" && grep -q "definitely lost: 0 bytes\|no leaks are possible" "$vg" \
        && [ "$rc" -eq 0 ] || { cat "$vg" >&2; fail "valgrind: quorumd exited $rc with errors or definite leaks (see $vg)"; }
    pass "valgrind: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$vg"), no definite leaks"
fi
pass "quorumd stopped cleanly"
