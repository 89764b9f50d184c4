//! `linreg`: synthetic least squares, y = X·w* + b* + σ·ε, with X, w*, b*, ε standard normal.
//! Smooth and convex; the optimum is solved from the normal equations.

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::linear::{DenseLinear, LinearLoss};
use super::{
    ConfigFn, Family, Problem, ProblemConfig, config_from_params, split_in_order, streams,
};
use crate::data::{DataError, Dataset, Matrix, Target};
use crate::rng;
use crate::spec::{EntryInfo, Key, Range};

const ENTRY: EntryInfo = EntryInfo {
    name: "linreg",
    summary: "synthetic least squares y = Xw* + b* + noise (smooth convex)",
    reference: "linear least squares; optimum from the normal equations",
    keys: &[
        Key::int(
            "samples",
            1000,
            10,
            1_000_000,
            "training samples (validation and test: a quarter each)",
        ),
        Key::int("features", 20, 1, 1000, "input features"),
        Key::float("noise", 0.1, Range::NON_NEGATIVE, "σ of the label noise"),
        Key::float(
            "l2",
            0.0,
            Range::NON_NEGATIVE,
            "L2 penalty ½·l2·‖w‖² (bias not penalized)",
        ),
    ],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (ENTRY, config_from_params::<Linreg>, Family::SmoothConvex)
}

/// Synthetic least squares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linreg {
    /// Training samples (default 1000).
    pub samples: usize,
    /// Features (default 20).
    pub features: usize,
    /// Label noise σ (default 0.1).
    pub noise: f64,
    /// L2 penalty (default 0).
    pub l2: f64,
}

impl ProblemConfig for Linreg {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        Ok(Box::new(self.generate(seed)))
    }
}

impl Linreg {
    /// The model on the data of `seed`.
    pub fn generate(&self, seed: u64) -> DenseLinear {
        let mut rng = rng::from_seed(rng::derive_seed(seed, &[streams::DATA]));
        let d = self.features;
        let mut normal = || -> f64 { rng.sample(StandardNormal) };
        let w: Vec<f64> = (0..d).map(|_| normal()).collect();
        let b = normal();
        let rows = self.samples + 2 * (self.samples / 4);
        let mut x = Vec::with_capacity(rows * d);
        let mut y = Vec::with_capacity(rows);
        for _ in 0..rows {
            let start = x.len();
            x.extend((0..d).map(|_| normal()));
            let clean: f64 = x[start..].iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() + b;
            y.push(clean + self.noise * normal());
        }
        let data = Dataset {
            features: Matrix::new(rows, d, x),
            target: Target::Real(y),
        };
        let split = split_in_order(&data, self.samples);
        DenseLinear::new(LinearLoss::Squared, split, self.l2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Split;
    use crate::problem::testing::{dense_newton, train_full_batch};
    use crate::problem::{OptimumKind, Workspace, parse};

    /// ½·mean (w·x + b − y)² + ½·l2·‖w‖² on the raw training rows, its gradient and Hessian,
    /// written out here.
    fn objective(x: &Matrix, y: &[f64], l2: f64, theta: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
        let (d, n) = (x.cols(), y.len() as f64);
        let m = d + 1;
        let (mut f, mut g, mut h) = (0.0, vec![0.0; m], vec![0.0; m * m]);
        for (i, &yi) in y.iter().enumerate() {
            let mut row = x.row(i).to_vec();
            row.push(1.0);
            let r: f64 = row.iter().zip(theta).map(|(a, t)| a * t).sum::<f64>() - yi;
            f += 0.5 * r * r / n;
            for a in 0..m {
                g[a] += r * row[a] / n;
                for b in 0..m {
                    h[a * m + b] += row[a] * row[b] / n;
                }
            }
        }
        for j in 0..d {
            f += 0.5 * l2 * theta[j] * theta[j];
            g[j] += l2 * theta[j];
            h[j * m + j] += l2;
        }
        (f, g, h)
    }

    #[test]
    fn the_solved_optimum_matches_normal_equations_solved_here() {
        for (samples, features, noise, l2) in
            [(200, 10, 0.1, 0.0), (50, 30, 1.0, 0.3), (300, 5, 0.0, 0.0)]
        {
            let config = Linreg {
                samples,
                features,
                noise,
                l2,
            };
            let model = config.generate(7);
            let optimum = model.optimum().unwrap();
            assert_eq!(optimum.kind, OptimumKind::Solved, "{config:?}");
            assert!(optimum.gradient_norm.unwrap() <= 1e-12, "{optimum:?}");
            let train = &model.data().train;
            let Target::Real(y) = &train.target else {
                unreachable!()
            };
            // Newton on a quadratic: the first step solves the normal equations, the others
            // refine.
            let (_, reference) =
                dense_newton(model.dim(), 3, |t| objective(&train.features, y, l2, t));
            // Without noise f* is 0 up to rounding.
            assert!(
                (optimum.loss - reference).abs() <= 1e-10 * reference + 1e-25,
                "{config:?}: f* {} vs normal equations {reference}",
                optimum.loss
            );
            let mut ws = Workspace::new();
            let trained = train_full_batch(&model, "sgd:lr=0.1,momentum=0.9", 3000, 7);
            let reached = model.evaluate(&trained, Split::Train, &mut ws).loss;
            assert!(
                optimum.loss <= reached * (1.0 + 1e-14) + 1e-25,
                "{config:?}: f* {} above the reached {reached}",
                optimum.loss
            );
        }
    }

    #[test]
    fn training_reaches_the_normal_equations_solution() {
        for spec in [
            "linreg:samples=200,features=8",
            "linreg:samples=200,features=8,l2=0.5",
        ] {
            let problem = parse(spec).unwrap().config.build(2).unwrap();
            let optimum = problem.optimum().expect("least squares has a closed form");
            let exact = optimum.params.clone().unwrap();
            // The solution is stationary: the gradient over the whole training set vanishes.
            let all: Vec<usize> = (0..problem.train_len()).collect();
            let mut g = vec![0.0; problem.dim()];
            let loss = problem.loss_grad(&exact, &all, &mut g, &mut Workspace::new());
            assert!(g.iter().all(|g| g.abs() < 1e-10), "{g:?}");
            assert!((loss - optimum.loss).abs() < 1e-12);
            let trained = train_full_batch(problem.as_ref(), "sgd:lr=0.3,momentum=0.9", 2000, 2);
            for (t, e) in trained.iter().zip(&exact) {
                assert!((t - e).abs() < 1e-8, "{spec}: {trained:?} vs {exact:?}");
            }
        }
    }
}
