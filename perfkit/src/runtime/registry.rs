//! Which perf tests this process has started, by benchmark name, checked before anything is
//! measured.
//!
//! A benchmark's name keys its series in history. Two tests with one name (`name = "parse"` on
//! both) would share a series and judge each other's results as regressions; a test registered
//! twice (`#[test]` written above `#[perf_test]`, which the attribute cannot see) would be
//! measured and recorded twice. Both are refused here, once the second test starts. Tests in
//! other test binaries run in other processes and are not seen.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Why a perf test may not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// Two different tests with one benchmark name.
    #[error(
        "perf tests `{first}` and `{second}` are both named `{name}` in history: they would \
         share one series and judge each other's results. Give each its own `name = \"...\"` \
         in #[perf_test(...)] (a test without `name` is named by its path)"
    )]
    SharedName {
        /// The name.
        name: &'static str,
        /// The test that took the name first.
        first: &'static str,
        /// The test that started second.
        second: &'static str,
    },
    /// One test started twice in one process.
    #[error(
        "perf test `{path}` is registered twice, so it would be measured and recorded twice: \
         `#[test]` written above `#[perf_test]` adds a second copy of the test. Remove that \
         `#[test]`: #[perf_test] already makes the function a test"
    )]
    RegisteredTwice {
        /// The test's path.
        path: &'static str,
    },
}

/// Benchmark names and the test path that holds each.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    names: BTreeMap<&'static str, &'static str>,
}

impl Registry {
    /// Records that the test at `path`, named `name` in history, is starting.
    pub fn register(
        &mut self,
        name: &'static str,
        path: &'static str,
    ) -> Result<(), RegistrationError> {
        match self.names.get(name) {
            None => {
                self.names.insert(name, path);
                Ok(())
            }
            Some(&first) if first == path => Err(RegistrationError::RegisteredTwice { path }),
            Some(&first) => Err(RegistrationError::SharedName {
                name,
                first,
                second: path,
            }),
        }
    }
}

/// This process's registry.
pub(crate) static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    names: BTreeMap::new(),
});

/// Registers a test in this process's registry.
pub(crate) fn register(name: &'static str, path: &'static str) -> Result<(), RegistrationError> {
    // A test that panicked while holding the lock cannot have left the map half-written.
    let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    registry.register(name, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 11: two tests with one `name` shared a series (+1740% on unchanged code).
    #[test]
    fn a_shared_name_names_both_tests() {
        let mut registry = Registry::default();
        registry.register("parse", "a::parse_small").unwrap();
        let error = registry.register("parse", "b::parse_large").unwrap_err();
        assert_eq!(
            error,
            RegistrationError::SharedName {
                name: "parse",
                first: "a::parse_small",
                second: "b::parse_large"
            }
        );
        let message = error.to_string();
        assert!(
            message.contains("`a::parse_small`") && message.contains("`b::parse_large`"),
            "{message}"
        );
    }

    /// Issue 11: `#[test]` above `#[perf_test]` ran and recorded the test twice.
    #[test]
    fn the_same_test_twice_says_to_remove_the_extra_test_attribute() {
        let mut registry = Registry::default();
        registry.register("m::f", "m::f").unwrap();
        let error = registry.register("m::f", "m::f").unwrap_err();
        assert_eq!(error, RegistrationError::RegisteredTwice { path: "m::f" });
        assert!(
            error.to_string().contains("Remove that `#[test]`"),
            "{error}"
        );
    }

    #[test]
    fn a_name_that_is_another_tests_path_is_shared_too() {
        let mut registry = Registry::default();
        registry.register("m::f", "m::f").unwrap();
        registry.register("m::g", "m::g").unwrap();
        assert!(matches!(
            registry.register("m::f", "m::h"),
            Err(RegistrationError::SharedName { first: "m::f", .. })
        ));
    }
}
