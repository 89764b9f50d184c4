//! Output files and paths: a failed run leaves the results file as it was, one writer per
//! results file, report folders that must not be replaced are refused before any work, and
//! errors cut over-long names.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const SMALL: &str = r#"
epochs = 2
tuning_seeds = 1
evaluation_seeds = 1
problems = ["rosenbrock"]
optimizers = ["sgd"]
[lr]
points = 1
"#;

/// Runs optbench in `dir`; returns (exit code, stdout, stderr).
pub(crate) fn optbench(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("optbench")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A results file of the small grid at `dir/name`.
fn results(dir: &Path, name: &str) -> Vec<u8> {
    fs::write(dir.join("small.toml"), SMALL).unwrap();
    let (code, _, err) = optbench(
        dir,
        &["run", "--grid", "small.toml", "--out", name, "--quiet"],
    );
    assert_eq!(code, 0, "{err}");
    fs::read(dir.join(name)).unwrap()
}

#[test]
fn a_failed_run_leaves_an_existing_results_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = results(d, "r.jsonl");
    assert!(!before.is_empty());
    fs::write(d.join("bad.csv"), "x,y\n1,oops\n").unwrap();
    fs::write(
        d.join("bad.toml"),
        SMALL.replace("\"rosenbrock\"", "\"csv:path=bad.csv,target=y\""),
    )
    .unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        let mut args = vec!["run", "--grid", "bad.toml", "--out", "r.jsonl", "--quiet"];
        args.extend_from_slice(extra);
        let (code, _, err) = optbench(d, &args);
        assert_eq!(code, 2, "{extra:?}: {err}");
        // (--resume: the old file is of another grid, which is refused as well)
        assert!(err.contains("bad.csv") || !extra.is_empty(), "{err}");
        assert_eq!(fs::read(d.join("r.jsonl")).unwrap(), before, "{extra:?}");
    }
    // A fresh run over it replaces it only once complete, leaving nothing beside it.
    let (code, _, err) = optbench(
        d,
        &["run", "--grid", "small.toml", "--out", "r.jsonl", "--quiet"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!d.join(".r.jsonl.partial").exists());
    let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(lines(&fs::read(d.join("r.jsonl")).unwrap()), lines(&before));
}

#[test]
fn a_second_writer_of_a_results_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = results(d, "r.jsonl");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(d.join(".r.jsonl.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    for extra in [&["--resume"][..], &[][..]] {
        let mut args = vec!["run", "--grid", "small.toml", "--out", "r.jsonl", "--quiet"];
        args.extend_from_slice(extra);
        let (code, _, err) = optbench(d, &args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("r.jsonl is being written by another optbench run"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(fs::read(d.join("r.jsonl")).unwrap(), before);
    }
    drop(lock);
    let (code, _, err) = optbench(
        d,
        &[
            "run",
            "--grid",
            "small.toml",
            "--out",
            "r.jsonl",
            "--resume",
            "--quiet",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn render_refuses_an_out_it_must_not_replace_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = results(d, "r.jsonl");
    let cases: [(&str, &str); 4] = [
        ("r.jsonl", "is a file, not a report folder"),
        ("/", "not a folder name"),
        (".", "not a folder name"),
        ("..", "not a folder name"),
    ];
    for (out, needle) in cases {
        let (code, stdout, err) = optbench(d, &["render", "r.jsonl", "--out", out]);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(
            err.contains(needle) && err.contains(&format!("--out {out}")),
            "{out}: {err}"
        );
        assert!(stdout.is_empty(), "{out}: worked before failing: {stdout}");
        assert_eq!(fs::read(d.join("r.jsonl")).unwrap(), before, "{out}");
    }
    // The current folder, a folder holding an input, and a folder that is not a report.
    fs::create_dir(d.join("in")).unwrap();
    fs::copy(d.join("r.jsonl"), d.join("in/r.jsonl")).unwrap();
    fs::create_dir(d.join("notes")).unwrap();
    fs::write(d.join("notes/todo.txt"), "keep").unwrap();
    let cwd = d.canonicalize().unwrap();
    for (out, needle) in [
        (cwd.to_str().unwrap(), "current folder"),
        ("in", "holds the input in/r.jsonl"),
        ("notes", "not an optbench report"),
    ] {
        let (code, stdout, err) = optbench(d, &["render", "in/r.jsonl", "--out", out]);
        assert_eq!(code, 2, "{out}: {err}");
        assert!(err.contains(needle), "{out}: {err}");
        assert!(stdout.is_empty(), "{out}: {stdout}");
    }
    assert_eq!(fs::read(d.join("in/r.jsonl")).unwrap(), before);
    assert_eq!(
        fs::read_to_string(d.join("notes/todo.txt")).unwrap(),
        "keep"
    );
    let hidden: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".old-") || n.contains(".tmp-"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn render_cleans_up_after_an_interrupted_swap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    results(d, "r.jsonl");
    let (code, _, err) = optbench(d, &["render", "r.jsonl", "--out", "rep"]);
    assert_eq!(code, 0, "{err}");
    // A process that died between moving the old report aside and moving the new one in,
    // and one that died while staging.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    fs::rename(d.join("rep"), d.join(format!(".rep.old-{dead}"))).unwrap();
    fs::create_dir(d.join(format!(".rep.tmp-{dead}"))).unwrap();
    let (code, _, err) = optbench(d, &["render", "r.jsonl", "--out", "rep"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("rep/index.html").is_file());
    assert!(!d.join(format!(".rep.old-{dead}")).exists());
    assert!(!d.join(format!(".rep.tmp-{dead}")).exists());
}

#[test]
fn errors_cut_a_100_kb_name() {
    let dir = tempfile::tempdir().unwrap();
    let name = "p".repeat(100_000);
    let (code, _, err) = optbench(dir.path(), &["run", "--preset", &name, "--quiet"]);
    assert_eq!(code, 2, "{}", &err[..err.len().min(300)]);
    assert!(err.len() < 1000, "{} bytes of error", err.len());
    assert!(err.contains("bytes)"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
