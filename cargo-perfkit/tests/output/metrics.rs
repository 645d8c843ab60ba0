//! `--metric`: the commands judge and show one metric's series, in its unit, with its rule.
//! Counts from callgrind sit beside the time results of the same benchmarks, as a run with
//! `--metric instructions` records them.

use cargo_perfkit::exit;
use perfkit_store::{Record, StoredSummary};

use crate::support::{Project, project};

/// A result of `metric` with three samples (three processes under callgrind) about `count`:
/// the last one 0.01% higher, as hash seeds make it.
fn count(name: &str, metric: &str, value: f64) -> Record {
    let samples = vec![value, value, value * 1.0001];
    let summary = StoredSummary::from(&perfkit::Summary::new(&samples).unwrap());
    let mut r = Record::new(name, summary, 5, samples);
    r.metric = metric.to_owned();
    r
}

/// The synthetic project with instruction counts at each commit too: `parse` unchanged at
/// 1.2M, `render` 2% more instructions at the last commit (below time's 5% threshold, above
/// the counts' 0.5%), and `render`'s estimated cycles unchanged.
fn with_counts() -> Project {
    let p = project();
    let counts = |render: f64| {
        vec![
            count("app::parse", "instructions", 1_200_000.0),
            count("app::render", "instructions", render),
            count("app::render", "estimated_cycles", 2_500_000.0),
        ]
    };
    p.record("HEAD~2", 1, counts(2_000_000.0));
    p.record("HEAD~1", 11, counts(2_000_000.0));
    p.record("HEAD", 21, counts(2_040_000.0));
    p
}

#[test]
fn history_of_instructions_shows_counts_and_the_step() {
    let p = with_counts();
    let (code, out, err) = p.perfkit(&["history", "--metric", "instructions"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn check_on_instructions_gates_a_two_percent_step() {
    let p = with_counts();
    let (code, out, err) = p.perfkit(&["check", "--metric", "instructions"]);
    assert_eq!((code, err.as_str()), (exit::REGRESSION, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn compare_json_names_the_metric_and_its_estimates() {
    let p = with_counts();
    let (code, out, _) = p.perfkit(&["compare", "--metric", "instructions", "--format", "json"]);
    assert_eq!(code, exit::OK);
    assert!(out.contains("\"metric\": \"instructions\""), "{out}");
    assert!(out.contains("\"estimate\": 20399"), "{out}");
    assert!(!out.contains("estimate_ns"), "{out}");
}

#[test]
fn time_is_the_default_and_never_mixes_with_counts() {
    let p = with_counts();
    let with = p.perfkit(&["compare"]);
    let without = project().perfkit(&["compare"]);
    assert_eq!(with, without);
}

/// The report draws and judges the metric asked for: counts in their unit, on an axis that
/// names them, with the counts' rule (render's +2% is a regression there, not in time).
#[test]
fn report_of_instructions_draws_counts_with_their_rule() {
    let p = with_counts();
    let out = p.path().join("counts.html");
    let out_arg = out.display().to_string();
    let (code, stdout, stderr) =
        p.perfkit(&["report", "--metric", "instructions", "--out", &out_arg]);
    assert_eq!(code, exit::OK, "{stdout}{stderr}");
    let doc = std::fs::read_to_string(&out).unwrap();
    assert!(doc.contains("instructions per iteration"), "no counts axis");
    assert!(doc.contains("1.200M"), "parse's count in its unit");
    assert!(!doc.contains(" µs"), "a time in a report of counts");
    assert!(
        doc.contains("<tr class=\"regression\"><td>app::render</td>"),
        "render's +2% under the counts' 0.5% rule"
    );
    let time = p.path().join("time.html");
    let time_arg = time.display().to_string();
    let (code, _, _) = p.perfkit(&["report", "--out", &time_arg]);
    assert_eq!(code, exit::OK);
    let time = std::fs::read_to_string(&time).unwrap();
    assert!(!time.contains("1.200M") && time.contains("time per iteration"));
}

/// `export --metric` exports that metric's series in every format, counts without the `_ns`
/// of time; time stays the default.
#[test]
fn export_exports_the_metric_asked_for() {
    let p = with_counts();
    let (code, out, err) = p.perfkit(&["export", "--metric", "instructions", "render"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["metric"], "instructions");
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "one result per commit: {out}");
    for r in results {
        assert_eq!(r["metric"], "instructions");
        assert!(r["summary"]["median_ns"].is_null(), "{r}");
    }
    assert_eq!(results[0]["summary"]["median"], 2_040_000.0);
    let (_, time, _) = p.perfkit(&["export", "render"]);
    let time: serde_json::Value = serde_json::from_str(&time).unwrap();
    assert_eq!(time["metric"], "time");
    assert!(time["results"][0]["summary"]["median_ns"].is_number());

    let (code, csv, _) = p.perfkit(&["export", "--metric", "instructions", "--format", "csv"]);
    assert_eq!(code, exit::OK);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.contains(",n,mean,median,median_ci_lower,"),
        "{header}"
    );
    assert!(!header.contains("_ns"), "{header}");
    // parse and render at three commits each.
    assert_eq!(lines.clone().count(), 6, "{csv}");
    assert!(
        lines.any(|l| l.starts_with("app::render,") && l.contains(",2040000,")),
        "{csv}"
    );

    let (code, bmf, _) = p.perfkit(&["export", "--metric", "estimated_cycles", "--format", "bmf"]);
    assert_eq!(code, exit::OK, "{bmf}");
    let bmf: serde_json::Value = serde_json::from_str(&bmf).unwrap();
    let measures = bmf["app::render"].as_object().unwrap();
    assert_eq!(measures.keys().collect::<Vec<_>>(), ["estimated-cycles"]);
    assert_eq!(measures["estimated-cycles"]["value"], 2_500_000.0);
    assert!(
        bmf.get("app::parse").is_none(),
        "parse has no estimated cycles: {bmf}"
    );
}

#[test]
fn export_of_a_metric_never_recorded_says_how_to_record_it() {
    let p = project();
    let (code, _, err) = p.perfkit(&["export", "--metric", "instructions", "--format", "bmf"]);
    assert_eq!(code, exit::USAGE);
    assert!(
        err.contains("no results of instructions at")
            && err.contains("`cargo perfkit run --metric instructions`"),
        "{err}"
    );
}

/// A metric where higher is better (a user's hit rate, declared so): its fall is the
/// regression `check` fails on, and its rise passes.
#[test]
fn check_judges_a_higher_is_better_metric_by_its_declared_direction() {
    use perfkit_store::{Better, MetricInfo, Store};
    let p = project();
    let mut store = Store::open(&p.db).unwrap();
    store
        .declare_metric(&MetricInfo::new("hit_rate", "%", Better::Higher))
        .unwrap();
    drop(store);
    let rate = |value: f64| {
        // Within-run spread like a time's, 0.5%.
        let samples: Vec<f64> = (0..30)
            .map(|i| value * (1.0 + 0.005 * ((i % 5) as f64 - 2.0) / 2.0))
            .collect();
        let summary = StoredSummary::from(&perfkit::Summary::new(&samples).unwrap());
        let mut r = Record::new("cache::lookup", summary, 1, samples);
        r.metric = "hit_rate".to_owned();
        vec![r]
    };
    p.record("HEAD~2", 1, rate(90.0));
    p.record("HEAD~1", 11, rate(90.0));
    p.record("HEAD", 21, rate(60.0));
    let (code, out, err) = p.perfkit(&["check", "--metric", "hit_rate", "--base", "HEAD~1"]);
    assert_eq!((code, err.as_str()), (exit::REGRESSION, ""), "{out}");
    assert!(out.contains("worse in hit_rate"), "{out}");

    // The same fall of a lower-is-better metric is an improvement: only the direction differs.
    let mut store = Store::open(&p.db).unwrap();
    store
        .declare_metric(&MetricInfo::new("hit_rate", "%", Better::Lower))
        .unwrap();
    drop(store);
    let (code, out, err) = p.perfkit(&["check", "--metric", "hit_rate", "--base", "HEAD~1"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""), "{out}");
    assert!(out.contains("improvement"), "{out}");
}
