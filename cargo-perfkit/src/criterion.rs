//! Reading criterion's output directory (`target/criterion` by default).
//!
//! For every benchmark, criterion writes `<id>/new/benchmark.json` (its id: group, function,
//! parameter, throughput) and `<id>/new/sample.json` (`iters` and total `times` in ns per
//! sample). The per-iteration times, `times[i] / iters[i]`, are what criterion's own
//! estimates (`estimates.json`) are computed from, and what perfkit stores. `base/` and other
//! saved baselines are criterion's own history and are not read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use perfkit_store::{Throughput, ThroughputKind};
use serde::Deserialize;

use crate::error::CliError;

/// One benchmark's latest criterion results.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    /// criterion's full id, e.g. `sort/std/1000`.
    pub full_id: String,
    /// The name in perfkit's history: the full id, or the id without its parameter when the
    /// parameter is a number, which becomes the size.
    pub benchmark: String,
    /// The numeric parameter, as a size.
    pub size: Option<u64>,
    /// Per-iteration times, ns, in the order sampled.
    pub samples: Vec<f64>,
    /// Iterations per sample, on average (criterion varies them in linear sampling mode).
    pub iterations_per_sample: u64,
    /// Work per iteration, when the benchmark declared it.
    pub throughput: Option<Throughput>,
    /// What identifies this result's content (its id and `sample.json`), so that importing
    /// the same output again records nothing new.
    pub content_hash: String,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
    throughput: Option<serde_json::Value>,
    full_id: String,
}

#[derive(Deserialize)]
struct SampleJson {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// Every benchmark under `dir`, by full id.
pub fn read(dir: &Path) -> Result<Vec<CriterionResult>, CliError> {
    let mut found = Vec::new();
    walk(dir, &mut HashSet::new(), &mut found)?;
    let mut results = found
        .iter()
        .map(|new| read_one(new))
        .collect::<Result<Vec<_>, _>>()?;
    results.sort_by(|a, b| a.full_id.cmp(&b.full_id));
    Ok(results)
}

/// Collects the `new/` directories holding a `benchmark.json`. Each directory is read once,
/// by its canonical path, so a symbolic link to a directory already seen (a loop, or a second
/// way to the same results) adds nothing.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, found: &mut Vec<PathBuf>) -> Result<(), CliError> {
    if let Ok(canonical) = dir.canonicalize()
        && !seen.insert(canonical)
    {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::usage(format!(
            "cannot read the criterion directory {}: {e}",
            dir.display()
        ))
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        match path.file_name().and_then(|n| n.to_str()) {
            Some("new") if path.join("benchmark.json").is_file() => {
                if path.canonicalize().map_or(true, |c| seen.insert(c)) {
                    found.push(path);
                }
            }
            Some("report") => {}
            _ => walk(&path, seen, found)?,
        }
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))
}

fn parse_json<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T, CliError> {
    serde_json::from_str(text).map_err(|e| {
        CliError::usage(format!(
            "{} is not criterion output this version understands ({e}); re-run `cargo bench` \
             with criterion 0.4 or newer",
            path.display()
        ))
    })
}

fn read_one(new: &Path) -> Result<CriterionResult, CliError> {
    let id_path = new.join("benchmark.json");
    let id: BenchmarkJson = parse_json(&id_path, &read_text(&id_path)?)?;
    let sample_path = new.join("sample.json");
    let sample_text = read_text(&sample_path)?;
    let sample: SampleJson = parse_json(&sample_path, &sample_text)?;
    if sample.iters.len() != sample.times.len() || sample.iters.is_empty() {
        return Err(CliError::usage(format!(
            "{}: `iters` and `times` differ in length or are empty; re-run `cargo bench`",
            sample_path.display()
        )));
    }
    let bad = |what: String, value: f64| {
        CliError::usage(format!(
            "{}: `{what}` is {value}, which no measurement gives (a time must be finite and \
             not negative, an iteration count finite and positive); nothing was imported. \
             Re-run `cargo bench`, or move that benchmark's directory away",
            sample_path.display()
        ))
    };
    if let Some((i, &t)) = sample
        .times
        .iter()
        .enumerate()
        .find(|(_, t)| !(t.is_finite() && **t >= 0.0))
    {
        return Err(bad(format!("times[{i}]"), t));
    }
    if let Some((i, &n)) = sample
        .iters
        .iter()
        .enumerate()
        .find(|(_, n)| !(n.is_finite() && **n > 0.0))
    {
        return Err(bad(format!("iters[{i}]"), n));
    }
    if let Some((i, (t, n))) = sample
        .times
        .iter()
        .zip(&sample.iters)
        .enumerate()
        .find(|(_, (t, n))| !(**t / **n).is_finite())
    {
        return Err(bad(format!("times[{i}] / iters[{i}]"), t / n));
    }
    let samples = sample
        .iters
        .iter()
        .zip(&sample.times)
        .map(|(iters, time)| time / iters)
        .collect();
    let iterations = sample.iters.iter().sum::<f64>() / sample.iters.len() as f64;
    let size = id.value_str.as_deref().and_then(|v| v.parse::<u64>().ok());
    let benchmark = match (&id.function_id, size) {
        (Some(f), Some(_)) => format!("{}/{f}", id.group_id),
        (None, Some(_)) => id.group_id.clone(),
        _ => id.full_id.clone(),
    };
    let content_hash = perfkit_store::content_hash(&["criterion", &id.full_id, &sample_text]);
    Ok(CriterionResult {
        content_hash,
        full_id: id.full_id,
        benchmark,
        size,
        samples,
        iterations_per_sample: iterations.round().max(1.0) as u64,
        throughput: id.throughput.as_ref().and_then(throughput),
    })
}

/// criterion's `{"Bytes": n}`, `{"BytesDecimal": n}` or `{"Elements": n}`; other kinds
/// (bits, both) are not kept.
fn throughput(v: &serde_json::Value) -> Option<Throughput> {
    let (kind, n) = v.as_object()?.iter().next()?;
    let kind = match kind.as_str() {
        "Bytes" | "BytesDecimal" => ThroughputKind::Bytes,
        "Elements" => ThroughputKind::Elements,
        _ => return None,
    };
    Some(Throughput {
        kind,
        per_iteration: n.as_u64()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reads_ids_samples_and_throughput() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "sort/std/1000/new/benchmark.json",
            r#"{"group_id":"sort","function_id":"std","value_str":"1000",
                "throughput":{"Elements":1000},"full_id":"sort/std/1000",
                "directory_name":"sort/std/1000","title":"sort/std/1000"}"#,
        );
        write(
            d,
            "sort/std/1000/new/sample.json",
            r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[10.0,30.0]}"#,
        );
        write(d, "sort/std/1000/base/benchmark.json", "not read");
        write(d, "report/index.html", "");
        let got = read(d).unwrap();
        assert_eq!(got.len(), 1);
        let r = &got[0];
        assert_eq!((r.benchmark.as_str(), r.size), ("sort/std", Some(1000)));
        assert_eq!(r.samples, vec![10.0, 15.0]);
        assert_eq!(r.iterations_per_sample, 2);
        assert_eq!(
            r.throughput,
            Some(Throughput {
                kind: ThroughputKind::Elements,
                per_iteration: 1000
            })
        );
    }

    fn one_benchmark(d: &Path, id: &str, sample: &str) {
        write(
            d,
            &format!("{id}/new/benchmark.json"),
            &format!(
                r#"{{"group_id":"{id}","function_id":null,"value_str":null,"full_id":"{id}"}}"#
            ),
        );
        write(d, &format!("{id}/new/sample.json"), sample);
    }

    /// Issue 11.9: a symbolic link back up the tree made 41 copies of one benchmark.
    #[test]
    fn symbolic_link_loops_are_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        one_benchmark(d, "loop", r#"{"iters":[1.0],"times":[5.0]}"#);
        std::os::unix::fs::symlink(d, d.join("loop").join("again")).unwrap();
        std::os::unix::fs::symlink(d.join("loop"), d.join("alias")).unwrap();
        let got = read(d).unwrap();
        assert_eq!(got.len(), 1, "{got:#?}");
    }

    /// Issue 11.9: negative, infinite and NaN times were accepted.
    #[test]
    fn impossible_values_are_refused_naming_the_file() {
        for (sample, says) in [
            (
                r#"{"iters":[1.0,1.0],"times":[5.0,-3.0]}"#,
                "`times[1]` is -3",
            ),
            (
                r#"{"iters":[1e-320],"times":[1e300]}"#,
                "`times[0] / iters[0]` is inf",
            ),
            (r#"{"iters":[0.0],"times":[5.0]}"#, "`iters[0]` is 0"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            one_benchmark(dir.path(), "bad", sample);
            let err = read(dir.path()).unwrap_err();
            assert!(err.message.contains("bad/new/sample.json"), "{err}");
            assert!(err.message.contains(says), "{err}");
        }
    }

    #[test]
    fn the_content_hash_follows_the_samples() {
        let dir = tempfile::tempdir().unwrap();
        one_benchmark(dir.path(), "h", r#"{"iters":[1.0],"times":[5.0]}"#);
        let first = read(dir.path()).unwrap().remove(0).content_hash;
        assert_eq!(read(dir.path()).unwrap()[0].content_hash, first);
        one_benchmark(dir.path(), "h", r#"{"iters":[1.0],"times":[6.0]}"#);
        assert_ne!(read(dir.path()).unwrap()[0].content_hash, first);
    }

    #[test]
    fn damaged_output_is_named() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "x/new/benchmark.json", "{");
        let err = read(dir.path()).unwrap_err();
        assert!(err.message.contains("benchmark.json"), "{err}");
    }
}
