#!/usr/bin/env bash
# How often perfkit's merge gate is wrong, measured the way a user meets it: a fixture project
# of six ordinary workloads (scripts/error-rates/fixture) in a temporary git repository, with a
# base commit and a head commit that changes nothing (A/A: a docs-only commit) or plants +5% /
# +10% more work in two of the six routines. Every trial measures both commits from scratch, in
# separate processes, into a fresh store, and records which benchmarks the gate called
# regressions.
#
# Flows (each trial runs every flow asked for):
#   check      `cargo perfkit run` at base, `cargo perfkit run` at head, then
#              `cargo perfkit check --base BASE --format json` (the README's CI recipe)
#   ab         `cargo perfkit ab BASE --format json` at head
#   criterion  `cargo bench -- --save-baseline base` at base, `-- --baseline base` at head;
#              a "Performance has regressed." line is criterion's regression verdict
# Scenarios:
#   aa         docs-only head commit, quiet machine
#   aa-noisy   the same, with a busy loop pinned to the other core during half of the trials'
#              head runs (the odd-numbered trials; ab: switching on and off every --burst seconds during the whole `ab`,
#              so that it hits base and head rounds unevenly)
#   plus5      +5% work in two routines; plus10: +10%. By default the pair rotates over the
#              trials (cpu_loop+hash_set, sort+btree_lookup, string_alloc+tiny_sum), so every
#              workload is planted in a third of them; --planted fixes it.
#
# Output in --out: summary.md (also printed), trials.jsonl (one JSON line per trial and flow),
# raw/ (every report and log). Builds are warmed up before the trials and timed apart.

set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ARGV=("$@")

usage() {
    cat <<'EOF'
usage: scripts/error-rates.sh [options]

  --trials N|MAP        trials per scenario: N for each, or a MAP that gives each scenario its
                         own count and, without --scenarios, picks them
                         (default aa=10,aa-noisy=24,plus5=20,plus10=20)
  --criterion-trials N|MAP
                         at most this many of a scenario's trials also run the criterion flow,
                         which is slow; a MAP leaves unlisted scenarios out
                         (default aa-noisy=3,plus10=3)
  --scenarios LIST       of aa,aa-noisy,plus5,plus10 (default all four)
  --flows LIST           of check,ab,criterion (default all three)
  --out DIR              results (default <repo>/target/error-rates/<date-time>)
  --planted A,B          plant in these routines in every trial (default: rotate three pairs)
  --repo DIR             the perfkit repository under test (default: this script's)
  --perfkit BIN          a cargo-perfkit binary (default: build <repo>'s, release)
  --target-dir DIR       the fixture's CARGO_TARGET_DIR (default <repo>/target/error-rates-fixture)
  --neighbour-cpu N      the CPU the busy loop is pinned to (default: the last one)
  --burst SECONDS        on/off period of the busy loop during `ab` (default 4)
  --run-args "ARGS"      more arguments for `cargo perfkit run` (e.g. "--rounds 3")
  --check-args "ARGS"    more arguments for `cargo perfkit check`
  --ab-args "ARGS"       more arguments for `cargo perfkit ab` (e.g. "--rounds 10")
  --criterion-args "ARGS" more arguments for the criterion benchmark binary
  --keep                 keep the temporary fixture repository and stores
EOF
}

die() {
    echo "error-rates: $*" >&2
    exit 2
}

# The default run: the issue's counts (>= 120 A/A comparisons with a noisy neighbour, 20
# trials of each planted size) for check and ab, a few criterion trials beside them; about 35
# minutes on a quiet 2-core machine.
TRIALS=aa=10,aa-noisy=24,plus5=20,plus10=20
CRITERION_TRIALS=aa-noisy=3,plus10=3
SCENARIOS=""
FLOWS=check,ab,criterion
OUT=""
PLANTED=""
REPO=$(cd "$HERE/.." && pwd)
PERFKIT_BIN=""
TARGET=""
NEIGHBOUR_CPU=$(($(nproc) - 1))
BURST=4
RUN_ARGS=""
CHECK_ARGS=""
AB_ARGS=""
CRITERION_ARGS=""
KEEP=0

while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --keep) KEEP=1; shift; continue ;;
    esac
    (($# >= 2)) || die "$1 needs a value (see --help)"
    case $1 in
    --trials) TRIALS=$2 ;;
    --criterion-trials) CRITERION_TRIALS=$2 ;;
    --scenarios) SCENARIOS=$2 ;;
    --flows) FLOWS=$2 ;;
    --out) OUT=$2 ;;
    --planted) PLANTED=$2 ;;
    --repo) REPO=$(cd "$2" && pwd) ;;
    --perfkit) PERFKIT_BIN=$(realpath "$2") ;;
    --target-dir) TARGET=$(realpath -m "$2") ;;
    --neighbour-cpu) NEIGHBOUR_CPU=$2 ;;
    --burst) BURST=$2 ;;
    --run-args) RUN_ARGS=$2 ;;
    --check-args) CHECK_ARGS=$2 ;;
    --ab-args) AB_ARGS=$2 ;;
    --criterion-args) CRITERION_ARGS=$2 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
    shift 2
done

# `counts OPTION VALUE ARRAY`: a plain N into ARRAY[all], SCENARIO=N,... into ARRAY[SCENARIO].
declare -A TRIALS_FOR=() CRITERION_FOR=()
counts() {
    local option=$1 value=$2 item
    local -n into=$3
    if [[ $value =~ ^[0-9]+$ ]]; then
        into[all]=$value
        return
    fi
    IFS=, read -ra items <<<"$value"
    for item in "${items[@]}"; do
        [[ $item =~ ^(aa|aa-noisy|plus5|plus10)=([0-9]+)$ ]] ||
            die "$option: '$item' is not N or SCENARIO=N (scenarios: aa, aa-noisy, plus5, plus10)"
        into[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    done
}
counts --trials "$TRIALS" TRIALS_FOR
counts --criterion-trials "$CRITERION_TRIALS" CRITERION_FOR
if [[ -z $SCENARIOS ]]; then
    if [[ $TRIALS == *=* ]]; then
        SCENARIOS=$(tr , '\n' <<<"$TRIALS" | cut -d= -f1 | paste -sd,)
    else
        SCENARIOS=aa,aa-noisy,plus5,plus10
    fi
fi
[[ $BURST =~ ^[1-9][0-9]*$ ]] || die "--burst must be a whole number of seconds"
IFS=, read -ra SCENARIO_LIST <<<"$SCENARIOS"
IFS=, read -ra FLOW_LIST <<<"$FLOWS"
for s in "${SCENARIO_LIST[@]}"; do
    [[ $s =~ ^(aa|aa-noisy|plus5|plus10)$ ]] || die "unknown scenario '$s' (aa, aa-noisy, plus5, plus10)"
    n=${TRIALS_FOR[$s]:-${TRIALS_FOR[all]:-}}
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "--trials gives scenario $s no positive trial count"
done
for f in "${FLOW_LIST[@]}"; do
    [[ $f =~ ^(check|ab|criterion)$ ]] || die "unknown flow '$f' (check, ab, criterion)"
done
read -ra RUN_ARGV <<<"$RUN_ARGS"
read -ra CHECK_ARGV <<<"$CHECK_ARGS"
read -ra AB_ARGV <<<"$AB_ARGS"
read -ra CRITERION_ARGV <<<"$CRITERION_ARGS"

WORKLOADS=(cpu_loop hash_set sort btree_lookup string_alloc tiny_sum)
if [[ -n $PLANTED ]]; then
    PAIRS=("$PLANTED")
else
    PAIRS=("cpu_loop,hash_set" "sort,btree_lookup" "string_alloc,tiny_sum")
fi
for pair in "${PAIRS[@]}"; do
    IFS=, read -ra names <<<"$pair"
    for n in "${names[@]}"; do
        [[ " ${WORKLOADS[*]} " == *" $n "* ]] || die "--planted: no workload '$n' (${WORKLOADS[*]})"
    done
done

[[ -f $REPO/perfkit/Cargo.toml ]] || die "$REPO is not a perfkit repository (no perfkit/Cargo.toml)"
if sha=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null); then
    REPO_DESC="$sha ($(git -C "$REPO" log -1 --format=%s))"
    git -C "$REPO" diff --quiet HEAD -- . ':!target' || REPO_DESC+=" with uncommitted changes"
else
    REPO_DESC="$REPO (not a git repository)"
fi
command -v python3 >/dev/null || die "python3 is needed for the bookkeeping"
ANALYSE=(python3 "$HERE/error-rates/analyse.py")

OUT=${OUT:-$REPO/target/error-rates/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
[[ ! -e $OUT/trials.jsonl ]] || die "$OUT already holds results (trials.jsonl); choose another --out"
TARGET=${TARGET:-$REPO/target/error-rates-fixture}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/perfkit-error-rates.XXXXXX")
FIX=$WORK/fixture

NEIGHBOUR_PID=""
stop_neighbour() {
    if [[ -n $NEIGHBOUR_PID ]]; then
        kill "$NEIGHBOUR_PID" 2>/dev/null || true
        wait "$NEIGHBOUR_PID" 2>/dev/null || true
        NEIGHBOUR_PID=""
    fi
}
cleanup() {
    stop_neighbour
    if ((KEEP)); then
        echo "error-rates: kept the fixture and stores in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A busy loop on one CPU: `steady` for as long as it runs, `burst` on and off every $BURST s.
start_neighbour() {
    local loop='while :; do :; done'
    if [[ $1 == burst ]]; then
        loop="while :; do end=\$((SECONDS + $BURST)); while ((SECONDS < end)); do :; done; sleep $BURST; done"
    fi
    if command -v taskset >/dev/null; then
        taskset -c "$NEIGHBOUR_CPU" bash -c "$loop" &
    else
        bash -c "$loop" &
    fi
    NEIGHBOUR_PID=$!
}

log() { echo "error-rates: $*" >&2; }

# `timed VAR CMD...`: runs CMD, sets VAR to its wall time in seconds and RC to its exit code.
RC=0
timed() {
    local var=$1 start=$EPOCHREALTIME
    shift
    set +e
    "$@"
    RC=$?
    set -e
    printf -v "$var" '%s' "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')"
}
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

g() {
    git -C "$FIX" -c user.name=error-rates -c user.email=error-rates@example.com \
        -c commit.gpgsign=false "$@"
}

# --- the cargo-perfkit under test ----------------------------------------------------------
if [[ -z $PERFKIT_BIN ]]; then
    log "building cargo-perfkit (release) from $REPO"
    (cd "$REPO" && env -u CARGO_TARGET_DIR cargo build --release --quiet -p cargo-perfkit) ||
        die "cargo-perfkit did not build in $REPO"
    repo_target=$(cd "$REPO" && env -u CARGO_TARGET_DIR cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    PERFKIT_BIN=$repo_target/release/cargo-perfkit
fi
[[ -x $PERFKIT_BIN ]] || die "no cargo-perfkit binary at $PERFKIT_BIN"
perfkit() { "$PERFKIT_BIN" perfkit "$@"; }
HAVE_AB=1
if [[ " ${FLOW_LIST[*]} " == *" ab "* ]] && ! perfkit ab --help >/dev/null 2>&1; then
    HAVE_AB=0
    log "SKIPPING the ab flow: $PERFKIT_BIN has no \`ab\` command (perfkit: $REPO_DESC)"
fi

# --- the fixture repository ----------------------------------------------------------------
export CARGO_TARGET_DIR=$TARGET
mkdir -p "$FIX"
cp -r "$HERE/error-rates/fixture/." "$FIX/"
mv "$FIX/gitignore" "$FIX/.gitignore"
sed "s|@PERFKIT_DIR@|$REPO|" "$FIX/Cargo.toml.in" >"$FIX/Cargo.toml"
rm "$FIX/Cargo.toml.in"
# The repository's lock file pins the versions it was tested with and spares a registry lookup;
# untracked (.gitignore), since cargo trims it on the first build.
cp "$REPO/Cargo.lock" "$FIX/Cargo.lock"
g init -q -b main
g add -A
g commit -q -m "six workloads"
BASE=$(g rev-parse HEAD)

# Branch `aa`: a docs-only commit. Branches `plusP-K`: P% more work in the K-th pair.
g checkout -q -b aa main
printf '\nThe workloads are ordinary on purpose.\n' >>"$FIX/README.md"
g commit -q -am "docs: say why the workloads are ordinary"
plant() { # plant BRANCH PERCENT NAMES
    local branch=$1 percent=$2 const
    g checkout -q -b "$branch" main
    IFS=, read -ra names <<<"$3"
    for n in "${names[@]}"; do
        const=${n^^}
        sed -i "s/^pub const $const: usize = 100;/pub const $const: usize = $((100 + percent));/" \
            "$FIX/src/knobs.rs"
        grep -q "^pub const $const: usize = $((100 + percent));" "$FIX/src/knobs.rs" ||
            die "could not plant +$percent% in $n (src/knobs.rs)"
    done
    g commit -q -am "plant +$percent% in $3"
}
for s in "${SCENARIO_LIST[@]}"; do
    [[ $s == plus* ]] || continue
    for k in "${!PAIRS[@]}"; do
        plant "$s-$k" "${s#plus}" "${PAIRS[$k]}"
    done
done
g checkout -q main
# Every cargo and cargo-perfkit command from here on works on the fixture.
cd "$FIX"

build_tests() { cargo test --release --no-run --quiet >>"$1" 2>&1; }
build_benches() { cargo bench --no-run --quiet >>"$1" 2>&1; }

log "warming up the builds (fixture target dir $TARGET)"
mkdir -p "$OUT/raw"
timed SETUP_BUILD build_tests "$OUT/raw/setup-build.log"
((RC == 0)) || die "the fixture did not build; see $OUT/raw/setup-build.log"
if [[ " ${FLOW_LIST[*]} " == *" criterion "* ]]; then
    timed bench_build build_benches "$OUT/raw/setup-build.log"
    ((RC == 0)) || die "the criterion benchmark did not build; see $OUT/raw/setup-build.log"
    SETUP_BUILD=$(add "$SETUP_BUILD" "$bench_build")
fi
log "builds warm after ${SETUP_BUILD}s"

# --- one trial of one flow -----------------------------------------------------------------
# Every flow reads: $scenario $trial $head_branch $planted $noisy $dir (the trial's raw dir).

record() { # record FLOW EXIT REPORT ERROR SECONDS
    "${ANALYSE[@]}" trial --scenario "$scenario" --flow "$1" --trial "$trial" \
        --neighbour "$neighbour" --planted "$planted" --base "$BASE" \
        --head "$(g rev-parse "$head_branch")" --exit "$2" --report "$3" --error "$4" \
        --seconds "$5" --load "$load" >>"$OUT/trials.jsonl"
    tail -n 1 "$OUT/trials.jsonl" | "${ANALYSE[@]}" brief >&2
}

flow_check() {
    local db=$WORK/stores/$scenario-$trial-check.db
    local b1 r1 b2 r2 c err="" neighbour=""
    g checkout -q main
    timed b1 build_tests "$dir/check-build.log"
    timed r1 env PERFKIT_DB="$db" "$PERFKIT_BIN" perfkit run "${RUN_ARGV[@]}" --format json \
        >"$dir/check-run-base.json" 2>"$dir/check-run-base.err"
    if ((RC != 0)); then
        err="cargo perfkit run at base exited $RC ($dir/check-run-base.err)"
    fi
    g checkout -q "$head_branch"
    timed b2 build_tests "$dir/check-build.log"
    if [[ -z $err ]]; then
        ((noisy)) && { neighbour=head-run; start_neighbour steady; }
        timed r2 env PERFKIT_DB="$db" "$PERFKIT_BIN" perfkit run "${RUN_ARGV[@]}" --format json \
            >"$dir/check-run-head.json" 2>"$dir/check-run-head.err"
        stop_neighbour
        ((RC == 0)) || err="cargo perfkit run at head exited $RC ($dir/check-run-head.err)"
    fi
    local code=2
    c=0
    if [[ -z $err ]]; then
        timed c env PERFKIT_DB="$db" "$PERFKIT_BIN" perfkit check --base "$BASE" --format json \
            "${CHECK_ARGV[@]}" >"$dir/check.json" 2>"$dir/check.err"
        code=$RC
    fi
    local measure build
    measure=$(add "$(add "${r1:-0}" "${r2:-0}")" "$c")
    build=$(add "$b1" "$b2")
    record check "$code" "$dir/check.json" "$err" \
        "measure=$measure,build=$build,total=$(add "$measure" "$build"),run_base=${r1:-0},run_head=${r2:-0},check=$c"
}

flow_ab() {
    local neighbour=""
    if ((!HAVE_AB)); then
        return
    fi
    local db=$WORK/stores/$scenario-$trial-ab.db b t
    g checkout -q "$head_branch"
    timed b build_tests "$dir/ab-build.log"
    ((noisy)) && { neighbour="burst-${BURST}s"; start_neighbour burst; }
    timed t env PERFKIT_DB="$db" "$PERFKIT_BIN" perfkit ab "$BASE" --format json "${AB_ARGV[@]}" \
        >"$dir/ab.json" 2>"$dir/ab.err"
    local code=$RC
    stop_neighbour
    # `ab` builds both sides itself, then says how long its rounds took ("10 rounds in 13.2 s"):
    # that is the measuring; the rest of its time counts as building.
    local rounds_s
    rounds_s=$(sed -n 's/^[0-9][0-9]* rounds in \([0-9.]*\) s$/\1/p' "$dir/ab.err" | tail -n 1)
    rounds_s=${rounds_s:-$t}
    record ab "$code" "$dir/ab.json" "" \
        "measure=$rounds_s,build=$(add "$b" "$(add "$t" "-$rounds_s")"),total=$(add "$t" "$b"),ab=$t"
}

flow_criterion() {
    local neighbour="" home=$WORK/criterion/$scenario-$trial b1 r1 b2 r2 err=""
    rm -rf "$home"
    g checkout -q main
    timed b1 build_benches "$dir/criterion-build.log"
    timed r1 env CRITERION_HOME="$home" cargo bench --quiet --bench workloads -- --save-baseline base --noplot "${CRITERION_ARGV[@]}" \
        >"$dir/criterion-base.out" 2>"$dir/criterion-base.err"
    ((RC == 0)) || err="criterion at base exited $RC ($dir/criterion-base.err)"
    g checkout -q "$head_branch"
    timed b2 build_benches "$dir/criterion-build.log"
    r2=0
    if [[ -z $err ]]; then
        ((noisy)) && { neighbour=head-run; start_neighbour steady; }
        timed r2 env CRITERION_HOME="$home" cargo bench --quiet --bench workloads -- --baseline base --noplot "${CRITERION_ARGV[@]}" \
            >"$dir/criterion-head.out" 2>"$dir/criterion-head.err"
        stop_neighbour
        ((RC == 0)) || err="criterion at head exited $RC ($dir/criterion-head.err)"
    fi
    local measure build
    measure=$(add "$r1" "$r2")
    build=$(add "$b1" "$b2")
    record criterion 0 "$dir/criterion-head.out" "$err" \
        "measure=$measure,build=$build,total=$(add "$measure" "$build")"
}

# --- the trials ----------------------------------------------------------------------------
mkdir -p "$WORK/stores" "$WORK/criterion"
: >"$OUT/trials.jsonl"
START=$EPOCHREALTIME
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for scenario in "${SCENARIO_LIST[@]}"; do
    trials=${TRIALS_FOR[$scenario]:-${TRIALS_FOR[all]}}
    criterion_trials=${CRITERION_FOR[$scenario]:-${CRITERION_FOR[all]:-0}}
    for ((trial = 1; trial <= trials; trial++)); do
        case $scenario in
        aa | aa-noisy) head_branch=aa; planted="" ;;
        *)
            k=$(((trial - 1) % ${#PAIRS[@]}))
            head_branch=$scenario-$k
            planted=${PAIRS[$k]}
            ;;
        esac
        noisy=0
        [[ $scenario == aa-noisy ]] && ((trial % 2 == 1)) && noisy=1
        dir=$OUT/raw/$scenario/trial-$trial
        mkdir -p "$dir"
        log "$scenario trial $trial/$trials${planted:+ (planted: $planted)}$( ((noisy)) && echo ' with a busy neighbour')"
        for flow in "${FLOW_LIST[@]}"; do
            [[ $flow == criterion ]] && ((trial > criterion_trials)) && continue
            load=$(cut -d' ' -f1-3 /proc/loadavg)
            "flow_$flow"
        done
    done
done
g checkout -q main
ELAPSED=$(awk -v a="$START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')

# --- the summary ---------------------------------------------------------------------------
{
    printf '# perfkit error rates\n\n```sh\nscripts/error-rates.sh'
    for arg in "${ARGV[@]}"; do
        # Plain words as they are, anything else in single quotes (no option here needs more).
        if [[ $arg =~ ^[A-Za-z0-9_./=,:@%+-]+$ ]]; then printf ' %s' "$arg"; else printf " '%s'" "$arg"; fi
    done
    printf '\n```\n\n'
    echo "- perfkit: $REPO_DESC"
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr); $(rustc -V)"
    echo "- load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- $(date -u +%Y-%m-%dT%H:%MZ); trials took ${ELAPSED} s after ${SETUP_BUILD} s of warm-up builds"
    env | grep '^PERFKIT_' | sed 's/^/- environment: /' || true
    ((HAVE_AB)) || echo "- the ab flow was skipped: this cargo-perfkit has no \`ab\` command"
    cat <<EOF

A trial measures a base commit and a head commit of the fixture (scripts/error-rates/fixture: six
workloads) from scratch, each command a process of its own, into a fresh store. \`check\`:
\`cargo perfkit run\` at base, then at head, then \`cargo perfkit check --base BASE\`. \`ab\`:
\`cargo perfkit ab BASE\` at head. \`criterion\`: \`cargo bench -- --save-baseline base\` at base,
\`--baseline base\` at head, its "Performance has regressed." as the verdict (its defaults: p < 0.05
and a change beyond 1%). Scenarios: \`aa\` a docs-only head commit; \`aa-noisy\` the same with a
busy loop pinned to CPU $NEIGHBOUR_CPU in the odd-numbered trials, for the whole head run
(\`check\`, criterion) or switching on and off every $BURST s during \`ab\`; \`plus5\` / \`plus10\`
5% / 10% more work in two of the six routines (in turn: ${PAIRS[*]}).
EOF
    echo
    "${ANALYSE[@]}" summary "$OUT/trials.jsonl"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
log "results in $OUT"
