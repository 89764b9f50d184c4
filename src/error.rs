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
        /// What was being read or written.
        context: String,
        /// The I/O error.
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

/// Bytes of one word (a run of characters without a space) an error message shows as they
/// are; a longer one (a user's 100 KB name or path) is cut to this many, followed by
/// "… (N bytes)".
pub const WORD_SHOWN: usize = 200;

/// Bytes of a whole message shown before it is cut the same way.
pub const MESSAGE_SHOWN: usize = 2000;

/// `text` cut to at most `max` bytes (on a character boundary) with "… (N bytes)" appended,
/// N its full length; as it is when not longer.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// An error message as it is printed: one line (control characters escaped, so a name with a
/// newline cannot break it), every word longer than [`WORD_SHOWN`] bytes cut (see `cut`),
/// and the whole cut at [`MESSAGE_SHOWN`] bytes. Applied where errors are printed, so every
/// message that echoes a user's name or path stays readable.
pub fn readable(message: &str) -> String {
    let one_line: String = message
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    let words: Vec<String> = one_line.split(' ').map(|w| cut(w, WORD_SHOWN)).collect();
    cut(&words.join(" "), MESSAGE_SHOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_to_a_readable_length() {
        let name = "x".repeat(100_000);
        let shown = readable(&format!("unknown preset '{name}'; known: quick, full"));
        assert_eq!(
            shown,
            format!(
                "unknown preset '{}… (100003 bytes) known: quick, full",
                "x".repeat(199)
            )
        );
        // Short messages are as they were; multibyte characters are not split.
        assert_eq!(readable("--jobs 0: at least one"), "--jobs 0: at least one");
        let wide = "é".repeat(150);
        assert_eq!(readable(&wide), format!("{}… (300 bytes)", "é".repeat(100)));
        // One line, whatever the name holds; and a message of many short words is cut too.
        assert_eq!(readable("bad 'a\nb'"), "bad 'a\\nb'");
        let many = "ab ".repeat(10_000);
        assert!(readable(&many).len() < MESSAGE_SHOWN + 30);
    }
}
