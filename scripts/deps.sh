#!/usr/bin/env bash
# Install the Debian 12 packages quorum needs that are missing.  Asks apt only when something
# is missing; uses sudo when not root.  Usage: scripts/deps.sh [build|test]
set -euo pipefail
build=(gcc make cmake pkg-config libzmq3-dev libsodium-dev libprotobuf-c-dev protobuf-c-compiler
       libsqlite3-dev libsystemd-dev)
# systemd: systemd-analyze verify/security of the units (systemd_check); man-db, groff-base: the
# installed man pages are found (Documentation=) and render without warnings (it_install).
ops_test=(systemd man-db groff-base)
# minisign: stock verification of signed minutes; chromium: the HTML minutes opened and printed
# (it_minutes_html, bounded to 60 seconds a run; it skips where Chromium is absent).
test=(clang libclang-rt-14-dev minisign chromium)
want=("${build[@]}")
[ "${1:-build}" = test ] && want+=("${test[@]}" "${ops_test[@]}")
missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
