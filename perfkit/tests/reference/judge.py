"""Reference values for perfkit::compare::judge, from scipy (independent of perfkit).

Run from the workspace root: python3 perfkit/tests/reference/judge.py
and paste the printed values into perfkit/tests/stats/judge.rs (the numbers there say which
line made them). Run levels are log-locations with zero within-run variance, so the
random-effects tests reduce to textbook ones:

- paired: scipy.stats.ttest_rel(head, base), df = rounds - 1, and its 95% CI of the mean
  log-ratio;
- replicates: with tau^2 from the pooled spread of both sides, the independent test is
  Student's pooled two-sample t-test, scipy.stats.ttest_ind(head, base, equal_var=True);
- history: tau = median_abs_deviation(successive differences, scale="normal") / sqrt(2),
  df = 0.37 * (commits - 1), then a t-test of one run against one run.
"""

import numpy as np
import scipy
from scipy import stats

print("scipy", scipy.__version__)

base = np.array([0.0, 0.012, -0.005, 0.020, 0.003, -0.010])
head = np.array([0.031, 0.045, 0.020, 0.058, 0.029, 0.015])
r = stats.ttest_rel(head, base)
ci = r.confidence_interval(0.95)
print("paired t", repr(r.statistic), "p", repr(r.pvalue), "df", r.df,
      "ratio_ci", repr(np.exp(ci.low)), repr(np.exp(ci.high)))

base = np.array([0.010, -0.004, 0.007])
head = np.array([0.052, 0.031, 0.047, 0.060])
r = stats.ttest_ind(head, base, equal_var=True)
ci = r.confidence_interval(0.95)
print("replicates t", repr(r.statistic), "p", repr(r.pvalue), "df", r.df,
      "ratio_ci", repr(np.exp(ci.low)), repr(np.exp(ci.high)))

# History oldest first, a real +20% step between the 7th and 8th commit; base is the last.
history = np.array([0.000, 0.006, -0.004, 0.003, 0.009, -0.002, 0.004,
                    0.186, 0.180, 0.189, 0.178, 0.184, 0.190, 0.181])
head_level = 0.230
d = np.diff(history)
tau = stats.median_abs_deviation(d, scale="normal") / np.sqrt(2)
df = 0.37 * (len(history) - 1)
t = (head_level - history[-1]) / (tau * np.sqrt(2))
print("history tau", repr(tau), "df", repr(df), "p", repr(2 * stats.t.sf(abs(t), df)),
      "sd_with_step", repr(np.std(d, ddof=1) / np.sqrt(2)))

# Prior: tau = 0.03, df = 10, one run each side, +8%.
t = np.log(1.08) / (0.03 * np.sqrt(2))
print("prior p", repr(2 * stats.t.sf(t, 10.0)))

# RunEstimate's 20% trimmed mean and its variance: Yuen's statistic from two runs' estimates,
# (trimmed mean b - trimmed mean a) / sqrt(var a + var b), is scipy's trimmed Welch t.
a = np.array([101.0, 99.5, 100.2, 98.7, 140.0, 100.9, 99.1, 100.4, 97.8, 102.3, 100.0, 250.0])
b = np.array([103.1, 101.9, 104.0, 102.2, 99.0, 103.5, 160.0, 102.8, 101.1, 104.4, 102.0,
              103.0, 98.0, 103.3, 102.6])
r = stats.ttest_ind(np.log(b), np.log(a), trim=0.2, equal_var=False)
print("yuen t", repr(float(r.statistic)), "trim_mean a", repr(float(stats.trim_mean(np.log(a), 0.2))))

# RunEstimate's default: the median of the log-times, its variance from the sign-test interval.
ci = stats.quantile_test(np.log(b), p=0.5).confidence_interval(0.95)
print("median", repr(float(np.median(np.log(b)))),
      "var", repr(float(((ci.high - ci.low) / (2 * stats.norm.ppf(0.975))) ** 2)))
