//! Numerical safety as a property: whatever the problem, optimizer and learning rate (1e-12 to
//! 1e12), and whatever extreme data (huge and tiny values, constant columns), no NaN, infinity
//! or `null` standing for one reaches the results file, `findings.json` or a page. Divergence is
//! data: recorded as such, never a non-finite number.
//!
//! Cases come from `OPTBENCH_FUZZ_CASES` (default 6: each case runs and renders a small report,
//! about a second).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config() -> Config {
    let cases = std::env::var("OPTBENCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(6, |c| c.clamp(1, 200));
    Config {
        cases,
        max_shrink_iters: 50,
        ..Config::default()
    }
}

/// Every built-in optimizer, in the registry's order (so a new one is drawn too).
fn optimizers() -> Vec<&'static str> {
    optbench::optim::entries().map(|e| e.name).collect()
}

/// A CSV of 40 rows: a huge column (±scale), a tiny one (±1/scale), a constant one, and a
/// regression target of the huge column's size.
fn extreme_csv(dir: &Path, scale: f64) -> String {
    let mut csv = String::from("huge,tiny,constant,y\n");
    for i in 0..40 {
        let t = (i as f64 * 0.37).sin();
        csv.push_str(&format!(
            "{:e},{:e},7,{:e}\n",
            scale * t,
            t / scale,
            scale * (0.5 * t + 0.1)
        ));
    }
    let path = dir.join("extreme.csv");
    fs::write(&path, csv).unwrap();
    format!("csv:path={},target=y,l2=0", path.display())
}

/// Numbers that stand for a non-finite value: `null` as an array element (serde writes NaN
/// and ±∞ that way), or the words themselves.
fn non_finite_in(text: &str) -> Option<String> {
    for bad in ["[null", ",null", "NaN", "Infinity", "inf×", "∞"] {
        if let Some(at) = text.find(bad) {
            let from = at.saturating_sub(80);
            let to = (at + 80).min(text.len());
            let from = (0..=from)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            let to = (to..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            return Some(format!("{bad} in …{}…", &text[from..to]));
        }
    }
    None
}

/// Where `findings.json` may hold `null`: the fields whose `null` means "not applicable" (an
/// `Option` of the findings), with list indices written `[]`.
const FINDINGS_NULLS: [&str; 9] = [
    ".holdout_board",
    ".pick",
    ".untuned",
    ".win_rates.rate[][]",
    ".claims[].depends_on",
    ".claims[].measures[].holds",
    ".settings[].versus[]",
    ".settings_by_optimizer[].versus[]",
    ".speed.median_seconds_to_good",
];

/// The path of the first `null` in `findings.json` that is not in [`FINDINGS_NULLS`] (serde
/// writes NaN and infinities as `null`, so any other one may be a non-finite number).
/// `pattern` is `path` with list indices written `[]`.
fn null_in_findings(value: &serde_json::Value, path: &str, pattern: &str) -> Option<String> {
    use serde_json::Value;
    let children: Vec<(String, String, &Value)> = match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{path}[{i}]"), format!("{pattern}[]"), v))
            .collect(),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| (format!("{path}.{k}"), format!("{pattern}.{k}"), v))
            .collect(),
        _ => return None,
    };
    children.into_iter().find_map(|(path, pattern, v)| {
        if v.is_null() && !FINDINGS_NULLS.contains(&pattern.as_str()) {
            Some(format!("null at {path}"))
        } else {
            null_in_findings(v, &path, &pattern)
        }
    })
}

fn check_report(problem: &str, optimizers: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let problem = match problem.strip_prefix("extreme:") {
        Some(scale) => extreme_csv(dir.path(), scale.parse().unwrap()),
        None => problem.to_string(),
    };
    let list = optimizers
        .iter()
        .map(|o| format!("\"{o}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let grid = format!(
        "name = \"numerics\"\nepochs = 4\ntuning_seeds = 1\nevaluation_seeds = 2\n\
         problems = [\"{problem}\"]\noptimizers = [{list}]\n\
         batch_modes = [\"full\"]\nschedules = [\"constant\"]\n[lr]\npoints = 3\nmax_decades = 1\n"
    );
    let grid_file = dir.path().join("grid.toml");
    fs::write(&grid_file, &grid).unwrap();
    // `run` then `render` (what `report` does, without its timing pass).
    let results = dir.path().join("results.jsonl");
    let out = dir.path().join("report");
    let run = Command::cargo_bin("optbench")
        .unwrap()
        .args(["run", "--grid"])
        .arg(&grid_file)
        .arg("--out")
        .arg(&results)
        .arg("--quiet")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Data whose start overflows may be refused (exit 2, said why); anything else must run.
    let code = run.status.code();
    if code == Some(2) && problem.starts_with("csv:") {
        assert!(stderr.contains("rescale"), "{grid}\n{stderr}");
        return;
    }
    assert_eq!(code, Some(0), "{grid}\n{stderr}");
    let render = Command::cargo_bin("optbench")
        .unwrap()
        .arg("render")
        .arg(&results)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&render.stderr);
    let code = render.status.code();
    assert_eq!(code, Some(0), "{grid}\n{stderr}");
    for file in [
        optbench::record::records_beside(&out),
        out.join("findings.json"),
    ] {
        let bytes = optbench::record::compressed::decode(fs::read(&file).unwrap());
        let file = file.file_name().unwrap().to_string_lossy();
        let text = String::from_utf8(bytes.unwrap().0).unwrap();
        let found = if file == "findings.json" {
            null_in_findings(&serde_json::from_str(&text).unwrap(), "", "")
        } else {
            non_finite_in(&text)
        };
        if let Some(found) = found {
            panic!("{file}: {found}\n{grid}");
        }
    }
    for page in fs::read_dir(&out).unwrap() {
        let path = page.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            let text = fs::read_to_string(&path).unwrap();
            if let Some(found) = non_finite_in(&text) {
                panic!("{}: {found}\n{grid}", path.display());
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_non_finite_number_reaches_a_file_or_page(
        problem in prop::sample::select(vec![
            "rosenbrock".to_string(),
            "rastrigin".to_string(),
            "quadratic:kappa=1000000".to_string(),
            "logreg2d".to_string(),
            "mlp:dataset=moons,hidden=4".to_string(),
            "extreme:1e150".to_string(),
            "extreme:1e-150".to_string(),
            "extreme:1".to_string(),
        ]),
        picks in prop::collection::vec((0..optimizers().len(), -12i32..=12), 2..4),
    ) {
        let names = optimizers();
        let mut chosen: Vec<String> = Vec::new();
        for (o, exponent) in picks {
            let spec = format!("{}:lr=1e{exponent}", names[o]);
            if !chosen.iter().any(|s| s.starts_with(&format!("{}:", names[o]))) {
                chosen.push(spec);
            }
        }
        check_report(&problem, &chosen);
    }
}

#[test]
fn the_extremes_are_covered() {
    // The two ends of the lr range and the huge data, once each, whatever proptest draws.
    check_report(
        "extreme:1e150",
        &["sgd:lr=1e12".to_string(), "adam:lr=1e-12".to_string()],
    );
    check_report(
        "rosenbrock",
        &["sgd:lr=1e12".to_string(), "lion:lr=1e-12".to_string()],
    );
}

#[test]
fn the_detector_sees_what_it_looks_for() {
    assert!(non_finite_in("{\"train_loss\":[1.0,null]}").is_some());
    assert!(non_finite_in("{\"validation_loss\":null}").is_none());
    assert!(non_finite_in("<td>NaN%</td>").is_some());
    assert!(non_finite_in("leaves ∞× less").is_some());
    assert!(non_finite_in("<td>1.9</td>").is_none());
    let findings = |text: &str| null_in_findings(&serde_json::from_str(text).unwrap(), "", "");
    assert_eq!(
        findings(r#"{"speed":{"times":[1.0,null]}}"#).as_deref(),
        Some("null at .speed.times[1]")
    );
    assert_eq!(
        findings(r#"{"win_rates":{"rate":[[null,0.5],[0.5,null]]}}"#),
        None
    );
    assert_eq!(findings(r#"{"claims":[{"depends_on":null}]}"#), None);
    assert_eq!(
        findings(r#"{"answer":{"lr":null}}"#).as_deref(),
        Some("null at .answer.lr")
    );
}
