//! `cargo perfkit history [PATTERN]`: per benchmark, one row per commit along first-parent
//! history, newest first, with the change from the commit before and its significance. Each
//! step is judged by the one judge, with the commit before as base and the commits before that
//! as the series' history, exactly as `check` would have judged it.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::compare::{Change, NoisePrior, Verdict, VerdictRule, noise_prior};
use perfkit::sides::{Fdr, HISTORY_COMMITS, judge_runs};
use perfkit_store::{Commit, CommitRuns, HistoryPoint, HistoryQuery, SeriesKey, SeriesRuns};
use serde_json::{Value, json};

use super::matching;
use crate::cli::{Format, Global, HistoryArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::judging::resolve;
use crate::render::comparison::noise_json;
use crate::render::escape;
use crate::render::json;
use crate::render::sparkline::sparkline;
use crate::render::table::{Align, Cell, Paint, Table};
use crate::render::units::{change, date, estimate_key, level, truncate};
use crate::workspace::Workspace;

/// One commit of one series.
pub(crate) struct Point {
    pub(crate) commit: Commit,
    /// The commit's estimate over its runs, as the judge sees it.
    pub(crate) level: f64,
    /// Its runs.
    pub(crate) runs: usize,
    /// Against the next older commit with results (shown, or just beyond the limit).
    pub(crate) step: Option<Change>,
}

/// One series' history, newest first.
pub(crate) struct Series {
    pub(crate) key: SeriesKey,
    /// The metric of its points.
    pub(crate) metric: String,
    pub(crate) points: Vec<Point>,
}

/// Prints the history of every benchmark matching the pattern.
pub fn history(ctx: &mut Context, global: &Global, args: &HistoryArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let metric = args.rule.metric.as_str();
    let prior = noise_prior(metric);
    let store = ws.store_with_history()?;
    let (rule, _) = ws.rule(&args.rule, &store)?;
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let tip = match &args.branch {
        Some(branch) => resolve(&git, Some(branch))?,
        None => resolve(&git, None)?,
    };
    let along = stored_first_parents(&store, &git, &tip.sha)?;
    let benchmarks: Vec<String> = matching(
        store.benchmarks()?.into_iter().map(|b| b.name),
        args.pattern.as_deref(),
        &ws,
    )?;
    let limit = args.limit.max(1);
    let mut all = Vec::new();
    for name in &benchmarks {
        let mut query = HistoryQuery::new(name, &testbed).along(&along);
        query.metric = metric;
        let points = store.history(&query)?;
        for (key, commits) in by_series(points) {
            all.push(series(key, metric, &commits, limit, (&rule, &prior)));
        }
    }
    let branch = args
        .branch
        .clone()
        .or_else(|| git.branch().map(str::to_owned));
    let where_ = match &branch {
        Some(b) => format!("`{b}`"),
        None => format!("{} (detached)", tip.short_sha()),
    };
    if all.iter().all(|s| s.points.is_empty()) {
        writeln!(
            ctx.stderr,
            "no results along the first-parent history of {} on testbed `{}`",
            escape::text(&where_),
            escape::text(&testbed.name)
        )?;
    }
    all.retain(|s| !s.points.is_empty());
    match args.format {
        Format::Table => {
            let mut out = format!(
                "testbed {}, first parents of {}\n",
                escape::text(&testbed.name),
                escape::text(&where_)
            );
            for s in &all {
                out.push('\n');
                out.push_str(&escape::text(&series_title(s)));
                out.push('\n');
                out.push_str(&series_table(s).text(2, ctx.color()));
            }
            write!(ctx.stdout, "{out}")?;
        }
        Format::Markdown => {
            let mut out = format!(
                "### perfkit history\n\ntestbed {}, first parents of {}\n",
                escape::markdown_code(&testbed.name),
                match &branch {
                    Some(b) => escape::markdown_code(b),
                    None => where_.clone(),
                }
            );
            for s in &all {
                let _ = write!(out, "\n#### {}\n\n", escape::markdown(&series_title(s)));
                out.push_str(&series_table(s).markdown());
            }
            write!(ctx.stdout, "{out}")?;
        }
        Format::Json => {
            let mut m = json::envelope("history");
            m.insert("testbed".into(), json::testbed(&testbed));
            m.insert("metric".into(), json!(metric));
            m.insert("branch".into(), json!(branch));
            m.insert("tip".into(), json::commit(&tip));
            let list: Vec<Value> = all.iter().map(series_json).collect();
            m.insert("benchmarks".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    Ok(exit::OK)
}

/// The commits with results among the first parents of `tip`, nearest first. The walk stops
/// once every stored commit has been seen, so a long history is not walked to its root.
pub(crate) fn stored_first_parents(
    store: &perfkit_store::Store,
    git: &perfkit_store::GitContext,
    tip: &str,
) -> Result<Vec<String>, CliError> {
    let stored: HashSet<String> = store.commits()?.into_iter().map(|c| c.commit.sha).collect();
    let mut along = Vec::new();
    for sha in git.first_parents(tip)? {
        if stored.contains(&sha) {
            along.push(sha);
            if along.len() == stored.len() {
                break;
            }
        }
    }
    Ok(along)
}

/// One benchmark's points (along first parents, nearest first) as runs per commit, per series
/// (size), each series keeping only the commits that measured it.
pub(crate) fn by_series(points: Vec<HistoryPoint>) -> BTreeMap<SeriesKey, Vec<CommitRuns>> {
    let mut commits: Vec<(Commit, Vec<HistoryPoint>)> = Vec::new();
    for p in points {
        let Some(commit) = p.commit.clone() else {
            continue;
        };
        match commits.last_mut() {
            Some((c, ps)) if c.sha == commit.sha => ps.push(p),
            _ => commits.push((commit, vec![p])),
        }
    }
    let mut out: BTreeMap<SeriesKey, Vec<CommitRuns>> = BTreeMap::new();
    for (commit, points) in commits {
        let Some(runs) = CommitRuns::from_points(commit, &points) else {
            continue;
        };
        for s in &runs.series {
            let only = CommitRuns {
                series: vec![s.clone()],
                ..runs.clone()
            };
            out.entry(s.key.clone()).or_default().push(only);
        }
    }
    out
}

/// The newest `limit` commits of a series, each judged against the one before (with the
/// commits before that as its history).
pub(crate) fn series(
    key: SeriesKey,
    metric: &str,
    commits: &[CommitRuns],
    limit: usize,
    (rule, prior): (&VerdictRule, &NoisePrior),
) -> Series {
    let runs_of = |c: &CommitRuns| -> Vec<SeriesRuns> { c.series.clone() };
    let points = commits
        .iter()
        .take(limit)
        .enumerate()
        .filter_map(|(i, commit)| {
            let base = commits.get(i + 1).map(runs_of);
            let earlier = commits.get(i + 2..).unwrap_or_default();
            let earlier = &earlier[..earlier.len().min(HISTORY_COMMITS)];
            let judged = judge_runs(
                &runs_of(commit),
                base.as_deref(),
                earlier,
                false,
                rule,
                prior,
                Fdr::None,
            );
            let judged = judged.into_iter().next()?;
            Some(Point {
                commit: commit.commit.clone(),
                level: judged.head_level?,
                runs: judged.head_runs,
                step: judged.judgement.change().copied(),
            })
        })
        .collect();
    Series {
        key,
        metric: metric.to_owned(),
        points,
    }
}

fn series_title(s: &Series) -> String {
    let levels: Vec<f64> = s.points.iter().rev().map(|p| p.level).collect();
    format!(
        "{}  {}  ({} commit{})",
        s.key,
        sparkline(&levels),
        s.points.len(),
        if s.points.len() == 1 { "" } else { "s" }
    )
}

fn series_table(s: &Series) -> Table {
    let mut t = Table::new(&[
        ("commit", Align::Left),
        ("date", Align::Left),
        ("subject", Align::Left),
        ("estimate", Align::Right),
        ("runs", Align::Right),
        ("change", Align::Right),
        ("step", Align::Left),
    ]);
    for p in &s.points {
        let (change_cell, step_cell) = match &p.step {
            Some(c) => {
                let paint = Paint::verdict(c.verdict);
                let mark = match c.verdict {
                    Verdict::Regression => "▲ regression",
                    Verdict::Improvement => "▼ improvement",
                    _ => "",
                };
                (
                    Cell::painted(change(c.ratio), paint),
                    Cell::painted(mark, paint),
                )
            }
            None => (Cell::from(""), Cell::from("")),
        };
        t.row(vec![
            p.commit.short_sha().into(),
            date(p.commit.author_time).into(),
            truncate(&p.commit.summary, 40).into(),
            level(&s.metric, p.level).into(),
            p.runs.to_string().into(),
            change_cell,
            step_cell,
        ]);
    }
    t
}

fn series_json(s: &Series) -> Value {
    let points: Vec<Value> = s
        .points
        .iter()
        .map(|p| {
            let step = p.step.as_ref().map_or(Value::Null, |c| {
                json!({
                    "ratio": c.ratio,
                    "change": c.change(),
                    "ratio_ci": json::interval(c.ratio_ci),
                    "p": c.p,
                    "df": c.df,
                    "noise": noise_json(c.noise),
                    "verdict": c.verdict.to_string(),
                })
            });
            json!({
                "commit": json::commit(&p.commit),
                estimate_key(&s.metric): p.level,
                "runs": p.runs,
                "step": step,
            })
        })
        .collect();
    json!({ "name": s.key.benchmark, "size": s.key.size, "points": points })
}
