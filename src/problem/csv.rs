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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::problem::OptimumKind;

    /// A CSV file of 60 rows: features a, b and the label `rule(a, b)`.
    fn file(rule: impl Fn(f64, f64) -> String) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        writeln!(f, "a,b,label").unwrap();
        for i in 0..60 {
            let (a, b) = ((i as f64 * 0.37).sin(), (i as f64 * 0.91).cos());
            writeln!(f, "{a},{b},{}", rule(a, b)).unwrap();
        }
        f
    }

    fn optimum_kind(path: &std::path::Path, l2: f64) -> OptimumKind {
        let config = CsvProblem {
            path: path.to_string_lossy().into_owned(),
            target: "label".into(),
            l2,
        };
        let problem = config.build(1).unwrap();
        let optimum = problem.optimum().unwrap();
        assert!(optimum.loss.is_finite(), "{optimum:?}");
        optimum.kind
    }

    #[test]
    fn every_task_of_a_csv_file_gets_an_optimum() {
        // Overlapping classes (a noisy rule), a real target, three classes: all solved.
        let noisy = file(|a, b| u8::from(a + 0.3 * (b * 40.0).sin() > 0.0).to_string());
        assert_eq!(optimum_kind(noisy.path(), 0.0), OptimumKind::Solved);
        let real = file(|a, b| format!("{:.4}", 2.0 * a - b + 0.1 * (a * 50.0).sin()));
        assert_eq!(optimum_kind(real.path(), 0.0), OptimumKind::Solved);
        let three = file(|a, b| ((a + b + 2.0) as usize).min(2).to_string());
        assert_eq!(optimum_kind(three.path(), 1e-4), OptimumKind::Solved);
        // Separable classes without L2: no minimizer, an estimate.
        let separable = file(|a, _| u8::from(a > 0.0).to_string());
        assert_eq!(optimum_kind(separable.path(), 0.0), OptimumKind::Estimate);
        assert_eq!(optimum_kind(separable.path(), 1e-4), OptimumKind::Solved);
    }
}
