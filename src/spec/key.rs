//! Self-describing keys: name, default, allowed range and meaning.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// One end of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Bound {
    /// The value itself is allowed.
    Incl(f64),
    /// Values up to, but not including, this one.
    Excl(f64),
    /// No limit on this side.
    Open,
}

/// The values a key accepts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Range {
    /// A real number between two bounds.
    Float {
        /// Lower bound.
        lo: Bound,
        /// Upper bound.
        hi: Bound,
    },
    /// An integer between `min` and `max`, both included.
    Int {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// `true` or `false`.
    Bool,
    /// One of a fixed list of words (a dataset, an activation).
    Choice(&'static [&'static str]),
    /// Free text, such as a file path (it cannot contain ',' ':' or '=').
    Text,
}

impl Range {
    /// `(0, inf)`: learning rates, noise levels.
    pub const POSITIVE: Range = Range::Float {
        lo: Bound::Excl(0.0),
        hi: Bound::Open,
    };
    /// `[0, inf)`: weight decay, eps, accumulators.
    pub const NON_NEGATIVE: Range = Range::Float {
        lo: Bound::Incl(0.0),
        hi: Bound::Open,
    };
    /// `[0, 1)`: exponential averaging coefficients (betas).
    pub const UNIT_HALF_OPEN: Range = Range::Float {
        lo: Bound::Incl(0.0),
        hi: Bound::Excl(1.0),
    };
    /// `[0, 1]`.
    pub const UNIT_CLOSED: Range = Range::Float {
        lo: Bound::Incl(0.0),
        hi: Bound::Incl(1.0),
    };
    /// `(0, 1)`.
    pub const UNIT_OPEN: Range = Range::Float {
        lo: Bound::Excl(0.0),
        hi: Bound::Excl(1.0),
    };
    /// Any finite real number.
    pub const REAL: Range = Range::Float {
        lo: Bound::Open,
        hi: Bound::Open,
    };

    /// Whether a float lies in the range.
    pub fn contains_float(&self, v: f64) -> bool {
        match *self {
            Range::Float { lo, hi } => {
                let lo_ok = match lo {
                    Bound::Incl(b) => v >= b,
                    Bound::Excl(b) => v > b,
                    Bound::Open => true,
                };
                let hi_ok = match hi {
                    Bound::Incl(b) => v <= b,
                    Bound::Excl(b) => v < b,
                    Bound::Open => true,
                };
                v.is_finite() && lo_ok && hi_ok
            }
            _ => false,
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Range::Float { lo, hi } => {
                match lo {
                    Bound::Incl(b) => write!(f, "[{b}, ")?,
                    Bound::Excl(b) => write!(f, "({b}, ")?,
                    Bound::Open => write!(f, "(-inf, ")?,
                }
                match hi {
                    Bound::Incl(b) => write!(f, "{b}]"),
                    Bound::Excl(b) => write!(f, "{b})"),
                    Bound::Open => write!(f, "inf)"),
                }
            }
            Range::Int { min, max } => write!(f, "integer in [{min}, {max}]"),
            Range::Bool => write!(f, "true or false"),
            Range::Choice(words) => write!(f, "one of {}", words.join(", ")),
            Range::Text => write!(f, "text"),
        }
    }
}

/// A value given to a key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A real number.
    Float(f64),
    /// An integer.
    Int(i64),
    /// true or false.
    Bool(bool),
    /// A word (from a list of choices).
    Text(Cow<'static, str>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Float(v) => f.write_str(&crate::num::shortest(v)),
            Value::Int(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Text(ref v) => f.write_str(v),
        }
    }
}

/// What a key is when the user does not set it.
#[derive(Debug, Clone, PartialEq)]
pub enum Default {
    /// A fixed value.
    Value(Value),
    /// Derived from the context when the thing is built (for example the epoch budget);
    /// the text says from what.
    Derived(&'static str),
    /// No default: the user must give it.
    Required,
}

/// One key of an entry: its name, default, allowed range and meaning.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as written in a spec string.
    pub name: &'static str,
    /// Its default (or none: the key must be given).
    pub default: Default,
    /// The values it accepts.
    pub range: Range,
    /// Its meaning, one line.
    pub doc: &'static str,
}

impl Key {
    /// A real-valued key with a fixed default.
    pub const fn float(name: &'static str, default: f64, range: Range, doc: &'static str) -> Key {
        Key {
            name,
            default: Default::Value(Value::Float(default)),
            range,
            doc,
        }
    }

    /// An integer key with a fixed default.
    pub const fn int(
        name: &'static str,
        default: i64,
        min: i64,
        max: i64,
        doc: &'static str,
    ) -> Key {
        Key {
            name,
            default: Default::Value(Value::Int(default)),
            range: Range::Int { min, max },
            doc,
        }
    }

    /// A boolean key with a fixed default.
    pub const fn bool(name: &'static str, default: bool, doc: &'static str) -> Key {
        Key {
            name,
            default: Default::Value(Value::Bool(default)),
            range: Range::Bool,
            doc,
        }
    }

    /// A key that takes one of `choices`, `default` by default.
    pub const fn choice(
        name: &'static str,
        default: &'static str,
        choices: &'static [&'static str],
        doc: &'static str,
    ) -> Key {
        Key {
            name,
            default: Default::Value(Value::Text(Cow::Borrowed(default))),
            range: Range::Choice(choices),
            doc,
        }
    }

    /// A free-text key with a default.
    pub const fn text(name: &'static str, default: &'static str, doc: &'static str) -> Key {
        Key {
            name,
            default: Default::Value(Value::Text(Cow::Borrowed(default))),
            range: Range::Text,
            doc,
        }
    }

    /// A free-text key the user must give (such as a file path).
    pub const fn required_text(name: &'static str, doc: &'static str) -> Key {
        Key {
            name,
            default: Default::Required,
            range: Range::Text,
            doc,
        }
    }

    /// A key whose default is derived from the context (`derived_from` says from what).
    pub const fn derived(
        name: &'static str,
        derived_from: &'static str,
        range: Range,
        doc: &'static str,
    ) -> Key {
        Key {
            name,
            default: Default::Derived(derived_from),
            range,
            doc,
        }
    }

    /// The default as shown to users.
    pub fn default_text(&self) -> String {
        match self.default {
            Default::Value(ref v) => v.to_string(),
            Default::Derived(from) => format!("<{from}>"),
            Default::Required => "<required>".to_string(),
        }
    }
}

/// The self-description of a registry entry: what `optbench list` shows and what spec parsing
/// checks against.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    /// The name used in specification strings.
    pub name: &'static str,
    /// One line saying what it is.
    pub summary: &'static str,
    /// The reference it follows (torch class, paper or formula).
    pub reference: &'static str,
    /// Its keys, in canonical order.
    pub keys: &'static [Key],
}
