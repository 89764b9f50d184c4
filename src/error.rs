//! The crate's error type and its exit codes: 2 for bad usage or bad input, 1 for a runtime
//! failure. Every message is one line.

use thiserror::Error;

use crate::data::DataError;
use crate::grid::GridError;
use crate::record::RecordError;
use crate::spec::SpecError;

/// Anything optbench reports instead of a result.
#[derive(Debug, Error)]
pub enum Error {
    /// A specification string is wrong.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Data that cannot be used (the user's CSV file).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A grid file or preset that cannot be used.
    #[error(transparent)]
    Grid(#[from] GridError),
    /// A results file that cannot be read, written or merged.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A command-line value is wrong (what, and what is allowed).
    #[error("{0}")]
    Usage(String),
    /// A comparison found a regression (exit 1: the run worked, the result is bad news).
    #[error("{0}")]
    Regression(String),
    /// Reading or writing failed.
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Spec(_)
            | Error::Usage(_)
            | Error::Data(_)
            | Error::Grid(_)
            | Error::Record(_) => 2,
            Error::Io { .. } | Error::Regression(_) => 1,
        }
    }
}
