//! Row ids as newtypes, so a run id can never be passed where a result id is expected.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw id as stored in the database.
            pub fn from_raw(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw id as stored in the database.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id! {
    /// A commit known to the store (not its SHA: the row that holds it).
    CommitId
}
id! {
    /// A testbed known to the store.
    TestbedId
}
id! {
    /// A benchmark (a stable name) known to the store.
    BenchmarkId
}
id! {
    /// One run: a process that recorded results at one commit on one testbed.
    RunId
}
id! {
    /// One recorded result of one benchmark (at one size) in one run.
    ResultId
}
