#!/usr/bin/env bash
# The systemd units, as installed (naming the installed programs and man pages): both pass
# `systemd-analyze verify` with nothing to say (it exits 0 even for unknown keys, so any
# output fails), and `systemd-analyze security --offline=yes` rates each at an exposure of
# 2.0 or less.  Skipped (77) only where systemd-analyze is absent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
: "${QR_CMAKE:?}"
command -v systemd-analyze > /dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
own_dir d
P="$d/prefix"
"$QR_CMAKE" --install "$QR_BIN" --prefix "$P" > "$d/install.log" 2>&1 || { cat "$d/install.log" >&2; fail "install"; }
U="$d/units"
mkdir -p "$U"
cp "$P/lib/systemd/system/quorumd.service" "$P/lib/systemd/system/quorum-mirror@.service" "$U/"
if [ ! -x "$P/bin/quorum-mirror" ]; then
    # quorum-mirror not built yet: check the unit against a stand-in program.
    sed -i "s#^ExecStart=$P/bin/quorum-mirror #ExecStart=$P/bin/quorum #" "$U/quorum-mirror@.service"
    echo "note: quorum-mirror is not built; its unit is verified with $P/bin/quorum as a stand-in"
fi
man_opt=()
if command -v man > /dev/null; then
    export MANPATH="$P/share/man:" # the units' Documentation= pages are the installed ones
else
    man_opt=(--man=no)
fi

verify() { # verify UNIT-FILE-OR-INSTANCE
    local out
    out=$(cd "$U" && systemd-analyze verify "${man_opt[@]}" "$1" 2>&1) || fail "systemd-analyze verify $1: $out"
    [ -z "$out" ] || fail "systemd-analyze verify $1 complains: $out"
}
verify "$U/quorumd.service"
verify "$U/quorum-mirror@ci.service" # an instance of the template
pass "systemd-analyze verify: quorumd.service and quorum-mirror@.service, nothing to say"

exposure() { # exposure UNIT: the overall exposure figure
    systemd-analyze security --offline=yes "$1" 2>&1 | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}
cp "$U/quorum-mirror@.service" "$U/quorum-mirror@ci.service"
for unit in quorumd.service quorum-mirror@ci.service; do
    e=$(exposure "$U/$unit")
    [ -n "$e" ] || fail "no exposure figure for $unit: $(systemd-analyze security --offline=yes "$U/$unit" 2>&1 | tail -3)"
    awk -v e="$e" 'BEGIN { exit !(e <= 2.0) }' || fail "$unit: exposure $e is above 2.0"
    pass "systemd-analyze security --offline=yes $unit: exposure $e (at most 2.0)"
done
grep -q "^Type=notify$" "$U/quorumd.service" && grep -q "^WatchdogSec=" "$U/quorumd.service" \
    && grep -q "^LoadCredential=quorumd.key:" "$U/quorumd.service" || fail "quorumd.service lost its essentials"
