//! The per-run table: one row per run, the summary a results file's records give without
//! their curves.

use super::{csv_error, lower};
use crate::error::Error;
use crate::record::RunRecord;

/// One row per run, in the order given: its spec, how it ended, final and best values, and
/// its cost.
pub fn csv<'a>(records: impl IntoIterator<Item = &'a RunRecord>) -> Result<Vec<u8>, Error> {
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
    let csv_err = csv_error("the runs table");
    w.write_record(header).map_err(&csv_err)?;
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
            lower(s.role),
            lower(r.status),
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
        .map_err(&csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("writing the runs table: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{Shape, data, landscape, scenario};
    use crate::problem::Family;

    // Snapshot test (insta): any change to the bytes of the per-run table fails it, so every
    // change users would see in the file is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib export::runs`, then review the diff of
    // `src/export/snapshots/` and commit it with the change.

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
        let csv = csv(&records).expect("in-memory CSV");
        let csv = String::from_utf8(csv).expect("UTF-8");
        insta::assert_snapshot!("results_csv", csv);
    }
}
