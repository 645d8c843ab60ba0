//! Issue 11.7: names were printed raw. A newline forged a table row, an ESC sequence reached
//! the terminal, and `check`'s output (read by GitHub Actions for workflow commands) could
//! carry a forged `::error::` or `::add-mask::`.

use cargo_perfkit::exit;

use crate::support::{record, repository};

const HOSTILE: &[&str] = &[
    "evil\n::error::forged annotation",
    "::add-mask::secret",
    "wipe\x1b[2J\x1b]0;title\x07",
    "row | forged | cells",
    "<img src=x onerror=alert(1)>",
];

/// Every line a GitHub runner would take for a workflow command, and whether any ESC is left.
fn commands_in(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .collect()
}

#[test]
fn hostile_names_forge_nothing_in_any_output() {
    let p = repository();
    let at = |ns: f64| {
        HOSTILE
            .iter()
            .map(|n| record(n, None, ns))
            .collect::<Vec<_>>()
    };
    p.record("HEAD~1", 0, at(1_000.0));
    p.record("HEAD", 10, at(3_000.0));
    let summary = p.path().join("summary.md");
    let summary_var = summary.display().to_string();
    let github = [("GITHUB_STEP_SUMMARY", summary_var.as_str())];

    for format in ["table", "markdown", "json"] {
        let (code, out, err) = p.perfkit_with(&["check", "--format", format], &github);
        assert_eq!(code, exit::REGRESSION, "{out}{err}");
        let both = format!("{out}{err}");
        assert!(!both.contains('\x1b'), "{format}: {both:?}");
        let commands = commands_in(&both);
        // perfkit's own annotations, one per regression, and nothing else.
        assert_eq!(commands.len(), HOSTILE.len(), "{format}: {commands:#?}");
        assert!(
            commands
                .iter()
                .all(|c| c.starts_with("::error title=performance regression::")),
            "{format}: {commands:#?}"
        );
    }
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(!md.contains('\x1b') && !md.contains("| <img"), "{md}");
    // Three checks appended a table each: header, rule and one row per benchmark.
    let rows = md.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(rows, 3 * (2 + HOSTILE.len()), "{md}");

    for args in [&["list"][..], &["history"], &["compare", "HEAD~1", "HEAD"]] {
        let (_, out, _) = p.perfkit(args);
        assert!(!out.contains('\x1b'), "{args:?}: {out:?}");
        assert!(commands_in(&out).is_empty(), "{args:?}: {out}");
        let (_, out, _) = p.perfkit(&[args, &["--format", "markdown"][..]].concat());
        assert!(
            !out.contains('\x1b') && !out.contains(" <img"),
            "{args:?}: {out}"
        );
    }
}
