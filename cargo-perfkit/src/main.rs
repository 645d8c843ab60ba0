//! `cargo perfkit`: not yet built; prints its version and what is coming.

fn main() {
    println!("cargo-perfkit {}", env!("CARGO_PKG_VERSION"));
    println!("The `cargo perfkit` commands (run, history, compare, check, list, report, ...) are not built yet.");
    println!("Today, run perf tests with `cargo test --release`.");
}
