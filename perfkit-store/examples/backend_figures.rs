//! SQLite beside PostgreSQL on the same data: the figures of issue 14.
//!
//! ```text
//! cargo run --release -p perfkit-store --example backend_figures -- \
//!     COMMITS BENCHMARKS postgres://USER@HOST:PORT/DB
//! ```
//!
//! For each backend it builds a store of COMMITS commits, one run of BENCHMARKS results (100
//! samples each) per commit, one transaction per run, and then measures: recording one run of
//! 100 results (median of 30); one benchmark's history along all COMMITS first-parent commits,
//! with samples (median of 5); a baseline lookup one commit back and COMMITS commits back
//! (median of 20); and `sync` of the whole store into an empty store of each backend. The
//! PostgreSQL URL (or `PERFKIT_FIGURES_POSTGRES`) names a server and a database to connect to
//! whose user may create databases; the figures use databases of their own, dropped at the
//! end. Without one only SQLite is measured. The issue's size is `10000 100`.

use std::time::{Duration, Instant};

use perfkit_store::{
    BaselineQuery, Commit, DbLocation, HistoryQuery, Machine, Record, Run, RunFilter, Source,
    Store, StoredSummary, Testbed, Timestamp, sync,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: backend_figures COMMITS BENCHMARKS [postgres://USER@HOST:PORT/DB]";
    let number = |i: usize| -> u64 {
        args.get(i)
            .and_then(|a| a.replace(['_', ','], "").parse().ok())
            .unwrap_or_else(|| panic!("{usage}"))
    };
    let (commits, benchmarks) = (number(0), number(1));
    assert!(commits >= 2 && benchmarks >= 1, "{usage}");
    let admin = args
        .get(2)
        .cloned()
        .or_else(|| std::env::var("PERFKIT_FIGURES_POSTGRES").ok())
        .filter(|u| !u.is_empty());
    println!(
        "backend_figures {commits} {benchmarks}: {commits} commits x {benchmarks} benchmarks = {} \
         results of 100 samples, one run per commit",
        commits * benchmarks
    );

    let dir = tempfile::tempdir().unwrap();
    let sqlite = |name: &str| DbLocation::Sqlite(dir.path().join(name));
    let mut databases = Databases::new(admin.as_deref());
    let mut sources = vec![("SQLite", sqlite("history.db"))];
    sources.extend(databases.create("history").map(|l| ("PostgreSQL", l)));

    let mut table: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut row = |what: String, column: usize, t: Duration| {
        if let Some(r) = table.iter_mut().find(|r| r.0 == what) {
            r.1.push(t);
        } else {
            assert_eq!(column, 0, "{what}");
            table.push((what, vec![t]));
        }
    };
    let data = Data::new(commits, benchmarks);
    for (column, (backend, location)) in sources.iter().enumerate() {
        eprintln!("{backend}: building the store");
        let mut store = Store::open_location(location).unwrap();
        let (t, ()) = time(|| data.build(&mut store));
        row(
            format!("build: {commits} runs of {benchmarks} results"),
            column,
            t,
        );
        for (what, t) in data.measure(&mut store) {
            row(what, column, t);
        }
        let mut targets = vec![("SQLite", sqlite(&format!("copy-{column}.db")))];
        targets.extend(
            databases
                .create(&format!("copy_{column}"))
                .map(|l| ("PostgreSQL", l)),
        );
        for (target, at) in targets {
            eprintln!("{backend}: sync to {target}");
            let mut to = Store::open_location(&at).unwrap();
            let (t, report) = time(|| sync(&store, &mut to, &RunFilter::default()).unwrap());
            assert_eq!(report.copied, commits + 30, "every run copied");
            row(
                format!(
                    "sync of {} results from this backend into an empty {target}",
                    report.results
                ),
                column,
                t,
            );
        }
    }

    let names: Vec<&str> = sources.iter().map(|s| s.0).collect();
    println!("\n| what | {} |", names.join(" | "));
    println!("|---|{}", "---:|".repeat(names.len()));
    for (what, times) in &table {
        let cells: Vec<String> = times.iter().map(|t| format!("{t:.2?}")).collect();
        println!("| {what} | {} |", cells.join(" | "));
    }
    drop(databases);
}

/// The synthetic history: fake commits in a line, one testbed, deterministic samples.
struct Data {
    commits: u64,
    benchmarks: u64,
    testbed: Testbed,
    /// Nearest first, as `GitContext::first_parents` gives them.
    shas: Vec<String>,
}

impl Data {
    fn new(commits: u64, benchmarks: u64) -> Data {
        let machine = Machine {
            cpu: "Figures CPU".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        Data {
            commits,
            benchmarks,
            testbed: Testbed::new(machine, "rustc 1.95.0", "release", None),
            shas: (0..commits).rev().map(|i| commit(i).sha).collect(),
        }
    }

    fn run(&self, at: u64) -> Run {
        Run {
            commit: Some(commit(at)),
            testbed: self.testbed.clone(),
            dirty: false,
            branch: Some("main".into()),
            started_at: Timestamp::from_unix_ms(1_700_000_000_000 + at as i64 * 60_000),
            perfkit_version: "0.1.0".into(),
            source: Source::PerfTest,
            notes: vec![],
        }
    }

    /// One run per commit; `rare` only at the oldest, the worst case of a baseline search.
    fn build(&self, store: &mut Store) {
        for c in 0..self.commits {
            let mut records: Vec<_> = (0..self.benchmarks)
                .map(|b| record(&format!("bench/{b:03}"), c * 1000 + b))
                .collect();
            if c == 0 {
                records.push(record("rare", 1));
            }
            store.record_run(&self.run(c), &records).unwrap();
        }
    }

    fn measure(&self, store: &mut Store) -> Vec<(String, Duration)> {
        let mut out = Vec::new();
        let tb = &self.testbed;
        // 30 more commits past the history's head, as CI adds them.
        let runs = (0..30)
            .map(|i| {
                let records: Vec<_> = (0..100)
                    .map(|b| record(&format!("bench/{b:03}"), i * 1000 + b))
                    .collect();
                let run = self.run(self.commits + i);
                time(|| store.record_run(&run, &records).unwrap()).0
            })
            .collect();
        out.push((
            "record one run of 100 results (median of 30)".into(),
            median(runs),
        ));
        let q = HistoryQuery::new("bench/000", tb).along(&self.shas);
        let times = (0..5)
            .map(|_| {
                let (t, points) = time(|| store.history(&q).unwrap());
                assert_eq!(points.len() as u64, self.commits);
                t
            })
            .collect();
        out.push((
            format!(
                "history of one benchmark along {} commits, with samples (median of 5)",
                self.commits
            ),
            median(times),
        ));
        for (what, name) in [
            ("one commit back".to_owned(), "bench/000"),
            (format!("{} commits back", self.commits - 1), "rare"),
        ] {
            let query = BaselineQuery::new(tb).benchmark(name);
            let times = (0..20)
                .map(|_| {
                    let (t, b) = time(|| {
                        store
                            .baseline(&query, self.shas[1..].iter().cloned())
                            .unwrap()
                    });
                    assert!(b.is_some());
                    t
                })
                .collect();
            out.push((
                format!("baseline of one benchmark, {what} (median of 20)"),
                median(times),
            ));
        }
        out
    }
}

/// Databases created on the figures' server, dropped at the end.
struct Databases {
    admin: Option<(String, postgres::Client)>,
    created: Vec<String>,
}

impl Databases {
    fn new(url: Option<&str>) -> Databases {
        let admin = url.map(|url| {
            let client = postgres::Client::connect(url, postgres::NoTls).unwrap_or_else(|e| {
                panic!("connecting to {}: {e}", perfkit_store::redact_url(url))
            });
            (url.to_owned(), client)
        });
        Databases {
            admin,
            created: Vec::new(),
        }
    }

    fn create(&mut self, name: &str) -> Option<DbLocation> {
        let (url, client) = self.admin.as_mut()?;
        let name = format!("perfkit_figures_{}_{name}", std::process::id());
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            client.batch_execute(&sql).unwrap();
        }
        self.created.push(name.clone());
        let (base, query) = match url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (url.as_str(), String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Some(DbLocation::Postgres(format!("{server}/{name}{query}")))
    }
}

impl Drop for Databases {
    fn drop(&mut self) {
        if let Some((_, client)) = self.admin.as_mut() {
            for name in &self.created {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn commit(n: u64) -> Commit {
    Commit {
        sha: format!("{n:040x}"),
        parents: if n == 0 {
            vec![]
        } else {
            vec![format!("{:040x}", n - 1)]
        },
        author_time: 1_700_000_000 + n as i64 * 60,
        summary: format!("commit {n}"),
    }
}

/// A result of `name` with 100 samples derived from `seed`.
fn record(name: &str, seed: u64) -> Record {
    let samples: Vec<f64> = (0..100u64)
        .map(|i| 100.0 + ((seed.wrapping_mul(31).wrapping_add(i * 7)) % 97) as f64 / 8.0)
        .collect();
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    let summary = StoredSummary {
        n: samples.len() as u64,
        mean,
        median: mean,
        ..StoredSummary::default()
    };
    Record::new(name, summary, 1_000, samples)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}
