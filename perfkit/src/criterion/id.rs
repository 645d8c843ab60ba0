//! [`BenchmarkId`] and the id a benchmark gets in history: criterion's `group/function/parameter`.

use std::fmt;

/// The id of a benchmark within its group: a function name, a parameter, or both.
///
/// ```
/// use perfkit::criterion::BenchmarkId;
///
/// let id = BenchmarkId::new("encode", 1024);
/// assert_eq!(id.to_string(), "encode/1024");
/// assert_eq!(BenchmarkId::from_parameter("1 MiB").to_string(), "1 MiB");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BenchmarkId {
    pub(crate) function: Option<String>,
    pub(crate) parameter: Option<String>,
}

impl BenchmarkId {
    /// A function name and the parameter it is measured with (`function/parameter`).
    pub fn new<S: Into<String>, P: fmt::Display>(function_name: S, parameter: P) -> BenchmarkId {
        BenchmarkId {
            function: Some(function_name.into()),
            parameter: Some(parameter.to_string()),
        }
    }

    /// A parameter alone, for a group that measures one function at many inputs.
    pub fn from_parameter<P: fmt::Display>(parameter: P) -> BenchmarkId {
        BenchmarkId {
            function: None,
            parameter: Some(parameter.to_string()),
        }
    }

    /// Neither: the benchmark is its group (`Criterion::bench_function`).
    pub(crate) fn none() -> BenchmarkId {
        BenchmarkId {
            function: None,
            parameter: None,
        }
    }
}

impl fmt::Display for BenchmarkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.function, &self.parameter) {
            (Some(func), Some(p)) => write!(f, "{func}/{p}"),
            (Some(s), None) | (None, Some(s)) => f.write_str(s),
            (None, None) => Ok(()),
        }
    }
}

/// What `bench_function` and `bench_with_input` accept as an id: a [`BenchmarkId`] or a
/// function name (`&str`, `String`).
pub trait IntoBenchmarkId {
    /// The id.
    fn into_benchmark_id(self) -> BenchmarkId;
}

impl IntoBenchmarkId for BenchmarkId {
    fn into_benchmark_id(self) -> BenchmarkId {
        self
    }
}

impl<S: Into<String>> IntoBenchmarkId for S {
    fn into_benchmark_id(self) -> BenchmarkId {
        let function = self.into();
        assert!(!function.is_empty(), "Function name must not be empty.");
        BenchmarkId {
            function: Some(function),
            parameter: None,
        }
    }
}

/// The full id criterion gives a benchmark, and perfkit's name for it in history:
/// `group/function/parameter`, leaving out what the id does not have.
pub(crate) fn full_id(group: &str, id: &BenchmarkId) -> String {
    match (&id.function, &id.parameter) {
        (None, None) => group.to_owned(),
        _ => format!("{group}/{id}"),
    }
}

/// Makes `id` unique among `taken` as criterion makes its titles unique (`id #2`, `id #3`, …),
/// so two benchmarks never share one series in history.
pub(crate) fn unique(id: String, taken: &std::collections::HashSet<String>) -> String {
    if !taken.contains(&id) {
        return id;
    }
    (2..)
        .map(|n| format!("{id} #{n}"))
        .find(|candidate| !taken.contains(candidate))
        .expect("an unbounded range finds a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ids_are_criterions() {
        // The four cases of criterion 0.8's `report::BenchmarkId::new`.
        assert_eq!(
            full_id("encode", &BenchmarkId::new("std", 1024)),
            "encode/std/1024"
        );
        assert_eq!(
            full_id("u64[0]", &"itoa".into_benchmark_id()),
            "u64[0]/itoa"
        );
        assert_eq!(full_id("sizes", &BenchmarkId::from_parameter(8)), "sizes/8");
        assert_eq!(full_id("fib 20", &BenchmarkId::none()), "fib 20");
    }

    #[test]
    fn ids_keep_their_text() {
        // Names with slashes, spaces and `::` are kept as they are, as criterion keeps them.
        assert_eq!(
            full_id("g", &BenchmarkId::new("std::fmt", "a b/c")),
            "g/std::fmt/a b/c"
        );
    }

    #[test]
    fn repeated_ids_are_numbered() {
        let mut taken = std::collections::HashSet::new();
        for expected in ["x", "x #2", "x #3"] {
            let id = unique("x".to_owned(), &taken);
            assert_eq!(id, expected);
            taken.insert(id);
        }
    }

    #[test]
    #[should_panic(expected = "Function name must not be empty.")]
    fn an_empty_function_name_is_refused() {
        let _ = "".into_benchmark_id();
    }
}
