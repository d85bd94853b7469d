#!/bin/sh
# run.sh: fuzz one harness with libFuzzer, one job and one worker, for a bounded time.
#
#   tests/fuzz/run.sh BUILD_DIR TARGET [SECONDS] [libFuzzer options ...]
#
# BUILD_DIR is a -DQR_FUZZ=ON build.  New inputs go to $QR_FUZZ_WORK/TARGET/corpus
# (default BUILD_DIR/fuzz-work), crashes to .../artifacts/, and libFuzzer's log to
# .../fuzz-0.log, whose last lines (stat::number_of_executed_units, cov:, ft:) are printed at
# the end.  The committed seeds in tests/fuzz/corpus/TARGET are read, never written.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR TARGET [SECONDS] [libFuzzer options]" >&2; exit 2; }
build=$(cd "$1" && pwd)
target=$2
secs=${3:-300}
shift 2
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
work=${QR_FUZZ_WORK:-$build/fuzz-work}/$target
bin=$build/tests/fuzz/fuzz_$target
[ -x "$bin" ] || { echo "$0: no $bin (configure with -DQR_FUZZ=ON)" >&2; exit 2; }
mkdir -p "$work/corpus" "$work/artifacts"
cd "$work"
start=$(date +%s)
# Undefined behaviour stops the run like a crash (the build also has -fno-sanitize-recover).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
set +e
"$bin" -jobs=1 -workers=1 -max_total_time="$secs" -print_final_stats=1 -timeout=20 \
    -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$here/corpus/$target"
rc=$?
set -e
echo "fuzz_$target: exit $rc after $(( $(date +%s) - start )) s; log $work/fuzz-0.log"
grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$work/fuzz-0.log" | tail -1
grep -E '^stat::' "$work/fuzz-0.log"
ls "$work/artifacts"
exit $rc
