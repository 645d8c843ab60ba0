//! `cargo perfkit report`: the document's structure on synthetic history (insta), bad input,
//! and a real browser opening the file from disk.

use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_perfkit::exit;

use crate::support::{Project, project, record, repository};

/// Writes the report of `p` and returns it.
fn report(p: &Project, extra: &[&str]) -> (String, PathBuf) {
    let out = p.path().join("report.html");
    let out_arg = out.display().to_string();
    let mut args = vec!["report", "--out", &out_arg];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = p.perfkit(&args);
    assert_eq!(code, exit::OK, "{stdout}{stderr}");
    (std::fs::read_to_string(&out).unwrap(), out)
}

/// What the reader navigates by: headings, section ids, plots and hover titles per section.
fn structure(doc: &str) -> String {
    let mut out = String::new();
    for section in doc.split("<section id=\"").skip(1) {
        let (id, rest) = section.split_once('"').unwrap();
        let own = rest.split("<section").next().unwrap();
        let heading = own
            .find("<h")
            .and_then(|i| {
                let h = &own[i..];
                Some(&h[h.find('>')? + 1..h.find("</h")?])
            })
            .unwrap_or("");
        out.push_str(&format!(
            "#{id}: {heading} | svg {} | hover {} | rows {}\n",
            own.matches("<svg").count(),
            own.matches("<title>").count(),
            own.matches("<tr").count(),
        ));
    }
    out
}

#[test]
fn report_structure() {
    let p = project();
    let (doc, _) = report(&p, &[]);
    assert!(doc.starts_with("<!DOCTYPE html>"));
    assert!(!doc.contains("<script"), "no script at all");
    // Axis labels are SVG text for the browser to set (plotters reads no font file).
    assert!(doc.matches("<text").count() > 20, "no axis labels");
    assert!(only_svg_namespace(&doc), "a URL in the report");
    insta::assert_snapshot!(structure(&doc));
    // The overview's verdicts are `check`'s: render tripled, regression.
    let (_, check, _) = p.perfkit(&["check", "--format", "json"]);
    assert!(check.contains("\"regression\""), "{check}");
    assert!(
        doc.contains("<tr class=\"regression\"><td>app::render</td>"),
        "{doc}"
    );
    // render's history marks the step `history` finds, on the commit that made it.
    let render = doc.split("<section id=\"bench-4\">").nth(1).unwrap();
    let render = render.split("</section>").next().unwrap();
    let (_, history, _) = p.perfkit(&["history", "render", "--format", "json"]);
    assert!(history.contains("\"verdict\": \"regression\""), "{history}");
    assert!(
        render.contains("render: add borders: 3.000 µs; +200.0%")
            && render.contains("regression</title>"),
        "{render}"
    );
}

/// The only URLs in the document are SVG's namespace.
fn only_svg_namespace(doc: &str) -> bool {
    doc.replace("http://www.w3.org/2000/svg", "")
        .replace("http://www.w3.org/1999/xlink", "")
        .matches("://")
        .count()
        == 0
}

#[test]
fn default_path_is_under_the_workspace_target() {
    let p = project();
    std::fs::write(p.path().join("Cargo.toml"), "[workspace]\n").unwrap();
    let (code, out, err) = p.perfkit(&["report"]);
    assert_eq!(code, exit::OK, "{out}{err}");
    assert!(
        p.path().join("target/perfkit/report.html").is_file(),
        "{out}"
    );
    assert!(
        out.contains("target/perfkit/report.html (4 benchmarks)"),
        "{out}"
    );
}

#[test]
fn an_empty_store_is_a_usage_error_that_says_what_to_do() {
    let p = repository();
    let (code, out, err) = p.perfkit(&["report", "--out", "r.html"]);
    assert_eq!(code, exit::USAGE, "{out}");
    assert!(
        err.contains("no history yet") && err.contains("cargo perfkit run"),
        "{err}"
    );
    assert!(!p.path().join("r.html").exists());
}

#[test]
fn one_commit_and_a_single_sample() {
    let p = repository();
    let mut lonely = record("one::sample", None, 100.0);
    lonely.samples.truncate(1);
    p.record("HEAD", 0, vec![record("app::parse", None, 1_000.0), lonely]);
    let (doc, _) = report(&p, &[]);
    assert!(doc.contains("every benchmark is new"), "{doc}");
    assert!(doc.contains("has no estimate to plot"), "{doc}");
    insta::assert_snapshot!(structure(&doc));
}

#[test]
fn hostile_names_are_text_never_markup() {
    let p = repository();
    let names = [
        "<img src=x onerror=alert(1)>",
        "a & b \"quoted\" 'single'",
        "</svg><script>alert(2)</script>",
    ];
    let at = |ns: f64| {
        names
            .iter()
            .map(|n| record(n, None, ns))
            .collect::<Vec<_>>()
    };
    p.record("HEAD~1", 0, at(1_000.0));
    p.record("HEAD", 10, at(3_000.0));
    let (doc, _) = report(&p, &[]);
    for raw in [
        "<img",
        "<script",
        "onerror=alert(1)>",
        "\"quoted\"",
        "'single'",
    ] {
        assert!(!doc.contains(raw), "{raw} is markup in the report");
    }
    assert!(doc.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(doc.contains("a &amp; b &quot;quoted&quot; &#39;single&#39;"));
    assert_eq!(doc.matches("<svg").count(), doc.matches("</svg>").count());
}

/// Chromium from Debian's `chromium` package, if installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let found = Command::new("which").arg(name).output().ok()?;
            found
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
        })
}

fn tools_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("PERFKIT_REQUIRE_TOOLS").is_ok_and(|v| v == "1")
}

/// Pixels that are not (nearly) white in a PNG.
fn inked_pixels(png_file: &Path) -> (usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_file).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let total = pixels.len();
    let inked = pixels
        .filter(|px| px.iter().take(3).any(|c| *c < 200))
        .count();
    (inked, total)
}

#[test]
fn chromium_renders_the_report_offline_without_errors() {
    let Some(browser) = chromium() else {
        assert!(
            !tools_required(),
            "chromium is not installed, and CI=true or PERFKIT_REQUIRE_TOOLS=1 forbids skipping: \
             apt-get install -y chromium"
        );
        eprintln!("skipped: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let p = project();
    let (_, file) = report(&p, &[]);
    let (console, shot) = open_in(&browser, &file);
    assert!(console.is_empty(), "console messages: {console:#?}");
    let (inked, total) = inked_pixels(&shot);
    assert!(
        inked * 100 > total,
        "the screenshot is nearly blank: {inked} of {total} pixels are not white"
    );
    // The check can fail: a page under the same policy that asks for an image is caught.
    let control = p.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .unwrap();
    let (console, _) = open_in(&browser, &control);
    assert!(!console.is_empty(), "a blocked request went unnoticed");
}

/// Opens `file` in headless Chromium; its console messages (a request the page's policy
/// blocks is reported there) and the screenshot's path.
fn open_in(browser: &Path, file: &Path) -> (Vec<String>, PathBuf) {
    let dir = file.parent().unwrap();
    let shot = file.with_extension("png");
    let run = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,900",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join("chromium-profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{log}");
    let console = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Content Security Policy"))
        .map(str::to_owned)
        .collect();
    (console, shot)
}

#[test]
fn base_bounds_the_baseline_as_in_check() {
    let p = project();
    let (doc, _) = report(&p, &["--base", "HEAD~2"]);
    let oldest = p.commit("HEAD~2");
    assert!(
        doc.contains(&format!("against {} (initial)", oldest.short_sha())),
        "{doc}"
    );
    assert!(
        doc.contains("--base &#39;HEAD~2&#39;"),
        "the command to write it again"
    );
}
