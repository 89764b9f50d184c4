//! Run records: what one run leaves behind, one JSON object per line of a results
//! file. The schema is `src/record/run-record.schema.json` (JSON Schema 2020-12), checked
//! against real output by a test.
//!
//! No record holds NaN or an infinity: a run stops at the epoch where its loss stops being
//! finite (or blows up), records that epoch as `diverged_epoch`, and keeps only the finite
//! epochs before it. Per-epoch values are stored as columns ([`Curves`]) to keep results files
//! small.
//!
//! May use: `batch`, `optim`, `schedule`, `grid`, `problem`, `data`.

pub mod compressed;
mod file;

use serde::{Deserialize, Serialize};

use crate::grid::{RunSpec, SeedRole};
use crate::problem::{Family, OptimumKind};

pub use file::{
    RecordError, ResultsLock, ResultsRead, ResultsWriter, beside_folder, check_one_grid,
    claim_records_beside, encode_line, finalize, lock_path, lock_results, merge_files,
    partial_path, read_results, records_beside, timing_beside,
};

/// Version of the record layout.
pub const SCHEMA_VERSION: u32 = 2;

/// The JSON Schema of a record.
pub const SCHEMA: &str = include_str!("run-record.schema.json");

/// Samples in each split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Samples {
    /// Training samples.
    pub train: usize,
    /// Validation samples.
    pub validation: usize,
    /// Test samples.
    pub test: usize,
}

/// What one epoch costs; the same for every epoch of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerEpoch {
    /// Parameter updates.
    pub updates: u64,
    /// Sample-gradients charged.
    pub gradient_evals: u64,
    /// Sample-losses charged (`ars`).
    pub loss_evals: u64,
}

/// Per-epoch series, one entry per recorded epoch (see [`recorded_epochs`]: every epoch of
/// a short evaluation run, a log-spaced subset of a long one, and a sparse 1-2-5 series of a
/// tuning run). `epoch[i]` says which epoch entry i is: 0 is the start, e the state after
/// epoch e.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// The epoch of each entry.
    pub epoch: Vec<usize>,
    /// The lr used during the epoch (entry 0: that of epoch 1), six significant digits (the
    /// exact values follow from the spec's lr and schedule).
    pub lr: Vec<f64>,
    /// Objective (mean loss plus penalty) on the training split.
    pub train_loss: Vec<f64>,
    /// Objective on the validation split (absent for analytic landscapes: it is `train_loss`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_loss: Option<Vec<f64>>,
    /// Objective on the test split (absent for analytic landscapes: it is `train_loss`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_loss: Option<Vec<f64>>,
    /// Correctly classified samples per split (classification problems only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<Correct>,
    /// RMS norm of the gradients the optimizer received during epoch e (index 0: the full
    /// training gradient at the start; 0 for `ars`, which takes no gradients). Six
    /// significant digits.
    pub gradient_norm: Vec<f64>,
    /// Distance the parameters moved during epoch e (index 0: 0). Six significant digits.
    pub update_norm: Vec<f64>,
    /// Wall seconds from the start of the run to the end of epoch e, to the microsecond.
    pub seconds: Vec<f64>,
}

/// Correctly classified samples per split, per recorded epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correct {
    /// On the training split.
    pub train: Vec<u32>,
    /// On the validation split.
    pub validation: Vec<u32>,
    /// On the test split.
    pub test: Vec<u32>,
}

impl Curves {
    /// Recorded epochs, the start included.
    pub fn len(&self) -> usize {
        self.train_loss.len()
    }

    /// Validation objective at entry `i`.
    pub fn validation(&self, i: usize) -> f64 {
        self.validation_loss.as_ref().unwrap_or(&self.train_loss)[i]
    }

    /// Test objective at entry `i`.
    pub fn test(&self, i: usize) -> f64 {
        self.test_loss.as_ref().unwrap_or(&self.train_loss)[i]
    }

    /// Whether nothing is recorded (never the case in a record).
    pub fn is_empty(&self) -> bool {
        self.train_loss.is_empty()
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Ran its whole epoch budget.
    Completed,
    /// Stopped early: non-finite values or a blow-up.
    Diverged,
}

/// The lowest validation objective reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Best {
    /// The epoch it was reached.
    pub epoch: usize,
    /// Validation objective there.
    pub validation_loss: f64,
    /// Test objective at that epoch.
    pub test_loss: f64,
}

/// f* of a run's problem instance: what every score is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimumRecord {
    /// The training objective at the optimum.
    pub loss: f64,
    /// Exact, solved, or an estimate.
    pub kind: OptimumKind,
    /// Norm of the full training gradient where the solver stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gradient_norm: Option<f64>,
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Fingerprint of the grid the run belongs to.
    pub grid: String,
    /// What was run.
    pub spec: RunSpec,
    /// The problem's family.
    pub family: Family,
    /// Parameters.
    pub dim: usize,
    /// Samples per split.
    pub samples: Samples,
    /// f* of the instance.
    pub optimum: OptimumRecord,
    /// How it ended.
    pub status: Status,
    /// The epoch at which it diverged (not recorded in the curves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diverged_epoch: Option<usize>,
    /// Cost of one epoch.
    pub per_epoch: PerEpoch,
    /// Per-epoch series from the start to the last finite epoch.
    pub curves: Curves,
    /// Lowest validation objective over the recorded epochs.
    pub best: Best,
    /// Wall seconds of the whole run.
    pub wall_seconds: f64,
    /// With `record_updates`: the training objective at the start and after each of the first
    /// [`UPDATE_LOSSES`] updates (the last finite one ends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_losses: Option<Vec<f64>>,
    /// For runs on 2-D landscapes whose spec asks (`spec.trajectory`: the first evaluation
    /// seed, which the report draws, or every evaluation seed of a grid with
    /// `all_trajectories`): the parameters after every epoch (six significant digits),
    /// downsampled to at most [`TRAJECTORY_POINTS`] points (first and last kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory: Option<Vec<[f64; 2]>>,
}

/// Most updates whose training objective a record keeps (with `record_updates`).
pub const UPDATE_LOSSES: usize = 20_000;

/// Most trajectory points kept per record.
pub const TRAJECTORY_POINTS: usize = 100;

/// Evaluation runs of up to this many epochs record every epoch.
pub const ALL_EPOCHS_UP_TO: usize = 60;

/// The epochs a run of `epochs` epochs records.
/// - Evaluation seeds (whose curves the report draws): every epoch up to
///   [`ALL_EPOCHS_UP_TO`]; longer runs record 0–20, 20 more spaced evenly in log(epoch)
///   between 20 and the end, and the end.
/// - Tuning seeds (which choose the learning rate from their end points): the start, epochs
///   1, 2, 5, 10, 20, 50, … up to the budget, and the end.
pub fn recorded_epochs(epochs: usize, role: SeedRole) -> Vec<usize> {
    let mut e: Vec<usize> = match role {
        SeedRole::Tuning => std::iter::once(0)
            .chain(
                (0..)
                    .flat_map(|k: u32| [1, 2, 5].map(|m| m * 10usize.pow(k)))
                    .take_while(|&x| x < epochs),
            )
            .collect(),
        SeedRole::Evaluation if epochs <= ALL_EPOCHS_UP_TO => return (0..=epochs).collect(),
        SeedRole::Evaluation => {
            let mut e: Vec<usize> = (0..=20).collect();
            let ratio = epochs as f64 / 20.0;
            for k in 1..=20 {
                e.push((20.0 * ratio.powf(k as f64 / 20.0)).round() as usize);
            }
            e
        }
    };
    e.push(epochs);
    e.sort_unstable();
    e.dedup();
    e
}

impl RunRecord {
    /// Index of the last curve entry.
    pub fn last(&self) -> usize {
        self.curves.len() - 1
    }

    /// The last epoch reached without diverging (0 if the run diverged in its first epoch).
    pub fn last_epoch(&self) -> usize {
        self.curves.epoch[self.last()]
    }

    /// Final objective on the training split.
    pub fn final_train_loss(&self) -> f64 {
        self.curves.train_loss[self.last()]
    }

    /// Final objective on the validation split.
    pub fn final_validation_loss(&self) -> f64 {
        self.curves.validation(self.last())
    }

    /// Final objective on the test split.
    pub fn final_test_loss(&self) -> f64 {
        self.curves.test(self.last())
    }

    /// Sample-gradients charged over the whole run (diverged epoch included).
    pub fn gradient_evals(&self) -> u64 {
        self.per_epoch.gradient_evals * self.epochs_run() as u64
    }

    /// Epochs the optimizer ran (a diverged epoch counts: its cost was spent).
    pub fn epochs_run(&self) -> usize {
        self.diverged_epoch.unwrap_or(self.last_epoch())
    }

    /// The record with every wall-clock field zeroed: what must be identical between two
    /// executions of the same run.
    pub fn without_timing(&self) -> RunRecord {
        let mut r = self.clone();
        r.wall_seconds = 0.0;
        r.curves.seconds.iter_mut().for_each(|s| *s = 0.0);
        r
    }

    /// Whether every number in the record is finite (none may be NaN or infinite).
    pub fn is_finite(&self) -> bool {
        self.non_finite().is_none()
    }

    /// The first field holding NaN or an infinity, if any (a record may hold neither: JSON
    /// would write them as `null`).
    pub fn non_finite(&self) -> Option<&'static str> {
        let all = |v: &[f64]| v.iter().all(|x| x.is_finite());
        let c = &self.curves;
        let series: [(&'static str, Option<&Vec<f64>>); 7] = [
            ("curves.lr", Some(&c.lr)),
            ("curves.train_loss", Some(&c.train_loss)),
            ("curves.validation_loss", c.validation_loss.as_ref()),
            ("curves.test_loss", c.test_loss.as_ref()),
            ("curves.gradient_norm", Some(&c.gradient_norm)),
            ("curves.update_norm", Some(&c.update_norm)),
            ("curves.seconds", Some(&c.seconds)),
        ];
        let scalars = [
            ("optimum.loss", self.optimum.loss),
            (
                "optimum.gradient_norm",
                self.optimum.gradient_norm.unwrap_or(0.0),
            ),
            ("best.validation_loss", self.best.validation_loss),
            ("best.test_loss", self.best.test_loss),
            ("spec.lr", self.spec.lr),
            ("spec.base_lr", self.spec.base_lr),
            ("wall_seconds", self.wall_seconds),
        ];
        series
            .into_iter()
            .find(|(_, v)| v.is_some_and(|v| !all(v)))
            .map(|(name, _)| name)
            .or_else(|| {
                scalars
                    .into_iter()
                    .find(|(_, x)| !x.is_finite())
                    .map(|(name, _)| name)
            })
            .or_else(|| (!self.update_losses.as_deref().is_none_or(all)).then_some("update_losses"))
            .or_else(|| {
                (!self
                    .trajectory
                    .as_ref()
                    .is_none_or(|t| t.iter().flatten().all(|v| v.is_finite())))
                .then_some("trajectory")
            })
    }

    /// Checks what the JSON layout alone cannot: the layout version, at least the start in
    /// the curves, curve lists of one length with strictly increasing epochs from 0, specs
    /// that parse, a positive finite lr, at least one training sample, and finite numbers.
    /// The error says what is wrong and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if self.schema != SCHEMA_VERSION {
            return Err(other_version(self.schema));
        }
        let c = &self.curves;
        let n = c.epoch.len();
        if n == 0 {
            return Err(
                "curves.epoch is empty; a record holds at least the start (epoch 0)".to_string(),
            );
        }
        if c.epoch[0] != 0 || c.epoch.windows(2).any(|w| w[0] >= w[1]) {
            return Err(
                "curves.epoch must start at 0 and increase strictly, one entry per recorded epoch"
                    .to_string(),
            );
        }
        let lengths: [(&str, Option<usize>); 10] = [
            ("curves.lr", Some(c.lr.len())),
            ("curves.train_loss", Some(c.train_loss.len())),
            (
                "curves.validation_loss",
                c.validation_loss.as_ref().map(Vec::len),
            ),
            ("curves.test_loss", c.test_loss.as_ref().map(Vec::len)),
            ("curves.gradient_norm", Some(c.gradient_norm.len())),
            ("curves.update_norm", Some(c.update_norm.len())),
            ("curves.seconds", Some(c.seconds.len())),
            (
                "curves.correct.train",
                c.correct.as_ref().map(|x| x.train.len()),
            ),
            (
                "curves.correct.validation",
                c.correct.as_ref().map(|x| x.validation.len()),
            ),
            (
                "curves.correct.test",
                c.correct.as_ref().map(|x| x.test.len()),
            ),
        ];
        if let Some((field, len)) = lengths
            .into_iter()
            .find_map(|(f, l)| l.filter(|&l| l != n).map(|l| (f, l)))
        {
            return Err(format!(
                "{field} has {len} entries but curves.epoch has {n}; every curve list has one entry per recorded epoch"
            ));
        }
        if let Err(e) = crate::problem::parse(&self.spec.problem) {
            return Err(format!(
                "spec.problem '{}' is not a problem spec ({e})",
                self.spec.problem
            ));
        }
        if let Err(e) = crate::optim::parse(&self.spec.optimizer) {
            return Err(format!(
                "spec.optimizer '{}' is not an optimizer spec ({e})",
                self.spec.optimizer
            ));
        }
        if let Err(e) = crate::batch::parse(&self.spec.batch) {
            return Err(format!(
                "spec.batch '{}' is not a batch mode ({e})",
                self.spec.batch
            ));
        }
        if let Err(e) = crate::schedule::parse(&self.spec.schedule) {
            return Err(format!(
                "spec.schedule '{}' is not a schedule ({e})",
                self.spec.schedule
            ));
        }
        for (field, lr) in [
            ("spec.lr", self.spec.lr),
            ("spec.base_lr", self.spec.base_lr),
        ] {
            if !(lr.is_finite() && lr > 0.0) {
                return Err(format!(
                    "{field} is {lr}; a learning rate is a finite number above 0"
                ));
            }
        }
        if self.samples.train == 0 {
            return Err("samples.train is 0; a run trains on at least one sample".to_string());
        }
        if let Some(field) = self.non_finite() {
            return Err(format!(
                "{field} holds a non-finite number; a record holds finite numbers only"
            ));
        }
        Ok(())
    }
}

/// What to say about a record of layout version `found`.
pub(crate) fn other_version(found: u32) -> String {
    format!(
        "a record of layout version {found}, written by another optbench; this one reads version {SCHEMA_VERSION}: rerun the grid"
    )
}

/// `x` rounded to six significant digits (diagnostic series need no more, and the results
/// file stays small).
pub fn six_digits(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.5e}").parse().unwrap_or(x)
}

/// Seconds rounded to the microsecond.
pub fn microseconds(s: f64) -> f64 {
    (s * 1e6).round() / 1e6
}

/// Keeps at most `max` points, evenly spaced, always the first and the last.
pub fn downsample<T: Clone>(points: &[T], max: usize) -> Vec<T> {
    if points.len() <= max || max < 2 {
        return points.to_vec();
    }
    let last = points.len() - 1;
    (0..max)
        .map(|i| points[(i * last + (max - 1) / 2) / (max - 1)].clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{RunRecord, downsample, encode_line};

    /// A record `optbench run` wrote (logreg2d, sgd, two epochs).
    const LINE: &str = r#"{"schema":2,"grid":"71319496549bdb62","spec":{"id":"1206d2e56118dcd5","problem":"logreg2d:l2=0.0","set":"selection","optimizer":"sgd:lr=0.1,momentum=0.0,dampening=0.0,nesterov=false,weight_decay=0.0","optimizer_name":"sgd","label":"sgd:lr=0.01","lr":0.1,"default_lr":false,"base_lr":0.01,"batch":"full","schedule":"constant:min_lr=0.0","seed_index":1,"role":"evaluation","epochs":2,"grid_seed":0},"family":"smooth_convex","dim":3,"samples":{"train":1152,"validation":288,"test":288},"optimum":{"loss":0.27978212776366307,"kind":"solved","gradient_norm":4.5874465116043355e-15},"status":"completed","per_epoch":{"updates":1,"gradient_evals":1152,"loss_evals":0},"curves":{"epoch":[0,1,2],"lr":[0.1,0.1,0.1],"train_loss":[0.6923974976274454,0.6911979975588076,0.6900333765140565],"validation_loss":[0.6925314355388998,0.6915684192630099,0.6906294642886247],"test_loss":[0.6924277083606275,0.6913508823660914,0.6903038750610606],"correct":{"train":[578,578,578],"validation":[137,137,137],"test":[140,140,140]},"gradient_norm":[0.109934,0.109934,0.108306],"update_norm":[0.0,0.0109934,0.0108306],"seconds":[0.000066,0.000119,0.000171]},"best":{"epoch":2,"validation_loss":0.6906294642886247,"test_loss":0.6903038750610606},"wall_seconds":0.000172}"#;

    fn record() -> RunRecord {
        serde_json::from_str(LINE).unwrap()
    }

    #[test]
    fn a_written_record_is_valid() {
        assert_eq!(record().validate(), Ok(()));
    }

    #[test]
    fn validate_names_what_is_wrong() {
        type Doctor = fn(&mut RunRecord);
        let cases: [(&str, Doctor); 8] = [
            ("layout version 7", |r| r.schema = 7),
            ("curves.epoch is empty", |r| {
                let c = &mut r.curves;
                c.epoch.clear();
                c.lr.clear();
                c.train_loss.clear();
                c.validation_loss = None;
                c.test_loss = None;
                c.correct = None;
                c.gradient_norm.clear();
                c.update_norm.clear();
                c.seconds.clear();
            }),
            ("curves.gradient_norm has 2 entries", |r| {
                r.curves.gradient_norm.pop();
            }),
            ("curves.epoch must start at 0", |r| r.curves.epoch[0] = 1),
            ("spec.problem", |r| r.spec.problem = "nope".into()),
            ("spec.lr is 0", |r| r.spec.lr = 0.0),
            ("spec.base_lr is NaN", |r| r.spec.base_lr = f64::NAN),
            ("samples.train is 0", |r| r.samples.train = 0),
        ];
        for (expected, doctor) in cases {
            let mut r = record();
            doctor(&mut r);
            let e = r.validate().unwrap_err();
            assert!(e.contains(expected), "{expected}: {e}");
        }
    }

    #[test]
    fn the_writer_refuses_non_finite_numbers() {
        assert!(encode_line(&record()).is_ok());
        let mut r = record();
        r.curves.train_loss[0] = f64::INFINITY;
        let e = encode_line(&r).unwrap_err().to_string();
        assert!(e.contains("curves.train_loss is not finite"), "{e}");
        let mut r = record();
        r.best.test_loss = f64::NAN;
        assert_eq!(r.non_finite(), Some("best.test_loss"));
        assert!(encode_line(&r).is_err());
    }

    #[test]
    fn long_runs_record_a_log_spaced_subset() {
        use crate::grid::SeedRole::{Evaluation, Tuning};
        assert_eq!(
            super::recorded_epochs(30, Evaluation),
            (0..=30).collect::<Vec<_>>()
        );
        let e = super::recorded_epochs(1000, Evaluation);
        assert!(e.len() <= 42 && e.len() > 35, "{}", e.len());
        assert_eq!(&e[..21], &(0..=20).collect::<Vec<_>>()[..]);
        assert_eq!(*e.last().unwrap(), 1000);
        assert!(e.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(super::recorded_epochs(20, Tuning), vec![0, 1, 2, 5, 10, 20]);
        assert_eq!(
            super::recorded_epochs(200, Tuning),
            vec![0, 1, 2, 5, 10, 20, 50, 100, 200]
        );
        assert_eq!(super::recorded_epochs(1, Tuning), vec![0, 1]);
    }

    #[test]
    fn rounding_helpers() {
        assert_eq!(super::six_digits(0.123456789), 0.123457);
        assert_eq!(super::six_digits(0.0), 0.0);
        assert_eq!(super::microseconds(1.23456789), 1.234568);
    }

    #[test]
    fn downsample_keeps_ends_and_bounds_length() {
        let v: Vec<usize> = (0..1000).collect();
        let d = downsample(&v, 200);
        assert_eq!(d.len(), 200);
        assert_eq!(d[0], 0);
        assert_eq!(*d.last().unwrap(), 999);
        assert!(d.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(downsample(&v[..5], 200), vec![0, 1, 2, 3, 4]);
    }
}
