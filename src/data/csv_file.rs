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
/// The most bytes read from a CSV file (256 MiB: up to about 3·10^7 numbers, 0.25 GB as f64);
/// a longer file, or an endless one such as `/dev/zero`, is refused when the limit is reached.
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// The longest line (1 MiB: [`MAX_COLUMNS`] cells of about 100 characters each).
pub const MAX_LINE_BYTES: u64 = 1 << 20;
/// The largest magnitude of a feature or real-valued target. Squares of values up to 1e150 and
/// their sums over any file within [`MAX_FILE_BYTES`] stay finite (1e300 × 1.3·10^8 rows <
/// 1.8e308), so statistics, standardization and losses do not overflow; larger values are
/// refused (rescale the column).
pub const MAX_ABS_VALUE: f64 = 1e150;

/// The limit a [`Bounded`] reader hit.
#[derive(Debug)]
struct LimitHit(String);

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitHit {}

/// A reader that fails once more than [`MAX_FILE_BYTES`] in all, or more than
/// [`MAX_LINE_BYTES`] without a line break, have been read.
struct Bounded<R> {
    inner: R,
    total: u64,
    line: u64,
    line_len: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total += n as u64;
        if self.total > MAX_FILE_BYTES {
            return Err(std::io::Error::other(LimitHit(format!(
                "the file is larger than {MAX_FILE_BYTES} bytes, the most a CSV file may hold"
            ))));
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.line_len = 0;
            } else {
                self.line_len += 1;
                if self.line_len > MAX_LINE_BYTES {
                    return Err(std::io::Error::other(LimitHit(format!(
                        "line {} is longer than {MAX_LINE_BYTES} bytes, the longest line allowed",
                        self.line
                    ))));
                }
            }
        }
        Ok(n)
    }
}

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
    let reader = Bounded {
        inner: reader,
        total: 0,
        line: 1,
        line_len: 0,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let malformed = |e: csv::Error| {
        if let csv::ErrorKind::Io(io) = e.kind()
            && let Some(hit) = io.get_ref().and_then(|r| r.downcast_ref::<LimitHit>())
        {
            return DataError::TooLarge {
                path: path(),
                problem: hit.0.clone(),
            };
        }
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
    for (j, name) in header.iter().enumerate() {
        if let Some(i) = header[..j].iter().position(|h| h == name) {
            return Err(DataError::DuplicateColumn {
                path: path(),
                name: name.clone(),
                first: i + 1,
                second: j + 1,
            });
        }
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
                if cell.parse::<f64>().is_ok_and(|v| v.abs() > MAX_ABS_VALUE) {
                    return Err(bad(format!(
                        "'{cell}' is too large: targets must lie within ±{MAX_ABS_VALUE:e} (rescale the column)"
                    )));
                }
                raw_target.push(cell.to_string());
                continue;
            }
            let v = match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= MAX_ABS_VALUE => v,
                Ok(v) if v.is_finite() => {
                    return Err(bad(format!(
                        "'{cell}' is too large: values must lie within ±{MAX_ABS_VALUE:e} (rescale the column)"
                    )));
                }
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

    #[test]
    fn endless_or_huge_input_is_refused_within_the_read_limits() {
        // An endless line of NUL bytes (what /dev/zero gives) stops at the line limit.
        let e = parse_csv("zero", std::io::repeat(0), "y")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            format!("zero: line 1 is longer than {MAX_LINE_BYTES} bytes, the longest line allowed")
        );
        // Endless well-formed rows stop at the file limit.
        struct Rows;
        impl Read for Rows {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let row = b"1,2,0\n3,4,1\n";
                let n = buf.len() / row.len() * row.len();
                for chunk in buf[..n].chunks_exact_mut(row.len()) {
                    chunk.copy_from_slice(row);
                }
                Ok(n)
            }
        }
        let e = parse_csv("rows", Rows, "0").unwrap_err().to_string();
        assert!(
            e.starts_with("rows: the file is larger than 268435456 bytes"),
            "{e}"
        );
    }

    #[test]
    fn values_beyond_the_bound_are_refused_with_file_line_and_column() {
        let e = parse(&rows(10, |i| {
            if i == 3 {
                "1.7e308,1,0".into()
            } else {
                format!("{i},1,{}", i % 2)
            }
        }))
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "t.csv, line 5, column 1 ('a'): '1.7e308' is too large: values must lie within ±1e150 (rescale the column)"
        );
        let e = parse(&rows(10, |i| {
            format!("{i},1,{}", if i == 9 { "-2e151" } else { "0.5" })
        }))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 11, column 3 ('y'): '-2e151' is too large: targets"),
            "{e}"
        );
        // At the bound itself: accepted, and the statistics stay finite.
        let d = parse(&rows(10, |i| {
            format!("{},1,{}", if i == 0 { "1e150" } else { "-1e150" }, i % 2)
        }))
        .unwrap();
        let (mean, std) = d.features.column_stats();
        assert!(
            mean.iter().chain(&std).all(|v| v.is_finite()),
            "{mean:?} {std:?}"
        );
    }

    #[test]
    fn duplicate_header_names_are_refused_naming_both_columns() {
        let e = parse_csv("t.csv", "a,b,a,y\n1,2,3,0\n".as_bytes(), "y")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.csv, line 1: columns 1 and 3 are both named 'a'; column names must be unique"
        );
    }

    #[test]
    fn constant_columns_standardize_to_zero() {
        let mut d = parse(&rows(12, |i| format!("{i},5,{}", i % 2))).unwrap();
        let (mean, std) = d.features.column_stats();
        assert_eq!(std[1], 0.0);
        d.features.standardize(&mean, &std);
        assert!(d.features.as_slice().iter().all(|v| v.is_finite()));
        assert!((0..12).all(|r| d.features.row(r)[1] == 0.0));
    }
}
