#!/usr/bin/env bash
# How much a load test's levels move between runs of the SAME binary: the figures behind the
# noise prior of the load metrics (`compare::LOAD_PRIOR_TAU`), and how often identical code is
# called a regression with it.
#
#   scripts/load-noise.sh [RUNS] [OUT]      (default 8 runs)
#
# Builds the examples' playbook tests once (release), then runs the `service::` load tests
# (the /users/search service, LIKE scan and FTS5) RUNS times, each a separate process recording
# into one fresh store. Prints, per benchmark and metric, each run's level (the median of its
# samples), the sd of the log-levels between runs and the largest step between consecutive
# runs: the between-run noise a prior must cover. (All runs are of one commit, so the runtime
# gives them no verdicts: a baseline is always another commit.) Measure on a quiet machine.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUNS=${1:-8}
OUT=${2:-$REPO/target/load-noise/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

echo "building the examples' playbook tests (release) ..." >&2
bin=$(cd "$REPO" && cargo test --release -p perfkit-examples --test playbook --no-run \
    --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "playbook":
        print(m["executable"])')
db="$OUT/history.db"
for i in $(seq 1 "$RUNS"); do
    echo "run $i/$RUNS" >&2
    (cd "$REPO/examples" && PERFKIT_DB="$db" "$bin" service:: --test-threads=1 >"$OUT/run-$i.log" 2>&1) ||
        echo "  run $i failed (see $OUT/run-$i.log)" >&2
done
python3 - "$db" <<'PY' | tee "$OUT/summary.md"
import math, sqlite3, statistics, struct, sys
from collections import defaultdict
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""
    SELECT b.name, r.metric, r.samples, r.cmp_verdict, r.run_id
    FROM results r JOIN benchmarks b ON b.id = r.benchmark_id
    WHERE r.metric IN ('latency', 'throughput', 'error_rate')
    ORDER BY b.name, r.metric, r.run_id""").fetchall()
series = defaultdict(list)
for name, metric, blob, verdict, run in rows:
    samples = [v for (v,) in struct.iter_unpack("<d", blob)]
    series[(name, metric)].append((statistics.median(samples), verdict or "-"))
print("| benchmark | metric | runs | levels | sd of log-level | largest step |")
print("|---|---|---|---|---|---|")
for (name, metric), runs in series.items():
    levels = [l for l, _ in runs]
    logs = [math.log(l) for l in levels if l > 0]
    sd = statistics.stdev(logs) if len(logs) > 1 else float("nan")
    steps = [abs(b - a) for a, b in zip(logs, logs[1:])]
    step = math.exp(max(steps)) - 1 if steps else float("nan")
    shown = " ".join(f"{l:.4g}" for l in levels)
    print(f"| {name.split('::')[-1]} | {metric} | {len(runs)} | {shown} | {sd*100:.1f}% | "
          f"{step*100:.0f}% |")
PY
echo "written to $OUT" >&2
