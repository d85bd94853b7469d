#!/usr/bin/env bash
# Fixture: stop quorumd with SIGTERM; it must exit 0 (clean shutdown, no sanitizer report).
# Under valgrind (QR_VALGRIND=1): no memcheck error or definite leak, then the same again for a
# daemon restarted on the state the tests left.
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
    vg_stopped "$QR_WORK/valgrind.log"
    # Once more on what the tests left: start-up reads and judges every forum (on several
    # threads), then a clean stop, all under memcheck.
    vg_quorumd "$QR_WORK/valgrind-restart.log"
    wait_for 120 "$Q" forums
    n=$("$Q" forums | wc -l)
    kill -TERM "$(cat "$QR_WORK/quorumd.pid")"
    vg_stopped "$QR_WORK/valgrind-restart.log"
    rm -f "$QR_WORK/quorumd.pid"
    pass "restarted under valgrind on the $n forums the tests recorded, and stopped"
fi
pass "quorumd stopped cleanly"
