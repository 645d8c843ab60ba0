#!/usr/bin/env bash
# perfkit::criterion against criterion itself, on real criterion suites
# (tests/fixtures/criterion-suites: itoa 1.0.19 and base64 0.22.1, as published): each suite is
# built twice in a temporary git repository, once as published against criterion 0.8.2 and once
# with its import switched to `perfkit::criterion` (the only change, as the e2e test makes it).
# Each round runs both harnesses on each suite, each in a process of its own, criterion first
# in odd rounds and perfkit first in even ones; wall time is measured around each process.
# Medians are matched by criterion's id: criterion's from its estimates.json, perfkit's from its
# store (`cargo perfkit export`).
#
# Output in --out: summary.md (also printed: per-suite wall times, the ratio perfkit/criterion
# of every benchmark's median and their geometric mean), medians.csv, raw/ (every log).
#
# Measure on a quiet machine. Both harnesses run with their own defaults unless told otherwise:
# criterion about 8 s per benchmark (3 s warm-up, 5 s of samples, plus analysis), perfkit about
# 1 s; the 102 benchmarks of both suites take about 15-20 minutes per round, mostly criterion's.

set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

usage() {
    cat <<'EOF'
usage: scripts/criterion-parity.sh [options] [FILTER]

  FILTER                 a regular expression over criterion's ids, given to both harnesses
                         (default: every benchmark)
  --suites LIST          of itoa,base64 (default both)
  --rounds N             rounds of both harnesses on each suite (default 1)
  --criterion-args "A"   more arguments for criterion (e.g. "--warm-up-time 0.5 --measurement-time 1")
  --perfkit-mode MODE    PERFKIT for the perfkit runs: full or quick (default full)
  --out DIR              results (default <repo>/target/criterion-parity/<date-time>)
  --target-dir DIR       the suites' CARGO_TARGET_DIR (default <repo>/target/criterion-parity-build)
  --keep                 keep the temporary workspace
EOF
}

die() {
    echo "criterion-parity: $*" >&2
    exit 2
}

SUITES=itoa,base64
ROUNDS=1
CRITERION_ARGS=""
PERFKIT_MODE=full
OUT=""
TARGET="$REPO/target/criterion-parity-build"
KEEP=0
FILTER=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --suites) SUITES=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --criterion-args) CRITERION_ARGS=$2; shift 2 ;;
        --perfkit-mode) PERFKIT_MODE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --target-dir) TARGET=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option $1" ;;
        *) [[ -z $FILTER ]] || die "one FILTER only"; FILTER=$1; shift ;;
    esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a positive number, not '$ROUNDS'"
[[ $PERFKIT_MODE == full || $PERFKIT_MODE == quick ]] || die "--perfkit-mode is full or quick"
OUT=${OUT:-"$REPO/target/criterion-parity/$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$OUT/raw"
OUT=$(cd "$OUT" && pwd)
FIXTURES="$REPO/tests/fixtures/criterion-suites"

WS=$(mktemp -d "${TMPDIR:-/tmp}/criterion-parity.XXXXXX")
cleanup() { if [[ $KEEP == 1 ]]; then echo "kept $WS" >&2; else rm -rf "$WS"; fi; }
trap cleanup EXIT

# The workspace: <suite>-criterion (as published) and <suite>-perfkit (import switched).
IFS=, read -r -a SUITE_LIST <<<"$SUITES"
MEMBERS=()
for suite in "${SUITE_LIST[@]}"; do
    [[ -f $FIXTURES/$suite/Cargo.toml.in ]] || die "no suite '$suite' in $FIXTURES"
    for harness in criterion perfkit; do
        dir="$WS/$suite-$harness"
        mkdir -p "$dir/src" "$dir/benches"
        : >"$dir/src/lib.rs"
        if [[ $harness == criterion ]]; then
            dep='criterion = "=0.8.2"'
        else
            dep="perfkit = { path = \"$REPO/perfkit\" }"
        fi
        sed -e "s|{harness}|$dep|" -e "s|^name = \"\\(.*\\)-criterion-suite\"|name = \"\\1-$harness\"|" \
            "$FIXTURES/$suite/Cargo.toml.in" >"$dir/Cargo.toml"
        for bench in "$FIXTURES/$suite"/benches/*.rs; do
            if [[ $harness == criterion ]]; then
                cp "$bench" "$dir/benches/"
            else
                sed -e 's/use criterion::/use perfkit::criterion::/' \
                    -e 's/extern crate criterion;/extern crate perfkit;/' \
                    "$bench" >"$dir/benches/$(basename "$bench")"
            fi
        done
        MEMBERS+=("\"$suite-$harness\"")
    done
done
printf '[workspace]\nmembers = [%s]\nresolver = "2"\n' "$(IFS=,; echo "${MEMBERS[*]}")" >"$WS/Cargo.toml"
cp "$REPO/Cargo.lock" "$WS/Cargo.lock"
printf '/Cargo.lock\n/.perfkit/\n' >"$WS/.gitignore"
(
    cd "$WS"
    export GIT_AUTHOR_NAME=parity GIT_AUTHOR_EMAIL=parity@example.com
    export GIT_COMMITTER_NAME=parity GIT_COMMITTER_EMAIL=parity@example.com
    git init -q -b main && git add -A && git commit -q -m "criterion parity suites"
)

echo "building the suites (release) into $TARGET ..." >&2
start=$(date +%s.%N)
(cd "$WS" && CARGO_TARGET_DIR=$TARGET cargo bench --no-run --message-format=json 2>"$OUT/raw/build.log") \
    | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and "bench" in m["target"]["kind"]:
        # <workspace>/<suite>-<harness>/benches/<bench>.rs
        print(m["target"]["src_path"].split("/")[-3], m["executable"])
' >"$OUT/raw/executables.txt" || { tail -20 "$OUT/raw/build.log" >&2; die "the build failed"; }
echo "built in $(python3 -c "print(f'{$(date +%s.%N) - $start:.0f}')") s" >&2
(cd "$REPO" && cargo build -q -p cargo-perfkit) || die "cannot build cargo-perfkit"
PERFKIT_BIN="$REPO/target/debug/cargo-perfkit"

exe_of() { awk -v p="$1" '$1 == p { print $2 }' "$OUT/raw/executables.txt"; }

# One timed process: NAME LOGFILE -- COMMAND...; appends "name seconds" to walls.txt.
timed() {
    local name=$1 log=$2
    shift 3
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$log" 2>&1 || { tail -20 "$log" >&2; die "$name failed (log: $log)"; }
    t1=$(date +%s.%N)
    echo "$name $(python3 -c "print($t1 - $t0)")" >>"$OUT/walls.txt"
}

: >"$OUT/walls.txt"
DB="$OUT/perfkit.db"
for round in $(seq 1 "$ROUNDS"); do
    order=(criterion perfkit)
    ((round % 2 == 0)) && order=(perfkit criterion)
    for suite in "${SUITE_LIST[@]}"; do
        for harness in "${order[@]}"; do
            exe=$(exe_of "$suite-$harness")
            [[ -n $exe ]] || die "no bench executable for $suite-$harness"
            echo "round $round: $suite under $harness ..." >&2
            log="$OUT/raw/$suite-$harness-r$round.log"
            if [[ $harness == criterion ]]; then
                # shellcheck disable=SC2086 # CRITERION_ARGS is a list of arguments
                timed "$suite-criterion" "$log" -- env CRITERION_HOME="$OUT/raw/criterion-r$round" \
                    "$exe" --bench --noplot $CRITERION_ARGS ${FILTER:+"$FILTER"}
            else
                timed "$suite-perfkit" "$log" -- env -u PERFKIT_RECORD PERFKIT="$PERFKIT_MODE" \
                    PERFKIT_DB="$DB" CARGO_MANIFEST_DIR="$WS/$suite-perfkit" \
                    "$exe" --bench ${FILTER:+"$FILTER"}
            fi
        done
    done
done

"$PERFKIT_BIN" perfkit export --format csv --db "$DB" >"$OUT/raw/perfkit.csv"

python3 - "$OUT" "$ROUNDS" <<'PY'
import csv, glob, json, math, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])

crit = {}  # id -> [median ns per round]
for r in range(1, rounds + 1):
    for bench in glob.glob(f"{out}/raw/criterion-r{r}/**/new/benchmark.json", recursive=True):
        full_id = json.load(open(bench))["full_id"]
        est = json.load(open(os.path.join(os.path.dirname(bench), "estimates.json")))
        crit.setdefault(full_id, []).append(est["median"]["point_estimate"])
perf = {}
for row in csv.DictReader(open(f"{out}/raw/perfkit.csv")):
    perf.setdefault(row["benchmark"], []).append(float(row["median_ns"]))

walls = {}
for line in open(f"{out}/walls.txt"):
    name, secs = line.split()
    walls.setdefault(name, []).append(float(secs))

def ns(v):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if v >= scale:
            return f"{v / scale:.4g} {unit}"
    return f"{v:.4g} ns"

ids = sorted(set(crit) | set(perf))
rows, ratios = [], []
with open(f"{out}/medians.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "criterion_median_ns", "perfkit_median_ns", "ratio"])
    for i in ids:
        c = statistics.median(crit[i]) if i in crit else None
        p = statistics.median(perf[i]) if i in perf else None
        ratio = p / c if c and p else None
        if ratio:
            ratios.append(ratio)
        w.writerow([i, c or "", p or "", f"{ratio:.4f}" if ratio else ""])
        rows.append((i, c, p, ratio))

lines = ["# perfkit::criterion vs criterion 0.8.2", ""]
lines.append(f"{rounds} round(s); medians over rounds; ratio = perfkit median / criterion median.")
lines.append("")
lines.append("| suite | harness | wall time per run (s) |")
lines.append("|---|---|---:|")
for name in sorted(walls):
    suite, harness = name.rsplit("-", 1)
    ws = walls[name]
    lines.append(f"| {suite} | {harness} | {statistics.median(ws):.1f}" + (f" (runs: {', '.join(f'{x:.1f}' for x in ws)})" if len(ws) > 1 else "") + " |")
lines.append("")
lines.append("| benchmark | criterion | perfkit | ratio |")
lines.append("|---|---:|---:|---:|")
for i, c, p, ratio in rows:
    lines.append(f"| {i} | {ns(c) if c else '-'} | {ns(p) if p else '-'} | {f'{ratio:.3f}' if ratio else '-'} |")
lines.append("")
if ratios:
    gm = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    within = sum(1 for r in ratios if abs(r - 1) <= 0.05)
    lines.append(f"{len(ratios)} benchmarks matched: geometric mean ratio {gm:.3f}, "
                 f"range {min(ratios):.3f}-{max(ratios):.3f}, {within} within ±5%.")
missing = [i for i, c, p, _ in rows if not (c and p)]
if missing:
    lines.append(f"unmatched (only one harness has them): {', '.join(missing)}")
text = "\n".join(lines) + "\n"
open(f"{out}/summary.md", "w").write(text)
print(text)
PY
echo "results in $OUT" >&2
