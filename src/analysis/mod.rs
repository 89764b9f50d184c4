//! Analysis of run records alone (SPEC §8). For now: the tuning protocol — per configuration,
//! the learning rate picked on the tuning seeds, reported on the evaluation seeds — used by
//! `render`'s summary table. The report issue grows the statistics here.
//!
//! May use: `record`, `grid`, `problem`.

use std::collections::BTreeMap;

use crate::grid::SeedRole;
use crate::record::{RunRecord, Status};

/// The final objective of a run on a split; a diverged run counts as +∞ (worst).
fn final_loss(r: &RunRecord, validation: bool) -> f64 {
    if r.status == Status::Diverged {
        return f64::INFINITY;
    }
    if validation {
        r.final_validation_loss()
    } else {
        r.final_test_loss()
    }
}

/// Median of values (+∞ allowed); NaN never occurs in records.
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    // Equal middle values (two infinities included) are the median themselves.
    if n % 2 == 1 || values[n / 2 - 1] == values[n / 2] {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// One configuration's result under the tuning protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuned {
    /// Canonical problem spec.
    pub problem: String,
    /// Optimizer label.
    pub label: String,
    /// Batch mode.
    pub batch: String,
    /// Schedule.
    pub schedule: String,
    /// The lr picked: lowest median final validation objective over the tuning seeds.
    pub lr: f64,
    /// Median final test objective over the evaluation seeds at that lr (+∞ if most diverged).
    pub test: f64,
    /// The same at the optimizer's default lr (the "no tuning" budget).
    pub default_test: f64,
    /// Runs of this configuration that diverged (all lrs and seeds).
    pub diverged: usize,
    /// Runs of this configuration.
    pub runs: usize,
}

/// The tuning protocol applied to every (problem, optimizer label, batch mode, schedule).
pub fn tune(records: &[RunRecord]) -> Vec<Tuned> {
    type Key<'a> = (&'a str, &'a str, &'a str, &'a str);
    let mut groups: BTreeMap<Key, Vec<&RunRecord>> = BTreeMap::new();
    for r in records {
        let s = &r.spec;
        groups
            .entry((&s.problem, &s.label, &s.batch, &s.schedule))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((problem, label, batch, schedule), runs)| {
            let mut by_lr: BTreeMap<u64, Vec<&RunRecord>> = BTreeMap::new();
            for r in &runs {
                by_lr.entry(r.spec.lr.to_bits()).or_default().push(r);
            }
            let score = |rs: &[&RunRecord], role: SeedRole, validation: bool| {
                let mut v: Vec<f64> = rs
                    .iter()
                    .filter(|r| r.spec.role == role)
                    .map(|r| final_loss(r, validation))
                    .collect();
                median(&mut v)
            };
            let (lr_bits, chosen) = by_lr
                .iter()
                .min_by(|a, b| {
                    score(a.1, SeedRole::Tuning, true).total_cmp(&score(
                        b.1,
                        SeedRole::Tuning,
                        true,
                    ))
                })
                .expect("a group has runs");
            let default: Vec<&RunRecord> =
                runs.iter().filter(|r| r.spec.default_lr).copied().collect();
            Tuned {
                problem: problem.to_string(),
                label: label.to_string(),
                batch: batch.to_string(),
                schedule: schedule.to_string(),
                lr: f64::from_bits(*lr_bits),
                test: score(chosen, SeedRole::Evaluation, false),
                default_test: score(&default, SeedRole::Evaluation, false),
                diverged: runs.iter().filter(|r| r.status == Status::Diverged).count(),
                runs: runs.len(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(
            median(&mut [1.0, f64::INFINITY, f64::INFINITY]),
            f64::INFINITY
        );
        assert_eq!(median(&mut [1.0, f64::INFINITY]), f64::INFINITY);
        assert!(median(&mut []).is_nan());
    }
}
