//! Speed to a target (COCO style): for each evaluation run of an optimizer's tuned choice, the
//! first epoch at which the training objective's relative gap falls below each target in
//! [`TARGETS`]; its cost in sample-evaluations (gradient evaluations, plus loss evaluations
//! for `ars`) and in wall seconds. From those: runtime ECDFs (share of (problem, seed, target)
//! triples reached within a budget) and Dolan–Moré performance profiles (share of
//! (problem, seed) instances solved to [`GOOD_TARGET`] within τ times the fastest cost).

use serde::Serialize;

use super::{Analysis, GOOD_TARGET, TARGETS};
use crate::record::RunRecord;

/// Points on each ECDF and profile curve.
const CURVE_POINTS: usize = 60;

/// Cost of reaching a relative gap `target` on the training objective: (sample-evaluations,
/// seconds, epochs), or `None` if never reached.
pub fn time_to_target(r: &RunRecord, target: f64) -> Option<(f64, f64, usize)> {
    let per_epoch = (r.per_epoch.gradient_evals + r.per_epoch.loss_evals) as f64;
    (0..r.curves.len())
        .find(|&i| crate::tuning::gap_at(r, i) <= target)
        .map(|i| {
            let e = r.curves.epoch[i];
            (e as f64 * per_epoch, r.curves.seconds[i], e)
        })
}

/// Speed results under the tuned budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Speed {
    /// ECDF by sample-evaluations: per optimizer, (budget, share reached).
    pub ecdf_evals: Vec<Vec<(f64, f64)>>,
    /// ECDF by wall seconds.
    pub ecdf_seconds: Vec<Vec<(f64, f64)>>,
    /// Performance profile by sample-evaluations: per optimizer, (τ, share within τ·best).
    pub profile_evals: Vec<Vec<(f64, f64)>>,
    /// Performance profile by wall seconds.
    pub profile_seconds: Vec<Vec<(f64, f64)>>,
    /// Per optimizer, the share of instances where it reached the good target fastest (by
    /// evaluations, by seconds); ties count for every tied optimizer.
    pub fastest_evals: Vec<f64>,
    pub fastest_seconds: Vec<f64>,
    /// Per optimizer, the share of instances that reached the good target at all.
    pub solved: Vec<f64>,
    /// Instances (problem, seed) counted.
    pub instances: usize,
}

fn log_grid(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.max(1e-300), hi.max(lo * 1.0001));
    let (a, b) = (lo.log10(), hi.log10());
    (0..CURVE_POINTS)
        .map(|i| 10f64.powf(a + (b - a) * i as f64 / (CURVE_POINTS - 1) as f64))
        .collect()
}

fn ecdf(costs: &[Vec<f64>], grid: &[f64]) -> Vec<Vec<(f64, f64)>> {
    costs
        .iter()
        .map(|c| {
            let n = c.len().max(1) as f64;
            grid.iter()
                .map(|&b| (b, c.iter().filter(|&&x| x <= b).count() as f64 / n))
                .collect()
        })
        .collect()
}

fn finite_range(costs: &[Vec<f64>], positive: bool) -> (f64, f64) {
    let all = costs
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite() && (!positive || *x > 0.0));
    let (lo, hi) = all.fold((f64::INFINITY, 0.0f64), |(l, h), x| (l.min(x), h.max(x)));
    if lo.is_finite() {
        (lo, hi.max(lo))
    } else {
        (1.0, 10.0)
    }
}

/// Profiles from per-instance costs `cost[o][instance]`.
fn profiles(cost: &[Vec<f64>]) -> (Vec<Vec<(f64, f64)>>, Vec<f64>) {
    let instances = cost.first().map_or(0, Vec::len);
    let best: Vec<f64> = (0..instances)
        .map(|i| cost.iter().map(|c| c[i]).fold(f64::INFINITY, f64::min))
        .collect();
    let ratios: Vec<Vec<f64>> = cost
        .iter()
        .map(|c| {
            (0..instances)
                .map(|i| {
                    if c[i].is_finite() && best[i].is_finite() {
                        if best[i] > 0.0 {
                            c[i] / best[i]
                        } else if c[i] == 0.0 {
                            1.0
                        } else {
                            f64::INFINITY
                        }
                    } else {
                        f64::INFINITY
                    }
                })
                .collect()
        })
        .collect();
    let max_ratio = ratios
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .fold(2.0f64, f64::max);
    let grid = log_grid(1.0, max_ratio);
    let fastest = ratios
        .iter()
        .map(|r| r.iter().filter(|&&x| x <= 1.0).count() as f64 / instances.max(1) as f64)
        .collect();
    (ecdf(&ratios, &grid), fastest)
}

/// Speed of every optimizer's tuned choice.
pub fn speed(a: &Analysis) -> Speed {
    let n = a.optimizers.len();
    let mut ecdf_evals_costs = vec![Vec::new(); n];
    let mut ecdf_seconds_costs = vec![Vec::new(); n];
    let mut good_evals = vec![Vec::new(); n];
    let mut good_seconds = vec![Vec::new(); n];
    let seeds = a.evaluation_seeds.len();
    for p in &a.problems {
        for (o, choice) in p.tuned.iter().enumerate() {
            for k in 0..seeds {
                let run = choice.runs.get(k).map(|&i| &a.records[i]);
                for &target in &TARGETS {
                    let t = run.and_then(|r| time_to_target(r, target));
                    ecdf_evals_costs[o].push(t.map_or(f64::INFINITY, |t| t.0));
                    ecdf_seconds_costs[o].push(t.map_or(f64::INFINITY, |t| t.1));
                    if target == GOOD_TARGET {
                        good_evals[o].push(t.map_or(f64::INFINITY, |t| t.0));
                        good_seconds[o].push(t.map_or(f64::INFINITY, |t| t.1));
                    }
                }
            }
        }
    }
    let (lo, hi) = finite_range(&ecdf_evals_costs, true);
    let evals_grid = log_grid(lo, hi);
    let (lo, hi) = finite_range(&ecdf_seconds_costs, true);
    let seconds_grid = log_grid(lo, hi);
    let (profile_evals, fastest_evals) = profiles(&good_evals);
    let (profile_seconds, fastest_seconds) = profiles(&good_seconds);
    Speed {
        ecdf_evals: ecdf(&ecdf_evals_costs, &evals_grid),
        ecdf_seconds: ecdf(&ecdf_seconds_costs, &seconds_grid),
        profile_evals,
        profile_seconds,
        fastest_evals,
        fastest_seconds,
        solved: good_evals
            .iter()
            .map(|c| c.iter().filter(|x| x.is_finite()).count() as f64 / c.len().max(1) as f64)
            .collect(),
        instances: good_evals.first().map_or(0, Vec::len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_count_instances_within_a_factor_of_the_fastest() {
        // Two solvers, three instances: A costs 1, 4, ∞; B costs 2, 2, 5.
        let cost = vec![vec![1.0, 4.0, f64::INFINITY], vec![2.0, 2.0, 5.0]];
        let (curves, fastest) = profiles(&cost);
        assert_eq!(fastest, vec![1.0 / 3.0, 2.0 / 3.0]);
        let at =
            |c: &Vec<(f64, f64)>, tau: f64| c.iter().rfind(|(t, _)| *t <= tau + 1e-9).unwrap().1;
        assert_eq!(at(&curves[0], 2.0), 2.0 / 3.0);
        assert_eq!(at(&curves[1], 2.0), 1.0);
    }
}
