//! Assertions on a [`ComparisonReport`]: "this variant is faster than that one (from this size
//! on)", failing with the evidence.

use std::fmt::Write as _;

use super::report::{ComparisonReport, SizeResult, speedup_at};
use super::table::{Table, format_ci, format_speedup};

impl ComparisonReport {
    /// Panics unless `faster` is clearly faster than `slower` at every measured size.
    ///
    /// The claim holds at a size when the 95% CI of the speedup of `faster` over `slower` (a
    /// ratio of geometric means, see [`speedup`](Self::speedup)) lies entirely above 1. The
    /// message shows each size's medians, the speedup with its CI, and where the claim fails.
    /// When timing was skipped, only the names are checked.
    ///
    /// # Panics
    ///
    /// When the claim fails at some size, or either name is not a variant.
    pub fn assert_faster(&self, faster: &str, slower: &str) -> &Self {
        self.check_faster(faster, slower, None)
    }

    /// Panics unless `faster` is clearly faster than `slower` at every measured size of at
    /// least `from_size`; smaller sizes are shown in the message but not judged. See
    /// [`assert_faster`](Self::assert_faster).
    ///
    /// # Panics
    ///
    /// When the claim fails at some size from `from_size` on, when no measured size is that
    /// large, or when either name is not a variant.
    pub fn assert_faster_from(&self, faster: &str, slower: &str, from_size: usize) -> &Self {
        self.check_faster(faster, slower, Some(from_size))
    }

    fn check_faster(&self, faster: &str, slower: &str, from: Option<usize>) -> &Self {
        if let Err(message) = self.faster_failure(faster, slower, from) {
            panic!("{message}");
        }
        self
    }

    /// `Err` with the failure message when the claim does not hold (the pure core of the
    /// assertions).
    pub(super) fn faster_failure(
        &self,
        faster: &str,
        slower: &str,
        from: Option<usize>,
    ) -> Result<(), String> {
        let index = |name: &str| {
            self.variant_index(name).ok_or_else(|| {
                format!(
                    "comparison `{}` has no variant named `{name}`; its variants are {}",
                    self.name,
                    self.variants
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        };
        let (f, s) = (index(faster)?, index(slower)?);
        if self.is_skipped() {
            return Ok(());
        }
        let from = from.unwrap_or(0);
        let judged: Vec<&SizeResult> = self.sizes.iter().filter(|r| r.size >= from).collect();
        if judged.is_empty() {
            let measured: Vec<String> = self.sizes.iter().map(|r| r.size.to_string()).collect();
            return Err(format!(
                "comparison `{}`: no measured size is at least {from} (measured: {}); measure \
                 at larger sizes or lower `from_size`",
                self.name,
                measured.join(", ")
            ));
        }
        let failing: Vec<usize> = judged
            .iter()
            .filter(|r| !speedup_at(r, f, s).is_some_and(|x| x.is_clear()))
            .map(|r| r.size)
            .collect();
        if failing.is_empty() {
            return Ok(());
        }

        let sizes: Vec<String> = failing.iter().map(usize::to_string).collect();
        let mut out = format!(
            "comparison `{}`: `{faster}` is not clearly faster than `{slower}` at n = {}\n",
            self.name,
            sizes.join(", ")
        );
        let mut table = Table::new([
            "n".to_owned(),
            faster.to_owned(),
            slower.to_owned(),
            format!("speedup of {faster}"),
            String::new(),
        ]);
        for r in &self.sizes {
            let speedup = speedup_at(r, f, s);
            let mark = if r.size < from {
                "not judged"
            } else if speedup.is_some_and(|x| x.is_clear()) {
                "ok"
            } else {
                "FAILS"
            };
            table.row([
                r.size.to_string(),
                format_ci(&r.summaries[f]),
                format_ci(&r.summaries[s]),
                speedup.map_or_else(|| "n/a".to_owned(), |x| format_speedup(&x)),
                mark.to_owned(),
            ]);
        }
        let _ = write!(out, "{table}");
        let _ = write!(
            out,
            "times: median [95% CI]; speedup: geomean({slower}) / geomean({faster}) [95% CI]; \
             the claim holds at a size when the whole CI lies above 1×"
        );
        Err(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::versus::report::tests::report;

    const SIZES: [usize; 3] = [1_000, 2_000, 4_000];

    fn crossing() -> crate::versus::ComparisonReport {
        report(
            &["nested loops", "hash set"],
            &SIZES,
            &[&[1_000.0, 4_000.0, 16_000.0], &[3_000.0, 3_990.0, 5_000.0]],
        )
    }

    #[test]
    fn holds_where_the_ci_is_above_one() {
        let r = crossing();
        assert!(
            r.faster_failure("hash set", "nested loops", Some(4_000))
                .is_ok()
        );
        // 0.25% apart at 2000: not a clear win, but 2000 is below the judged sizes.
        r.assert_faster_from("hash set", "nested loops", 3_000)
            .assert_faster_from("hash set", "nested loops", 4_000);
    }

    #[test]
    fn the_message_shows_sizes_times_and_the_ratio_ci() {
        let r = crossing();
        let err = r
            .faster_failure("hash set", "nested loops", Some(2_000))
            .unwrap_err();
        let expected = "\
comparison `find_duplicates`: `hash set` is not clearly faster than `nested loops` at n = 2000
     n   hash set                        nested loops                    speedup of hash set
  1000   3.000 µs [2.979 µs, 3.021 µs]   1.000 µs [993.0 ns, 1.007 µs]   0.33× [0.33×, 0.34×]      not judged
  2000   3.990 µs [3.962 µs, 4.018 µs]   4.000 µs [3.972 µs, 4.028 µs]   1.003× [0.997×, 1.008×]   FAILS
  4000   5.000 µs [4.965 µs, 5.035 µs]   16.00 µs [15.89 µs, 16.11 µs]   3.20× [3.18×, 3.22×]      ok
times: median [95% CI]; speedup: geomean(nested loops) / geomean(hash set) [95% CI]; \
the claim holds at a size when the whole CI lies above 1×";
        assert_eq!(err, expected, "\n{err}");
    }

    #[test]
    fn failing_everywhere_lists_every_size() {
        let r = crossing();
        let err = r
            .faster_failure("nested loops", "hash set", None)
            .unwrap_err();
        assert!(err.contains("at n = 2000, 4000\n"), "{err}");
    }

    #[test]
    #[should_panic(expected = "`hash set` is not clearly faster than `nested loops` at n = 1000")]
    fn assert_faster_panics_with_the_message() {
        crossing().assert_faster("hash set", "nested loops");
    }

    #[test]
    fn unknown_names_and_sizes_are_named() {
        let r = crossing();
        let err = r
            .faster_failure("hashset", "nested loops", None)
            .unwrap_err();
        assert!(
            err.contains("no variant named `hashset`")
                && err.contains("`nested loops`, `hash set`"),
            "{err}"
        );
        let err = r
            .faster_failure("hash set", "nested loops", Some(10_000))
            .unwrap_err();
        assert!(
            err.contains("no measured size is at least 10000 (measured: 1000, 2000, 4000)"),
            "{err}"
        );
    }

    #[test]
    fn a_skipped_report_checks_only_names() {
        let mut r = crossing();
        r.skipped = Some("debug build: timing skipped; run with --release".into());
        r.sizes.clear();
        r.assert_faster("nested loops", "hash set");
        assert!(r.faster_failure("nested", "hash set", None).is_err());
    }
}
