#!/usr/bin/env bash
# Quick start: install what is missing, build, start quorumd on its embedded defaults
# (loopback, CURVE on, state in ./quorum-state, keys made on first run), record a sample
# joint meeting (scripts/demo.sh), and show its log, its signed checkpoint and an offline
# verification.
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

forum=city-pb
if ! $Q forums | grep -q "^$forum "; then
    scripts/demo.sh "$Q"
fi
echo; echo "== quorum log $forum"; $Q log $forum
echo; echo "== quorum checkpoint $forum   (a C2SP signed note)"; $Q checkpoint $forum
echo; echo "== quorum proof inclusion $forum 3"; $Q proof inclusion $forum 3
$Q export $forum > "$QUORUM_STATE/$forum.export"
echo; echo "== quorum verify $QUORUM_STATE/$forum.export   (offline: signatures, hashes, every rule)"
$Q verify "$QUORUM_STATE/$forum.export"
echo
echo "quorumd is still running; stop it with: kill \$(cat $QUORUM_STATE/quorumd.pid)"
