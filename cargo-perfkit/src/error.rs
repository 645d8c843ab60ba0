//! [`CliError`]: a message that says what went wrong and what to do, and its exit code.

use std::fmt;

use perfkit_store::StoreError;

use crate::exit;

/// A failure that ends the command: printed as `error: <message>` (unless `quiet`), then the
/// exit code.
#[derive(Debug)]
pub struct CliError {
    /// What happened and what to do next.
    pub message: String,
    /// The exit code ([`exit::USAGE`] unless said otherwise).
    pub code: u8,
    /// Whether to end without a message: the reader of stdout went away (`| head -1`), which
    /// is nothing the user needs telling.
    pub quiet: bool,
}

impl CliError {
    /// A usage or environment error (exit code 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::with_code(exit::USAGE, message)
    }

    /// A failure with its own exit code.
    pub fn with_code(code: u8, message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            code,
            quiet: false,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        CliError::usage(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // See exit::USAGE: the output was cut short, quietly.
            return CliError {
                quiet: true,
                ..CliError::usage("the reader of the output went away")
            };
        }
        CliError::usage(format!("cannot write the output: {e}"))
    }
}

/// The result of a command: its exit code, or an error.
pub type CliResult = Result<u8, CliError>;
