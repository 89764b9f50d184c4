//! The user's own CSV files (`csv:path=...,target=...`), and the parser the embedded datasets
//! share. Every error names the file, and the line and column where it applies.
//!
//! The target column decides the task: text labels, or at most [`MAX_INTEGER_CLASSES`]
//! distinct integers, are classes (two classes → logistic, more → softmax); any other numbers
//! are a real-valued target (least squares). Classes are numbered in sorted order of their
//! labels (numeric order for integers).

use std::collections::BTreeSet;
use std::io::Read;

use super::{DataError, Dataset, Matrix, Target};

/// The most columns a CSV file may have.
pub const MAX_COLUMNS: usize = 10_000;
/// An integer target with at most this many distinct values is read as classes.
pub const MAX_INTEGER_CLASSES: usize = 20;
/// The fewest data rows that can be cut into train, validation and test parts.
pub const MIN_ROWS: usize = 10;

/// Loads `path`, with `target` as the column to predict.
pub fn load_csv(path: &str, target: &str) -> Result<Dataset, DataError> {
    let file = std::fs::File::open(path).map_err(|e| DataError::Read {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    parse_csv(path, file, target)
}

/// Parses CSV text from `reader`; `name` is used in messages.
pub(crate) fn parse_csv(name: &str, reader: impl Read, target: &str) -> Result<Dataset, DataError> {
    let path = || name.to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let malformed = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line());
        DataError::Malformed {
            path: path(),
            line,
            problem: e.to_string(),
        }
    };
    let header: Vec<String> = rdr
        .headers()
        .map_err(malformed)?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(DataError::Empty {
            path: path(),
            what: "the file is empty (no header line)",
        });
    }
    if header.len() > MAX_COLUMNS {
        return Err(DataError::TooManyColumns {
            path: path(),
            found: header.len(),
            max: MAX_COLUMNS,
        });
    }
    let Some(target_col) = header.iter().position(|h| h == target) else {
        return Err(DataError::MissingTarget {
            path: path(),
            target: target.to_string(),
            columns: header.join(", "),
        });
    };
    if header.len() < 2 {
        return Err(DataError::NoFeatures {
            path: path(),
            target: target.to_string(),
        });
    }
    let features = header.len() - 1;
    let mut values = Vec::new();
    let mut raw_target = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(malformed(e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            return Err(DataError::Ragged {
                path: path(),
                line,
                expected: header.len(),
                found: record.len(),
            });
        }
        for (col, cell) in record.iter().enumerate() {
            let bad = |problem: String| DataError::BadCell {
                path: path(),
                line,
                column: col + 1,
                name: header[col].clone(),
                problem,
            };
            if col == target_col {
                if cell.is_empty() {
                    return Err(bad("empty target cell".into()));
                }
                if cell.parse::<f64>().is_ok_and(|v| !v.is_finite()) {
                    return Err(bad(format!(
                        "'{cell}': NaN and infinite targets are not allowed"
                    )));
                }
                raw_target.push(cell.to_string());
                continue;
            }
            let v = match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(_) => {
                    return Err(bad(format!(
                        "'{cell}': NaN and infinite values are not allowed"
                    )));
                }
                Err(_) if cell.is_empty() => return Err(bad("empty cell".into())),
                Err(_) => return Err(bad(format!("'{cell}' is not a number"))),
            };
            values.push(v);
        }
    }
    let rows = raw_target.len();
    if rows == 0 {
        return Err(DataError::Empty {
            path: path(),
            what: "no data rows after the header",
        });
    }
    if rows < MIN_ROWS {
        return Err(DataError::TooFewRows {
            path: path(),
            rows,
            min: MIN_ROWS,
        });
    }
    let target = infer_target(&raw_target).ok_or_else(|| DataError::SingleClass {
        path: path(),
        target: target.to_string(),
        value: raw_target[0].clone(),
    })?;
    Ok(Dataset {
        features: Matrix::new(rows, features, values),
        target,
    })
}

/// Classes or real values, from the raw target cells; `None` when there is a single value.
fn infer_target(raw: &[String]) -> Option<Target> {
    let numbers: Option<Vec<f64>> = raw.iter().map(|s| s.parse::<f64>().ok()).collect();
    match numbers {
        Some(nums) => {
            let integral = nums.iter().all(|v| v.fract() == 0.0 && v.abs() < 1e15);
            let ints: Vec<i64> = nums.iter().map(|&v| v as i64).collect();
            let distinct = ints.iter().collect::<BTreeSet<_>>().len();
            if integral && distinct <= MAX_INTEGER_CLASSES {
                classes(&ints)
            } else if nums.iter().all(|&v| v == nums[0]) {
                None
            } else {
                Some(Target::Real(nums))
            }
        }
        None => classes(raw),
    }
}

/// Numbers the sorted distinct labels 0..k and maps each sample to its class; `None` for a
/// single class.
fn classes<T: Ord>(samples: &[T]) -> Option<Target> {
    let distinct: Vec<&T> = samples
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if distinct.len() < 2 {
        return None;
    }
    let labels = samples
        .iter()
        .map(|s| distinct.partition_point(|d| *d < s))
        .collect();
    Some(Target::Classes {
        labels,
        classes: distinct.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Dataset, DataError> {
        parse_csv("t.csv", text.as_bytes(), "y")
    }

    fn rows(n: usize, f: impl Fn(usize) -> String) -> String {
        let mut s = "a,b,y\n".to_string();
        for i in 0..n {
            s.push_str(&f(i));
            s.push('\n');
        }
        s
    }

    #[test]
    fn infers_the_task_from_the_target() {
        let two = parse(&rows(10, |i| format!("{i},1,{}", i % 2))).unwrap();
        assert_eq!(two.target.class_counts(), vec![5, 5]);
        let words = parse(&rows(12, |i| format!("{i},1,{}", ["b", "a", "c"][i % 3]))).unwrap();
        // Sorted: a → 0, b → 1, c → 2; row 0 is "b".
        match &words.target {
            Target::Classes { labels, classes } => {
                assert_eq!(*classes, 3);
                assert_eq!(&labels[..3], &[1, 0, 2]);
            }
            t => panic!("{t:?}"),
        }
        let real = parse(&rows(10, |i| format!("{i},1,{}.5", i))).unwrap();
        assert!(matches!(real.target, Target::Real(_)));
        let many_ints = parse(&rows(30, |i| format!("{i},1,{i}"))).unwrap();
        assert!(matches!(many_ints.target, Target::Real(_)));
        assert_eq!(two.features.cols(), 2);
        assert_eq!(two.features.row(3), &[3.0, 1.0]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse(&rows(10, |i| {
            if i == 4 {
                "1,x,0".into()
            } else {
                format!("{i},1,{}", i % 2)
            }
        }))
        .unwrap_err()
        .to_string();
        assert_eq!(e, "t.csv, line 6, column 2 ('b'): 'x' is not a number");
        let e = parse(&rows(10, |i| {
            if i == 2 {
                "1,NaN,0".into()
            } else {
                format!("{i},1,{}", i % 2)
            }
        }))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 4, column 2 ('b'): 'NaN': NaN and infinite"),
            "{e}"
        );
        let e = parse(&rows(10, |i| {
            if i == 0 {
                "1,2".into()
            } else {
                format!("{i},1,{}", i % 2)
            }
        }))
        .unwrap_err()
        .to_string();
        assert_eq!(e, "t.csv, line 2: 2 cells, but the header has 3");
        let e = parse(&rows(10, |i| format!("{i},1,7")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("single value (7)"), "{e}");
        let e = parse("").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = parse("a,b,y\n").unwrap_err().to_string();
        assert!(e.contains("no data rows"), "{e}");
        let e = parse(&rows(3, |i| format!("{i},1,{}", i % 2)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("3 data rows; at least 10"), "{e}");
        let e = parse_csv("t.csv", "a,b\n1,2\n".as_bytes(), "y")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv, line 1: no column 'y' (columns: a, b)");
        let e = parse_csv("t.csv", "y\n1\n".as_bytes(), "y")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no feature columns"), "{e}");
        let wide = format!(
            "{},y\n",
            (0..MAX_COLUMNS)
                .map(|i| format!("c{i}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let e = parse(&wide).unwrap_err().to_string();
        assert!(e.contains("10001 columns; at most 10000"), "{e}");
    }
}
