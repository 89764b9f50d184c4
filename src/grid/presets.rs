//! The built-in grids, embedded TOML (the same format as a grid file; `src/grid/presets/`).

use super::{Grid, GridError};
use crate::spec::closest;

/// A built-in grid.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Its name (`--preset NAME`).
    pub name: &'static str,
    /// What it is for.
    pub summary: &'static str,
    /// Its TOML.
    pub toml: &'static str,
    /// Wall seconds of `optbench run --preset NAME --jobs 2 --quiet` measured on the
    /// project's 2-core machine (AMD EPYC, shared; quick with its 24 optimizers and one
    /// tuning seed and standard on 2026-12-02, reference on 2026-11-26), or `None` where not
    /// measured there. Remeasure with `/usr/bin/time` after changes that affect speed.
    pub measured_seconds: Option<f64>,
}

/// Every preset.
pub const PRESETS: [Preset; 4] = [
    Preset {
        name: "quick",
        summary: "the default: every optimizer on 54 selection and 18 held-out instances, bracketed lrs, 5 evaluation seeds",
        toml: include_str!("presets/quick.toml"),
        measured_seconds: Some(36.5),
    },
    Preset {
        name: "standard",
        summary: "every landscape and data problem at moderate size, 16 optimizer variants, 5 schedules, bracketed lrs",
        toml: include_str!("presets/standard.toml"),
        measured_seconds: Some(170.7),
    },
    Preset {
        name: "full",
        summary: "everything at full size, 15 seeds, 100 epochs: shard it on a cluster",
        toml: include_str!("presets/full.toml"),
        measured_seconds: None,
    },
    Preset {
        name: "reference",
        summary: "fixed logreg2d workload for speed comparisons with other tools",
        toml: include_str!("presets/reference.toml"),
        measured_seconds: Some(0.22),
    },
];

/// The preset `name`, validated.
pub fn preset(name: &str) -> Result<Grid, GridError> {
    let p = PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| GridError::UnknownPreset {
            name: name.to_string(),
            suggestion: closest(name, PRESETS.iter().map(|p| p.name)),
            valid: PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    Grid::from_toml(p.toml, &format!("preset {}", p.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{InstanceSet, plan};
    use crate::problem::{self, Family};

    #[test]
    fn every_preset_is_valid() {
        for p in PRESETS {
            let g = preset(p.name).unwrap();
            assert_eq!(g.name, p.name);
            assert!(!plan(&g).configurations.is_empty());
        }
        assert!(
            preset("quik")
                .unwrap_err()
                .to_string()
                .contains("did you mean quick?")
        );
    }

    /// The quick preset has every optimizer, every batch mode, at least four schedules, several
    /// instances of each family with some held out, at least five evaluation seeds, and
    /// bracketed half-decade sweeps of at least five initial points.
    #[test]
    fn quick_covers_what_the_spec_asks() {
        let g = preset("quick").unwrap();
        let names: Vec<&str> = g.optimizers.iter().map(|o| o.name.as_str()).collect();
        for info in crate::optim::entries() {
            assert!(names.contains(&info.name), "{}", info.name);
        }
        for mode in crate::batch::entries() {
            assert!(
                g.problems
                    .iter()
                    .any(|p| p.batch_modes.iter().any(|b| b.starts_with(mode.name))),
                "{}",
                mode.name
            );
        }
        let mut schedules: Vec<&str> = g
            .problems
            .iter()
            .flat_map(|p| p.schedules.iter().map(|s| s.split(':').next().unwrap()))
            .collect();
        schedules.sort_unstable();
        schedules.dedup();
        assert!(schedules.len() >= 4, "{schedules:?}");
        assert!(g.evaluation_seeds >= 5);
        assert!(g.lr.rates(0.01).len() >= 5);
        assert!(g.lr.bracket && g.lr.step <= 0.5);
        for f in [
            Family::SmoothConvex,
            Family::Ravine,
            Family::LocalMinima,
            Family::SaddleOrPlateau,
            Family::SparseFeatures,
            Family::NeuralNetwork,
        ] {
            let of = |set: InstanceSet| {
                g.problems
                    .iter()
                    .filter(|p| p.set == set && problem::parse(&p.spec).unwrap().family == f)
                    .count()
            };
            assert!(of(InstanceSet::Selection) >= 2, "{f:?}");
            assert!(of(InstanceSet::Holdout) >= 1, "{f:?}");
        }
    }

    #[test]
    fn reference_is_the_fixed_workload() {
        let g = preset("reference").unwrap();
        assert_eq!(g.problems.len(), 1);
        assert!(g.problems[0].spec.starts_with("logreg2d"));
        assert_eq!(g.optimizers.len(), 7);
        assert_eq!(g.seeds(), 3);
        assert_eq!(g.epochs, 20);
        let p = plan(&g);
        // 6 optimizers × 3 modes × 4 schedules + rprop × full × constant, × 3 seeds, 1 lr.
        assert_eq!(p.configurations.len(), 6 * 3 * 4 + 1);
        assert!(
            p.configurations
                .iter()
                .all(|c| c.sweep.initial().len() == 1)
        );
        assert_eq!(p.least_runs(), (6 * 3 * 4 + 1) * 3);
    }
}
