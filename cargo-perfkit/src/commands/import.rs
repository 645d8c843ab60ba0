//! `cargo perfkit import criterion [DIR]`: criterion's latest results, recorded under the
//! current commit with source `criterion`, so that history, compare and check see them.

use std::fmt::Write as _;
use std::io::Write as _;

use perfkit::Summary;
use perfkit_store::{Record, Run, Source, StoredSummary};
use serde_json::{Value, json};

use crate::cli::{CriterionArgs, Format, Global};
use crate::context::Context;
use crate::criterion;
use crate::error::{CliError, CliResult};
use crate::exit;
use crate::render::escape;
use crate::render::json;
use crate::render::table::{Align, Table};
use crate::render::units::ns;
use crate::workspace::Workspace;

/// Imports criterion's output directory.
pub fn criterion(ctx: &mut Context, global: &Global, args: &CriterionArgs) -> CliResult {
    let ws = Workspace::locate(ctx, global)?;
    let dir = match &args.dir {
        Some(d) => ws.cwd.join(d),
        None => match ctx.var("CARGO_TARGET_DIR") {
            Some(t) => ws.cwd.join(t).join("criterion"),
            None => perfkit_store::workspace_root(&ws.manifest_dir)
                .join("target")
                .join("criterion"),
        },
    };
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "no criterion output at {}: run `cargo bench` first, or give its directory \
             (`cargo perfkit import criterion DIR`)",
            dir.display()
        )));
    }
    let results = criterion::read(&dir)?;
    if results.is_empty() {
        return Err(CliError::usage(format!(
            "no criterion results under {} (looked for */new/benchmark.json with sample.json); \
             run `cargo bench` first",
            dir.display()
        )));
    }
    let mut records = Vec::new();
    for r in &results {
        let summary = Summary::new(&r.samples).map_err(|e| {
            CliError::usage(format!(
                "criterion's samples of `{}` are unusable ({e}); re-run `cargo bench`",
                r.full_id
            ))
        })?;
        let mut record = Record::new(
            &r.benchmark,
            StoredSummary::from(&summary),
            r.iterations_per_sample,
            r.samples.clone(),
        );
        record.size = r.size;
        record.throughput = r.throughput;
        records.push((record, summary));
    }
    let git = ws.git();
    let testbed = ws.this_machine();
    let run = Run::new(
        &git,
        testbed.clone(),
        env!("CARGO_PKG_VERSION"),
        Source::Criterion,
    );
    let mut store = ws.open_store()?;
    let plain: Vec<Record> = records.iter().map(|(r, _)| r.clone()).collect();
    let hashes: Vec<String> = results.iter().map(|r| r.content_hash.clone()).collect();
    let imported = store.record_imported(&run, &plain, &hashes)?;
    let skipped = imported.skipped.len();
    let new = records.len() - skipped;
    let mut table = Table::new(&[
        ("benchmark", Align::Left),
        ("criterion id", Align::Left),
        ("samples", Align::Right),
        ("median", Align::Right),
        ("", Align::Left),
    ]);
    for (i, ((record, summary), r)) in records.iter().zip(&results).enumerate() {
        let before = imported.skipped.contains(&i);
        table.row(vec![
            perfkit_store::SeriesKey::new(record.benchmark.clone(), record.size)
                .to_string()
                .into(),
            r.full_id.as_str().into(),
            summary.n.to_string().into(),
            ns(summary.median).into(),
            if before { "imported before" } else { "" }.into(),
        ]);
    }

    let at = match (&run.commit, run.dirty) {
        (Some(c), false) => c.short_sha().to_owned(),
        (Some(c), true) => format!("{} (uncommitted changes)", c.short_sha()),
        (None, _) => "no commit".to_owned(),
    };
    let mut headline = format!(
        "imported {new} criterion benchmark{} from {} at {at} into {} (testbed `{}`)",
        if new == 1 { "" } else { "s" },
        dir.display(),
        ws.db,
        escape::text(&testbed.name)
    );
    if skipped > 0 {
        let _ = write!(
            headline,
            "; skipped {skipped} result{} imported before (the same samples)",
            if skipped == 1 { "" } else { "s" }
        );
    }
    match args.format {
        Format::Table => write!(ctx.stdout, "{headline}\n\n{}", table.text(0, ctx.color()))?,
        Format::Markdown => write!(ctx.stdout, "{headline}\n\n{}", table.markdown())?,
        Format::Json => {
            let mut m = json::envelope("import");
            m.insert("source".into(), json!("criterion"));
            m.insert("directory".into(), json!(dir.display().to_string()));
            m.insert(
                "commit".into(),
                run.commit.as_ref().map_or(Value::Null, json::commit),
            );
            m.insert("dirty".into(), json!(run.dirty));
            m.insert("testbed".into(), json::testbed(&testbed));
            let list: Vec<Value> = records
                .iter()
                .zip(&results)
                .enumerate()
                .map(|(i, ((r, summary), c))| {
                    json!({
                        "name": r.benchmark,
                        "size": r.size,
                        "criterion_id": c.full_id,
                        "samples": r.samples.len(),
                        "median_ns": summary.median,
                        "imported_before": imported.skipped.contains(&i),
                    })
                })
                .collect();
            m.insert("benchmarks".into(), Value::Array(list));
            json::write(&mut ctx.stdout, &Value::Object(m))?;
        }
    }
    for note in git.notes() {
        writeln!(ctx.stderr, "note: {note}")?;
    }
    Ok(exit::OK)
}
