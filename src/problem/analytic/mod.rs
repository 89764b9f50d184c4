//! Analytic landscapes (listed in `docs/reference.md`): closed-form test functions with analytic gradients, a
//! default start and their known minima. 2-D unless a `dim` key says otherwise.

mod beale;
mod himmelblau;
mod plateau;
mod quadratic;
mod rastrigin;
mod rosenbrock;
mod saddle;

use std::fmt::Debug;
use std::sync::OnceLock;

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::de::DeserializeOwned;

use super::{Evaluation, Family, Optimum, OptimumKind, Problem, ProblemConfig, Sizes, Workspace};
use crate::data::{DataError, Split};
use crate::rng;
use crate::spec::{EntryInfo, Key, Params, Range, SpecError, Value};

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
}

/// The `noise` key every landscape takes: the analytic stand-in for stochastic gradients.
pub(crate) const NOISE: Key = Key::float(
    "noise",
    0.0,
    Range::NON_NEGATIVE,
    "σ of Gaussian noise added to each gradient component",
);

/// The `spread` key every landscape takes: how far each seed's start lies from the default
/// start (many random starts on a multimodal landscape need a wide spread).
pub(crate) const SPREAD: Key = Key::float(
    "spread",
    START_SPREAD,
    Range::NON_NEGATIVE,
    "σ of the Gaussian perturbation of the default start, per seed",
);

/// An analytic problem: a landscape, its gradient noise and the spread of its starts.
#[derive(Debug)]
pub struct AnalyticConfig {
    landscape: Box<dyn LandscapeConfig>,
    noise: f64,
    spread: f64,
}

impl ProblemConfig for AnalyticConfig {
    fn build(&self, _seed: u64) -> Result<Box<dyn Problem>, DataError> {
        let mut problem = LandscapeProblem::new(self.landscape.build(), self.noise);
        problem.spread = self.spread;
        Ok(Box::new(problem))
    }

    fn landscape(&self) -> Option<Box<dyn Landscape>> {
        Some(self.landscape.build())
    }
}

/// Builds an analytic problem config: the landscape from every key but `noise` and `spread`.
fn config_from_params<C>(params: &Params) -> Result<Box<dyn ProblemConfig>, SpecError>
where
    C: LandscapeConfig + DeserializeOwned + 'static,
{
    let landscape: C = params
        .without(NOISE.name)
        .without(SPREAD.name)
        .to_config(super::KIND)?;
    let float = |key: &Key, default: f64| match params.get(key.name) {
        Some(Value::Float(v)) => v,
        _ => default,
    };
    Ok(Box::new(AnalyticConfig {
        landscape: Box::new(landscape),
        noise: float(&NOISE, 0.0),
        spread: float(&SPREAD, START_SPREAD),
    }))
}

/// Every analytic landscape: its entry, builder and family.
pub(super) fn entries() -> [(EntryInfo, super::ConfigFn, Family); 7] {
    [
        (
            rosenbrock::ENTRY,
            config_from_params::<Rosenbrock>,
            Family::Ravine,
        ),
        (
            beale::ENTRY,
            config_from_params::<Beale>,
            Family::SaddleOrPlateau,
        ),
        (
            himmelblau::ENTRY,
            config_from_params::<Himmelblau>,
            Family::LocalMinima,
        ),
        (
            quadratic::ENTRY,
            config_from_params::<Quadratic>,
            Family::Ravine,
        ),
        (
            rastrigin::ENTRY,
            config_from_params::<Rastrigin>,
            Family::LocalMinima,
        ),
        (
            saddle::ENTRY,
            config_from_params::<Saddle>,
            Family::SaddleOrPlateau,
        ),
        (
            plateau::ENTRY,
            config_from_params::<Plateau>,
            Family::SaddleOrPlateau,
        ),
    ]
}

/// Scale of the per-seed perturbation of the default start.
pub const START_SPREAD: f64 = 0.1;

/// A landscape as a [`Problem`]: one "sample", no splits (every split evaluates f).
#[derive(Debug)]
pub struct LandscapeProblem {
    landscape: Box<dyn Landscape>,
    noise: f64,
    /// σ of the per-seed perturbation of the default start.
    spread: f64,
    /// The lowest documented minimum, found on first request.
    optimum: OnceLock<Option<Optimum>>,
}

impl LandscapeProblem {
    /// The landscape with gradient noise σ = `noise`.
    pub fn new(landscape: Box<dyn Landscape>, noise: f64) -> LandscapeProblem {
        LandscapeProblem {
            landscape,
            noise,
            spread: START_SPREAD,
            optimum: OnceLock::new(),
        }
    }

    /// The lowest of the landscape's documented minima, `Exact`, with the gradient norm there.
    fn lowest_minimum(&self) -> Option<Optimum> {
        let minima = self.landscape.minima();
        let best = minima.into_iter().min_by(|a, b| a.f.total_cmp(&b.f))?;
        let mut grad = vec![0.0; best.x.len()];
        self.landscape.gradient(&best.x, &mut grad);
        let gradient_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        Some(Optimum {
            params: Some(best.x),
            loss: best.f,
            kind: OptimumKind::Exact,
            gradient_norm: Some(gradient_norm),
        })
    }

    /// The landscape.
    pub fn landscape(&self) -> &dyn Landscape {
        self.landscape.as_ref()
    }
}

impl Problem for LandscapeProblem {
    fn sizes(&self) -> Sizes {
        let d = self.landscape.dim();
        Sizes {
            train: 1,
            validation: 0,
            test: 0,
            features: d,
            parameters: d,
            classes: None,
        }
    }

    fn has_data(&self) -> bool {
        false
    }

    /// The default start, each coordinate moved by N(0, spread²) drawn from the seed.
    fn initial_params(&self, seed: u64) -> Vec<f64> {
        let mut rng = rng::from_seed(seed);
        self.landscape
            .default_start()
            .into_iter()
            .map(|x| {
                let z: f64 = rng.sample(StandardNormal);
                x + self.spread * z
            })
            .collect()
    }

    fn loss_grad(&self, params: &[f64], _: &[usize], grad: &mut [f64], _: &mut Workspace) -> f64 {
        self.landscape.gradient(params, grad)
    }

    fn loss(&self, params: &[f64], _: &[usize], _: &mut Workspace) -> f64 {
        self.landscape.value(params)
    }

    fn evaluate(&self, params: &[f64], _: Split, _: &mut Workspace) -> Evaluation {
        Evaluation {
            loss: self.landscape.value(params),
            accuracy: None,
        }
    }

    /// The lowest documented minimum (`Exact`); its gradient norm is 0 up to rounding.
    fn optimum(&self) -> Option<&Optimum> {
        self.optimum.get_or_init(|| self.lowest_minimum()).as_ref()
    }

    fn gradient_noise(&self) -> f64 {
        self.noise
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
        let l = problem::parse(spec).unwrap().config.landscape().unwrap();
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
            let l = problem::parse(spec).unwrap().config.landscape().unwrap();
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
            let l = problem::parse(spec).unwrap().config.landscape().unwrap();
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
