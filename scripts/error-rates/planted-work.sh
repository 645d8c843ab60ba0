#!/usr/bin/env bash
# How much work a planted slowdown adds, counted in instructions (callgrind: the same totals on
# every run, whatever the machine's load): each fixture workload at knobs 100, 105 and 110.
# usage: scripts/error-rates/planted-work.sh [TARGET_DIR]   (needs valgrind)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
command -v valgrind >/dev/null || { echo "planted-work: valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/perfkit-planted-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export CARGO_TARGET_DIR=${1:-$REPO/target/error-rates-fixture}
cp -r "$HERE/fixture/." "$WORK/"
sed "s|@PERFKIT_DIR@|$REPO|" "$WORK/Cargo.toml.in" >"$WORK/Cargo.toml"
rm "$WORK/Cargo.toml.in"
cp "$REPO/Cargo.lock" "$WORK/"
mkdir -p "$WORK/examples"
cp "$HERE/count.rs" "$WORK/examples/count.rs"
cd "$WORK"
for knob in 100 105 110; do
    sed -i "s/^pub const \([A-Z_]*\): usize = [0-9]*;/pub const \1: usize = $knob;/" src/knobs.rs
    cargo build --release --quiet --example count
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.$knob" \
        "$CARGO_TARGET_DIR/release/examples/count" 2>/dev/null
    callgrind_annotate --threshold=100 --inclusive=yes "$WORK/cg.$knob" 2>/dev/null |
        sed -n "s/^ *\([0-9,]*\) .*count::\([a-z_]*\) .*/$knob \2 \1/p"
done | python3 -c '
import sys
counts = {}
for line in sys.stdin:
    knob, name, ir = line.split()
    counts.setdefault(name, {})[int(knob)] = int(ir.replace(",", ""))
print("| workload | instructions at 100 | knob 105 | knob 110 |")
print("|---|---:|---:|---:|")
for name, c in counts.items():
    if name == "main":
        continue
    print(f"| {name} | {c[100]:,} | {100 * (c[105] / c[100] - 1):+.1f}% | {100 * (c[110] / c[100] - 1):+.1f}% |")
'
