//! `cargo perfkit sync FROM TO`: copy history between two stores (a laptop's SQLite file and
//! the team's PostgreSQL server, either way), each run once.

use std::io::Write as _;
use std::path::Path;

use perfkit_store::{DbLocation, RunFilter, Store, Timestamp};

use crate::cli::{Global, SyncArgs};
use crate::context::Context;
use crate::error::{CliError, CliResult};
use crate::exit;

/// Copies the runs of FROM that the filters accept into TO, and says how many were new.
pub fn sync(ctx: &mut Context, global: &Global, args: &SyncArgs) -> CliResult {
    let from = location(&ctx.cwd, &args.from);
    let to = location(&ctx.cwd, &args.to);
    if from == to {
        return Err(CliError::usage(format!(
            "FROM and TO are the same store ({from}); name two different ones"
        )));
    }
    // The source is only read: a write-protected file or a read-only login will do.
    let source = Store::open_location_read_only(&from)?;
    let mut target = Store::open_location(&to)?;
    let filter = RunFilter {
        branch: args.branch.clone(),
        testbed: global.testbed.clone(),
        since: args.since.map(|secs| Timestamp::from_unix_ms(secs * 1000)),
    };
    let report = perfkit_store::sync(&source, &mut target, &filter)?;
    let there = report.considered - report.copied;
    writeln!(
        ctx.stdout,
        "copied {} run{} ({} result{}) from {from} to {to}; {there} of the {} run{} selected \
         {} there already",
        report.copied,
        if report.copied == 1 { "" } else { "s" },
        report.results,
        if report.results == 1 { "" } else { "s" },
        report.considered,
        if report.considered == 1 { "" } else { "s" },
        if there == 1 { "was" } else { "were" },
    )?;
    Ok(exit::OK)
}

/// A store named on the command line: a postgres:// URL, or a path from the current directory.
fn location(cwd: &Path, text: &str) -> DbLocation {
    match DbLocation::from_setting(Some(text), cwd) {
        DbLocation::Sqlite(_) => DbLocation::Sqlite(cwd.join(text)),
        url => url,
    }
}
