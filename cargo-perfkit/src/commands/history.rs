//! `cargo perfkit history [PATTERN]`: per benchmark, one row per commit along first-parent
//! history, newest first, with the change from the commit before and its significance.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::compare::{LegacyComparison as Comparison, Verdict, VerdictRule};
use perfkit_store::{Commit, HistoryQuery};
use serde_json::{Value, json};

use super::matching;
use crate::cli::{Format, Global, HistoryArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::judge::Stats;
use crate::pool::{Pooled, SeriesKey, resolve};
use crate::render::escape;
use crate::render::json;
use crate::render::sparkline::sparkline;
use crate::render::table::{Align, Cell, Paint, Table};
use crate::render::units::{change, date, median_ci, ns, truncate};
use crate::workspace::Workspace;

/// One commit of one series.
struct Point {
    commit: Commit,
    stats: Stats,
    /// Against the next older commit shown (or just beyond the limit).
    step: Option<Comparison>,
}

/// One series' history, newest first.
struct Series {
    key: SeriesKey,
    points: Vec<Point>,
}

/// Prints the history of every benchmark matching the pattern.
pub fn history(ctx: &mut Context, global: &Global, args: &HistoryArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let (rule, _) = ws.rule(&args.rule)?;
    let store = ws.store_with_history()?;
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
        let points = store.history(&HistoryQuery::new(name, &testbed).along(&along))?;
        let mut by_size: BTreeMap<Option<u64>, Vec<(Commit, Pooled)>> = BTreeMap::new();
        for p in points {
            let Some(commit) = p.commit else { continue };
            let commits = by_size.entry(p.record.size).or_default();
            match commits.last_mut() {
                Some((c, pooled)) if c.sha == commit.sha => {
                    pooled.runs += 1;
                    pooled.samples.extend_from_slice(&p.record.samples);
                }
                _ => commits.push((
                    commit,
                    Pooled {
                        runs: 1,
                        samples: p.record.samples,
                        newest: None,
                    },
                )),
            }
        }
        for (size, commits) in by_size {
            let key = SeriesKey {
                benchmark: name.clone(),
                size,
            };
            all.push(series(key, &commits, limit, &rule));
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
fn stored_first_parents(
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

/// The newest `limit` commits of a series, each with its step from the one before.
fn series(
    key: SeriesKey,
    commits: &[(Commit, Pooled)],
    limit: usize,
    rule: &VerdictRule,
) -> Series {
    let points = commits
        .iter()
        .take(limit)
        .enumerate()
        .filter_map(|(i, (commit, pooled))| {
            let stats = Stats::of(pooled)?;
            let step = commits
                .get(i + 1)
                .and_then(|(_, older)| Comparison::new(&older.samples, &pooled.samples, rule).ok());
            Some(Point {
                commit: commit.clone(),
                stats,
                step,
            })
        })
        .collect();
    Series { key, points }
}

fn series_title(s: &Series) -> String {
    let medians: Vec<f64> = s.points.iter().rev().map(|p| p.stats.median).collect();
    format!(
        "{}  {}  ({} commit{})",
        s.key,
        sparkline(&medians),
        s.points.len(),
        if s.points.len() == 1 { "" } else { "s" }
    )
}

fn series_table(s: &Series) -> Table {
    let mut t = Table::new(&[
        ("commit", Align::Left),
        ("date", Align::Left),
        ("subject", Align::Left),
        ("median", Align::Right),
        ("p95", Align::Right),
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
            median_ci(p.stats.median, p.stats.median_ci).into(),
            ns(p.stats.p95).into(),
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
            let mut v = json::stats(&p.stats);
            v["commit"] = json::commit(&p.commit);
            v["step"] = p.step.as_ref().map_or(Value::Null, |c| {
                json!({
                    "ratio": c.ratio,
                    "change": c.change(),
                    "ratio_ci": json::interval(c.ratio_ci),
                    "p": c.p,
                    "verdict": c.verdict.to_string(),
                })
            });
            v
        })
        .collect();
    json!({ "name": s.key.benchmark, "size": s.key.size, "points": points })
}
