#!/usr/bin/env bash
# The whole test suite, twice: a gcc build, and a clang build with AddressSanitizer and
# UndefinedBehaviorSanitizer.  Installs what is missing first.  Exit 0 only if both pass.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh test
jobs=$(nproc)
echo "== gcc build (build/)"
cmake -S . -B build -DCMAKE_C_COMPILER=gcc > /dev/null
cmake --build build -j "$jobs" > /dev/null
(cd build && ctest --output-on-failure)
echo "== clang + ASan + UBSan build (build-asan/)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DQR_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug > /dev/null
cmake --build build-asan -j "$jobs" > /dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure)
