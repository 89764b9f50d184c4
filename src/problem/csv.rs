//! `csv`: the user's own CSV file, `csv:path=data.csv,target=label`. The task follows the
//! target column: two classes → logistic regression, more classes → softmax regression, real
//! values → least squares (see `data::load_csv` for how the column is read). Split 60/20/20
//! (stratified for classes) and standardized with training statistics.

use serde::{Deserialize, Serialize};

use super::linear::{DenseLinear, LinearLoss};
use super::{ConfigFn, Family, Problem, ProblemConfig, config_from_params, split_dataset};
use crate::data::{DataError, load_csv};
use crate::spec::{EntryInfo, Key, Range};

const ENTRY: EntryInfo = EntryInfo {
    name: "csv",
    summary: "your own CSV file; linear, logistic or softmax by the target column",
    reference: "least squares / logistic / softmax regression",
    keys: &[
        Key::required_text(
            "path",
            "the CSV file (header line, numeric feature columns)",
        ),
        Key::text("target", "label", "name of the column to predict"),
        Key::float(
            "l2",
            1e-4,
            Range::NON_NEGATIVE,
            "L2 penalty ½·l2·‖W‖² (biases not penalized)",
        ),
    ],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (
        ENTRY,
        config_from_params::<CsvProblem>,
        Family::SmoothConvex,
    )
}

/// A linear model on the user's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvProblem {
    /// The file.
    pub path: String,
    /// The column to predict (default "label").
    pub target: String,
    /// L2 penalty (default 1e-4).
    pub l2: f64,
}

impl ProblemConfig for CsvProblem {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        let data = load_csv(&self.path, &self.target)?;
        let loss = LinearLoss::for_target(&data.target);
        Ok(Box::new(DenseLinear::new(
            loss,
            split_dataset(&data, seed),
            self.l2,
        )))
    }

    fn needs_file(&self) -> bool {
        true
    }
}
