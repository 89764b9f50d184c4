//! `optbench compare` end to end, and the nightly flow of `examples/` run locally: shards run
//! separately, merged with `render`, compared with the single-machine run.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use optbench::record::read_results;

const GRID: &str = r#"
name = "compare"
epochs = 3
tuning_seeds = 1
evaluation_seeds = 1
problems = ["rosenbrock", "logreg2d"]
optimizers = ["sgd", "adam", "rprop"]
batch_modes = ["full", "minibatch:size=64"]
schedules = ["constant"]
[lr]
points = 3
max_decades = 2
"#;

pub(crate) fn optbench() -> Command {
    Command::cargo_bin("optbench").unwrap()
}

pub(crate) fn run_ok(args: &[&str]) -> String {
    let o = optbench().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "optbench {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A report folder of GRID, made by `report`.
fn report(dir: &Path, name: &str) -> PathBuf {
    let grid = dir.join("grid.toml");
    fs::write(&grid, GRID).unwrap();
    let out = dir.join(name);
    run_ok(&[
        "report",
        "--grid",
        grid.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    out
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap();
        }
    }
}

/// A copy of a report: its folder and the records kept beside it.
fn copy_report(from: &Path, to: &Path) {
    copy_dir(from, to);
    let records = optbench::record::records_beside(from);
    fs::copy(&records, optbench::record::records_beside(to)).unwrap();
}

/// The text of a results file, plain or compressed.
fn text_of(path: &Path) -> String {
    let (bytes, _) = optbench::record::compressed::decode(fs::read(path).unwrap()).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// Writes `text` compressed, as a report holds its results.
fn write_compressed(path: &Path, text: &str) {
    fs::write(
        path,
        optbench::record::compressed::compress(text.as_bytes()).unwrap(),
    )
    .unwrap();
}

fn compare(baseline: &Path, current: &Path, extra: &[&str]) -> std::process::Output {
    optbench()
        .arg("compare")
        .arg(baseline)
        .arg(current)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn compare_finds_exactly_the_doctored_changes() {
    let dir = tempfile::tempdir().unwrap();
    let base = report(dir.path(), "base");

    // Identical inputs: exit 0, no change, no regression.
    let same = dir.path().join("same");
    copy_report(&base, &same);
    let o = compare(&base, &same, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("## Behaviour changes: 0"), "{text}");
    assert!(
        text.contains("## Timing: 0 regressions beyond 10%"),
        "{text}"
    );
    assert!(!text.contains("| regression |"), "{text}");

    // A doctored copy: one run's final test loss, one step cost 50% slower.
    let doctored = dir.path().join("doctored");
    copy_report(&base, &doctored);
    let results = optbench::record::records_beside(&doctored);
    let mut lines: Vec<serde_json::Value> = text_of(&results)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let k = lines
        .iter()
        .position(|r| r["curves"]["test_loss"].is_array() && r["status"] == "completed")
        .unwrap();
    let changed_id = lines[k]["spec"]["id"].as_str().unwrap().to_string();
    let test = lines[k]["curves"]["test_loss"].as_array_mut().unwrap();
    let last = test.last_mut().unwrap();
    *last = serde_json::json!(last.as_f64().unwrap() * 1.001);
    write_compressed(
        &results,
        &lines
            .iter()
            .map(|l| serde_json::to_string(l).unwrap() + "\n")
            .collect::<String>(),
    );
    let timing_file = doctored.join("timing.json");
    let mut timing: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&timing_file).unwrap()).unwrap();
    let cost = &mut timing["costs"][2];
    let slowed = cost["spec"].as_str().unwrap().to_string();
    cost["ns_per_param"] = serde_json::json!(cost["ns_per_param"].as_f64().unwrap() * 1.5);
    fs::write(&timing_file, serde_json::to_string(&timing).unwrap()).unwrap();

    let o = compare(&base, &doctored, &[]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("## Behaviour changes: 1"), "{text}");
    assert!(text.contains(&format!("| `{changed_id}` |")), "{text}");
    assert!(text.contains("final test objective"), "{text}");
    assert!(
        text.contains("## Timing: 1 regression beyond 10%"),
        "{text}"
    );
    let regression_rows: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with("| regression |"))
        .collect();
    assert_eq!(regression_rows.len(), 1, "{text}");
    assert!(
        regression_rows[0].starts_with(&format!("| step cost {slowed} |")),
        "{}",
        regression_rows[0]
    );
    assert!(
        regression_rows[0].contains("+50.0%"),
        "{}",
        regression_rows[0]
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("step cost {slowed}")), "{err}");

    // A threshold above 50% lets the slowdown pass; --fail-on-change still fails on the run.
    let o = compare(&base, &doctored, &["--threshold", "60%"]);
    assert_eq!(o.status.code(), Some(0));
    let o = compare(
        &base,
        &doctored,
        &["--threshold", "0.6", "--fail-on-change"],
    );
    assert_eq!(o.status.code(), Some(1));

    // JSON: the documented array shape.
    let o = compare(&base, &doctored, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = json.as_array().unwrap();
    assert!(items.len() > 3);
    for item in items {
        assert!(item["name"].is_string(), "{item}");
        assert!(item["unit"].is_string(), "{item}");
        assert!(item["value"].is_number(), "{item}");
    }
    let by_name = |n: &str| items.iter().find(|i| i["name"] == n).unwrap();
    assert_eq!(by_name("behaviour changes")["value"], 1);
    assert!(
        by_name(&format!("step cost {slowed}"))["extra"]
            .as_str()
            .unwrap()
            .ends_with("regression")
    );

    // Results files compare too (no step costs then); bad input is exit 2.
    let o = compare(&optbench::record::records_beside(&base), &results, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("## Behaviour changes: 1")
    );
    for (a, b, extra) in [
        (base.clone(), dir.path().join("missing"), vec![]),
        (base.clone(), dir.path().to_path_buf(), vec![]),
        (base.clone(), doctored.clone(), vec!["--threshold", "10"]),
        (base.clone(), doctored.clone(), vec!["--format", "xml"]),
    ] {
        let o = compare(&a, &b, &extra);
        assert_eq!(o.status.code(), Some(2), "{b:?} {extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

fn records_without_timing(p: &Path) -> Vec<String> {
    let mut r: Vec<String> = read_results(p)
        .unwrap()
        .records
        .iter()
        .map(|r| serde_json::to_string(&r.without_timing()).unwrap())
        .collect();
    r.sort();
    r
}

/// Runs a script of `examples/nightly/` with the flow's settings pointing at `work`.
fn script(work: &Path, grid: &Path, path_prefix: Option<&Path>, args: &[&str]) -> String {
    script_with(work, grid, path_prefix, &[], args)
}

/// [`script`] with more settings (`OPTBENCH_DATE`, `OPTBENCH_KEEP`, ...).
fn script_with(
    work: &Path,
    grid: &Path,
    path_prefix: Option<&Path>,
    settings: &[(&str, &str)],
    args: &[&str],
) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = std::process::Command::new("bash");
    cmd.args(args)
        .envs(settings.iter().copied())
        .current_dir(root)
        .env("OPTBENCH", assert_cmd::cargo::cargo_bin("optbench"))
        .env("OPTBENCH_GRID", grid)
        .env("OPTBENCH_WORK", work)
        // Timings of tiny runs are noise: only a behaviour change would fail here.
        .env("OPTBENCH_THRESHOLD", "100000%");
    if let Some(prefix) = path_prefix {
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.env("PATH", format!("{}:{path}", prefix.display()));
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "bash {args:?}: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The flow of `examples/nightly/` (`steps.sh`, which `.github/workflows/nightly.yml` calls per
/// matrix job), on
/// one machine: each shard run on its own, the shards merged with `render` and the history
/// appended, the merged report compared with a single-machine run of the same grid.
#[test]
fn sharded_nightly_flow_equals_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let single = report(dir.path(), "single");
    let grid = dir.path().join("grid.toml");
    let work = dir.path().join("nightly");
    for i in 0..3 {
        script(
            &work,
            &grid,
            None,
            &["examples/nightly/steps.sh", "shard", &i.to_string(), "3"],
        );
    }
    let first = script(&work, &grid, None, &["examples/nightly/steps.sh", "merge"]);
    assert!(first.contains("no baseline"), "{first}");
    let site = work.join("site");
    // Record for record, the union of the shards is the single run.
    assert_eq!(
        records_without_timing(&optbench::record::records_beside(&single)),
        records_without_timing(&optbench::record::records_beside(&site))
    );
    assert_eq!(
        fs::read_to_string(site.join("history.jsonl"))
            .unwrap()
            .lines()
            .count(),
        1
    );
    assert!(site.join("history.html").exists());

    // The next night compares with the published (here: single-run) report.
    let second = script(
        &work,
        &grid,
        None,
        &[
            "examples/nightly/steps.sh",
            "merge",
            single.to_str().unwrap(),
        ],
    );
    let runs = read_results(&optbench::record::records_beside(&single))
        .unwrap()
        .records
        .len();
    assert!(
        second.contains(&format!("{runs} runs in common")),
        "{second}"
    );
    assert!(second.contains("## Behaviour changes: 0"), "{second}");
    // `render` measures nothing: the merge step records the timing pass and draws it, so the
    // step costs are still compared night to night.
    assert!(work.join("timing.json").exists());
    assert!(site.join("timing.json").exists());
    assert!(second.contains("| step cost adam |"), "{second}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.join("benchmark.json")).unwrap()).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "behaviour changes")
    );
    assert_eq!(
        fs::read_to_string(work.join("history.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );

    // A changed result fails the night (compare's exit code is the script's).
    let doctored = dir.path().join("doctored");
    copy_report(&single, &doctored);
    let results = optbench::record::records_beside(&doctored);
    let text = text_of(&results);
    write_compressed(
        &results,
        &text.replacen("\"status\":\"completed\"", "\"status\":\"diverged\"", 1),
    );
    let o = std::process::Command::new("bash")
        .args([
            "examples/nightly/steps.sh",
            "merge",
            doctored.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("OPTBENCH", assert_cmd::cargo::cargo_bin("optbench"))
        .env("OPTBENCH_GRID", &grid)
        .env("OPTBENCH_WORK", &work)
        .env("OPTBENCH_THRESHOLD", "100000%")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("## Behaviour changes: 1"), "{out}");
}

/// The nightly's publishing, night after night, with a `file://` URL standing in for GitHub
/// Pages: each night fetches the published site, merges against its `latest/`, publishes a
/// dated report, and the site stays bounded (`OPTBENCH_KEEP`) with its history growing and a
/// landing page that lists the dated reports kept, newest first.
#[test]
fn nightly_publish_keeps_a_bounded_site_that_the_next_night_fetches() {
    let dir = tempfile::tempdir().unwrap();
    let grid = dir.path().join("grid.toml");
    fs::write(&grid, GRID).unwrap();
    let work = dir.path().join("nightly");
    for i in 0..2 {
        script(
            &work,
            &grid,
            None,
            &["examples/nightly/steps.sh", "shard", &i.to_string(), "2"],
        );
    }
    let published = dir.path().join("published");
    let url = format!("file://{}", published.display());
    let steps = "examples/nightly/steps.sh";
    for (night, day) in ["2026-12-01", "2026-12-02", "2026-12-03"]
        .iter()
        .enumerate()
    {
        // A fresh runner: the work folder keeps only the shards.
        let _ = fs::remove_file(work.join("history.jsonl"));
        let site = dir.path().join(format!("site-{night}"));
        let s = site.to_str().unwrap();
        let fetched = script(&work, &grid, None, &[steps, "fetch", &url, s]);
        let merged = script(
            &work,
            &grid,
            None,
            &[steps, "merge", &format!("{s}/latest")],
        );
        if night == 0 {
            assert!(fetched.contains("nothing published"), "{fetched}");
            assert!(merged.contains("no baseline"), "{merged}");
        } else {
            assert!(fetched.contains(" files from "), "{fetched}");
            assert!(merged.contains("## Behaviour changes: 0"), "{merged}");
        }
        let settings = [("OPTBENCH_DATE", *day), ("OPTBENCH_KEEP", "2")];
        script_with(&work, &grid, None, &settings, &[steps, "publish", s]);
        // The history grows by a night, the dated reports stay at two.
        let history = fs::read_to_string(site.join("history.jsonl")).unwrap();
        assert_eq!(history.lines().count(), night + 1);
        let mut dated: Vec<String> = fs::read_dir(&site)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("2026-"))
            .collect();
        dated.sort();
        let expected = ["2026-12-01", "2026-12-02", "2026-12-03"];
        assert_eq!(dated, expected[night.saturating_sub(1)..=night]);
        assert!(site.join("latest/history.html").is_file());
        // The records are published once, beside the latest report (the next night's
        // baseline); each report folder holds its table of runs instead.
        assert!(site.join("latest.results.jsonl.zst").is_file());
        assert!(site.join(day).join("runs.csv.gz").is_file());
        let inside: Vec<String> = walk(&site)
            .into_iter()
            .filter(|f| f.contains('/') && f.ends_with(".jsonl.zst"))
            .collect();
        assert!(
            inside.is_empty(),
            "records inside report folders: {inside:?}"
        );
        // files.txt lists every file of the site (the next fetch's list), and nothing else.
        let listed: Vec<String> = fs::read_to_string(site.join("files.txt"))
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let mut files: Vec<String> = walk(&site)
            .into_iter()
            .filter(|f| f != "files.txt")
            .collect();
        files.sort();
        assert_eq!(listed, files);
        // The landing page: the dated reports, newest first, each linked.
        let html = fs::read_to_string(site.join("index.html")).unwrap();
        let rows: Vec<usize> = dated
            .iter()
            .map(|d| html.find(&format!(">{d}</a>")).unwrap())
            .collect();
        assert!(
            rows.windows(2).all(|w| w[0] > w[1]),
            "newest first: {dated:?}"
        );
        for d in &dated {
            assert!(
                html.contains(&format!("href=\"{d}&#x2f;index.html\"")),
                "{html}"
            );
        }
        assert!(html.contains("href=\"latest&#x2f;history.html\""), "{html}");
        // "Deploy": the site replaces the published one.
        let _ = fs::remove_dir_all(&published);
        copy_dir(&site, &published);
    }
}

/// Every file under `dir`, relative to it.
fn walk(dir: &Path) -> Vec<String> {
    crate::report::walk(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect()
}

/// `slurm-array.sh` submits an array of shards and a dependent merge; with a stand-in
/// `sbatch` that runs each job at once, it produces the same report as the single run.
#[test]
fn slurm_example_runs_with_a_stand_in_sbatch() {
    let dir = tempfile::tempdir().unwrap();
    let single = report(dir.path(), "single");
    let grid = dir.path().join("grid.toml");
    let bin = dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let sbatch = bin.join("sbatch");
    fs::write(
        &sbatch,
        r#"#!/usr/bin/env bash
# Stand-in for sbatch: runs the job now (array tasks in order) and prints a job id.
array="" exports=""
while [ $# -gt 1 ]; do
    case "$1" in
    --array=*) array=${1#--array=} ;;
    --export=*) exports=${1#--export=} ;;
    esac
    shift
done
IFS=, read -ra pairs <<<"$exports"
for p in "${pairs[@]}"; do [ "$p" = ALL ] || export "$p"; done
export SLURM_SUBMIT_DIR=$PWD
if [ -n "$array" ]; then
    for i in $(seq "${array%-*}" "${array#*-}"); do
        SLURM_ARRAY_TASK_ID=$i bash "$1" >&2
    done
else
    bash "$1" >&2
fi
echo "$RANDOM"
"#,
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&sbatch, fs::Permissions::from_mode(0o755)).unwrap();
    let work = dir.path().join("slurm");
    let out = script(
        &work,
        &grid,
        Some(&bin),
        &[
            "examples/nightly/slurm-array.sh",
            "4",
            single.to_str().unwrap(),
        ],
    );
    assert!(out.contains("submitted shards as job"), "{out}");
    for i in 0..4 {
        assert!(work.join(format!("shards/shard-{i}.jsonl")).exists());
    }
    assert_eq!(
        records_without_timing(&optbench::record::records_beside(&single)),
        records_without_timing(&work.join("site.results.jsonl.zst"))
    );
    let compared = fs::read_to_string(work.join("compare.md")).unwrap();
    assert!(compared.contains("## Behaviour changes: 0"), "{compared}");
}
