"""Reference values for perfkit::stats::Summary, from numpy and scipy.

Prints the body of the reference test in perfkit/src/stats/summary.rs:

    python3 perfkit/tests/reference/summary.py

Independent of perfkit's code: percentiles from numpy.percentile (method "linear", R type 7),
MAD from scipy.stats.median_abs_deviation, the mean CI from scipy.stats.t.interval, the median
CI from scipy.stats.quantile_test(...).confidence_interval (falling back to (min, max) where
scipy finds no 95% interval), Tukey fences from numpy quartiles.
"""

import numpy as np
import scipy
from scipy import stats


def timings():
    # Skewed like per-iteration timings, with a slow tail every 13th sample. Integer arithmetic
    # and one exact division, so Rust rebuilds the same doubles (see `timings` in summary.rs).
    return [1000.0 + ((i * 7919) % 97) ** 2 / 10.0 + (5000.0 if i % 13 == 0 else 0.0)
            for i in range(100)]


SETS = {
    "one": [42.0],
    "two": [1.5, 4.0],
    "five": [2.0, 9.0, 4.0, 4.0, 7.5],
    "seven_with_outlier": [12.1, 9.7, 15.3, 11.0, 10.4, 30.2, 11.8],
    "ties": [5.0, 3.0, 3.0, 3.0, 8.0, 1.0, 3.0, 9.0, 3.0, 2.0],
    "negative_and_wide": [-3.5, 0.0, 2.25, 1e3, -7.0, 0.125, 3.0, 3.0, 11.0, -0.5, 6.0, 2.0,
                          -250.0, 4.5, 5.0, 0.001, 8.0, 2.5, 1.0, 9.75, -1.0, -15.0],
    "timings": None,
}


def summarise(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    mean = np.mean(x)
    sd = np.std(x, ddof=1) if n > 1 else 0.0
    pct = {p: np.percentile(x, p, method="linear") for p in (25, 50, 75, 90, 95, 99)}
    mad = stats.median_abs_deviation(x, scale=1.0)
    if n > 1 and sd > 0:
        mean_ci = stats.t.interval(0.95, n - 1, loc=mean, scale=sd / np.sqrt(n))
    else:
        mean_ci = (mean, mean)
    ci = stats.quantile_test(x, p=0.5).confidence_interval(0.95)
    median_ci = (ci.low, ci.high)
    if not np.isfinite(median_ci[0]) or not np.isfinite(median_ci[1]):
        median_ci = (x.min(), x.max())
    q1, q3 = pct[25], pct[75]
    iqr = q3 - q1
    outliers = (
        int(np.sum(x < q1 - 3 * iqr)),
        int(np.sum((x >= q1 - 3 * iqr) & (x < q1 - 1.5 * iqr))),
        int(np.sum((x > q3 + 1.5 * iqr) & (x <= q3 + 3 * iqr))),
        int(np.sum(x > q3 + 3 * iqr)),
    )
    return dict(n=n, mean=mean, sd=sd, min=x.min(), max=x.max(), median=np.median(x),
                p50=pct[50], p90=pct[90], p95=pct[95], p99=pct[99], mad=mad,
                mean_ci=mean_ci, median_ci=median_ci, outliers=outliers)


def f(v):
    return repr(float(v))


def main():
    print(f"// numpy {np.__version__}, scipy {scipy.__version__}")
    for name, x in SETS.items():
        samples = "timings()" if x is None else "&[" + ", ".join(f(v) for v in x) + "]"
        s = summarise(timings() if x is None else x)
        o = s["outliers"]
        print(f"""check(
    "{name}",
    {samples},
    Summary {{
        n: {s['n']},
        mean: {f(s['mean'])},
        sd: {f(s['sd'])},
        min: {f(s['min'])},
        max: {f(s['max'])},
        median: {f(s['median'])},
        p50: {f(s['p50'])},
        p90: {f(s['p90'])},
        p95: {f(s['p95'])},
        p99: {f(s['p99'])},
        mad: {f(s['mad'])},
        mean_ci: Interval {{ lower: {f(s['mean_ci'][0])}, upper: {f(s['mean_ci'][1])} }},
        median_ci: Interval {{ lower: {f(s['median_ci'][0])}, upper: {f(s['median_ci'][1])} }},
        outliers: Outliers {{ low_severe: {o[0]}, low_mild: {o[1]}, high_mild: {o[2]}, high_severe: {o[3]} }},
    }},
);""")


if __name__ == "__main__":
    main()
