//! The pieces of JSON output shared by every command (schema in `docs/cli-json.md`).

use std::io::Write;

use perfkit::stats::Interval;
use perfkit_store::{Commit, Testbed};
use serde_json::{Map, Value, json};

use super::units::{date, rfc3339};
use crate::judge::Stats;
use crate::pool::Side;

/// The version of the JSON schema. Bumped only for changes that break readers; new fields
/// may appear without a bump.
pub const SCHEMA: u64 = 1;

/// `{"schema": 1, "command": "<command>"}`, to which a command adds its fields.
pub fn envelope(command: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("schema".into(), json!(SCHEMA));
    m.insert("command".into(), json!(command));
    m
}

/// A commit.
pub fn commit(c: &Commit) -> Value {
    json!({
        "sha": c.sha,
        "short": c.short_sha(),
        "subject": c.summary,
        "date": date(c.author_time),
        "author_time": c.author_time,
    })
}

/// A testbed.
pub fn testbed(t: &Testbed) -> Value {
    json!({
        "name": t.name,
        "fingerprint": t.fingerprint,
        "cpu": t.machine.cpu,
        "cores": t.machine.cores,
        "os": t.machine.os,
        "arch": t.machine.arch,
        "rustc": t.rustc,
        "profile": t.profile,
    })
}

/// An interval as `[lower, upper]`.
pub fn interval(i: Interval) -> Value {
    json!([i.lower, i.upper])
}

/// One side's statistics of one series.
pub fn stats(s: &Stats) -> Value {
    json!({
        "median_ns": s.median,
        "median_ci_ns": interval(s.median_ci),
        "p95_ns": s.p95,
        "p99_ns": s.p99,
        "samples": s.n,
        "runs": s.runs,
    })
}

/// What one side of a comparison measured.
pub fn side(s: &Side) -> Value {
    json!({
        "commit": s.commit.as_ref().map(commit),
        "runs": s.runs,
        "dirty": s.dirty,
        "measured_at": rfc3339(s.newest_run),
    })
}

/// Writes `value` pretty-printed, with a final newline.
pub fn write(out: &mut dyn Write, value: &Value) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
