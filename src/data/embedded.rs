//! The real datasets of `datasets/` (see its README for provenance and licenses), embedded in
//! the binary at compile time so optbench works from any directory.

use super::csv_file::parse_csv;
use super::{DataError, Dataset};

/// The embedded datasets: name and CSV text (target column `label`).
const FILES: [(&str, &str); 4] = [
    ("iris", include_str!("../../datasets/iris.csv")),
    ("wine", include_str!("../../datasets/wine.csv")),
    (
        "breast_cancer",
        include_str!("../../datasets/breast_cancer.csv"),
    ),
    ("digits", include_str!("../../datasets/digits.csv")),
];

/// Names of the embedded datasets.
pub const DATASETS: [&str; 4] = ["iris", "wine", "breast_cancer", "digits"];

/// The embedded dataset `name` (one of [`DATASETS`]).
pub fn embedded(name: &str) -> Result<Dataset, DataError> {
    let (file, text) = FILES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| DataError::Read {
            path: format!("datasets/{name}.csv"),
            reason: format!(
                "no embedded dataset '{name}' (available: {})",
                DATASETS.join(", ")
            ),
        })?;
    parse_csv(&format!("datasets/{file}.csv"), text.as_bytes(), "label")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shapes and class counts documented in datasets/README.md.
    #[test]
    fn embedded_datasets_have_the_documented_shapes() {
        let expected: [(&str, usize, usize, &[usize]); 4] = [
            ("iris", 150, 4, &[50, 50, 50]),
            ("wine", 178, 13, &[59, 71, 48]),
            ("breast_cancer", 569, 30, &[212, 357]),
            (
                "digits",
                1797,
                64,
                &[178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
            ),
        ];
        for (name, rows, cols, counts) in expected {
            let d = embedded(name).unwrap();
            assert_eq!(d.features.rows(), rows, "{name}");
            assert_eq!(d.features.cols(), cols, "{name}");
            assert_eq!(d.target.class_counts(), counts, "{name}");
        }
        assert_eq!(
            embedded("iris").unwrap().features.row(0),
            &[5.1, 3.5, 1.4, 0.2]
        );
        assert!(
            embedded("mnist")
                .unwrap_err()
                .to_string()
                .contains("available: iris")
        );
    }
}
