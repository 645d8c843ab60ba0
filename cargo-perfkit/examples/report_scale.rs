//! How long `cargo perfkit report` takes on a large synthetic history, and a report to look
//! at.
//!
//! ```text
//! cargo run --release -p cargo-perfkit --example report_scale -- [BENCHMARKS] [COMMITS] [--out FILE]
//! ```
//!
//! Builds a git repository of COMMITS commits (default 1000, with `git fast-import`) and a
//! store with a run of BENCHMARKS benchmarks (default 100) at each: most unsized, with slow
//! drifts and a few real steps (and at the newest commit a regression and an improvement); four of them sized (two comparisons of two variants at six
//! sizes, whose lines cross). Then writes the report and prints how long that took (the
//! store is built before the clock starts). `--out` keeps the report; without it, it is
//! written into the temporary directory and deleted.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use cargo_perfkit::Context;
use perfkit_store::{
    BudgetOutcome, GitContext, Machine, Record, Run, Source, Store, StoredSummary, Testbed,
    Timestamp,
};

const SIZES: [u64; 6] = [100, 200, 400, 800, 1_600, 3_200];
const SAMPLES: usize = 50;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut benchmarks, mut commits, mut out) = (100_usize, 1000_usize, None);
    let mut positional = 0;
    while let Some(a) = args.next() {
        if a == "--out" {
            out = args.next().map(|p| std::path::absolute(p).expect("a path"));
        } else {
            let n: usize = a.parse().expect("BENCHMARKS and COMMITS are whole numbers");
            if positional == 0 {
                benchmarks = n.max(4);
            } else {
                commits = n.max(1);
            }
            positional += 1;
        }
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let started = Instant::now();
    let shas = repository(dir.path(), commits);
    let db = dir.path().join("history.db");
    record(dir.path(), &db, &shas, benchmarks);
    let built = started.elapsed();

    let out = out.unwrap_or_else(|| dir.path().join("report.html"));
    let (out_arg, db_arg) = (out.display().to_string(), db.display().to_string());
    let argv = [
        "cargo-perfkit",
        "perfkit",
        "report",
        "--out",
        &out_arg,
        "--db",
        &db_arg,
        "--testbed",
        "synthetic",
    ];
    let (mut ctx, captured) = Context::captured(dir.path(), &[]);
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let code = cargo_perfkit::run(argv, &mut ctx);
    let (took, cpu) = (
        started.elapsed(),
        cpu_seconds().map(|end| end - cpu.unwrap_or(end)),
    );
    assert_eq!(code, 0, "{}{}", captured.stdout(), captured.stderr());
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    println!(
        "report of {benchmarks} benchmarks x {commits} commits: written in {:.2} s, {} CPU \
         ({:.1} MB; store built in {:.1} s)",
        took.as_secs_f64(),
        cpu.map_or("?".to_owned(), |c| format!("{c:.2} s")),
        size as f64 / 1e6,
        built.as_secs_f64()
    );
}

/// This process's CPU time so far (user and system, Linux's /proc), which a loaded machine
/// inflates less than the wall time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(ticks / 100.0)
}

/// A repository of `n` commits on `main`, one hour apart; their SHAs, oldest first.
fn repository(dir: &Path, n: usize) -> Vec<String> {
    git(dir, &["init", "-q", "-b", "main"], None);
    let mut stream = String::new();
    for i in 1..=n {
        let subject = match i % 7 {
            0 => format!("parse: tighter loop ({i})"),
            3 => format!("render: cache glyphs ({i})"),
            _ => format!("change {i}"),
        };
        let content = format!("{i}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{i}\ncommitter Ada <ada@example.com> {} +0000\n\
             data {}\n{subject}\n",
            1_770_000_000 + i * 3600,
            subject.len() + 1
        ));
        if i > 1 {
            stream.push_str(&format!("from :{}\n", i - 1));
        }
        stream.push_str(&format!(
            "M 644 inline notes.txt\ndata {}\n{content}\n",
            content.len()
        ));
    }
    git(dir, &["fast-import", "--quiet"], Some(&stream));
    git(dir, &["reset", "-q", "--hard", "main"], None);
    let out = Command::new("git")
        .args(["rev-list", "--first-parent", "--reverse", "main"])
        .current_dir(dir)
        .output()
        .expect("git runs");
    String::from_utf8(out.stdout)
        .expect("SHAs")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn git(dir: &Path, args: &[&str], input: Option<&str>) {
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::piped())
        .spawn()
        .expect("git runs");
    if let Some(text) = input {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("git reads its input");
    }
    drop(child.stdin.take());
    assert!(child.wait().expect("git ends").success(), "git {args:?}");
}

fn testbed() -> Testbed {
    let machine = Machine {
        cpu: "Synthetic CPU @ 3.00GHz".into(),
        cores: 2,
        os: "linux".into(),
        arch: "x86_64".into(),
    };
    Testbed::new(machine, "rustc 1.95.0", "release", Some("synthetic"))
}

/// A fixed pseudo-random stream (xorshift), so every store is the same.
struct Noise(u64);

impl Noise {
    /// A number in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

fn result(name: &str, size: Option<u64>, ns: f64, noise: &mut Noise) -> Record {
    let samples: Vec<f64> = (0..SAMPLES)
        .map(|_| ns * (1.0 + 0.02 * noise.next() + 0.03 * noise.next().max(0.0).powi(4)))
        .collect();
    let summary = StoredSummary::from(&perfkit::Summary::new(&samples).expect("samples"));
    let mut r = Record::new(name, summary, 64, samples);
    r.size = size;
    r
}

/// One run per commit: `benchmarks - 4` unsized benchmarks and two comparisons of two sized
/// variants each.
fn record(dir: &Path, db: &Path, shas: &[String], benchmarks: usize) {
    let git = GitContext::discover(dir);
    let mut store = Store::open(db).expect("a store");
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let unsized_count = benchmarks - 4;
    for (i, sha) in shas.iter().enumerate() {
        let commit = git.resolve(sha).expect("the commit");
        let mut records = Vec::with_capacity(benchmarks + 20);
        for b in 0..unsized_count {
            let base = 200.0 * (1.0 + b as f64 % 17.0);
            // A slow drift, and for some benchmarks a step (a regression at 60% of history,
            // fixed at 85%).
            let drift = 1.0 + 0.03 * ((i as f64 / 90.0) + b as f64).sin();
            let at = i * 100 / shas.len().max(1);
            // And at the newest commit, one regression and one improvement for the overview.
            let newest = i + 1 == shas.len();
            let step = match b {
                _ if b % 5 == 0 && (60..85).contains(&at) => 1.25,
                1 if newest => 1.3,
                3 if newest => 0.8,
                _ => 1.0,
            };
            let mut r = result(
                &format!("app::bench_{b:03}"),
                None,
                base * drift * step,
                &mut noise,
            );
            if b % 10 == 1 {
                r.budgets = vec![BudgetOutcome {
                    statistic: "median".into(),
                    limit: base * 1.2,
                    estimate: r.summary.median,
                    passed: r.summary.median <= base * 1.2,
                }];
            }
            records.push(r);
        }
        for (group, scale) in [("dedup", 1.0), ("search", 0.3)] {
            for n in SIZES {
                let n_f = n as f64;
                records.push(result(
                    &format!("{group}/sort_then_scan"),
                    Some(n),
                    scale * 40.0 * n_f * n_f.ln(),
                    &mut noise,
                ));
                records.push(result(
                    &format!("{group}/nested_loops"),
                    Some(n),
                    scale * 0.9 * n_f * n_f,
                    &mut noise,
                ));
            }
        }
        let mut run = Run::new(&git, testbed(), "0.1.0", Source::PerfTest);
        run.commit = Some(commit);
        run.dirty = false;
        run.branch = Some("main".into());
        run.started_at = Timestamp::from_unix_ms(1_770_000_000_000 + i as i64 * 3_600_000);
        store.record_run(&run, &records).expect("recorded");
    }
}
