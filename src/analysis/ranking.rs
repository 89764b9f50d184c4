//! Rankings across problem instances, the unit of inference (STATS.md): seeds are repeated
//! measures, summarised per instance by their median first.
//!
//! - **Ranks.** On each instance the optimizers' median scores are ranked with ties inside the
//!   equivalence margin ([`MARGIN`], averaged ranks); an optimizer's standing is its mean rank.
//! - **Can the data tell them apart?** The Friedman test over instances, and each optimizer
//!   against the top one by a Wilcoxon signed-rank test over instances (differences inside
//!   the margin count as ties; one-sided: is it worse?), Holm-corrected: those not
//!   significantly worse at α = 0.05 form the *tied-best set*. Pairwise tests do not depend on which other optimizers are in the
//!   pool (Benavoli et al. 2016).
//! - **Effect sizes.** An optimizer's effect is the ratio of gaps to the median optimizer's,
//!   averaged over instances on the log scale: 10^mean_i(median_o' s_io' − s_io), "leaves
//!   that many times less of the gap". Intervals (and those of the mean rank) come from a
//!   hierarchical bootstrap: instances drawn with replacement, then seeds within each.
//! - **Same method.** Two optimizers whose runs coincide at some fixed ratio of learning rates
//!   (see [`same_methods`]) are the same method here (the lecture's momentum at 10× the lr is
//!   SGD with momentum); the report says so.
//!
//! Nothing is chosen by name or order: exact ties stay ties (display order among them is the
//! optimizers' spec order, and is said to be a tie).

use serde::Serialize;

use super::stats::{self, Bootstrap};
use super::{Analysis, Budget, MARGIN};

/// Bootstrap replicates for rank and effect intervals.
pub const REPLICATES: usize = 1000;
/// Seed of the bootstrap stream (fixed, so a report is reproducible).
const BOOTSTRAP_SEED: u64 = 0x5eed_b007;
/// Significance level of the tests (after Holm's correction).
pub const ALPHA: f64 = 0.05;
/// Share of paired evaluation runs that must coincide for two optimizers to be one method.
pub const SAME_SHARE: f64 = 0.9;

/// A ratio of gaps with its 95% bootstrap interval: > 1 means less of the gap is left.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    /// Point estimate.
    pub ratio: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

impl Effect {
    /// Whether the interval excludes 1 (no effect).
    pub fn is_clear(&self) -> bool {
        self.low > 1.0 || self.high < 1.0
    }
}

/// One optimizer's standing across a set of problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Optimizer index in the analysis.
    pub optimizer: usize,
    /// Label.
    pub label: String,
    /// Mean over instances of its rank (1 = best; ties inside the margin averaged).
    pub mean_rank: f64,
    /// Lower end of the 95% hierarchical-bootstrap interval of the mean rank.
    pub rank_low: f64,
    /// Upper end of that interval.
    pub rank_high: f64,
    /// Share of bootstrap replicates in which it has the best mean rank (shared among exact
    /// ties).
    pub p_best: f64,
    /// Mean score over instances (median over seeds per instance).
    pub mean_score: f64,
    /// Median score over instances (median over seeds per instance): the typical final gap,
    /// which one instance's floor cannot move.
    pub median_score: f64,
    /// Its gap ratio to the median optimizer.
    pub effect: Effect,
    /// Holm-adjusted one-sided p-value of the Wilcoxon test that it is worse than the top (1
    /// for the top itself).
    pub p_vs_best: f64,
    /// Whether the data cannot tell it from the top: the tied-best set.
    pub in_best_group: bool,
    /// Other optimizers (indices) that are the same method here.
    pub same_as: Vec<usize>,
}

/// Optimizers ranked over a set of problems under one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leaderboard {
    /// Tuned or default lr.
    pub budget: Budget,
    /// Problem indices used.
    pub problems: Vec<usize>,
    /// Best first (by mean rank, then mean score; exact ties in spec order).
    pub standings: Vec<Standing>,
    /// Friedman test over instances: statistic and p-value (can any optimizer be told from
    /// another?).
    pub friedman_statistic: f64,
    /// The Friedman test's p-value.
    pub friedman_p: f64,
}

impl Leaderboard {
    /// The top standing.
    pub fn best(&self) -> Option<&Standing> {
        self.standings.first()
    }

    /// The tied-best set.
    pub fn tied_best(&self) -> Vec<&Standing> {
        self.standings.iter().filter(|s| s.in_best_group).collect()
    }

    /// The standing of optimizer `o`.
    pub fn of(&self, o: usize) -> Option<&Standing> {
        self.standings.iter().find(|s| s.optimizer == o)
    }
}

/// Scores per (problem, optimizer): the evaluation-seed scores of the budget's choice, or
/// `None` where the optimizer has no such choice.
fn score_table(a: &Analysis, budget: Budget, problems: &[usize]) -> Vec<Vec<Option<Vec<f64>>>> {
    problems
        .iter()
        .map(|&p| {
            (0..a.optimizers.len())
                .map(|o| {
                    a.problems[p]
                        .choice(budget, o)
                        .filter(|c| !c.scores.is_empty())
                        .map(|c| c.scores.clone())
                })
                .collect()
        })
        .collect()
}

fn mean_ranks(medians: &[Vec<f64>]) -> Vec<f64> {
    let n = medians.first().map_or(0, Vec::len);
    let mut sum = vec![0.0; n];
    for row in medians {
        for (s, r) in sum.iter_mut().zip(stats::ranks_with_margin(row, MARGIN)) {
            *s += r;
        }
    }
    sum.iter()
        .map(|s| s / medians.len().max(1) as f64)
        .collect()
}

/// Per optimizer, the mean over instances of (median optimizer's score − its score), in
/// decades.
fn effects(medians: &[Vec<f64>]) -> Vec<f64> {
    let n = medians.first().map_or(0, Vec::len);
    let mut sum = vec![0.0; n];
    for row in medians {
        let m = stats::median(row);
        for (s, v) in sum.iter_mut().zip(row) {
            *s += m - v;
        }
    }
    sum.iter()
        .map(|s| s / medians.len().max(1) as f64)
        .collect()
}

/// Ranks the optimizers that have a result on every problem of `problems` under `budget`.
pub fn leaderboard(a: &Analysis, budget: Budget, problems: &[usize]) -> Leaderboard {
    let table = score_table(a, budget, problems);
    let present: Vec<usize> = (0..a.optimizers.len())
        .filter(|&o| table.iter().all(|row| row[o].is_some()))
        .collect();
    let empty = Leaderboard {
        budget,
        problems: problems.to_vec(),
        standings: Vec::new(),
        friedman_statistic: 0.0,
        friedman_p: 1.0,
    };
    if present.is_empty() || problems.is_empty() {
        return empty;
    }
    let scores = |p: usize, o: usize| table[p][o].as_deref().unwrap_or(&[]);
    let medians: Vec<Vec<f64>> = (0..problems.len())
        .map(|p| {
            present
                .iter()
                .map(|&o| stats::median(scores(p, o)))
                .collect()
        })
        .collect();
    let ranks = mean_ranks(&medians);
    let effect = effects(&medians);
    let friedman = stats::friedman(&medians, MARGIN);

    // Hierarchical bootstrap: instances, then seeds within each.
    let seeds: Vec<usize> = (0..problems.len())
        .map(|p| {
            present
                .iter()
                .map(|&o| scores(p, o).len())
                .min()
                .unwrap_or(0)
        })
        .collect();
    let mut boot = Bootstrap::new(BOOTSTRAP_SEED);
    let mut replicate_ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(REPLICATES); present.len()];
    let mut replicate_effects: Vec<Vec<f64>> = vec![Vec::with_capacity(REPLICATES); present.len()];
    let mut wins = vec![0.0f64; present.len()];
    for _ in 0..REPLICATES {
        let rows: Vec<Vec<f64>> = boot
            .hierarchical(&seeds)
            .into_iter()
            .map(|(p, pick)| {
                present
                    .iter()
                    .map(|&o| {
                        let s = scores(p, o);
                        let v: Vec<f64> = pick.iter().filter_map(|&i| s.get(i).copied()).collect();
                        stats::median(&v)
                    })
                    .collect()
            })
            .collect();
        let r = mean_ranks(&rows);
        let best = r.iter().copied().fold(f64::INFINITY, f64::min);
        let tied = r.iter().filter(|&&x| x == best).count() as f64;
        for (k, &x) in r.iter().enumerate() {
            if x == best {
                wins[k] += 1.0 / tied;
            }
        }
        for (k, v) in r.into_iter().enumerate() {
            replicate_ranks[k].push(v);
        }
        for (k, v) in effects(&rows).into_iter().enumerate() {
            replicate_effects[k].push(v);
        }
    }

    let mean_score: Vec<f64> = (0..present.len())
        .map(|k| stats::mean(&medians.iter().map(|row| row[k]).collect::<Vec<_>>()))
        .collect();
    let order = {
        let mut o: Vec<usize> = (0..present.len()).collect();
        o.sort_by(|&x, &y| {
            ranks[x]
                .total_cmp(&ranks[y])
                .then(mean_score[x].total_cmp(&mean_score[y]))
                .then_with(|| {
                    a.optimizers[present[x]]
                        .spec
                        .cmp(&a.optimizers[present[y]].spec)
                })
        });
        o
    };
    let top = order[0];
    // Each optimizer against the top over instances (medians over seeds).
    let column = |k: usize| -> Vec<f64> { medians.iter().map(|row| row[k]).collect() };
    let top_column = column(top);
    let others: Vec<usize> = order[1..].to_vec();
    let raw: Vec<f64> = others
        .iter()
        .map(|&k| {
            let t = stats::wilcoxon_signed_rank(&column(k), &top_column, MARGIN);
            // One-sided: is it worse than the top? Half the two-sided p when its rank sums
            // lean that way.
            if t.w_plus > t.w_minus {
                t.p_value / 2.0
            } else {
                1.0 - t.p_value / 2.0
            }
        })
        .collect();
    let adjusted = stats::holm(&raw);
    let same: Vec<(usize, usize)> = a.same_methods.iter().map(|m| (m.first, m.second)).collect();
    let standings = order
        .iter()
        .map(|&k| {
            let p_vs_best = others
                .iter()
                .position(|&o| o == k)
                .map_or(1.0, |i| adjusted[i]);
            let (lo, hi) = stats::percentile_interval(&replicate_ranks[k], 0.95);
            let (elo, ehi) = stats::percentile_interval(&replicate_effects[k], 0.95);
            Standing {
                optimizer: present[k],
                label: a.optimizers[present[k]].label.clone(),
                mean_rank: ranks[k],
                rank_low: lo,
                rank_high: hi,
                p_best: wins[k] / REPLICATES as f64,
                mean_score: mean_score[k],
                median_score: stats::median(&medians.iter().map(|row| row[k]).collect::<Vec<_>>()),
                effect: Effect {
                    ratio: 10f64.powf(effect[k]),
                    low: 10f64.powf(elo),
                    high: 10f64.powf(ehi),
                },
                p_vs_best,
                in_best_group: p_vs_best >= ALPHA,
                same_as: same
                    .iter()
                    .filter(|(x, y)| *x == present[k] || *y == present[k])
                    .map(|&(x, y)| if x == present[k] { y } else { x })
                    .collect(),
            }
        })
        .collect();
    Leaderboard {
        budget,
        problems: problems.to_vec(),
        standings,
        friedman_statistic: friedman.statistic,
        friedman_p: friedman.p_value,
    }
}

/// Two optimizers that are the same method here: every run of one is a run of the other at
/// `lr_ratio` times its learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SameMethod {
    /// The earlier optimizer's index (`first < second`).
    pub first: usize,
    /// The later optimizer's index.
    pub second: usize,
    /// lr of `second` over the lr of `first` at which their runs coincide.
    pub lr_ratio: f64,
    /// Runs compared at that ratio.
    pub matched: usize,
    /// The share of them that coincide.
    pub share: f64,
}

/// Pairs of optimizers whose runs coincide: for runs at one problem, batch mode, schedule and
/// seed, an lr ratio c (the most frequent among runs that end at the same training objective
/// to 8 significant digits) such that at least [`SAME_SHARE`] of the pairs of runs at lr and
/// c·lr end at the same objective to 1e-9 relative (or both diverged), over at least half of
/// the runs of either. The lecture's momentum is SGD with momentum at a tenth of its lr.
pub fn same_methods(a: &Analysis) -> Vec<SameMethod> {
    use std::collections::HashMap;
    type Cell<'r> = (&'r str, &'r str, &'r str, usize);
    let n = a.optimizers.len();
    // Per optimizer: cell → (lr, final objective; None: diverged).
    /// Per cell: (lr, final objective; None: diverged).
    type Runs<'r> = HashMap<Cell<'r>, Vec<(f64, Option<f64>)>>;
    let mut runs: Vec<Runs> = vec![HashMap::new(); n];
    let mut counts = vec![0usize; n];
    for r in &a.records {
        let Some(o) = a.optimizer_index(&r.spec.label) else {
            continue;
        };
        let cell = (
            r.spec.problem.as_str(),
            r.spec.batch.as_str(),
            r.spec.schedule.as_str(),
            r.spec.seed_index,
        );
        let value = (r.status == crate::record::Status::Completed).then(|| r.final_train_loss());
        runs[o].entry(cell).or_default().push((r.spec.lr, value));
        counts[o] += 1;
    }
    let key = |v: f64| format!("{v:.8e}");
    let coincide = |v: &Option<f64>, w: &Option<f64>| match (v, w) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()),
        (None, None) => true,
        _ => false,
    };
    let mut out = Vec::new();
    for i in 0..n {
        // (cell, rounded objective) → lr of optimizer i.
        let mut index: HashMap<(Cell, String), f64> = HashMap::new();
        for (cell, rs) in &runs[i] {
            for (lr, v) in rs {
                if let Some(v) = v {
                    index.insert((*cell, key(*v)), *lr);
                }
            }
        }
        for j in i + 1..n {
            let mut ratios: HashMap<i64, usize> = HashMap::new();
            for (cell, rs) in &runs[j] {
                for (lr, v) in rs {
                    if let Some(v) = v
                        && let Some(lr_i) = index.get(&(*cell, key(*v)))
                    {
                        let r = (lr / lr_i).log10();
                        *ratios.entry((r * 1e6).round() as i64).or_default() += 1;
                    }
                }
            }
            let Some((&micro, _)) = ratios.iter().max_by_key(|(k, c)| (**c, -**k)) else {
                continue;
            };
            let ratio = 10f64.powf(micro as f64 / 1e6);
            let (mut matched, mut same) = (0usize, 0usize);
            for (cell, rs) in &runs[i] {
                let Some(others) = runs[j].get(cell) else {
                    continue;
                };
                for (lr, v) in rs {
                    let target = lr * ratio;
                    if let Some((_, w)) =
                        others.iter().find(|(l, _)| (l / target - 1.0).abs() < 1e-6)
                    {
                        matched += 1;
                        same += usize::from(coincide(v, w));
                    }
                }
            }
            let least = counts[i].min(counts[j]);
            let share = same as f64 / matched.max(1) as f64;
            if matched * 2 >= least && share >= SAME_SHARE {
                out.push(SameMethod {
                    first: i,
                    second: j,
                    lr_ratio: ratio,
                    matched,
                    share,
                });
            }
        }
    }
    out
}

/// Pairwise win rates under one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinRates {
    /// Optimizer indices (rows and columns).
    pub optimizers: Vec<usize>,
    /// `rate[i][j]`: share of (problem, seed) pairs where optimizer i's score is lower than
    /// j's by more than the margin (ties inside the margin count one half); `None` on the
    /// diagonal or without common pairs.
    pub rate: Vec<Vec<Option<f64>>>,
}

/// Win rates of every optimizer against every other over all problems and evaluation seeds.
pub fn win_rates(a: &Analysis, budget: Budget) -> WinRates {
    let n = a.optimizers.len();
    let scores = |p: usize, o: usize| -> Vec<f64> {
        a.problems[p]
            .choice(budget, o)
            .map(|c| c.scores.clone())
            .unwrap_or_default()
    };
    let rate = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        return None;
                    }
                    let (mut wins, mut count) = (0.0, 0usize);
                    for p in 0..a.problems.len() {
                        for (x, y) in scores(p, i).iter().zip(&scores(p, j)) {
                            count += 1;
                            wins += if (x - y).abs() <= MARGIN {
                                0.5
                            } else if x < y {
                                1.0
                            } else {
                                0.0
                            };
                        }
                    }
                    (count > 0).then(|| wins / count as f64)
                })
                .collect()
        })
        .collect();
    WinRates {
        optimizers: (0..n).collect(),
        rate,
    }
}
