//! Data problems through the command line: the user's CSV files (every error names file, line
//! and column, exit code 2, never a panic) and the named datasets.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn describe(problem: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("optbench")
        .unwrap()
        .args(["describe", "--problem", problem])
        .output()
        .unwrap();
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes `text` to `name` in `dir` and returns the spec `csv:path=...,target=y`.
fn csv_spec(dir: &Path, name: &str, text: &str) -> (String, String) {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    (format!("csv:path={path},target=y"), path)
}

/// Twelve good rows `a,b,y` with the given target per row.
fn rows(target: impl Fn(usize) -> String) -> String {
    let mut s = String::from("a,b,y\n");
    for i in 0..12 {
        s.push_str(&format!("{},{},{}\n", i, (i * 7) % 5, target(i)));
    }
    s
}

#[test]
fn csv_task_follows_the_target_column() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, task) in [
        (
            "two.csv",
            rows(|i| (i % 2).to_string()),
            "logistic regression (2 classes)",
        ),
        (
            "three.csv",
            rows(|i| ["x", "y", "z"][i % 3].to_string()),
            "softmax regression (3 classes)",
        ),
        (
            "real.csv",
            rows(|i| format!("{}.25", i * 3)),
            "least squares",
        ),
    ] {
        let (spec, _) = csv_spec(dir.path(), name, &text);
        let (code, out, err) = describe(&spec);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains(task), "{name}: {out}");
        assert!(out.contains("train /"), "{out}");
    }
}

#[test]
fn csv_errors_name_file_line_and_column_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = rows(|i| (i % 2).to_string());
    let replace_line = |n: usize, with: &str| {
        let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
        lines[n - 1] = with.to_string();
        lines.join("\n") + "\n"
    };
    let wide = format!(
        "{},y\n",
        (0..10_000)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: Vec<(&str, String, String)> = vec![
        (
            "text.csv",
            replace_line(5, "3,abc,1"),
            "line 5, column 2 ('b'): 'abc' is not a number".into(),
        ),
        (
            "nan.csv",
            replace_line(4, "NaN,1,0"),
            "line 4, column 1 ('a'): 'NaN': NaN and infinite values are not allowed".into(),
        ),
        (
            "inf.csv",
            replace_line(3, "1,inf,0"),
            "line 3, column 2 ('b'): 'inf': NaN and infinite".into(),
        ),
        (
            "empty_cell.csv",
            replace_line(6, "1,,0"),
            "line 6, column 2 ('b'): empty cell".into(),
        ),
        (
            "ragged.csv",
            replace_line(7, "1,2,0,9"),
            "line 7: 4 cells, but the header has 3".into(),
        ),
        ("empty.csv", String::new(), "the file is empty".into()),
        (
            "header.csv",
            "a,b,y\n".into(),
            "no data rows after the header".into(),
        ),
        (
            "single.csv",
            rows(|_| "1".into()),
            "target column 'y' has a single value (1)".into(),
        ),
        (
            "notarget.csv",
            good.replace("a,b,y", "a,b,label"),
            "line 1: no column 'y' (columns: a, b, label)".into(),
        ),
        (
            "wide.csv",
            wide,
            "10001 columns; at most 10000 are accepted".into(),
        ),
        (
            "short.csv",
            "a,b,y\n1,2,0\n2,3,1\n".into(),
            "2 data rows; at least 10".into(),
        ),
    ];
    for (name, text, needle) in cases {
        let (spec, path) = csv_spec(dir.path(), name, &text);
        let (code, out, err) = describe(&spec);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(&path),
            "{name}: error does not name the file: {err}"
        );
        assert!(err.contains(&needle), "{name}: {err}");
        assert!(!err.contains("panicked"));
    }
    let missing = dir.path().join("missing.csv");
    let (code, _, err) = describe(&format!("csv:path={}", missing.display()));
    assert_eq!(code, 2);
    assert!(err.contains("missing.csv: cannot read"), "{err}");
}

#[test]
fn unknown_dataset_lists_the_available_ones() {
    let (code, _, err) = describe("mlp:dataset=mnist");
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "unknown dataset 'mnist'; valid: iris, wine, breast_cancer, digits, moons, spirals"
        ),
        "{err}"
    );
    let (_, _, err) = describe("softmax:dataset=iriss");
    assert!(err.contains("did you mean iris?"), "{err}");
}

#[test]
fn named_datasets_describe_their_sizes() {
    for (spec, needle) in [
        (
            "softmax",
            "90 train / 30 validation / 30 test samples, 4 features, 15 parameters, 3 classes",
        ),
        (
            "softmax:dataset=wine",
            "106 train / 36 validation / 36 test samples, 13 features",
        ),
        (
            "mlp",
            "1079 train / 359 validation / 359 test samples, 64 features, 2410 parameters, 10 classes",
        ),
        (
            "logreg2d",
            "1152 train / 288 validation / 288 test samples, 2 features, 3 parameters",
        ),
        ("sparse_logreg", "5000 features, 5001 parameters"),
    ] {
        let (code, out, err) = describe(spec);
        assert_eq!(code, 0, "{spec}: {err}");
        assert!(out.contains(needle), "{spec}: {out}");
    }
}
