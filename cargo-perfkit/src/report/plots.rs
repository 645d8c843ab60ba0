//! The report's plots: SVG drawn with `plotters` (its SVG backend writes `<text>` elements and
//! leaves the glyphs to the browser, so no font file is read), plus an invisible circle with
//! a `<title>` on each point, which is what a browser shows on hover.
//!
//! Names reach plotters already through [`escape::text`] (plotters itself escapes `<`, `&` and
//! quotes); the titles go through [`escape::html`].

use std::error::Error;
use std::fmt::Write as _;
use std::ops::Range;

use perfkit::compare::{Judgement, Verdict, VerdictRule};
use perfkit::sides::Judged;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::{BenchmarkData, Growth, crossovers};
use crate::render::escape;
use crate::render::units::{change, change_ci, level, truncate};

/// A plot that could not be drawn (a bug: drawing into a string has no IO to fail).
#[derive(Debug, thiserror::Error)]
#[error("the report's {plot} plot could not be drawn ({reason}); please report this")]
pub struct PlotError {
    plot: &'static str,
    reason: String,
}

type Drawn = Result<(), Box<dyn Error>>;

const WIDTH: u32 = 960;
const REGRESSION: RGBColor = RGBColor(192, 57, 43);
const IMPROVEMENT: RGBColor = RGBColor(30, 132, 73);
const UNCHANGED: RGBColor = RGBColor(120, 120, 120);
const OTHER: RGBColor = RGBColor(52, 101, 164);
const BAND: RGBColor = RGBColor(52, 101, 164);
const P95: RGBColor = RGBColor(155, 89, 182);
const BUDGET: RGBColor = RGBColor(211, 84, 0);
const VARIANTS: [RGBColor; 6] = [
    RGBColor(52, 101, 164),
    RGBColor(211, 84, 0),
    RGBColor(30, 132, 73),
    RGBColor(155, 89, 182),
    RGBColor(192, 57, 43),
    RGBColor(23, 162, 184),
];

/// A verdict's colour.
/// The value axis's title: what one iteration measures.
fn axis_title(metric: &str) -> String {
    if metric == perfkit_store::DEFAULT_METRIC {
        "time per iteration (log scale)".to_owned()
    } else {
        format!("{metric} per iteration (log scale)")
    }
}

fn colour(v: Verdict) -> RGBColor {
    match v {
        Verdict::Regression => REGRESSION,
        Verdict::Improvement => IMPROVEMENT,
        Verdict::Unchanged => UNCHANGED,
        Verdict::New | Verdict::Missing => OTHER,
    }
}

/// Draws into an SVG string of `height` px, then appends one hover target per mark.
fn svg(
    plot: &'static str,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>, &mut Vec<Mark>) -> Drawn,
) -> Result<String, PlotError> {
    let mut out = String::new();
    let mut marks = Vec::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root, &mut marks))
            .and_then(|()| root.present().map_err(Into::into));
        drawn.map_err(|e| PlotError {
            plot,
            reason: e.to_string(),
        })?;
    }
    let mut hover = String::from("<g class=\"hover\">");
    for m in marks {
        // The transparent stroke widens what the pointer can hit around a small dot.
        let paint = match m.dot {
            Some(RGBColor(r, g, b)) => format!(
                "r=\"2\" fill=\"#{r:02x}{g:02x}{b:02x}\" stroke=\"#000\" stroke-opacity=\"0\" stroke-width=\"6\""
            ),
            None => "r=\"5\" fill=\"#000\" fill-opacity=\"0\"".to_owned(),
        };
        let _ = write!(
            hover,
            "<circle cx=\"{}\" cy=\"{}\" {paint}><title>{}</title></circle>",
            m.at.0,
            m.at.1,
            escape::html(&m.title)
        );
    }
    hover.push_str("</g>");
    match out.rfind("</svg>") {
        Some(end) => out.insert_str(end, &hover),
        None => out.push_str(&hover),
    }
    Ok(out)
}

/// A point with a hover title, in pixels.
struct Mark {
    at: (i32, i32),
    title: String,
    /// Drawn as a small dot of this colour (one element per point instead of two, which
    /// matters at a thousand commits); else invisible.
    dot: Option<RGBColor>,
}

/// A log axis, drawn as a linear axis over natural logs (plotters' own log axis leaves a
/// narrow range without labels): the range of `ln v` over the positive, finite `values`,
/// padded by 5% of its span (at least ±2.5% around a single value).
fn ln_range(values: impl IntoIterator<Item = f64>) -> Range<f64> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite() && *v > 0.0)
        .map(f64::ln)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let pad = ((hi - lo) * 0.05).max(0.025);
    lo - pad..hi + pad
}

/// The overview: each series' change with its CI on one log-ratio axis, coloured by verdict,
/// the threshold band shaded. Series without a change (new, missing) are not drawn.
pub fn forest(rows: &[Judged], rule: &VerdictRule) -> Result<String, PlotError> {
    let changes: Vec<(String, Judgement)> = rows
        .iter()
        .filter(|j| j.judgement.change().is_some())
        .map(|j| (j.key.to_string(), j.judgement))
        .collect();
    let n = changes.len() as i32;
    let slower = 1.0 + rule.threshold;
    let x = ln_range(
        changes
            .iter()
            .filter_map(|(_, j)| j.change())
            .flat_map(|c| [c.ratio_ci.lower, c.ratio_ci.upper, c.ratio])
            .chain([slower * 1.02, 1.0 / slower / 1.02]),
    );
    let height = 70 + 22 * changes.len() as u32;
    svg("overview", height, |root, marks| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(320)
            .build_cartesian_2d(x.clone(), -1..n)?;
        let names: Vec<String> = changes
            .iter()
            .map(|(name, _)| truncate(&escape::text(name), 48))
            .collect();
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .disable_y_mesh()
            .y_labels(changes.len() + 2)
            // The first row at the top.
            .y_label_formatter(&|y| {
                usize::try_from(n - 1 - *y)
                    .ok()
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .x_label_formatter(&|r| change(r.exp()))
            .x_desc("change (log scale); shaded: within the threshold")
            .draw()?;
        chart.draw_series([Rectangle::new(
            [(-slower.ln(), -1), (slower.ln(), n)],
            UNCHANGED.mix(0.15).filled(),
        )])?;
        chart.draw_series(LineSeries::new([(0.0, -1), (0.0, n)], BLACK.mix(0.5)))?;
        for (i, (name, j)) in changes.iter().enumerate() {
            let c = j.change().expect("filtered to changes");
            let (y, col) = (n - 1 - i as i32, colour(c.verdict));
            chart.draw_series(LineSeries::new(
                [(c.ratio_ci.lower.ln(), y), (c.ratio_ci.upper.ln(), y)],
                col.stroke_width(2),
            ))?;
            chart.draw_series([Circle::new((c.ratio.ln(), y), 4, col.filled())])?;
            marks.push(Mark {
                at: chart.backend_coord(&(c.ratio.ln(), y)),
                title: format!(
                    "{name}: {} {} p={:.4} {}",
                    change(c.ratio),
                    change_ci(c.ratio_ci),
                    c.p,
                    c.verdict
                ),
                dot: None,
            });
        }
        Ok(())
    })
}

/// A benchmark's history along first parents: the judged level with the CI band of the
/// median, p95, budgets as lines, significant steps as triangles.
pub fn history(b: &BenchmarkData, metric: &str) -> Result<String, PlotError> {
    let ns = |v: f64| level(metric, v);
    let points = &b.points;
    let n = points.len();
    let y = ln_range(
        points
            .iter()
            .flat_map(|p| {
                let (lo, hi) = p.band.unwrap_or((p.level, p.level));
                [p.level, p.p95, lo, hi]
            })
            .chain(b.budgets.iter().map(|b| b.1)),
    );
    let x = -0.5..(n.max(1) as f64 - 0.5);
    svg("history", 320, |root, marks| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(80)
            .build_cartesian_2d(x.clone(), y.clone())?;
        let shas: Vec<&str> = points.iter().map(|p| p.commit.short_sha()).collect();
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_labels(n.clamp(1, 8))
            .x_label_formatter(&|i| {
                let i = i.round();
                if i >= 0.0 && (i as usize) < shas.len() {
                    shas[i as usize].to_owned()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| ns(v.exp()))
            .y_desc(axis_title(metric))
            .x_desc("commit, oldest first along first parents")
            .draw()?;
        let banded: Vec<(f64, (f64, f64))> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((i as f64, p.band?)))
            .map(|(x, (lo, hi))| (x, (lo.ln(), hi.ln())))
            .collect();
        if !banded.is_empty() {
            let mut outline: Vec<(f64, f64)> = banded.iter().map(|(x, b)| (*x, b.1)).collect();
            outline.extend(banded.iter().rev().map(|(x, b)| (*x, b.0)));
            if banded.len() == 1 {
                let (x, (lo, hi)) = banded[0];
                outline = vec![(x - 0.2, lo), (x - 0.2, hi), (x + 0.2, hi), (x + 0.2, lo)];
            }
            chart
                .draw_series([Polygon::new(outline, BAND.mix(0.18).filled())])?
                .label("95% CI of the median")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 4), (x + 16, y + 4)], BAND.mix(0.18).filled())
                });
        }
        let level = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, p.level.ln()));
        chart
            .draw_series(LineSeries::new(level, BAND.stroke_width(2)))?
            .label("estimate (as judged)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BAND.stroke_width(2)));
        let p95 = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.p95.is_finite())
            .map(|(i, p)| (i as f64, p.p95.ln()));
        chart
            .draw_series(LineSeries::new(p95, P95.mix(0.7)))?
            .label("p95")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], P95.mix(0.7)));
        for (stat, limit) in &b.budgets {
            chart
                .draw_series(DashedLineSeries::new(
                    [(x.start, limit.ln()), (x.end, limit.ln())],
                    6,
                    4,
                    BUDGET.stroke_width(1),
                ))?
                .label(format!("budget: {} ≤ {}", escape::text(stat), ns(*limit)))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BUDGET));
        }
        for (i, p) in points.iter().enumerate() {
            let at = (i as f64, p.level.ln());
            if let Some(c) = p
                .step
                .filter(|c| matches!(c.verdict, Verdict::Regression | Verdict::Improvement))
            {
                chart.draw_series([TriangleMarker::new(at, 7, colour(c.verdict).filled())])?;
            }
            let step = p.step.map_or(String::new(), |c| {
                format!(
                    "; {} {} {}",
                    change(c.ratio),
                    change_ci(c.ratio_ci),
                    c.verdict
                )
            });
            marks.push(Mark {
                at: chart.backend_coord(&at),
                title: format!(
                    "{} {}: {}{step}",
                    p.commit.short_sha(),
                    truncate(&p.commit.summary, 60),
                    ns(p.level)
                ),
                dot: Some(BAND),
            });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
        Ok(())
    })
}

/// The empirical distribution functions of the base's and the head's samples, on a log axis.
pub fn ecdf(base: &[f64], head: &[f64], metric: &str) -> Result<String, PlotError> {
    let ns = |v: f64| level(metric, v);
    let sorted = |s: &[f64]| {
        let mut v: Vec<f64> = s
            .iter()
            .copied()
            .filter(|x| x.is_finite() && *x > 0.0)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (base, head) = (sorted(base), sorted(head));
    let x = ln_range(base.iter().chain(&head).copied());
    svg("distribution", 260, |root, _| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(x.clone(), 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|v| ns(v.exp()))
            .x_desc(axis_title(metric))
            .y_desc("fraction of samples ≤ x")
            .draw()?;
        for (samples, label, col) in [(&base, "baseline", UNCHANGED), (&head, "latest", BAND)] {
            if samples.is_empty() {
                continue;
            }
            let n = samples.len() as f64;
            let mut steps = vec![(x.start, 0.0)];
            for (i, v) in samples.iter().enumerate() {
                steps.push((v.ln(), i as f64 / n));
                steps.push((v.ln(), (i + 1) as f64 / n));
            }
            steps.push((x.end, 1.0));
            chart
                .draw_series(LineSeries::new(steps, col.stroke_width(2)))?
                .label(format!("{label} ({} samples)", samples.len()))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], col.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::LowerRight)
            .draw()?;
        Ok(())
    })
}

/// Time against n on log-log axes, one line per variant (labelled with its fitted class),
/// crossovers marked.
pub fn growth(g: &Growth, metric: &str) -> Result<String, PlotError> {
    let ns = |v: f64| level(metric, v);
    let all = || g.variants.iter().flat_map(|v| &v.points);
    let x = ln_range(all().map(|p| p.0 as f64));
    let y = ln_range(all().map(|p| p.1));
    svg("growth", 320, |root, marks| {
        let mut chart = ChartBuilder::on(root)
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(80)
            .build_cartesian_2d(x.clone(), y.clone())?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|v| format!("{:.0}", v.exp()))
            .y_label_formatter(&|v| ns(v.exp()))
            .y_desc(axis_title(metric))
            .x_desc("n (log scale)")
            .draw()?;
        for (i, v) in g.variants.iter().enumerate() {
            let col = VARIANTS[i % VARIANTS.len()];
            let pts = v.points.iter().map(|&(n, t)| ((n as f64).ln(), t.ln()));
            let class = v.class.as_deref().unwrap_or("no fit");
            chart
                .draw_series(LineSeries::new(pts.clone(), col.stroke_width(2)))?
                .label(format!("{}: {class}", truncate(&escape::text(&v.name), 40)))
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], col.stroke_width(2)));
            chart.draw_series(pts.clone().map(|c| Circle::new(c, 3, col.filled())))?;
            for &(n, t) in &v.points {
                marks.push(Mark {
                    at: chart.backend_coord(&((n as f64).ln(), t.ln())),
                    title: format!("{} at n={n}: {} ({class})", v.name, ns(t)),
                    dot: None,
                });
            }
        }
        for (i, a) in g.variants.iter().enumerate() {
            for b in &g.variants[i + 1..] {
                for n in crossovers(a, b) {
                    chart.draw_series(DashedLineSeries::new(
                        [(n.ln(), y.start), (n.ln(), y.end)],
                        4,
                        4,
                        BLACK.mix(0.6).stroke_width(1),
                    ))?;
                    marks.push(Mark {
                        at: chart.backend_coord(&(n.ln(), y.start + (y.end - y.start) * 0.05)),
                        title: format!("{} and {} cross near n≈{n:.0}", a.name, b.name),
                        dot: None,
                    });
                }
            }
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
        Ok(())
    })
}
