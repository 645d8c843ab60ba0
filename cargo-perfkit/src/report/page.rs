//! The report as one HTML document: inline CSS, inline SVG, no script, and a content security
//! policy that forbids every request, so the page is the same offline, attached to a CI run or
//! opened from disk.

use std::fmt::Write as _;

use perfkit::compare::{Judgement, Verdict};

use super::data::ReportData;
use super::plots::{self, PlotError};
use crate::render::escape::html;
use crate::render::units::{change, change_ci, level, percent, probability};

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-top:2rem;font-family:ui-monospace,monospace;font-size:1rem;overflow-wrap:anywhere}
svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.15rem .6rem;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even){background:#f6f6f6}
.regression{color:#c0392b;font-weight:600}.improvement{color:#1e8449;font-weight:600}
.note{color:#555}code,pre{font-family:ui-monospace,monospace}pre{background:#f6f6f6;padding:.6rem}
nav a{margin-right:1rem}";

/// The policy: no request of any kind; only the inline style and SVG.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The whole document. `command` is how to write it again.
pub fn document(r: &ReportData, command: &str) -> Result<String, PlotError> {
    let mut out = String::with_capacity(64 * 1024);
    let latest = &r.judging.head.commit;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <title>perfkit report: {} {}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n\
         <h1>perfkit report</h1>\n<p class=\"note\">{} at {} ({}) on testbed <code>{}</code>",
        latest.short_sha(),
        html(&latest.summary),
        branch_text(r),
        latest.short_sha(),
        html(&latest.summary),
        html(&r.testbed.name),
    );
    match &r.judging.base {
        Some(b) => {
            let _ = write!(
                out,
                ", against {} ({})",
                b.commit.short_sha(),
                html(&b.commit.summary)
            );
        }
        None => out.push_str(", no baseline"),
    }
    out.push_str(".</p>\n<nav><a href=\"#overview\">overview</a>");
    if !r.growth.is_empty() {
        out.push_str("<a href=\"#growth\">growth</a>");
    }
    out.push_str("<a href=\"#benchmarks\">benchmarks</a><a href=\"#about\">about</a></nav>\n");
    overview(&mut out, r)?;
    if !r.growth.is_empty() {
        out.push_str("<section id=\"growth\">\n<h2>Growth with n</h2>\n<p class=\"note\">The latest commit's estimate at each size, on log-log axes; each variant's fitted class in the legend; dashed lines where two variants cross.</p>\n");
        for (i, g) in r.growth.iter().enumerate() {
            let _ = write!(
                out,
                "<section id=\"growth-{}\">\n<h3>{}</h3>\n{}\n</section>\n",
                i + 1,
                html(&g.name),
                plots::growth(g, &r.judging.metric)?
            );
        }
        out.push_str("</section>\n");
    }
    benchmarks(&mut out, r)?;
    about(&mut out, r, command);
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

fn branch_text(r: &ReportData) -> String {
    match &r.branch {
        Some(b) => format!("branch <code>{}</code>", html(b)),
        None => "detached HEAD".to_owned(),
    }
}

fn overview(out: &mut String, r: &ReportData) -> Result<(), PlotError> {
    out.push_str("<section id=\"overview\">\n<h2>Latest commit against its baseline</h2>\n");
    let judged = r
        .rows
        .iter()
        .filter(|j| j.judgement.change().is_some())
        .count();
    if r.judging.base.is_none() {
        out.push_str("<p class=\"note\">No earlier commit has results on this testbed, so every benchmark is new: there is nothing to compare with yet.</p>\n");
    } else if judged > 0 {
        let _ = write!(
            out,
            "<p class=\"note\">Each benchmark's change with its 95% confidence interval, judged as <code>cargo perfkit check</code> judges it (alpha {}, threshold {}, false discovery rate controlled across benchmarks). Hover a point for its numbers.</p>\n{}\n",
            r.rule.alpha,
            percent(r.rule.threshold),
            plots::forest(&r.rows, &r.rule)?
        );
    }
    out.push_str("<table>\n<tr><th>benchmark</th><th>baseline</th><th>latest</th><th>change</th><th>95% CI</th><th>p</th><th>q</th><th>verdict</th></tr>\n");
    for j in &r.rows {
        let level = |l: Option<f64>| l.map_or(String::new(), |v| level(&r.judging.metric, v));
        let (chg, ci, p, q) = match &j.judgement {
            Judgement::Change(c) => (
                change(c.ratio),
                change_ci(c.ratio_ci),
                probability(c.p),
                c.q.map_or(String::new(), probability),
            ),
            _ => Default::default(),
        };
        let verdict = match &j.judgement {
            Judgement::Insufficient { reason } => format!("not judged: {reason}"),
            other => other.verdict().to_string(),
        };
        let class = match j.judgement.verdict() {
            Verdict::Regression => " class=\"regression\"",
            Verdict::Improvement => " class=\"improvement\"",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<tr{class}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{chg}</td><td class=\"num\">{ci}</td><td class=\"num\">{p}</td><td class=\"num\">{q}</td><td>{}</td></tr>",
            html(&j.key.to_string()),
            level(j.base_level),
            level(j.head_level),
            html(&verdict),
        );
    }
    out.push_str("</table>\n</section>\n");
    Ok(())
}

fn benchmarks(out: &mut String, r: &ReportData) -> Result<(), PlotError> {
    let _ = write!(
        out,
        "<section id=\"benchmarks\">\n<h2>Benchmarks</h2>\n<p class=\"note\">History along the first parents of the checked-out commit ({} commit{} with results): the estimate the judge sees with the 95% CI of the median, p95, budgets, and triangles where <code>cargo perfkit history</code> finds a significant step. Hover a point for its commit. Below: the baseline's and the latest commit's samples.</p>\n",
        r.commits,
        if r.commits == 1 { "" } else { "s" }
    );
    for (i, b) in r.benchmarks.iter().enumerate() {
        let _ = write!(
            out,
            "<section id=\"bench-{}\">\n<h3>{}</h3>\n",
            i + 1,
            html(&b.key.to_string())
        );
        if b.sizes > 1 {
            let _ = writeln!(
                out,
                "<p class=\"note\">Measured at {} sizes; the history shows the largest.</p>",
                b.sizes
            );
        }
        if b.points.is_empty() {
            out.push_str("<p class=\"note\">No commit has 2 or more usable samples of this benchmark in one run, so it has no estimate to plot.</p>\n");
        } else {
            out.push_str(&plots::history(b, &r.judging.metric)?);
            out.push('\n');
        }
        if b.head_samples.is_empty() && b.base_samples.is_empty() {
            out.push_str("<p class=\"note\">Not measured at the latest commit.</p>\n");
        } else {
            out.push_str(&plots::ecdf(
                &b.base_samples,
                &b.head_samples,
                &r.judging.metric,
            )?);
            out.push('\n');
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

fn about(out: &mut String, r: &ReportData, command: &str) {
    let t = &r.testbed;
    let m = &t.machine;
    let _ = write!(
        out,
        "<section id=\"about\">\n<h2>Testbed, commits and how to reproduce</h2>\n<table>\n\
         <tr><th>testbed</th><td><code>{}</code> (fingerprint {})</td></tr>\n\
         <tr><th>machine</th><td>{}, {} cores, {} {}</td></tr>\n\
         <tr><th>compiler</th><td>{}, {} profile</td></tr>\n\
         <tr><th>latest commit</th><td><code>{}</code> {}</td></tr>\n",
        html(&t.name),
        html(&t.fingerprint),
        html(&m.cpu),
        m.cores,
        html(&m.os),
        html(&m.arch),
        html(&t.rustc),
        html(&t.profile),
        html(&r.judging.head.commit.sha),
        html(&r.judging.head.commit.summary),
    );
    if let Some(b) = &r.judging.base {
        let _ = writeln!(
            out,
            "<tr><th>baseline</th><td><code>{}</code> {}</td></tr>",
            html(&b.commit.sha),
            html(&b.commit.summary)
        );
    }
    let _ = write!(
        out,
        "<tr><th>perfkit</th><td>{}</td></tr>\n</table>\n\
         <p>The overview's verdicts are those of <code>cargo perfkit check</code> at the latest \
         commit, the steps those of <code>cargo perfkit history</code>. To measure again, judge, \
         and write this report:</p>\n\
         <pre>git checkout {}\ncargo perfkit run\ncargo perfkit check\ncargo perfkit history\n{}</pre>\n\
         </section>\n",
        env!("CARGO_PKG_VERSION"),
        html(&r.judging.head.commit.sha),
        html(command)
    );
}
