//! Validated key values of one entry, with every key present (defaults filled in).

use std::fmt;

use serde::de::DeserializeOwned;

use super::SpecError;
use super::key::{Default, EntryInfo, Value};

/// The values of every key of one entry, in the entry's canonical key order. A key whose
/// default is derived from the context holds `None` until the user sets it.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    entry: &'static str,
    values: Vec<(&'static str, Option<Value>)>,
}

impl Params {
    /// Every key of `info` at its default.
    pub fn defaults(info: &EntryInfo) -> Params {
        Params {
            entry: info.name,
            values: info
                .keys
                .iter()
                .map(|k| {
                    let v = match &k.default {
                        Default::Value(v) => Some(v.clone()),
                        Default::Derived(_) | Default::Required => None,
                    };
                    (k.name, v)
                })
                .collect(),
        }
    }

    /// The entry these values belong to.
    pub fn entry(&self) -> &'static str {
        self.entry
    }

    /// The value of a key (`None` for an unset derived default or an unknown key).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.clone())
    }

    pub(super) fn set(&mut self, key: &'static str, value: Value) {
        if let Some(slot) = self.values.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Some(value);
        }
    }

    /// The same values with `key` set to `value` (the caller guarantees it is in range).
    pub fn with(&self, key: &str, value: Value) -> Params {
        let mut p = self.clone();
        if let Some(slot) = p.values.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Some(value);
        }
        p
    }

    /// The same values without `key` (for a key a family handles itself, such as `min_lr`).
    pub fn without(&self, key: &str) -> Params {
        Params {
            entry: self.entry,
            values: self
                .values
                .iter()
                .filter(|(k, _)| *k != key)
                .cloned()
                .collect(),
        }
    }

    /// Every key and its value, in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Option<&Value>)> + '_ {
        self.values.iter().map(|(k, v)| (*k, v.as_ref()))
    }

    /// Turns the values into a config struct whose serde field names are the key names.
    /// Unset derived keys become `null` (an `Option` field left `None`).
    pub fn to_config<T: DeserializeOwned>(&self, kind: &'static str) -> Result<T, SpecError> {
        let map: serde_json::Map<String, serde_json::Value> = self
            .values
            .iter()
            .map(|(k, v)| {
                let json = match v {
                    None => serde_json::Value::Null,
                    Some(Value::Float(x)) => serde_json::json!(x),
                    Some(Value::Int(x)) => serde_json::json!(x),
                    Some(Value::Bool(x)) => serde_json::json!(x),
                    Some(Value::Text(x)) => serde_json::json!(x),
                };
                (k.to_string(), json)
            })
            .collect();
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| SpecError::Conflict {
            kind,
            entry: self.entry.to_string(),
            problem: format!("internal: keys do not match the configuration ({e})"),
        })
    }
}

impl Params {
    /// [`Params::to_config`], then `check` for combinations of keys that are each valid alone;
    /// what it reports becomes a [`SpecError::Conflict`].
    pub fn to_checked_config<T: DeserializeOwned>(
        &self,
        kind: &'static str,
        check: impl FnOnce(&T) -> Result<(), String>,
    ) -> Result<T, SpecError> {
        let config: T = self.to_config(kind)?;
        check(&config).map_err(|problem| SpecError::Conflict {
            kind,
            entry: self.entry.to_string(),
            problem,
        })?;
        Ok(config)
    }
}

/// The canonical spec string: `name:key=value,...` with every set key, in canonical order.
impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.entry)?;
        let mut first = true;
        for (k, v) in &self.values {
            if let Some(v) = v {
                write!(f, "{}{k}={v}", if first { ':' } else { ',' })?;
                first = false;
            }
        }
        Ok(())
    }
}
