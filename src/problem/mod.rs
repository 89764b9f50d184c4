//! Problems: what is minimized. For now the analytic landscapes of SPEC §6; every problem is
//! named by a spec string parsed through one registry.
//!
//! May use: `spec`, `optim` (for the [`crate::optim::Objective`] interface), `rng`.

pub mod analytic;

use std::sync::OnceLock;

use crate::spec::{EntryInfo, Params, Registry, SpecError};

pub use analytic::{Landscape, LandscapeObjective, Minimum};

pub(crate) const KIND: &str = "problem";

/// The built-in problems.
pub fn registry() -> &'static Registry<analytic::ConfigBuilder> {
    static REGISTRY: OnceLock<Registry<analytic::ConfigBuilder>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = Registry::new(KIND);
        for (info, build) in analytic::entries() {
            r.add(info, build);
        }
        r
    })
}

/// A parsed problem spec: canonical values and the built landscape.
#[derive(Debug)]
pub struct ProblemSpec {
    /// Every key's value; prints as the canonical spec string.
    pub params: Params,
    /// The landscape.
    pub landscape: Box<dyn Landscape>,
}

/// Parses a problem spec string such as `rosenbrock:dim=4`.
pub fn parse(text: &str) -> Result<ProblemSpec, SpecError> {
    let (entry, params) = registry().parse(text)?;
    let landscape = (entry.build)(&params)?.build();
    Ok(ProblemSpec { params, landscape })
}

/// The entry infos of every built-in problem.
pub fn entries() -> impl Iterator<Item = &'static EntryInfo> {
    registry().entries().iter().map(|e| &e.info)
}
