//! `cargo perfkit ab BASE [HEAD]`: build both revisions, run their perf tests in interleaved
//! rounds (A B, B A, ...), and gate on a paired test of the per-round changes.
//!
//! Each side's test binaries are built once, in git worktrees with target directories of
//! their own (the working tree's content too, so that both sides' paths have one length; see
//! `ab::checkout`). Every round runs each side's binaries once with the quick plan
//! (`PERFKIT=quick`: about 0.2 s per benchmark), each process recording a run into the
//! workspace's one store under its side's commit, so both sides join history. Drift and noisy
//! neighbours that last longer than a round hit both sides of it, and cancel in the per-round
//! ratio. Verdicts, exit codes and output are `check`'s.
//!
//! With `--metric instructions` (or another callgrind count) the rounds count instead of
//! timing (`PERFKIT=instructions`), the verdicts use the counts' rule, and the default is
//! [`COUNT_ROUNDS`] rounds: counts barely vary, so more rounds would buy little.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use perfkit::compare::{COUNT_METRICS, Verdict, is_count};
use perfkit::measure::callgrind;
use perfkit_store::{Commit, CommitRuns, DbLocation, SeriesKey, Timestamp};

use super::check::{explain_regressions, gate_verdict, report};
use crate::ab::build::{TestArgs, TestBinary, build};
use crate::ab::checkout::{CargoWorkspace, Checkout, Content, lock_slots, worktree};
use crate::ab::paired::{judge_paired, pair, rows};
use crate::ab::rounds::{Recorded, Rounds, RunPlan, SideRunner, Which, order, seconds};
use crate::ab::schedule::{COUNT_ROUNDS, DEFAULT_ROUNDS, rounds_that_fit};
use crate::cli::{AbArgs, Global};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::explain::Sides;
use crate::judging::Judging;
use crate::render::comparison::ComparisonView;
use crate::workspace::Workspace;

/// Builds and measures both sides, then judges head against base; exit 1 on a regression.
pub fn ab(ctx: &mut Context, global: &Global, args: &AbArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let metric = args.rule.metric.as_str();
    // What the rounds run: the quick timing plan, or callgrind for the counts.
    let (mode, default_rounds) = if metric == perfkit_store::DEFAULT_METRIC {
        ("quick", DEFAULT_ROUNDS)
    } else if is_count(metric) {
        // Before two builds, not after them in every test process.
        callgrind::check_supported().map_err(|e| CliError::usage(e.to_string()))?;
        ("instructions", COUNT_ROUNDS)
    } else {
        return Err(CliError::usage(format!(
            "`ab` measures time or the callgrind counts ({}); `--metric {metric}` is neither: \
             give one of those",
            COUNT_METRICS.join(", ")
        )));
    };
    let budget = args.time;
    let git = ws.git();
    let Some(repo) = git.repo_dir().map(canonical) else {
        return Err(CliError::usage(format!(
            "{} is not in a git repository: `cargo perfkit ab` compares two revisions; run it \
             inside your project's repository",
            ctx.cwd.display()
        )));
    };
    let resolve = |rev: &str, what: &str| {
        git.resolve(rev)
            .map_err(|e| CliError::usage(format!("{what} revision: {e}")))
    };
    let base = resolve(&args.base, "base")?;
    let (head, head_dirty) = match &args.head {
        Some(rev) => (resolve(rev, "head")?, false),
        None => match git.head() {
            Some(c) => (c.clone(), git.dirty()),
            None => {
                return Err(CliError::usage(
                    "the repository has no commit yet, so the working tree's results have none \
                     to be recorded under; commit once, then run `cargo perfkit ab`",
                ));
            }
        },
    };
    let db = match &ws.db {
        DbLocation::Sqlite(path) => path.display().to_string(),
        DbLocation::Postgres(url) => url.clone(),
    };
    let store = ws.open_store()?;
    let (rule, fdr) = ws.rule(&args.rule, &store)?;
    let cargo_ws = CargoWorkspace::locate(ctx)?;
    let _slots = lock_slots(ctx, &cargo_ws)?;
    // Canonical, so that paths in the repository can be made relative to it.
    ctx.cwd = canonical(&ctx.cwd);

    // Build each side once.
    let mut cargo_args = Vec::new();
    for p in &args.package {
        cargo_args.extend(["-p".to_owned(), p.clone()]);
    }
    if args.workspace {
        cargo_args.push("--workspace".to_owned());
    }
    cargo_args.extend(args.cargo_args.iter().cloned());
    let test_args = TestArgs::split(&cargo_args);
    let base_what = format!("the base {}", describe(&base));
    let head_what = match (&args.head, head_dirty) {
        (Some(_), _) => format!("the head {}", describe(&head)),
        (None, true) => format!(
            "the working tree ({} with uncommitted changes)",
            describe(&head)
        ),
        (None, false) => format!("the working tree ({})", describe(&head)),
    };
    // Both sides are built in slots, whose paths have one length (see `ab::checkout`). Head
    // first: a new base slot starts from its build when the working tree has none.
    let content = match args.head {
        Some(_) => Content::Commit,
        None => Content::WorkingTree,
    };
    let head_checkout = worktree(ctx, &repo, &cargo_ws, "head", &head, content)?;
    let head_bins = build_side(ctx, "head", &head_what, &head_checkout, &test_args)?;
    let base_checkout = worktree(ctx, &repo, &cargo_ws, "base", &base, Content::Commit)?;
    let base_bins = build_side(ctx, "base", &base_what, &base_checkout, &test_args)?;

    // The rounds.
    let mut vars = vec![
        ("PERFKIT_DB".to_owned(), db),
        ("PERFKIT_RECORD".to_owned(), "1".to_owned()),
        ("PERFKIT".to_owned(), mode.to_owned()),
    ];
    if let Some(name) = &global.testbed {
        vars.push(("PERFKIT_TESTBED".to_owned(), name.clone()));
    }
    let plan = RunPlan {
        vars: &vars,
        metric,
        args: &test_args.binary,
    };
    let mut sides = [
        SideRunner {
            which: Which::Base,
            sha: base.sha.clone(),
            binaries: base_bins,
        },
        SideRunner {
            which: Which::Head,
            sha: head.sha.clone(),
            binaries: head_bins,
        },
    ];
    let mut total = match budget {
        Some(_) => 1,
        None => args.rounds.unwrap_or(default_rounds),
    };
    let mut done = Rounds::default();
    let started = Instant::now();
    let mut i = 0;
    while i < total {
        let mut round: [Recorded; 2] = Default::default();
        for which in order(i) {
            let side = &mut sides[which as usize];
            // Under --time the first round is timed before the total is known.
            let label = match (budget, i) {
                (Some(_), 0) => "round 1 (timed)".to_owned(),
                _ => format!("round {}/{total}", i + 1),
            };
            let (recorded, failed) = side.run(ctx, &store, &plan, &label, i == 0)?;
            done.failed_processes += failed;
            round[which as usize] = recorded;
        }
        done.rounds.push(round);
        if i == 0 {
            let [b, h] = &done.rounds[0];
            if h.is_empty() {
                return Err(CliError::usage(format!(
                    "no perf test of {head_what} recorded a result (no #[perf_test] ran: check \
                     -p and the test filters); nothing to compare"
                )));
            }
            if b.is_empty() {
                writeln!(
                    ctx.stderr,
                    "the base recorded no result: every benchmark is new; no more rounds needed"
                )?;
                break;
            }
            if let Some(budget) = budget {
                total = rounds_that_fit(budget, started.elapsed());
                writeln!(
                    ctx.stderr,
                    "round 1 took {}: {total} rounds fit the {} budget",
                    seconds(started.elapsed()),
                    seconds(budget)
                )?;
            }
        }
        i += 1;
    }
    writeln!(
        ctx.stderr,
        "{} rounds in {}",
        done.rounds.len(),
        seconds(started.elapsed())
    )?;

    // The verdicts.
    let base_runs = side(&base, &done.rounds, Which::Base);
    let mut head_runs = side(&head, &done.rounds, Which::Head);
    head_runs.dirty = head_dirty;
    let testbed = ws.testbed(&store)?;
    let series = pair(&done.rounds);
    let judged = judge_paired(&series, &rule, fdr);
    let judging = Judging {
        metric: metric.to_owned(),
        base: Some(base_runs),
        head: head_runs,
        elsewhere: Default::default(),
        history_commits: 0,
        rows: rows(&series, &judged),
    };
    let view = ComparisonView {
        testbed: &testbed,
        judging: &judging,
        head_label: "head",
        rule,
        fdr,
    };
    let base_runs = judging.base.as_ref().expect("set above");
    let (code, mut verdict) = gate_verdict("ab", &judging.rows, base_runs, &judging.metric);
    if done.failed_processes > 0 {
        verdict.push_str(&format!(
            "\n(note: {} test process{} failed during the rounds; their output is above)",
            done.failed_processes,
            if done.failed_processes == 1 { "" } else { "es" }
        ));
    }
    let mut extra = serde_json::Map::new();
    extra.insert("rounds".into(), done.rounds.len().into());
    report(ctx, &view, "ab", args.format, (code, &verdict), extra)?;
    if args.explain {
        let regressed: Vec<&SeriesKey> = judging
            .rows
            .iter()
            .filter(|r| r.judgement.verdict() == Verdict::Regression)
            .map(|r| &r.key)
            .collect();
        if !regressed.is_empty() {
            profile_sides(
                ctx,
                &store,
                &mut sides,
                (&vars, &test_args.binary),
                &regressed,
            )?;
            let root = perfkit_store::workspace_root(&ws.manifest_dir);
            let explained = Sides {
                base: &base,
                head: &head,
                testbed: &testbed,
                root: &root,
            };
            explain_regressions(ctx, &store, &explained, &judging.rows, args.format)?;
        }
    }
    Ok(code)
}

/// `--explain`: runs each side's perf tests of the `regressed` benchmarks once more with
/// `PERFKIT_PROFILE=1`, so that both commits get a profile stored with a result. The tests
/// are picked by libtest filters: the last segment of each benchmark's name (its function).
fn profile_sides(
    ctx: &mut Context,
    store: &perfkit_store::Store,
    sides: &mut [SideRunner; 2],
    (vars, args): (&[(String, String)], &[String]),
    regressed: &[&SeriesKey],
) -> Result<(), CliError> {
    let mut vars = vars.to_vec();
    // Profiles sample time and are stored with a time result, so the profiling run times (the
    // quick plan) also after rounds that counted instructions.
    vars.retain(|(k, _)| k != "PERFKIT");
    vars.push(("PERFKIT".to_owned(), "quick".to_owned()));
    vars.push(("PERFKIT_PROFILE".to_owned(), "1".to_owned()));
    let mut args = args.to_vec();
    for key in regressed {
        let function = key.benchmark.rsplit("::").next().unwrap_or(&key.benchmark);
        if !args.iter().any(|a| a == function) {
            args.push(function.to_owned());
        }
    }
    let plan = RunPlan {
        vars: &vars,
        metric: perfkit_store::DEFAULT_METRIC,
        args: &args,
    };
    for side in sides.iter_mut() {
        let label = format!("profiling the {}", side.which.label());
        side.run(ctx, store, &plan, &label, false)?;
    }
    Ok(())
}

/// `3f2a91c (slow down)`.
fn describe(c: &Commit) -> String {
    format!("{} ({})", c.short_sha(), c.summary)
}

fn build_side(
    ctx: &mut Context,
    label: &str,
    what: &str,
    checkout: &Checkout,
    args: &TestArgs,
) -> Result<Vec<TestBinary>, CliError> {
    writeln!(ctx.stderr, "building {what} in {}", checkout.cwd.display())?;
    let start = Instant::now();
    let bins = build(ctx, label, what, checkout, args)?;
    writeln!(
        ctx.stderr,
        "built {what}: {} test binar{} in {}",
        bins.len(),
        if bins.len() == 1 { "y" } else { "ies" },
        seconds(start.elapsed())
    )?;
    Ok(bins)
}

/// One side's runs over all rounds: what the table says each side measured.
fn side(commit: &Commit, rounds: &[[Recorded; 2]], which: Which) -> CommitRuns {
    let points: Vec<_> = rounds
        .iter()
        .flat_map(|r| r[which as usize].values().flatten().cloned())
        .collect();
    CommitRuns::from_points(commit.clone(), &points).unwrap_or_else(|| CommitRuns {
        commit: commit.clone(),
        dirty: false,
        runs: 0,
        newest_run: Timestamp::now(),
        series: Vec::new(),
    })
}

fn canonical(p: impl AsRef<Path>) -> std::path::PathBuf {
    let p = p.as_ref();
    p.canonicalize().unwrap_or_else(|_| p.to_owned())
}
