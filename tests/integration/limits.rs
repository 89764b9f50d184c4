//! Input limits end to end: grids over the size caps, endless or huge CSV input, values that
//! would overflow the loss, duplicate header names, bad spec values. Each is one line on
//! stderr and exit code 2, before any work; `--allow-large` passes the grid caps.

use std::fs;

use assert_cmd::Command;

fn optbench(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("optbench")
        .unwrap()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status
            .code()
            .expect("exited normally, not killed or aborted"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn one_line_exit_2((code, out, err): (i32, String, String), needles: &[&str]) {
    assert_eq!(code, 2, "stdout {out}\nstderr {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    for n in needles {
        assert!(err.contains(n), "{n}: {err}");
    }
}

const GRID: &str = "epochs = 1\ntuning_seeds = 1\nevaluation_seeds = 1\nproblems = [\"beale\"]\noptimizers = [\"sgd\"]\n[lr]\npoints = 1\nbracket = false\n";

#[test]
fn grids_over_a_cap_are_refused_before_any_work_and_allow_large_passes_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.jsonl");
    let out = out.to_str().unwrap();
    for (text, needles) in [
        (
            GRID.replace("evaluation_seeds = 1", "evaluation_seeds = 100000000"),
            &[
                "planned runs = 100000001",
                "cap of 10000000",
                "--allow-large",
            ][..],
        ),
        (
            GRID.replace("epochs = 1", "epochs = 1000000000000"),
            &["epochs = 1000000000000", "cap of 1000000", "--allow-large"][..],
        ),
        (
            GRID.replace("\"beale\"", "\"linreg:samples=1000000,features=1000\""),
            &["samples × features = 1000000000", "--allow-large"][..],
        ),
    ] {
        let grid = dir.path().join("g.toml");
        fs::write(&grid, &text).unwrap();
        let grid = grid.to_str().unwrap();
        for command in ["run", "report"] {
            one_line_exit_2(
                optbench(&[command, "--grid", grid, "--out", out, "--quiet"]),
                needles,
            );
        }
        assert!(!std::path::Path::new(out).exists(), "no work was started");
    }
    // Over the epoch cap, but allowed: the grid is accepted (and, at one run of a 2-D
    // landscape, runs).
    let grid = dir.path().join("ok.toml");
    fs::write(&grid, GRID.replace("epochs = 1", "epochs = 1000001")).unwrap();
    let (code, stdout, err) = optbench(&[
        "run",
        "--grid",
        grid.to_str().unwrap(),
        "--out",
        out,
        "--quiet",
        "--allow-large",
    ]);
    assert_eq!(code, 0, "{stdout}{err}");
}

#[test]
fn a_large_allowed_grid_prints_its_estimate_first() {
    let dir = tempfile::tempdir().unwrap();
    let grid = dir.path().join("g.toml");
    // 200001 runs: over LARGE_RUNS, under MAX_RUNS. The results file is a folder, so the
    // command fails when it opens it, after the estimate and before any run.
    fs::write(
        &grid,
        GRID.replace("evaluation_seeds = 1", "evaluation_seeds = 200000"),
    )
    .unwrap();
    let (code, _, err) = optbench(&[
        "run",
        "--grid",
        grid.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert_ne!(code, 0, "{err}");
    assert!(
        err.contains("large grid: up to 200001 runs") && err.contains("sample-gradients"),
        "{err}"
    );
}

#[test]
fn endless_csv_input_is_refused_not_allocated() {
    one_line_exit_2(
        optbench(&["describe", "--problem", "csv:path=/dev/zero,target=y"]),
        &["/dev/zero: line 1 is longer than 1048576 bytes"],
    );
}

fn csv(dir: &std::path::Path, name: &str, header: &str, row: impl Fn(usize) -> String) -> String {
    let mut s = format!("{header}\n");
    for i in 0..30 {
        s.push_str(&row(i));
        s.push('\n');
    }
    let path = dir.join(name);
    fs::write(&path, s).unwrap();
    format!("csv:path={},target=y", path.to_str().unwrap())
}

#[test]
fn csv_values_that_overflow_the_loss_and_duplicate_headers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A huge feature made `describe` print a NaN start loss and exit 0.
    let spec = csv(dir.path(), "big.csv", "a,b,y", |i| {
        format!(
            "{},{},{}",
            if i == 3 {
                "1.7e308".into()
            } else {
                i.to_string()
            },
            i % 3,
            i % 2
        )
    });
    one_line_exit_2(
        optbench(&["describe", "--problem", &spec]),
        &[
            "big.csv, line 5, column 1 ('a'): '1.7e308' is too large",
            "±1e150",
        ],
    );
    let spec = csv(dir.path(), "bigy.csv", "a,b,y", |i| {
        format!(
            "{i},{},{}",
            i % 3,
            if i == 0 {
                "1e200".into()
            } else {
                format!("{i}.5")
            }
        )
    });
    one_line_exit_2(
        optbench(&["describe", "--problem", &spec]),
        &["bigy.csv, line 2, column 3 ('y'): '1e200' is too large"],
    );
    let spec = csv(dir.path(), "dup.csv", "a,b,a,y", |i| {
        format!("{i},{},{},{}", i % 3, i % 5, i % 2)
    });
    one_line_exit_2(
        optbench(&["describe", "--problem", &spec]),
        &["dup.csv, line 1: columns 1 and 3 are both named 'a'"],
    );
    // A constant column is fine: finite start losses.
    let spec = csv(dir.path(), "const.csv", "a,b,y", |i| {
        format!("{i},5,{}", i % 2)
    });
    let (code, out, err) = optbench(&["describe", "--problem", &spec]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("NaN") && out.contains("start loss"), "{out}");
}

#[test]
fn bad_learning_rates_and_sample_counts_are_refused_at_parse_time() {
    let dir = tempfile::tempdir().unwrap();
    for (optimizer, problem, needle) in [
        (
            "sgd:lr=0",
            "beale",
            "key 'lr' = 0 is out of range; allowed: (0, inf)",
        ),
        (
            "sgd:lr=-1",
            "beale",
            "key 'lr' = -1 is out of range; allowed: (0, inf)",
        ),
        (
            "adam:lr=nan",
            "beale",
            "key 'lr' expects a finite number, got 'nan'",
        ),
        (
            "adam:lr=inf",
            "beale",
            "key 'lr' expects a finite number, got 'inf'",
        ),
        (
            "sgd",
            "linreg:samples=0",
            "key 'samples' = 0 is out of range; allowed: integer in [10, 1000000]",
        ),
    ] {
        let grid = dir.path().join("g.toml");
        fs::write(
            &grid,
            GRID.replace("\"sgd\"", &format!("\"{optimizer}\""))
                .replace("\"beale\"", &format!("\"{problem}\"")),
        )
        .unwrap();
        one_line_exit_2(
            optbench(&[
                "run",
                "--grid",
                grid.to_str().unwrap(),
                "--out",
                dir.path().join("r.jsonl").to_str().unwrap(),
            ]),
            &[needle],
        );
    }
}
