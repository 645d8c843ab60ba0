//! Perf tests that are several benchmarks: one per type (`types = [u8, u64]`), argument
//! (`args = ["short", "long"]`) and thread count (`threads = [1, 2, 4]`), and their products.
//!
//! Each combination is a *case*: the test's [`Spec`] under the case's own benchmark name, run
//! exactly as a perf test with that name would be (its own samples, budgets, baseline, verdict
//! and series in history). The series key stays (benchmark, testbed, metric, size): a case is
//! told apart by its name, built from the test's name as
//!
//! ```text
//! path::f                    the test itself (no types, args or threads)
//! path::f::<u64>             types: the type as written, after a turbofish
//! path::f/"short"            args: the argument's `Debug` text
//! path::f/threads=4          threads
//! path::f::<u64>/8/threads=4 all three, in that order
//! ```
//!
//! so `cargo perfkit history 'f::<u64>'` or `check` read a case like any other benchmark, and
//! names made by older versions are untouched.

use std::fmt;

use super::Routine;
use crate::spec::Spec;

/// One instance of a perf test's function: the function at one type and/or with one argument.
/// The macro writes one per type and argument; a test without either has one, with neither.
#[derive(Clone, Copy)]
pub struct Variant<'a> {
    /// The type argument as written (`"Vec<u8>"`), for `types = [...]`.
    pub ty: Option<&'static str>,
    /// The argument's name (its `Debug` text, see [`arg_name`]), for `args = [...]`. A function
    /// rather than a string because the value is built at run time.
    pub arg: Option<fn() -> String>,
    /// The function, at that type, with that argument bound.
    pub routine: Routine<'a>,
}

impl fmt::Debug for Variant<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variant")
            .field("ty", &self.ty)
            .field("arg", &self.arg.map(|name| name()))
            .field("routine", &self.routine)
            .finish()
    }
}

impl<'a> Variant<'a> {
    /// The only variant of a test without `types` and `args`.
    pub fn of(routine: Routine<'a>) -> Variant<'a> {
        Variant {
            ty: None,
            arg: None,
            routine,
        }
    }
}

/// The name of an argument in its benchmark's name: its `Debug` text (`Point { x: 1 }`, `8`,
/// `[1, 2]`), without the quotes when it is a quoted string (`"short"` names the case `short`).
///
/// ```
/// use perfkit::__private::arg_name;
/// assert_eq!(arg_name(&"a much longer string"), "a much longer string");
/// assert_eq!(arg_name(&String::from("tab\there")), "tab\\there");
/// assert_eq!(arg_name(&Some(3)), "Some(3)");
/// ```
pub fn arg_name<T: fmt::Debug + ?Sized>(value: &T) -> String {
    let text = format!("{value:?}");
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.is_empty() => inner.to_owned(),
        _ => text,
    }
}

/// One case: the spec under the case's name (and, with `threads`, its one thread count) and
/// the routine to run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case<'a> {
    pub spec: Spec,
    pub routine: Routine<'a>,
}

/// Why the cases of a test cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CaseError {
    /// Two arguments print the same `Debug` text, so their series would be one.
    #[error(
        "perf test `{test}`: arguments {first} and {second} (counting from 1) are both named \
         `{name}` by their Debug text, so they would share one series in history; give them \
         values that print differently"
    )]
    SameName {
        /// The test's benchmark name.
        test: &'static str,
        /// The shared name.
        name: String,
        /// The first argument with it (from 1).
        first: usize,
        /// The second.
        second: usize,
    },
}

/// The cases of `spec` with `variants`, in order: variants outer, thread counts inner. A test
/// without types, args or threads has one case: itself, unchanged.
pub(crate) fn cases<'a>(spec: &Spec, variants: &[Variant<'a>]) -> Result<Vec<Case<'a>>, CaseError> {
    let base = spec.benchmark_name();
    let mut names: Vec<String> = Vec::with_capacity(variants.len());
    for (i, variant) in variants.iter().enumerate() {
        let mut name = base.to_owned();
        if let Some(ty) = variant.ty {
            name.push_str(&format!("::<{ty}>"));
        }
        if let Some(arg) = variant.arg {
            name.push('/');
            name.push_str(&arg());
        }
        if let Some(first) = names.iter().position(|n| *n == name) {
            return Err(CaseError::SameName {
                test: base,
                name: name[base.len()..].trim_start_matches('/').to_owned(),
                first: first + 1,
                second: i + 1,
            });
        }
        names.push(name);
    }
    let mut cases = Vec::with_capacity(variants.len() * spec.threads.len().max(1));
    for (variant, name) in variants.iter().zip(names) {
        if spec.threads.is_empty() {
            cases.push(Case {
                spec: Spec {
                    name: (name != base).then(|| leak(name)),
                    ..*spec
                },
                routine: variant.routine,
            });
            continue;
        }
        for i in 0..spec.threads.len() {
            let threads = &spec.threads[i..=i];
            cases.push(Case {
                spec: Spec {
                    name: Some(leak(format!("{name}/threads={}", threads[0]))),
                    threads,
                    ..*spec
                },
                routine: variant.routine,
            });
        }
    }
    // A case without its own name keeps the test's `name = ".."` (or none, its path).
    for case in &mut cases {
        if case.spec.name.is_none() {
            case.spec.name = spec.name;
        }
    }
    Ok(cases)
}

/// A case's name lives as long as the process, like the `&'static str` names the macro writes:
/// a few short strings per test, made once.
fn leak(name: String) -> &'static str {
    Box::leak(name.into_boxed_str())
}

/// The thread count of a case: 1 unless `threads` gave it one.
pub(crate) fn threads_of(spec: &Spec) -> usize {
    spec.threads.first().copied().unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Bencher;

    fn routine(_: &mut Bencher) {}

    fn names(spec: &Spec, variants: &[Variant<'_>]) -> Vec<&'static str> {
        cases(spec, variants)
            .unwrap()
            .iter()
            .map(|c| c.spec.benchmark_name())
            .collect()
    }

    const SPEC: Spec = Spec {
        path: "crate::f",
        ..Spec::DEFAULT
    };

    #[test]
    fn a_plain_test_is_one_case_under_its_own_name() {
        let variants = [Variant::of(Routine::Bencher(routine))];
        assert_eq!(names(&SPEC, &variants), ["crate::f"]);
        let named = Spec {
            name: Some("parse"),
            ..SPEC
        };
        assert_eq!(names(&named, &variants), ["parse"]);
    }

    #[test]
    fn types_args_and_threads_name_their_cases() {
        let variant = |ty, arg| Variant {
            ty,
            arg,
            routine: Routine::Bencher(routine),
        };
        let types = [variant(Some("u8"), None), variant(Some("Vec<u64>"), None)];
        assert_eq!(
            names(&SPEC, &types),
            ["crate::f::<u8>", "crate::f::<Vec<u64>>"]
        );
        let args = [
            variant(None, Some(|| arg_name(&"short"))),
            variant(None, Some(|| arg_name(&8u32))),
        ];
        assert_eq!(names(&SPEC, &args), ["crate::f/short", "crate::f/8"]);
        let threaded = Spec {
            threads: &[1, 4],
            name: Some("lock"),
            ..SPEC
        };
        let both = [variant(Some("u8"), Some(|| arg_name(&"x")))];
        assert_eq!(
            names(&threaded, &both),
            ["lock::<u8>/x/threads=1", "lock::<u8>/x/threads=4"]
        );
        let cases = cases(&threaded, &both).unwrap();
        assert_eq!(
            cases
                .iter()
                .map(|c| threads_of(&c.spec))
                .collect::<Vec<_>>(),
            [1, 4]
        );
    }

    #[test]
    fn two_arguments_with_one_debug_text_are_refused() {
        let variant = |arg| Variant {
            ty: None,
            arg: Some(arg),
            routine: Routine::Bencher(routine),
        };
        let error = cases(
            &SPEC,
            &[
                variant(|| arg_name(&"a")),
                variant(|| arg_name(&"b")),
                variant(|| arg_name(&String::from("a"))),
            ],
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "perf test `crate::f`: arguments 1 and 3 (counting from 1) are both named `a` by \
             their Debug text, so they would share one series in history; give them values \
             that print differently"
        );
    }

    #[test]
    fn argument_names() {
        assert_eq!(arg_name(&"short"), "short");
        assert_eq!(arg_name(&""), "\"\"");
        assert_eq!(arg_name(&'c'), "'c'");
        assert_eq!(arg_name(&[1, 2]), "[1, 2]");
        assert_eq!(arg_name("quote\"inside"), "quote\\\"inside");
    }
}
