//! The lecture's claims each have an experiment designed to test them: a small grid of its
//! own (`src/grid/presets/claims/`), with the problems, budgets, learning rates, batch modes
//! and seeds its statement needs. `optbench report` runs them beside the main grid.
//!
//! Each experiment has its own grid seed (1000 + the claim's number), so no two share a run.

use super::{Grid, GridError};

/// The experiment of one claim.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The claim's number, 1 to 13.
    pub claim: usize,
    /// Its grid.
    pub grid: Grid,
    /// The grid as written (shown on the report's page).
    pub toml: &'static str,
}

const TOMLS: [&str; 13] = [
    include_str!("presets/claims/claim-01.toml"),
    include_str!("presets/claims/claim-02.toml"),
    include_str!("presets/claims/claim-03.toml"),
    include_str!("presets/claims/claim-04.toml"),
    include_str!("presets/claims/claim-05.toml"),
    include_str!("presets/claims/claim-06.toml"),
    include_str!("presets/claims/claim-07.toml"),
    include_str!("presets/claims/claim-08.toml"),
    include_str!("presets/claims/claim-09.toml"),
    include_str!("presets/claims/claim-10.toml"),
    include_str!("presets/claims/claim-11.toml"),
    include_str!("presets/claims/claim-12.toml"),
    include_str!("presets/claims/claim-13.toml"),
];

/// Every claim's experiment, in claim order.
pub fn experiments() -> Result<Vec<Experiment>, GridError> {
    TOMLS
        .iter()
        .enumerate()
        .map(|(i, toml)| {
            Ok(Experiment {
                claim: i + 1,
                grid: Grid::from_toml(toml, &format!("claim {} experiment", i + 1))?,
                toml,
            })
        })
        .collect()
}

/// The claim whose experiment has grid fingerprint `fingerprint`.
pub fn claim_of(fingerprint: &str) -> Option<usize> {
    let experiments = experiments().ok()?;
    experiments
        .iter()
        .find(|e| super::plan(&e.grid).fingerprint == fingerprint)
        .map(|e| e.claim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_claim_has_a_valid_experiment_with_its_own_seed() {
        let e = experiments().unwrap();
        assert_eq!(e.len(), 13);
        for (i, x) in e.iter().enumerate() {
            assert_eq!(x.claim, i + 1);
            assert_eq!(x.grid.seed, 1000 + x.claim as u64, "claim {}", x.claim);
            let plan = super::super::plan(&x.grid);
            assert!(!plan.configurations.is_empty(), "claim {}", x.claim);
            assert_eq!(claim_of(&plan.fingerprint), Some(x.claim));
        }
        assert_eq!(claim_of("0000000000000000"), None);
    }
}
