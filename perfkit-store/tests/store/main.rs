//! The store integration tests (being written).
