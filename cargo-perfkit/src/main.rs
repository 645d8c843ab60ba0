//! The `cargo-perfkit` binary: `cargo perfkit ...` runs it as `cargo-perfkit perfkit ...`.

fn main() -> std::process::ExitCode {
    cargo_perfkit::main()
}
