//! `cargo perfkit baseline`: a "performance baseline" document for the current commit, in
//! markdown by default: when and where it was measured, and per benchmark its percentiles,
//! throughput, allocations, and budgets with their headroom.

use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::Summary;
use perfkit::report::{format_bytes, format_count, format_throughput};
use perfkit::spec::Throughput;
use perfkit_store::{BudgetOutcome, Record, SeriesKey, ThroughputKind};
use serde_json::{Value, json};

use crate::cli::{BaselineArgs, Format, Global};
use crate::context::Context;
use crate::error::CliResult;
use crate::exit;
use crate::judging::describe_head;
use crate::render::json;
use crate::render::table::{Align, Cell, Paint, Table};
use crate::render::units::{datetime, ns, rfc3339};
use crate::workspace::Workspace;

/// One series of the document.
struct Entry<'a> {
    key: &'a SeriesKey,
    summary: Summary,
    runs: usize,
    newest: Option<&'a Record>,
}

/// Writes the baseline document of the current commit.
pub fn baseline(ctx: &mut Context, global: &Global, args: &BaselineArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let store = ws.store_with_history()?;
    let testbed = ws.testbed(&store)?;
    let git = ws.git();
    let (head, described) = describe_head(&store, &git, &testbed, perfkit_store::DEFAULT_METRIC)?;
    let entries: Vec<Entry<'_>> = described
        .iter()
        .filter_map(|(key, d)| {
            Some(Entry {
                key,
                summary: Summary::new(&d.samples).ok()?,
                runs: d.runs,
                newest: Some(&d.newest),
            })
        })
        .collect();
    let commit = &head.commit;

    let mut results = Table::new(&[
        ("benchmark", Align::Left),
        ("p50", Align::Right),
        ("p95", Align::Right),
        ("p99", Align::Right),
        ("throughput", Align::Right),
        ("allocations", Align::Right),
        ("samples", Align::Right),
    ]);
    let mut budgets = Table::new(&[
        ("benchmark", Align::Left),
        ("budget", Align::Left),
        ("limit", Align::Right),
        ("measured", Align::Right),
        ("headroom", Align::Right),
    ]);
    for e in &entries {
        let s = &e.summary;
        results.row(vec![
            e.key.to_string().into(),
            ns(s.median).into(),
            ns(s.p95).into(),
            ns(s.p99).into(),
            throughput(e).unwrap_or_else(|| "-".to_owned()).into(),
            allocations(e).unwrap_or_else(|| "-".to_owned()).into(),
            s.n.to_string().into(),
        ]);
        for b in e.newest.map_or(&[][..], |r| &r.budgets[..]) {
            let measured = estimate(b, s);
            let (room, paint) = headroom(b.limit, measured);
            budgets.row(vec![
                e.key.to_string().into(),
                b.statistic.as_str().into(),
                amount(&b.statistic, b.limit).into(),
                amount(&b.statistic, measured).into(),
                Cell::painted(room, paint),
            ]);
        }
    }

    let facts = [
        ("date", datetime(head.newest_run)),
        (
            "commit",
            format!(
                "{} {}{}",
                commit.short_sha(),
                commit.summary,
                if head.dirty {
                    " (with uncommitted changes)"
                } else {
                    ""
                }
            ),
        ),
        ("testbed", testbed.name.clone()),
        ("runs", head.runs.to_string()),
    ];
    match args.format {
        Format::Markdown => {
            let mut out = String::from("# Performance baseline\n\n");
            for (k, v) in &facts {
                let _ = writeln!(out, "- **{k}**: {v}");
            }
            let _ = write!(out, "\n## Results\n\n{}", results.markdown());
            if !budgets.is_empty() {
                let _ = write!(out, "\n## Budgets\n\n{}", budgets.markdown());
            }
            out.push_str(
                "\nTimes are per iteration; p50 is the median. Headroom is how far the measured \
                 value is below its budget.\n",
            );
            write!(ctx.stdout, "{out}")?;
        }
        Format::Table => {
            let mut out = String::new();
            for (k, v) in &facts {
                let _ = writeln!(out, "{k:<8} {v}");
            }
            let _ = write!(out, "\n{}", results.text(0, ctx.color()));
            if !budgets.is_empty() {
                let _ = write!(out, "\n{}", budgets.text(0, ctx.color()));
            }
            write!(ctx.stdout, "{out}")?;
        }
        Format::Json => {
            let mut m = json::envelope("baseline");
            m.insert("measured_at".into(), json!(rfc3339(head.newest_run)));
            m.insert("commit".into(), json::commit(commit));
            m.insert("dirty".into(), json!(head.dirty));
            m.insert("testbed".into(), json::testbed(&testbed));
            m.insert("runs".into(), json!(head.runs));
            let list: Vec<Value> = entries.iter().map(entry_json).collect();
            m.insert("benchmarks".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    Ok(exit::OK)
}

/// The budgeted statistic of the pooled samples; a count from the newest run for allocations.
fn estimate(b: &BudgetOutcome, s: &Summary) -> f64 {
    match b.statistic.as_str() {
        "median" | "p50" => s.median,
        "mean" => s.mean,
        "p90" => s.p90,
        "p95" => s.p95,
        "p99" => s.p99,
        "max" => s.max,
        _ => b.estimate,
    }
}

fn amount(statistic: &str, v: f64) -> String {
    match statistic {
        "allocs" => format_count(v),
        "bytes" => format_bytes(v),
        _ => ns(v),
    }
}

/// `91% left`, or `over by 12%` (painted red).
fn headroom(limit: f64, measured: f64) -> (String, Option<Paint>) {
    if measured <= limit {
        let left = if limit > 0.0 {
            (limit - measured) / limit * 100.0
        } else {
            0.0
        };
        (format!("{left:.0}% left"), None)
    } else if limit > 0.0 {
        let over = (measured - limit) / limit * 100.0;
        (format!("over by {over:.0}%"), Some(Paint::Red))
    } else {
        ("over".to_owned(), Some(Paint::Red))
    }
}

fn throughput(e: &Entry<'_>) -> Option<String> {
    let t = e.newest?.throughput?;
    let amount = match t.kind {
        ThroughputKind::Bytes => Throughput::Bytes(t.per_iteration),
        ThroughputKind::Elements => Throughput::Elements(t.per_iteration),
    };
    Some(format_throughput(amount, e.summary.median))
}

fn allocations(e: &Entry<'_>) -> Option<String> {
    let a = e.newest?.allocations?;
    Some(format!(
        "{} ({})",
        format_count(a.allocs),
        format_bytes(a.bytes)
    ))
}

fn entry_json(e: &Entry<'_>) -> Value {
    let s = &e.summary;
    let newest = e.newest;
    let budgets: Vec<Value> = newest
        .map_or(&[][..], |r| &r.budgets[..])
        .iter()
        .map(|b| {
            let measured = estimate(b, s);
            json!({
                "statistic": b.statistic,
                "limit": b.limit,
                "estimate": measured,
                "headroom": if b.limit > 0.0 { Some((b.limit - measured) / b.limit) } else { None },
                "passed": measured <= b.limit,
            })
        })
        .collect();
    json!({
        "name": e.key.benchmark,
        "size": e.key.size,
        "p50_ns": s.median,
        "p95_ns": s.p95,
        "p99_ns": s.p99,
        "mean_ns": s.mean,
        "samples": s.n,
        "runs": e.runs,
        "throughput": newest.and_then(|r| r.throughput).map(|t| json!({
            "kind": t.kind.as_str(),
            "per_iteration": t.per_iteration,
            "per_second": t.per_iteration as f64 / (s.median / 1e9),
        })),
        "allocations": newest.and_then(|r| r.allocations).map(|a| json!({
            "allocs": a.allocs,
            "bytes": a.bytes,
        })),
        "budgets": budgets,
    })
}
