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
        Ok(Box::new(DenseLinear::new(
            LinearLoss::Logistic,
            split,
            self.l2,
        )))
    }
}
