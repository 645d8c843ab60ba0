//! `cargo perfkit ab`'s parts: where each side is checked out ([`checkout`]), how it is built
//! once ([`build`]), the interleaved rounds ([`rounds`]) and how many fit a time budget
//! ([`schedule`]), and the paired verdicts ([`paired`]). The command itself is
//! `commands/ab.rs`.

pub mod build;
pub mod checkout;
pub mod paired;
pub mod rounds;
pub mod schedule;
