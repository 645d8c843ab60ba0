//! Error rates of the verdict: how often unchanged code is called a `regression`, and how often
//! a real slowdown is caught. The figures and how they were made are in docs/statistics.md.
//!
//! Both tests are ignored: they take minutes and print tables rather than pin behaviour.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/targets/errrates \
//!   cargo test --release -p perfkit --test stats -- --ignored --nocapture error_rates
//! ```
//!
//! - `error_rates_measured` reads history databases holding repeated runs of the same code
//!   (`PERFKIT_ERROR_RATES_DB`, several separated like PATH; made by running the example perf
//!   tests a few times with `PERFKIT_DB` pointing at one), characterises the noise of their
//!   clean runs on the log scale, and compares the runs with each other: a real A/A test,
//!   across processes. Without the variable it says how to make a database and passes.
//! - `error_rates_synthetic` feeds synthetic timings with that noise through the real sampler
//!   (`Bencher::iter_custom` under `Plan::DEFAULT`, so the sample counts are the ones the
//!   adaptive stop gives), and counts verdicts over 10,000 A/A and A/B trials, with and
//!   without a random shift between the two runs, and with the confirming second measurement
//!   that a gated perf test takes before failing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use perfkit::Bencher;
use perfkit::compare::{LegacyComparison as Comparison, Verdict, VerdictRule, control_fdr};
use perfkit::measure::{Mode, Plan};
use perfkit::stats::{Outliers, mad, percentile};
use perfkit_store::{HistoryQuery, Store};

use crate::samples::SplitMix64;

// ---------------------------------------------------------------------------------------------
// Noise of one run, on the log scale
// ---------------------------------------------------------------------------------------------

/// The noise of one run's samples (per-iteration times of one benchmark at one size), on the
/// log scale. Outliers are judged by Tukey's fences (1.5 IQR) on the log-times, as
/// [`Comparison::new`] judges them before its test.
#[derive(Debug, Clone, Copy)]
struct RunNoise {
    n: usize,
    /// Robust sd of ln(sample): 1.4826 x MAD, so that outliers do not set it.
    body_sd: f64,
    /// Plain sd of ln(sample), outliers included.
    sd_ln: f64,
    /// Sd of ln(sample) within the fences: the spread the verdict's test sees.
    fenced_sd: f64,
    /// Share of samples beyond the fences, both sides.
    outlier_share: f64,
    /// Median of ln(sample / median) over the samples above the upper fence; `None` when
    /// there are none. ln 2 would be a sample twice the median.
    outlier_excess: Option<f64>,
    ln_median: f64,
    /// Mean of ln(sample) within the fences: the log of the geometric mean the verdict
    /// compares.
    fenced_mean: f64,
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let ss: f64 = values.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

fn run_noise(samples: &[f64]) -> RunNoise {
    let mut ln: Vec<f64> = samples.iter().map(|x| x.ln()).collect();
    ln.sort_unstable_by(f64::total_cmp);
    let n = ln.len();
    let ln_median = percentile(&ln, 50.0);
    let (q1, q3) = (percentile(&ln, 25.0), percentile(&ln, 75.0));
    let (low, high) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1));
    let fenced: Vec<f64> = ln
        .iter()
        .copied()
        .filter(|l| (low..=high).contains(l))
        .collect();
    let excess: Vec<f64> = ln
        .iter()
        .filter(|&&l| l > high)
        .map(|l| l - ln_median)
        .collect();
    let (fenced_mean, fenced_sd) = mean_sd(&fenced);
    RunNoise {
        n,
        body_sd: 1.4826 * mad(&ln),
        sd_ln: mean_sd(&ln).1,
        fenced_sd,
        outlier_share: Outliers::tukey(&ln).total() as f64 / n as f64,
        outlier_excess: (!excess.is_empty()).then(|| percentile(&excess, 50.0)),
        ln_median,
        fenced_mean,
    }
}

/// Type-7 percentile of unsorted values.
fn quantile(values: impl IntoIterator<Item = f64>, p: f64) -> f64 {
    let mut v: Vec<f64> = values.into_iter().collect();
    v.sort_unstable_by(f64::total_cmp);
    percentile(&v, p)
}

fn pct(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

// ---------------------------------------------------------------------------------------------
// Real runs: noise figures and an A/A test across processes
// ---------------------------------------------------------------------------------------------

/// One benchmark at one size: its samples from each clean run, oldest run first.
struct Series {
    name: String,
    runs: Vec<Vec<f64>>,
}

fn read_series(store: &Store) -> Vec<Series> {
    let mut by_key: BTreeMap<(String, Option<u64>), Vec<_>> = BTreeMap::new();
    for testbed in store.testbeds().unwrap() {
        for benchmark in store.benchmarks().unwrap() {
            let query = HistoryQuery::new(&benchmark.name, &testbed.testbed);
            for point in store.history(&query).unwrap() {
                let key = (benchmark.name.clone(), point.record.size);
                by_key.entry(key).or_default().push((
                    point.started_at,
                    point.run,
                    point.record.samples,
                ));
            }
        }
    }
    by_key
        .into_iter()
        .map(|((name, size), mut runs)| {
            runs.sort_by_key(|&(at, run, _)| (at, run));
            let short = name.rsplit("::").next().unwrap_or(&name).to_string();
            Series {
                name: size.map_or(short.clone(), |s| format!("{short} n={s}")),
                runs: runs.into_iter().map(|(_, _, samples)| samples).collect(),
            }
        })
        .filter(|s| s.runs.len() >= 2)
        .collect()
}

/// Verdict counts: regression, improvement, unchanged, and p < alpha whatever the size.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    regression: u64,
    improvement: u64,
    unchanged: u64,
    significant: u64,
}

impl Tally {
    fn add(&mut self, c: &Comparison, rule: &VerdictRule) {
        match c.verdict {
            Verdict::Regression => self.regression += 1,
            Verdict::Improvement => self.improvement += 1,
            _ => self.unchanged += 1,
        }
        self.significant += u64::from(c.q.unwrap_or(c.p) < rule.alpha);
    }

    fn total(&self) -> u64 {
        self.regression + self.improvement + self.unchanged
    }

    fn rate(&self, count: u64) -> String {
        format!(
            "{count}/{} ({})",
            self.total(),
            pct(count as f64 / self.total() as f64)
        )
    }

    fn line(&self) -> String {
        format!(
            "regression {}  improvement {}  p<alpha {}",
            self.rate(self.regression),
            self.rate(self.improvement),
            self.rate(self.significant)
        )
    }
}

#[test]
#[ignore = "needs history databases of repeated runs (PERFKIT_ERROR_RATES_DB); prints figures"]
fn error_rates_measured() {
    let Some(dbs) = std::env::var_os("PERFKIT_ERROR_RATES_DB") else {
        println!(
            "error_rates_measured: set PERFKIT_ERROR_RATES_DB to history databases (separated \
             like PATH) with several runs of the same code each, e.g. run `cargo test \
             --release -p perfkit-examples` a few times with PERFKIT_DB=/tmp/errrates/history.db"
        );
        return;
    };
    let mut all: Vec<RunNoise> = Vec::new();
    for db in std::env::split_paths(&dbs) {
        all.extend(measured(&db));
    }
    println!(
        "\nAll {} runs of all series, quantiles 25/50/75/90 of each run's figure:",
        all.len()
    );
    let q = |name: &str, f: &dyn Fn(&RunNoise) -> Option<f64>, show: &dyn Fn(f64) -> String| {
        let v = || all.iter().filter_map(f);
        println!(
            "  {name:<36} {} / {} / {} / {}",
            show(quantile(v(), 25.0)),
            show(quantile(v(), 50.0)),
            show(quantile(v(), 75.0)),
            show(quantile(v(), 90.0))
        );
    };
    q("samples per run", &|r| Some(r.n as f64), &|v| {
        format!("{v:.0}")
    });
    q("body sd of ln (1.4826 MAD)", &|r| Some(r.body_sd), &pct);
    q("sd of ln within the fences", &|r| Some(r.fenced_sd), &pct);
    q("sd of ln, outliers included", &|r| Some(r.sd_ln), &pct);
    q("share beyond the fences", &|r| Some(r.outlier_share), &pct);
    q(
        "median high outlier, x run median",
        &|r| r.outlier_excess,
        &|v| format!("x{:.2}", v.exp()),
    );
}

/// The noise figures and the A/A comparisons of one database's runs; returns each run's noise.
fn measured(db: &Path) -> Vec<RunNoise> {
    let store = Store::open(db).unwrap();
    let series = read_series(&store);
    assert!(
        !series.is_empty(),
        "no series with two clean runs in {}",
        db.display()
    );
    let rule = VerdictRule::default();

    println!("\nNoise per series ({}): medians over runs", db.display());
    println!(
        "{:<20} {:>4} {:>13} {:>7} {:>7} {:>7} {:>8} {:>7} | between runs: {:>8} {:>7} {:>8} {:>7}",
        "series",
        "runs",
        "n min/med/max",
        "body sd",
        "fenced",
        "sd ln",
        "outliers",
        "excess",
        "sd ln md",
        "robust",
        "sd ln gm",
        "robust"
    );
    let mut all: Vec<RunNoise> = Vec::new();
    let mut between: Vec<[f64; 4]> = Vec::new();
    // Each run's |shift| of the fenced mean ln from its series' median, over all series.
    let mut shifts: Vec<f64> = Vec::new();
    for s in &series {
        let noise: Vec<RunNoise> = s.runs.iter().map(|r| run_noise(r)).collect();
        let med = |f: fn(&RunNoise) -> f64| quantile(noise.iter().map(f), 50.0);
        let ns = || noise.iter().map(|r| r.n as f64);
        let spread = |f: fn(&RunNoise) -> f64| {
            let v: Vec<f64> = noise.iter().map(f).collect();
            let centre = quantile(v.iter().copied(), 50.0);
            let robust = 1.4826 * quantile(v.iter().map(|l| (l - centre).abs()), 50.0);
            (mean_sd(&v).1, robust)
        };
        let (median_sd, median_robust) = spread(|r| r.ln_median);
        let (mean_sd, mean_robust) = spread(|r| r.fenced_mean);
        let centre = med(|r| r.fenced_mean);
        shifts.extend(noise.iter().map(|r| (r.fenced_mean - centre).abs()));
        let row = [median_sd, median_robust, mean_sd, mean_robust];
        between.push(row);
        println!(
            "{:<20} {:>4} {:>13} {:>7} {:>7} {:>7} {:>8} {:>7} | {:>22} {:>7} {:>8} {:>7}",
            s.name,
            s.runs.len(),
            format!(
                "{}/{}/{}",
                quantile(ns(), 0.0),
                quantile(ns(), 50.0),
                quantile(ns(), 100.0)
            ),
            pct(med(|r| r.body_sd)),
            pct(med(|r| r.fenced_sd)),
            pct(med(|r| r.sd_ln)),
            pct(med(|r| r.outlier_share)),
            format!(
                "x{:.2}",
                quantile(noise.iter().filter_map(|r| r.outlier_excess), 50.0).exp()
            ),
            pct(row[0]),
            pct(row[1]),
            pct(row[2]),
            pct(row[3]),
        );
        all.extend(noise);
    }
    println!("Between runs (run-to-run shift), median over series:");
    let b = |i: usize| pct(quantile(between.iter().map(|r| r[i]), 50.0));
    println!(
        "  ln(median):                      sd {}, 1.4826 MAD {}",
        b(0),
        b(1)
    );
    println!(
        "  mean ln within fences (verdict): sd {}, 1.4826 MAD {}",
        b(2),
        b(3)
    );
    let beyond = |ratio: f64| shifts.iter().filter(|&&d| d > f64::ln(ratio)).count();
    println!(
        "  runs whose geometric mean is off its series' median by > 5%: {}/{}, > 10%: {}, \
         largest {:.1}%",
        beyond(1.05),
        shifts.len(),
        beyond(1.10),
        (quantile(shifts.iter().copied(), 100.0).exp() - 1.0) * 100.0
    );

    // Real A/A: the same code measured by different processes.
    let (mut adjacent, mut adjacent_fdr, mut pairs, mut pooled) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let count = |tally: &mut Tally, base: &[f64], new: &[f64]| {
        let c = Comparison::new(base, new, &rule).unwrap();
        tally.add(&c, &rule);
        c
    };
    let mut pair_ratios = Vec::new();
    let runs = series.iter().map(|s| s.runs.len()).min().unwrap();
    for i in 1..runs {
        // Each run against the one before: all series at once, as `cargo perfkit check`
        // would judge them, so BH across the series is shown too.
        let mut judged: Vec<Comparison> = series
            .iter()
            .map(|s| count(&mut adjacent, &s.runs[i - 1], &s.runs[i]))
            .collect();
        control_fdr(&mut judged, &rule);
        judged.iter().for_each(|c| adjacent_fdr.add(c, &rule));
    }
    for s in &series {
        for j in 1..s.runs.len() {
            for i in 0..j {
                let c = count(&mut pairs, &s.runs[i], &s.runs[j]);
                pair_ratios.push(c.ratio);
            }
            // A dirty tree is judged against all clean runs of its commit, pooled.
            let earlier: Vec<f64> = s.runs[..j].iter().flatten().copied().collect();
            count(&mut pooled, &earlier, &s.runs[j]);
        }
    }
    println!("\nReal A/A (same code, separate processes), default rule (alpha 0.01, 5%):");
    println!("  each run vs the previous run        {}", adjacent.line());
    println!(
        "    same, BH across the {} series     {}",
        series.len(),
        adjacent_fdr.line()
    );
    println!("  every pair of runs (earlier = base) {}", pairs.line());
    println!("  each run vs all earlier runs pooled {}", pooled.line());
    // Nearly every A/A pair is significant, so the threshold alone decides: a threshold at
    // these quantiles would have let 5% and 1% of the pairs through as regressions.
    println!(
        "  A/A ratio over all pairs, 95th / 99th percentile: {:+.1}% / {:+.1}%",
        (quantile(pair_ratios.iter().copied(), 95.0) - 1.0) * 100.0,
        (quantile(pair_ratios.iter().copied(), 99.0) - 1.0) * 100.0
    );
    all
}

// ---------------------------------------------------------------------------------------------
// Synthetic trials through the real sampler
// ---------------------------------------------------------------------------------------------

/// Within-run noise of a synthetic sample: `ln(t / t0) = body_sd * z`, z standard normal, and
/// with probability `outlier_share` the sample is an outlier, slowed by `1 + X` with X
/// exponential and the median of `1 + X` equal to `outlier_median`. Extra time rather than
/// an extra log-factor, because that is what interference does to a batch (a preemption adds
/// milliseconds); an exponential on the log scale would let one sample eat the time cap.
#[derive(Debug, Clone, Copy)]
struct Noise {
    name: &'static str,
    body_sd: f64,
    outlier_share: f64,
    outlier_median: f64,
}

/// The noise profiles, from `error_rates_measured` on this machine (264 runs; figures in
/// docs/statistics.md): the median and the 75th percentile over all runs of each run's figure.
/// `body_sd` is the sd of ln(sample) within the fences rather than the MAD-based one (1.7% and
/// 5.8%): it is the spread the verdict's test sees, and with it the adaptive stop takes about
/// as many samples as it did on the real runs (median 160, 75th percentile 539).
const PROFILES: [Noise; 2] = [
    Noise {
        name: "typical run (median)",
        body_sd: 0.029,
        outlier_share: 0.10,
        outlier_median: 1.54,
    },
    Noise {
        name: "noisy run (75th pct)",
        body_sd: 0.079,
        outlier_share: 0.15,
        outlier_median: 4.98,
    },
];

/// Standard deviations of the between-run shift: each run's times are multiplied by
/// `exp(sd * z)`, z standard normal, one z per run. 0 is model (a), iid noise only.
const BETWEEN: [f64; 6] = [0.0, 0.005, 0.01, 0.02, 0.03, 0.05];

/// True slowdowns of the new side; 0 is the A/A comparison.
const EFFECTS: [f64; 4] = [0.0, 0.02, 0.05, 0.10];

const TRIALS: u64 = 10_000;

/// 10 µs per iteration, so the default plan batches 80 iterations into a 0.8 ms sample, as it
/// does for the fast routines measured.
const PER_ITER_NS: f64 = 10_000.0;

fn normal(rng: &mut SplitMix64) -> f64 {
    // Box–Muller: exact tails, unlike the sum of uniforms of `SplitMix64::normal`.
    let (u1, u2) = (1.0 - rng.uniform(), rng.uniform());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

impl Noise {
    fn factor(&self, rng: &mut SplitMix64) -> f64 {
        let mut ln = self.body_sd * normal(rng);
        if rng.uniform() < self.outlier_share {
            let mean = (self.outlier_median - 1.0) / std::f64::consts::LN_2;
            ln += (1.0 - mean * (1.0 - rng.uniform()).ln()).ln();
        }
        ln.exp()
    }

    /// One measurement by the default plan, each batch's time drawn from this noise.
    fn measure(&self, rng: &mut SplitMix64) -> Vec<f64> {
        let mut b = Bencher::new(Plan::DEFAULT, Mode::Full);
        b.iter_custom(|iters| {
            Duration::from_nanos((PER_ITER_NS * iters as f64 * self.factor(rng)).round() as u64)
        });
        b.take_samples().expect("a full-mode measurement").times_ns
    }
}

/// Verdict counts for each between-run level and each effect, and the sample counts seen.
#[derive(Default)]
struct Trials {
    tallies: [[Tally; EFFECTS.len()]; BETWEEN.len()],
    /// Regressions that a second measurement of the new side confirmed, as a gated perf test
    /// requires before failing.
    confirmed: [[u64; EFFECTS.len()]; BETWEEN.len()],
    n: Vec<f64>,
}

impl Trials {
    fn merge(&mut self, other: Trials) {
        for (row, other_row) in self.tallies.iter_mut().zip(other.tallies) {
            for (t, o) in row.iter_mut().zip(other_row) {
                t.regression += o.regression;
                t.improvement += o.improvement;
                t.unchanged += o.unchanged;
                t.significant += o.significant;
            }
        }
        for (row, other_row) in self.confirmed.iter_mut().zip(other.confirmed) {
            for (c, o) in row.iter_mut().zip(other_row) {
                *c += o;
            }
        }
        self.n.extend(other.n);
    }
}

fn run_trials(noise: &Noise, seed: u64, trials: impl Iterator<Item = u64>) -> Trials {
    let rule = VerdictRule::default();
    let mut out = Trials::default();
    for trial in trials {
        let mut rng = SplitMix64::new(seed ^ trial.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (a, b) = (noise.measure(&mut rng), noise.measure(&mut rng));
        // The confirmation runs in the same process right after, so it shares b's shift.
        let again = noise.measure(&mut rng);
        out.n.extend([a.len() as f64, b.len() as f64]);
        // One draw per run, scaled per level: the levels differ only in the shift's size.
        let (za, zb) = (normal(&mut rng), normal(&mut rng));
        for (i, sd) in BETWEEN.iter().enumerate() {
            let base: Vec<f64> = a.iter().map(|t| t * (sd * za).exp()).collect();
            for (j, effect) in EFFECTS.iter().enumerate() {
                let k = (1.0 + effect) * (sd * zb).exp();
                let judge = |side: &[f64]| {
                    let new: Vec<f64> = side.iter().map(|t| t * k).collect();
                    Comparison::new(&base, &new, &rule).unwrap()
                };
                let first = judge(&b);
                out.tallies[i][j].add(&first, &rule);
                if first.verdict == Verdict::Regression
                    && judge(&again).verdict == Verdict::Regression
                {
                    out.confirmed[i][j] += 1;
                }
            }
        }
    }
    out
}

/// The trials of one profile on two threads; trial `i` always draws from the same seed, so
/// the counts do not depend on scheduling.
fn trials(noise: &Noise, seed: u64) -> Trials {
    let parts: Vec<Trials> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| scope.spawn(move || run_trials(noise, seed, (w..TRIALS).step_by(2))))
            .collect();
        workers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all = Trials::default();
    parts.into_iter().for_each(|part| all.merge(part));
    all
}

/// A count as a share of the trials, to the resolution 10,000 trials give.
fn rate(count: u64) -> String {
    format!("{:.2}%", count as f64 / TRIALS as f64 * 100.0)
}

#[test]
#[ignore = "10,000 trials per profile through the real sampler; prints the error-rate table"]
fn error_rates_synthetic() {
    println!(
        "\nVerdicts over {TRIALS} trials per cell, default rule (alpha 0.01, threshold 5%), \
         samples from the real sampler under Plan::DEFAULT (0.8 ms batches).\n\
         reg: regression verdicts; imp: improvement verdicts; p<a: p < alpha whatever the \
         size; conf: regression confirmed by a second measurement in the same run (gated tests)"
    );
    let mut results = Vec::new();
    for (i, noise) in PROFILES.iter().enumerate() {
        let t = trials(noise, 0x00E2_2A7E_5EED + i as u64);
        // Model check: the figures measured on the real runs, taken on synthetic ones.
        let check: Vec<RunNoise> = {
            let mut rng = SplitMix64::new(7 + i as u64);
            (0..200)
                .map(|_| run_noise(&noise.measure(&mut rng)))
                .collect()
        };
        let med = |f: &dyn Fn(&RunNoise) -> Option<f64>| quantile(check.iter().filter_map(f), 50.0);
        let n = |p: f64| quantile(t.n.iter().copied(), p);
        println!(
            "\n{}: body sd {}, {} outliers of median x{:.2}\n  synthetic runs give: n {}/{}/{} \
             (25/50/75%); medians: body sd (MAD) {}, sd within fences {}, sd ln {}, \
             beyond fences {}, high outlier x{:.2}",
            noise.name,
            pct(noise.body_sd),
            pct(noise.outlier_share),
            noise.outlier_median,
            n(25.0),
            n(50.0),
            n(75.0),
            pct(med(&|r| Some(r.body_sd))),
            pct(med(&|r| Some(r.fenced_sd))),
            pct(med(&|r| Some(r.sd_ln))),
            pct(med(&|r| Some(r.outlier_share))),
            med(&|r| r.outlier_excess).exp(),
        );
        println!(
            "  {:<11} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7}",
            "between-run",
            "A/A reg",
            "imp",
            "p<a",
            "conf",
            "+2% reg",
            "p<a",
            "+5% reg",
            "conf",
            "+10%reg",
            "conf"
        );
        for (i, sd) in BETWEEN.iter().enumerate() {
            let (row, conf) = (&t.tallies[i], &t.confirmed[i]);
            let label = if *sd == 0.0 {
                "0 (a)".to_string()
            } else {
                format!("{} (b)", pct(*sd))
            };
            println!(
                "  {:<11} | {:>7} {:>7} {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7}",
                label,
                rate(row[0].regression),
                rate(row[0].improvement),
                rate(row[0].significant),
                rate(conf[0]),
                rate(row[1].regression),
                rate(row[1].significant),
                rate(row[2].regression),
                rate(conf[2]),
                rate(row[3].regression),
                rate(conf[3]),
            );
        }
        results.push(t);
    }

    // Model (a), iid noise within and between runs: issue 4's targets hold for both profiles.
    // With a between-run shift (b) they do not, and no bound is asserted: see the table and
    // docs/statistics.md.
    for (noise, t) in PROFILES.iter().zip(&results) {
        let a = &t.tallies[0];
        let (aa, slower) = (a[0].regression, a[3].regression);
        assert!(aa * 100 <= TRIALS, "{}: A/A {}", noise.name, rate(aa));
        assert!(
            slower * 100 >= 95 * TRIALS,
            "{}: +10% {}",
            noise.name,
            rate(slower)
        );
    }
}
