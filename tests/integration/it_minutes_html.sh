#!/usr/bin/env bash
# The minutes' HTML pages (written by it_minutes) open in headless Chromium without a console
# error or a blocked load, show the minutes, and print to PDF.  Skips (exit 77, which CTest
# reports as skipped) where Chromium is not installed; `scripts/deps.sh test` installs it.
# Every run is bounded (timeout 60, the whole process group killed) and uses a fresh profile.
. "$(dirname "$0")/lib.sh"
M="$QR_WORK/minutes"
CHROMIUM=${QR_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "SKIP: no Chromium at $CHROMIUM, so the HTML minutes were not opened in a browser"
    exit 77
fi
profiles=()
# reap PROFILE: Chromium's helpers (crashpad) may outlive it briefly; they are ours, found by
# the unique profile directory they were started with.  Wait up to 10s, then kill by pid.
reap() {
    local end=$((SECONDS + 10)) pids
    while pids=$(pgrep -f -- "$1"); do
        if [ $SECONDS -ge $end ]; then kill -KILL $pids 2>/dev/null || true; break; fi
        sleep 0.2
    done
}
trap 'for p in "${profiles[@]}"; do reap "$p"; rm -rf "$p"; done' EXIT

# chromium OUTPUT-FLAG URL LOG: one bounded headless run with a fresh profile.
chromium() {
    local profile; profile=$(mktemp -d "$QR_WORK/chromium-profile.XXXXXX")
    profiles+=("$profile")
    timeout -k 5 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-extensions --no-default-browser-check --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 "$1" "$2" 2> "$3"
    local status=$?
    reap "$profile"
    return $status
}

n=0
for page in a/m-2026-11 b/rec-m1; do
    html="$M/$page.html"
    [ -s "$html" ] || fail "no $html: it_minutes writes it and must pass first"
    url="file://$html"
    chromium --dump-dom "$url" "$M/$page.dom.log" > "$M/$page.dom" || {
        cat "$M/$page.dom.log" >&2; fail "Chromium could not open $html"; }
    grep -q "<h1>Minutes: " "$M/$page.dom" || fail "Chromium shows no minutes heading for $html"
    grep -q "<h2>The record</h2>" "$M/$page.dom" || fail "Chromium did not render all of $html"
    chromium --print-to-pdf="$M/$page.pdf" "$url" "$M/$page.pdf.log" > /dev/null || {
        cat "$M/$page.pdf.log" >&2; fail "Chromium could not print $html"; }
    [ "$(head -c 5 "$M/$page.pdf")" = "%PDF-" ] || fail "Chromium wrote no PDF for $html"
    [ "$(stat -c %s "$M/$page.pdf")" -gt 5000 ] || fail "the PDF of $html is nearly empty"
    # The page's own messages: a script error, a blocked resource or a CSP violation.
    if grep -hiE 'CONSOLE|Uncaught|Refused to|Content Security Policy|net::ERR' \
        "$M/$page.dom.log" "$M/$page.pdf.log"; then
        fail "Chromium reported errors for $html"
    fi
    n=$((n + 1))
done
pass "$n HTML minutes open in headless Chromium without errors and print to PDF"
