//! `logreg2d`: the lecture's logistic regression (perceptron) table. X ~ U[0,1]², 1152
//! training rows (288 validation, 288 test), labelled by a noisy linear rule:
//! P(y = 1 | x) = σ(10·(x₀ + x₁ − 1)), so the true boundary is x₀ + x₁ = 1 and points near it
//! are often mislabelled. Features are used as drawn (not standardized), as in the lecture.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use super::linear::{DenseLinear, LinearLoss, sigmoid};
use super::{
    ConfigFn, Family, Problem, ProblemConfig, config_from_params, split_in_order, streams,
};
use crate::data::{DataError, Dataset, Matrix, Target};
use crate::rng;
use crate::spec::{EntryInfo, Key, Range};

/// Training rows, as in the lecture's table.
pub const TRAIN_ROWS: usize = 1152;
/// Validation and test rows each.
pub const HELD_OUT_ROWS: usize = 288;
/// Steepness of the labelling rule.
pub const LABEL_SHARPNESS: f64 = 10.0;

const ENTRY: EntryInfo = EntryInfo {
    name: "logreg2d",
    summary: "the lecture's table: X ~ U[0,1]², 1152 rows, noisy linear labels (smooth convex)",
    reference: "logistic regression; P(y=1|x) = σ(10(x0 + x1 - 1))",
    keys: &[Key::float(
        "l2",
        0.0,
        Range::NON_NEGATIVE,
        "L2 penalty ½·l2·‖w‖² (bias not penalized)",
    )],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (ENTRY, config_from_params::<Logreg2d>, Family::SmoothConvex)
}

/// The lecture's 2-D logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logreg2d {
    /// L2 penalty (default 0).
    pub l2: f64,
}

impl ProblemConfig for Logreg2d {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        Ok(Box::new(self.generate(seed)))
    }
}

impl Logreg2d {
    /// The model on the data of `seed`.
    pub fn generate(&self, seed: u64) -> DenseLinear {
        let mut rng = rng::from_seed(rng::derive_seed(seed, &[streams::DATA]));
        let rows = TRAIN_ROWS + 2 * HELD_OUT_ROWS;
        let mut x = Vec::with_capacity(2 * rows);
        let mut labels = Vec::with_capacity(rows);
        for _ in 0..rows {
            let (a, b): (f64, f64) = (rng.random(), rng.random());
            let p = sigmoid(LABEL_SHARPNESS * (a + b - 1.0));
            let u: f64 = rng.random();
            x.extend_from_slice(&[a, b]);
            labels.push(usize::from(u < p));
        }
        let data = Dataset {
            features: Matrix::new(rows, 2, x),
            target: Target::Classes { labels, classes: 2 },
        };
        let split = split_in_order(&data, TRAIN_ROWS);
        DenseLinear::new(LinearLoss::Logistic, split, self.l2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Split;
    use crate::problem::testing::train_full_batch;
    use crate::problem::{OptimumKind, Workspace};

    /// Newton's method on the raw data, written out here: gradient and Hessian of the mean
    /// log-loss in θ = (w0, w1, b).
    fn newton(data: &Dataset, l2: f64) -> [f64; 3] {
        let Target::Classes { labels, .. } = &data.target else {
            unreachable!()
        };
        let n = data.len() as f64;
        let mut theta = [0.0; 3];
        for _ in 0..50 {
            let mut g = [0.0; 3];
            let mut h = [[0.0; 3]; 3];
            for (i, &y) in labels.iter().enumerate() {
                let x = data.features.row(i);
                let xt = [x[0], x[1], 1.0];
                let z: f64 = (0..3).map(|k| theta[k] * xt[k]).sum();
                let p = 1.0 / (1.0 + (-z).exp());
                for a in 0..3 {
                    g[a] += (p - y as f64) * xt[a] / n;
                    for b in 0..3 {
                        h[a][b] += p * (1.0 - p) * xt[a] * xt[b] / n;
                    }
                }
            }
            for a in 0..2 {
                g[a] += l2 * theta[a];
                h[a][a] += l2;
            }
            // Solve h·δ = g by Cramer's rule (3×3).
            let det = |m: [[f64; 3]; 3]| {
                m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                    - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                    + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
            };
            let d = det(h);
            let mut step = [0.0; 3];
            for (k, s) in step.iter_mut().enumerate() {
                let mut m = h;
                for r in 0..3 {
                    m[r][k] = g[r];
                }
                *s = det(m) / d;
            }
            for k in 0..3 {
                theta[k] -= step[k];
            }
        }
        theta
    }

    /// The mean log-loss plus ½·l2·‖w‖² on the raw data, written out here.
    fn objective(data: &Dataset, l2: f64, theta: &[f64; 3]) -> f64 {
        let Target::Classes { labels, .. } = &data.target else {
            unreachable!()
        };
        let mut sum = 0.0;
        for (i, &y) in labels.iter().enumerate() {
            let x = data.features.row(i);
            let z = theta[0] * x[0] + theta[1] * x[1] + theta[2];
            sum += (1.0 + z.exp()).ln() - y as f64 * z;
        }
        sum / labels.len() as f64 + 0.5 * l2 * (theta[0] * theta[0] + theta[1] * theta[1])
    }

    #[test]
    fn training_reaches_the_newton_optimum() {
        for l2 in [0.0, 0.01] {
            let model = Logreg2d { l2 }.generate(4);
            let exact = newton(&model.data().train, l2);
            // The labelling rule's boundary x0 + x1 = 1 is recovered roughly.
            assert!((exact[0] / exact[1] - 1.0).abs() < 0.3, "{exact:?}");
            let trained = train_full_batch(&model, "rprop:lr=0.01,step_min=1e-12", 3000, 4);
            for k in 0..3 {
                assert!(
                    (trained[k] - exact[k]).abs() <= 1e-6 * exact[k].abs().max(1.0),
                    "l2 = {l2}: trained {trained:?} vs Newton {exact:?}"
                );
            }
        }
    }

    #[test]
    fn the_solved_optimum_matches_an_independent_newton_solve() {
        for (seed, l2) in [(4, 0.0), (4, 0.01), (9, 0.0), (9, 1.0)] {
            let model = Logreg2d { l2 }.generate(seed);
            let optimum = model.optimum().unwrap();
            assert_eq!(optimum.kind, OptimumKind::Solved);
            let reference = objective(&model.data().train, l2, &newton(&model.data().train, l2));
            assert!(
                (optimum.loss - reference).abs() <= 1e-10 * reference,
                "seed {seed}, l2 = {l2}: f* {} vs Newton {reference}",
                optimum.loss
            );
            assert!(optimum.gradient_norm.unwrap() <= 1e-8, "{optimum:?}");
            // No optimizer run from the start gets below it (beyond the rounding of f, 1e-14;
            // rprop ends within an ulp of f*).
            let mut ws = Workspace::new();
            for optimizer in ["rprop:lr=0.01,step_min=1e-12", "adam:lr=0.05"] {
                let trained = train_full_batch(&model, optimizer, 3000, seed);
                let reached = model.evaluate(&trained, Split::Train, &mut ws).loss;
                assert!(
                    optimum.loss <= reached * (1.0 + 1e-14),
                    "{optimizer}: f* {} above the reached {reached}",
                    optimum.loss
                );
            }
        }
    }
}
