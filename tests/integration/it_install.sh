#!/usr/bin/env bash
# cmake --install into a temporary prefix: the programs, the systemd units (naming the
# installed programs), the example configuration and the man pages are where they belong;
# the installed programs run (--version with the library versions, --help, --check-config of
# the installed example); every option of quorumd's table is documented in the example and
# in quorumd(8); the man pages render without warnings.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ops_lib.sh"
unset QUORUM_CONFIG
: "${QR_CMAKE:?}"
own_dir P
P=$P/prefix
"$QR_CMAKE" --install "$QR_BIN" --prefix "$P" > "$P.log" 2>&1 || { cat "$P.log" >&2; fail "cmake --install failed"; }
for f in bin/quorumd bin/quorum lib/systemd/system/quorumd.service \
         lib/systemd/system/quorum-mirror@.service share/doc/quorum/quorumd.conf.example \
         share/man/man8/quorumd.8 share/man/man1/quorum.1; do
    [ -e "$P/$f" ] || fail "$f was not installed"
done
[ -x "$P/bin/quorumd" ] && [ -x "$P/bin/quorum" ] || fail "the programs are not executable"
if [ -e "$QR_BIN/quorum-mirror" ]; then
    [ -x "$P/bin/quorum-mirror" ] || fail "quorum-mirror is built but was not installed"
fi
grep -q "^ExecStart=$P/bin/quorumd --config $P/etc/quorum/quorumd.conf --key_file credential:quorumd.key$" \
    "$P/lib/systemd/system/quorumd.service" || fail "the installed unit does not start the installed quorumd"
grep -q "^LoadCredential=quorumd.key:$P/etc/quorum/quorumd.key$" "$P/lib/systemd/system/quorumd.service" \
    || fail "the installed unit's credential path"
grep -q "^ExecStart=$P/bin/quorum-mirror --config $P/etc/quorum/mirror-%i.conf$" \
    "$P/lib/systemd/system/quorum-mirror@.service" || fail "the installed mirror unit's ExecStart"
pass "installed into $P: programs, units naming them, example configuration, man pages"

v=$("$P/bin/quorumd" --version)
for lib in "^quorumd [0-9]" "^libzmq [0-9]" "^libsodium [0-9]" "^sha256 " "^sqlite3 [0-9]" "^libprotobuf-c [0-9]" \
           "^libsystemd [0-9]" "^database schema version 4$"; do
    echo "$v" | grep -q "$lib" || fail "quorumd --version lacks '$lib': $v"
done
v=$("$P/bin/quorum" --version)
echo "$v" | grep -q "^quorum [0-9]" && echo "$v" | grep -q "^libsodium [0-9]" || fail "quorum --version: $v"
dhelp=$("$P/bin/quorumd" --help)
echo "$dhelp" | grep -q "^usage: quorumd" || fail "quorumd --help"
help=$("$P/bin/quorum" help)
echo "$help" | grep -q "^  backup FILE" || fail "quorum help does not list backup"
echo "$help" | grep -q "^  status " || fail "quorum help does not list status"
pass "the installed programs run: --version (with libzmq, libsodium, sqlite3, protobuf-c, libsystemd), --help"

ex="$P/share/doc/quorum/quorumd.conf.example"
out=$(cd "$(dirname "$P")" && "$P/bin/quorumd" --check-config --config "$ex") \
    || fail "the installed example does not pass --check-config: $out"
# Every option in quorumd's table (as --check-config lists them) is in the example, shown with
# its default, and described in quorumd(8).
options=$(echo "$out" | sed -n 's/^  \([a-z_]*\) = .*/\1/p')
[ "$(echo "$options" | wc -l)" -ge 13 ] || fail "cannot list the options: $out"
for o in $options; do
    grep -q "^#$o = \|^$o = \|^#$o =$" "$ex" || fail "option $o is not in the example configuration"
    grep -q "^\.B $o$" "$P/share/man/man8/quorumd.8" || fail "option $o is not described in quorumd(8)"
done
pass "every option ($(echo $options | wc -w)) is in the example configuration and in quorumd(8)"

# Every command and global option `quorum help` lists is described in quorum(1).
man1="$P/share/man/man1/quorum.1"
for cmd in $(echo "$help" | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | sort -u); do
    roff=${cmd//-/\\-}
    grep -qE "^\.(B|BI|BR) \"?${roff//\\/\\\\}([ \"]|$)" "$man1" || fail "quorum(1) does not describe the command '$cmd'"
done
for opt in $(echo "$help" | sed -n 's/^  --\([a-z-]*\).*/\1/p'); do
    roff="\\-\\-${opt//-/\\-}"
    grep -qF ".BI $roff " "$man1" || grep -qxF ".B $roff" "$man1" \
        || fail "quorum(1) does not describe the global option --$opt"
done
pass "quorum(1) describes every command and global option quorum help lists"
if command -v groff > /dev/null; then
    for m in "$P/share/man/man8/quorumd.8" "$P/share/man/man1/quorum.1"; do
        w=$(groff -man -Tutf8 -ww "$m" 2>&1 > /dev/null)
        [ -z "$w" ] || fail "groff warns about $m: $w"
        grep -q "^\.SH EXAMPLES" "$m" || fail "$m has no EXAMPLES section"
    done
    pass "the man pages render without warnings, each with examples"
fi
