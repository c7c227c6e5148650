//! One error type for the whole pipeline. Every message names the file and, where there is one, the line, and says
//! what was expected and what was found. The kind decides the process exit code (documented in README).

use std::fmt;

/// What went wrong, coarsely: decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A ledger could not be read (exit code 2).
    Input,
    /// A rules or config file is invalid (exit code 3).
    Rules,
    /// Reading or writing a file failed at the OS level (exit code 4).
    Io,
    /// The money did not add up: a conservation check failed (exit code 5).
    Conservation,
    /// Anything else, e.g. an engine error (exit code 1).
    Internal,
    /// The command line is wrong: an unknown flag, a bad value (exit code 64, EX_USAGE of sysexits).
    Usage,
}

impl ErrorKind {
    /// The process exit code for this kind of error.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Input => 2,
            ErrorKind::Rules => 3,
            ErrorKind::Io => 4,
            ErrorKind::Conservation => 5,
            ErrorKind::Usage => 64,
        }
    }
}

/// An itcost error: a kind and a complete, user-facing message (`file:line: what was expected, what was found`).
#[derive(Debug, Clone)]
pub struct Error {
    /// The class of the error.
    pub kind: ErrorKind,
    /// The message shown after `itcost: `.
    pub message: String,
}

impl Error {
    /// A ledger input error.
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Input,
            message: message.into(),
        }
    }
    /// A rules or config error.
    pub fn rules(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Rules,
            message: message.into(),
        }
    }
    /// An I/O error on a named path.
    pub fn io(path: &std::path::Path, err: std::io::Error) -> Self {
        Error {
            kind: ErrorKind::Io,
            message: format!("{}: {err}", path.display()),
        }
    }
    /// A usage error: the command line asks for something that cannot be (exit code 64).
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }
    /// A failed conservation check.
    pub fn conservation(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Conservation,
            message: message.into(),
        }
    }
    /// An internal (engine) error.
    pub fn internal(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Internal,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::internal(format!("engine error: {e}"))
    }
}

/// Result with the itcost error.
pub type Result<T> = std::result::Result<T, Error>;
