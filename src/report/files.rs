//! The report's data files and the atomic replacement of the report folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::Analysis;
use crate::error::Error;
use crate::record::RunRecord;

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// `results.csv`: one row per run, final values and cost.
pub fn results_csv(records: &[RunRecord]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "problem",
        "optimizer",
        "label",
        "lr",
        "default_lr",
        "batch",
        "schedule",
        "seed_index",
        "role",
        "status",
        "diverged_epoch",
        "epochs_recorded",
        "final_train",
        "final_validation",
        "final_test",
        "best_epoch",
        "best_validation",
        "gradient_evals",
        "loss_evals",
        "updates",
        "wall_seconds",
    ];
    let csv_err = |e: csv::Error| Error::Usage(format!("writing results.csv: {e}"));
    w.write_record(header).map_err(csv_err)?;
    for r in records {
        let s = &r.spec;
        let epochs = r.epochs_run() as u64;
        let f = |x: f64| crate::num::shortest(x);
        w.write_record([
            s.id.clone(),
            s.problem.clone(),
            s.optimizer.clone(),
            s.label.clone(),
            f(s.lr),
            s.default_lr.to_string(),
            s.batch.clone(),
            s.schedule.clone(),
            s.seed_index.to_string(),
            format!("{:?}", s.role).to_lowercase(),
            format!("{:?}", r.status).to_lowercase(),
            r.diverged_epoch.map(|e| e.to_string()).unwrap_or_default(),
            r.last_epoch().to_string(),
            f(r.final_train_loss()),
            f(r.final_validation_loss()),
            f(r.final_test_loss()),
            r.best.epoch.to_string(),
            f(r.best.validation_loss),
            (r.per_epoch.gradient_evals * epochs).to_string(),
            (r.per_epoch.loss_evals * epochs).to_string(),
            (r.per_epoch.updates * epochs).to_string(),
            f(r.wall_seconds),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("writing results.csv: {e}")))
}

/// `results.jsonl`: the records, one per line, sorted by run id.
pub fn results_jsonl(records: &[RunRecord]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r)
            .map_err(|e| Error::Usage(format!("writing results.jsonl: {e}")))?;
        out.push(b'\n');
    }
    Ok(out)
}

/// The effective grid, reconstructed from the records alone.
#[derive(Debug, Serialize)]
pub struct EffectiveGrid<'a> {
    pub fingerprint: &'a str,
    pub runs: usize,
    pub problems: Vec<GridProblemView<'a>>,
    pub optimizers: Vec<(&'a str, &'a str)>,
    pub batch_modes: &'a [String],
    pub schedules: &'a [String],
    pub lr_factors: Vec<f64>,
    pub tuning_seeds: &'a [usize],
    pub evaluation_seeds: &'a [usize],
    pub grid_seed: u64,
}

/// One problem of the effective grid.
#[derive(Debug, Serialize)]
pub struct GridProblemView<'a> {
    pub spec: &'a str,
    pub family: &'static str,
    pub set: crate::grid::InstanceSet,
    pub epochs: usize,
    pub configurations: usize,
}

/// The grid the records came from, as far as the records tell.
pub fn effective_grid(a: &Analysis) -> EffectiveGrid<'_> {
    let mut factors: Vec<f64> = a
        .records
        .iter()
        .map(|r| r.spec.lr / r.spec.base_lr)
        .collect();
    factors.sort_by(f64::total_cmp);
    factors.dedup_by(|x, y| (*x / *y - 1.0).abs() < 1e-9);
    EffectiveGrid {
        fingerprint: &a.grid,
        runs: a.runs,
        problems: a
            .problems
            .iter()
            .map(|p| {
                let epochs = p
                    .run_indices
                    .first()
                    .map_or(0, |&i| a.records[i].spec.epochs);
                GridProblemView {
                    spec: p.problem.as_str(),
                    family: p.family.describe(),
                    set: p.set,
                    epochs,
                    configurations: p.configurations.iter().map(Vec::len).sum(),
                }
            })
            .collect(),
        optimizers: a
            .optimizers
            .iter()
            .map(|o| (o.label.as_str(), o.spec.as_str()))
            .collect(),
        batch_modes: &a.batch_modes,
        schedules: &a.schedules,
        lr_factors: factors,
        tuning_seeds: &a.tuning_seeds,
        evaluation_seeds: &a.evaluation_seeds,
        grid_seed: a.records.first().map_or(0, |r| r.spec.grid_seed),
    }
}

/// Writes `files` (relative path, bytes) into a fresh folder and swaps it in for `out`: the
/// old report stays intact until the new one is complete.
pub fn write_atomically(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Usage(format!("--out {}: not a folder name", out.display())))?;
    let pid = std::process::id();
    let tmp: PathBuf = parent.join(format!(".{name}.tmp-{pid}"));
    let old: PathBuf = parent.join(format!(".{name}.old-{pid}"));
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), Error> {
        for (rel, bytes) in files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
            }
            let mut f =
                fs::File::create(&path).map_err(io(format!("writing {}", path.display())))?;
            f.write_all(bytes)
                .map_err(io(format!("writing {}", path.display())))?;
        }
        if out.exists() {
            fs::rename(out, &old).map_err(io(format!("moving the old {} aside", out.display())))?;
        }
        if let Err(e) = fs::rename(&tmp, out) {
            // Put the old report back.
            let _ = fs::rename(&old, out);
            return Err(io(format!("moving the new report to {}", out.display()))(e));
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{Shape, data, landscape, scenario};
    use crate::problem::Family;

    // Snapshot test (insta): any change to the bytes of `results.csv` fails it, so every
    // change users would see in the file is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::files`, then review the diff of
    // `src/report/snapshots/` and commit it with the change.

    /// Ten runs: a data problem and a landscape, one evaluation seed, five learning rates of
    /// which the largest diverges, and a label that needs quoting.
    #[test]
    fn results_csv_matches_its_snapshot() {
        let mut records: Vec<RunRecord> = scenario(
            &[
                data("logreg2d:l2=0.0", Family::SmoothConvex),
                landscape("rosenbrock", Family::Ravine),
            ],
            &["adam"],
            &["full"],
            &["constant:min_lr=0.0"],
            |_, _, _, _, factor, _| {
                if factor > 10.0 {
                    Shape {
                        final_loss: None,
                        ..Shape::ends(1.0)
                    }
                } else {
                    Shape::ends(0.01 * factor)
                }
            },
        )
        .into_iter()
        .filter(|r| r.spec.seed_index == 2)
        .collect();
        records[0].spec.label = "adam, \"tuned\"".into();
        let csv = results_csv(&records).expect("in-memory CSV");
        let csv = String::from_utf8(csv).expect("UTF-8");
        insta::assert_snapshot!("results_csv", csv);
    }
}
