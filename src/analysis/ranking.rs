//! Rankings across problems with bootstrap confidence, the group indistinguishable from the
//! best (paired t-tests over (problem, evaluation seed) pairs, Holm-corrected), and pairwise
//! win rates.

use serde::Serialize;

use super::stats::{self, Bootstrap};
use super::{Analysis, Budget};

/// Bootstrap replicates for rank intervals.
pub const REPLICATES: usize = 1000;
/// Seed of the bootstrap stream (fixed, so a report is reproducible).
const BOOTSTRAP_SEED: u64 = 0x5eed_b007;
/// Significance level of the paired tests (after Holm's correction).
pub const ALPHA: f64 = 0.05;

/// One optimizer's standing across a set of problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Optimizer index in the analysis.
    pub optimizer: usize,
    /// Label.
    pub label: String,
    /// Mean over problems of its rank (1 = best) by median evaluation score.
    pub mean_rank: f64,
    /// 95% bootstrap interval of the mean rank (problems and seeds resampled).
    pub rank_low: f64,
    pub rank_high: f64,
    /// Share of bootstrap replicates in which it has the best mean rank.
    pub p_best: f64,
    /// Mean score over problems (median over seeds per problem).
    pub mean_score: f64,
    /// Holm-adjusted p-value of the paired test against the best (1 for the best itself).
    pub p_vs_best: f64,
    /// Whether the data cannot tell it from the best.
    pub in_best_group: bool,
}

/// Optimizers ranked over a set of problems under one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leaderboard {
    /// Tuned or default lr.
    pub budget: Budget,
    /// Problem indices used.
    pub problems: Vec<usize>,
    /// Best first.
    pub standings: Vec<Standing>,
}

impl Leaderboard {
    /// The winner.
    pub fn best(&self) -> Option<&Standing> {
        self.standings.first()
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
        for (s, r) in sum.iter_mut().zip(stats::ranks(row)) {
            *s += r;
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
    if present.is_empty() || problems.is_empty() {
        return Leaderboard {
            budget,
            problems: problems.to_vec(),
            standings: Vec::new(),
        };
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

    // Bootstrap: resample problems, and seeds within each problem.
    let mut boot = Bootstrap::new(BOOTSTRAP_SEED);
    let mut replicate_ranks: Vec<Vec<f64>> = vec![Vec::with_capacity(REPLICATES); present.len()];
    let mut wins = vec![0usize; present.len()];
    for _ in 0..REPLICATES {
        let drawn = if problems.len() > 1 {
            boot.resample(problems.len())
        } else {
            vec![0]
        };
        let rows: Vec<Vec<f64>> = drawn
            .iter()
            .map(|&p| {
                let seeds = scores(p, present[0]).len();
                let pick = boot.resample(seeds);
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
        let best = (0..r.len())
            .min_by(|&x, &y| r[x].total_cmp(&r[y]))
            .unwrap_or(0);
        wins[best] += 1;
        for (k, v) in r.into_iter().enumerate() {
            replicate_ranks[k].push(v);
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
                .then(
                    a.optimizers[present[x]]
                        .label
                        .cmp(&a.optimizers[present[y]].label),
                )
        });
        o
    };
    let best = order[0];
    // Paired tests against the best over (problem, seed) pairs.
    let pairs = |k: usize| -> Vec<f64> {
        (0..problems.len())
            .flat_map(|p| scores(p, present[k]).to_vec())
            .collect()
    };
    let best_pairs = pairs(best);
    let others: Vec<usize> = order[1..].to_vec();
    let raw: Vec<f64> = others
        .iter()
        .map(|&k| {
            let t = stats::paired_t_test(&pairs(k), &best_pairs);
            if t.mean_difference <= 0.0 {
                1.0
            } else {
                t.p_value
            }
        })
        .collect();
    let adjusted = stats::holm(&raw);
    let standings = order
        .iter()
        .map(|&k| {
            let p_vs_best = others
                .iter()
                .position(|&o| o == k)
                .map_or(1.0, |i| adjusted[i]);
            Standing {
                optimizer: present[k],
                label: a.optimizers[present[k]].label.clone(),
                mean_rank: ranks[k],
                rank_low: stats::quantile(&replicate_ranks[k], 0.025),
                rank_high: stats::quantile(&replicate_ranks[k], 0.975),
                p_best: wins[k] as f64 / REPLICATES as f64,
                mean_score: mean_score[k],
                p_vs_best,
                in_best_group: p_vs_best >= ALPHA,
            }
        })
        .collect();
    Leaderboard {
        budget,
        problems: problems.to_vec(),
        standings,
    }
}

/// Pairwise win rates under one budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WinRates {
    /// Optimizer indices (rows and columns).
    pub optimizers: Vec<usize>,
    /// `rate[i][j]`: share of (problem, seed) pairs where optimizer i's score is lower than
    /// j's (ties count one half); `None` on the diagonal or without common pairs.
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
                            wins += if x < y {
                                1.0
                            } else if x == y {
                                0.5
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
