//! End-to-end tests of perfkit live in `tests/`.
