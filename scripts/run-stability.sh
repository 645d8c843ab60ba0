#!/usr/bin/env bash
# How much a run's level moves between processes of the SAME test binary, per run-level
# estimator, with and without memory-layout randomisation: the figures that chose
# `RunEstimate`'s default estimator, the noise prior (`compare::PRIOR_TAU`) and whether
# layout randomisation stays on.
#
#   scripts/run-stability.sh [RUNS] [OUT]      (default 15 runs per layout mode)
#
# Builds the error-rate fixture (scripts/error-rates/fixture: six ordinary workloads) once, in
# release, then runs its test binary RUNS times with PERFKIT_LAYOUT=random and RUNS times with
# PERFKIT_LAYOUT=fixed, alternating, each a separate process recording into a store of its own
# mode, and prints the `run_stability` example's table for each store. Measure on a quiet
# machine: nothing else building or testing.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUNS=${1:-15}
OUT=${2:-$REPO/target/run-stability/$(date +%Y%m%d-%H%M%S)}
TARGET=${CARGO_TARGET_DIR:-$REPO/target/error-rates-fixture}
mkdir -p "$OUT"
FIX=$(mktemp -d)
trap 'rm -rf "$FIX"' EXIT

cp -r "$HERE/error-rates/fixture/." "$FIX/"
sed "s|@PERFKIT_DIR@|$REPO|" "$FIX/Cargo.toml.in" >"$FIX/Cargo.toml"
rm "$FIX/Cargo.toml.in"
git -C "$FIX" init -q
git -C "$FIX" -c user.name=stability -c user.email=stability@example.com add -A
git -C "$FIX" -c user.name=stability -c user.email=stability@example.com \
    -c commit.gpgsign=false commit -qm fixture

echo "building the fixture's perf tests (release) ..." >&2
bin=$(cd "$FIX" && CARGO_TARGET_DIR=$TARGET cargo test --release --test perf --no-run \
    --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "perf":
        print(m["executable"])')
(cd "$REPO" && cargo build --release -q -p perfkit --example run_stability)
stability=$REPO/target/release/examples/run_stability
[[ -n "$TARGET" ]] || true

{
    echo "# run stability: $RUNS runs per layout mode"
    echo
    echo "command: scripts/run-stability.sh $RUNS"
    echo "perfkit: $(git -C "$REPO" rev-parse --short HEAD)  machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/summary.md"

for i in $(seq 1 "$RUNS"); do
    for mode in random fixed; do
        (cd "$FIX" && CARGO_MANIFEST_DIR=$FIX PERFKIT_LAYOUT=$mode PERFKIT_DB="$OUT/$mode.db" \
            "$bin" --test-threads 1 >"$OUT/run-$mode-$i.log" 2>&1) ||
            echo "run $i ($mode) failed: see $OUT/run-$mode-$i.log" >&2
    done
    echo "round $i/$RUNS done" >&2
done

for mode in random fixed; do
    {
        echo
        echo "## PERFKIT_LAYOUT=$mode"
        echo
        echo '```'
        "$stability" "$OUT/$mode.db"
        echo '```'
    } >>"$OUT/summary.md"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/summary.md"
cat "$OUT/summary.md"
