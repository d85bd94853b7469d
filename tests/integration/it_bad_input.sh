#!/usr/bin/env bash
# Bad input: each answered with its own status code and message, the daemon keeps serving,
# and the log stays unchanged.  A key that is not on the allow-list cannot connect at all.
. "$(dirname "$0")/lib.sh"
P() { "$T/qr_probe" --key "$QR_WORK/keys/clerk.key" "$@"; }
"$Q" forum charter bad --name "Bad input forum" --reports-to "Nobody" --clerk "$QR_WORK/keys/clerk.pub" > /dev/null
"$Q" --key "$QR_WORK/keys/clerk.key" meeting open bad m1 --date today --place "Room 2" > /dev/null
P submit bad first "A good proposal" | grep -q "^OK .*seq=2$" || fail "a good submit"
before=$("$Q" checkpoint bad)

expect_code() { # expect_code CODE probe args...
    local want=$1; shift
    local got; got=$(P "$@") || fail "no reply to probe $*"
    [[ "$got" == "$want "* ]] || fail "probe $* answered '$got', expected $want"
    [ -n "${got#"$want "}" ] || fail "probe $* came with no message"
    pass "$* -> $got"
}
expect_code BAD_REQUEST garbage
expect_code BAD_REQUEST multiframe
expect_code TOO_LARGE oversize
expect_code BAD_SIGNATURE badsig bad forged
expect_code UNKNOWN_FORUM submit no-such-forum x
P dup bad twice | sed -n 2p | grep -q "^DUPLICATE " || fail "a replayed statement was not refused as DUPLICATE"
pass "replay -> DUPLICATE"

# The one accepted statement of the dup probe aside, nothing refused reached the log.
"$Q" log bad --json | grep -c '"kind"' | grep -qx 4 || fail "the log has refused statements in it"
"$Q" log bad --from 2 --to 3 --json | grep -q '"seq":2' || fail "entry 2 changed"

after_first=$("$Q" log bad --json | head -2)
expect_exit 7 "$Q" --key "$QR_WORK/keys/outsider.key" --timeout 2 forums
grep -q "is not on the allow-list" "$QR_WORK/quorumd.log" || fail "the refused key was not logged"
pass "a key not on the allow-list cannot connect"

"$Q" forums | grep -q "^bad " || fail "the daemon stopped serving"
[ "$("$Q" log bad --json | head -2)" == "$after_first" ] || fail "the log changed"
pass "the daemon still serves and the log is unchanged"
[ -n "$before" ] || fail "no checkpoint"
