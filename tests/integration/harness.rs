//! The grid harness end to end: determinism across thread counts and shards, resume after a
//! SIGKILL, divergence as data, the record schema, the paired design, and bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use optbench::record::{RunRecord, Status, merge_files, read_results};

/// A small grid touching every kind of problem, batch mode and skip rule.
const TINY: &str = r#"
name = "tiny"
epochs = 3
tuning_seeds = 1
evaluation_seeds = 2
problems = [
    "rosenbrock",
    "logreg2d",
    "mlp:dataset=moons,hidden=4",
    "sparse_logreg:samples=60,features=50,nnz=3",
]
optimizers = [
    "sgd:lr=0.01",
    "momentum:lr=0.01,beta=0.0",
    "adam",
    "rprop",
    "ars",
]
batch_modes = ["full", "minibatch:size=16", "stochastic"]
schedules = ["constant", "cosine"]
[lr]
points = 3
"#;

fn optbench() -> Command {
    Command::cargo_bin("optbench").unwrap()
}

/// Runs `optbench run` with `args`; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = optbench().arg("run").args(args).output().unwrap();
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn write_grid(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn records(path: &Path) -> Vec<RunRecord> {
    read_results(path).unwrap().records
}

fn untimed(records: &[RunRecord]) -> Vec<RunRecord> {
    let mut r: Vec<RunRecord> = records.iter().map(RunRecord::without_timing).collect();
    r.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    r
}

fn run_tiny(dir: &Path, out: &str, extra: &[&str]) -> Vec<RunRecord> {
    let grid = write_grid(dir, "tiny.toml", TINY);
    let out = dir.join(out);
    let mut args = vec!["--grid", &grid, "--out", out.to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    records(&out)
}

#[test]
fn thread_count_does_not_change_records() {
    let dir = tempfile::tempdir().unwrap();
    let one = run_tiny(dir.path(), "one.jsonl", &["--jobs", "1"]);
    let two = run_tiny(dir.path(), "two.jsonl", &["--jobs", "2"]);
    assert!(one.len() > 100, "{} runs", one.len());
    assert_eq!(untimed(&one), untimed(&two));
    // Finished files are in run-id order, so they differ only in wall-clock fields.
    assert!(one.windows(2).all(|w| w[0].spec.id < w[1].spec.id));
}

#[test]
fn merged_shards_equal_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let whole = run_tiny(dir.path(), "whole.jsonl", &[]);
    let mut files: Vec<PathBuf> = Vec::new();
    for i in 0..3 {
        let name = format!("shard{i}.jsonl");
        let shard = run_tiny(dir.path(), &name, &["--shard", &format!("{i}/3")]);
        assert!(!shard.is_empty() && shard.len() < whole.len());
        files.push(dir.path().join(name));
    }
    let merged = merge_files(&files).unwrap();
    assert_eq!(untimed(&merged), untimed(&whole));
    // Merging a file with itself (or an overlapping shard) deduplicates.
    files.push(dir.path().join("whole.jsonl"));
    assert_eq!(untimed(&merge_files(&files).unwrap()), untimed(&whole));
}

/// A grid slow enough to be killed halfway.
fn slow_grid() -> String {
    TINY.replace("epochs = 3", "epochs = 12")
        .replace("evaluation_seeds = 2", "evaluation_seeds = 5")
}

#[test]
fn sigkill_then_resume_gives_every_record_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let grid = write_grid(dir.path(), "slow.toml", &slow_grid());
    let reference = dir.path().join("reference.jsonl");
    let (code, _, err) = run(&[
        "--grid",
        &grid,
        "--out",
        reference.to_str().unwrap(),
        "--quiet",
        "--jobs",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    let expected = untimed(&records(&reference));

    let out = dir.path().join("killed.jsonl");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("optbench"))
        .args([
            "run",
            "--grid",
            &grid,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--jobs",
            "1",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let lines = fs::read_to_string(&out)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines >= 20 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let partial = read_results(&out).unwrap().records;
    assert!(
        !partial.is_empty() && partial.len() < expected.len(),
        "killed after {} of {} runs: the grid must be slow enough to kill halfway",
        partial.len(),
        expected.len()
    );
    // Simulate a write cut short as well: half a record at the end.
    let mut text = fs::read_to_string(&out).unwrap();
    text.push_str("{\"schema\":1,\"grid\":\"");
    fs::write(&out, text).unwrap();

    let (code, stdout, err) = run(&[
        "--grid",
        &grid,
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--jobs",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains(&format!("{} resumed", partial.len())),
        "{stdout}"
    );
    let resumed = records(&out);
    let mut ids: Vec<&str> = resumed.iter().map(|r| r.spec.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), resumed.len(), "a record appears twice");
    assert_eq!(untimed(&resumed), expected);
}

#[test]
fn huge_learning_rate_is_recorded_as_diverged_without_nan() {
    let dir = tempfile::tempdir().unwrap();
    let grid = write_grid(
        dir.path(),
        "boom.toml",
        r#"
epochs = 5
tuning_seeds = 1
evaluation_seeds = 1
problems = ["rosenbrock", "quadratic", "linreg:samples=50,features=3"]
optimizers = ["sgd:lr=1000000", "adam:lr=0.001"]
[lr]
points = 1
bracket = false
"#,
    );
    let out = dir.path().join("boom.jsonl");
    let (code, _, err) = run(&["--grid", &grid, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let text = fs::read_to_string(&out).unwrap();
    for bad in ["NaN", "nan", "inf", "Infinity", "null"] {
        assert!(!text.contains(bad), "the results file contains {bad}");
    }
    let recs = records(&out);
    let diverged: Vec<&RunRecord> = recs
        .iter()
        .filter(|r| r.spec.optimizer_name == "sgd")
        .collect();
    assert!(!diverged.is_empty());
    for r in &diverged {
        assert_eq!(r.status, Status::Diverged, "{}", r.spec.problem);
        let e = r.diverged_epoch.unwrap();
        assert_eq!(r.curves.len(), e, "epochs before the divergence are kept");
        assert!(r.is_finite());
    }
    assert!(
        recs.iter()
            .filter(|r| r.spec.optimizer_name == "adam")
            .all(|r| r.status == Status::Completed)
    );
}

#[test]
fn records_follow_the_documented_schema() {
    let dir = tempfile::tempdir().unwrap();
    run_tiny(dir.path(), "schema.jsonl", &[]);
    let schema: serde_json::Value = serde_json::from_str(optbench::record::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let text = fs::read_to_string(dir.path().join("schema.jsonl")).unwrap();
    let mut kinds = (false, false, false);
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Err(e) = validator.validate(&value) {
            panic!("record does not match the schema: {e}\n{line}");
        }
        kinds.0 |= value.get("trajectory").is_some();
        // Paths are recorded where the report draws them: the first evaluation seed's runs
        // on 2-D landscapes (seed 1 here), no other.
        let planar = value["spec"]["problem"]
            .as_str()
            .unwrap()
            .starts_with("rosenbrock");
        let first_evaluation = value["spec"]["seed_index"] == 1;
        assert_eq!(
            value.get("trajectory").is_some(),
            planar && first_evaluation,
            "{line}"
        );
        assert_eq!(
            value["spec"]["trajectory"] == true,
            first_evaluation,
            "{line}"
        );
        kinds.1 |= value["curves"].get("correct").is_some();
        kinds.2 |= value.get("optimum").is_some();
    }
    assert_eq!(
        kinds,
        (true, true, true),
        "trajectory, correct and optimum all exercised"
    );
    // And the schema rejects what it should: an unknown field and a missing one.
    let mut value: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    value["surprise"] = serde_json::json!(1);
    assert!(validator.validate(&value).is_err());
    value.as_object_mut().unwrap().remove("surprise");
    value.as_object_mut().unwrap().remove("curves");
    assert!(validator.validate(&value).is_err());
}

#[test]
fn paired_design_same_start_and_batches_for_every_optimizer() {
    let dir = tempfile::tempdir().unwrap();
    let recs = run_tiny(dir.path(), "paired.jsonl", &[]);
    // Same start: at one problem and seed index, every run's epoch-0 objective is identical.
    for r in &recs {
        for other in recs
            .iter()
            .filter(|o| o.spec.problem == r.spec.problem && o.spec.seed_index == r.spec.seed_index)
        {
            assert_eq!(
                r.curves.train_loss[0], other.curves.train_loss[0],
                "{} vs {}",
                r.spec.optimizer, other.spec.optimizer
            );
        }
    }
    // Same batches: the lecture's momentum with β = 0 is SGD, so on every mini-batch and
    // stochastic run it must follow SGD's trajectory to rounding (SGD's step is fused) over
    // its first epoch (1e-6: at the large rates a bracketed sweep reaches, 38 updates grow
    // the rounding to ~1e-9), where another batch order would differ by ~1e-3.
    let mut compared = 0;
    for m in recs.iter().filter(|r| r.spec.optimizer_name == "momentum") {
        let s = recs
            .iter()
            .find(|s| {
                s.spec.optimizer_name == "sgd"
                    && s.spec.lr == m.spec.lr
                    && (
                        &s.spec.problem,
                        &s.spec.batch,
                        &s.spec.schedule,
                        s.spec.seed_index,
                    ) == (
                        &m.spec.problem,
                        &m.spec.batch,
                        &m.spec.schedule,
                        m.spec.seed_index,
                    )
            })
            .unwrap();
        for (a, b) in m.curves.train_loss.iter().zip(&s.curves.train_loss).take(2) {
            assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1e-12),
                "{} {}: {a} vs {b}",
                m.spec.problem,
                m.spec.batch
            );
        }
        compared += usize::from(m.spec.batch != "full");
    }
    assert!(compared > 0);
    // While a different seed index sees a different start.
    let at = |seed| {
        recs.iter()
            .find(|r| r.spec.problem.starts_with("logreg2d") && r.spec.seed_index == seed)
            .unwrap()
    };
    assert_ne!(at(0).curves.train_loss[0], at(1).curves.train_loss[0]);
}

#[test]
fn bad_grids_and_options_exit_2_and_leave_files_intact() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = write_grid(d, "good.toml", TINY);
    let out = d.join("kept.jsonl");
    let out_s = out.to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--grid".into(),
                write_grid(d, "broken.toml", "epochs = 3\nproblems = [\"a\",,]\n"),
            ],
            "broken.toml, line 2, column",
        ),
        (
            vec![
                "--grid".into(),
                write_grid(d, "unknown.toml", &TINY.replace("\"adam\",", "\"adma\",")),
            ],
            "unknown optimizer 'adma' (did you mean adam?)",
        ),
        (
            vec![
                "--grid".into(),
                write_grid(
                    d,
                    "empty.toml",
                    &TINY.replace("schedules = [\"constant\", \"cosine\"]", "schedules = []"),
                ),
            ],
            "'schedules' is empty",
        ),
        (
            vec![
                "--grid".into(),
                write_grid(
                    d,
                    "zero.toml",
                    &TINY.replace("evaluation_seeds = 2", "evaluation_seeds = 0"),
                ),
            ],
            "'evaluation_seeds' is 0",
        ),
        (
            vec![
                "--grid".into(),
                write_grid(
                    d,
                    "noepochs.toml",
                    &TINY.replace("epochs = 3", "epochs = 0"),
                ),
            ],
            "'epochs' is 0",
        ),
        (
            vec![
                "--grid".into(),
                d.join("missing.toml").to_str().unwrap().into(),
            ],
            "missing.toml: cannot read",
        ),
        (
            vec!["--preset".into(), "quik".into()],
            "unknown preset 'quik' (did you mean quick?)",
        ),
        (
            vec![
                "--grid".into(),
                good.clone(),
                "--shard".into(),
                "3/3".into(),
            ],
            "--shard '3/3': expected I/N with 0 <= I < N",
        ),
        (
            vec![
                "--grid".into(),
                good.clone(),
                "--shard".into(),
                "0/0".into(),
            ],
            "--shard '0/0'",
        ),
        (
            vec!["--grid".into(), good.clone(), "--shard".into(), "x".into()],
            "--shard 'x'",
        ),
        (
            vec!["--grid".into(), good.clone(), "--jobs".into(), "0".into()],
            "--jobs 0",
        ),
        (
            vec![
                "--grid".into(),
                good.clone(),
                "--out".into(),
                d.to_str().unwrap().into(),
            ],
            "cannot write",
        ),
        (
            vec![
                "--grid".into(),
                good.clone(),
                "--out".into(),
                "/proc/optbench/results.jsonl".into(),
            ],
            "cannot write",
        ),
    ];
    for (args, needle) in cases {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        if !a.contains(&"--out") {
            a.extend_from_slice(&["--out", &out_s]);
        }
        a.push("--quiet");
        let (code, _, err) = run(&a);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} wrote a results file");
    }

    // A results file of another grid, or with a corrupt line in the middle, is refused by
    // --resume and left byte for byte as it was.
    let other = write_grid(d, "other.toml", &TINY.replace("epochs = 3", "epochs = 2"));
    let (code, _, err) = run(&["--grid", &other, "--out", &out_s, "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let before = fs::read(&out).unwrap();
    let (code, _, err) = run(&["--grid", &good, "--out", &out_s, "--resume", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("holds runs of another grid"), "{err}");
    assert_eq!(fs::read(&out).unwrap(), before);

    // Lines are parsed in parallel; the first bad line is the one named, counted with blank lines.
    let text = String::from_utf8(before.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "");
    lines[4] = "{\"schema\":1,\"grid\":\"garbage";
    lines[6] = "not json either";
    let corrupt = lines.join("\n") + "\n";
    fs::write(&out, &corrupt).unwrap();
    let (code, _, err) = run(&["--grid", &other, "--out", &out_s, "--resume", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("line 5: not a run record"), "{err}");
    assert_eq!(fs::read_to_string(&out).unwrap(), corrupt);

    // Windows line endings and blank lines are read as the same records.
    let crlf = text.replace('\n', "\r\n\r\n");
    fs::write(&out, &crlf).unwrap();
    let (code, stdout, err) = run(&["--grid", &other, "--out", &out_s, "--resume", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let n = text.lines().count();
    assert!(
        stdout.contains(&format!("(0 run now, {n} resumed)")),
        "{stdout}"
    );
    assert_eq!(
        fs::read(&out).unwrap(),
        before,
        "finalize rewrites the same bytes"
    );
}

#[test]
fn progress_is_plain_lines_off_a_terminal_and_the_summary_lists_skips() {
    let dir = tempfile::tempdir().unwrap();
    let grid = write_grid(dir.path(), "tiny.toml", TINY);
    let out = dir.path().join("p.jsonl");
    let (code, stdout, err) = run(&["--grid", &grid, "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let total = records(&out).len();
    assert!(
        err.contains(&format!("optbench: {total}/{total} runs (100%)")),
        "{err}"
    );
    assert!(
        stdout.contains(&format!(
            "configurations, {total} runs ({total} run now, 0 resumed)"
        )),
        "{stdout}"
    );
    for reason in [
        "analytic landscapes have no data",
        "rprop uses the lr only",
        "rprop is a full-batch method",
        "ars estimates its step",
    ] {
        assert!(stdout.contains(reason), "{stdout}");
    }
}

#[test]
fn render_merges_and_refuses_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    run_tiny(dir.path(), "a.jsonl", &[]);
    let a = dir.path().join("a.jsonl");
    let report = dir.path().join("report");
    let render = |files: &[&Path]| {
        let mut args: Vec<String> = vec!["render".into()];
        args.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
        args.extend(["--out".to_string(), report.to_str().unwrap().to_string()]);
        optbench().args(&args).output().unwrap()
    };
    let out = render(&[&a]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("logreg2d") && text.contains("test (tuned)"),
        "{text}"
    );
    let index_before = fs::read(report.join("index.html")).unwrap();

    // Change one record's number: same id, different content.
    let content = fs::read_to_string(&a).unwrap();
    let first = content.lines().next().unwrap();
    let mut r: RunRecord = serde_json::from_str(first).unwrap();
    r.curves.train_loss[0] += 1.0;
    let b = dir.path().join("b.jsonl");
    fs::write(&b, serde_json::to_string(&r).unwrap() + "\n").unwrap();
    let out = render(&[&a, &b]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("run {} differs between", r.spec.id)),
        "{err}"
    );
    assert!(err.contains("a.jsonl") && err.contains("b.jsonl"), "{err}");

    let empty = dir.path().join("empty.jsonl");
    fs::write(&empty, "").unwrap();
    assert_eq!(render(&[&empty]).status.code(), Some(2));
    let corrupt = dir.path().join("corrupt.jsonl");
    fs::write(&corrupt, format!("{first}\n{{\"schema\"\n{first}\n")).unwrap();
    assert_eq!(render(&[&corrupt]).status.code(), Some(2));
    // Failed renders leave the old report as it was.
    assert_eq!(fs::read(report.join("index.html")).unwrap(), index_before);
}

/// SGD with a default lr five decades too small on a quadratic (λ from 1 to 10: gradient
/// descent converges fastest near lr = 2/11 and diverges above 0.2): the initial sweep
/// (1e-6.5 … 1e-5.5) holds no good rate, so the sweep must climb one half-decade at a time
/// until a rate diverges, and the evaluation seeds must run at the best rate below it.
#[test]
fn bracketing_finds_an_optimum_far_outside_the_initial_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let grid = write_grid(
        dir.path(),
        "far.toml",
        r#"
epochs = 60
tuning_seeds = 2
evaluation_seeds = 2
problems = ["quadratic:kappa=10"]
optimizers = ["sgd:lr=0.000001"]
[lr]
points = 3
max_decades = 8
"#,
    );
    let out = dir.path().join("far.jsonl");
    let (code, stdout, err) = run(&["--grid", &grid, "--out", out.to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("0 of 1 picks still on an edge"), "{stdout}");
    let recs = records(&out);
    let rel = |a: f64, b: f64| (a / b - 1.0).abs() < 1e-9;
    let tuning_lrs = |status: Status| -> Vec<f64> {
        let mut v: Vec<f64> = recs
            .iter()
            .filter(|r| r.spec.role == optbench::grid::SeedRole::Tuning && r.status == status)
            .map(|r| r.spec.lr)
            .collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    // Tried from 10^-6.5 up to 10^-0.5 (the first to diverge), one half-decade at a time.
    let completed = tuning_lrs(Status::Completed);
    let diverged = tuning_lrs(Status::Diverged);
    assert_eq!(completed.len(), 12, "{completed:?}");
    assert!(
        rel(completed[0], 10f64.powf(-6.5)) && rel(completed[11], 0.1),
        "{completed:?}"
    );
    assert_eq!(diverged.len(), 1, "{diverged:?}");
    assert!(rel(diverged[0], 10f64.powf(-0.5)), "{diverged:?}");
    // The evaluation seeds ran at the pick, 0.1, and at the optimizer's own lr.
    let mut eval: Vec<f64> = recs
        .iter()
        .filter(|r| r.spec.role == optbench::grid::SeedRole::Evaluation)
        .map(|r| r.spec.lr)
        .collect();
    eval.sort_by(f64::total_cmp);
    assert_eq!(eval.len(), 4);
    assert!(rel(eval[0], 1e-6) && rel(eval[1], 1e-6), "{eval:?}");
    assert!(rel(eval[2], 0.1) && rel(eval[3], 0.1), "{eval:?}");
}

/// The claims' experiments (thirteen grids run as one suite) give the same records whatever
/// the thread count or the sharding.
#[test]
fn claim_experiments_are_deterministic_across_threads_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let run_claims = |name: &str, extra: &[&str]| -> PathBuf {
        let out = dir.path().join(name);
        let mut args = vec!["--claims", "--out", out.to_str().unwrap(), "--quiet"];
        args.extend_from_slice(extra);
        let (code, stdout, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.starts_with("the claims' experiments: "), "{stdout}");
        out
    };
    let one = untimed(&records(&run_claims("one.jsonl", &["--jobs", "1"])));
    let two = untimed(&records(&run_claims("two.jsonl", &["--jobs", "2"])));
    assert_eq!(one, two);
    let shards = [
        run_claims("s0.jsonl", &["--shard", "0/2"]),
        run_claims("s1.jsonl", &["--shard", "1/2"]),
    ];
    let merged = untimed(&merge_files(&shards).unwrap());
    assert_eq!(one, merged);
    // Thirteen grids, each its own fingerprint.
    let grids: std::collections::BTreeSet<&str> = one.iter().map(|r| r.grid.as_str()).collect();
    assert_eq!(grids.len(), 13);
}
