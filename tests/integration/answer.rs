//! The answer does not hang on a name or a run: renaming every optimizer through the grid's
//! labels changes the records only in their labels (and the grid's fingerprint), and the
//! report drawn from renamed records — the answer, the leaderboard, `findings.json`, every
//! figure — only in the names; running the grid twice gives the same answer, wall-time
//! sentences aside.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use optbench::record::{RunRecord, read_results};

/// Optimizers (two of them the same method at a tenth of the lr), several instances of two
/// families, one held out, two batch modes and two schedules on the data problem.
const OPTIMIZERS: [&str; 6] = [
    "sgd",
    "sgd:momentum=0.9",
    "momentum",
    "adam",
    "rmsprop",
    "adagrad",
];

fn grid(labels: &[String]) -> String {
    let optimizers: Vec<String> = OPTIMIZERS
        .iter()
        .zip(labels)
        .map(|(spec, label)| format!("{{ spec = \"{spec}\", label = \"{label}\" }}"))
        .collect();
    format!(
        r#"
name = "rename"
epochs = 30
tuning_seeds = 2
evaluation_seeds = 3
problems = [
    {{ spec = "quadratic:kappa=10", schedules = ["constant", "cosine"] }},
    "quadratic:kappa=100",
    "quadratic:kappa=1000,dim=4",
    "rosenbrock",
    "rastrigin",
    {{ spec = "logreg2d", batch_modes = ["full", "minibatch:size=128"], schedules = ["constant", "cosine"] }},
    "softmax:dataset=iris,l2=0.01",
    {{ spec = "quadratic:kappa=300,dim=3", set = "holdout" }},
]
optimizers = [{}]
[lr]
points = 3
max_decades = 3
"#,
        optimizers.join(", ")
    )
}

/// The labels the optimizers get by default (their specs), and renamed ones of the same
/// lengths (so no figure's layout moves) whose alphabetical order is the reverse.
fn labels() -> (Vec<String>, Vec<String>) {
    let a: Vec<String> = OPTIMIZERS.iter().map(|s| s.to_string()).collect();
    let mut by_name: Vec<usize> = (0..a.len()).collect();
    by_name.sort_by(|&x, &y| a[x].cmp(&a[y]));
    let mut b = vec![String::new(); a.len()];
    for (rank, &i) in by_name.iter().enumerate() {
        let first = char::from(b'Z' - rank as u8);
        b[i] = format!("Q{first}{}", "q".repeat(a[i].chars().count() - 2));
    }
    (a, b)
}

fn optbench() -> Command {
    Command::cargo_bin("optbench").unwrap()
}

fn ok(args: &[&str]) {
    let o = optbench().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "optbench {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs the grid with `labels` into `dir/name.jsonl`.
fn run(dir: &Path, name: &str, labels: &[String]) -> PathBuf {
    let g = dir.join(format!("{name}.toml"));
    fs::write(&g, grid(labels)).unwrap();
    let out = dir.join(format!("{name}.jsonl"));
    ok(&[
        "run",
        "--grid",
        g.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    out
}

/// Renders `results` into `folder/report` from inside `folder` with relative paths, so the
/// command line the methodology page records is the same for every folder.
fn render(results: &Path, folder: &Path) -> PathBuf {
    fs::create_dir_all(folder).unwrap();
    fs::copy(results, folder.join("results.jsonl")).unwrap();
    let o = optbench()
        .current_dir(folder)
        .args([
            "render",
            "results.jsonl",
            "--out",
            "report",
            "--name",
            "rename",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    folder.join("report")
}

/// Every file of a report folder (relative path → text, compressed records decompressed), the
/// manifest aside (it records the command line and durations).
fn files(folder: &Path) -> BTreeMap<String, String> {
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
                if rel != "manifest.json" {
                    let (bytes, _) =
                        optbench::record::compressed::decode(fs::read(&p).unwrap()).unwrap();
                    out.insert(rel, String::from_utf8(bytes).unwrap());
                }
            }
        }
    }
    out
}

fn replace_all(text: &str, pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
}

fn records(p: &Path) -> Vec<RunRecord> {
    let mut r = read_results(p).unwrap().records;
    r.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    r
}

#[test]
fn renaming_every_optimizer_changes_nothing_but_the_names() {
    let dir = tempfile::tempdir().unwrap();
    let (a_labels, b_labels) = labels();
    let a = run(dir.path(), "a", &a_labels);
    let b = run(dir.path(), "b", &b_labels);
    let (ra, rb) = (records(&a), records(&b));
    assert_eq!(ra.len(), rb.len());
    let fingerprint_b = rb[0].grid.clone();
    assert_ne!(ra[0].grid, fingerprint_b, "labels are part of a grid");
    // The same runs, the same results: only labels, the fingerprint and wall clocks differ.
    for (x, y) in ra.iter().zip(&rb) {
        let mut y = y.without_timing();
        let i = b_labels.iter().position(|l| *l == y.spec.label).unwrap();
        y.spec.label = a_labels[i].clone();
        y.grid = x.grid.clone();
        assert_eq!(x.without_timing(), y, "run {}", x.spec.id);
    }

    // A's records relabelled as B's: the report must differ in the names alone.
    let mut text = fs::read_to_string(&a).unwrap();
    text = text.replace(
        &format!("\"grid\":\"{}\"", ra[0].grid),
        &format!("\"grid\":\"{fingerprint_b}\""),
    );
    for (from, to) in a_labels.iter().zip(&b_labels) {
        text = text.replace(
            &format!("\"label\":\"{from}\""),
            &format!("\"label\":\"{to}\""),
        );
    }
    let relabelled = dir.path().join("relabelled.jsonl");
    fs::write(&relabelled, text).unwrap();
    let report_a = render(&a, &dir.path().join("render-a"));
    let report_b = render(&relabelled, &dir.path().join("render-b"));
    let (fa, fb) = (files(&report_a), files(&report_b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    // Longest names first, so no name is replaced inside another.
    let mut back: Vec<(String, String)> = b_labels
        .iter()
        .cloned()
        .zip(a_labels.iter().cloned())
        .collect();
    back.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    back.push((fingerprint_b.clone(), ra[0].grid.clone()));
    let findings: serde_json::Value = serde_json::from_str(&fa["findings.json"]).unwrap();
    assert!(findings["pick"]["label"].is_string(), "{findings}");
    assert!(
        findings["same_methods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g.as_array().unwrap().len() == 2),
        "momentum and SGD with momentum are one method here: {}",
        findings["same_methods"]
    );
    let mut compared = 0;
    for (name, text) in &fa {
        let renamed = replace_all(&fb[name], &back);
        if *text != renamed {
            let at = text
                .bytes()
                .zip(renamed.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(text.len().min(renamed.len()));
            let around = |t: &str| -> String {
                t.chars()
                    .skip(t[..at.min(t.len())].chars().count().saturating_sub(150))
                    .take(300)
                    .collect()
            };
            panic!(
                "{name} differs beyond the names:\n{}\n---- renamed ----\n{}",
                around(text),
                around(&renamed)
            );
        }
        compared += 1;
    }
    assert!(compared > 20, "only {compared} files compared");
}

/// The answer of two runs of one grid: the same sentences, but for those about wall time,
/// which say they are measured on this machine.
#[test]
fn two_runs_give_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (labels, _) = labels();
    let answers: Vec<Vec<serde_json::Value>> = ["one", "two"]
        .iter()
        .map(|name| {
            let results = run(dir.path(), name, &labels);
            let report = render(&results, &dir.path().join(format!("render-{name}")));
            let f: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(report.join("findings.json")).unwrap())
                    .unwrap();
            f["answer"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| !s["topic"].as_str().unwrap().contains("wall time"))
                .cloned()
                .collect()
        })
        .collect();
    assert!(answers[0].len() >= 5, "{:?}", answers[0]);
    assert_eq!(answers[0], answers[1]);
}

/// `findings.json` holds the answer the first screen shows: the pick, its tied-best set and
/// effect, the per-family answers, the edge hits and every claim's verdict.
#[test]
fn findings_json_holds_the_answer_the_page_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (labels, _) = labels();
    let results = run(dir.path(), "f", &labels);
    let report = render(&results, &dir.path().join("render"));
    let f: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(report.join("findings.json")).unwrap()).unwrap();
    let pick = &f["pick"];
    for key in ["label", "optimizer", "batch", "schedule"] {
        assert!(pick[key].is_string(), "pick.{key}: {pick}");
    }
    assert!(pick["lr"].as_f64().unwrap() > 0.0, "{pick}");
    assert!(
        pick["optimizer"]
            .as_str()
            .unwrap()
            .contains(&format!("lr={}", pick["lr"])),
        "the pick's spec carries its lr: {pick}"
    );
    let tied = pick["tied_best"].as_array().unwrap();
    assert!(
        tied.iter()
            .any(|l| *l == pick["label"].as_str().unwrap().split(" = ").next().unwrap())
    );
    let effect = &pick["effect"];
    assert!(effect["low"].as_f64().unwrap() <= effect["ratio"].as_f64().unwrap());
    assert!(effect["ratio"].as_f64().unwrap() <= effect["high"].as_f64().unwrap());
    let claims = f["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 13);
    for (i, c) in claims.iter().enumerate() {
        assert_eq!(c["id"], i + 1);
        assert!(
            ["supported", "not supported", "mixed", "not tested"]
                .contains(&c["verdict"].as_str().unwrap()),
            "{c}"
        );
    }
    assert!(f["edge_hits"].is_array());
    assert!(!f["family_answers"].as_array().unwrap().is_empty());
    assert_eq!(f["holdout"].as_array().unwrap().len(), 1);
    // The page shows the same sentences, in the same order.
    let index = fs::read_to_string(report.join("index.html")).unwrap();
    let mut at = 0;
    for s in f["answer"].as_array().unwrap() {
        let topic = s["topic"].as_str().unwrap();
        let found = index[at..]
            .find(&format!("<span class=\"topic\">{topic}</span>"))
            .unwrap_or_else(|| panic!("index.html lacks the sentence on {topic}"));
        at += found;
    }
}
