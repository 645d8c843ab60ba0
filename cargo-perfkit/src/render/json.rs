//! The pieces of JSON output shared by every command (schema in `docs/cli-json.md`).

use std::io::Write;

use perfkit::stats::Interval;
use perfkit_store::{Commit, CommitRuns, Testbed};
use serde_json::{Map, Value, json};

use super::units::{date, rfc3339};

/// The version of the JSON schema. Bumped only for changes that break readers; new fields
/// may appear without a bump. 2: changes are judged on run-level estimates (`base`/`head`
/// of a benchmark became `estimate_ns` and `runs`; pooled medians and percentiles went).
pub const SCHEMA: u64 = 2;

/// `{"schema": 2, "command": "<command>"}`, to which a command adds its fields.
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

/// What one side of a comparison measured.
pub fn side(s: &CommitRuns) -> Value {
    json!({
        "commit": commit(&s.commit),
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
