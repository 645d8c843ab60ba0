//! The judging of a head against its baseline, as `run`, `compare` and `check` show it: the
//! estimates the judge compared (each side's level over its runs), the change with its
//! interval, p and q, the noise source, and the verdict.

use std::fmt::Write as _;

use perfkit::compare::{Judgement, Noise, Verdict, VerdictRule};
use perfkit::sides::Judged;
use perfkit_store::{CommitRuns, Testbed};
use serde_json::{Map, Value, json};

use super::escape;
use super::json;
use super::table::{Align, Cell, Paint, Table};
use super::units::{change, change_ci, estimate_key, percent, probability, truncate};
use crate::judging::Judging;

/// Everything a comparison shows.
#[derive(Debug, Clone, Copy)]
pub struct ComparisonView<'a> {
    /// The testbed both sides were measured on.
    pub testbed: &'a Testbed,
    /// The sides and their judged series.
    pub judging: &'a Judging,
    /// What the head is called: `head`, `this run`.
    pub head_label: &'a str,
    /// The verdict rule.
    pub rule: VerdictRule,
    /// Whether verdicts are on q-values.
    pub fdr: bool,
}

/// How many rows got each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Significant slow-downs.
    pub regression: usize,
    /// Significant speed-ups.
    pub improvement: usize,
    /// Neither (including series with too little to judge).
    pub unchanged: usize,
    /// Only in the head.
    pub new: usize,
    /// Only in the base.
    pub missing: usize,
}

impl Counts {
    /// Counts the verdicts of `rows`.
    pub fn of(rows: &[Judged]) -> Counts {
        let mut c = Counts::default();
        for row in rows {
            match row.judgement.verdict() {
                Verdict::Regression => c.regression += 1,
                Verdict::Improvement => c.improvement += 1,
                Verdict::Unchanged => c.unchanged += 1,
                Verdict::New => c.new += 1,
                Verdict::Missing => c.missing += 1,
            }
        }
        c
    }
}

/// `3f2a91c slow down (2 runs, uncommitted changes)`; in markdown the SHA is code.
pub fn describe(side: &CommitRuns) -> String {
    describe_as(side, false)
}

fn describe_as(side: &CommitRuns, markdown: bool) -> String {
    let c = &side.commit;
    let mut s = if markdown {
        format!(
            "`{}` {}",
            c.short_sha(),
            escape::markdown(&truncate(&c.summary, 50))
        )
    } else {
        format!(
            "{} {}",
            c.short_sha(),
            escape::text(&truncate(&c.summary, 50))
        )
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
pub fn name(side: &CommitRuns) -> String {
    let c = &side.commit;
    format!(
        "{} ({})",
        c.short_sha(),
        escape::text(&truncate(&c.summary, 50))
    )
}

/// `history (14 commits)`: what set a row's noise floor; `-` without a change.
pub fn noise(row: &Judged) -> String {
    row.judgement
        .change()
        .map_or("-".to_owned(), |c| c.noise.to_string())
}

/// A side's judged level of `metric` over its runs: `1.000 µs`, with `×3` for three runs.
fn level(metric: &str, level: Option<f64>, runs: usize) -> String {
    match level {
        Some(l) if runs > 1 => format!("{} ×{runs}", super::units::level(metric, l)),
        Some(l) => super::units::level(metric, l),
        None => "-".to_owned(),
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
        let metric = &self.judging.metric;
        format!(
            "{}alpha {}, threshold {}{}",
            if *metric == perfkit_store::DEFAULT_METRIC {
                String::new()
            } else {
                format!("{metric} per iteration; ")
            },
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
        columns.push(("noise", Align::Left));
        columns.push(("verdict", Align::Left));
        let mut table = Table::new(&columns);
        for row in &self.judging.rows {
            let verdict = row.judgement.verdict();
            let paint = Paint::verdict(verdict);
            let mut base = level(&self.judging.metric, row.base_level, row.base_runs);
            if let Some(c) = self.judging.elsewhere.get(&row.key.benchmark) {
                // This benchmark's own baseline: the base commit did not measure it.
                let _ = write!(base, " @{}", c.short_sha());
            }
            let mut cells: Vec<Cell> = vec![
                row.key.to_string().into(),
                base.into(),
                level(&self.judging.metric, row.head_level, row.head_runs).into(),
            ];
            match row.judgement.change() {
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
            cells.push(noise(row).into());
            let mut verdict = verdict.to_string();
            if let Judgement::Insufficient { reason } = row.judgement {
                let _ = write!(verdict, " ({reason})");
            }
            cells.push(Cell::painted(verdict, paint));
            table.row(cells);
        }
        table
    }

    /// What the base and head columns hold, and where the noise can come from.
    fn estimate_line(&self) -> String {
        let n = self.judging.history_commits;
        format!(
            "base, {}: each side's estimate over its runs (×N: N runs{}), the levels the change \
             compares; noise: what set the between-run noise floor ({n} earlier commit{} of \
             history on this testbed)",
            self.head_label,
            if self.judging.elsewhere.is_empty() {
                ""
            } else {
                "; @commit: that benchmark's own baseline, as the base commit lacks it"
            },
            if n == 1 { "" } else { "s" }
        )
    }

    /// Aligned text: who is compared with whom, the table, and the counts.
    pub fn table(&self, color: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<8} {}",
            self.head_label,
            describe(&self.judging.head)
        );
        match &self.judging.base {
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
        if self.judging.rows.is_empty() {
            out.push_str("no benchmarks to compare\n");
            return out;
        }
        out.push_str(&self.table_of_rows().text(0, color));
        let _ = writeln!(
            out,
            "\n{} ({})\n{}",
            counts_line(Counts::of(&self.judging.rows)),
            self.rule_line(),
            self.estimate_line()
        );
        out
    }

    /// A markdown section headed `heading`.
    pub fn markdown(&self, heading: &str) -> String {
        let rows = &self.judging.rows;
        let mut out = format!("### {heading}: {}\n\n", counts_line(Counts::of(rows)));
        let _ = write!(
            out,
            "{} {}",
            self.head_label,
            describe_as(&self.judging.head, true)
        );
        match &self.judging.base {
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
        if !rows.is_empty() {
            out.push_str(&self.table_of_rows().markdown());
            let _ = writeln!(
                out,
                "\n<sub>{}; {}</sub>",
                self.rule_line(),
                self.estimate_line()
            );
        }
        out
    }

    /// The JSON object of the comparison, under `command`.
    pub fn json(&self, command: &str) -> Map<String, Value> {
        let mut m = json::envelope(command);
        let c = Counts::of(&self.judging.rows);
        m.insert("testbed".into(), json::testbed(self.testbed));
        m.insert("metric".into(), json!(self.judging.metric));
        m.insert(
            "base".into(),
            self.judging.base.as_ref().map_or(Value::Null, json::side),
        );
        m.insert("head".into(), json::side(&self.judging.head));
        m.insert(
            "history_commits".into(),
            json!(self.judging.history_commits),
        );
        m.insert(
            "rule".into(),
            json!({
                "alpha": self.rule.alpha,
                "threshold": self.rule.threshold,
                "fdr": if self.fdr { "bh" } else { "none" },
            }),
        );
        let rows: Vec<Value> = self
            .judging
            .rows
            .iter()
            .map(|r| {
                let mut v = row_json(r, &self.judging.metric);
                let elsewhere = self.judging.elsewhere.get(&r.key.benchmark);
                v["base_commit"] = elsewhere.map_or(Value::Null, |c| json!(c.sha));
                v
            })
            .collect();
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

fn row_json(row: &Judged, metric: &str) -> Value {
    let c = row.judgement.change();
    let side = |level: Option<f64>, runs: usize| {
        level.map_or(
            Value::Null,
            |l| json!({ estimate_key(metric): l, "runs": runs }),
        )
    };
    json!({
        "name": row.key.benchmark,
        "size": row.key.size,
        "base": side(row.base_level, row.base_runs),
        "head": side(row.head_level, row.head_runs),
        "ratio": c.map(|c| c.ratio),
        "change": c.map(|c| c.change()),
        "ratio_ci": c.map(|c| json::interval(c.ratio_ci)),
        "p": c.map(|c| c.p),
        "q": c.and_then(|c| c.q),
        "df": c.map(|c| c.df),
        "noise": c.map(|c| noise_json(c.noise)),
        "verdict": verdict_name(row.judgement.verdict()),
        "note": match row.judgement {
            Judgement::Insufficient { reason } => Some(reason),
            _ => None,
        },
    })
}

/// `{"source": "history", "commits": 14, "text": "history (14 commits)"}`.
pub fn noise_json(noise: Noise) -> Value {
    let mut v = match noise {
        Noise::Replicates { runs } => json!({ "source": "replicates", "runs": runs }),
        Noise::History { commits } => json!({ "source": "history", "commits": commits }),
        Noise::Prior => json!({ "source": "prior" }),
        Noise::Paired { rounds } => json!({ "source": "paired", "rounds": rounds }),
    };
    v["text"] = json!(noise.to_string());
    v
}

/// The verdict's name in JSON.
pub fn verdict_name(v: Verdict) -> String {
    v.to_string()
}
