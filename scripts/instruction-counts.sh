#!/usr/bin/env bash
# Issue 12's targets for instruction counts (`--metric instructions`, callgrind), measured the
# way a user meets them:
#
#   aa       A/A on the examples (perfkit-examples): PROCESSES separate
#            `cargo perfkit run --metric instructions -p perfkit-examples` at commits that change
#            nothing (each an empty commit on top of the last, so each run has the one before
#            as its baseline), then `cargo perfkit check --metric instructions` after each. Per
#            benchmark and size: the spread of the runs' counts (max deviation of a run's median
#            from the median of the runs, %; target within 0.1%) and of every process, and the
#            verdicts of check (expect none).
#   planted  +1% work in one routine of the error-rate fixture (scripts/error-rates/fixture, its
#            knob 100 -> 101), each listed workload in turn: `run --metric instructions` at base
#            (once: counts do not depend on the machine's state) and at head into a copy of the
#            base's store, then `check --metric instructions --base BASE`, at the counts' default
#            threshold (1%) and at 0.5%. Caught = the planted benchmark, and nothing else, named.
#   cost     each test of the examples alone (`--exact`, PERFKIT_RECORD=0): wall time of its
#            default timing run against its run under callgrind (PERFKIT=instructions: 3
#            processes under Valgrind per size).
#
#   scripts/instruction-counts.sh [options]
#
#   --parts LIST        of aa,planted,cost (default all three)
#   --processes N       A/A runs (default 10)
#   --planted LIST      workloads to plant +1% in, one trial each (default all six:
#                       cpu_loop,hash_set,sort,btree_lookup,string_alloc,tiny_sum)
#   --filter PATTERN    only the examples' tests whose name contains PATTERN (aa and cost)
#   --out DIR           results (default <repo>/target/instruction-counts/<date-time>)
#   --perfkit BIN       a cargo-perfkit binary (default: build this repository's, release)
#   --target-dir DIR    CARGO_TARGET_DIR of the clone and the fixture
#                       (default <repo>/target/instruction-counts-build)
#
# The A/A and cost parts measure a clone of this repository's HEAD (committed code only).
# Needs valgrind, git, python3. Counts are not moved by the machine's load; the cost part's
# wall times are: measure those on a quiet machine.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
ARGV=("$@")
PARTS=aa,planted,cost
PROCESSES=10
PLANTED=cpu_loop,hash_set,sort,btree_lookup,string_alloc,tiny_sum
FILTER=""
OUT=""
PERFKIT_BIN=""
TARGET=""

die() {
    echo "instruction-counts: $*" >&2
    exit 2
}
log() { echo "instruction-counts: $*" >&2; }

while (($#)); do
    (($# >= 2)) || die "$1 needs a value (see the comment at the top of $0)"
    case $1 in
    --parts) PARTS=$2 ;;
    --processes) PROCESSES=$2 ;;
    --planted) PLANTED=$2 ;;
    --filter) FILTER=$2 ;;
    --out) OUT=$2 ;;
    --perfkit) PERFKIT_BIN=$(realpath "$2") ;;
    --target-dir) TARGET=$(realpath -m "$2") ;;
    *) die "unknown option $1 (see the comment at the top of $0)" ;;
    esac
    shift 2
done
[[ $PROCESSES =~ ^[1-9][0-9]*$ ]] || die "--processes must be a positive whole number"
IFS=, read -ra PART_LIST <<<"$PARTS"
for p in "${PART_LIST[@]}"; do
    [[ $p =~ ^(aa|planted|cost)$ ]] || die "unknown part '$p' (aa, planted, cost)"
done
want() { [[ ",$PARTS," == *",$1,"* ]]; }
IFS=, read -ra PLANTED_LIST <<<"$PLANTED"
for w in "${PLANTED_LIST[@]}"; do
    [[ $w =~ ^(cpu_loop|hash_set|sort|btree_lookup|string_alloc|tiny_sum)$ ]] ||
        die "--planted: no workload '$w'"
done
command -v valgrind >/dev/null || die "valgrind is needed (apt-get install -y valgrind)"
command -v python3 >/dev/null || die "python3 is needed for the tables"

OUT=${OUT:-$REPO/target/instruction-counts/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/raw"
OUT=$(cd "$OUT" && pwd)
TARGET=${TARGET:-$REPO/target/instruction-counts-build}
export CARGO_TARGET_DIR=$TARGET
WORK=$(mktemp -d "${TMPDIR:-/tmp}/perfkit-instruction-counts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPO_DESC="$(git -C "$REPO" rev-parse --short HEAD) ($(git -C "$REPO" log -1 --format=%s))"

if [[ -z $PERFKIT_BIN ]]; then
    log "building cargo-perfkit (release) from $REPO"
    (cd "$REPO" && env -u CARGO_TARGET_DIR cargo build --release --quiet -p cargo-perfkit) ||
        die "cargo-perfkit did not build"
    PERFKIT_BIN=$(cd "$REPO" && env -u CARGO_TARGET_DIR cargo metadata --format-version 1 \
        --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/cargo-perfkit
fi
[[ -x $PERFKIT_BIN ]] || die "no cargo-perfkit binary at $PERFKIT_BIN"
perfkit() { "$PERFKIT_BIN" perfkit "$@"; }
g() { git -c user.name=counts -c user.email=counts@example.com -c commit.gpgsign=false "$@"; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

SUMMARY=$OUT/summary.md
{
    echo "# instruction counts: issue 12's targets"
    echo
    echo "command: scripts/instruction-counts.sh ${ARGV[*]}"
    echo "perfkit: $REPO_DESC; $(valgrind --version); $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$SUMMARY"

# --- a clone of the repository, for the examples ----------------------------------------------
CLONE=$WORK/repo
if want aa || want cost; then
    g clone -q --shared "$REPO" "$CLONE"
fi

# --- (a) A/A across separate processes -----------------------------------------------------
if want aa; then
    log "A/A: $PROCESSES runs of the examples under callgrind (the first one builds them)"
    db=$OUT/aa.db
    for i in $(seq 1 "$PROCESSES"); do
        ((i == 1)) || g -C "$CLONE" commit -q --allow-empty -m "A/A run $i: nothing changed"
        start=$EPOCHREALTIME
        (cd "$CLONE" && PERFKIT_DB=$db perfkit run --metric instructions -p perfkit-examples \
            ${FILTER:+"$FILTER"} >"$OUT/raw/aa-run-$i.out" 2>"$OUT/raw/aa-run-$i.err") ||
            log "run $i exited non-zero: see $OUT/raw/aa-run-$i.err"
        if ((i > 1)); then
            (cd "$CLONE" && PERFKIT_DB=$db perfkit check --metric instructions --format json \
                >"$OUT/raw/aa-check-$i.json" 2>"$OUT/raw/aa-check-$i.err") || true
        fi
        log "A/A run $i/$PROCESSES done in $(seconds_since "$start") s"
    done
    (cd "$CLONE" && PERFKIT_DB=$db perfkit export --metric instructions --format json \
        >"$OUT/raw/aa-export.json")
    python3 - "$OUT/raw" "$PROCESSES" >>"$SUMMARY" <<'EOF'
import glob, json, statistics, sys
raw, runs = sys.argv[1], int(sys.argv[2])
export = json.load(open(f"{raw}/aa-export.json"))
series = {}
for r in export["results"]:
    s = r["summary"]
    series.setdefault((r["benchmark"], r["size"]), []).append((s["median"], s["min"], s["max"]))
print(f"\n## A/A: {runs} separate runs of the examples, counted\n")
print("Per benchmark and size: instructions per iteration (the median of the runs' medians); the")
print("largest deviation of a run's median from it; of any single process (3 per run); then")
print("the verdicts of `check --metric instructions` of each run against the run before.\n")
print("| benchmark | n | runs | instructions | max run deviation | max process deviation |")
print("|---|---:|---:|---:|---:|---:|")
worst = 0.0
for (name, size), values in sorted(series.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
    med = statistics.median(v[0] for v in values)
    run_dev = max(abs(v[0] / med - 1) for v in values) * 100
    proc_dev = max(max(abs(v[1] / med - 1), abs(v[2] / med - 1)) for v in values) * 100
    worst = max(worst, run_dev)
    print(f"| {name} | {size if size is not None else ''} | {len(values)} | {med:,.0f} | {run_dev:.4f}% | {proc_dev:.4f}% |")
print(f"\nlargest run-to-run deviation: {worst:.4f}% (target: within 0.1%)\n")
named, judged, checks = [], 0, 0
for path in sorted(glob.glob(f"{raw}/aa-check-*.json")):
    try:
        doc = json.load(open(path))
    except ValueError:
        named.append(f"{path}: no JSON (see the .err beside it)")
        continue
    checks += 1
    for b in doc["benchmarks"]:
        judged += 1
        if b["verdict"] in ("regression", "improvement"):
            named.append(f"{b['name']} (n = {b['size']}): {b['verdict']} {100 * (b['change'] or 0):+.3f}%")
print(f"check between consecutive runs: {checks} checks, {judged} verdicts, {len(named)} regressions or improvements")
for n in named:
    print(f"- {n}")
EOF
fi

# --- (b) +1% planted in one routine ----------------------------------------------------------
if want planted; then
    FIX=$WORK/fixture
    mkdir -p "$FIX"
    cp -r "$HERE/error-rates/fixture/." "$FIX/"
    mv "$FIX/gitignore" "$FIX/.gitignore"
    sed "s|@PERFKIT_DIR@|$REPO|" "$FIX/Cargo.toml.in" >"$FIX/Cargo.toml"
    rm "$FIX/Cargo.toml.in"
    cp "$REPO/Cargo.lock" "$FIX/Cargo.lock"
    g -C "$FIX" init -q -b main
    g -C "$FIX" add -A
    g -C "$FIX" commit -q -m "six workloads"
    BASE=$(g -C "$FIX" rev-parse HEAD)
    for w in "${PLANTED_LIST[@]}"; do
        g -C "$FIX" checkout -q -b "plus1-$w" main
        sed -i "s/^pub const ${w^^}: usize = 100;/pub const ${w^^}: usize = 101;/" "$FIX/src/knobs.rs"
        grep -q "^pub const ${w^^}: usize = 101;" "$FIX/src/knobs.rs" || die "could not plant in $w"
        g -C "$FIX" commit -q -am "plant +1% work in $w"
    done
    g -C "$FIX" checkout -q main
    log "planted: counting the base (the first run builds the fixture)"
    (cd "$FIX" && PERFKIT_DB=$OUT/planted-base.db perfkit run --metric instructions \
        >"$OUT/raw/planted-base.out" 2>"$OUT/raw/planted-base.err") ||
        die "the base run failed: see $OUT/raw/planted-base.err"
    for w in "${PLANTED_LIST[@]}"; do
        db=$OUT/planted-$w.db
        cp "$OUT/planted-base.db" "$db"
        g -C "$FIX" checkout -q "plus1-$w"
        (cd "$FIX" && PERFKIT_DB=$db perfkit run --metric instructions \
            >"$OUT/raw/planted-$w.out" 2>"$OUT/raw/planted-$w.err") ||
            log "the run with +1% in $w exited non-zero: see $OUT/raw/planted-$w.err"
        for threshold in default 0.5%; do
            extra=()
            [[ $threshold == default ]] || extra=(--threshold "$threshold")
            (cd "$FIX" && PERFKIT_DB=$db perfkit check --metric instructions --base "$BASE" \
                --format json "${extra[@]}" >"$OUT/raw/planted-$w-${threshold%\%}.json" \
                2>"$OUT/raw/planted-$w-${threshold%\%}.err") || true
        done
        log "planted +1% in $w: judged"
    done
    g -C "$FIX" checkout -q main
    python3 - "$OUT/raw" "$PLANTED" >>"$SUMMARY" <<'EOF'
import json, sys
raw, planted = sys.argv[1], sys.argv[2].split(",")
print("\n## +1% work planted in one routine of the error-rate fixture\n")
print("`check --metric instructions --base BASE` after one counted run per side; the change")
print("the counts measured in the planted benchmark, and what check named.\n")
print("| planted in | its change | named at 1% (default) | named at 0.5% |")
print("|---|---:|---|---|")
caught = {"default": 0, "0.5": 0}
for w in planted:
    cells, change = [], None
    for t in ("default", "0.5"):
        try:
            doc = json.load(open(f"{raw}/planted-{w}-{t}.json"))
        except (OSError, ValueError):
            cells.append("no report")
            continue
        named = [b["name"] for b in doc["benchmarks"] if b["verdict"] == "regression"]
        for b in doc["benchmarks"]:
            if b["name"] == f"perf::{w}" and b["change"] is not None:
                change = b["change"]
        if named == [f"perf::{w}"]:
            caught[t] += 1
        cells.append(", ".join(named) or "nothing")
    shown = f"{100 * change:+.3f}%" if change is not None else "?"
    print(f"| {w} | {shown} | {cells[0]} | {cells[1]} |")
n = len(planted)
print(f"\ncaught with nothing else named: {caught['default']} of {n} at the default 1%, {caught['0.5']} of {n} at 0.5%")
EOF
fi

# --- (c) cost: wall time per test, timing against callgrind --------------------------------
if want cost; then
    log "cost: building the examples' tests (release)"
    bin=$(cd "$CLONE" && cargo test --release -p perfkit-examples --no-run \
        --message-format=json 2>"$OUT/raw/cost-build.err" | python3 -c '
import json, sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "playbook":
        print(m["executable"])')
    [[ -n $bin ]] || die "no test binary of perfkit-examples; see $OUT/raw/cost-build.err"
    tests=$(cd "$CLONE/examples" && "$bin" --list 2>/dev/null | sed -n 's/: test$//p' |
        { if [[ -n $FILTER ]]; then grep -F -- "$FILTER" || true; else cat; fi })
    : >"$OUT/raw/cost.tsv"
    for t in $tests; do
        for mode in full instructions; do
            start=$EPOCHREALTIME
            (cd "$CLONE/examples" && CARGO_MANIFEST_DIR=$CLONE/examples PERFKIT=$mode \
                PERFKIT_RECORD=0 "$bin" --exact "$t" --test-threads 1 \
                >"$OUT/raw/cost-$mode-${t//::/-}.log" 2>&1) ||
                log "$t ($mode) failed: see $OUT/raw/cost-$mode-${t//::/-}.log"
            printf '%s\t%s\t%s\n' "$t" "$mode" "$(seconds_since "$start")" >>"$OUT/raw/cost.tsv"
        done
        log "cost: $t measured"
    done
    python3 - "$OUT/raw/cost.tsv" >>"$SUMMARY" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    test, mode, s = line.rstrip("\n").split("\t")
    rows.setdefault(test, {})[mode] = float(s)
print("\n## cost: wall time per test, default timing run against callgrind\n")
print("Each test alone in its own process (`--exact`, PERFKIT_RECORD=0); callgrind: 3 processes")
print("under Valgrind per size (a sized test counts every size; a comparison every variant).\n")
print("| test | timing run | under callgrind | ratio |")
print("|---|---:|---:|---:|")
for test, m in rows.items():
    print(f"| {test} | {m['full']:.2f} s | {m['instructions']:.2f} s | {m['instructions'] / m['full']:.1f}x |")
t = sum(m["full"] for m in rows.values()); c = sum(m["instructions"] for m in rows.values())
if rows:
    print(f"| all {len(rows)} | {t:.2f} s | {c:.2f} s | {c / t:.1f}x |")
EOF
fi

printf '\nload after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$SUMMARY"
cat "$SUMMARY"
