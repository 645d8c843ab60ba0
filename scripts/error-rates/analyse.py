#!/usr/bin/env python3
"""The bookkeeping of scripts/error-rates.sh.

`trial` reads what one trial of one flow printed (perfkit's `--format json`, or criterion's
stdout) and prints one JSON line: which benchmarks were called what, whether the gate failed.
`summary` reads those lines and prints the markdown tables. No third-party modules.
"""

import argparse
import json
import math
import re
import statistics
import sys


def short_name(name):
    """`perf::cpu_loop` -> `cpu_loop`: perf tests and criterion benchmarks share short names."""
    return name.rsplit("::", 1)[-1]


def perfkit_benchmarks(path):
    """Benchmarks of a `check` / `ab` JSON document, or an error message."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return None, None, None, f"no JSON report in {path} ({e})"
    rows = []
    for b in doc.get("benchmarks") or []:
        row = {
            "name": short_name(b["name"]),
            "verdict": b.get("verdict"),
            "ratio": b.get("ratio"),
        }
        # Whatever the verdict carries about its noise floor (its source, degrees of freedom):
        # kept as printed, for the per-benchmark table.
        for key, value in b.items():
            if key.startswith("noise"):
                row[key] = value
        rows.append(row)
    return rows, doc.get("passed"), doc.get("rounds"), None


CRITERION_VERDICTS = [
    ("Performance has regressed", "regression"),
    ("Performance has improved", "improvement"),
    ("No change in performance detected", "unchanged"),
    ("Change within noise threshold", "unchanged"),
]


def criterion_benchmarks(path):
    """Benchmarks of criterion's stdout with `--baseline`: its verdict line per benchmark."""
    rows, current, pending = {}, None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            # criterion writes negative changes with U+2212 (−), not an ASCII hyphen.
            line = line.rstrip("\n").replace("\u2212", "-")
            m = re.match(r"^(\S+)\s+time:\s+\[", line)
            if m:
                current = m.group(1)
            elif re.match(r"^\s+time:\s+\[", line) and pending:
                current = pending  # a long name gets a line of its own
            elif re.match(r"^\S+$", line):
                pending = line
            if current is None:
                continue
            row = rows.setdefault(current, {"name": current, "verdict": None, "ratio": None})
            m = re.match(r"^\s+change:\s+\[\S+\s+([+-]?[\d.]+)%\s+\S+\]", line)
            if m and row["ratio"] is None:
                # The mean's change, the estimate criterion's verdict is about.
                row["ratio"] = 1 + float(m.group(1)) / 100
            for text, verdict in CRITERION_VERDICTS:
                if text in line:
                    row["verdict"] = verdict
    missing = [n for n, r in rows.items() if r["verdict"] is None]
    if not rows:
        return None, f"no benchmark results in {path}"
    if missing:
        return None, f"no verdict for {', '.join(missing)} in {path}"
    return list(rows.values()), None


def trial(args):
    planted = [p for p in args.planted.split(",") if p]
    error, rounds = None, None
    if args.flow == "criterion":
        rows, error = (None, args.error) if args.error else criterion_benchmarks(args.report)
        gate_failed = None if rows is None else any(r["verdict"] == "regression" for r in rows)
    else:
        rows, passed, rounds, error = perfkit_benchmarks(args.report)
        if args.exit not in (0, 1):
            error = f"exit code {args.exit}" + (f": {args.error}" if args.error else "")
            rows = None
        elif rows is not None and passed is not None and passed != (args.exit == 0):
            error = f"exit code {args.exit} but the report says passed={passed}"
        gate_failed = None if error else args.exit == 1
    if args.error and not error:
        error = args.error
    for row in rows or []:
        row["planted"] = row["name"] in planted
    seconds = {}
    for item in filter(None, args.seconds.split(",")):
        key, value = item.split("=")
        seconds[key] = round(float(value), 2)
    line = {
        "scenario": args.scenario,
        "flow": args.flow,
        "trial": args.trial,
        "neighbour": args.neighbour or None,
        "planted": planted,
        "base": args.base,
        "head": args.head,
        "exit": args.exit,
        "error": error,
        "gate_failed": gate_failed,
        "benchmarks": rows if not error else None,
        "rounds": rounds,
        "seconds": seconds,
        "load": args.load,
    }
    print(json.dumps(line, sort_keys=False))


def brief(_args):
    """One line for the progress log, from a trial's JSON line on stdin."""
    t = json.loads(sys.stdin.read())
    named = [
        b["name"] + ("*" if b["planted"] else "")
        for b in t["benchmarks"] or []
        if b["verdict"] == "regression"
    ]
    if t["error"]:
        outcome = "ERROR: " + t["error"]
    else:
        outcome = "FAILED" if t["gate_failed"] else "passed"
    legend = " (* planted)" if t["planted"] else ""
    print(
        f"  {t['flow']:9} {outcome}  regressions: {', '.join(named) or 'none'}{legend}  "
        f"{t['seconds'].get('total', 0):.0f} s"
    )


def noise_text(noise):
    """What set a verdict's noise floor, as its report prints it (`paired (10 rounds)`)."""
    if isinstance(noise, dict):
        return str(noise.get("text") or noise.get("source"))
    return str(noise)


def binom_cdf(k, n, p):
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def upper95(k, n):
    """Clopper-Pearson upper bound (one-sided 97.5%, the top of the two-sided 95% interval)."""
    if n == 0 or k >= n:
        return 1.0
    lo, hi = k / n, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if binom_cdf(k, n, mid) > 0.025:
            lo = mid
        else:
            hi = mid
    return hi


def lower95(k, n):
    return 1 - upper95(n - k, n) if n else 0.0


def pct(x):
    return f"{100 * x:.1f}%"


def rate(k, n, bound=None):
    if n == 0:
        return "–"
    text = f"{k}/{n} ({pct(k / n)})"
    if bound == "upper":
        text += f" ≤{pct(upper95(k, n))}"
    elif bound == "lower":
        text += f" ≥{pct(lower95(k, n))}"
    return text


def seconds(values):
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    return f"{statistics.median(values):.0f} s" + (
        f" ({min(values):.0f}–{max(values):.0f})" if len(values) > 1 else ""
    )


def ratio_text(ratios):
    ratios = [r for r in ratios if r is not None]
    if not ratios:
        return "–"
    med = statistics.median(ratios)
    text = f"{100 * (med - 1):+.1f}%"
    if len(ratios) > 1:
        text += f" ({100 * (min(ratios) - 1):+.1f}…{100 * (max(ratios) - 1):+.1f})"
    return text


FLOW_ORDER = {"check": 0, "ab": 1, "criterion": 2}
SCENARIO_ORDER = {"aa": 0, "aa-noisy": 1, "plus5": 2, "plus10": 3}


def summary(args):
    lines = []
    with open(args.trials, encoding="utf-8") as f:
        for text in f:
            if text.strip():
                lines.append(json.loads(text))
    groups = {}
    for line in lines:
        groups.setdefault((line["scenario"], line["flow"]), []).append(line)
    keys = sorted(
        groups, key=lambda k: (SCENARIO_ORDER.get(k[0], 9), k[0], FLOW_ORDER.get(k[1], 9))
    )
    out = []
    out.append(
        "| scenario | flow | trials | gate failed | unchanged called regression | "
        "planted caught | trials all planted caught | trials naming an unchanged one | "
        "planted read as (median, range) | measuring per trial | with builds |"
    )
    out.append("|---|---|---:|---|---|---|---|---|---|---|---|")
    per_benchmark = []
    for key in keys:
        trials = groups[key]
        ok = [t for t in trials if not t["error"]]
        errors = len(trials) - len(ok)
        failed = sum(1 for t in ok if t["gate_failed"])
        unchanged = [b for t in ok for b in t["benchmarks"] if not b["planted"]]
        false_regressions = sum(1 for b in unchanged if b["verdict"] == "regression")
        planted = [b for t in ok for b in t["benchmarks"] if b["planted"]]
        caught = sum(1 for b in planted if b["verdict"] == "regression")
        has_planted = any(t["planted"] for t in ok)
        all_caught = sum(
            1
            for t in ok
            if all(b["verdict"] == "regression" for b in t["benchmarks"] if b["planted"])
        )
        naming_unchanged = sum(
            1
            for t in ok
            if any(b["verdict"] == "regression" for b in t["benchmarks"] if not b["planted"])
        )
        trial_text = str(len(ok)) + (f" (+{errors} failed to run)" if errors else "")
        gate_bound = "upper" if not has_planted else None
        out.append(
            "| "
            + " | ".join(
                [
                    key[0],
                    key[1],
                    trial_text,
                    rate(failed, len(ok), gate_bound),
                    rate(false_regressions, len(unchanged), "upper"),
                    rate(caught, len(planted), "lower") if has_planted else "–",
                    rate(all_caught, len(ok)) if has_planted else "–",
                    rate(naming_unchanged, len(ok)),
                    ratio_text([b["ratio"] for b in planted]) if has_planted else "–",
                    seconds([t["seconds"].get("measure") for t in ok]),
                    seconds([t["seconds"].get("total") for t in trials]),
                ]
            )
            + " |"
        )
        names = sorted({b["name"] for t in ok for b in t["benchmarks"]})
        for name in names:
            rows = [b for t in ok for b in t["benchmarks"] if b["name"] == name]
            for planted_here in (False, True):
                subset = [b for b in rows if b["planted"] == planted_here]
                if not subset:
                    continue
                verdicts = [b["verdict"] for b in subset]
                noise = sorted({noise_text(b.get("noise")) for b in subset if b.get("noise")})
                per_benchmark.append(
                    "| "
                    + " | ".join(
                        [
                            key[0],
                            key[1],
                            name + (" (planted)" if planted_here else ""),
                            str(len(subset)),
                            str(verdicts.count("regression")),
                            str(verdicts.count("improvement")),
                            ratio_text([b["ratio"] for b in subset]),
                            ", ".join(noise) if noise else "–",
                        ]
                    )
                    + " |"
                )
        for t in trials:
            if t["error"]:
                per_benchmark.append(
                    f"| {key[0]} | {key[1]} | trial {t['trial']} failed to run: "
                    f"{t['error']} | | | | | |"
                )
    print("\n".join(out))
    print()
    print(
        "Rates with a bound are k/n (share) and the end of its 95% Clopper–Pearson interval: "
        "≤ the highest rate consistent with the data, ≥ the lowest. \"measuring per trial\" is "
        "the wall time of the measuring commands alone (median, range); \"with builds\" adds the "
        "compilation the trial needed."
    )
    print()
    print("Per benchmark: comparisons, verdicts, and the change as the judged estimate read it.")
    print()
    print(
        "| scenario | flow | benchmark | comparisons | regression | improvement | "
        "change (median, range) | noise floor |"
    )
    print("|---|---|---|---:|---:|---:|---|---|")
    print("\n".join(per_benchmark))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("trial", help="one trial's outcome as a JSON line")
    t.add_argument("--scenario", required=True)
    t.add_argument("--flow", required=True, choices=["check", "ab", "criterion"])
    t.add_argument("--trial", type=int, required=True)
    t.add_argument("--neighbour", default="")
    t.add_argument("--planted", default="")
    t.add_argument("--base", default="")
    t.add_argument("--head", default="")
    t.add_argument("--exit", type=int, default=0)
    t.add_argument("--report", required=True, help="the JSON report, or criterion's stdout")
    t.add_argument("--error", default="", help="what went wrong before the verdict, if anything")
    t.add_argument("--seconds", default="", help="name=seconds,...")
    t.add_argument("--load", default="")
    sub.add_parser("brief", help="a trial's JSON line (stdin) as one line for people")
    s = sub.add_parser("summary", help="markdown tables from the JSON lines")
    s.add_argument("trials")
    args = parser.parse_args()
    {"trial": trial, "brief": brief, "summary": summary}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
