//! `softmax`: multinomial logistic regression on a named dataset (default iris), split 60/20/20
//! by class and standardized with training statistics. Smooth and convex.

use serde::{Deserialize, Serialize};

use super::linear::{DenseLinear, LinearLoss};
use super::{ConfigFn, Family, Problem, ProblemConfig, config_from_params, split_named_dataset};
use crate::data::{DataError, NAMED_DATASETS};
use crate::spec::{EntryInfo, Key, Range};

const ENTRY: EntryInfo = EntryInfo {
    name: "softmax",
    summary: "multinomial logistic regression on a real dataset (smooth convex)",
    reference: "softmax regression, cross-entropy loss",
    keys: &[
        Key::choice(
            "dataset",
            "iris",
            &NAMED_DATASETS,
            "data (see datasets/README.md)",
        ),
        Key::float(
            "l2",
            1e-4,
            Range::NON_NEGATIVE,
            "L2 penalty ½·l2·‖W‖² (biases not penalized)",
        ),
    ],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (ENTRY, config_from_params::<Softmax>, Family::SmoothConvex)
}

/// Softmax regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Softmax {
    /// Dataset name (default iris).
    pub dataset: String,
    /// L2 penalty (default 1e-4).
    pub l2: f64,
}

impl ProblemConfig for Softmax {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        let split = split_named_dataset(&self.dataset, seed)?;
        let loss = match LinearLoss::for_target(&split.train.target) {
            // Two classes are still written as a K = 2 softmax here.
            LinearLoss::Logistic => LinearLoss::Softmax { classes: 2 },
            other => other,
        };
        Ok(Box::new(DenseLinear::new(loss, split, self.l2)))
    }
}
