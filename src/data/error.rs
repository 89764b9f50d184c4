//! Errors in loading data: each names the file, and the line and column where it applies.

use thiserror::Error;

/// Data that cannot be used.
#[derive(Debug, Error)]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },

    /// No header, or no data rows.
    #[error("{path}: {what}")]
    Empty { path: String, what: &'static str },

    /// The target column is not in the header.
    #[error("{path}, line 1: no column '{target}' (columns: {columns})")]
    MissingTarget {
        path: String,
        target: String,
        columns: String,
    },

    /// A cell that is not a finite number.
    #[error("{path}, line {line}, column {column} ('{name}'): {problem}")]
    BadCell {
        path: String,
        line: u64,
        column: usize,
        name: String,
        problem: String,
    },

    /// A row with a different number of cells than the header.
    #[error("{path}, line {line}: {found} cells, but the header has {expected}")]
    Ragged {
        path: String,
        line: u64,
        expected: usize,
        found: usize,
    },

    /// A malformed line (for example a bad quote or invalid UTF-8).
    #[error("{path}, line {line}: {problem}")]
    Malformed {
        path: String,
        line: u64,
        problem: String,
    },

    /// More columns than optbench accepts.
    #[error("{path}, line 1: {found} columns; at most {max} are accepted")]
    TooManyColumns {
        path: String,
        found: usize,
        max: usize,
    },

    /// Nothing but the target column.
    #[error("{path}, line 1: no feature columns besides the target '{target}'")]
    NoFeatures { path: String, target: String },

    /// The target takes a single value: there is nothing to learn.
    #[error(
        "{path}: target column '{target}' has a single value ({value}); at least two are needed"
    )]
    SingleClass {
        path: String,
        target: String,
        value: String,
    },

    /// Too few rows to cut into train, validation and test parts.
    #[error("{path}: {rows} data rows; at least {min} are needed for train/validation/test")]
    TooFewRows {
        path: String,
        rows: usize,
        min: usize,
    },

    /// The file exceeds a read limit (its size or a line's length).
    #[error("{path}: {problem}")]
    TooLarge { path: String, problem: String },

    /// Two header columns share a name.
    #[error(
        "{path}, line 1: columns {first} and {second} are both named '{name}'; column names must be unique"
    )]
    DuplicateColumn {
        path: String,
        name: String,
        first: usize,
        second: usize,
    },
}
