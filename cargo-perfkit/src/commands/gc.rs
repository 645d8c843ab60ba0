//! `cargo perfkit gc`: prune old history, keeping the newest commits of each branch and every
//! benchmark's newest result.

use std::io::Write as _;
use std::num::NonZeroUsize;

use perfkit::report::format_bytes;

use serde_json::{Value, json};

use crate::cli::{Format, GcArgs, Global};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::render::json;
use crate::render::table::{Align, Table};
use crate::render::units::{date, truncate};
use crate::workspace::Workspace;

/// Prunes (or, with `--dry-run`, shows what would be pruned).
pub fn gc(ctx: &mut Context, global: &Global, args: &GcArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let mut store = ws.writable_store_with_history()?;
    let keep = NonZeroUsize::new(args.keep).ok_or_else(|| {
        CliError::usage("--keep 0 would delete the results of the current commit too")
    })?;
    let report = store.gc(keep, args.dry_run)?;
    let verb = if report.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    let headline = format!(
        "{verb} {} run{} ({} result{}) at {} commit{}; kept {} commit{} (the newest {} per \
         branch, and each benchmark's newest run) in {}",
        report.runs,
        if report.runs == 1 { "" } else { "s" },
        report.results,
        if report.results == 1 { "" } else { "s" },
        report.pruned.len(),
        if report.pruned.len() == 1 { "" } else { "s" },
        report.kept_commits,
        if report.kept_commits == 1 { "" } else { "s" },
        args.keep,
        ws.db
    );
    // PostgreSQL returns the space itself (autovacuum): only a SQLite file is compacted.
    let compacted = matches!(ws.db, perfkit_store::DbLocation::Sqlite(_));
    let headline = if compacted && !report.dry_run && report.runs > 0 {
        format!(
            "{headline}; compacted the file, returning {} to the disk",
            format_bytes(report.freed_bytes as f64)
        )
    } else {
        headline
    };
    let mut table = Table::new(&[
        ("commit", Align::Left),
        ("date", Align::Left),
        ("subject", Align::Left),
        ("runs", Align::Right),
        ("results", Align::Right),
        ("", Align::Left),
    ]);
    for p in &report.pruned {
        let (sha, day, subject) = match &p.commit {
            Some(c) => (
                c.short_sha().to_owned(),
                date(c.author_time),
                truncate(&c.summary, 50),
            ),
            None => (
                "-".to_owned(),
                String::new(),
                "(runs without a commit)".to_owned(),
            ),
        };
        table.row(vec![
            sha.into(),
            day.into(),
            subject.into(),
            p.runs.to_string().into(),
            p.results.to_string().into(),
            if p.partly_kept { "partly kept" } else { "" }.into(),
        ]);
    }
    match args.format {
        Format::Table | Format::Markdown => {
            writeln!(ctx.stdout, "{headline}")?;
            if !table.is_empty() {
                let body = if args.format == Format::Markdown {
                    table.markdown()
                } else {
                    table.text(2, ctx.color())
                };
                write!(ctx.stdout, "\n{body}")?;
            }
        }
        Format::Json => {
            let mut m = json::envelope("gc");
            m.insert("dry_run".into(), json!(report.dry_run));
            m.insert("keep".into(), json!(args.keep));
            m.insert("kept_commits".into(), json!(report.kept_commits));
            m.insert("runs".into(), json!(report.runs));
            m.insert("results".into(), json!(report.results));
            m.insert("freed_bytes".into(), json!(report.freed_bytes));
            let list: Vec<Value> = report
                .pruned
                .iter()
                .map(|p| {
                    json!({
                        "commit": p.commit.as_ref().map(json::commit),
                        "runs": p.runs,
                        "results": p.results,
                        "partly_kept": p.partly_kept,
                    })
                })
                .collect();
            m.insert("pruned".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    Ok(exit::OK)
}
