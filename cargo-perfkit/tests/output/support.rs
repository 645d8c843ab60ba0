//! A synthetic project: a git repository with three commits on `main` and a history store
//! with results at each, written through the store API.

use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_perfkit::Context;
use perfkit_store::{
    Allocations, BudgetOutcome, Commit, GitContext, Machine, Record, Run, Source, Store,
    StoredSummary, Testbed, Throughput, ThroughputKind, Timestamp,
};

/// The testbed every synthetic result is on.
pub fn testbed() -> Testbed {
    let machine = Machine {
        cpu: "Synthetic CPU @ 3.00GHz".into(),
        cores: 2,
        os: "linux".into(),
        arch: "x86_64".into(),
    };
    Testbed::new(
        machine,
        "rustc 1.95.0 (59807616e 2026-04-14)",
        "release",
        Some("snapshot"),
    )
}

/// 30 per-iteration times around `ns`, spread by a fixed pattern (about ±2%).
pub fn samples(ns: f64) -> Vec<f64> {
    (0..30)
        .map(|i| ns * (1.0 + (f64::from((i * 37) % 41) - 20.0) / 1000.0))
        .collect()
}

/// A record whose summary is computed from its samples, as the runtime does.
pub fn record(name: &str, size: Option<u64>, ns: f64) -> Record {
    let samples = samples(ns);
    let summary = StoredSummary::from(&perfkit::Summary::new(&samples).unwrap());
    let mut r = Record::new(name, summary, 16, samples);
    r.size = size;
    r
}

/// A project in a temporary directory.
pub struct Project {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Project {
    /// The repository root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `cargo perfkit ARGS --db DB` in the project; returns exit code and output with
    /// the temporary directory replaced by `[project]`.
    pub fn perfkit(&self, args: &[&str]) -> (u8, String, String) {
        self.perfkit_with(args, &[])
    }

    /// As [`Project::perfkit`], with extra environment variables.
    pub fn perfkit_with(&self, args: &[&str], vars: &[(&str, &str)]) -> (u8, String, String) {
        let db = self.db.display().to_string();
        let mut argv = vec!["cargo-perfkit", "perfkit"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--db", &db, "--testbed", "snapshot"]);
        let (mut ctx, out): (Context, _) = Context::captured(self.path(), vars);
        let code = cargo_perfkit::run(argv, &mut ctx);
        let tidy = |s: String| s.replace(&self.path().display().to_string(), "[project]");
        (code, tidy(out.stdout()), tidy(out.stderr()))
    }

    /// The commit `rev` names.
    pub fn commit(&self, rev: &str) -> Commit {
        GitContext::discover(self.path()).resolve(rev).unwrap()
    }

    /// Records one run at `rev` with `records`, started `minute` minutes into the day.
    pub fn record(&self, rev: &str, minute: i64, records: Vec<Record>) {
        let mut store = Store::open(&self.db).unwrap();
        let git = GitContext::discover(self.path());
        let mut run = Run::new(&git, testbed(), "0.1.0", Source::PerfTest);
        run.commit = Some(self.commit(rev));
        run.dirty = false;
        run.branch = Some("main".into());
        run.started_at = Timestamp::from_unix_ms(1_776_150_000_000 + minute * 60_000);
        store.record_run(&run, &records).unwrap();
    }
}

fn git(dir: &Path, args: &[&str], day: u32) {
    let date = format!("2026-04-{day:02}T10:00:00Z");
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// A repository with commits on days 10, 11, 12 (`initial`, `parse: avoid a copy`,
/// `render: add borders`) and no results yet.
pub fn repository() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q", "-b", "main"], 10);
    for (day, subject) in [
        (10, "initial"),
        (11, "parse: avoid a copy"),
        (12, "render: add borders"),
    ] {
        std::fs::write(p.join("notes.txt"), subject).unwrap();
        git(p, &["add", "notes.txt"], day);
        git(p, &["commit", "-q", "-m", subject], day);
    }
    let db = p.join(".perfkit").join("history.db");
    Project { dir, db }
}

/// The repository with history: at each commit `parse` (faster at the second),
/// `render` (3x slower at the third), `lookup` (sized, unchanged) and, only at the first two,
/// `legacy`. The third commit has three runs (replicates, the judge's noise floor); `render`
/// has budgets, throughput and allocations.
pub fn project() -> Project {
    let p = repository();
    let render = |ns: f64| {
        let mut r = record("app::render", None, ns);
        r.budgets = vec![
            BudgetOutcome {
                statistic: "median".into(),
                limit: 5_000.0,
                estimate: r.summary.median,
                passed: r.summary.median <= 5_000.0,
            },
            BudgetOutcome {
                statistic: "allocs".into(),
                limit: 4.0,
                estimate: 2.0,
                passed: true,
            },
        ];
        r.allocations = Some(Allocations {
            allocs: 2.0,
            bytes: 96.0,
        });
        r.throughput = Some(Throughput {
            kind: ThroughputKind::Bytes,
            per_iteration: 4096,
        });
        r
    };
    let common = |parse: f64, render_ns: f64| {
        vec![
            record("app::parse", None, parse),
            render(render_ns),
            record("app::lookup", Some(1000), 250.0),
            record("app::lookup", Some(8000), 2_000.0),
        ]
    };
    let mut first = common(1_200.0, 1_000.0);
    first.push(record("app::legacy", None, 50.0));
    p.record("HEAD~2", 0, first);
    let mut second = common(900.0, 1_000.0);
    second.push(record("app::legacy", None, 50.0));
    p.record("HEAD~1", 10, second);
    p.record("HEAD", 20, common(900.0, 3_000.0));
    p.record("HEAD", 25, common(900.0, 3_000.0));
    p.record("HEAD", 30, common(900.0, 3_000.0));
    p
}
