//! The per-epoch table in long ("tidy") format: one row per run and recorded epoch, with the
//! run's spec repeated on each row, so that one `read_csv` gives a frame ready to filter and
//! group. Losses keep every digit of the records (shortest round-trip form); an analytic
//! landscape's validation and test objectives are its training objective.

use super::{csv_error, lower};
use crate::error::Error;
use crate::num::shortest;
use crate::record::RunRecord;

/// The columns, in order.
pub const HEADER: [&str; 23] = [
    "id",
    "problem",
    "family",
    "optimizer",
    "lr",
    "default_lr",
    "batch",
    "schedule",
    "seed_index",
    "role",
    "status",
    "epoch",
    "lr_at_epoch",
    "train_loss",
    "validation_loss",
    "test_loss",
    "train_correct",
    "validation_correct",
    "test_correct",
    "gradient_norm",
    "update_norm",
    "gradient_evals",
    "seconds",
];

/// One row per run and recorded epoch (runs in the order given, epochs in order). `family` is
/// the records' name for it (`neural_network`); `optimizer` is the run's display label; `lr_at_epoch` the lr used during the epoch (at epoch 0: that
/// of epoch 1); `gradient_evals` the sample-gradients charged up to the end of the epoch;
/// `*_correct` are empty for problems that are not classifiers.
pub fn csv(records: &[RunRecord]) -> Result<Vec<u8>, Error> {
    let err = csv_error("the curves table");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(&err)?;
    for r in records {
        let s = &r.spec;
        let c = &r.curves;
        // The family as the records name it (`neural_network`).
        let family = serde_json::to_value(r.family)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let run = [
            s.id.as_str(),
            s.problem.as_str(),
            family.as_str(),
            s.label.as_str(),
        ];
        let (lr, default_lr, seed, role, status) = (
            shortest(s.lr),
            s.default_lr.to_string(),
            s.seed_index.to_string(),
            lower(s.role),
            lower(r.status),
        );
        for i in 0..c.len() {
            let correct = |split: fn(&crate::record::Correct) -> &Vec<u32>| {
                c.correct
                    .as_ref()
                    .map_or(String::new(), |k| split(k)[i].to_string())
            };
            let mut row: Vec<String> = run.iter().map(|x| x.to_string()).collect();
            row.extend([
                lr.clone(),
                default_lr.clone(),
                s.batch.clone(),
                s.schedule.clone(),
                seed.clone(),
                role.clone(),
                status.clone(),
                c.epoch[i].to_string(),
                shortest(c.lr[i]),
                shortest(c.train_loss[i]),
                shortest(c.validation(i)),
                shortest(c.test(i)),
                correct(|k| &k.train),
                correct(|k| &k.validation),
                correct(|k| &k.test),
                shortest(c.gradient_norm[i]),
                shortest(c.update_norm[i]),
                (r.per_epoch.gradient_evals * c.epoch[i] as u64).to_string(),
                shortest(c.seconds[i]),
            ]);
            w.write_record(&row).map_err(&err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("writing the curves table: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per recorded epoch of every run, under the header, with the losses exactly as
    /// recorded.
    #[test]
    fn every_recorded_epoch_is_one_row_with_the_recorded_losses() {
        use crate::analysis::testing::{Shape, data, landscape, scenario};
        use crate::problem::Family;
        let problems = [
            data("softmax:dataset=iris", Family::SmoothConvex),
            landscape("rosenbrock", Family::Ravine),
        ];
        let records = scenario(
            &problems,
            &["sgd", "adam"],
            &["full"],
            &["constant"],
            |_, o, _, _, f, _| {
                // One diverged run: its curve stops early.
                Shape {
                    final_loss: (o != "adam" || f < 10.0).then_some(0.01),
                    ..Shape::ends(0.01)
                }
            },
        );
        assert!(
            records
                .iter()
                .any(|r| r.curves.len() < records[0].curves.len())
        );
        let text = String::from_utf8(csv(&records).unwrap()).unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rows.headers().unwrap(), HEADER.as_slice());
        let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        let expected: usize = records.iter().map(|r| r.curves.len()).sum();
        assert_eq!(rows.len(), expected);
        let column = |name: &str| HEADER.iter().position(|h| *h == name).unwrap();
        let mut at = 0;
        for r in &records {
            for i in 0..r.curves.len() {
                let row = &rows[at];
                assert_eq!(&row[column("id")], r.spec.id);
                assert_eq!(
                    row[column("epoch")].parse::<usize>().unwrap(),
                    r.curves.epoch[i]
                );
                let train: f64 = row[column("train_loss")].parse().unwrap();
                assert_eq!(train.to_bits(), r.curves.train_loss[i].to_bits());
                at += 1;
            }
        }
    }
}
