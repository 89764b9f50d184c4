//! Errors in loading data: each names the file, and the line and column where it applies.

use thiserror::Error;

/// Data that cannot be used.
#[derive(Debug, Error)]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },

    /// No header, or no data rows.
    #[error("{path}: {what}")]
    Empty {
        /// The file.
        path: String,
        /// What is missing.
        what: &'static str,
    },

    /// The target column is not in the header.
    #[error("{path}, line 1: no column '{target}' (columns: {columns})")]
    MissingTarget {
        /// The file.
        path: String,
        /// The target column's name.
        target: String,
        /// The header's columns.
        columns: String,
    },

    /// A cell that is not a finite number.
    #[error("{path}, line {line}, column {column} ('{name}'): {problem}")]
    BadCell {
        /// The file.
        path: String,
        /// The line (1-based).
        line: u64,
        /// The column (1-based).
        column: usize,
        /// The column's name.
        name: String,
        /// What is wrong.
        problem: String,
    },

    /// A row with a different number of cells than the header.
    #[error("{path}, line {line}: {found} cells, but the header has {expected}")]
    Ragged {
        /// The file.
        path: String,
        /// The line (1-based).
        line: u64,
        /// Cells in the header.
        expected: usize,
        /// Cells (or columns) found.
        found: usize,
    },

    /// A malformed line (for example a bad quote or invalid UTF-8).
    #[error("{path}, line {line}: {problem}")]
    Malformed {
        /// The file.
        path: String,
        /// The line (1-based).
        line: u64,
        /// What is wrong.
        problem: String,
    },

    /// More columns than optbench accepts.
    #[error("{path}, line 1: {found} columns; at most {max} are accepted")]
    TooManyColumns {
        /// The file.
        path: String,
        /// Cells (or columns) found.
        found: usize,
        /// The most columns accepted.
        max: usize,
    },

    /// Nothing but the target column.
    #[error("{path}, line 1: no feature columns besides the target '{target}'")]
    NoFeatures {
        /// The file.
        path: String,
        /// The target column's name.
        target: String,
    },

    /// The target takes a single value: there is nothing to learn.
    #[error(
        "{path}: target column '{target}' has a single value ({value}); at least two are needed"
    )]
    SingleClass {
        /// The file.
        path: String,
        /// The target column's name.
        target: String,
        /// The target's only value.
        value: String,
    },

    /// Too few rows to cut into train, validation and test parts.
    #[error("{path}: {rows} data rows; at least {min} are needed for train/validation/test")]
    TooFewRows {
        /// The file.
        path: String,
        /// Data rows in the file.
        rows: usize,
        /// The fewest rows that can be split.
        min: usize,
    },

    /// The file exceeds a read limit (its size or a line's length).
    #[error("{path}: {problem}")]
    TooLarge {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },

    /// Two header columns share a name.
    #[error(
        "{path}, line 1: columns {first} and {second} are both named '{name}'; column names must be unique"
    )]
    DuplicateColumn {
        /// The file.
        path: String,
        /// The column's name.
        name: String,
        /// The first column of that name (1-based).
        first: usize,
        /// The second column of that name (1-based).
        second: usize,
    },
}
