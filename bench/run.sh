#!/usr/bin/env bash
# bench/run.sh: build quorum (Release), run every benchmark, and print one table: each figure
# the median of 5 runs with the smallest and largest, beside the issue's target and, where
# Hypercore does the same thing, the ratio quorum / Hypercore measured in the same run.
#
# usage: bench/run.sh [--quick] [--no-hypercore] [--keep]
#   --quick          smaller sizes (a smoke run of a minute or two; figures not comparable)
#   --no-hypercore   skip the Hypercore comparison (it needs node and npm, and the npm registry)
#   --keep           keep the work directory (databases, daemon logs, raw results)
# Environment: QB_DIR (default ${TMPDIR:-/tmp}/quorum-bench) holds the Release build and the
# work directory; it needs about 1.5 GB free for the full run.
#
# The CTest smoke test runs `bench/run.sh --smoke --build-dir DIR`: every program once with
# tiny sizes against an existing build, checking only that each one runs and reports.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mode=full hypercore=1 keep=0 build=""
args=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) mode=quick ;;
        --smoke) mode=smoke hypercore=0 ;;
        --no-hypercore) hypercore=0 ;;
        --keep) keep=1 ;;
        --build-dir) build=${2:?--build-dir needs a directory}; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done

base=${QB_DIR:-${TMPDIR:-/tmp}/quorum-bench}
work="$base/work-$$"
results="$work/results.tsv"
mkdir -p "$work"
cleanup() {
    # Every program stops the daemons it started (and the kernel kills any left by a killed
    # program); this removes the databases.
    if [ "$keep" = 1 ]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

case $mode in
full)
    RUNS=5 CLIENTS=1,8,32,32 COUNTS=4000,16000,24000,40000 WINDOWS=1,1,1,16
    RATE=1000 SECS=5 SUBS=1,10,100 EVENTS=200
    BIG=1000000 FORUMS=1000 MANY=1000000 REPL=20000 REQS=1000
    HC_SINGLE=5000 HC_BATCHES=200 LIMITS="" ;;
quick)
    RUNS=5 CLIENTS=1,8,32,32 COUNTS=500,2000,4000,4000 WINDOWS=1,1,1,16
    RATE=1000 SECS=1 SUBS=1,10,100 EVENTS=50
    BIG=50000 FORUMS=100 MANY=50000 REPL=20000 REQS=200
    HC_SINGLE=1000 HC_BATCHES=50 LIMITS="" ;;
smoke)
    RUNS=1 CLIENTS=1,2,2 COUNTS=20,40,40 WINDOWS=1,1,4
    RATE=200 SECS=0.5 SUBS=1,2 EVENTS=5
    BIG=300 FORUMS=3 MANY=300 REPL=200 REQS=20
    HC_SINGLE=100 HC_BATCHES=2 LIMITS="--quick 1" ;;
esac

if [ -z "$build" ]; then
    build="$base/build"
    echo "== building quorum (Release) in $build"
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DQR_BENCH=ON > "$work/build.log"
    cmake --build "$build" -j "$(nproc)" --target quorumd quorum qb_limits qb_submit \
        qb_publish qb_gen qb_verify qb_served qb_table >> "$work/build.log" 2>&1 \
        || { tail -30 "$work/build.log"; echo "run.sh: the build failed" >&2; exit 1; }
fi
B="$build/bench"
QD="$build/quorumd"
Q="$build/quorum"
for p in "$QD" "$Q" "$B"/qb_limits "$B"/qb_submit "$B"/qb_publish "$B"/qb_gen "$B"/qb_verify \
         "$B"/qb_served "$B"/qb_table; do
    [ -x "$p" ] || { echo "run.sh: $p is missing (build the bench targets)" >&2; exit 1; }
done

# step NAME SECONDS command...: run one benchmark program, bounded, its rows into $results.
step() {
    local name=$1 limit=$2; shift 2
    echo "== $name"
    local t0=$SECONDS
    if ! timeout --signal=TERM --kill-after=30 "$limit" "$@" >> "$results"; then
        echo "run.sh: $name failed or ran out of its $limit s (see the messages above)" >&2
        exit 1
    fi
    echo "   ($((SECONDS - t0)) s)"
}

started=$(date -u +%Y-%m-%dT%H:%MZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: > "$results"

step "physical limits: signatures, SQLite commits, CURVE round trips" 300 \
    "$B/qb_limits" --work "$work" --runs "$RUNS" $LIMITS
step "durable submits ($CLIENTS clients, $WINDOWS in flight) and submit-to-ack latency at ${RATE}/s" 1200 \
    "$B/qb_submit" --quorumd "$QD" --work "$work" --clients "$CLIENTS" --counts "$COUNTS" \
    --windows "$WINDOWS" --runs "$RUNS" --rate "$RATE" --seconds "$SECS"
step "publish-to-receive latency (CURVE subscribers: $SUBS)" 900 \
    "$B/qb_publish" --quorumd "$QD" --work "$work" --subscribers "$SUBS" --events "$EVENTS" \
    --runs "$RUNS"

echo "== generating databases through lib/store.c (qb_gen): real signed statements, judged by"
echo "   the rulebook, committed in batches with checkpoints signed by the daemon's key"
step "database: 1 forum, $BIG entries" 900 \
    "$B/qb_gen" --state "$work/big" --forums 1 --entries "$BIG"
step "database: $FORUMS forums, $MANY entries" 900 \
    "$B/qb_gen" --state "$work/many" --forums "$FORUMS" --entries "$MANY"
step "database: 1 forum, $REPL entries" 300 \
    "$B/qb_gen" --state "$work/repl" --forums 1 --entries "$REPL"

step "quorum verify, 1 thread and every thread, on the $BIG-entry forum" 3000 \
    "$B/qb_verify" --quorum "$Q" --state "$work/big" --forum f00000 --work "$work" \
    --threads 1,0 --runs "$RUNS"
step "inclusion and consistency proofs at $BIG entries" 900 \
    "$B/qb_served" --quorumd "$QD" --state "$work/big" --mode proofs --runs "$RUNS" \
    --requests "$REQS"
step "quorumd start-up and peak RSS: $FORUMS forums, $MANY entries" 1800 \
    "$B/qb_served" --quorumd "$QD" --state "$work/many" --mode startup --runs "$RUNS"
step "replicate and verify $REPL entries" 600 \
    "$B/qb_served" --quorumd "$QD" --state "$work/repl" --mode replicate --runs "$RUNS"

hc_status="skipped (--no-hypercore)"
if [ "$hypercore" = 1 ]; then
    if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
        hc_status="skipped: node and npm are not installed (apt-get install nodejs npm)"
    elif ! (cd "$here/hypercore" && npm ci --no-audit --no-fund --loglevel=error > "$work/npm.log" 2>&1); then
        hc_status="skipped: npm ci failed (no registry?), see $work/npm.log"
        keep=1
    else
        step "Hypercore $(node -p "require('$here/hypercore/node_modules/hypercore/package.json').version"): appends and replicate-and-verify" 900 \
            node "$here/hypercore/bench.js" --work "$work/hypercore" --runs "$RUNS" \
            --single "$HC_SINGLE" --batches "$HC_BATCHES" --replicate "$REPL"
        hc_status="measured in this run (node $(node --version))"
    fi
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "quorum benchmark, $started, $(nproc) CPUs ($cpu), $(uname -sr)"
echo "command: bench/run.sh ${args[*]:-}    (mode: $mode; quorum $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo '?'))"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "durability: quorum acknowledges a statement only after its SQLite commit (WAL,"
echo "  synchronous=FULL: fsync) with CURVE on; Hypercore appends without fsync. Submit clients"
echo "  sign their statements before the clock starts. Big databases were generated through"
echo "  lib/store.c (qb_gen) and quorumd started on them. Hypercore: $hc_status"
echo
"$B/qb_table" "$results"

if [ "$mode" = smoke ]; then
    for id in lim_verify lim_commit lim_leaf submit_c1 submit_c2 submit_c2_w4 lat_p50 lat_p99 lat_p999 \
              pub_s1_p50 pub_s2_p99 verify_t1 proof_incl proof_cons startup rss rss_used first_judged \
              replicate; do
        grep -q "^row	$id	" "$results" || { echo "smoke: no result for $id" >&2; exit 1; }
    done
    echo "smoke test passed: every benchmark program ran and reported"
fi
