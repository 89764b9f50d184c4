//! Errors raised while reading a specification string. Every message is one line that names
//! what is wrong and what is allowed.

use thiserror::Error;

/// A specification string (`name:key=value,...`) that cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SpecError {
    /// The string is empty or only whitespace.
    #[error(
        "empty {kind} specification: expected NAME or NAME:key=value,... (valid {kind}s: {valid})"
    )]
    Empty {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The valid names or keys, listed.
        valid: String,
    },

    /// The string does not have the `name:key=value,key=value` shape.
    #[error(
        "malformed {kind} specification '{text}': {problem}; expected NAME or NAME:key=value,key=value"
    )]
    Syntax {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The string as given.
        text: String,
        /// What is wrong.
        problem: String,
    },

    /// No entry of this kind has that name.
    #[error("unknown {kind} '{name}'{hint}; valid {kind}s: {valid}", hint = did_you_mean(.suggestion))]
    UnknownName {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The name.
        name: String,
        /// The closest valid name, when one is close ("did you mean").
        suggestion: Option<String>,
        /// The valid names or keys, listed.
        valid: String,
    },

    /// The entry has no key of that name.
    #[error("unknown key '{key}' for {kind} '{entry}'{hint}; valid keys: {valid}", hint = did_you_mean(.suggestion))]
    UnknownKey {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: String,
        /// The closest valid name, when one is close ("did you mean").
        suggestion: Option<String>,
        /// The valid names or keys, listed.
        valid: String,
    },

    /// The same key is given twice.
    #[error("key '{key}' given twice for {kind} '{entry}'")]
    DuplicateKey {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: String,
    },

    /// The value does not parse as the key's type.
    #[error("{kind} '{entry}': key '{key}' expects {expected}, got '{value}'")]
    BadValue {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// What the key accepts.
        expected: &'static str,
    },

    /// A key that has no default was not given.
    #[error("{kind} '{entry}' needs key '{key}' ({doc}); for example {example}")]
    MissingKey {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: String,
        /// The key's meaning.
        doc: &'static str,
        /// A spec string that gives the key.
        example: String,
    },

    /// A word-valued key got a word outside its list.
    #[error("{kind} '{entry}': unknown {key} '{value}'{hint}; valid: {valid}", hint = did_you_mean(.suggestion), valid = .valid.join(", "))]
    UnknownChoice {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: &'static str,
        /// The value given.
        value: String,
        /// The closest valid name, when one is close ("did you mean").
        suggestion: Option<String>,
        /// The valid names or keys, listed.
        valid: &'static [&'static str],
    },

    /// The value parses but lies outside the key's allowed range.
    #[error("{kind} '{entry}': key '{key}' = {value} is out of range; allowed: {range}")]
    OutOfRange {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// The allowed range.
        range: String,
    },

    /// Keys that are each valid but not together (for example nesterov without momentum).
    #[error("{kind} '{entry}': {problem}")]
    Conflict {
        /// What kind of spec (optimizer, schedule, problem, batch mode).
        kind: &'static str,
        /// The entry's name.
        entry: String,
        /// What is wrong.
        problem: String,
    },
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean {s}?)"),
        None => String::new(),
    }
}
