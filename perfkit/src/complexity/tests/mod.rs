//! Fitting on synthetic noisy series: every class recovered, edge cases, the comparison with
//! Google Benchmark's method, and properties.

mod edge_cases;
mod google_benchmark;
mod properties;
mod recovery;
mod synthetic;
