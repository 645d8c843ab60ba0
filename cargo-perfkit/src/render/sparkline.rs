//! A sparkline: a trend in one line of block characters.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The smallest span the bars cover, as a fraction of the largest value: the default
/// regression threshold, so a change too small to be a verdict stays within a bar or two.
pub const MIN_SPAN: f64 = 0.05;

/// One bar per value, oldest first, scaled from the smallest to the largest, over a span of
/// at least [`MIN_SPAN`] of the largest: noise of a percent or two does not fill the scale.
/// Values that are not finite are drawn as a space.
pub fn sparkline(values: &[f64]) -> String {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                ' '
            } else {
                let span = (hi - lo).max(hi.abs() * MIN_SPAN);
                let step = if span > 0.0 {
                    ((v - lo) / span * 7.0).round() as usize
                } else {
                    0
                };
                BARS[step.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_from_lowest_to_highest() {
        assert_eq!(sparkline(&[1.0, 2.0, 3.0, 8.0]), "▁▂▃█");
        assert_eq!(sparkline(&[5.0, 5.0]), "▁▁");
        assert_eq!(sparkline(&[1.0, f64::NAN, 2.0]), "▁ █");
        // 1657 / 1653 / 1664 ns: well under 5% apart, so no full-height bar.
        assert_eq!(sparkline(&[1657.0, 1653.0, 1664.0]), "▁▁▂");
        assert_eq!(sparkline(&[0.0, 0.0]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }
}
