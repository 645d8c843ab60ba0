//! Measures how much each run-level estimator moves between runs of the same code: the figure
//! by which `RunEstimate`'s default estimator and the noise prior are chosen.
//!
//! Record many runs of unchanged code into one store (each run a separate process), then:
//!
//! ```sh
//! cargo run --release -p perfkit --example run_stability -- path/to/history.db [more.db ...]
//! ```
//!
//! For every series (benchmark, size, testbed, commit) with at least 3 clean or dirty runs it
//! prints each estimator's run-to-run sd of the log-level (≈ relative spread) beside the
//! within-run sd the runs claim, and the median over series. The run-to-run sd of the default
//! estimator, with the within-run part taken out, is the between-run τ the prior stands for.

use std::collections::BTreeMap;
use std::path::Path;

use perfkit::compare::{Estimator, estimator_stability};
use perfkit_store::{HistoryQuery, Store};

/// (benchmark, size, store and testbed, commit): the runs of one series at one commit.
type SeriesKey = (String, Option<u64>, String, String);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: run_stability <history.db> [more.db ...]".into());
    }
    let mut series: BTreeMap<SeriesKey, Vec<Vec<f64>>> = BTreeMap::new();
    for path in &paths {
        let store = Store::open_read_only(Path::new(path))?;
        for testbed in store.testbeds()? {
            for bench in store.benchmarks()? {
                let mut query = HistoryQuery::new(&bench.name, &testbed.testbed);
                query.include_dirty = true;
                for point in store.history(&query)? {
                    let commit = point.commit.map(|c| c.sha).unwrap_or_default();
                    let key = (
                        bench.name.clone(),
                        point.record.size,
                        format!("{path}:{}", testbed.id),
                        commit,
                    );
                    series.entry(key).or_default().push(point.record.samples);
                }
            }
        }
    }

    let mut per_estimator: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    println!(
        "{:<48} {:>5}  {}",
        "series",
        "runs",
        Estimator::ALL
            .iter()
            .map(|e| format!("{:>22}", format!("{e:?} sd/within")))
            .collect::<String>()
    );
    for ((bench, size, _, commit), runs) in &series {
        if runs.len() < 3 {
            continue;
        }
        let name = match size {
            Some(n) => format!("{bench} (n = {n}) @{}", &commit[..commit.len().min(7)]),
            None => format!("{bench} @{}", &commit[..commit.len().min(7)]),
        };
        let stability = estimator_stability(runs);
        let cells: String = stability
            .iter()
            .map(|s| {
                let entry = per_estimator
                    .entry(format!("{:?}", s.estimator))
                    .or_default();
                entry.0.push(s.run_to_run_sd);
                entry.1.push(s.within_sd);
                format!(
                    "{:>22}",
                    format!(
                        "{:.2}% / {:.2}%",
                        100.0 * s.run_to_run_sd,
                        100.0 * s.within_sd
                    )
                )
            })
            .collect();
        println!("{name:<48} {:>5}  {cells}", runs.len());
    }
    println!();
    for (estimator, (sd, within)) in &mut per_estimator {
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
        };
        let worst = sd.iter().copied().fold(f64::NAN, f64::max);
        println!(
            "{estimator:<12} median run-to-run sd {:.2}%  worst {:.2}%  median within-run sd {:.2}%",
            100.0 * median(sd),
            100.0 * worst,
            100.0 * median(within)
        );
    }
    Ok(())
}
