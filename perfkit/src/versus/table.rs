//! How a [`ComparisonReport`] reads: a table of sizes, then each variant's growth class and the
//! crossover. Formatting only: values in, text out.

use std::fmt;

use super::report::{ComparisonReport, Speedup, clear_winner, speedup_at};
use crate::report::{format_count_si, format_ns};
use crate::runtime::Measurement;
use crate::stats::Summary;

impl fmt::Display for ComparisonReport {
    /// ```text
    /// comparison find_duplicates
    ///      n   nested loops                    hash set                        hash set vs nested loops   winner
    ///   1000   412.3 µs [410.1 µs, 415.0 µs]   …                               2.31× [2.20×, 2.43×]       hash set
    ///   growth  nested loops  O(n²): t ≈ … ; runner-up …
    ///   growth  hash set      O(n): t ≈ … ; runner-up …
    ///   crossover  hash set wins from n = 2000 on (nested loops won below; equally fast near n ≈ 1480)
    /// times: median [95% CI]; speedup: times faster than nested loops, geomean ratio [95% CI]
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "comparison {}", self.name)?;
        if let Some(note) = &self.note {
            writeln!(f, "  note: {note}")?;
        }
        if let Some(why) = &self.skipped {
            if !self.counts.is_empty() {
                writeln!(f, "  {why}")?;
                return self.fmt_counts(f);
            }
            return writeln!(
                f,
                "  {why} (each variant ran once at the smallest size: {})",
                self.variants.join(", ")
            );
        }
        let reference = &self.variants[0];
        let mut header = vec!["n".to_owned()];
        header.extend(self.variants.iter().cloned());
        header.extend(
            self.variants[1..]
                .iter()
                .map(|v| format!("{v} vs {reference}")),
        );
        header.push("winner".to_owned());
        let mut table = Table::new(header);
        for at in &self.sizes {
            let mut row = vec![at.size.to_string()];
            row.extend(at.summaries.iter().map(format_ci));
            row.extend((1..self.variants.len()).map(|v| {
                speedup_at(at, v, 0).map_or_else(|| "n/a".to_owned(), |s| format_speedup(&s))
            }));
            row.push(match clear_winner(at) {
                Some(w) => self.variants[w].clone(),
                None => "none clear".to_owned(),
            });
            table.row(row);
        }
        write!(f, "{table}")?;

        let width = self.variants.iter().map(|v| v.chars().count()).max();
        for (name, fit) in self.variants.iter().zip(&self.fits) {
            let width = width.unwrap_or(0);
            match fit {
                Ok(fit) => writeln!(f, "  growth  {name:<width$}  {fit}")?,
                Err(e) => writeln!(f, "  growth  {name:<width$}  not fitted: {e}")?,
            }
        }
        match self.crossover() {
            Some(c) => {
                write!(
                    f,
                    "  crossover  {} wins from n = {} on ({} won below",
                    c.winner, c.size, c.before
                )?;
                if let Some(n) = c.estimate {
                    write!(f, "; equally fast near n ≈ {n:.0}")?;
                }
                writeln!(f, ")")?;
            }
            None => writeln!(f, "  crossover  none{}", self.no_crossover_reason())?,
        }
        writeln!(
            f,
            "times: median [95% CI]; speedup: times faster than {reference}, geomean ratio [95% CI]"
        )
    }
}

impl ComparisonReport {
    /// The counts of `PERFKIT=instructions`: per size, each variant's median instructions per
    /// iteration.
    fn fmt_counts(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut header = vec!["n".to_owned()];
        header.extend(self.variants.iter().cloned());
        let mut table = Table::new(header);
        let instructions = |v: &[Measurement]| -> Vec<(Option<usize>, f64)> {
            v.iter()
                .filter(|m| m.metric == "instructions")
                .map(|m| (m.size, m.summary.median))
                .collect()
        };
        let columns: Vec<Vec<(Option<usize>, f64)>> =
            self.counts.iter().map(|v| instructions(v)).collect();
        for (row, &(size, _)) in columns[0].iter().enumerate() {
            let mut cells = vec![size.map(|n| n.to_string()).unwrap_or_default()];
            cells.extend(columns.iter().map(|c| {
                c.get(row)
                    .map_or("n/a".to_owned(), |m| format_count_si(m.1))
            }));
            table.row(cells);
        }
        write!(f, "{table}")?;
        writeln!(f, "instructions per iteration (median of the processes)")
    }

    /// Why there is no crossover, for the table.
    fn no_crossover_reason(&self) -> String {
        let clear: Vec<Option<usize>> = self.sizes.iter().map(clear_winner).collect();
        match clear.last() {
            Some(Some(w)) if clear.iter().all(|c| *c == Some(*w)) => {
                format!(": {} wins at every size", self.variants[*w])
            }
            Some(Some(w)) => format!(
                ": {} wins at every size where any variant clearly wins",
                self.variants[*w]
            ),
            Some(None) => ": no variant clearly wins at the largest size".to_owned(),
            None => String::new(),
        }
    }
}

/// A median with its CI: `412.3 µs [410.1 µs, 415.0 µs]`.
pub(super) fn format_ci(s: &Summary) -> String {
    format!(
        "{} [{}, {}]",
        format_ns(s.median),
        format_ns(s.median_ci.lower),
        format_ns(s.median_ci.upper)
    )
}

/// A speedup with its CI: `2.31× [2.20×, 2.43×]`.
pub(super) fn format_speedup(s: &Speedup) -> String {
    format!(
        "{} [{}, {}]",
        format_ratio(s.ratio),
        format_ratio(s.ratio_ci.lower),
        format_ratio(s.ratio_ci.upper)
    )
}

/// A ratio at about three significant digits: `0.125×`, `2.31×`, `41.2×`, `1250×`; within 5%
/// of 1 with three decimals, so a CI bound just below 1 does not read as `1.00×`.
fn format_ratio(r: f64) -> String {
    let decimals = match r.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        a if (0.95..1.05).contains(&a) => 3,
        a if a >= 0.1 => 2,
        _ => 3,
    };
    format!("{r:.decimals$}×")
}

/// A plain-text table: the first column right-aligned (sizes), the others left-aligned, columns
/// three spaces apart, each line indented by two and without trailing spaces.
#[derive(Debug)]
pub(super) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(header: impl IntoIterator<Item = String>) -> Table {
        Table {
            rows: vec![header.into_iter().collect()],
        }
    }

    pub(super) fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        self.rows.push(cells.into_iter().collect());
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &self.rows {
            let mut line = String::from("  ");
            for (c, cell) in row.iter().enumerate() {
                let w = widths[c];
                if c == 0 {
                    line.push_str(&format!("{cell:>w$}"));
                } else {
                    line.push_str(&format!("   {cell:<w$}"));
                }
            }
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versus::report::tests::report;

    #[test]
    fn ratios_keep_about_three_digits() {
        assert_eq!(format_ratio(0.0412), "0.041×");
        assert_eq!(format_ratio(0.5), "0.50×");
        assert_eq!(format_ratio(0.9975), "0.998×");
        assert_eq!(format_ratio(1.0493), "1.049×");
        assert_eq!(format_ratio(2.314), "2.31×");
        assert_eq!(format_ratio(41.23), "41.2×");
        assert_eq!(format_ratio(1250.4), "1250×");
    }

    #[test]
    fn the_table_shows_times_speedups_winners_growth_and_crossover() {
        let sizes = [1_000, 2_000, 4_000, 8_000];
        let nested: Vec<f64> = sizes.iter().map(|&n| 1e-3 * (n * n) as f64).collect();
        let hash: Vec<f64> = sizes.iter().map(|&n| 1_500.0 + 1.5 * n as f64).collect();
        let r = report(&["nested loops", "hash set"], &sizes, &[&nested, &hash]);
        let text = r.to_string();
        let expected = "\
comparison find_duplicates
     n   nested loops                    hash set                        hash set vs nested loops   winner
  1000   1.000 µs [993.0 ns, 1.007 µs]   3.000 µs [2.979 µs, 3.021 µs]   0.33× [0.33×, 0.34×]       nested loops
  2000   4.000 µs [3.972 µs, 4.028 µs]   4.500 µs [4.468 µs, 4.531 µs]   0.89× [0.88×, 0.89×]       nested loops
  4000   16.00 µs [15.89 µs, 16.11 µs]   7.500 µs [7.447 µs, 7.552 µs]   2.13× [2.12×, 2.14×]       hash set
  8000   64.00 µs [63.55 µs, 64.45 µs]   13.50 µs [13.41 µs, 13.59 µs]   4.74× [4.72×, 4.77×]       hash set
  growth  nested loops  O(n²): t ≈ 0.000 ns + 1.000e-3 ns·n² (R² 1.000); runner-up O(n³) (ΔBIC +156.4, R² 0.837)
  growth  hash set      O(n): t ≈ 1.500 µs + 1.500 ns·n (R² 1.000); runner-up O(n log n) (ΔBIC +133.5, R² 0.999)
  crossover  hash set wins from n = 4000 on (nested loops won below; equally fast near n ≈ 2195)
times: median [95% CI]; speedup: times faster than nested loops, geomean ratio [95% CI]
";
        assert_eq!(text, expected, "\n{text}");
    }

    #[test]
    fn the_table_says_why_there_is_no_crossover() {
        let sizes = [1, 2, 3];
        let r = report(&["a", "b"], &sizes, &[&[2.0, 4.0, 6.0], &[1.0, 2.0, 3.0]]);
        assert!(
            r.to_string()
                .contains("  crossover  none: b wins at every size\n")
        );
        let r = report(&["a", "b"], &sizes, &[&[2.0, 2.0, 6.0], &[1.0, 2.0, 3.0]]);
        assert!(
            r.to_string().contains(
                "  crossover  none: b wins at every size where any variant clearly wins\n"
            )
        );
        let r = report(&["a", "b"], &sizes, &[&[2.0, 4.0, 3.0], &[1.0, 2.0, 3.0]]);
        let text = r.to_string();
        assert!(text.contains("   none clear\n"), "{text}");
        assert!(text.contains("  crossover  none: no variant clearly wins at the largest size\n"));
    }

    #[test]
    fn a_skipped_report_says_why() {
        let mut r = report(
            &["a", "b"],
            &[1, 2, 3],
            &[&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]],
        );
        r.sizes.clear();
        r.fits.clear();
        r.skipped = Some("debug build: timing skipped; run with --release".into());
        assert_eq!(
            r.to_string(),
            "comparison find_duplicates\n  debug build: timing skipped; run with --release \
             (each variant ran once at the smallest size: a, b)\n"
        );
    }
}
