//! The per-run table: one row per run, the summary a results file's records give without
//! their curves.

use super::{csv_error, lower};
use crate::error::Error;
use crate::record::RunRecord;

/// One row per run: its spec, how it ended, final and best values, and its cost.
pub fn csv(records: &[RunRecord]) -> Result<Vec<u8>, Error> {
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
