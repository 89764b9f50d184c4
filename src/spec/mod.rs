//! Specification strings (`name` or `name:key=value,key=value`; every name and key is in
//! `docs/reference.md`), parsed in one place
//! against one registry of self-describing entries.
//!
//! This module knows nothing of optimizers, schedules or problems: each of those families owns
//! a [`Registry`] whose entries carry an [`EntryInfo`] (name, summary, keys with default, range
//! and meaning) and a family-specific payload (usually a constructor).

mod error;
mod key;
mod params;
mod registry;

pub use error::SpecError;
pub use key::{Bound, Default, EntryInfo, Key, Range, Value};
pub use params::Params;
pub use registry::{Entry, Registry, closest};
