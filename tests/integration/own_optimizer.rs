//! An optimizer registered from outside the crate, through the public API, runs through the
//! command line like a built-in; `--only` reruns its runs alone and takes every other record
//! from the result cache, giving the records (and so the report) of a full run, wall-clock
//! fields aside; a new version of the optimizer makes its cached records stale; a corrupt
//! cache file is ignored.
//!
//! The optimizer registry is fixed at its first use, and the other tests of this binary use
//! it, so each command runs in a child process: this test binary again, running only
//! [`child`], which registers the optimizer (with the version it is given) and runs the
//! command line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use optbench::optim::{Method, OptimizerConfig, UpdateRule, config_from_params, keys};
use optbench::record::RunRecord;
use optbench::spec::{EntryInfo, Key, Range};
use serde::{Deserialize, Serialize};

const ENTRY: EntryInfo = EntryInfo {
    name: "mysgd",
    summary: "sign of an EMA of the gradient",
    reference: "test",
    keys: &[
        keys::lr(0.01),
        Key::float("beta", 0.5, Range::UNIT_HALF_OPEN, "EMA coefficient"),
    ],
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MySgdConfig {
    lr: f64,
    beta: f64,
}

impl OptimizerConfig for MySgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }
    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(MySgd {
            beta: self.beta,
            m: vec![0.0; dim],
        }))
    }
}

struct MySgd {
    beta: f64,
    m: Vec<f64>,
}

impl UpdateRule for MySgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        for ((x, g), m) in params.iter_mut().zip(grad).zip(&mut self.m) {
            *m = self.beta * *m + (1.0 - self.beta) * g;
            *x -= lr * m.signum() * f64::from(u8::from(*m != 0.0));
        }
    }
    fn state_vectors(&self) -> usize {
        1
    }
}

const VERSION_VAR: &str = "OPTBENCH_OWN_OPTIMIZER_VERSION";
const ARGS_VAR: &str = "OPTBENCH_OWN_OPTIMIZER_ARGS";

/// In a child process (the variables set): registers `mysgd` and runs the command line on the
/// given arguments, exiting with its status. Otherwise nothing.
#[test]
fn child() {
    let (Ok(version), Ok(args)) = (std::env::var(VERSION_VAR), std::env::var(ARGS_VAR)) else {
        return;
    };
    optbench::optim::register(ENTRY, config_from_params::<MySgdConfig>, &version).unwrap();
    // A second registration of the name is refused, naming it.
    let again =
        optbench::optim::register(ENTRY, config_from_params::<MySgdConfig>, &version).unwrap_err();
    assert!(
        again.to_string().contains("'mysgd' is already registered"),
        "{again}"
    );
    let code = optbench::cli::status(std::iter::once("optbench").chain(args.split('\n')));
    std::process::exit(i32::from(code));
}

/// What one child command did.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// (run now, from the cache) from the summary line.
    fn counts(&self) -> (usize, usize) {
        let line = self
            .stdout
            .lines()
            .find(|l| l.contains(" run now, "))
            .unwrap_or_else(|| panic!("no summary: {}", self.stdout));
        let number_before = |what: &str| -> usize {
            line.find(what).map_or(0, |at| {
                line[..at]
                    .rsplit(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
        };
        (number_before(" run now"), number_before(" from the cache"))
    }
}

/// Runs `optbench ARGS` with `mysgd` registered at `version`, in `dir`.
fn optbench(dir: &Path, version: &str, args: &[&str]) -> Outcome {
    let o = Command::new(std::env::current_exe().unwrap())
        .args([
            "own_optimizer::child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(VERSION_VAR, version)
        .env(ARGS_VAR, args.join("\n"))
        .current_dir(dir)
        .output()
        .unwrap();
    Outcome {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

const GRID: &str = r#"
name = "own"
epochs = 6
tuning_seeds = 1
evaluation_seeds = 2
problems = ["quadratic:kappa=10", "rosenbrock", { spec = "logreg2d", batch_modes = ["full", "minibatch:size=256"] }]
optimizers = ["sgd", "adam", "mysgd"]
[lr]
points = 3
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("g.toml"), GRID).unwrap();
    dir
}

/// The records of a results file, plain or compressed. Not through `read_results`: it checks
/// each spec against the registry, which in this process lacks `mysgd` (the children check
/// them).
fn records(path: &Path) -> Vec<RunRecord> {
    let (bytes, _) = optbench::record::compressed::decode(fs::read(path).unwrap()).unwrap();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs per label.
fn per_label(records: &[RunRecord]) -> BTreeMap<String, usize> {
    let mut n = BTreeMap::new();
    for r in records {
        *n.entry(r.spec.label.clone()).or_insert(0) += 1;
    }
    n
}

fn untimed(records: &[RunRecord]) -> Vec<RunRecord> {
    records.iter().map(RunRecord::without_timing).collect()
}

fn ok(o: &Outcome) {
    assert_eq!(o.code, 0, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
}

/// Every file of a report folder, relative path → bytes.
pub(crate) fn files(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(folder)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The methodology page up to its provenance section (the command line, durations, the
/// machine, the cache note).
fn before_reproduce(page: &[u8]) -> String {
    let s = String::from_utf8(page.to_vec()).unwrap();
    s.split_once("id=\"reproduce\"").unwrap().0.to_string()
}

/// `report --only mysgd` after a full report runs mysgd's runs alone, takes every other
/// record from the cache, and gives the full report's records and pages, wall-clock fields
/// and what depends on them aside.
#[test]
fn only_reruns_the_named_optimizer_and_reports_as_a_full_run() {
    let dir = setup();
    let d = dir.path();
    let full = optbench(
        d,
        "v1",
        &[
            "report",
            "--grid",
            "g.toml",
            "--out",
            "full/report",
            "--no-claims",
            "--quiet",
        ],
    );
    ok(&full);
    let all = records(&d.join("full/report.results.jsonl.zst"));
    let n = per_label(&all);
    assert_eq!(n.len(), 3, "{n:?}");
    assert_eq!(full.counts(), (all.len(), 0));
    // Every run stored its record, in the default cache beside the report folder: one pack
    // (no partial file left) with a line per record.
    let cache = d.join("full/.cache");
    let packs: Vec<PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    assert_eq!(
        fs::read_to_string(&packs[0]).unwrap().lines().count(),
        all.len()
    );

    let only = optbench(
        d,
        "v1",
        &[
            "report",
            "--grid",
            "g.toml",
            "--out",
            "only/report",
            "--no-claims",
            "--quiet",
            "--only",
            "mysgd",
            "--cache",
            "full/.cache",
        ],
    );
    ok(&only);
    // Only mysgd's runs ran; every other record came from the cache.
    assert_eq!(
        only.counts(),
        (n["mysgd"], all.len() - n["mysgd"]),
        "{}",
        only.stdout
    );
    assert!(
        !only.stderr.contains("not in the result cache"),
        "{}",
        only.stderr
    );
    let again = records(&d.join("only/report.results.jsonl.zst"));
    assert_eq!(untimed(&again), untimed(&all));
    // The cached records are the full run's, wall clocks included.
    for (a, b) in all.iter().zip(&again) {
        if a.spec.label != "mysgd" {
            assert_eq!(a, b, "run {}", a.spec.id);
        }
    }

    // The report says where its records came from.
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("only/report/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["cache"]["executed"], n["mysgd"]);
    assert_eq!(manifest["cache"]["cached"], all.len() - n["mysgd"]);
    assert_eq!(manifest["cache"]["missing"], 0);
    assert_eq!(manifest["cache"]["only"], serde_json::json!(["mysgd"]));
    let methodology = fs::read_to_string(d.join("only/report/methodology.html")).unwrap();
    assert!(
        methodology.contains(&format!(
            "{} records were computed now and {} were taken from the result cache",
            n["mysgd"],
            all.len() - n["mysgd"]
        )),
        "{methodology}"
    );
    let full_manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("full/report/manifest.json")).unwrap()).unwrap();
    assert!(full_manifest["cache"].is_null(), "{full_manifest}");

    // The report: the same files; those that differ are the ones drawn from wall clocks
    // (the timing pass, the manifest, the provenance section, wall-time figures and
    // sentences, the records' wall-clock fields), and they are the same once the re-run
    // records carry the full run's wall clocks.
    let (fa, fb) = (files(&d.join("full/report")), files(&d.join("only/report")));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    assert_eq!(
        before_reproduce(&fa["methodology.html"]),
        before_reproduce(&fb["methodology.html"])
    );
    let timing_free = ["index.html", "claims.html"];
    for name in timing_free {
        if let Some(a) = fa.get(name) {
            assert!(*a == fb[name], "{name} differs");
        }
    }
    // Every other file that differs is drawn from wall clocks: given the full run's wall
    // clocks, the --only run's records are the full run's byte for byte, and rendered they
    // give the full report's file.
    let wall: BTreeMap<&str, &RunRecord> = all.iter().map(|r| (r.spec.id.as_str(), r)).collect();
    let patched: Vec<u8> = again
        .iter()
        .flat_map(|r| {
            let mut r = r.clone();
            let a = wall[r.spec.id.as_str()];
            r.wall_seconds = a.wall_seconds;
            r.curves.seconds = a.curves.seconds.clone();
            optbench::record::encode_line(&r).unwrap()
        })
        .collect();
    let (full_lines, _) = optbench::record::compressed::decode(
        fs::read(d.join("full/report.results.jsonl.zst")).unwrap(),
    )
    .unwrap();
    assert_eq!(patched, full_lines);
    fs::create_dir_all(d.join("r")).unwrap();
    fs::write(d.join("r/results.jsonl"), &patched).unwrap();
    fs::copy(d.join("full/report.timing.json"), d.join("r/timing.json")).unwrap();
    let o = optbench(
        d,
        "v1",
        &["render", "r/results.jsonl", "--out", "ra", "--name", "own"],
    );
    ok(&o);
    let ra = files(&d.join("ra"));
    let mut differing = Vec::new();
    for (name, a) in &fa {
        if ["manifest.json", "methodology.html"].contains(&name.as_str()) || *a == fb[name] {
            continue;
        }
        differing.push(name.clone());
        assert!(
            ra.get(name).is_some_and(|r| r == a),
            "{name} differs between the full and the --only report beyond wall clocks"
        );
    }
    // Some figures do draw wall clocks (so the check above checked something): the
    // convergence-against-time and seconds-to-target figures, or the step costs of the
    // timing pass; which of them differ in a given pair of runs depends on the clocks.
    assert!(
        differing.iter().any(|n| n.starts_with("figures/")
            && (n.contains("time") || n.contains("seconds") || n.contains("step-cost"))),
        "{differing:?}"
    );
}

/// A new version of the registered optimizer makes its cached records stale: they run again
/// (said on stderr), and a corrupt cache file is ignored and replaced.
#[test]
fn a_new_version_or_a_corrupt_file_means_running_again() {
    let dir = setup();
    let d = dir.path();
    let run = |version: &str, out: &str, only: Option<&str>| {
        let mut args = vec![
            "run", "--grid", "g.toml", "--out", out, "--quiet", "--cache", "c",
        ];
        if let Some(o) = only {
            args.extend(["--only", o]);
        }
        let o = optbench(d, version, &args);
        ok(&o);
        o
    };
    let full = run("v1", "full.jsonl", None);
    let all = records(&d.join("full.jsonl"));
    let n = per_label(&all);
    assert_eq!(full.counts(), (all.len(), 0));

    // Same version: only sgd runs.
    let same = run("v1", "same.jsonl", Some("sgd"));
    assert_eq!(same.counts(), (n["sgd"], all.len() - n["sgd"]));

    // Version 2 of mysgd: its records are stale, so they run too, and stderr says so.
    let v2 = run("v2", "v2.jsonl", Some("sgd"));
    assert_eq!(v2.counts(), (n["sgd"] + n["mysgd"], n["adam"]));
    assert!(
        v2.stderr.contains(&format!(
            "{} runs of optimizers not named by --only were not in the result cache",
            n["mysgd"]
        )),
        "{}",
        v2.stderr
    );
    assert_eq!(untimed(&records(&d.join("v2.jsonl"))), untimed(&all));
    // Now version 2 is cached as well.
    let v2_again = run("v2", "v2b.jsonl", Some("sgd"));
    assert_eq!(v2_again.counts(), (n["sgd"], all.len() - n["sgd"]));

    // A corrupt cache line (of an adam run) is ignored: that run runs again, and the pack
    // holds a valid record of it again afterwards.
    let pack = || -> PathBuf {
        let packs: Vec<PathBuf> = fs::read_dir(d.join("c"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(packs.len(), 1, "{packs:?}");
        packs[0].clone()
    };
    let adam_line = |text: &str| -> Option<usize> {
        text.lines().position(|l| {
            l.split_once('\t')
                .and_then(|(_, r)| serde_json::from_str::<RunRecord>(r).ok())
                .is_some_and(|r| r.spec.label == "adam")
        })
    };
    let text = fs::read_to_string(pack()).unwrap();
    let at = adam_line(&text).unwrap();
    let corrupted: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == at {
                format!(
                    "{}\t{{\"schema\":2,\"grid\":",
                    l.split_once('\t').unwrap().0
                )
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(pack(), corrupted.join("\n") + "\n").unwrap();
    let corrupt = run("v2", "corrupt.jsonl", Some("sgd"));
    assert_eq!(corrupt.counts(), (n["sgd"] + 1, all.len() - n["sgd"] - 1));
    assert!(
        corrupt.stderr.contains("1 runs of optimizers not named"),
        "{}",
        corrupt.stderr
    );
    assert_eq!(untimed(&records(&d.join("corrupt.jsonl"))), untimed(&all));
    let fixed = fs::read_to_string(pack()).unwrap();
    assert_eq!(fixed.lines().count(), all.len());
    assert!(adam_line(&fixed).is_some());
    assert!(fixed.lines().all(|l| {
        l.split_once('\t')
            .is_some_and(|(_, r)| serde_json::from_str::<RunRecord>(r).is_ok())
    }));

    // An unknown label: exit 2, naming the grid's labels; nothing is written.
    let bad = optbench(
        d,
        "v2",
        &[
            "run",
            "--grid",
            "g.toml",
            "--out",
            "bad.jsonl",
            "--only",
            "mysdg",
        ],
    );
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("--only 'mysdg'") && bad.stderr.contains("sgd, adam, mysgd"),
        "{}",
        bad.stderr
    );
    assert!(!d.join("bad.jsonl").exists());
}
