//! What the report shows, read from the store. Every verdict and every step comes from the
//! commands' one judging path: the overview is [`Judging`] (as `compare` and `check` judge the
//! latest commit), each history is `history`'s own series judged step by step.

use std::collections::BTreeMap;

use perfkit::compare::{Change, VerdictRule, noise_prior};
use perfkit::complexity::{Point as FitPoint, fit};
use perfkit::sides::{Fdr, Judged};
use perfkit::stats::percentile;
use perfkit_store::{
    Commit, GitContext, HeadRuns, HistoryPoint as StoredPoint, HistoryQuery, SeriesKey, Store,
    Testbed,
};
use rayon::prelude::*;

use crate::commands::history::{by_series, series, stored_first_parents};
use crate::commands::matches;
use crate::error::CliError;
use crate::judging::{Base, Judging, head};

/// Everything one report shows.
#[derive(Debug)]
pub struct ReportData {
    /// The testbed whose results these are.
    pub testbed: Testbed,
    /// The verdict rule the overview and the steps were judged with.
    pub rule: VerdictRule,
    /// The branch checked out, if any.
    pub branch: Option<String>,
    /// The latest commit with results, judged against its baseline.
    pub judging: Judging,
    /// The overview's rows (series matching the pattern), by name then size.
    pub rows: Vec<Judged>,
    /// Per benchmark, by name.
    pub benchmarks: Vec<BenchmarkData>,
    /// Sized benchmarks, grouped into comparisons (`name/variant`) or alone.
    pub growth: Vec<Growth>,
    /// How many commits with results lie along the first parents.
    pub commits: usize,
}

/// One benchmark's history and distributions.
#[derive(Debug)]
pub struct BenchmarkData {
    /// The series drawn (a sized benchmark: its largest size).
    pub key: SeriesKey,
    /// How many sizes the benchmark has (0: unsized).
    pub sizes: usize,
    /// Along first parents, oldest first.
    pub points: Vec<HistoryPoint>,
    /// The newest commit's time budgets: (statistic, limit in ns).
    pub budgets: Vec<(String, f64)>,
    /// The baseline's samples of the series (empty without a baseline).
    pub base_samples: Vec<f64>,
    /// The latest commit's samples of the series.
    pub head_samples: Vec<f64>,
}

/// One commit of a history.
#[derive(Debug)]
pub struct HistoryPoint {
    /// The commit.
    pub commit: Commit,
    /// The run-level estimate the judge sees (ns).
    pub level: f64,
    /// The 95% CI of the median, each run's as recorded, widened over the commit's runs.
    pub band: Option<(f64, f64)>,
    /// The 95th percentile of the commit's samples, all runs together.
    pub p95: f64,
    /// The step from the commit before, judged as `history` judges it.
    pub step: Option<Change>,
}

/// Sized series that belong together: the variants of one comparison, or one sized test.
#[derive(Debug)]
pub struct Growth {
    /// The comparison's (or test's) name.
    pub name: String,
    /// One per variant, by name.
    pub variants: Vec<Variant>,
}

/// One variant's time against n at the latest commit.
#[derive(Debug)]
pub struct Variant {
    /// The variant (the part after the last `/`), or the test's name.
    pub name: String,
    /// (n, judged level in ns), ascending n.
    pub points: Vec<(u64, f64)>,
    /// The fitted growth class (`O(n log n)`), when the fit succeeds.
    pub class: Option<String>,
}

/// Reads what the report shows from `store`.
pub fn collect(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    names: &[String],
    pattern: Option<&str>,
    base: Option<&str>,
    (metric, rule): (&str, &VerdictRule),
) -> Result<ReportData, CliError> {
    let tip = crate::judging::resolve(git, None)?;
    let along = stored_first_parents(store, git, &tip.sha)?;
    // The current commit's results (the working tree's, when dirty), else the nearest commit
    // along first parents that has some: a report still shows history after a new commit.
    let latest = match head(store, git, testbed, None, metric) {
        Ok(runs) => runs,
        Err(e) => match along.first() {
            Some(sha) => head(store, git, testbed, Some(sha), metric)?,
            None => return Err(e),
        },
    };
    let judging = Judging::new(
        store,
        git,
        testbed,
        latest,
        Base::Selected(base),
        true,
        (metric, rule, Fdr::Bh),
    )?;
    let rows: Vec<Judged> = judging
        .rows
        .iter()
        .filter(|j| matches(pattern, &j.key.benchmark))
        .cloned()
        .collect();
    let base_of = base_sides(store, testbed, &judging)?;
    // Judging a long history is the slow part and is pure: the store is read a few
    // benchmarks at a time, and those are judged in parallel.
    let mut benchmarks = Vec::with_capacity(names.len());
    for chunk in names.chunks(2 * rayon::current_num_threads().max(1)) {
        let read = chunk
            .iter()
            .map(|name| {
                let mut query = HistoryQuery::new(name, testbed).along(&along);
                query.metric = metric;
                store.history(&query)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let judged: Vec<Option<BenchmarkData>> = read
            .into_par_iter()
            .map(|points| benchmark(points, &judging, &base_of, rule))
            .collect();
        benchmarks.extend(judged.into_iter().flatten());
    }
    Ok(ReportData {
        testbed: testbed.clone(),
        rule: *rule,
        branch: git.branch().map(str::to_owned),
        growth: growth(&rows),
        rows,
        judging,
        benchmarks,
        commits: along.len(),
    })
}

/// One benchmark's history (its points along first parents, nearest first), judged step by
/// step as `history` judges it; `None` when it has no results there.
fn benchmark(
    points: Vec<StoredPoint>,
    judging: &Judging,
    base_of: &BTreeMap<SeriesKey, Vec<f64>>,
    rule: &VerdictRule,
) -> Option<BenchmarkData> {
    // What `history` drops when it groups results into runs: the recorded CIs and budgets.
    let mut bands: BTreeMap<(SeriesKey, String), (f64, f64)> = BTreeMap::new();
    let mut budgets: BTreeMap<SeriesKey, Vec<(String, f64)>> = BTreeMap::new();
    for p in &points {
        let (Some(c), r) = (&p.commit, &p.record) else {
            continue;
        };
        let key = SeriesKey::new(r.benchmark.clone(), r.size);
        let s = &r.summary;
        if s.median_ci_lower.is_finite() && s.median_ci_upper.is_finite() {
            let band = bands
                .entry((key.clone(), c.sha.clone()))
                .or_insert((s.median_ci_lower, s.median_ci_upper));
            *band = (band.0.min(s.median_ci_lower), band.1.max(s.median_ci_upper));
        }
        // Nearest commit first: the first budgets seen are the newest.
        budgets.entry(key).or_insert_with(|| {
            r.budgets
                .iter()
                .filter(|b| !matches!(b.statistic.as_str(), "allocs" | "bytes"))
                .map(|b| (b.statistic.clone(), b.limit))
                .collect()
        });
    }
    let by_key = by_series(points);
    let sizes = by_key.keys().filter(|k| k.size.is_some()).count();
    // A sized benchmark is drawn at its largest size: the one its growth shows most.
    let (key, commits) = by_key.into_iter().next_back()?;
    let p95: BTreeMap<&str, f64> = commits
        .iter()
        .map(|c| (c.commit.sha.as_str(), p95_of(c.series(&key))))
        .collect();
    let prior = noise_prior(&judging.metric);
    let judged = series(
        key.clone(),
        &judging.metric,
        &commits,
        commits.len(),
        (rule, &prior),
    );
    let points = judged
        .points
        .into_iter()
        .rev()
        .map(|p| HistoryPoint {
            band: bands.get(&(key.clone(), p.commit.sha.clone())).copied(),
            p95: p95.get(p.commit.sha.as_str()).copied().unwrap_or(f64::NAN),
            level: p.level,
            step: p.step,
            commit: p.commit,
        })
        .collect();
    Some(BenchmarkData {
        head_samples: judging.head.series(&key).map(pooled).unwrap_or_default(),
        base_samples: base_of.get(&key).cloned().unwrap_or_default(),
        budgets: budgets.remove(&key).unwrap_or_default(),
        key,
        sizes,
        points,
    })
}

/// Every sample of every run of a series.
fn pooled(s: &perfkit_store::SeriesRuns) -> Vec<f64> {
    s.runs.iter().flatten().copied().collect()
}

fn p95_of(s: Option<&perfkit_store::SeriesRuns>) -> f64 {
    let mut all: Vec<f64> = s.map(pooled).unwrap_or_default();
    all.retain(|x| x.is_finite());
    all.sort_by(f64::total_cmp);
    percentile(&all, 95.0)
}

/// The baseline samples of each series the judging compared: the baseline commit's, or for a
/// benchmark that commit lacks, those of the commit its own baseline came from.
fn base_sides(
    store: &Store,
    testbed: &Testbed,
    judging: &Judging,
) -> Result<BTreeMap<SeriesKey, Vec<f64>>, CliError> {
    let mut out = BTreeMap::new();
    for s in judging.base.iter().flat_map(|b| &b.series) {
        out.insert(s.key.clone(), pooled(s));
    }
    for (name, commit) in &judging.elsewhere {
        if let Some(runs) = store.head_runs(commit, testbed, &judging.metric, HeadRuns::Clean)? {
            for s in runs.series.iter().filter(|s| &s.key.benchmark == name) {
                out.insert(s.key.clone(), pooled(s));
            }
        }
    }
    Ok(out)
}

/// Sized series grouped: `name/variant` series of one name are a comparison's variants.
fn growth(rows: &[Judged]) -> Vec<Growth> {
    let mut groups: BTreeMap<String, BTreeMap<String, Vec<(u64, f64)>>> = BTreeMap::new();
    for j in rows {
        let (Some(n), Some(level)) = (j.key.size, j.head_level) else {
            continue;
        };
        let (group, variant) = match j.key.benchmark.rsplit_once('/') {
            Some((g, v)) => (g.to_owned(), v.to_owned()),
            None => (j.key.benchmark.clone(), j.key.benchmark.clone()),
        };
        groups
            .entry(group)
            .or_default()
            .entry(variant)
            .or_default()
            .push((n, level));
    }
    groups
        .into_iter()
        .map(|(name, variants)| Growth {
            name,
            variants: variants
                .into_iter()
                .map(|(name, mut points)| {
                    points.sort_by_key(|p| p.0);
                    let fitted: Vec<FitPoint> = points
                        .iter()
                        .filter_map(|&(n, t)| Some(FitPoint::new(usize::try_from(n).ok()?, t)))
                        .collect();
                    let class = fit(&fitted).ok().map(|f| f.best.to_string());
                    Variant {
                        name,
                        points,
                        class,
                    }
                })
                .collect(),
        })
        .collect()
}

/// Where two variants cross: for each adjacent pair of sizes both measured at which their
/// order flips, the n where the straight lines between them meet on log-log axes.
pub fn crossovers(a: &Variant, b: &Variant) -> Vec<f64> {
    let at: BTreeMap<u64, f64> = b.points.iter().copied().collect();
    let both: Vec<(f64, f64)> = a
        .points
        .iter()
        .filter_map(|&(n, t)| {
            let u = at.get(&n)?;
            Some(((n as f64).ln(), (t / u).ln()))
        })
        .collect();
    both.windows(2)
        .filter(|w| w[0].1.signum() != w[1].1.signum() && w[0].1 != 0.0)
        .map(|w| {
            let ((x0, d0), (x1, d1)) = (w[0], w[1]);
            (x0 + (x1 - x0) * d0 / (d0 - d1)).exp()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossover_where_the_order_flips() {
        let a = Variant {
            name: "vec".into(),
            points: vec![(10, 1.0), (100, 10.0), (1000, 100.0)],
            class: None,
        };
        let b = Variant {
            name: "set".into(),
            points: vec![(10, 5.0), (100, 5.0), (1000, 5.0)],
            class: None,
        };
        let x = crossovers(&a, &b);
        assert_eq!(x.len(), 1);
        assert!((x[0] - 50.0).abs() < 1e-6, "{x:?}");
        assert!(crossovers(&a, &a).is_empty());
    }
}
