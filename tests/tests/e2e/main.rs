//! End-to-end tests of perfkit as a user's test crate sees it.
//!
//! This binary deliberately does not install perfkit's counting allocator.

mod allocator_missing;
mod criterion_suites;
mod quick_start;
mod readme;
