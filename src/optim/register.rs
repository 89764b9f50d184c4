//! Optimizers registered at run time by a crate that uses optbench as a library: each brings
//! its [`EntryInfo`] (name, keys with defaults and ranges), its [`ConfigBuilder`] and a
//! *version* string that the result cache keys its records with.
//!
//! Registration must happen before the optimizer registry is first used (before any grid or
//! spec is parsed, or the command line is run); after that the registry is fixed, so lookups
//! stay a plain read of a `OnceLock`. A name taken by a built-in or an earlier registration is
//! refused.

use std::sync::Mutex;

use thiserror::Error;

use super::{ConfigBuilder, builtins};
use crate::spec::{Default, EntryInfo, Registry, Value};

/// Why an optimizer cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegisterError {
    /// The name is already taken.
    #[error(
        "optimizer '{name}' is already registered ({by}); choose another name (taken: {taken})"
    )]
    Duplicate {
        /// The optimizer's name.
        name: String,
        /// Who holds the name (built in, or registered).
        by: &'static str,
        /// Every name taken, listed.
        taken: String,
    },
    /// The registry is already in use.
    #[error(
        "optimizer '{name}': registered after the optimizer registry was first used; register every optimizer before parsing a spec or grid, or running the command line"
    )]
    TooLate {
        /// The optimizer's name.
        name: String,
    },
    /// The name cannot be written in a spec string.
    #[error(
        "optimizer name '{name}' is not allowed: use 1 to 40 lowercase ASCII letters, digits and underscores, starting with a letter"
    )]
    BadName {
        /// The optimizer's name.
        name: String,
    },
    /// The entry has no `lr` key.
    #[error(
        "optimizer '{name}': its keys lack a float `lr` key (every optimizer takes a learning rate; see optbench::optim::keys::lr)"
    )]
    NoLr {
        /// The optimizer's name.
        name: String,
    },
    /// The version is empty.
    #[error(
        "optimizer '{name}': empty version; give a string that changes whenever the optimizer's code does (it keys the result cache)"
    )]
    NoVersion {
        /// The optimizer's name.
        name: String,
    },
}

/// One registered optimizer.
pub(super) struct Registered {
    pub info: EntryInfo,
    pub build: ConfigBuilder,
    pub version: String,
}

struct State {
    /// Set when the registry is built: no registration after that.
    closed: bool,
    extra: Vec<Registered>,
}

static STATE: Mutex<State> = Mutex::new(State {
    closed: false,
    extra: Vec::new(),
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Registers an optimizer from outside the crate, to be listed, parsed and run like a
/// built-in. `version` keys the result cache: change it whenever the optimizer's code changes
/// (a hash of its source, e.g. of `include_str!("my_optimizer.rs")`, does this by itself), or
/// `--only` runs may reuse records the old code computed.
///
/// Call it before anything parses a spec or grid or runs the command line
/// ([`RegisterError::TooLate`] otherwise). A name taken by a built-in or an earlier
/// registration is [`RegisterError::Duplicate`].
pub fn register(info: EntryInfo, build: ConfigBuilder, version: &str) -> Result<(), RegisterError> {
    let name = info.name.to_string();
    let valid = (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(RegisterError::BadName { name });
    }
    if !info
        .keys
        .iter()
        .any(|k| k.name == "lr" && matches!(k.default, Default::Value(Value::Float(_))))
    {
        return Err(RegisterError::NoLr { name });
    }
    if version.trim().is_empty() {
        return Err(RegisterError::NoVersion { name });
    }
    let mut state = state();
    let built_in = builtins();
    let by = if built_in.get(&name).is_some() {
        Some("a built-in")
    } else if state.extra.iter().any(|e| e.info.name == name) {
        Some("registered earlier")
    } else {
        None
    };
    if let Some(by) = by {
        let taken = built_in
            .entries()
            .iter()
            .map(|e| e.info.name)
            .chain(state.extra.iter().map(|e| e.info.name))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(RegisterError::Duplicate { name, by, taken });
    }
    if state.closed {
        return Err(RegisterError::TooLate { name });
    }
    state.extra.push(Registered {
        info,
        build,
        version: version.to_string(),
    });
    Ok(())
}

/// A version string made from an optimizer's source text (the first 32 hex digits of its
/// SHA-256): `source_version(include_str!("my_optimizer.rs"))` changes whenever the file does.
pub fn source_version(source: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(source.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Adds the registered optimizers to the registry being built, and closes registration.
pub(super) fn install(registry: &mut Registry<ConfigBuilder>) {
    let mut state = state();
    state.closed = true;
    for e in &state.extra {
        registry.add(e.info.clone(), e.build);
    }
}

/// The version an optimizer registered from outside the crate was given.
pub fn registered_version(name: &str) -> Option<String> {
    state()
        .extra
        .iter()
        .find(|e| e.info.name == name)
        .map(|e| e.version.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_registrations_are_refused_with_what_is_allowed() {
        let sgd = super::super::sgd::ENTRY;
        let build = super::super::config_from_params::<super::super::SgdConfig>;
        let e = register(sgd.clone(), build, "1").unwrap_err();
        assert!(matches!(e, RegisterError::Duplicate { by, .. } if by == "a built-in"));
        assert!(e.to_string().contains("adam"), "{e}");
        let named = |name: &'static str| EntryInfo {
            name,
            ..sgd.clone()
        };
        for bad in ["", "Sgd2", "2sgd", "my-sgd", "my sgd"] {
            assert!(
                matches!(
                    register(named(bad), build, "1"),
                    Err(RegisterError::BadName { .. })
                ),
                "{bad:?}"
            );
        }
        let no_lr = EntryInfo {
            keys: &[],
            ..named("nolr")
        };
        assert!(matches!(
            register(no_lr, build, "1"),
            Err(RegisterError::NoLr { .. })
        ));
        assert!(matches!(
            register(named("noversion"), build, " "),
            Err(RegisterError::NoVersion { .. })
        ));
        // Once the registry is in use, it is fixed.
        super::super::registry();
        let e = register(named("too_late"), build, "1").unwrap_err();
        assert!(matches!(e, RegisterError::TooLate { .. }));
        assert!(super::super::registry().get("too_late").is_none());
        assert_eq!(registered_version("too_late"), None);
    }

    #[test]
    fn source_versions_follow_the_text() {
        assert_eq!(source_version("a").len(), 32);
        assert_eq!(source_version("a"), source_version("a"));
        assert_ne!(source_version("a"), source_version("b"));
    }
}
