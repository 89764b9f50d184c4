//! Analysis of run records alone (`docs/methodology.md`): no access to the grid, the harness or the report.
//!
//! Protocol (see `crate::tuning` for the score, the margin and the bracketing rule):
//! - A *configuration* is (problem, optimizer label, batch mode, schedule). Its learning rate is
//!   picked on the tuning seeds by the rule the harness used (the middle of the near-best rates
//!   of its bracketed sweep); its evaluation seeds ran at that rate and took no part in the
//!   choice.
//! - Per problem, an optimizer's *tuned* result is its configuration whose pick has the lowest
//!   median tuning score; its *default* result is its own lr with the `constant` schedule (any
//!   schedule where the problem has no constant one), the batch mode picked on tuning seeds.
//! - Scores are log10 of the final training objective's gap to the instance's f*, relative to
//!   the start, floored at 1e-8 and capped at 1e3 (a diverged run scores the cap). f* belongs to
//!   the instance, so a score does not move when the grid changes.
//!
//! May use: `record`, `tuning`, `grid`, `problem`, `optim`.

pub mod claims;
pub mod findings;
pub mod ranking;
mod sensitivity;
mod speed;
pub mod stats;
#[cfg(test)]
pub(crate) mod testing;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::grid::{InstanceSet, RunSpec, SeedRole};
use crate::problem::{Family, OptimumKind};
use crate::record::{RunRecord, Status};
use crate::tuning::{self, Point};

pub use claims::{Claim, Experiments, Verdict, claims};
pub use findings::{Findings, Sentence, findings};
pub use ranking::{Leaderboard, Standing, WinRates, leaderboard, win_rates};
pub use sensitivity::{Sensitivity, sensitivity};
pub use speed::{Speed, speed};
pub use tuning::{MARGIN, SCORE_CEILING, SCORE_FLOOR};

/// Precision targets on the training objective (relative gaps to f*), COCO style.
pub const TARGETS: [f64; 6] = [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8];
/// The target that counts as "a good solution".
pub const GOOD_TARGET: f64 = 1e-4;

/// Start and best values of one split of one problem (the generalization view).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reference {
    /// Median objective at the start over all runs.
    pub start: f64,
    /// Best final objective any run reached.
    pub best: f64,
}

/// Which result of an optimizer: with its lr tuned, or at its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Budget {
    /// Its lr tuned on the tuning seeds.
    Tuned,
    /// Its own (default) lr, without tuning.
    Default,
}

/// Where a pick sits in the rates its configuration tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Edge {
    /// The lowest rate tried.
    Low,
    /// The highest rate tried.
    High,
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
    /// lr divided by the optimizer's own lr.
    pub lr_factor: f64,
    /// Median score over the tuning seeds at this lr (the selection criterion).
    pub selection: f64,
    /// Median over the tuning seeds at this lr of the mean score along the recorded curve
    /// (how fast it got there): breaks exact ties in `selection`, as when several
    /// configurations all reach the floor.
    pub pace: f64,
    /// Lowest and highest rate the configuration tried.
    pub tried: (f64, f64),
    /// How many rates it tried.
    pub tried_points: usize,
    /// Whether the pick is the lowest or highest rate tried (`None`: interior, or a single
    /// rate).
    pub edge: Option<Edge>,
    /// Evaluation-seed runs, in seed order (indices into the analysis's records).
    pub runs: Vec<usize>,
    /// Score per evaluation seed (diverged: [`SCORE_CEILING`]).
    pub scores: Vec<f64>,
    /// Final test objective per evaluation seed (+∞ for diverged runs).
    pub test: Vec<f64>,
    /// Final test accuracy per evaluation seed, for classification (diverged: 0).
    pub accuracy: Option<Vec<f64>>,
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
    /// A readable title ("Sparse logistic regression (samples 200, …)").
    pub title: String,
    /// The spec without default-valued keys, shown beside the title in code style.
    pub short: String,
    /// Registry name.
    pub name: String,
    /// Family.
    pub family: Family,
    /// Selection or held-out instance.
    pub set: InstanceSet,
    /// How f* is known (the least certain over its seeds: an estimate if any is).
    pub optimum_kind: OptimumKind,
    /// Median f* over its seeds (each seed is its own instance of the data).
    pub optimum: f64,
    /// Largest gradient norm at which an f* solve stopped (solved and estimated optima).
    pub optimum_gradient_norm: Option<f64>,
    /// Reference values of the test split (the generalization view).
    pub test: Reference,
    /// Each optimizer's tuned result (optimizer order).
    pub tuned: Vec<Choice>,
    /// Each optimizer's default-lr result (optimizer order; absent if the grid has no run
    /// at the default lr).
    pub default: Vec<Option<Choice>>,
    /// Every configuration's pick (tuned over its own lr sweep), per optimizer.
    pub configurations: Vec<Vec<Choice>>,
    /// Whether runs record 2-D trajectories.
    pub planar: bool,
    /// Whether it is a data problem (an analytic landscape has no validation data).
    pub has_data: bool,
    /// Runs on this problem.
    pub runs: usize,
    /// Runs on this problem that diverged.
    pub diverged: usize,
    /// Its runs (indices into the analysis's records).
    #[serde(skip)]
    pub run_indices: Vec<usize>,
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
    /// Canonical spec at its own lr (the "no tuning" setting); optimizers are ordered by it,
    /// never by label.
    pub spec: String,
    /// Learning-rate-free or schedule-free: meant to be used at its defaults.
    pub needs_no_tuning: bool,
}

/// The analysis of one grid's records.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The records, sorted by run id.
    #[serde(skip)]
    pub records: Vec<RunRecord>,
    /// Grid fingerprint.
    pub grid: String,
    /// Runs.
    pub runs: usize,
    /// Runs that diverged.
    pub diverged: usize,
    /// Epoch budget (the largest in the records).
    pub epochs: usize,
    /// Tuning seed indices.
    pub tuning_seeds: Vec<usize>,
    /// Evaluation seed indices.
    pub evaluation_seeds: Vec<usize>,
    /// Optimizers, in order of their canonical spec.
    pub optimizers: Vec<OptimizerInfo>,
    /// Batch modes present.
    pub batch_modes: Vec<String>,
    /// Schedules present.
    pub schedules: Vec<String>,
    /// Per problem.
    pub problems: Vec<ProblemResult>,
    /// Optimizers whose runs coincide at a fixed lr ratio: the same method here.
    pub same_methods: Vec<ranking::SameMethod>,
}

impl Analysis {
    /// Among the runs of `problem` that pass `filter`, the configuration and lr picked on the
    /// tuning seeds (see [`choose`]).
    pub fn select(&self, problem: usize, filter: impl Fn(&RunSpec) -> bool) -> Option<Choice> {
        let runs: Vec<usize> = self.problems[problem]
            .run_indices
            .iter()
            .copied()
            .filter(|&i| filter(&self.records[i].spec))
            .collect();
        choose(&self.records, &runs)
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
        // Each optimizer's spec at its own lr, from any of its records.
        let mut optimizers: BTreeMap<String, OptimizerInfo> = BTreeMap::new();
        for r in &records {
            optimizers
                .entry(r.spec.label.clone())
                .or_insert_with(|| OptimizerInfo {
                    label: r.spec.label.clone(),
                    name: r.spec.optimizer_name.clone(),
                    spec: own_spec(&r.spec),
                    needs_no_tuning: crate::optim::parse(&own_spec(&r.spec))
                        .is_ok_and(|o| o.config.needs_no_tuning()),
                });
        }
        let mut optimizers: Vec<OptimizerInfo> = optimizers.into_values().collect();
        optimizers.sort_by(|a, b| a.spec.cmp(&b.spec));
        let distinct = |f: &dyn Fn(&RunRecord) -> &str| -> Vec<String> {
            let s: BTreeSet<&str> = records.iter().map(f).collect();
            s.into_iter().map(str::to_string).collect()
        };
        let batch_modes = distinct(&|r| r.spec.batch.as_str());
        let schedules = distinct(&|r| r.spec.schedule.as_str());
        // Each problem's runs, found in one pass.
        let mut by_problem: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            by_problem
                .entry(r.spec.problem.as_str())
                .or_default()
                .push(i);
        }
        let problems = by_problem
            .into_iter()
            .map(|(p, runs)| problem_result(&records, p, runs, &optimizers))
            .collect();
        let mut a = Analysis {
            same_methods: Vec::new(),
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
        };
        a.same_methods = ranking::same_methods(&a);
        a
    }

    /// Index of the optimizer with `label`.
    pub fn optimizer_index(&self, label: &str) -> Option<usize> {
        self.optimizers.iter().position(|o| o.label == label)
    }

    /// Problems of one set.
    pub fn problems_in(&self, set: InstanceSet) -> Vec<usize> {
        (0..self.problems.len())
            .filter(|&p| self.problems[p].set == set)
            .collect()
    }
}

/// The optimizer spec of a run with its lr set back to the optimizer's own.
fn own_spec(s: &RunSpec) -> String {
    crate::optim::parse(&s.optimizer)
        .map(|o| {
            o.params
                .with("lr", crate::spec::Value::Float(s.base_lr))
                .to_string()
        })
        .unwrap_or_else(|_| s.optimizer.clone())
}

/// A run's score for statistics: bounded (a diverged run scores [`SCORE_CEILING`]).
pub fn run_score(r: &RunRecord) -> f64 {
    tuning::bounded(tuning::score(r))
}

/// The runs of one configuration, by learning rate.
#[derive(Debug, Default)]
struct ConfigRuns {
    tuning: BTreeMap<u64, Vec<usize>>,
    evaluation: BTreeMap<u64, Vec<usize>>,
}

/// Among `runs` (of one problem, any number of configurations), each configuration's pick by
/// the tuning rule, and of those the one with the lowest median tuning score; exact ties go
/// to the faster on the tuning seeds (`pace`), and only then, as a last resort that real data
/// practically never reach, to the lower (batch, schedule) spec. A pick without evaluation
/// runs (a filter left them out) falls back to the best rate that has them.
pub fn choose(records: &[RunRecord], runs: &[usize]) -> Option<Choice> {
    configurations(records, runs).into_iter().min_by(|a, b| {
        a.selection
            .total_cmp(&b.selection)
            .then(a.pace.total_cmp(&b.pace))
            .then_with(|| (&a.batch, &a.schedule).cmp(&(&b.batch, &b.schedule)))
    })
}

/// The mean score along a run's recorded curve after the start (+∞ if it diverged).
fn pace(r: &RunRecord) -> f64 {
    if r.status == Status::Diverged || r.curves.len() < 2 {
        return tuning::score(r);
    }
    let n = r.curves.len();
    (1..n)
        .map(|i| tuning::score_of_gap(tuning::gap_at(r, i)))
        .sum::<f64>()
        / (n - 1) as f64
}

/// Each configuration's pick among `runs`, in (label, batch, schedule) order.
fn configurations(records: &[RunRecord], runs: &[usize]) -> Vec<Choice> {
    let mut configs: BTreeMap<(&str, &str, &str), ConfigRuns> = BTreeMap::new();
    for &i in runs {
        let s = &records[i].spec;
        let c = configs
            .entry((&s.label, &s.batch, &s.schedule))
            .or_default();
        match s.role {
            SeedRole::Tuning => c.tuning.entry(s.lr.to_bits()).or_default().push(i),
            SeedRole::Evaluation => c.evaluation.entry(s.lr.to_bits()).or_default().push(i),
        }
    }
    configs
        .values()
        .filter_map(|c| config_choice(records, c))
        .collect()
}

fn config_choice(records: &[RunRecord], c: &ConfigRuns) -> Option<Choice> {
    let mut points: Vec<Point> = c
        .tuning
        .iter()
        .map(|(&bits, runs)| {
            let scores: Vec<f64> = runs.iter().map(|&i| tuning::score(&records[i])).collect();
            Point {
                lr: f64::from_bits(bits),
                score: tuning::median(&scores),
            }
        })
        .collect();
    points.sort_by(|a, b| a.lr.total_cmp(&b.lr));
    let picked = tuning::pick(&points)?;
    let mut at = picked;
    if !c.evaluation.contains_key(&points[picked].lr.to_bits()) {
        at = (0..points.len())
            .filter(|&i| c.evaluation.contains_key(&points[i].lr.to_bits()))
            .min_by(|&x, &y| points[x].score.total_cmp(&points[y].score))?;
    }
    let point = points[at];
    let mut eval = c.evaluation[&point.lr.to_bits()].clone();
    eval.sort_by_key(|&i| records[i].spec.seed_index);
    let s = &records[eval[0]].spec;
    let edge = if points.len() < 2 {
        None
    } else if at == 0 {
        Some(Edge::Low)
    } else if at == points.len() - 1 {
        Some(Edge::High)
    } else {
        None
    };
    let final_test = |i: usize| {
        let r = &records[i];
        if r.status == Status::Diverged {
            f64::INFINITY
        } else {
            r.final_test_loss()
        }
    };
    let accuracy = records[eval[0]].curves.correct.as_ref().map(|_| {
        eval.iter()
            .map(|&i| {
                let r = &records[i];
                match (&r.curves.correct, r.status) {
                    (Some(c), Status::Completed) if r.samples.test > 0 => {
                        f64::from(c.test[r.last()]) / r.samples.test as f64
                    }
                    _ => 0.0,
                }
            })
            .collect()
    });
    Some(Choice {
        label: s.label.clone(),
        name: s.optimizer_name.clone(),
        optimizer: s.optimizer.clone(),
        batch: s.batch.clone(),
        schedule: s.schedule.clone(),
        lr: s.lr,
        lr_factor: s.lr / s.base_lr,
        selection: point.score,
        pace: c
            .tuning
            .get(&point.lr.to_bits())
            .map_or(f64::INFINITY, |runs| {
                tuning::median(&runs.iter().map(|&i| pace(&records[i])).collect::<Vec<_>>())
            }),
        tried: (points[0].lr, points[points.len() - 1].lr),
        tried_points: points.len(),
        edge,
        scores: eval.iter().map(|&i| run_score(&records[i])).collect(),
        diverged: eval
            .iter()
            .filter(|&&i| records[i].status == Status::Diverged)
            .count(),
        test: eval.iter().map(|&i| final_test(i)).collect(),
        accuracy,
        runs: eval,
    })
}

/// Per problem: references, and each optimizer's tuned and default choice.
fn problem_result(
    records: &[RunRecord],
    problem: &str,
    runs: Vec<usize>,
    optimizers: &[OptimizerInfo],
) -> ProblemResult {
    let first = &records[runs[0]];
    let finite_min = |f: &dyn Fn(&RunRecord) -> f64| {
        runs.iter()
            .map(|&i| f(&records[i]))
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min)
    };
    let has_data = first.samples.validation > 0;
    let test = Reference {
        start: stats::median(
            &runs
                .iter()
                .map(|&i| records[i].curves.test(0))
                .collect::<Vec<_>>(),
        ),
        best: finite_min(&|r| r.final_test_loss()),
    };
    // f* per seed (each seed index draws its own data).
    let mut optima: BTreeMap<usize, &crate::record::OptimumRecord> = BTreeMap::new();
    for &i in &runs {
        optima
            .entry(records[i].spec.seed_index)
            .or_insert(&records[i].optimum);
    }
    let kind_rank = |k: OptimumKind| match k {
        OptimumKind::Exact => 0,
        OptimumKind::Solved => 1,
        OptimumKind::Estimate => 2,
    };
    let optimum_kind = optima
        .values()
        .map(|o| o.kind)
        .max_by_key(|&k| kind_rank(k))
        .unwrap_or(OptimumKind::Estimate);
    let optimum_gradient_norm = optima
        .values()
        .filter_map(|o| o.gradient_norm)
        .reduce(f64::max);
    let optimum = stats::median(&optima.values().map(|o| o.loss).collect::<Vec<_>>());
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &runs {
        by_label
            .entry(records[i].spec.label.as_str())
            .or_default()
            .push(i);
    }
    let of = |label: &str, filter: &dyn Fn(&RunSpec) -> bool| -> Vec<usize> {
        by_label
            .get(label)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| filter(&records[i].spec))
                    .collect()
            })
            .unwrap_or_default()
    };
    let constant = |s: &RunSpec| s.schedule.starts_with("constant");
    let has_constant = runs.iter().any(|&i| constant(&records[i].spec));
    let mut tuned = Vec::new();
    let mut default = Vec::new();
    let mut configs = Vec::new();
    for o in optimizers {
        let all = of(&o.label, &|_| true);
        let t = choose(records, &all);
        let d = choose(
            records,
            &of(&o.label, &|s| {
                s.default_lr && (constant(s) || !has_constant)
            }),
        );
        configs.push(configurations(records, &all));
        match t {
            Some(t) => {
                tuned.push(t);
                default.push(d);
            }
            None => {
                // The optimizer has no run on this problem: keep positions aligned with an
                // empty choice.
                tuned.push(Choice {
                    label: o.label.clone(),
                    name: o.name.clone(),
                    optimizer: String::new(),
                    batch: String::new(),
                    schedule: String::new(),
                    lr: f64::NAN,
                    lr_factor: f64::NAN,
                    selection: f64::INFINITY,
                    pace: f64::INFINITY,
                    tried: (f64::NAN, f64::NAN),
                    tried_points: 0,
                    edge: None,
                    runs: Vec::new(),
                    scores: Vec::new(),
                    test: Vec::new(),
                    accuracy: None,
                    diverged: 0,
                });
                default.push(None);
            }
        }
    }
    ProblemResult {
        problem: problem.to_string(),
        title: crate::problem::title(problem),
        short: crate::problem::short_spec(problem),
        name: problem.split(':').next().unwrap_or(problem).to_string(),
        family: first.family,
        set: first.spec.set,
        optimum_kind,
        optimum,
        optimum_gradient_norm,
        test,
        tuned,
        default,
        configurations: configs,
        planar: runs.iter().any(|&i| records[i].trajectory.is_some()),
        has_data,
        runs: runs.len(),
        diverged: runs
            .iter()
            .filter(|&&i| records[i].status == Status::Diverged)
            .count(),
        run_indices: runs,
    }
}
