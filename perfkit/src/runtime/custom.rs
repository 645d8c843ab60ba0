//! Metrics a routine defines itself (`b.metric("hit_rate", value, "fraction", "higher")`): their
//! values become [`Measurement`]s beside time, and their declarations (unit, direction) are
//! kept for the judge and written to the store before their results.
//!
//! A [`Measurement`] names its metric with a `&'static str`, as built-in metrics are; a user's
//! metric is named at run time, so its name is interned here once per process, with the
//! latest declaration of it (the store keeps the latest too).

use std::fmt::Write as _;
use std::sync::Mutex;

use perfkit_store::MetricInfo;

use super::Measurement;
use crate::measure::{MetricValues, Samples};
use crate::report::sig4;
use crate::stats::Summary;

/// Every user metric this process has seen, by name.
static DECLARED: Mutex<Vec<(&'static str, MetricInfo)>> = Mutex::new(Vec::new());

/// The interned name of `info`'s metric, recording `info` as its declaration.
fn declare(info: &MetricInfo) -> &'static str {
    let mut declared = DECLARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((name, known)) = declared.iter_mut().find(|(n, _)| *n == info.name) {
        known.clone_from(info);
        return name;
    }
    let name: &'static str = Box::leak(info.name.clone().into_boxed_str());
    declared.push((name, info.clone()));
    name
}

/// The declaration of user metric `name`, when this process reported it.
pub(crate) fn declared(name: &str) -> Option<MetricInfo> {
    let declared = DECLARED.lock().unwrap_or_else(|p| p.into_inner());
    declared
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, info)| info.clone())
}

/// How a metric is described: built in, else declared by a routine here, else undeclared.
pub(crate) fn info(name: &str) -> MetricInfo {
    MetricInfo::builtin(name)
        .or_else(|| declared(name))
        .unwrap_or_else(|| MetricInfo::undeclared(name))
}

/// One measurement per metric the routine reported at `size`. A metric reported once is
/// recorded as two equal samples (see [`crate::Bencher::metric`]); `name` is the benchmark's,
/// for messages.
pub(crate) fn measurements(
    name: &str,
    reported: Vec<MetricValues>,
    size: Option<usize>,
) -> Result<Vec<Measurement>, String> {
    reported
        .into_iter()
        .map(|m| {
            let mut values = m.values;
            if values.len() == 1 {
                values.push(values[0]);
            }
            let summary = Summary::new(&values).map_err(|e| {
                format!(
                    "perf test `{name}`: the values of its metric `{}` are unusable: {e}",
                    m.info.name
                )
            })?;
            Ok(Measurement {
                metric: declare(&m.info),
                size,
                samples: Samples {
                    times_ns: values,
                    iters_per_sample: 1,
                    allocations: None,
                },
                summary,
                checks: Vec::new(),
            })
        })
        .collect()
}

/// `name (n = 1000)  hit_rate  0.5120 fraction  (higher is better; 2 samples: 0.5120..0.5120)`.
pub(crate) fn block(name: &str, m: &Measurement) -> String {
    let info = info(m.metric);
    let size = m.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
    let unit = if info.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", info.unit)
    };
    let s = &m.summary;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{name}{size}  {}  {}{unit}  ({} is better; {} samples: {}..{})",
        m.metric,
        sig4(s.median),
        info.better,
        s.n,
        sig4(s.min),
        sig4(s.max)
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use perfkit_store::Better;

    #[test]
    fn a_value_reported_once_is_two_equal_samples() {
        let reported = vec![
            MetricValues {
                info: MetricInfo::new("custom_once", "fraction", Better::Higher),
                values: vec![0.5],
            },
            MetricValues {
                info: MetricInfo::new("custom_many", "", Better::Lower),
                values: vec![3.0, 4.0, 5.0],
            },
        ];
        let ms = measurements("t", reported, Some(8)).unwrap();
        assert_eq!(ms[0].metric, "custom_once");
        assert_eq!(ms[0].samples.times_ns, [0.5, 0.5]);
        assert_eq!(ms[0].size, Some(8));
        assert_eq!(ms[1].samples.times_ns, [3.0, 4.0, 5.0]);
        assert_eq!(info("custom_once").better, Better::Higher);
        assert_eq!(info("time").unit, "ns");
        assert_eq!(info("custom_never_reported").better, Better::Lower);
        assert_eq!(
            block("t", &ms[0]),
            "t (n = 8)  custom_once  0.5000 fraction  (higher is better; 2 samples: \
             0.5000..0.5000)\n"
        );
    }
}
