//! One snapshot per command and format that people read, plus the errors that tell them what
//! to do.

use cargo_perfkit::exit;

use crate::support::{project, repository};

#[test]
fn list() {
    let p = project();
    let (code, out, err) = p.perfkit(&["list"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn history_table() {
    let p = project();
    let (code, out, err) = p.perfkit(&["history"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn history_of_one_benchmark_in_markdown() {
    let p = project();
    let (code, out, _) = p.perfkit(&["history", "render", "--format", "markdown", "--limit", "2"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
}

#[test]
fn compare_defaults_to_the_baseline_of_the_current_commit() {
    let p = project();
    let (code, out, err) = p.perfkit(&["compare"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn compare_two_revisions_in_markdown() {
    let p = project();
    let (code, out, _) = p.perfkit(&["compare", "HEAD~2", "HEAD~1", "--format", "markdown"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
}

#[test]
fn compare_json() {
    let p = project();
    let (code, out, _) = p.perfkit(&["compare", "--format", "json", "--fdr", "none"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
}

#[test]
fn check_fails_on_the_regression_and_names_it() {
    let p = project();
    let (code, out, err) = p.perfkit(&["check"]);
    assert_eq!((code, err.as_str()), (exit::REGRESSION, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn check_passes_against_a_base_without_the_regression() {
    let p = project();
    // Checked out at the second commit, its baseline is the first: parse got faster.
    std::process::Command::new("git")
        .args(["checkout", "-q", "HEAD~1"])
        .current_dir(p.path())
        .status()
        .unwrap();
    let (code, out, _) = p.perfkit(&["check"]);
    assert_eq!(code, exit::OK, "{out}");
    assert!(
        out.contains("check passed: no significant regression in 5 benchmarks"),
        "{out}"
    );
    assert!(out.contains("improvement"), "{out}");
}

#[test]
fn check_on_github_writes_the_step_summary_and_annotations() {
    let p = project();
    let summary = p.path().join("summary.md");
    let summary_var = summary.display().to_string();
    let (code, out, _) = p.perfkit_with(&["check"], &[("GITHUB_STEP_SUMMARY", &summary_var)]);
    assert_eq!(code, exit::REGRESSION);
    let annotations: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    insta::assert_snapshot!(annotations.join("\n"));
    insta::assert_snapshot!(std::fs::read_to_string(summary).unwrap());
}

#[test]
fn check_without_a_baseline_passes_unless_one_is_required() {
    let p = repository();
    p.record(
        "HEAD",
        0,
        vec![crate::support::record("app::parse", None, 900.0)],
    );
    let (code, out, _) = p.perfkit(&["check"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
    let (code, out, _) = p.perfkit(&["check", "--require-baseline", "--format", "json"]);
    assert_eq!(code, exit::REGRESSION);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["base"], serde_json::Value::Null);
}

#[test]
fn baseline_document() {
    let p = project();
    let (code, out, err) = p.perfkit(&["baseline"]);
    assert_eq!((code, err.as_str()), (exit::OK, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn export_csv_and_bmf() {
    let p = project();
    let (code, out, _) = p.perfkit(&["export", "--format", "csv", "parse"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
    let (code, out, _) = p.perfkit(&["export", "--format", "bmf", "render"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(out);
    // Issue 15: Bencher's format has exactly these fields per measure (no `unit`).
    let bmf: serde_json::Value = serde_json::from_str(&out).unwrap();
    for (name, measures) in bmf.as_object().unwrap() {
        for (measure, m) in measures.as_object().unwrap() {
            let m = m.as_object().unwrap();
            let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(
                keys,
                ["lower_value", "upper_value", "value"],
                "{name} {measure}"
            );
            let v = |k: &str| m[k].as_f64().unwrap();
            assert!(v("lower_value") <= v("value") && v("value") <= v("upper_value"));
        }
    }
}

#[test]
fn gc_dry_run_then_prune() {
    let p = project();
    let (code, dry, _) = p.perfkit(&["gc", "--keep", "1", "--dry-run"]);
    assert_eq!(code, exit::OK);
    insta::assert_snapshot!(dry);
    let (_, list_before, _) = p.perfkit(&["list"]);
    assert!(list_before.contains("commits (3)"), "{list_before}");
    let (code, done, _) = p.perfkit(&["gc", "--keep", "1"]);
    assert_eq!(code, exit::OK);
    assert!(
        done.starts_with("deleted 1 run (5 results) at 1 commit"),
        "{done}"
    );
    assert!(done.contains("compacted the file, returning "), "{done}");
    let (_, list_after, _) = p.perfkit(&["list"]);
    // The newest commit, and the second: it holds `app::legacy`'s newest result.
    assert!(list_after.contains("commits (2)"), "{list_after}");
}

/// Issue 11.8: `gc --keep 0` deleted the current commit's results.
#[test]
fn gc_keeps_at_least_one_commit() {
    let p = project();
    let (code, _, err) = p.perfkit(&["gc", "--keep", "0"]);
    assert_eq!(code, exit::USAGE);
    assert!(err.contains("--keep"), "{err}");
    let (_, list, _) = p.perfkit(&["list"]);
    assert!(list.contains("commits (3)"), "{list}");
}

#[test]
fn errors_say_what_to_do() {
    let p = project();
    let (code, _, err) = p.perfkit(&["compare", "mian"]);
    assert_eq!(code, exit::USAGE);
    insta::assert_snapshot!(err);

    let empty = repository();
    let (code, _, err) = empty.perfkit(&["history"]);
    assert_eq!(code, exit::USAGE);
    insta::assert_snapshot!(err);

    let (code, _, err) = p.perfkit(&["history", "nosuchbench"]);
    assert_eq!(code, exit::USAGE);
    insta::assert_snapshot!(err);

    let (code, _, err) = p.perfkit(&["check", "--threshold", "lots"]);
    assert_eq!(code, exit::USAGE);
    insta::assert_snapshot!(err);

    let (code, _, err) = p.perfkit(&["frobnicate"]);
    assert_eq!(code, exit::USAGE);
    assert!(
        err.contains("unrecognized subcommand 'frobnicate'"),
        "{err}"
    );
}

/// Issue 10.4: on a dirty tree `check` judged the last commit's results, silently, although
/// the working tree's uncommitted results were recorded. It judges those now, and says so.
#[test]
fn check_on_a_dirty_tree_judges_the_uncommitted_results() {
    let p = project();
    // The tree without results of its own: the last commit is judged, and the output says so.
    std::fs::write(p.path().join("notes.txt"), "render: undo the borders").unwrap();
    let (code, out, _) = p.perfkit(&["check"]);
    assert_eq!(code, exit::REGRESSION, "{out}");
    assert!(
        out.contains("the working tree has uncommitted changes but no results of them"),
        "{out}"
    );

    // Results of the uncommitted edit: render is back to 1 µs. Its baseline is the commit's
    // own clean results (the code before the edit), so render reads as an improvement.
    let mut store = perfkit_store::Store::open(&p.db).unwrap();
    let git = perfkit_store::GitContext::discover(p.path());
    let mut run = perfkit_store::Run::new(
        &git,
        crate::support::testbed(),
        "0.1.0",
        perfkit_store::Source::PerfTest,
    );
    assert!(run.dirty);
    run.started_at = perfkit_store::Timestamp::from_unix_ms(1_776_150_000_000 + 40 * 60_000);
    let records = vec![
        crate::support::record("app::parse", None, 900.0),
        crate::support::record("app::render", None, 1_000.0),
    ];
    store.record_run(&run, &records).unwrap();
    drop(store);
    let (code, out, _) = p.perfkit(&["check"]);
    assert_eq!(code, exit::OK, "{out}");
    assert!(
        out.contains("note: judging the working tree's uncommitted results"),
        "{out}"
    );
    assert!(out.contains("(1 run, uncommitted changes)"), "{out}");
    let render = out.lines().find(|l| l.starts_with("app::render")).unwrap();
    assert!(render.ends_with("improvement"), "{render}");
}

/// Issue 11.4: `run --base` with a revision that does not exist measured every test first.
/// It is refused before anything is built.
#[test]
fn run_refuses_an_unknown_base_before_building() {
    let p = project();
    let (code, out, err) = p.perfkit(&["run", "--base", "no-such-branch"]);
    assert_eq!(code, exit::USAGE, "{out}{err}");
    assert!(err.contains("`no-such-branch`"), "{err}");
    assert!(err.contains("nothing was built or measured"), "{err}");
    assert!(!err.contains("Compiling"), "{err}");
}

/// A filtered run at the parent (only `parse` measured) made `render` "new" for `check`,
/// while `render`'s own perf test found its baseline further back and judged it. `check`
/// applies the store's rule per benchmark now, as the tests do.
#[test]
fn a_benchmark_the_base_lacks_is_judged_against_its_own_baseline() {
    use crate::support::record;
    let p = repository();
    p.record(
        "HEAD~2",
        0,
        vec![
            record("app::parse", None, 900.0),
            record("app::render", None, 1_000.0),
        ],
    );
    p.record("HEAD~1", 10, vec![record("app::parse", None, 900.0)]);
    p.record(
        "HEAD",
        20,
        vec![
            record("app::parse", None, 900.0),
            record("app::render", None, 3_000.0),
        ],
    );
    let (code, out, _) = p.perfkit(&["check"]);
    assert_eq!(code, exit::REGRESSION, "{out}");
    let render = out.lines().find(|l| l.starts_with("app::render")).unwrap();
    let own = p.commit("HEAD~2");
    assert!(
        render.contains(&format!("@{}", own.short_sha())),
        "{render}"
    );
    assert!(render.ends_with("regression"), "{render}");
    let (_, json, _) = p.perfkit(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["base"]["commit"]["sha"], p.commit("HEAD~1").sha.as_str());
    assert_eq!(v["benchmarks"][1]["base_commit"], own.sha.as_str());
    assert_eq!(v["benchmarks"][0]["base_commit"], serde_json::Value::Null);
}

/// Issue 11.9: importing the same criterion output twice pooled the same samples as two runs.
#[test]
fn importing_the_same_criterion_output_again_adds_nothing() {
    let p = repository();
    let out = p.path().join("criterion");
    for (id, times) in [
        ("parse", "[100.0,110.0,90.0]"),
        ("render", "[50.0,55.0,45.0]"),
    ] {
        let new = out.join(id).join("new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(
            new.join("benchmark.json"),
            format!(
                r#"{{"group_id":"{id}","function_id":null,"value_str":null,"full_id":"{id}"}}"#
            ),
        )
        .unwrap();
        std::fs::write(
            new.join("sample.json"),
            format!(r#"{{"iters":[1.0,1.0,1.0],"times":{times}}}"#),
        )
        .unwrap();
    }
    let dir = out.display().to_string();
    let (code, first, err) = p.perfkit(&["import", "criterion", &dir]);
    assert_eq!(code, exit::OK, "{err}");
    assert!(
        first.starts_with("imported 2 criterion benchmarks"),
        "{first}"
    );
    let (code, again, err) = p.perfkit(&["import", "criterion", &dir]);
    assert_eq!(code, exit::OK, "{err}");
    assert!(
        again.starts_with("imported 0 criterion benchmarks")
            && again.contains("skipped 2 results imported before"),
        "{again}"
    );
    let (_, list, _) = p.perfkit(&["list"]);
    assert!(list.contains("commits (1)"), "{list}");
    let runs: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("render: add borders"))
        .collect();
    assert_eq!(runs.len(), 1, "{list}");
    assert!(
        runs[0].split_whitespace().any(|w| w == "1"),
        "one run: {list}"
    );
    let (_, json, _) = p.perfkit(&["export", "--format", "json"]);
    let results: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(results["results"].as_array().unwrap().len(), 2, "{json}");
}

/// Issue 11.10: `cargo perfkit history | head -1` printed "error: cannot write the output:
/// Broken pipe". The reader going away ends the command quietly, with exit code 2.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    struct ClosedPipe;
    impl std::io::Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
    let p = project();
    let db = p.db.display().to_string();
    for command in ["history", "list", "check", "export"] {
        let (mut ctx, out) = cargo_perfkit::Context::captured(p.path(), &[]);
        ctx.stdout = Box::new(ClosedPipe);
        let argv = [
            "cargo-perfkit",
            "perfkit",
            command,
            "--db",
            &db,
            "--testbed",
            "snapshot",
        ];
        let code = cargo_perfkit::run(argv, &mut ctx);
        assert_eq!(code, exit::USAGE, "{command}");
        assert_eq!(out.stderr(), "", "{command}");
    }
}

/// Issue 11.10: `export` exited 0 with nothing when its pattern matched nothing, while
/// `history` exited 2; one rule now: exit 2, naming the pattern.
#[test]
fn a_pattern_that_matches_nothing_is_an_error_everywhere() {
    let p = project();
    for args in [
        &["history", "nosuchbench"][..],
        &["export", "nosuchbench"],
        &["export", "--format", "csv", "nosuchbench"],
        &["export", "--format", "bmf", "nosuchbench"],
    ] {
        let (code, out, err) = p.perfkit(args);
        assert_eq!(code, exit::USAGE, "{args:?}: {out}");
        assert!(err.contains("nosuchbench"), "{args:?}: {err}");
    }
}

/// Issue 11.10: `history --limit 0` silently showed one commit.
#[test]
fn history_limit_zero_is_refused() {
    let p = project();
    let (code, out, err) = p.perfkit(&["history", "--limit", "0"]);
    assert_eq!(code, exit::USAGE, "{out}");
    assert!(err.contains("--limit"), "{err}");
}
