#!/usr/bin/env bash
# Quick start: install what is missing, build, start quorumd on its embedded defaults
# (loopback, CURVE on, state in ./quorum-state, keys made on first run), record a sample
# forum, and show its log, its signed checkpoint and an offline verification.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh build
cmake -S . -B build > /dev/null
cmake --build build -j "$(nproc)" --target quorumd quorum > /dev/null
Q=build/quorum
export QUORUM_STATE=./quorum-state
mkdir -p "$QUORUM_STATE"

if ! $Q --timeout 1 forums > /dev/null 2>&1; then
    setsid build/quorumd > "$QUORUM_STATE/quorumd.log" 2>&1 < /dev/null &
    echo $! > "$QUORUM_STATE/quorumd.pid"
    for _ in $(seq 100); do $Q --timeout 1 forums > /dev/null 2>&1 && break; sleep 0.1; done
    echo "== quorumd started (pid $(cat "$QUORUM_STATE/quorumd.pid"), log in $QUORUM_STATE/quorumd.log)"
    sed 's/^/   /' "$QUORUM_STATE/quorumd.log"
fi

forum=lpt-nhft-jwg
if ! $Q forums | grep -q "^$forum "; then
    [ -f "$QUORUM_STATE/clerk.key" ] || $Q keygen "$QUORUM_STATE/clerk.key" --name clerk.jwg > /dev/null
    echo "== the operator charters a joint working group of two trusts"
    $Q forum charter $forum --name "LPT and NHFT Joint Working Group" \
        --purpose "Oversee the joint priorities of the two trusts" \
        --capacity recommends --decision-rule consensus --chair "Joint Chair" \
        --frequency "Bi-monthly" --reports-to "LPT Trust Board" --reports-to "NHFT Trust Board" \
        --clerk "$QUORUM_STATE/clerk.key"
fi
echo; echo "== quorum forums"; $Q forums
echo; echo "== quorum log $forum"; $Q log $forum
echo; echo "== quorum checkpoint $forum   (a C2SP signed note)"; $Q checkpoint $forum
echo; echo "== quorum proof inclusion $forum 0"; $Q proof inclusion $forum 0
$Q export $forum > "$QUORUM_STATE/$forum.export"
echo; echo "== quorum verify $QUORUM_STATE/$forum.export   (offline)"
$Q verify "$QUORUM_STATE/$forum.export"
echo
echo "quorumd is still running; stop it with: kill \$(cat $QUORUM_STATE/quorumd.pid)"
