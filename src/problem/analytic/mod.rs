//! Analytic landscapes (SPEC §6): closed-form test functions with analytic gradients, a
//! default start and their known minima. 2-D unless a `dim` key says otherwise.

mod beale;
mod himmelblau;
mod plateau;
mod quadratic;
mod rastrigin;
mod rosenbrock;
mod saddle;

use std::fmt::Debug;

use serde::de::DeserializeOwned;

use crate::optim::Objective;
use crate::spec::{EntryInfo, Params, SpecError};

pub use beale::Beale;
pub use himmelblau::Himmelblau;
pub use plateau::Plateau;
pub use quadratic::Quadratic;
pub use rastrigin::Rastrigin;
pub use rosenbrock::Rosenbrock;
pub use saddle::Saddle;

/// A known minimum: where it is and the value there.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// The minimizer.
    pub x: Vec<f64>,
    /// f at the minimizer.
    pub f: f64,
}

/// A differentiable function of `dim` real parameters with a known shape.
pub trait Landscape: Debug + Send + Sync {
    /// Number of coordinates.
    fn dim(&self) -> usize;
    /// f(x).
    fn value(&self, x: &[f64]) -> f64;
    /// Writes ∇f(x) into `grad` and returns f(x). Never allocates.
    fn gradient(&self, x: &[f64], grad: &mut [f64]) -> f64;
    /// The documented starting point.
    fn default_start(&self) -> Vec<f64>;
    /// The known global minima (several for himmelblau and saddle; none when unknown).
    fn minima(&self) -> Vec<Minimum>;
}

/// Validated landscape keys that build the landscape.
pub trait LandscapeConfig: Debug + Send + Sync {
    /// The landscape.
    fn build(&self) -> Box<dyn Landscape>;
    /// Checks combinations of keys; returns what is wrong.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Builds a landscape config from validated values.
pub type ConfigBuilder = fn(&Params) -> Result<Box<dyn LandscapeConfig>, SpecError>;

/// Deserializes a landscape config and checks it.
pub fn config_from_params<C>(params: &Params) -> Result<Box<dyn LandscapeConfig>, SpecError>
where
    C: LandscapeConfig + DeserializeOwned + 'static,
{
    let config: C = params.to_config(super::KIND)?;
    config.check().map_err(|problem| SpecError::Conflict {
        kind: super::KIND,
        entry: params.entry().to_string(),
        problem,
    })?;
    Ok(Box::new(config))
}

/// Every analytic landscape: its entry and builder.
pub(super) fn entries() -> [(EntryInfo, ConfigBuilder); 7] {
    [
        (rosenbrock::ENTRY, config_from_params::<Rosenbrock>),
        (beale::ENTRY, config_from_params::<Beale>),
        (himmelblau::ENTRY, config_from_params::<Himmelblau>),
        (quadratic::ENTRY, config_from_params::<Quadratic>),
        (rastrigin::ENTRY, config_from_params::<Rastrigin>),
        (saddle::ENTRY, config_from_params::<Saddle>),
        (plateau::ENTRY, config_from_params::<Plateau>),
    ]
}

/// A landscape seen as an optimizer's objective.
pub struct LandscapeObjective<'a>(pub &'a dyn Landscape);

impl Objective for LandscapeObjective<'_> {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn loss(&mut self, x: &[f64]) -> f64 {
        self.0.value(x)
    }
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.0.gradient(x, grad)
    }
}

/// The largest `dim` a landscape accepts.
pub(crate) const MAX_DIM: i64 = 100_000_000;

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::problem;

    /// Central finite difference of f along coordinate i, with a step scaled to |x_i|.
    fn fd(l: &dyn Landscape, x: &[f64], i: usize) -> f64 {
        let h = 1e-6 * x[i].abs().max(1.0);
        let mut xp = x.to_vec();
        let mut xm = x.to_vec();
        xp[i] += h;
        xm[i] -= h;
        (l.value(&xp) - l.value(&xm)) / (2.0 * h)
    }

    fn check_gradient(spec: &str, x: &[f64]) -> Result<(), TestCaseError> {
        let l = problem::parse(spec).unwrap().landscape;
        let mut g = vec![0.0; l.dim()];
        let f = l.gradient(x, &mut g);
        prop_assert_eq!(f.to_bits(), l.value(x).to_bits(), "value mismatch");
        for (i, &gi) in g.iter().enumerate() {
            let num = fd(l.as_ref(), x, i);
            let scale = gi.abs().max(num.abs()).max(1.0);
            prop_assert!(
                (gi - num).abs() <= 1e-5 * scale,
                "{} at {:?}: d/dx{} analytic {} vs numeric {}",
                spec,
                x,
                i,
                gi,
                num
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn two_d_gradients_match_finite_differences(
            x in -3.0f64..3.0, y in -3.0f64..3.0,
            which in 0usize..7,
        ) {
            let spec = ["rosenbrock", "beale", "himmelblau", "quadratic:kappa=50", "rastrigin",
                        "saddle", "plateau"][which];
            check_gradient(spec, &[x, y])?;
        }

        #[test]
        fn n_d_gradients_match_finite_differences(
            x in proptest::collection::vec(-2.0f64..2.0, 5),
            which in 0usize..3,
        ) {
            let spec = ["rosenbrock:dim=5,a=0.5,b=30", "quadratic:dim=5,kappa=1000",
                        "rastrigin:dim=5"][which];
            check_gradient(spec, &x)?;
        }
    }

    #[test]
    fn minima_are_stationary_and_have_the_stated_value() {
        for spec in [
            "rosenbrock",
            "rosenbrock:a=2",
            "rosenbrock:dim=6",
            "beale",
            "himmelblau",
            "quadratic:dim=4",
            "rastrigin:dim=3",
            "saddle",
            "plateau",
        ] {
            let l = problem::parse(spec).unwrap().landscape;
            let minima = l.minima();
            assert!(!minima.is_empty(), "{spec}");
            for m in minima {
                let mut g = vec![0.0; l.dim()];
                let f = l.gradient(&m.x, &mut g);
                assert!((f - m.f).abs() < 1e-9, "{spec}: f = {f} at {:?}", m.x);
                assert!(g.iter().all(|g| g.abs() < 1e-5), "{spec}: grad {g:?}");
                // A minimum: no nearby point is lower.
                for i in 0..l.dim() {
                    for h in [-1e-3, 1e-3] {
                        let mut y = m.x.clone();
                        y[i] += h;
                        assert!(l.value(&y) >= m.f - 1e-12, "{spec}: not a minimum");
                    }
                }
            }
        }
    }

    #[test]
    fn default_starts_have_the_landscape_dimension_and_are_not_minima() {
        for spec in [
            "rosenbrock:dim=7",
            "beale",
            "himmelblau",
            "quadratic:dim=3",
            "rastrigin:dim=4",
            "saddle",
            "plateau",
        ] {
            let l = problem::parse(spec).unwrap().landscape;
            let start = l.default_start();
            assert_eq!(start.len(), l.dim(), "{spec}");
            let mut g = vec![0.0; l.dim()];
            l.gradient(&start, &mut g);
            assert!(
                g.iter().any(|g| g.abs() > 1e-4),
                "{spec}: start is stationary"
            );
        }
    }
}
