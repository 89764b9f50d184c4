//! Analysis of run records alone (SPEC §8): no access to the grid, the harness or the report.
//!
//! Protocol:
//! - A *configuration* is (optimizer label, batch mode, schedule). Its learning rate is picked
//!   on the tuning seeds: the lowest median final validation objective (a diverged run counts
//!   as +∞). Results are reported on the evaluation seeds, which took no part in the choice.
//! - Per problem, each optimizer's *tuned* result is its configuration and lr with the lowest
//!   median tuning-seed validation objective; its *default* result uses the optimizer's default
//!   lr and the `constant` schedule (the batch mode still picked on tuning seeds).
//! - Scores compare across problems: the relative gap r = (f − f_best)/(f_start − f_best) of
//!   the final test objective, where f_start is the median objective at the start and f_best the
//!   best final value any run reached on that problem; score = log10 r clamped to [−8, 3]
//!   (a diverged run scores 3). Lower is better; one unit is a factor of 10 in the gap.
//!
//! May use: `record`, `grid`, `problem`, `optim`.

pub mod claims;
pub mod ranking;
mod sensitivity;
mod speed;
pub mod stats;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::grid::SeedRole;
use crate::problem::Family;
use crate::record::{RunRecord, Status};

pub use claims::{Claim, Verdict, claims};
pub use ranking::{Leaderboard, Standing, WinRates, leaderboard, win_rates};
pub use sensitivity::{Sensitivity, sensitivity};
pub use speed::{Speed, speed};

/// Lowest score: a relative gap of 1e-8.
pub const SCORE_FLOOR: f64 = -8.0;
/// Highest score: a relative gap of 1e3; diverged runs score this.
pub const SCORE_CEILING: f64 = 3.0;
/// Precision targets on the training objective (relative gaps), COCO style.
pub const TARGETS: [f64; 4] = [1e-1, 1e-2, 1e-4, 1e-6];
/// The target that counts as "a good solution".
pub const GOOD_TARGET: f64 = 1e-2;

/// Start and best values of one split of one problem.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reference {
    /// Median objective at the start over all runs.
    pub start: f64,
    /// Best objective reached by any run (for the training split also the known optimum).
    pub best: f64,
}

impl Reference {
    /// The relative gap of `f`.
    pub fn gap(&self, f: f64) -> f64 {
        if !f.is_finite() {
            return f64::INFINITY;
        }
        let denom = (self.start - self.best).max(1e-12 * self.start.abs().max(1e-300));
        ((f - self.best) / denom).max(0.0)
    }

    /// log10 of the relative gap, clamped to [`SCORE_FLOOR`], [`SCORE_CEILING`].
    pub fn score(&self, f: f64) -> f64 {
        let r = self.gap(f);
        if r.is_infinite() {
            return SCORE_CEILING;
        }
        r.max(1e-8).log10().clamp(SCORE_FLOOR, SCORE_CEILING)
    }
}

/// Which result of an optimizer: with its lr tuned, or at its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Budget {
    Tuned,
    Default,
}

/// One optimizer's chosen result on one problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    /// Optimizer label.
    pub label: String,
    /// Registry name.
    pub name: String,
    /// Canonical optimizer spec at the chosen lr.
    pub optimizer: String,
    /// Batch mode.
    pub batch: String,
    /// Schedule.
    pub schedule: String,
    /// The lr.
    pub lr: f64,
    /// lr divided by the optimizer's default lr.
    pub lr_factor: f64,
    /// Median final validation objective over the tuning seeds (the selection criterion).
    pub selection: f64,
    /// Evaluation-seed runs, in seed order (indices into the analysis's records).
    pub runs: Vec<usize>,
    /// Score per evaluation seed.
    pub scores: Vec<f64>,
    /// Final test objective per evaluation seed (+∞ for diverged runs).
    pub test: Vec<f64>,
    /// Evaluation runs that diverged.
    pub diverged: usize,
}

impl Choice {
    /// Median score over the evaluation seeds.
    pub fn median_score(&self) -> f64 {
        stats::median(&self.scores)
    }
}

/// Everything about one problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemResult {
    /// Canonical problem spec.
    pub problem: String,
    /// The spec without default-valued keys, for display.
    pub title: String,
    /// Registry name.
    pub name: String,
    /// Family.
    pub family: Family,
    /// Known optimum of the training objective.
    pub optimum: Option<f64>,
    /// Reference values of the training split.
    pub train: Reference,
    /// Reference values of the validation split.
    pub validation: Reference,
    /// Reference values of the test split.
    pub test: Reference,
    /// Each optimizer's tuned result (optimizer order).
    pub tuned: Vec<Choice>,
    /// Each optimizer's default-lr result (optimizer order; absent if the grid has no run
    /// at the default lr).
    pub default: Vec<Option<Choice>>,
    /// Whether runs record 2-D trajectories.
    pub planar: bool,
    /// Whether it is a data problem (an analytic landscape has no validation data).
    pub has_data: bool,
    /// Runs on this problem and those that diverged.
    pub runs: usize,
    pub diverged: usize,
}

impl ProblemResult {
    /// The choice of one budget for optimizer `i`.
    pub fn choice(&self, budget: Budget, i: usize) -> Option<&Choice> {
        match budget {
            Budget::Tuned => self.tuned.get(i),
            Budget::Default => self.default.get(i).and_then(Option::as_ref),
        }
    }
}

/// An optimizer of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptimizerInfo {
    /// Label in the grid.
    pub label: String,
    /// Registry name.
    pub name: String,
    /// Canonical spec at its default lr (empty if the grid never ran it there).
    pub default_lr: String,
}

/// The analysis of one grid's records.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The records, sorted by run id.
    #[serde(skip)]
    pub records: Vec<RunRecord>,
    /// Grid fingerprint.
    pub grid: String,
    /// Runs and diverged runs.
    pub runs: usize,
    pub diverged: usize,
    /// Epoch budget (the largest in the records).
    pub epochs: usize,
    /// Seed indices of each role.
    pub tuning_seeds: Vec<usize>,
    pub evaluation_seeds: Vec<usize>,
    /// Optimizers, in label order.
    pub optimizers: Vec<OptimizerInfo>,
    /// Batch modes and schedules present.
    pub batch_modes: Vec<String>,
    pub schedules: Vec<String>,
    /// Per problem.
    pub problems: Vec<ProblemResult>,
}

/// Median final objective of `runs` on a split, diverged runs +∞.
fn final_objective(records: &[RunRecord], runs: &[usize], split: SplitKind) -> Vec<f64> {
    runs.iter()
        .map(|&i| {
            let r = &records[i];
            if r.status == Status::Diverged {
                return f64::INFINITY;
            }
            match split {
                SplitKind::Validation => r.final_validation_loss(),
                SplitKind::Test => r.final_test_loss(),
            }
        })
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum SplitKind {
    Validation,
    Test,
}

impl Analysis {
    /// Among the runs of `problem` that pass `filter`, the configuration and lr picked on the
    /// tuning seeds (see [`select`]).
    pub fn select(
        &self,
        problem: usize,
        filter: impl Fn(&crate::grid::RunSpec) -> bool,
    ) -> Option<Choice> {
        let p = &self.problems[problem];
        let mut cells: BTreeMap<(&str, &str, &str, u64), Vec<usize>> = BTreeMap::new();
        for (i, r) in self.records.iter().enumerate() {
            let s = &r.spec;
            if s.problem == p.problem && filter(s) {
                cells
                    .entry((&s.label, &s.batch, &s.schedule, s.lr.to_bits()))
                    .or_default()
                    .push(i);
            }
        }
        select(&self.records, cells.values().map(Vec::as_slice), &p.test)
    }

    /// Analyses `records` (one grid). Records are sorted by id first, so the result does not
    /// depend on file order.
    pub fn new(mut records: Vec<RunRecord>) -> Analysis {
        records.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        let seeds = |role| -> Vec<usize> {
            let s: BTreeSet<usize> = records
                .iter()
                .filter(|r| r.spec.role == role)
                .map(|r| r.spec.seed_index)
                .collect();
            s.into_iter().collect()
        };
        let (tuning_seeds, evaluation_seeds) =
            (seeds(SeedRole::Tuning), seeds(SeedRole::Evaluation));
        let mut optimizers: BTreeMap<String, OptimizerInfo> = BTreeMap::new();
        for r in &records {
            optimizers
                .entry(r.spec.label.clone())
                .or_insert_with(|| OptimizerInfo {
                    label: r.spec.label.clone(),
                    name: r.spec.optimizer_name.clone(),
                    default_lr: String::new(),
                });
            if r.spec.default_lr
                && let Some(o) = optimizers.get_mut(&r.spec.label)
            {
                o.default_lr = r.spec.optimizer.clone();
            }
        }
        let optimizers: Vec<OptimizerInfo> = optimizers.into_values().collect();
        let distinct = |f: &dyn Fn(&RunRecord) -> &str| -> Vec<String> {
            let s: BTreeSet<&str> = records.iter().map(f).collect();
            s.into_iter().map(str::to_string).collect()
        };
        let batch_modes = distinct(&|r| r.spec.batch.as_str());
        let schedules = distinct(&|r| r.spec.schedule.as_str());
        let problem_specs = distinct(&|r| r.spec.problem.as_str());
        let problems = problem_specs
            .iter()
            .map(|p| problem_result(&records, p, &optimizers))
            .collect();
        Analysis {
            grid: records.first().map(|r| r.grid.clone()).unwrap_or_default(),
            runs: records.len(),
            diverged: records
                .iter()
                .filter(|r| r.status == Status::Diverged)
                .count(),
            epochs: records.iter().map(|r| r.spec.epochs).max().unwrap_or(0),
            tuning_seeds,
            evaluation_seeds,
            optimizers,
            batch_modes,
            schedules,
            problems,
            records,
        }
    }

    /// Index of the optimizer with `label`.
    pub fn optimizer_index(&self, label: &str) -> Option<usize> {
        self.optimizers.iter().position(|o| o.label == label)
    }
}

/// Among `cells` (each the runs of one configuration and lr, all seeds), the one with the
/// lowest median final validation objective over its tuning seeds, as a [`Choice`] whose
/// scores are taken on the evaluation seeds against `test`.
pub fn select<'a>(
    records: &[RunRecord],
    cells: impl Iterator<Item = &'a [usize]>,
    test: &Reference,
) -> Option<Choice> {
    let mut best: Option<(f64, &[usize])> = None;
    for cell in cells {
        let tuning: Vec<usize> = cell
            .iter()
            .copied()
            .filter(|&i| records[i].spec.role == SeedRole::Tuning)
            .collect();
        let selection = stats::median(&final_objective(records, &tuning, SplitKind::Validation));
        if best.is_none_or(|(b, _)| selection.total_cmp(&b).is_lt()) {
            best = Some((selection, cell));
        }
    }
    let (selection, cell) = best?;
    let mut eval: Vec<usize> = cell
        .iter()
        .copied()
        .filter(|&i| records[i].spec.role == SeedRole::Evaluation)
        .collect();
    eval.sort_by_key(|&i| records[i].spec.seed_index);
    let test_values = final_objective(records, &eval, SplitKind::Test);
    let s = &records[cell[0]].spec;
    Some(Choice {
        label: s.label.clone(),
        name: s.optimizer_name.clone(),
        optimizer: s.optimizer.clone(),
        batch: s.batch.clone(),
        schedule: s.schedule.clone(),
        lr: s.lr,
        lr_factor: s.lr / s.base_lr,
        selection,
        scores: test_values.iter().map(|&f| test.score(f)).collect(),
        diverged: eval
            .iter()
            .filter(|&&i| records[i].status == Status::Diverged)
            .count(),
        test: test_values,
        runs: eval,
    })
}

/// Per problem: references, and each optimizer's tuned and default choice.
fn problem_result(
    records: &[RunRecord],
    problem: &str,
    optimizers: &[OptimizerInfo],
) -> ProblemResult {
    let runs: Vec<usize> = (0..records.len())
        .filter(|&i| records[i].spec.problem == problem)
        .collect();
    let first = &records[runs[0]];
    let finite_min = |f: &dyn Fn(&RunRecord) -> f64| {
        runs.iter()
            .map(|&i| f(&records[i]))
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min)
    };
    let start = |f: &dyn Fn(&RunRecord) -> f64| {
        let v: Vec<f64> = runs.iter().map(|&i| f(&records[i])).collect();
        stats::median(&v)
    };
    let optimum = first.optimum;
    let train_best = finite_min(&|r| {
        r.curves
            .train_loss
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    });
    let train = Reference {
        start: start(&|r| r.curves.train_loss[0]),
        best: optimum.map_or(train_best, |o| o.min(train_best)),
    };
    let validation = Reference {
        start: start(&|r| r.curves.validation(0)),
        best: finite_min(&|r| r.final_validation_loss()),
    };
    // Without data the test objective is the training objective, and a known optimum is its
    // best value.
    let has_data = first.samples.validation > 0;
    let test_best = finite_min(&|r| r.final_test_loss());
    let test = Reference {
        start: start(&|r| r.curves.test(0)),
        best: match optimum {
            Some(o) if !has_data => o.min(test_best),
            _ => test_best,
        },
    };
    // Runs of each (label, batch, schedule, lr bits).
    type Key = (String, String, String, u64);
    let mut cells: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for &i in &runs {
        let s = &records[i].spec;
        cells
            .entry((
                s.label.clone(),
                s.batch.clone(),
                s.schedule.clone(),
                s.lr.to_bits(),
            ))
            .or_default()
            .push(i);
    }
    let choose = |label: &str, filter: &dyn Fn(&RunRecord) -> bool| -> Option<Choice> {
        let cells = cells
            .iter()
            .filter(|(k, c)| k.0 == label && filter(&records[c[0]]))
            .map(|(_, c)| c.as_slice());
        select(records, cells, &test)
    };
    let mut tuned = Vec::new();
    let mut default = Vec::new();
    for o in optimizers {
        let t = choose(&o.label, &|_| true);
        let d = choose(&o.label, &|r| {
            r.spec.default_lr && r.spec.schedule.starts_with("constant")
        })
        .or_else(|| choose(&o.label, &|r| r.spec.default_lr));
        match t {
            Some(t) => {
                tuned.push(t);
                default.push(d);
            }
            None => {
                // The optimizer has no run on this problem: keep positions aligned with an
                // empty choice that scores as diverged.
                tuned.push(Choice {
                    label: o.label.clone(),
                    name: o.name.clone(),
                    optimizer: String::new(),
                    batch: String::new(),
                    schedule: String::new(),
                    lr: f64::NAN,
                    lr_factor: f64::NAN,
                    selection: f64::INFINITY,
                    runs: Vec::new(),
                    scores: Vec::new(),
                    test: Vec::new(),
                    diverged: 0,
                });
                default.push(None);
            }
        }
    }
    ProblemResult {
        problem: problem.to_string(),
        title: crate::problem::short_spec(problem),
        name: problem.split(':').next().unwrap_or(problem).to_string(),
        family: first.family,
        optimum,
        train,
        validation,
        test,
        tuned,
        default,
        planar: first.trajectory.is_some(),
        has_data,
        runs: runs.len(),
        diverged: runs
            .iter()
            .filter(|&&i| records[i].status == Status::Diverged)
            .count(),
    }
}
