//! The command line, as clap reads it.
//!
//! `bin_name = "cargo"` with a `perfkit` subcommand: cargo runs an external subcommand as
//! `cargo-perfkit perfkit ARGS`, so `cargo perfkit ARGS`, `cargo-perfkit perfkit ARGS` and the
//! repository's alias (`cargo run -p cargo-perfkit -- perfkit ARGS`) all parse the same.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `cargo`, as far as this binary is concerned: only its `perfkit` subcommand.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::Styles::plain())]
pub enum Cargo {
    /// perfkit's history, comparisons and merge gate.
    Perfkit(Perfkit),
}

/// perfkit's history: trends per commit, comparisons with verdicts, a merge gate for CI.
#[derive(Debug, Args)]
#[command(version, after_help = AFTER_HELP)]
pub struct Perfkit {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

const AFTER_HELP: &str = "\
Exit codes: 0 fine; 1 a regression (check) or failed tests (run); 2 a usage or environment error.
Settings come from the environment and perfkit.toml like the perf tests' (PERFKIT_DB,
PERFKIT_TESTBED, PERFKIT_BASELINE, PERFKIT_ALPHA, PERFKIT_THRESHOLD); flags win over both.";

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The history store: a SQLite file (relative to the current directory) or a postgres://
    /// URL. Default: PERFKIT_DB, else <workspace root>/.perfkit/history.db.
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<String>,

    /// The testbed whose history to read (a name from `cargo perfkit list`, or a fingerprint).
    /// Default: this machine's, or the only one in the store.
    #[arg(long, global = true, value_name = "NAME")]
    pub testbed: Option<String>,
}

/// How reports are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for people (coloured on a terminal unless NO_COLOR is set).
    Table,
    /// JSON with a versioned schema (docs/cli-json.md), for machines.
    Json,
    /// GitHub-flavoured markdown, for PR comments and step summaries.
    Markdown,
}

/// How p-values are adjusted when many benchmarks are judged at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Fdr {
    /// Benjamini-Hochberg: verdicts on q-values, controlling the false discovery rate.
    Bh,
    /// No adjustment: verdicts on each benchmark's own p-value.
    None,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run `cargo test --release` with perf tests recording, then compare this run with its
    /// baseline.
    Run(RunArgs),
    /// Per benchmark, its results commit by commit along first-parent history.
    History(HistoryArgs),
    /// Every benchmark at two commits side by side, with change, CI, p, q and verdict.
    Compare(CompareArgs),
    /// The merge gate: exit 1 when the current commit significantly regressed a benchmark.
    Check(CheckArgs),
    /// Build BASE and HEAD, run their perf tests in alternating rounds, gate on a paired test.
    Ab(AbArgs),
    /// Benchmarks, testbeds and commits in the store.
    List(ListArgs),
    /// A markdown performance baseline document for the current commit.
    Baseline(BaselineArgs),
    /// Record results of other tools under the current commit.
    Import(ImportArgs),
    /// History for other tools: JSON, CSV, or Bencher Metric Format.
    Export(ExportArgs),
    /// Prune old history: keep the newest commits of each branch.
    Gc(GcArgs),
    /// Copy history between stores (SQLite files, postgres:// URLs); runs already there are
    /// skipped, so syncing again copies only what is new. --testbed NAME copies only that
    /// testbed's runs.
    Sync(SyncArgs),
    /// One self-contained HTML file with SVG plots: changes, history, distributions, growth.
    Report(ReportArgs),
    /// Sample the matching perf tests' routines: flame graphs and the hottest functions.
    Profile(ProfileArgs),
}

/// `cargo perfkit profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Only perf tests whose test name contains this (cargo test's filter).
    pub pattern: Option<String>,
    /// Package(s) to test (passed to cargo test).
    #[arg(short, long = "package", value_name = "PKG")]
    pub package: Vec<String>,
    /// Test all packages in the workspace (passed to cargo test).
    #[arg(long)]
    pub workspace: bool,
    /// How long to sample each routine (default 10s: about 2,500 samples at the kernel's
    /// usual 250 per second). Longer on a busy machine, until enough samples arrived.
    #[arg(long, value_name = "DUR", value_parser = profile_time)]
    pub time: Option<String>,
    /// Also explain what grew since BASE: the profiles stored at BASE against these.
    #[arg(long, value_name = "BASE")]
    pub diff: Option<String>,
    /// More arguments for `cargo test` (`--features`, `-- --exact`, ...).
    #[arg(last = true, value_name = "CARGO TEST ARGS")]
    pub cargo_args: Vec<String>,
}

/// `profile --time`: a duration in the settings' grammar, passed on as written.
fn profile_time(text: &str) -> Result<String, String> {
    match perfkit::grammar::duration_ns(text) {
        Ok(ns) if ns.value > 0 => Ok(text.to_owned()),
        Ok(_) => Err("give a duration above zero, e.g. 10s".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

/// `cargo perfkit sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The store to copy from: a SQLite file (relative to the current directory) or a
    /// postgres:// URL.
    #[arg(value_name = "FROM")]
    pub from: String,
    /// The store to copy into (created if it does not exist).
    #[arg(value_name = "TO")]
    pub to: String,
    /// Only runs on this branch.
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Only runs started on or after this date (UTC), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", value_parser = crate::render::units::parse_date)]
    pub since: Option<i64>,
}

/// The verdict rule's options and the metric judged, shared by `run`, `history`, `compare` and
/// `check`.
#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// Significance level, in (0, 0.5] (default: PERFKIT_ALPHA, perfkit.toml, else 0.01).
    #[arg(long, value_name = "A", value_parser = perfkit::grammar::alpha)]
    pub alpha: Option<f64>,
    /// Smallest change that counts, a percentage: 5% or 5 (default: PERFKIT_THRESHOLD,
    /// perfkit.toml, else 5%).
    #[arg(long, value_name = "PCT", value_parser = perfkit::grammar::threshold)]
    pub threshold: Option<f64>,
    /// False discovery control across benchmarks.
    #[arg(long, value_enum, default_value_t = Fdr::Bh)]
    pub fdr: Fdr,
    /// Which metric's series are judged and shown: time (ns per iteration, the default), or a
    /// count from `PERFKIT=instructions` runs: instructions, estimated_cycles, l1_misses,
    /// ll_misses (per iteration; their default threshold is 1%). `run` and `ab` with
    /// `--metric instructions` count under Valgrind.
    #[arg(long, value_name = "METRIC", default_value = perfkit_store::DEFAULT_METRIC)]
    pub metric: String,
}

/// `cargo perfkit run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Package(s) to test (passed to cargo test).
    #[arg(short, long = "package", value_name = "PKG")]
    pub package: Vec<String>,
    /// Test all packages in the workspace (passed to cargo test).
    #[arg(long)]
    pub workspace: bool,
    /// Run the tests this many times, in separate processes: each is one run of the commit
    /// (replicates, which give the judge its noise floor).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
    /// Compare with the merge-base with this revision (like PERFKIT_BASELINE).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// A short sampling plan (PERFKIT=quick) for a fast, rough signal.
    #[arg(long)]
    pub quick: bool,
    /// Output format of the comparison.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Verdict rule.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// More arguments for `cargo test` (filters, --features, `-- --exact`, ...).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CARGO TEST ARGS"
    )]
    pub cargo_args: Vec<String>,
}

/// `cargo perfkit history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only benchmarks whose name contains this (`*` matches anything).
    pub pattern: Option<String>,
    /// Commits shown per benchmark (newest first; at least 1).
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = commits_to_show)]
    pub limit: usize,
    /// Follow this branch's first parents instead of HEAD's.
    #[arg(long, value_name = "B")]
    pub branch: Option<String>,
    /// Verdict rule for the steps between commits.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `cargo perfkit compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The base revision (default: the head's baseline by perfkit's rule).
    pub base: Option<String>,
    /// The head revision (default: the current commit).
    pub head: Option<String>,
    /// Verdict rule.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `cargo perfkit check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Compare with the newest results at or before the merge-base with this revision.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Exit 1 when there is no baseline to compare with (default: pass with a notice).
    #[arg(long)]
    pub require_baseline: bool,
    /// Verdict rule.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Explain each regression from the profiles stored at both commits: the functions whose
    /// share grew, and a differential flame graph.
    #[arg(long)]
    pub explain: bool,
}

/// `cargo perfkit ab`.
#[derive(Debug, Args)]
pub struct AbArgs {
    /// The base revision (branch, tag, SHA), built in a git worktree of its own.
    pub base: String,
    /// The head revision (default: the working tree, uncommitted changes included).
    pub head: Option<String>,
    /// Package(s) to test (passed to cargo test).
    #[arg(short, long = "package", value_name = "PKG")]
    pub package: Vec<String>,
    /// Test all packages in the workspace (passed to cargo test).
    #[arg(long)]
    pub workspace: bool,
    /// Rounds, each running both sides once (A B, then B A, ...). Default: 10; 3 for a count
    /// (`--metric instructions`), which barely varies between processes.
    #[arg(long, value_name = "N", conflicts_with = "time",
          value_parser = clap::value_parser!(u32).range(3..=1000))]
    pub rounds: Option<u32>,
    /// A wall-time budget for the rounds (e.g. 90s): the first round is timed and the rounds
    /// that fit are run (at least 3).
    #[arg(long, value_name = "DUR", value_parser = crate::ab::schedule::time_budget)]
    pub time: Option<std::time::Duration>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Explain each regression: after the rounds, profile its perf test on both sides, then
    /// list the functions whose share grew and draw a differential flame graph.
    #[arg(long)]
    pub explain: bool,
    /// Verdict rule.
    #[command(flatten)]
    pub rule: RuleArgs,
    /// Arguments for `cargo test` after `--` (features, targets, test name filters, and
    /// after a second `--` the test binaries' own arguments).
    #[arg(last = true, value_name = "CARGO TEST ARGS")]
    pub cargo_args: Vec<String>,
}

/// `cargo perfkit list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `cargo perfkit baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
}

/// `cargo perfkit import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Where the results come from.
    #[command(subcommand)]
    pub source: ImportSource,
}

/// The tools `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// criterion's output directory (`*/new/benchmark.json` and `sample.json`).
    Criterion(CriterionArgs),
}

/// `cargo perfkit import criterion`.
#[derive(Debug, Args)]
pub struct CriterionArgs {
    /// criterion's output (default: $CARGO_TARGET_DIR/criterion, else target/criterion).
    pub dir: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Every result with its summary (schema 1, docs/cli-json.md).
    Json,
    /// One line per result.
    Csv,
    /// Bencher Metric Format: the current commit's medians with their CIs.
    Bmf,
}

/// `cargo perfkit export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only benchmarks whose name contains this (`*` matches anything).
    pub pattern: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Which metric's series are exported: time (ns per iteration, the default), or a count
    /// from `PERFKIT=instructions` runs (instructions, estimated_cycles, l1_misses, ll_misses).
    #[arg(long, value_name = "METRIC", default_value = perfkit_store::DEFAULT_METRIC)]
    pub metric: String,
}

/// `cargo perfkit gc`.
#[derive(Debug, Args)]
pub struct GcArgs {
    /// Commits to keep per branch, newest first (at least 1: the current commit's results stay).
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = commits_to_keep)]
    pub keep: usize,
    /// Only say what would be deleted.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// `cargo perfkit report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only benchmarks whose name contains this (`*` matches anything).
    pub pattern: Option<String>,
    /// Where to write it (default: <workspace root>/target/perfkit/report.html).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Compare with the newest results at or before the merge-base with this revision.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Open the file in a browser once written.
    #[arg(long)]
    pub open: bool,
    /// Which metric's series are drawn and judged: time (the default), or a count from
    /// `PERFKIT=instructions` runs (instructions, estimated_cycles, l1_misses, ll_misses).
    #[arg(long, value_name = "METRIC", default_value = perfkit_store::DEFAULT_METRIC)]
    pub metric: String,
}

/// `gc --keep N`: a whole number, at least 1.
fn commits_to_keep(text: &str) -> Result<usize, String> {
    count(
        text,
        "0 would delete the results of the current commit too; keep at least 1",
    )
}

/// `history --limit N`: a whole number, at least 1.
fn commits_to_show(text: &str) -> Result<usize, String> {
    count(text, "0 would show no commits; show at least 1")
}

/// A whole number of commits, at least 1; `zero` says why 0 is refused.
fn count(text: &str, zero: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err(zero.to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err("give a whole number of commits, at least 1".into()),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn rule(flags: &[&str]) -> Result<RuleArgs, String> {
        let args = ["cargo", "perfkit", "check"].iter().chain(flags);
        match Cargo::try_parse_from(args).map_err(|e| e.to_string())? {
            Cargo::Perfkit(Perfkit {
                command: Command::Check(check),
                ..
            }) => Ok(check.rule),
            other => panic!("parsed as {other:?}"),
        }
    }

    /// Issue 11: `--threshold 5` and `threshold = 5` in perfkit.toml meant 5% and 500%.
    #[test]
    fn flags_read_with_the_settings_grammar() {
        assert_eq!(rule(&["--threshold", "5"]).unwrap().threshold, Some(0.05));
        assert_eq!(rule(&["--threshold", "5%"]).unwrap().threshold, Some(0.05));
        assert_eq!(rule(&["--alpha", "0.05"]).unwrap().alpha, Some(0.05));
        let ambiguous = rule(&["--threshold", "0.05"]).unwrap_err();
        assert!(
            ambiguous.contains("'--threshold <PCT>'") && ambiguous.contains("is ambiguous"),
            "{ambiguous}"
        );
        let out_of_range = rule(&["--alpha", "0.9"]).unwrap_err();
        assert!(
            out_of_range.contains("'--alpha <A>'") && out_of_range.contains("at most 0.5"),
            "{out_of_range}"
        );
    }
}
