//! Building one side: `cargo test --release --no-run`, once, and the test executables it
//! produced, so that the rounds run binaries and never cargo.

use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;

use serde_json::Value;

use super::checkout::Checkout;
use crate::context::Context;
use crate::error::CliError;

/// One test executable of a side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestBinary {
    /// The executable.
    pub exe: PathBuf,
    /// Its package's directory: the test's working directory and `CARGO_MANIFEST_DIR`, as
    /// `cargo test` would set them.
    pub package_dir: PathBuf,
    /// `fixture (test "perf")`, for messages.
    pub name: String,
}

/// `cargo perfkit ab`'s trailing arguments, split the way `cargo test` reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestArgs {
    /// For `cargo test --no-run`: everything before a `--`.
    pub cargo: Vec<String>,
    /// For each test binary: the test name filter given to cargo, then everything after `--`.
    pub binary: Vec<String>,
}

/// `cargo test` options that take a value as the next argument; anything else that does not
/// start with `-` is the test name filter.
const WITH_VALUE: &[&str] = &[
    "-p",
    "--package",
    "--exclude",
    "-j",
    "--jobs",
    "-F",
    "--features",
    "--target",
    "--target-dir",
    "--manifest-path",
    "--profile",
    "--message-format",
    "--color",
    "--config",
    "-Z",
    "--bin",
    "--example",
    "--test",
    "--bench",
    "--lockfile-path",
];

impl TestArgs {
    /// Splits `args` (with `-p`/`--workspace` already added in front).
    pub fn split(args: &[String]) -> TestArgs {
        let mut split = TestArgs::default();
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            if arg == "--" {
                split.binary.extend(rest.cloned());
                break;
            }
            split.cargo.push(arg.clone());
            if WITH_VALUE.contains(&arg.as_str()) {
                if let Some(value) = rest.next() {
                    split.cargo.push(value.clone());
                }
            } else if !arg.starts_with('-') {
                split.binary.insert(0, arg.clone());
            }
        }
        split
    }
}

/// Builds `checkout`'s tests once, showing cargo's progress on stderr (each line prefixed with
/// `label`), and returns the test executables. A build that fails is an error naming `what`.
pub fn build(
    ctx: &mut Context,
    label: &str,
    what: &str,
    checkout: &Checkout,
    args: &TestArgs,
) -> Result<Vec<TestBinary>, CliError> {
    let cargo = ctx.var("CARGO").unwrap_or_else(|| "cargo".to_owned());
    let mut command = Command::new(&cargo);
    command
        .args([
            "test",
            "--release",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .args(&args.cargo)
        .current_dir(&checkout.cwd)
        .env_clear()
        .envs(&ctx.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(target) = &checkout.target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let mut child = command.spawn().map_err(|e| {
        CliError::usage(format!(
            "cannot start `{cargo} test` ({e}); install Rust with cargo, or set CARGO to the \
             cargo binary"
        ))
    })?;
    let stdout = child.stdout.take();
    let messages = thread::spawn(move || {
        let mut lines = Vec::new();
        if let Some(out) = stdout {
            lines.extend(BufReader::new(out).lines().map_while(Result::ok));
        }
        lines
    });
    if let Some(err) = child.stderr.take() {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            writeln!(ctx.stderr, "{label}: {line}")?;
        }
    }
    let messages = messages.join().unwrap_or_default();
    let status = child
        .wait()
        .map_err(|e| CliError::usage(format!("`{cargo} test` could not be waited for: {e}")))?;
    if !status.success() {
        return Err(CliError::usage(format!(
            "{what} does not build: cargo's errors are above (lines marked `{label}:`); fix it, \
             or compare with another revision"
        )));
    }
    Ok(messages.iter().filter_map(|m| test_binary(m)).collect())
}

/// The test executable a line of cargo's JSON output announces, if it does.
fn test_binary(line: &str) -> Option<TestBinary> {
    let v: Value = serde_json::from_str(line).ok()?;
    if v["reason"] != "compiler-artifact" || v["profile"]["test"] != true {
        return None;
    }
    let exe = PathBuf::from(v["executable"].as_str()?);
    let manifest = Path::new(v["manifest_path"].as_str()?);
    let target = &v["target"];
    let kind = target["kind"][0].as_str().unwrap_or("test");
    let package = v["package_id"]
        .as_str()
        .and_then(package_name)
        .unwrap_or_default();
    Some(TestBinary {
        exe,
        package_dir: manifest.parent()?.to_owned(),
        name: format!("{package} ({kind} \"{}\")", target["name"].as_str()?),
    })
}

/// The package name in a package id: `path+file:///p/fixture#0.1.0` (name from the path) or
/// `registry+...#name@0.1.0`.
fn package_name(id: &str) -> Option<String> {
    let (source, fragment) = id.rsplit_once('#')?;
    match fragment.split_once('@') {
        Some((name, _)) => Some(name.to_owned()),
        None => source.rsplit('/').next().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_test_name_filter_goes_to_the_binaries_and_options_to_cargo() {
        let split = TestArgs::split(&strings(&[
            "-p",
            "app",
            "--features",
            "fast",
            "sort",
            "--release",
            "--",
            "--exact",
        ]));
        assert_eq!(
            split.cargo,
            strings(&["-p", "app", "--features", "fast", "sort", "--release"])
        );
        assert_eq!(split.binary, strings(&["sort", "--exact"]));
        assert_eq!(TestArgs::split(&[]), TestArgs::default());
        let eq = TestArgs::split(&strings(&["--features=x", "name"]));
        assert_eq!(eq.binary, strings(&["name"]));
    }

    #[test]
    fn test_executables_are_read_from_cargos_messages() {
        let line = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/fixture#0.1.0","manifest_path":"/w/fixture/Cargo.toml","target":{"kind":["test"],"name":"perf"},"profile":{"test":true},"executable":"/t/release/deps/perf-1a2b"}"#;
        let bin = test_binary(line).expect("a test binary");
        assert_eq!(bin.exe, PathBuf::from("/t/release/deps/perf-1a2b"));
        assert_eq!(bin.package_dir, PathBuf::from("/w/fixture"));
        assert_eq!(bin.name, "fixture (test \"perf\")");
        let lib = line.replace(r#""test":true"#, r#""test":false"#);
        assert_eq!(test_binary(&lib), None);
        assert_eq!(
            test_binary(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(
            package_name("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0"),
            Some("serde".to_owned())
        );
    }
}
