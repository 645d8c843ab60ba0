//! The classic optimisation cases.
