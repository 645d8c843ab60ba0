"""Reference values for perfkit's two-sample tests and p-value adjustments.

Writes the Rust module perfkit/tests/stats/reference.rs; from the workspace root:

    python3 perfkit/tests/reference/tests.py > perfkit/tests/stats/reference.rs

(main.rs declares the module with #[rustfmt::skip], so the one-line records stay compact.)

Samples are not stored: each pair is regenerated from its seed and distributions by a tiny
deterministic generator (SplitMix64, approximately normal variates as a sum of 12 uniforms)
that perfkit/tests/stats/samples.rs reimplements with the same floating-point operations in
the same order, so both languages see identical doubles.

Values come from tools independent of perfkit: scipy.stats.ttest_ind(new, baseline,
equal_var=False) (and on np.log of the samples), scipy.stats.mannwhitneyu(new, baseline)
with method="asymptotic" and method="exact", and statsmodels' multipletests for BH and Holm.
"""

import math

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        # 53 random bits scaled into [0, 1): exact in both languages.
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def normal(self):
        s = 0.0
        for _ in range(12):
            s += self.uniform()
        return s - 6.0


# Distributions, as (kind, a, b, c):
#   ("Normal", mean, sd)        mean + sd * z
#   ("Grid", mean, sd, step)    floor((mean + sd * z) / step) * step   (ties)
#   ("Timing", base, spread)    base * (1 + spread * z * z)            (right-skewed, positive)
def draw(rng, dist):
    kind = dist[0]
    z = rng.normal()
    if kind == "Normal":
        return dist[1] + dist[2] * z
    if kind == "Grid":
        return math.floor((dist[1] + dist[2] * z) / dist[3]) * dist[3]
    if kind == "Timing":
        return dist[1] * (1.0 + dist[2] * z * z)
    raise ValueError(kind)


def generate(seed, n_base, base, n_new, new):
    rng = SplitMix64(seed)
    a = [draw(rng, base) for _ in range(n_base)]
    b = [draw(rng, new) for _ in range(n_new)]
    return a, b


# (seed, n_baseline, baseline distribution, n_new, new distribution)
PAIRS = [
    (1, 2, ("Normal", 10.0, 1.0), 2, ("Normal", 12.0, 1.0)),
    (2, 2, ("Normal", 10.0, 1.0), 3, ("Normal", 10.5, 3.0)),
    (3, 3, ("Normal", 100.0, 5.0), 5, ("Normal", 110.0, 5.0)),
    (4, 5, ("Normal", 50.0, 1.0), 5, ("Normal", 51.0, 8.0)),
    (5, 8, ("Normal", 20.0, 2.0), 8, ("Normal", 21.0, 2.0)),
    (6, 7, ("Normal", 20.0, 2.0), 12, ("Normal", 20.0, 6.0)),
    (7, 6, ("Normal", 1000.0, 30.0), 7, ("Normal", 1100.0, 30.0)),
    (8, 4, ("Normal", 5.0, 0.5), 9, ("Normal", 5.5, 0.5)),
    (9, 10, ("Normal", 0.0, 1.0), 10, ("Normal", 0.0, 1.0)),
    (10, 10, ("Normal", 0.0, 1.0), 30, ("Normal", 0.5, 4.0)),
    (11, 20, ("Normal", -3.0, 2.0), 20, ("Normal", -1.0, 2.0)),
    (12, 25, ("Grid", 100.0, 3.0, 1.0), 40, ("Grid", 101.0, 3.0, 1.0)),
    (13, 30, ("Grid", 10.0, 1.0, 1.0), 30, ("Grid", 10.5, 1.0, 1.0)),
    (14, 50, ("Timing", 1000.0, 0.1), 50, ("Timing", 1000.0, 0.1)),
    (15, 50, ("Timing", 1000.0, 0.1), 80, ("Timing", 1030.0, 0.1)),
    (16, 100, ("Timing", 250.0, 0.3), 100, ("Timing", 275.0, 0.3)),
    (17, 100, ("Normal", 40.0, 4.0), 100, ("Normal", 40.0, 4.0)),
    (18, 200, ("Normal", 40.0, 2.0), 150, ("Normal", 40.5, 6.0)),
    (19, 300, ("Grid", 500.0, 20.0, 10.0), 300, ("Grid", 505.0, 20.0, 10.0)),
    (20, 500, ("Timing", 80000.0, 0.05), 500, ("Timing", 80400.0, 0.05)),
    (21, 500, ("Normal", 10.0, 1.0), 20, ("Normal", 10.2, 1.0)),
    (22, 2, ("Normal", 10.0, 1.0), 500, ("Normal", 10.0, 1.0)),
    (23, 40, ("Normal", 100.0, 1.0), 40, ("Normal", 110.0, 1.0)),
    (24, 200, ("Timing", 1000.0, 0.01), 200, ("Timing", 1100.0, 0.01)),
    (25, 8, ("Normal", 3.0, 1.0), 100, ("Normal", 3.8, 1.0)),
    (26, 3, ("Grid", 7.0, 0.4, 1.0), 3, ("Grid", 7.0, 0.4, 1.0)),
]

# Hand-made p-values for the adjustments: ties, 0, 1, and values around typical alphas.
EXTRA_P = [0.01, 0.04, 0.03, 0.04, 0.0, 1.0, 0.2, 0.0005, 0.049, 0.5, 0.01, 0.9, 1e-12]


def f(v):
    v = float(v)
    if math.isinf(v):
        return "f64::INFINITY" if v > 0 else "f64::NEG_INFINITY"
    return repr(v)


def dist_rs(d):
    if d[0] == "Grid":
        return f"Dist::Grid {{ mean: {f(d[1])}, sd: {f(d[2])}, step: {f(d[3])} }}"
    if d[0] == "Normal":
        return f"Dist::Normal {{ mean: {f(d[1])}, sd: {f(d[2])} }}"
    return f"Dist::Timing {{ base: {f(d[1])}, spread: {f(d[2])} }}"


def welch_rs(a, b):
    r = stats.ttest_ind(b, a, equal_var=False)
    ci = r.confidence_interval(0.95)
    g = stats.ttest_ind(b, a, equal_var=False, alternative="greater").pvalue
    l = stats.ttest_ind(b, a, equal_var=False, alternative="less").pvalue
    return (f"WelchRef {{ t: {f(r.statistic)}, df: {f(r.df)}, p: {f(r.pvalue)}, "
            f"p_greater: {f(g)}, p_less: {f(l)}, difference: {f(np.mean(b) - np.mean(a))}, "
            f"lower: {f(ci.low)}, upper: {f(ci.high)} }}"), r.pvalue


def main():
    print(f"//! Generated by perfkit/tests/reference/tests.py (numpy {np.__version__}, "
          f"scipy {scipy.__version__}, statsmodels {statsmodels.__version__}); do not edit.")
    print("//! Regenerate from the workspace root with")
    print("//! `python3 perfkit/tests/reference/tests.py > perfkit/tests/stats/reference.rs`.")
    print()
    print("use crate::samples::{Dist, LogRef, Pair, WelchRef};")
    print()
    print("pub const PAIRS: &[Pair] = &[")
    welch_p = []
    for seed, na, da, nb, db in PAIRS:
        a, b = generate(seed, na, da, nb, db)
        a, b = np.array(a), np.array(b)
        welch, p = welch_rs(a, b)
        welch_p.append(p)
        if a.min() > 0 and b.min() > 0:
            la, lb = np.log(a), np.log(b)
            r = stats.ttest_ind(lb, la, equal_var=False)
            ci = r.confidence_interval(0.95)
            ratio = math.exp(np.mean(lb) - np.mean(la))
            log = (f"Some(LogRef {{ t: {f(r.statistic)}, df: {f(r.df)}, p: {f(r.pvalue)}, "
                   f"ratio: {f(ratio)}, lower: {f(math.exp(ci.low))}, "
                   f"upper: {f(math.exp(ci.high))} }})")
        else:
            log = "None"
        asym = stats.mannwhitneyu(b, a, method="asymptotic", use_continuity=True)
        ties = len(np.unique(np.concatenate([a, b]))) < na + nb
        exact = "None" if ties else f"Some({f(stats.mannwhitneyu(b, a, method='exact').pvalue)})"
        print(f"""    Pair {{
        seed: {seed},
        baseline: ({na}, {dist_rs(da)}),
        new: ({nb}, {dist_rs(db)}),
        welch: {welch},
        log_welch: {log},
        mw_u: {f(asym.statistic)},
        mw_asymptotic: {f(asym.pvalue)},
        mw_exact: {exact},
    }},""")
    print("];")
    print()
    adjust_in = welch_p + EXTRA_P
    print("/// The Welch p-values of `PAIRS` in order, then hand-made ones.")
    print("pub const ADJUST_IN: &[f64] = &[" + ", ".join(f(p) for p in adjust_in) + "];")
    print()
    for name, method in (("BH", "fdr_bh"), ("HOLM", "holm")):
        out = multipletests(adjust_in, method=method)[1]
        print(f"/// `multipletests(ADJUST_IN, method=\"{method}\")[1]`.")
        print(f"pub const {name}: &[f64] = &[" + ", ".join(f(p) for p in out) + "];")


if __name__ == "__main__":
    main()
