//! A registry of self-describing entries of one kind, and the one parser of spec strings.

use std::borrow::Cow;

use super::key::{Default, EntryInfo, Range, Value};
use super::{Params, SpecError};

/// One registered thing: its self-description and a family-specific payload (a constructor).
#[derive(Debug, Clone)]
pub struct Entry<B> {
    /// Name, summary, reference and keys.
    pub info: EntryInfo,
    /// The family-specific payload (usually a constructor).
    pub build: B,
}

/// All entries of one kind ("optimizer", "schedule", "problem", ...).
#[derive(Debug, Clone)]
pub struct Registry<B> {
    kind: &'static str,
    entries: Vec<Entry<B>>,
}

impl<B> Registry<B> {
    /// An empty registry for things of `kind` (used in messages: "unknown optimizer ...").
    pub fn new(kind: &'static str) -> Self {
        Registry {
            kind,
            entries: Vec::new(),
        }
    }

    /// Adds an entry. Names must be unique; a later entry of the same name replaces the former,
    /// so a user crate can override a built-in.
    pub fn add(&mut self, info: EntryInfo, build: B) -> &mut Self {
        self.entries.retain(|e| e.info.name != info.name);
        self.entries.push(Entry { info, build });
        self
    }

    /// What the entries are ("optimizer").
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// Every entry, in registration order.
    pub fn entries(&self) -> &[Entry<B>] {
        &self.entries
    }

    /// The entry of that name.
    pub fn get(&self, name: &str) -> Option<&Entry<B>> {
        self.entries.iter().find(|e| e.info.name == name)
    }

    fn names(&self) -> String {
        self.entries
            .iter()
            .map(|e| e.info.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A spec string without its default-valued keys ("cosine:eta_min=0.0,min_lr=0.0" →
    /// "cosine"); the text itself if it does not parse.
    pub fn short(&self, text: &str) -> String {
        let Ok((entry, params)) = self.parse(text) else {
            return text.to_string();
        };
        let defaults = Params::defaults(&entry.info);
        let keys: Vec<String> = params
            .iter()
            .filter(|(k, v)| defaults.get(k).as_ref() != *v)
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
        if keys.is_empty() {
            entry.info.name.to_string()
        } else {
            format!("{}:{}", entry.info.name, keys.join(","))
        }
    }

    /// Parses `name` or `name:key=value,key=value` into the entry and its validated values
    /// (defaults filled in). Every failure is a one-line [`SpecError`].
    pub fn parse(&self, text: &str) -> Result<(&Entry<B>, Params), SpecError> {
        let kind = self.kind;
        let syntax = |problem: &str| SpecError::Syntax {
            kind,
            text: text.to_string(),
            problem: problem.to_string(),
        };
        let text_trimmed = text.trim();
        if text_trimmed.is_empty() {
            return Err(SpecError::Empty {
                kind,
                valid: self.names(),
            });
        }
        let (name, rest) = match text_trimmed.split_once(':') {
            Some((name, rest)) => (name.trim(), Some(rest)),
            None => (text_trimmed, None),
        };
        if name.is_empty() {
            return Err(syntax("missing name before ':'"));
        }
        if name.contains(',') || name.contains('=') {
            return Err(syntax("keys must follow the name after a ':'"));
        }
        let entry = self.get(name).ok_or_else(|| SpecError::UnknownName {
            kind,
            name: name.to_string(),
            suggestion: closest(name, self.entries.iter().map(|e| e.info.name)),
            valid: self.names(),
        })?;
        let mut params = Params::defaults(&entry.info);
        let Some(rest) = rest else {
            check_required(kind, &entry.info, &params)?;
            return Ok((entry, params));
        };
        if rest.contains(':') {
            return Err(syntax(
                "stray ':' (only one ':' separates the name from its keys)",
            ));
        }
        if rest.trim().is_empty() {
            return Err(syntax("nothing after ':'"));
        }
        let mut seen: Vec<&str> = Vec::new();
        for part in rest.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(syntax("stray ',' (empty key=value pair)"));
            }
            let Some((key, value)) = part.split_once('=') else {
                return Err(syntax(&format!("'{part}' is not key=value")));
            };
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() {
                return Err(syntax(&format!("'{part}' has no key before '='")));
            }
            if value.is_empty() {
                return Err(syntax(&format!("key '{key}' has no value after '='")));
            }
            if value.contains('=') {
                return Err(syntax(&format!("'{part}' has more than one '='")));
            }
            let Some(spec_key) = entry.info.keys.iter().find(|k| k.name == key) else {
                let valid = if entry.info.keys.is_empty() {
                    "none (this entry takes no keys)".to_string()
                } else {
                    entry
                        .info
                        .keys
                        .iter()
                        .map(|k| k.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(SpecError::UnknownKey {
                    kind,
                    entry: name.to_string(),
                    key: key.to_string(),
                    suggestion: closest(key, entry.info.keys.iter().map(|k| k.name)),
                    valid,
                });
            };
            if seen.contains(&key) {
                return Err(SpecError::DuplicateKey {
                    kind,
                    entry: name.to_string(),
                    key: key.to_string(),
                });
            }
            seen.push(key);
            let parsed = parse_value(kind, name, spec_key.name, value, spec_key.range)?;
            params.set(spec_key.name, parsed);
        }
        check_required(kind, &entry.info, &params)?;
        Ok((entry, params))
    }
}

/// Every key without a default must have been given.
fn check_required(kind: &'static str, info: &EntryInfo, params: &Params) -> Result<(), SpecError> {
    let required = || info.keys.iter().filter(|k| k.default == Default::Required);
    match required().find(|k| params.get(k.name).is_none()) {
        None => Ok(()),
        Some(key) => Err(SpecError::MissingKey {
            kind,
            entry: info.name.to_string(),
            key: key.name.to_string(),
            doc: key.doc,
            example: format!(
                "{}:{}",
                info.name,
                required()
                    .map(|k| format!("{}=...", k.name))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }),
    }
}

/// Parses one value as the key's range demands and checks the range.
fn parse_value(
    kind: &'static str,
    entry: &str,
    key: &'static str,
    text: &str,
    range: Range,
) -> Result<Value, SpecError> {
    let bad = |expected: &'static str| SpecError::BadValue {
        kind,
        entry: entry.to_string(),
        key: key.to_string(),
        value: text.to_string(),
        expected,
    };
    let out_of_range = || SpecError::OutOfRange {
        kind,
        entry: entry.to_string(),
        key: key.to_string(),
        value: text.to_string(),
        range: range.to_string(),
    };
    match range {
        Range::Choice(words) => match words.iter().find(|w| **w == text) {
            Some(w) => Ok(Value::Text(Cow::Borrowed(w))),
            None => Err(SpecError::UnknownChoice {
                kind,
                entry: entry.to_string(),
                key,
                value: text.to_string(),
                suggestion: closest(text, words.iter().copied()),
                valid: words,
            }),
        },
        Range::Text => Ok(Value::Text(Cow::Owned(text.to_string()))),
        Range::Bool => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("true or false")),
        },
        Range::Int { min, max } => {
            let v = match text.parse::<i64>() {
                Ok(v) => v,
                Err(_) => {
                    // Also accept an integral number written as a float ("1e3").
                    let f = parse_finite(text).ok_or_else(|| bad("an integer"))?;
                    if f.fract() != 0.0 || f.abs() > 9.0e15 {
                        return Err(bad("an integer"));
                    }
                    f as i64
                }
            };
            if v < min || v > max {
                return Err(out_of_range());
            }
            Ok(Value::Int(v))
        }
        Range::Float { .. } => {
            let v = parse_finite(text).ok_or_else(|| bad("a finite number"))?;
            if !range.contains_float(v) {
                return Err(out_of_range());
            }
            Ok(Value::Float(v))
        }
    }
}

/// A finite f64, or `None` (Rust's parser also accepts "inf" and "NaN", which no key allows).
fn parse_finite(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The candidate closest to `name` by edit distance (transpositions count as one edit),
/// if it is close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .map(|c| (strsim::damerau_levenshtein(&lower, c), c))
        .filter(|(d, c)| *d <= (c.len().max(lower.len()) / 3).max(2) && *d < c.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Key;

    const KEYS: &[Key] = &[
        Key::float("lr", 0.1, Range::POSITIVE, "learning rate"),
        Key::int("n", 3, 1, 10, "count"),
        Key::bool("flag", false, "a switch"),
    ];
    const ENTRY: EntryInfo = EntryInfo {
        name: "adam",
        summary: "test",
        reference: "none",
        keys: KEYS,
    };
    const OTHER: EntryInfo = EntryInfo {
        name: "sgd",
        summary: "test",
        reference: "none",
        keys: &[],
    };

    fn registry() -> Registry<()> {
        let mut r = Registry::new("optimizer");
        r.add(ENTRY, ()).add(OTHER, ());
        r
    }

    fn err(text: &str) -> String {
        registry().parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_name_alone_with_defaults() {
        let r = registry();
        let (e, p) = r.parse("adam").unwrap();
        assert_eq!(e.info.name, "adam");
        assert_eq!(p.get("lr"), Some(Value::Float(0.1)));
        assert_eq!(p.get("n"), Some(Value::Int(3)));
        assert_eq!(p.get("flag"), Some(Value::Bool(false)));
    }

    #[test]
    fn parses_keys_and_prints_canonical_form() {
        let r = registry();
        let (_, p) = r.parse(" adam : flag=true, lr=1e-3 ,n=1e1").unwrap();
        assert_eq!(p.get("lr"), Some(Value::Float(1e-3)));
        assert_eq!(p.get("n"), Some(Value::Int(10)));
        assert_eq!(p.to_string(), "adam:lr=0.001,n=10,flag=true");
    }

    #[test]
    fn suggests_closest_name_and_lists_valid_ones() {
        let e = err("adma");
        assert!(e.contains("unknown optimizer 'adma'"), "{e}");
        assert!(e.contains("did you mean adam?"), "{e}");
        assert!(e.contains("adam, sgd"), "{e}");
        assert!(!err("zzzzzzzz").contains("did you mean"));
    }

    #[test]
    fn unknown_key_lists_valid_keys() {
        let e = err("adam:lrr=1");
        assert!(e.contains("unknown key 'lrr'"), "{e}");
        assert!(e.contains("did you mean lr?"), "{e}");
        assert!(e.contains("valid keys: lr, n, flag"), "{e}");
        assert!(err("sgd:lr=1").contains("this entry takes no keys"));
    }

    #[test]
    fn rejects_malformed_strings() {
        for (text, needle) in [
            ("", "empty optimizer"),
            ("   ", "empty optimizer"),
            ("adam:", "nothing after ':'"),
            (":lr=1", "missing name"),
            ("adam:lr=1,", "stray ','"),
            ("adam:,lr=1", "stray ','"),
            ("adam:lr=1,,n=2", "stray ','"),
            ("adam:lr=1:n=2", "stray ':'"),
            ("adam::lr=1", "stray ':'"),
            ("adam:lr", "not key=value"),
            ("adam:=1", "no key"),
            ("adam:lr=", "no value"),
            ("adam:lr=1=2", "more than one"),
            ("adam,lr=1", "keys must follow"),
            ("adam:lr=1,lr=2", "given twice"),
        ] {
            let e = err(text);
            assert!(e.contains(needle), "{text:?}: {e}");
            assert!(!e.contains('\n'), "{text:?}: multi-line error");
        }
    }

    #[test]
    fn rejects_bad_values_naming_key_and_range() {
        for (text, needle) in [
            ("adam:lr=abc", "key 'lr' expects a finite number, got 'abc'"),
            ("adam:lr=nan", "expects a finite number"),
            ("adam:lr=inf", "expects a finite number"),
            ("adam:lr=1e400", "expects a finite number"),
            (
                "adam:lr=0",
                "key 'lr' = 0 is out of range; allowed: (0, inf)",
            ),
            ("adam:lr=-1", "out of range"),
            ("adam:n=2.5", "key 'n' expects an integer"),
            ("adam:n=11", "allowed: integer in [1, 10]"),
            ("adam:flag=1", "key 'flag' expects true or false"),
        ] {
            let e = err(text);
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn closest_needs_a_plausible_typo() {
        let names = ["rosenbrock", "beale", "himmelblau"];
        assert_eq!(
            closest("rosenbrok", names.iter().copied()),
            Some("rosenbrock".into())
        );
        assert_eq!(
            closest("Beale", names.iter().copied()),
            Some("beale".into())
        );
        assert_eq!(closest("xyz", names.iter().copied()), None);
    }
}
