//! Data for the data problems (listed in `docs/reference.md`): tables of features with a target, the embedded real
//! datasets, synthetic generators, the user's CSV files, deterministic splits and
//! standardization with training statistics.
//!
//! Randomness (synthetic draws, splits) comes only from [`crate::rng`] streams derived from the
//! seed it is given, so the same (spec, seed) gives bit-identical data on any machine with the
//! same floating-point library.
//!
//! May use: `num`, `rng`, `spec`.

mod csv_file;
mod embedded;
mod error;
mod sparse;
mod split;
pub mod synthetic;

pub use csv_file::{MAX_COLUMNS, load_csv};
pub use embedded::{DATASETS, embedded};
pub use error::DataError;
pub use sparse::SparseMatrix;
pub use split::{Splits, split_rows};

/// Every dataset a data problem can name: the embedded real ones, then the synthetic ones.
pub const NAMED_DATASETS: [&str; 6] = [
    "iris",
    "wine",
    "breast_cancer",
    "digits",
    "moons",
    "spirals",
];

/// The dataset `name` (one of [`NAMED_DATASETS`]); synthetic ones are drawn from the stream
/// `seed`, embedded ones ignore it.
pub fn named(name: &str, seed: u64) -> Result<Dataset, DataError> {
    match name {
        "moons" => Ok(synthetic::moons(&mut crate::rng::from_seed(seed))),
        "spirals" => Ok(synthetic::spirals(&mut crate::rng::from_seed(seed))),
        _ => embedded(name),
    }
}

/// A dense row-major matrix of f64.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    rows: usize,
    cols: usize,
    data: Vec<f64>,
}

impl Matrix {
    /// A matrix from row-major values; `data.len()` must be `rows·cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<f64>) -> Matrix {
        assert_eq!(data.len(), rows * cols, "matrix shape");
        Matrix { rows, cols, data }
    }

    /// Number of rows (samples).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns (features).
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// All values, row-major.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }

    /// The rows at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Matrix {
        let mut data = Vec::with_capacity(indices.len() * self.cols);
        for &i in indices {
            data.extend_from_slice(self.row(i));
        }
        Matrix::new(indices.len(), self.cols, data)
    }

    /// Per-column mean and standard deviation (population).
    pub fn column_stats(&self) -> (Vec<f64>, Vec<f64>) {
        let n = self.rows.max(1) as f64;
        let mut mean = vec![0.0; self.cols];
        for r in 0..self.rows {
            for (m, v) in mean.iter_mut().zip(self.row(r)) {
                *m += v;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0; self.cols];
        for r in 0..self.rows {
            for ((s, v), m) in var.iter_mut().zip(self.row(r)).zip(&mean) {
                *s += (v - m) * (v - m);
            }
        }
        let std = var.iter().map(|s| (s / n).sqrt()).collect();
        (mean, std)
    }

    /// Applies (x − mean)/std per column; a constant column (std = 0) is only centered.
    pub fn standardize(&mut self, mean: &[f64], std: &[f64]) {
        for row in self.data.chunks_exact_mut(self.cols) {
            for ((v, m), s) in row.iter_mut().zip(mean).zip(std) {
                *v = (*v - m) / if *s > 0.0 { *s } else { 1.0 };
            }
        }
    }
}

/// What a dataset predicts.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Class indices 0..classes.
    Classes {
        /// Each row's class index.
        labels: Vec<usize>,
        /// Number of classes.
        classes: usize,
    },
    /// Real values (regression).
    Real(Vec<f64>),
}

impl Target {
    /// Number of samples.
    pub fn len(&self) -> usize {
        match self {
            Target::Classes { labels, .. } => labels.len(),
            Target::Real(values) => values.len(),
        }
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The targets at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Target {
        match self {
            Target::Classes { labels, classes } => Target::Classes {
                labels: indices.iter().map(|&i| labels[i]).collect(),
                classes: *classes,
            },
            Target::Real(values) => Target::Real(indices.iter().map(|&i| values[i]).collect()),
        }
    }

    /// Samples per class (empty for real targets).
    pub fn class_counts(&self) -> Vec<usize> {
        match self {
            Target::Classes { labels, classes } => {
                let mut counts = vec![0; *classes];
                for &l in labels {
                    counts[l] += 1;
                }
                counts
            }
            Target::Real(_) => Vec::new(),
        }
    }
}

/// Dense features and their target.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// One row per sample.
    pub features: Matrix,
    /// One target per sample.
    pub target: Target,
}

impl Dataset {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.features.rows()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The samples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Dataset {
        Dataset {
            features: self.features.select(indices),
            target: self.target.select(indices),
        }
    }
}

/// A dataset cut into train / validation / test parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitData {
    /// Training rows.
    pub train: Dataset,
    /// Validation rows.
    pub validation: Dataset,
    /// Test rows.
    pub test: Dataset,
}

impl SplitData {
    /// Splits `data` by `splits`, then standardizes every part with the mean and standard
    /// deviation of the training part only.
    pub fn standardized(data: &Dataset, splits: &Splits) -> SplitData {
        let mut parts = SplitData {
            train: data.select(&splits.train),
            validation: data.select(&splits.validation),
            test: data.select(&splits.test),
        };
        let (mean, std) = parts.train.features.column_stats();
        for part in [&mut parts.train, &mut parts.validation, &mut parts.test] {
            part.features.standardize(&mean, &std);
        }
        parts
    }

    /// The part for `split`.
    pub fn part(&self, split: Split) -> &Dataset {
        match split {
            Split::Train => &self.train,
            Split::Validation => &self.validation,
            Split::Test => &self.test,
        }
    }
}

/// The three parts of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The training part.
    Train,
    /// The validation part.
    Validation,
    /// The test part.
    Test,
}

impl Split {
    /// All three, in order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standardizes_with_training_statistics_only() {
        let data = Dataset {
            features: Matrix::new(4, 2, vec![1.0, 5.0, 3.0, 5.0, 10.0, 0.0, 20.0, 0.0]),
            target: Target::Real(vec![0.0, 1.0, 2.0, 3.0]),
        };
        let splits = Splits {
            train: vec![0, 1],
            validation: vec![2],
            test: vec![3],
        };
        let s = SplitData::standardized(&data, &splits);
        // Train column 0: mean 2, std 1 → −1, 1; column 1 is constant → centered only.
        assert_eq!(s.train.features.as_slice(), &[-1.0, 0.0, 1.0, 0.0]);
        assert_eq!(s.validation.features.as_slice(), &[8.0, -5.0]);
        assert_eq!(s.test.features.as_slice(), &[18.0, -5.0]);
        assert_eq!(s.test.target, Target::Real(vec![3.0]));
    }
}
