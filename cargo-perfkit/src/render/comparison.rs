//! The comparison of two sides, as `run`, `compare` and `check` show it.

use std::fmt::Write as _;

use perfkit::compare::{Verdict, VerdictRule};
use perfkit_store::Testbed;
use serde_json::{Map, Value, json};

use super::escape;
use super::json;
use super::table::{Align, Cell, Paint, Table};
use super::units::{change, change_ci, median_ci, percent, probability, truncate};
use crate::judge::{Counts, Row};
use crate::pool::Side;

/// Everything a comparison shows.
#[derive(Debug, Clone, Copy)]
pub struct ComparisonView<'a> {
    /// The testbed both sides were measured on.
    pub testbed: &'a Testbed,
    /// The baseline side, if there is one.
    pub base: Option<&'a Side>,
    /// The side judged.
    pub head: &'a Side,
    /// What the head is called: `head`, `this run`.
    pub head_label: &'a str,
    /// The verdict rule.
    pub rule: VerdictRule,
    /// Whether verdicts are on q-values.
    pub fdr: bool,
    /// The judged series.
    pub rows: &'a [Row],
}

/// `3f2a91c slow down (2 runs, uncommitted changes)`; in markdown the SHA is code.
pub fn describe(side: &Side) -> String {
    describe_as(side, false)
}

fn describe_as(side: &Side, markdown: bool) -> String {
    let mut s = match &side.commit {
        Some(c) if markdown => format!(
            "`{}` {}",
            c.short_sha(),
            escape::markdown(&truncate(&c.summary, 50))
        ),
        Some(c) => format!(
            "{} {}",
            c.short_sha(),
            escape::text(&truncate(&c.summary, 50))
        ),
        None => "(no commit)".to_owned(),
    };
    let _ = write!(
        s,
        " ({} run{}",
        side.runs,
        if side.runs == 1 { "" } else { "s" }
    );
    if side.dirty {
        s.push_str(", uncommitted changes");
    }
    s.push(')');
    s
}

/// `3f2a91c (slow down)`: a side in a sentence.
pub fn name(side: &Side) -> String {
    match &side.commit {
        Some(c) => format!(
            "{} ({})",
            c.short_sha(),
            escape::text(&truncate(&c.summary, 50))
        ),
        None => "the results without a commit".to_owned(),
    }
}

/// `1 regression, 2 unchanged`: the non-zero counts, worst first.
pub fn counts_line(c: Counts) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let parts = [
        (
            c.regression,
            plural(c.regression, "regression", "regressions"),
        ),
        (
            c.improvement,
            plural(c.improvement, "improvement", "improvements"),
        ),
        (c.unchanged, format!("{} unchanged", c.unchanged)),
        (c.new, format!("{} new", c.new)),
        (c.missing, format!("{} missing", c.missing)),
    ];
    let parts: Vec<String> = parts
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, s)| s)
        .collect();
    if parts.is_empty() {
        "no benchmarks".to_owned()
    } else {
        parts.join(", ")
    }
}

impl ComparisonView<'_> {
    fn rule_line(&self) -> String {
        format!(
            "alpha {}, threshold {}{}",
            self.rule.alpha,
            percent(self.rule.threshold),
            if self.fdr {
                ", verdicts on Benjamini-Hochberg q-values"
            } else {
                ", verdicts on p-values"
            }
        )
    }

    fn table_of_rows(&self) -> Table {
        let mut columns = vec![
            ("benchmark", Align::Left),
            ("base", Align::Right),
            (self.head_label, Align::Right),
            ("change", Align::Right),
            ("95% CI", Align::Left),
            ("p", Align::Right),
        ];
        if self.fdr {
            columns.push(("q", Align::Right));
        }
        columns.push(("verdict", Align::Left));
        let mut table = Table::new(&columns);
        for row in self.rows {
            let paint = Paint::verdict(row.verdict);
            let stat = |s: Option<crate::judge::Stats>| {
                s.map_or("-".to_owned(), |s| median_ci(s.median, s.median_ci))
            };
            let mut cells: Vec<Cell> = vec![
                row.key.to_string().into(),
                stat(row.base).into(),
                stat(row.head).into(),
            ];
            match &row.comparison {
                Some(c) => {
                    cells.push(Cell::painted(change(c.ratio), paint));
                    cells.push(change_ci(c.ratio_ci).into());
                    cells.push(probability(c.p).into());
                    if self.fdr {
                        cells.push(c.q.map_or("-".to_owned(), probability).into());
                    }
                }
                None => {
                    let blanks = if self.fdr { 4 } else { 3 };
                    cells.extend((0..blanks).map(|_| Cell::from("-")));
                }
            }
            let mut verdict = row.verdict.to_string();
            if let Some(note) = &row.note {
                let _ = write!(verdict, " ({note})");
            }
            cells.push(Cell::painted(verdict, paint));
            table.row(cells);
        }
        table
    }

    /// Aligned text: who is compared with whom, the table, and the counts.
    pub fn table(&self, color: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{:<8} {}", self.head_label, describe(self.head));
        match self.base {
            Some(b) => {
                let _ = writeln!(out, "{:<8} {}", "base", describe(b));
            }
            None => {
                let _ = writeln!(
                    out,
                    "{:<8} none: no earlier results on this testbed",
                    "base"
                );
            }
        }
        let _ = writeln!(out, "{:<8} {}", "testbed", escape::text(&self.testbed.name));
        out.push('\n');
        if self.rows.is_empty() {
            out.push_str("no benchmarks to compare\n");
            return out;
        }
        out.push_str(&self.table_of_rows().text(0, color));
        let _ = writeln!(
            out,
            "\n{} ({})",
            counts_line(Counts::of(self.rows)),
            self.rule_line()
        );
        out
    }

    /// A markdown section headed `heading`.
    pub fn markdown(&self, heading: &str) -> String {
        let mut out = format!("### {heading}: {}\n\n", counts_line(Counts::of(self.rows)));
        let _ = write!(out, "{} {}", self.head_label, describe_as(self.head, true));
        match self.base {
            Some(b) => {
                let _ = write!(out, " · base {}", describe_as(b, true));
            }
            None => out.push_str(" · no baseline"),
        }
        let _ = writeln!(
            out,
            " · testbed {}\n",
            escape::markdown_code(&self.testbed.name)
        );
        if !self.rows.is_empty() {
            out.push_str(&self.table_of_rows().markdown());
            let _ = writeln!(out, "\n<sub>{}</sub>", self.rule_line());
        }
        out
    }

    /// The JSON object of the comparison, under `command`.
    pub fn json(&self, command: &str) -> Map<String, Value> {
        let mut m = json::envelope(command);
        let c = Counts::of(self.rows);
        m.insert("testbed".into(), json::testbed(self.testbed));
        m.insert("base".into(), self.base.map_or(Value::Null, json::side));
        m.insert("head".into(), json::side(self.head));
        m.insert(
            "rule".into(),
            json!({
                "alpha": self.rule.alpha,
                "threshold": self.rule.threshold,
                "fdr": if self.fdr { "bh" } else { "none" },
            }),
        );
        let rows: Vec<Value> = self.rows.iter().map(row_json).collect();
        m.insert("benchmarks".into(), Value::Array(rows));
        m.insert(
            "counts".into(),
            json!({
                "regression": c.regression,
                "improvement": c.improvement,
                "unchanged": c.unchanged,
                "new": c.new,
                "missing": c.missing,
            }),
        );
        m
    }
}

fn row_json(row: &Row) -> Value {
    let c = row.comparison.as_ref();
    json!({
        "name": row.key.benchmark,
        "size": row.key.size,
        "base": row.base.as_ref().map(json::stats),
        "head": row.head.as_ref().map(json::stats),
        "ratio": c.map(|c| c.ratio),
        "change": c.map(|c| c.change()),
        "ratio_ci": c.map(|c| json::interval(c.ratio_ci)),
        "p": c.map(|c| c.p),
        "q": c.and_then(|c| c.q),
        "verdict": verdict_name(row.verdict),
        "note": row.note,
    })
}

/// The verdict's name in JSON.
pub fn verdict_name(v: Verdict) -> String {
    v.to_string()
}
