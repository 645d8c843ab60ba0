//! Human-readable output of results.
