//! What a profile prints: the samples taken, the hottest functions, memory, notes.

use std::fmt::{self, Write as _};

use super::{Growth, Profile, SAMPLE_INTERVAL, TOP, hottest};
use crate::report::{format_bytes, format_count, format_ns};

/// Below this many samples a share is uncertain by more than about 1.5 points; say so.
const FEW_SAMPLES: u64 = 1_000;

/// Above this share of frames without file and line, inlined functions are not named.
const UNLOCATED: f64 = 0.5;

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let samples = self.samples();
        let seconds = self.elapsed.as_secs_f64();
        write!(
            f,
            "  samples {} in {seconds:.1} s ({:.0}/s)",
            format_count(samples as f64),
            (samples + self.outside) as f64 / seconds.max(1e-9)
        )?;
        if self.outside > 0 {
            write!(
                f,
                "; {} outside the routine (other threads, the harness) left out",
                format_count(self.outside as f64)
            )?;
        }
        writeln!(f)?;
        writeln!(f, "  {:>6}  {:>6}  function", "self", "total")?;
        for hot in hottest(&self.folded, TOP) {
            writeln!(
                f,
                "  {:>5.1}%  {:>5.1}%  {}",
                hot.self_share * 100.0,
                hot.total_share * 100.0,
                hot.name
            )?;
        }
        if let Some(a) = &self.allocations {
            writeln!(
                f,
                "  memory  {} allocations, {} per call; peak heap {}",
                format_count(a.allocs),
                format_bytes(a.bytes),
                format_bytes(a.peak_bytes as f64)
            )?;
        }
        if let Some(note) = short_routine_note(self.per_call_ns, self.batch) {
            writeln!(f, "  note    {note}")?;
        }
        if samples < FEW_SAMPLES {
            // The binomial standard error of a share near 50%, in points.
            let se = 50.0 / (samples as f64).sqrt();
            writeln!(
                f,
                "  note    only {samples} samples: shares are uncertain by about ±{:.0} points; \
                 profile longer (`--time`, `PERFKIT_PROFILE_TIME`)",
                2.0 * se
            )?;
        }
        if self.unlocated_share > UNLOCATED {
            writeln!(
                f,
                "  note    the binary has no line tables: inlined functions count in their \
                 callers; add `debug = \"line-tables-only\"` under [profile.release] to name them"
            )?;
        }
        Ok(())
    }
}

/// The note for a routine whose call is shorter than the gap between samples: it was profiled
/// in batches, and its shares are averages over many calls.
pub fn short_routine_note(per_call_ns: f64, batch: u64) -> Option<String> {
    (per_call_ns < SAMPLE_INTERVAL.as_nanos() as f64).then(|| {
        format!(
            "one call takes {}, less than the {} between samples: profiled in batches of {} \
             calls, so each share is an average over many calls",
            format_ns(per_call_ns),
            format_ns(SAMPLE_INTERVAL.as_nanos() as f64),
            format_count(batch as f64)
        )
    })
}

/// The lines of an explanation: each function whose share grew, `base → head`.
pub fn describe_growth(grown: &[Growth]) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "  {:>15}  {:>15}  function", "self", "total");
    for g in grown {
        let _ = writeln!(
            text,
            "  {:>5.1}% → {:>5.1}%  {:>5.1}% → {:>5.1}%  {}",
            g.base.self_share * 100.0,
            g.head.self_share * 100.0,
            g.base.total_share * 100.0,
            g.head.total_share * 100.0,
            g.name
        );
    }
    text
}
