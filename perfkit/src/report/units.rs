//! Numbers with units, at four significant digits.

use crate::spec::Throughput;

/// A duration in nanoseconds with the unit that keeps it readable: `412.3 µs`, `1.250 ms`.
pub fn format_ns(ns: f64) -> String {
    // The unit is chosen on the value as printed (four significant digits), so 999.99 ns
    // reads 1.000 µs rather than 1000 ns.
    let (value, unit) = match ns.abs() {
        v if v < 999.95 => (ns, "ns"),
        v if v < 999.95e3 => (ns / 1e3, "µs"),
        v if v < 999.95e6 => (ns / 1e6, "ms"),
        _ => (ns / 1e9, "s"),
    };
    format!("{} {unit}", sig4(value))
}

/// A byte count with binary units: `512 B`, `64.00 KiB`.
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes.abs() < 1024.0 {
        return format!("{} B", trim(bytes));
    }
    let mut v = bytes;
    let mut unit = "B";
    for u in UNITS {
        if v.abs() < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{} {unit}", sig4(v))
}

/// A large count with the suffixes `max_instructions` accepts (decimal K, M, G) at four
/// significant digits: `812.5`, `12.35K`, `1.200M`.
pub fn format_count_si(n: f64) -> String {
    let (value, suffix) = match n.abs() {
        v if v < 999.95 => return trim((n * 10.0).round() / 10.0),
        v if v < 999.95e3 => (n / 1e3, "K"),
        v if v < 999.95e6 => (n / 1e6, "M"),
        _ => (n / 1e9, "G"),
    };
    format!("{}{suffix}", sig4(value))
}

/// A plain number at four significant digits without trailing zeros: `0.512`, `12.35`, `3`.
pub fn format_sig4(v: f64) -> String {
    let s = sig4(v);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A count that may be fractional (allocations per iteration): `3`, `2.5`.
pub fn format_count(n: f64) -> String {
    trim(n)
}

/// Throughput per second for `amount` units per iteration at `ns_per_iter`.
pub fn format_throughput(amount: Throughput, ns_per_iter: f64) -> String {
    if ns_per_iter <= 0.0 {
        return "unbounded".to_owned();
    }
    let per_iter_s = ns_per_iter / 1e9;
    match amount {
        Throughput::Bytes(b) => format!("{}/s", format_bytes(b as f64 / per_iter_s)),
        Throughput::Elements(e) => {
            let rate = e as f64 / per_iter_s;
            let (v, prefix) = match rate {
                r if r < 1e3 => (r, ""),
                r if r < 1e6 => (r / 1e3, "K"),
                r if r < 1e9 => (r / 1e6, "M"),
                r => (r / 1e9, "G"),
            };
            format!("{} {prefix}elem/s", sig4(v))
        }
    }
}

/// Four significant digits without exponent: 412.3, 41.23, 4.123, 0.4123.
pub(crate) fn sig4(v: f64) -> String {
    let decimals = |a: f64| {
        if a >= 1000.0 {
            0
        } else if a >= 100.0 {
            1
        } else if a >= 10.0 {
            2
        } else if a >= 1.0 || a == 0.0 {
            3
        } else {
            4
        }
    };
    // Decide the decimals on the rounded value, so 99.999 prints as 100.0, not 100.00.
    let first = format!("{v:.prec$}", prec = decimals(v.abs()));
    let rounded: f64 = first.parse().unwrap_or(v);
    format!("{v:.prec$}", prec = decimals(rounded.abs()))
}

/// Whole numbers without decimals, others with up to two.
fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A fraction as a percentage with two decimals: `0.0312` is `3.12%`.
pub fn format_percent(fraction: f64) -> String {
    format!("{:.2}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_keep_four_significant_digits() {
        assert_eq!(format_sig4(0.5124), "0.5124");
        assert_eq!(format_sig4(0.512), "0.512");
        assert_eq!(format_sig4(3.0), "3");
        assert_eq!(format_sig4(12.345), "12.35");
        assert_eq!(format_sig4(0.0), "0");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(format_ns(0.42), "0.4200 ns");
        assert_eq!(format_ns(12.34), "12.34 ns");
        assert_eq!(format_ns(412_300.0), "412.3 µs");
        assert_eq!(format_ns(1_250_000.0), "1.250 ms");
        assert_eq!(format_ns(2.5e9), "2.500 s");
        assert_eq!(format_ns(0.0), "0.000 ns");
        // A geometric mean of 1 µs came out as 999.9999 ns and printed as `1000 ns`.
        assert_eq!(format_ns(999.999_9), "1.000 µs");
        assert_eq!(format_ns(999.94), "999.9 ns");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(format_bytes(512.0), "512 B");
        assert_eq!(format_bytes(65536.0), "64.00 KiB");
        assert_eq!(format_bytes(3.5 * 1024.0 * 1024.0), "3.500 MiB");
    }

    #[test]
    fn throughput_per_second() {
        assert_eq!(
            format_throughput(Throughput::Elements(1000), 1000.0),
            "1.000 Gelem/s"
        );
        assert_eq!(
            format_throughput(Throughput::Elements(1), 1e6),
            "1.000 Kelem/s"
        );
        assert_eq!(
            format_throughput(Throughput::Elements(1), 2e6),
            "500.0 elem/s"
        );
        assert_eq!(format_throughput(Throughput::Bytes(1000), 1e9), "1000 B/s");
        assert_eq!(
            format_throughput(Throughput::Bytes(1 << 20), 1e9),
            "1.000 MiB/s"
        );
    }

    #[test]
    fn counts_drop_needless_decimals() {
        assert_eq!(format_count(3.0), "3");
        assert_eq!(format_count(2.5), "2.50");
    }
}
