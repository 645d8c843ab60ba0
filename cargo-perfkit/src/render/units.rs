//! Numbers and dates as the tables write them.

use perfkit::stats::Interval;
use perfkit_store::Timestamp;

use perfkit::compare::is_count;
pub use perfkit::report::format_ns as ns;
use perfkit_store::MetricInfo;

/// A value of `metric` in its unit: `1.250 ms` for time and latency (ns), `1.8K/s` for
/// throughput, `3.00%` for an error rate, `1.204M` for counts (the suffixes `max_instructions`
/// takes), four significant digits for any other metric (`0.512` for a hit rate).
pub fn level(metric: &str, value: f64) -> String {
    let unit = MetricInfo::builtin(metric).map(|info| info.unit);
    match unit.as_deref() {
        Some("ns") => ns(value),
        Some("/s") => format!("{}/s", perfkit::report::format_count_si(value)),
        Some("fraction") => perfkit::report::format_percent(value),
        _ if is_count(metric) || value.abs() >= 999.95 => perfkit::report::format_count_si(value),
        _ => perfkit::report::format_sig4(value),
    }
}

/// The JSON key of an estimate of `metric`: `estimate_ns` for time, `estimate` otherwise.
pub fn estimate_key(metric: &str) -> &'static str {
    if metric == perfkit_store::DEFAULT_METRIC {
        "estimate_ns"
    } else {
        "estimate"
    }
}

/// The suffix that names the unit of `metric` in JSON keys and CSV columns: `_ns` for time,
/// nothing for counts (their unit is the metric itself, per iteration).
pub fn unit_suffix(metric: &str) -> &'static str {
    if metric == perfkit_store::DEFAULT_METRIC {
        "_ns"
    } else {
        ""
    }
}

/// A ratio as a signed percentage change: 1.072 → `+7.2%`.
pub fn change(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "?".to_owned();
    }
    let pct = (ratio - 1.0) * 100.0;
    if pct.abs() >= 999.5 {
        format!("{:+.0}%", pct)
    } else {
        format!("{:+.1}%", pct)
    }
}

/// A ratio's interval as changes: `[+4.1%, +10.4%]`.
pub fn change_ci(ci: Interval) -> String {
    format!("[{}, {}]", change(ci.lower), change(ci.upper))
}

/// A p- or q-value: four decimals down to 0.0001, then scientific (as `Change` prints it).
pub fn probability(p: f64) -> String {
    match p {
        0.0 => "0".to_owned(),
        p if p >= 1e-4 => format!("{p:.4}"),
        p if p.is_finite() => format!("{p:.1e}"),
        _ => "?".to_owned(),
    }
}

/// A fraction as a percentage: 0.05 → `5%`, 0.025 → `2.5%`.
pub fn percent(f: f64) -> String {
    let p = f * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p}%")
    }
}

/// Days since 1970-01-01 as (year, month, day), proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Seconds since the epoch as a UTC date: `2026-04-14`.
pub fn date(secs: i64) -> String {
    let (y, m, d) = civil(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// A UTC date written as [`date`] writes it (`2026-04-14`), as seconds since the epoch at its
/// midnight: the inverse of [`date`] (Howard Hinnant's `days_from_civil`).
pub fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a date: write it as YYYY-MM-DD, e.g. 2026-04-14");
    let mut parts = text.trim().splitn(3, '-');
    let mut next = || parts.next().and_then(|p| p.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (next(), next(), next()) else {
        return Err(bad());
    };
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(1..=days_in_month).contains(&d) {
        return Err(bad());
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

/// A timestamp as UTC date and time to the minute: `2026-04-14 09:05 UTC`.
pub fn datetime(t: Timestamp) -> String {
    let secs = t.unix_ms().div_euclid(1000);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        date(secs),
        rem / 3600,
        rem % 3600 / 60
    )
}

/// A timestamp in RFC 3339, UTC, to the millisecond: `2026-04-14T09:05:03.250Z`.
pub fn rfc3339(t: Timestamp) -> String {
    let ms = t.unix_ms();
    let secs = ms.div_euclid(1000);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        date(secs),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms.rem_euclid(1000)
    )
}

/// The first `max` characters of `s`, with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_date_is_the_midnight_that_date_prints() {
        for day in ["1970-01-01", "2000-02-29", "2026-04-14", "1969-12-31"] {
            let secs = parse_date(day).unwrap();
            assert_eq!(secs.rem_euclid(86_400), 0);
            assert_eq!(date(secs), day);
        }
        assert_eq!(parse_date("1970-01-02"), Ok(86_400));
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "yesterday",
            "2026-04",
            "2025-02-29",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_in_utc() {
        // `date -u -d @1776157503 +%F` → 2026-04-14
        assert_eq!(date(1_776_157_503), "2026-04-14");
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
        let t = Timestamp::from_unix_ms(1_776_157_503_250);
        assert_eq!(datetime(t), "2026-04-14 09:05 UTC");
        assert_eq!(rfc3339(t), "2026-04-14T09:05:03.250Z");
    }

    #[test]
    fn changes_and_probabilities() {
        assert_eq!(change(1.072), "+7.2%");
        assert_eq!(change(0.5), "-50.0%");
        assert_eq!(change(30.0), "+2900%");
        assert_eq!(
            change_ci(Interval {
                lower: 1.041,
                upper: 1.104
            }),
            "[+4.1%, +10.4%]"
        );
        assert_eq!(probability(0.0003), "0.0003");
        assert_eq!(probability(3.2e-12), "3.2e-12");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
