//! A sparkline: a trend in one line of block characters.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The noise band: a value within this fraction of its level draws at the level's height. It
/// is the default regression threshold, so a move too small to be a verdict stays flat.
pub const NOISE_BAND: f64 = 0.05;

/// One bar per value, oldest first. Reading in order, a value joins the current level while it
/// is within [`NOISE_BAND`] of the level's median, and starts a new level otherwise; each level
/// is one height, so noise around a level draws flat, and a drift becomes a staircase. Heights
/// climb one bar per two bands (about 10%) above the lowest level, scaled down to the eight
/// bars when the levels span more. Ratios are compared on a log scale. Values that are not
/// finite are drawn as a space.
///
/// Why not min..max: scaled from the lowest to the highest value, ±3% of noise filled all
/// eight bars (`▃▆▁▇`) and looked like a trend.
pub fn sparkline(values: &[f64]) -> String {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    // Ratios need positive values; a series with zeros or negatives (counts, differences) is
    // placed linearly, in fractions of its largest magnitude.
    let largest = finite.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let (scaled, band): (Vec<f64>, f64) = if finite.iter().all(|&v| v > 0.0) {
        (finite.iter().map(|v| v.ln()).collect(), NOISE_BAND.ln_1p())
    } else if largest > 0.0 {
        (finite.iter().map(|v| v / largest).collect(), NOISE_BAND)
    } else {
        (finite.clone(), NOISE_BAND)
    };
    // The level of each finite value, and each level's median.
    let mut level_of = Vec::with_capacity(scaled.len());
    let mut medians: Vec<f64> = Vec::new();
    let mut members: Vec<f64> = Vec::new();
    for &v in &scaled {
        match medians.last_mut() {
            Some(m) if (v - *m).abs() <= band => {
                members.push(v);
                *m = median(&mut members);
            }
            _ => {
                members = vec![v];
                medians.push(v);
            }
        }
        level_of.push(medians.len() - 1);
    }
    let lowest = medians.iter().copied().fold(f64::INFINITY, f64::min);
    let heights: Vec<f64> = medians
        .iter()
        .map(|m| ((m - lowest) / (2.0 * band)).round())
        .collect();
    let top = heights.iter().copied().fold(0.0, f64::max);
    let shrink = if top > 7.0 { 7.0 / top } else { 1.0 };
    let mut levels = level_of.into_iter();
    values
        .iter()
        .map(|&v| match v.is_finite().then(|| levels.next()).flatten() {
            Some(level) => BARS[((heights[level] * shrink).round() as usize).min(7)],
            None => ' ',
        })
        .collect()
}

/// The median of non-empty values (sorts them).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: ±3% of noise drew as `▃▆▁▇` (scaled from min to max).
    #[test]
    fn noise_within_the_band_is_flat() {
        assert_eq!(sparkline(&[100.0, 103.0, 97.0, 102.5, 98.0]), "▁▁▁▁▁");
        assert_eq!(sparkline(&[1657.0, 1653.0, 1664.0]), "▁▁▁");
        assert_eq!(sparkline(&[5.0, 5.0]), "▁▁");
    }

    #[test]
    fn a_step_beyond_the_band_climbs_a_bar_per_band() {
        // +10%: one bar up.
        assert_eq!(sparkline(&[100.0, 101.0, 99.0, 110.0, 111.0]), "▁▁▁▂▂");
        assert_eq!(sparkline(&[100.0, 110.0, 111.0, 109.0]), "▁▂▂▂");
        // A slow drift of 1% a commit draws as a staircase, about a bar per 10%.
        let drift: Vec<f64> = (0..25).map(|i| 100.0 * 1.01f64.powi(i)).collect();
        assert_eq!(sparkline(&drift), "▁▁▁▁▁▁▁▁▁▂▂▂▂▂▂▂▂▂▃▃▃▃▃▃▃");
        // +50% with noise: the noise stays flat on both levels.
        assert_eq!(
            sparkline(&[100.0, 103.0, 98.0, 150.0, 147.0, 152.0]),
            "▁▁▁▅▅▅"
        );
        // An improvement reads downwards.
        assert_eq!(sparkline(&[150.0, 151.0, 100.0, 99.0]), "▅▅▁▁");
    }

    #[test]
    fn large_moves_are_scaled_to_eight_bars() {
        assert_eq!(sparkline(&[112.9, 543.5]), "▁█");
        assert_eq!(sparkline(&[1.0, 2.0, 4.0, 8.0, 16.0]), "▁▃▅▆█");
    }

    #[test]
    fn odd_values() {
        assert_eq!(sparkline(&[1.0, f64::NAN, 1.01]), "▁ ▁");
        assert_eq!(sparkline(&[1.0, f64::INFINITY, 2.0]), "▁ █");
        assert_eq!(sparkline(&[f64::NAN]), " ");
        assert_eq!(sparkline(&[0.0, 0.0]), "▁▁");
        assert_eq!(sparkline(&[0.0, 10.0]), "▁█");
        assert_eq!(sparkline(&[]), "");
    }
}
