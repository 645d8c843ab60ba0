//! What the scenario in `fixture` must show: the slowed benchmark caught by `run`, `check`,
//! `history` and `compare`, the unchanged one left alone.

use serde_json::{Value, json};

use crate::fixture::SCENARIO;

const SLOWED: &str = "perf::slowed";
const STEADY: &str = "perf::steady";

/// The line of `text` about `benchmark`.
fn line<'t>(text: &'t str, benchmark: &str) -> &'t str {
    text.lines()
        .find(|l| l.starts_with(benchmark))
        .unwrap_or_else(|| panic!("no line for {benchmark} in:\n{text}"))
}

#[test]
fn run_compares_each_run_with_the_commit_before() {
    let s = &*SCENARIO;
    let first = &s.runs[0].stdout;
    assert!(first.contains("base     none"), "{first}");
    assert!(line(first, SLOWED).ends_with("new"), "{first}");

    let docs = &s.runs[1].stdout;
    assert!(
        docs.contains(&format!("base     {}", &s.commits[0][..7])),
        "{docs}"
    );
    assert!(line(docs, STEADY).ends_with("unchanged"), "{docs}");

    let slow = &s.runs[2].stdout;
    assert!(line(slow, SLOWED).ends_with("regression"), "{slow}");
    assert!(line(slow, STEADY).ends_with("unchanged"), "{slow}");
    // Progress went to stderr as plain lines (not a terminal).
    assert!(
        s.runs[2].stderr.contains("test slowed ... ok"),
        "{}",
        s.runs[2].stderr
    );
}

#[test]
fn check_fails_naming_the_slowed_benchmark_and_passes_when_nothing_changed() {
    let s = &*SCENARIO;
    let ok = &s.check_unchanged;
    assert_eq!(ok.code, cargo_perfkit::exit::OK, "{ok:#?}");
    assert!(
        ok.stdout
            .contains("check passed: no significant regression in 2 benchmarks"),
        "{ok:#?}"
    );

    let bad = &s.check_slowed;
    assert_eq!(bad.code, cargo_perfkit::exit::REGRESSION, "{bad:#?}");
    let verdict = bad
        .stdout
        .split("check failed:")
        .nth(1)
        .expect("a failure message");
    assert!(verdict.contains(SLOWED), "{}", bad.stdout);
    assert!(!verdict.contains(STEADY), "{}", bad.stdout);
    assert!(
        line(&bad.stdout, STEADY).ends_with("unchanged"),
        "{}",
        bad.stdout
    );
}

#[test]
fn history_lists_every_commit_measured() {
    let s = &*SCENARIO;
    let h = s.perfkit(&["history"]);
    assert_eq!(h.code, 0, "{h:#?}");
    for benchmark in [SLOWED, STEADY] {
        let section = h
            .stdout
            .split("\n\n")
            .find(|part| part.starts_with(benchmark))
            .unwrap_or_else(|| panic!("no history of {benchmark}:\n{}", h.stdout));
        assert!(section.contains("(3 commits)"), "{section}");
        for sha in &s.commits {
            assert!(section.contains(&sha[..7]), "{sha} missing:\n{section}");
        }
        let newest = section.lines().nth(2).unwrap();
        let marked = newest.contains("▲ regression");
        assert_eq!(marked, benchmark == SLOWED, "{section}");
    }
}

/// Checks `value` against `shape`: a type name (`"string"`, `"number"`, `"boolean"`,
/// `"integer"`, suffixed `?` when null is allowed), an object of shapes (extra keys allowed:
/// new fields may appear without a schema bump), or a one-element array (every element).
fn conforms(value: &Value, shape: &Value, path: &str) {
    match shape {
        Value::String(t) => {
            let (t, nullable) = t
                .strip_suffix('?')
                .map_or((t.as_str(), false), |t| (t, true));
            if value.is_null() {
                assert!(nullable, "{path} is null");
                return;
            }
            let ok = match t {
                "string" => value.is_string(),
                "number" => value.is_number(),
                "integer" => value.is_u64(),
                "boolean" => value.is_boolean(),
                "object" => value.is_object(),
                other => panic!("unknown shape type {other}"),
            };
            assert!(ok, "{path} should be {t}: {value}");
        }
        Value::Object(fields) => {
            if value.is_null() {
                return; // nullable objects are marked by the caller's data
            }
            for (k, s) in fields {
                let v = value
                    .get(k)
                    .unwrap_or_else(|| panic!("{path}.{k} is missing in {value}"));
                conforms(v, s, &format!("{path}.{k}"));
            }
        }
        Value::Array(elem) => {
            let items = value
                .as_array()
                .unwrap_or_else(|| panic!("{path} is not an array"));
            for (i, item) in items.iter().enumerate() {
                conforms(item, &elem[0], &format!("{path}[{i}]"));
            }
        }
        other => panic!("bad shape {other}"),
    }
}

/// Schema 2 of `compare --format json`, as docs/cli-json.md describes it.
fn compare_shape() -> Value {
    let commit = json!({
        "sha": "string", "short": "string", "subject": "string", "date": "string",
        "author_time": "number",
    });
    let side =
        json!({ "commit": commit, "runs": "integer", "dirty": "boolean", "measured_at": "string" });
    let estimate = json!({ "estimate_ns": "number", "runs": "integer" });
    json!({
        "schema": "integer",
        "command": "string",
        "testbed": {
            "name": "string", "fingerprint": "string", "cpu": "string", "cores": "integer",
            "os": "string", "arch": "string", "rustc": "string", "profile": "string",
        },
        "base": side,
        "head": side,
        "history_commits": "integer",
        "rule": { "alpha": "number", "threshold": "number", "fdr": "string" },
        "benchmarks": [{
            "name": "string", "size": "integer?", "base": estimate, "head": estimate,
            "ratio": "number?", "change": "number?", "ratio_ci": ["number"], "p": "number?",
            "q": "number?", "df": "number?", "noise": { "source": "string", "text": "string" },
            "verdict": "string", "note": "string?",
        }],
        "counts": {
            "regression": "integer", "improvement": "integer", "unchanged": "integer",
            "new": "integer", "missing": "integer",
        },
    })
}

#[test]
fn compare_json_parses_and_follows_schema_2() {
    let s = &*SCENARIO;
    let c = s.perfkit(&["compare", "--format", "json"]);
    assert_eq!(c.code, 0, "{c:#?}");
    let v: Value = serde_json::from_str(&c.stdout).expect("stdout is JSON and nothing else");
    conforms(&v, &compare_shape(), "$");
    assert_eq!(
        (v["schema"].as_u64(), v["command"].as_str()),
        (Some(2), Some("compare"))
    );
    assert_eq!(v["head"]["commit"]["sha"], json!(s.commits[2]));
    assert_eq!(v["base"]["commit"]["sha"], json!(s.commits[1]));
    let by_name = |name: &str| {
        v["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    let slowed = by_name(SLOWED);
    assert_eq!(slowed["verdict"], "regression");
    let ratio = slowed["ratio"].as_f64().unwrap();
    assert!(
        (2.0..4.5).contains(&ratio),
        "a 3x slowdown measured as {ratio}"
    );
    assert_eq!(by_name(STEADY)["verdict"], "unchanged");
    assert_eq!(v["counts"]["regression"], 1);
}

#[test]
fn compare_markdown_renders_a_table() {
    let s = &*SCENARIO;
    let c = s.perfkit(&[
        "compare",
        &s.commits[0][..7],
        "HEAD",
        "--format",
        "markdown",
    ]);
    assert_eq!(c.code, 0, "{c:#?}");
    let md = &c.stdout;
    assert!(
        md.starts_with("### perfkit compare: 1 regression, 1 unchanged"),
        "{md}"
    );
    assert!(
        md.contains("| benchmark | base | head | change | 95% CI | p | q | noise | verdict |\n|:---|---:|---:|---:|:---|---:|---:|:---|:---|\n"),
        "{md}"
    );
    let row = md
        .lines()
        .find(|l| l.starts_with(&format!("| {SLOWED} |")))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(row.ends_with("| **regression** |"), "{row}");
}
