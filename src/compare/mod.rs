//! `optbench compare`: two sets of results, run by run.
//!
//! - **Convergence** is deterministic (same grid and seed → bit-identical records, timing
//!   fields aside), so it is compared exactly: every run whose record differs is a behaviour
//!   change, listed with its id and the first quantity that moved.
//! - **Timing** moves with the machine, so it is compared against a relative threshold:
//!   each update's step cost (from the reports' `timing.json`), the grid's wall time (from
//!   `manifest.json`), and each optimizer's summed run time over the runs both sides share.
//!   A metric slower than the baseline by more than the threshold is a regression.
//!
//! A side is a report folder (the records beside it, `DIR.results.jsonl.zst`, and its
//! `timing.json` and `manifest.json` where present) or a results file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::grid::SeedRole;
use crate::num::shortest;
use crate::record::{RunRecord, Status, check_one_grid, read_results};
use crate::timing::TimingPass;

/// One side of a comparison.
#[derive(Debug, Clone)]
pub struct Side {
    /// Where it was read from.
    pub path: PathBuf,
    /// Records by run id.
    pub records: BTreeMap<String, RunRecord>,
    /// The timing pass, when the side is a report folder that has one.
    pub timing: Option<TimingPass>,
    /// The run stage's wall seconds, when the side's manifest records them.
    pub run_seconds: Option<f64>,
}

fn side_error(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{}: {what}", path.display()))
}

impl Side {
    /// Reads a report folder or a results file.
    pub fn load(path: &Path) -> Result<Side, Error> {
        let (results, folder) = if path.is_dir() {
            // A report's records beside it; a folder from before they moved out, the
            // compressed or plain copy inside it.
            let beside = crate::record::records_beside(path);
            let results = [
                beside.clone(),
                path.join("results.jsonl.zst"),
                path.join("results.jsonl"),
            ]
            .into_iter()
            .find(|p| p.exists())
            .ok_or_else(|| {
                side_error(
                    path,
                    format!(
                        "this report folder has no records beside it ({}); give a report \
                         folder or a results file",
                        beside.display()
                    ),
                )
            })?;
            (results, Some(path))
        } else if path.exists() {
            (path.to_path_buf(), None)
        } else {
            return Err(side_error(
                path,
                "no such file or folder; give a report folder or a results file",
            ));
        };
        let read = read_results(&results)?;
        if read.records.is_empty() {
            return Err(side_error(&results, "holds no runs"));
        }
        // One grid per side, as `render` requires (two sides may be different grids).
        check_one_grid(&read.records, &results.display().to_string())?;
        // `read_results` has refused two different records under one id and kept one of
        // identical ones.
        let records: BTreeMap<String, RunRecord> = read
            .records
            .into_iter()
            .map(|r| (r.spec.id.clone(), r))
            .collect();
        let (mut timing, mut run_seconds) = (None, None);
        if let Some(folder) = folder {
            let timing_file = folder.join("timing.json");
            if timing_file.exists() {
                let text = std::fs::read_to_string(&timing_file)
                    .map_err(|e| side_error(&timing_file, e))?;
                timing =
                    Some(serde_json::from_str(&text).map_err(|e| {
                        side_error(&timing_file, format!("not a timing pass ({e})"))
                    })?);
            }
            let manifest_file = folder.join("manifest.json");
            if manifest_file.exists() {
                let text = std::fs::read_to_string(&manifest_file)
                    .map_err(|e| side_error(&manifest_file, e))?;
                let manifest: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| side_error(&manifest_file, format!("not JSON ({e})")))?;
                run_seconds = manifest["run_seconds"].as_f64();
            }
        }
        Ok(Side {
            path: path.to_path_buf(),
            records,
            timing,
            run_seconds,
        })
    }
}

/// A run whose deterministic results differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Run id.
    pub id: String,
    /// Problem spec.
    pub problem: String,
    /// Optimizer label.
    pub optimizer: String,
    /// Batch mode.
    pub batch: String,
    /// Schedule.
    pub schedule: String,
    /// Seed index.
    pub seed_index: usize,
    /// The first quantity that differs, with both values.
    pub what: String,
}

/// A timing metric on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingMetric {
    /// What is timed.
    pub name: String,
    /// Its unit.
    pub unit: &'static str,
    /// Value on the baseline side.
    pub baseline: f64,
    /// Value on the current side.
    pub current: f64,
}

impl TimingMetric {
    /// Relative change, current over baseline minus one (0.5: 50% slower).
    pub fn change(&self) -> f64 {
        if self.baseline > 0.0 {
            self.current / self.baseline - 1.0
        } else if self.current > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }
}

/// The comparison of two sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The baseline side, as given.
    pub baseline: String,
    /// The current side, as given.
    pub current: String,
    /// Relative threshold for timing regressions (0.1: 10%).
    pub threshold: f64,
    /// Runs on both sides.
    pub common: usize,
    /// Behaviour changes among them, in run-id order.
    pub changes: Vec<Change>,
    /// Run ids on one side only.
    pub only_baseline: Vec<String>,
    /// Run ids on the current side only.
    pub only_current: Vec<String>,
    /// Timing metrics present on both sides.
    pub timing: Vec<TimingMetric>,
}

/// The first difference between two records of one run, or `None` if their deterministic
/// parts are identical. Wall-clock fields and what the grid says about a run (its fingerprint,
/// the optimizer's label, whether the lr is the grid's default and the sweep's centre, and
/// whether the seed tunes or evaluates, whether the problem is held out, whether the run keeps
/// its path: trajectories compare only where both records have one) are not compared: they
/// describe the grid, not what the run computed, so one run found in two different grids
/// compares by its results alone. (A seed's role decides which epochs a run records, so the
/// same run as a tuning seed in one grid and an evaluation seed in another differs in its
/// recorded epochs.)
pub fn difference(a: &RunRecord, b: &RunRecord) -> Option<String> {
    let results = |r: &RunRecord| {
        let mut r = r.without_timing();
        r.grid.clear();
        r.spec.label.clear();
        r.spec.default_lr = false;
        r.spec.base_lr = 0.0;
        r.spec.role = SeedRole::Tuning;
        r.spec.set = crate::grid::InstanceSet::Selection;
        r.spec.trajectory = false;
        r
    };
    let (mut a, mut b) = (results(a), results(b));
    if a.trajectory.is_none() || b.trajectory.is_none() {
        // Whether a run keeps its path is the grid's choice; paths compare where both have one.
        a.trajectory = None;
        b.trajectory = None;
    }
    if a == b {
        return None;
    }
    let status = |r: &RunRecord| match (r.status, r.diverged_epoch) {
        (Status::Diverged, Some(e)) => format!("diverged at epoch {e}"),
        (Status::Diverged, None) => "diverged".to_string(),
        (Status::Completed, _) => "completed".to_string(),
    };
    if status(&a) != status(&b) {
        return Some(format!("status {} → {}", status(&a), status(&b)));
    }
    let finals = [
        (
            "final test objective",
            a.final_test_loss(),
            b.final_test_loss(),
        ),
        (
            "final validation objective",
            a.final_validation_loss(),
            b.final_validation_loss(),
        ),
        (
            "final train objective",
            a.final_train_loss(),
            b.final_train_loss(),
        ),
    ];
    for (name, x, y) in finals {
        if x.to_bits() != y.to_bits() {
            return Some(format!("{name} {} → {}", shortest(x), shortest(y)));
        }
    }
    let curves = |r: &RunRecord| -> Vec<(&'static str, Vec<f64>)> {
        let c = &r.curves;
        vec![
            ("train objective", c.train_loss.clone()),
            (
                "validation objective",
                c.validation_loss.clone().unwrap_or_default(),
            ),
            ("test objective", c.test_loss.clone().unwrap_or_default()),
            ("lr", c.lr.clone()),
            ("gradient norm", c.gradient_norm.clone()),
            ("update norm", c.update_norm.clone()),
        ]
    };
    for ((name, x), (_, y)) in curves(&a).into_iter().zip(curves(&b)) {
        if let Some(i) = (0..x.len().max(y.len()))
            .find(|&i| x.get(i).map(|v| v.to_bits()) != y.get(i).map(|v| v.to_bits()))
        {
            let at = |v: &[f64]| v.get(i).map_or_else(|| "absent".into(), |v| shortest(*v));
            let epoch = a
                .curves
                .epoch
                .get(i)
                .or(b.curves.epoch.get(i))
                .copied()
                .unwrap_or(i);
            return Some(format!("{name} at epoch {epoch}: {} → {}", at(&x), at(&y)));
        }
    }
    let fields = [
        ("correct predictions", a.curves.correct != b.curves.correct),
        ("best epoch", a.best != b.best),
        ("per-epoch counts", a.per_epoch != b.per_epoch),
        ("trajectory", a.trajectory != b.trajectory),
        ("recorded epochs", a.curves.epoch != b.curves.epoch),
        (
            "problem size or optimum",
            (a.dim, &a.samples, a.optimum, a.family) != (b.dim, &b.samples, b.optimum, b.family),
        ),
        ("run specification", a.spec != b.spec),
    ];
    let moved: Vec<&str> = fields.iter().filter(|f| f.1).map(|f| f.0).collect();
    Some(if moved.is_empty() {
        "other recorded fields".to_string()
    } else {
        moved.join(", ")
    })
}

/// Compares `current` with `baseline`. `threshold` is relative (0.1: 10%).
pub fn compare(baseline: &Side, current: &Side, threshold: f64) -> Result<Comparison, Error> {
    let common: Vec<&String> = baseline
        .records
        .keys()
        .filter(|id| current.records.contains_key(*id))
        .collect();
    if common.is_empty() {
        return Err(Error::Usage(format!(
            "{} and {} have no run in common: compare results of the same grid",
            baseline.path.display(),
            current.path.display()
        )));
    }
    let changes = common
        .iter()
        .filter_map(|&id| {
            let (a, b) = (&baseline.records[id], &current.records[id]);
            difference(a, b).map(|what| Change {
                id: id.clone(),
                problem: a.spec.problem.clone(),
                optimizer: a.spec.optimizer.clone(),
                batch: a.spec.batch.clone(),
                schedule: a.spec.schedule.clone(),
                seed_index: a.spec.seed_index,
                what,
            })
        })
        .collect();
    let only = |x: &Side, y: &Side| -> Vec<String> {
        x.records
            .keys()
            .filter(|id| !y.records.contains_key(*id))
            .cloned()
            .collect()
    };

    let mut timing = Vec::new();
    if let (Some(a), Some(b)) = (&baseline.timing, &current.timing) {
        for cost in &a.costs {
            if let Some(now) = b.costs.iter().find(|c| c.spec == cost.spec) {
                timing.push(TimingMetric {
                    name: format!("step cost {}", cost.spec),
                    unit: "ns/param",
                    baseline: cost.ns_per_param,
                    current: now.ns_per_param,
                });
            }
        }
    }
    if let (Some(a), Some(b)) = (baseline.run_seconds, current.run_seconds) {
        timing.push(TimingMetric {
            name: "grid wall time".into(),
            unit: "s",
            baseline: a,
            current: b,
        });
    }
    let mut per_optimizer: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for &id in &common {
        let (a, b) = (&baseline.records[id], &current.records[id]);
        let sums = per_optimizer.entry(a.spec.label.as_str()).or_default();
        sums.0 += a.wall_seconds;
        sums.1 += b.wall_seconds;
    }
    for (label, (a, b)) in per_optimizer {
        timing.push(TimingMetric {
            name: format!("run time {label}"),
            unit: "s",
            baseline: a,
            current: b,
        });
    }
    Ok(Comparison {
        baseline: baseline.path.display().to_string(),
        current: current.path.display().to_string(),
        threshold,
        common: common.len(),
        changes,
        only_baseline: only(baseline, current),
        only_current: only(current, baseline),
        timing,
    })
}

/// A fraction as a percentage without trailing zeros (0.1 → "10").
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.3}", fraction * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Behaviour changes listed in the markdown before the rest is summarised.
const LISTED_CHANGES: usize = 100;

impl Comparison {
    /// Timing metrics slower than the baseline by more than the threshold.
    pub fn regressions(&self) -> Vec<&TimingMetric> {
        self.timing
            .iter()
            .filter(|m| m.change() > self.threshold)
            .collect()
    }

    fn verdict(&self, m: &TimingMetric) -> &'static str {
        let c = m.change();
        if c > self.threshold {
            "regression"
        } else if c < -self.threshold {
            "faster"
        } else {
            "within noise"
        }
    }

    /// The comparison for humans.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "# optbench compare\n\nBaseline `{}`, current `{}`: {} runs in common.\n\n",
            self.baseline, self.current, self.common
        );
        s += &format!("## Behaviour changes: {}\n\n", self.changes.len());
        if self.changes.is_empty() {
            s += "Every run in common has bit-identical results (timing fields and the grid's labels aside).\n\n";
        } else {
            s +=
                "Results are deterministic, so each of these runs now computes something else.\n\n";
            s += "| run | problem | optimizer | batch | schedule | seed | what changed |\n";
            s += "|---|---|---|---|---|---|---|\n";
            for c in self.changes.iter().take(LISTED_CHANGES) {
                s += &format!(
                    "| `{}` | `{}` | `{}` | `{}` | `{}` | {} | {} |\n",
                    c.id, c.problem, c.optimizer, c.batch, c.schedule, c.seed_index, c.what
                );
            }
            if self.changes.len() > LISTED_CHANGES {
                s += &format!(
                    "\n… and {} more (`--format json` counts them; the run ids are stable).\n",
                    self.changes.len() - LISTED_CHANGES
                );
            }
            s += "\n";
        }
        for (side, ids) in [
            ("baseline", &self.only_baseline),
            ("current", &self.only_current),
        ] {
            if !ids.is_empty() {
                s += &format!(
                    "{} runs only in the {side} (the grids differ): {}{}\n\n",
                    ids.len(),
                    ids.iter()
                        .take(10)
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if ids.len() > 10 { ", …" } else { "" }
                );
            }
        }
        let regressions = self.regressions();
        s += &format!(
            "## Timing: {} regression{} beyond {}%\n\n",
            regressions.len(),
            if regressions.len() == 1 { "" } else { "s" },
            percent(self.threshold)
        );
        if self.timing.is_empty() {
            s += "No timing metric compared: results files carry run times only, report folders add step costs and wall time, and `--no-timing` skips them all.\n";
        } else {
            s += "| metric | unit | baseline | current | change | verdict |\n";
            s += "|---|---|---|---|---|---|\n";
            for m in &self.timing {
                s += &format!(
                    "| {} | {} | {:.4} | {:.4} | {:+.1}% | {} |\n",
                    m.name,
                    m.unit,
                    m.baseline,
                    m.current,
                    m.change() * 100.0,
                    self.verdict(m)
                );
            }
        }
        s
    }

    /// The `[{"name", "unit", "value"}]` array that benchmark-tracking CI actions read
    /// (smaller is better): every timing metric at its current value, then the number of
    /// behaviour changes. `extra` says the baseline and the verdict.
    pub fn json(&self) -> serde_json::Value {
        let mut out: Vec<serde_json::Value> = self
            .timing
            .iter()
            .map(|m| {
                serde_json::json!({
                    "name": m.name,
                    "unit": m.unit,
                    "value": m.current,
                    "extra": format!(
                        "baseline {} {}, {:+.1}%: {}",
                        shortest(m.baseline), m.unit, m.change() * 100.0, self.verdict(m)
                    ),
                })
            })
            .collect();
        out.push(serde_json::json!({
            "name": "behaviour changes",
            "unit": "runs",
            "value": self.changes.len(),
            "extra": self.changes.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(" "),
        }));
        serde_json::Value::Array(out)
    }

    /// What `--format json` prints: [`Comparison::json`], pretty, ending in a newline.
    pub fn json_text(&self) -> String {
        serde_json::to_string_pretty(&self.json()).expect("plain JSON values") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{Shape, data, scenario};
    use crate::problem::Family;

    fn side(records: Vec<RunRecord>) -> Side {
        Side {
            path: PathBuf::from("x"),
            records: records
                .into_iter()
                .map(|r| (r.spec.id.clone(), r))
                .collect(),
            timing: None,
            run_seconds: Some(10.0),
        }
    }

    fn records() -> Vec<RunRecord> {
        scenario(
            &[data("logreg2d:l2=0.0", Family::SmoothConvex)],
            &["sgd", "adam"],
            &["full"],
            &["constant:min_lr=0.0"],
            |_, _, _, _, _, _| Shape::ends(0.01),
        )
    }

    /// A report folder's records are read from beside it; a folder written before they moved
    /// out, from inside it; a folder with neither is an error naming where they belong.
    #[test]
    fn a_report_folder_is_read_from_its_records_beside_it_or_inside_an_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &Path, records: &[RunRecord]| {
            let mut text = String::new();
            for r in records {
                text.push_str(&serde_json::to_string(r).unwrap());
                text.push('\n');
            }
            let bytes = crate::record::compressed::compress(text.as_bytes()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        let all = records();
        let folder = dir.path().join("latest");
        std::fs::create_dir(&folder).unwrap();
        let err = Side::load(&folder).unwrap_err().to_string();
        assert!(err.contains("latest.results.jsonl.zst"), "{err}");
        // An old folder: its records inside.
        write(&folder.join("results.jsonl.zst"), &all[..2]);
        assert_eq!(Side::load(&folder).unwrap().records.len(), 2);
        // Records beside the folder come first.
        write(&crate::record::records_beside(&folder), &all);
        assert_eq!(Side::load(&folder).unwrap().records.len(), all.len());
    }

    #[test]
    fn identical_sides_have_no_change_and_no_regression() {
        let c = compare(&side(records()), &side(records()), 0.1).unwrap();
        assert!(c.changes.is_empty());
        assert!(c.regressions().is_empty());
        assert_eq!(c.common, records().len());
    }

    #[test]
    fn a_changed_curve_and_a_slower_wall_time_are_found() {
        let base = records();
        let mut now = records();
        let last = now[3].last();
        now[3].curves.train_loss[last] *= 1.0 + 1e-15;
        now[3].wall_seconds += 1.0; // timing alone is no behaviour change
        let mut now = side(now);
        now.run_seconds = Some(15.5);
        let c = compare(&side(base.clone()), &now, 0.1).unwrap();
        assert_eq!(c.changes.len(), 1);
        assert_eq!(c.changes[0].id, base[3].spec.id);
        assert!(
            c.changes[0].what.starts_with("final "),
            "{}",
            c.changes[0].what
        );
        let names: Vec<&str> = c.regressions().iter().map(|m| m.name.as_str()).collect();
        assert!(names.contains(&"grid wall time"), "{names:?}");
        assert!(c.markdown().contains(&base[3].spec.id));
    }

    #[test]
    fn differences_name_the_first_quantity_that_moved() {
        let a = &records()[0];
        let mut b = a.clone();
        b.curves.gradient_norm[1] += 1.0;
        assert!(
            difference(a, &b)
                .unwrap()
                .starts_with("gradient norm at epoch 1")
        );
        let mut d = a.clone();
        d.status = Status::Diverged;
        d.diverged_epoch = Some(2);
        assert_eq!(
            difference(a, &d).unwrap(),
            "status completed → diverged at epoch 2"
        );
        assert_eq!(difference(a, &a.clone()), None);
        let mut e = a.clone();
        e.best.epoch += 1;
        assert_eq!(difference(a, &e).unwrap(), "best epoch");
    }

    /// One run met in two grids (the same id) may differ in what each grid says about it;
    /// none of that is a behaviour change.
    #[test]
    fn the_grid_and_label_are_not_results() {
        let a = &records()[0];
        let mut b = a.clone();
        b.grid = "another grid".into();
        b.spec.label = format!("{} (variant)", a.spec.label);
        b.spec.default_lr = !a.spec.default_lr;
        b.spec.base_lr = a.spec.base_lr * 10.0;
        b.spec.role = match a.spec.role {
            SeedRole::Tuning => SeedRole::Evaluation,
            SeedRole::Evaluation => SeedRole::Tuning,
        };
        b.wall_seconds += 3.0;
        assert_eq!(difference(a, &b), None);
        // One grid keeps the run's path and the other does not: the same results.
        let mut traced = a.clone();
        traced.spec.trajectory = true;
        traced.trajectory = Some(vec![[1.0, 2.0], [0.5, 1.0]]);
        assert_eq!(difference(a, &traced), None);
        assert_eq!(difference(&traced, a), None);
        // Two paths that differ are a change.
        let mut moved = traced.clone();
        moved.trajectory = Some(vec![[1.0, 2.0], [0.5, 1.5]]);
        assert_eq!(difference(&traced, &moved).unwrap(), "trajectory");
    }

    // Snapshot tests (insta): any change to the markdown or JSON that `optbench compare` prints
    // fails them, so every change users would see is seen in review. To accept an intended
    // change: `INSTA_UPDATE=always cargo test --release --lib compare`, then review the diff of
    // `src/compare/snapshots/` and commit it with the change.

    /// A step cost on a timing pass at 1 GB/s.
    fn cost(spec: &str, ns_per_param: f64) -> crate::timing::StepCost {
        crate::timing::StepCost {
            spec: spec.into(),
            name: spec.into(),
            bytes_per_param: 24,
            ns_per_param,
            bound_ns_per_param: 24.0,
        }
    }

    /// Two report folders of the same 50 runs: the current one has one doctored run (its final
    /// objective nudged by one part in 10^15, and a second slower), a slower grid, one update
    /// faster and one unchanged.
    fn doctored() -> Comparison {
        let pass = |sgd: f64, adam: f64| crate::timing::TimingPass {
            dim: 1000,
            repeats: 3,
            bandwidth: crate::timing::Bandwidth {
                bytes_per_second: 1e9,
            },
            costs: vec![cost("sgd", sgd), cost("adam", adam)],
            machine: None,
        };
        let mut baseline = side(records());
        baseline.path = PathBuf::from("reports/baseline");
        baseline.timing = Some(pass(30.0, 50.0));
        let mut now = records();
        let last = now[3].last();
        now[3].curves.train_loss[last] *= 1.0 + 1e-15;
        now[3].wall_seconds += 1.0;
        let mut current = side(now);
        current.path = PathBuf::from("reports/current");
        current.timing = Some(pass(30.5, 40.0));
        current.run_seconds = Some(12.0);
        compare(&baseline, &current, 0.1).expect("runs in common")
    }

    #[test]
    fn markdown_matches_its_snapshot() {
        insta::assert_snapshot!("compare_markdown", doctored().markdown());
    }

    #[test]
    fn json_matches_its_snapshot() {
        insta::assert_snapshot!("compare_json", doctored().json_text());
    }

    #[test]
    fn no_common_run_is_an_error() {
        let mut other = records();
        for r in &mut other {
            r.spec.id.push('x');
        }
        let err = compare(&side(records()), &side(other), 0.1).unwrap_err();
        assert!(err.to_string().contains("no run in common"));
    }
}
