//! The command line as a user meets it: `trace` output and every kind of bad input.

use assert_cmd::Command;

fn optbench() -> Command {
    Command::cargo_bin("optbench").unwrap()
}

/// Runs optbench and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = optbench().args(args).output().unwrap();
    (
        out.status.code().expect("exited normally, not by a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn trace(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["trace"];
    args.extend_from_slice(extra);
    run(&args)
}

fn parse_row(line: &str) -> Vec<f64> {
    line.split(',').map(|v| v.parse::<f64>().unwrap()).collect()
}

#[test]
fn trace_prints_header_and_one_row_per_update() {
    let (code, out, err) = trace(&[
        "--problem",
        "rosenbrock",
        "--optimizer",
        "adam:lr=0.01",
        "--steps",
        "500",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "step,lr,loss,x0,x1");
    assert_eq!(lines.len(), 502);
    // Row 0: the default start (-1.2, 1), f there, and the lr update 1 will use.
    assert_eq!(lines[1], "0,0.01,24.199999999999996,-1.2,1.0");
    for (t, line) in lines[1..].iter().enumerate() {
        let row = parse_row(line);
        assert_eq!(row.len(), 5, "{line}");
        assert_eq!(row[0], t as f64);
        assert_eq!(row[1], 0.01);
        // The loss column is f(x0, x1) of the same row.
        let (x, y) = (row[3], row[4]);
        let f = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
        assert!((row[2] - f).abs() <= 1e-12 * f.max(1e-12), "{line}");
    }
    // Adam makes progress along the ravine on this budget.
    let last = parse_row(lines[501]);
    assert!(last[2] < 24.2 / 5.0, "{}", lines[501]);
}

#[test]
fn trace_numbers_are_shortest_round_trip() {
    let (_, out, _) = trace(&[
        "--problem",
        "quadratic",
        "--optimizer",
        "sgd:lr=0.1",
        "--steps",
        "3",
    ]);
    // x1 = 1 − 0.1·1 = 0.9; y1 = 1 − 0.1·10 in one fused rounding (as torch's SGD step) keeps
    // the representation error of 0.1: −2^−54. Shortest forms: "0.9", "-5.551115123125783e-17".
    assert_eq!(
        out.lines().nth(2).unwrap(),
        "1,0.1,0.405,0.9,-5.551115123125783e-17"
    );
}

#[test]
fn trace_lr_column_follows_the_schedule_with_row_zero_holding_update_one() {
    let (code, out, _) = trace(&[
        "--problem",
        "quadratic",
        "--optimizer",
        "sgd:lr=0.1",
        "--steps",
        "4",
        "--schedule",
        "exponential:gamma=0.5",
    ]);
    assert_eq!(code, 0);
    let lrs: Vec<f64> = out.lines().skip(1).map(|l| parse_row(l)[1]).collect();
    assert_eq!(lrs, vec![0.1, 0.1, 0.05, 0.025, 0.0125]);
    // warmup_cosine starts from 0 (budget = --steps = 20, W = 1).
    let (_, out, _) = trace(&[
        "--problem",
        "beale",
        "--optimizer",
        "adam",
        "--steps",
        "20",
        "--schedule",
        "warmup_cosine",
    ]);
    let rows: Vec<Vec<f64>> = out.lines().skip(1).map(parse_row).collect();
    assert_eq!(rows[0][1], 0.0);
    assert_eq!(rows[1][1], 0.0);
    assert_eq!(rows[2][1], 0.001);
    assert_eq!(&rows[0][3..], &rows[1][3..], "an lr of 0 does not move");
}

#[test]
fn start_accepts_negative_numbers_in_both_forms() {
    let base = [
        "--problem",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--steps",
        "3",
    ];
    let (_, default, _) = trace(&base);
    for form in [&["--start", "-1.2,1.0"][..], &["--start=-1.2,1.0"][..]] {
        let mut args = base.to_vec();
        args.extend_from_slice(form);
        let (code, out, err) = trace(&args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, default);
    }
    let mut args = base.to_vec();
    args.extend_from_slice(&["--start", "-0.5,-0.25"]);
    let (code, out, _) = trace(&args);
    assert_eq!(code, 0);
    assert!(out.lines().nth(1).unwrap().ends_with(",-0.5,-0.25"));
}

#[test]
fn trace_header_has_one_column_per_coordinate() {
    let (code, out, _) = trace(&[
        "--problem",
        "rosenbrock:dim=4",
        "--optimizer",
        "adam",
        "--steps",
        "2",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().next().unwrap(), "step,lr,loss,x0,x1,x2,x3");
    assert!(out.lines().nth(1).unwrap().ends_with(",-1.2,1.0,-1.2,1.0"));
}

#[test]
fn diverging_trace_stops_after_first_non_finite_row_and_exits_zero() {
    let (code, out, err) = trace(&[
        "--problem",
        "rosenbrock",
        "--optimizer",
        "sgd:lr=1",
        "--steps",
        "100",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() < 102, "stopped early");
    let non_finite = |l: &str| {
        l.split(',')
            .any(|v| v == "inf" || v == "-inf" || v == "NaN")
    };
    assert!(
        non_finite(lines.last().unwrap()),
        "{}",
        lines.last().unwrap()
    );
    assert!(lines[1..lines.len() - 1].iter().all(|l| !non_finite(l)));
}

/// Every kind of bad input: exit code 2, one line on stderr naming the problem, nothing on
/// stdout, never a panic.
#[test]
fn bad_input_gets_one_line_error_and_exit_code_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--optimizer", "adma"],
            "unknown optimizer 'adma' (did you mean adam?); valid optimizers: sgd, momentum, adagrad",
        ),
        (
            &["--schedule", "cosin"],
            "unknown schedule 'cosin' (did you mean cosine?)",
        ),
        (
            &["--problem", "rosenbrok"],
            "unknown problem 'rosenbrok' (did you mean rosenbrock?)",
        ),
        (
            &["--optimizer", "adam:lrr=0.1"],
            "unknown key 'lrr' for optimizer 'adam' (did you mean lr?); valid keys: lr, beta1, beta2, eps, weight_decay, amsgrad",
        ),
        (
            &["--optimizer", "adam:lr=0"],
            "key 'lr' = 0 is out of range; allowed: (0, inf)",
        ),
        (
            &["--optimizer", "adam:beta1=1"],
            "key 'beta1' = 1 is out of range; allowed: [0, 1)",
        ),
        (
            &["--optimizer", "rmsprop:eps=-1"],
            "key 'eps' = -1 is out of range; allowed: [0, inf)",
        ),
        (
            &["--optimizer", "adam:lr=1e-3x"],
            "key 'lr' expects a finite number, got '1e-3x'",
        ),
        (
            &["--optimizer", "adam:amsgrad=yes"],
            "key 'amsgrad' expects true or false",
        ),
        (
            &["--optimizer", "ars:directions=2.5"],
            "key 'directions' expects an integer",
        ),
        (
            &["--optimizer", "ars:directions=4,top=5"],
            "top (5) must not exceed directions (4)",
        ),
        (
            &["--optimizer", "sgd:nesterov=true"],
            "nesterov=true needs momentum > 0",
        ),
        (
            &["--problem", "quadratic:dim=1"],
            "key 'dim' = 1 is out of range",
        ),
        (
            &["--problem", "beale:dim=3"],
            "unknown key 'dim' for problem 'beale'; valid keys: noise",
        ),
        (
            &["--problem", "mlp"],
            "trace draws a trajectory on an analytic landscape",
        ),
        (&["--problem", "csv"], "problem 'csv' needs key 'path'"),
        (
            &["--schedule", "plateau:patience=-1"],
            "key 'patience' = -1 is out of range",
        ),
        (&["--optimizer", ""], "empty optimizer specification"),
        (&["--problem", ""], "empty problem specification"),
        (&["--schedule", ""], "empty schedule specification"),
        (&["--optimizer", "adam:lr=0.1,"], "stray ','"),
        (&["--optimizer", "adam:,lr=0.1"], "stray ','"),
        (&["--optimizer", "adam::lr=0.1"], "stray ':'"),
        (&["--optimizer", "adam:lr=0.1:beta1=0.9"], "stray ':'"),
        (&["--optimizer", "adam:"], "nothing after ':'"),
        (&["--optimizer", "adam:lr"], "'lr' is not key=value"),
        (
            &["--start", "1,2,3"],
            "--start has 3 coordinates but rosenbrock",
        ),
        (&["--start", "1"], "--start has 1 coordinate but"),
        (&["--start", "1,,2"], "--start '1,,2': stray ','"),
        (&["--start", "1,"], "stray ','"),
        (&["--start", "a,1"], "'a' is not a finite number"),
        (&["--start", "nan,1"], "'nan' is not a finite number"),
        (&["--start", ""], "--start '': empty"),
        (
            &["--steps", "0"],
            "--steps 0: must be between 1 and 1000000",
        ),
        (&["--steps", "1000001"], "must be between 1 and 1000000"),
        (&["--steps", "99999999999999999999999"], "invalid value"),
        (&["--steps", "abc"], "invalid value 'abc' for '--steps <N>'"),
        (&["--steps", "-5"], "'-5'"),
        (&["--steps", "1.5"], "invalid value '1.5'"),
        (&["--seed", "x"], "invalid value 'x' for '--seed <N>'"),
    ];
    for (overrides, needle) in cases {
        // Defaults that are valid, then the one bad value (a later flag would repeat it, so
        // replace instead).
        let mut args: Vec<&str> = vec!["trace"];
        let mut base = vec![
            ("--problem", "rosenbrock"),
            ("--optimizer", "sgd"),
            ("--steps", "3"),
        ];
        let flag = overrides[0];
        base.retain(|(f, _)| *f != flag);
        for (f, v) in &base {
            args.push(f);
            args.push(v);
        }
        args.extend_from_slice(overrides);
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{overrides:?}: exit {code}, stderr {err}");
        assert!(out.is_empty(), "{overrides:?}: wrote to stdout: {out}");
        assert_eq!(err.lines().count(), 1, "{overrides:?}: not one line: {err}");
        assert!(err.contains(needle), "{overrides:?}: {err}");
        assert!(err.starts_with("error:"), "{overrides:?}: {err}");
        assert!(!err.contains("panicked"), "{overrides:?}: {err}");
    }
}

#[test]
fn missing_arguments_and_unknown_commands_are_usage_errors() {
    for args in [
        &["trace", "--problem", "beale", "--optimizer", "adam"][..],
        &["frobnicate"][..],
        &["list", "widgets"][..],
        &[
            "trace",
            "--problem",
            "beale",
            "--optimizer",
            "adam",
            "--steps",
            "2",
            "--bogus",
        ][..],
    ] {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn help_and_version_exit_zero() {
    for args in [
        &["--help"][..],
        &["trace", "--help"][..],
        &["--version"][..],
    ] {
        let (code, out, _) = run(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(!out.is_empty());
    }
}

#[test]
fn list_shows_keys_defaults_ranges_and_descriptions() {
    let (code, out, _) = run(&["list"]);
    assert_eq!(code, 0);
    for needle in [
        "Optimizers:",
        "Schedules",
        "Problems (sizes at the default keys, seed 0):",
        "reference: torch.optim.Adam",
        "amsgrad=false",
        "lr=0.002",
        "beta2=0.999",
        "[0, 1)",
        "t_max=<epoch budget>",
        "top=<directions>",
        "kappa=10.0",
        "Chen et al. 2023",
        "min_lr=0.0",
    ] {
        assert!(out.contains(needle), "list lacks {needle}");
    }
    for needle in [
        "character: sparse features",
        "1152 train / 288 validation / 288 test samples, 2 features, 3 parameters, 2 classes",
        "character: neural network",
        "Batch modes",
        "minibatch",
        "size=128",
    ] {
        assert!(out.contains(needle), "list lacks {needle}");
    }
    let (_, only, _) = run(&["list", "schedules"]);
    assert!(only.contains("warmup_cosine") && !only.contains("Optimizers:"));
}

/// `optbench timing` measures every listed update; its JSON is the report's timing.json.
#[test]
fn timing_pass_measures_every_rule() {
    let o = Command::cargo_bin("optbench")
        .unwrap()
        .args(["timing", "--dim", "1000", "--repeats", "1", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pass: optbench::timing::TimingPass = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(pass.dim, 1000);
    let specs: Vec<&str> = pass.costs.iter().map(|c| c.spec.as_str()).collect();
    assert_eq!(specs, optbench::timing::MEASURED_RULES);
    assert!(pass.bandwidth.bytes_per_second > 0.0);
    // Too large a dimension is refused before anything is allocated (10⁹ would need 40 GB).
    for bad in [
        ["--dim", "0"],
        ["--dim", "100000001"],
        ["--repeats", "0"],
        ["--dim", "x"],
    ] {
        let o = Command::cargo_bin("optbench")
            .unwrap()
            .arg("timing")
            .args(bad)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
    }
}

/// `optbench timing --out FILE` records the pass it prints, as the JSON `render --timing`
/// reads; a FILE that cannot be written is refused before anything is measured or written.
#[test]
fn timing_out_records_the_pass_and_refuses_a_bad_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pass.timing.json");
    let o = Command::cargo_bin("optbench")
        .unwrap()
        .args([
            "timing",
            "--dim",
            "1000",
            "--repeats",
            "1",
            "--json",
            "--out",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The file is what --json printed, byte for byte.
    assert_eq!(std::fs::read(&file).unwrap(), o.stdout);
    let pass: optbench::timing::TimingPass = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(pass.dim, 1000);
    assert_eq!(pass.machine, Some(optbench::timing::machine()));
    assert_eq!(optbench::timing::file::read(&file).unwrap(), pass);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "a temporary file is left"
    );

    for bad in [
        dir.path().join("missing/pass.json"),
        dir.path().to_path_buf(),
    ] {
        let o = Command::cargo_bin("optbench")
            .unwrap()
            .args(["timing", "--dim", "1000", "--repeats", "1", "--out"])
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(o.stdout.is_empty(), "measured before refusing {bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(&bad.display().to_string()), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
