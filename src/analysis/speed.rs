//! Speed to a target (COCO style): for each evaluation run of an optimizer's tuned choice, the
//! first epoch at which the training objective's gap to f*, relative to the start, falls
//! below each target in [`TARGETS`]; its cost in sample-evaluations (gradient evaluations,
//! plus loss evaluations for `ars`) and in wall seconds. From those: runtime ECDFs (share of
//! (problem, seed, target) triples reached within a budget), Dolan–Moré performance profiles
//! (share of (problem, seed) runs solved to [`GOOD_TARGET`] within τ times the fastest cost),
//! each profile's area up to τ = 4 (the AlgoPerf score: 1 = always the fastest, 0 = never
//! within 4× of it), and how many runs reached each target.

use serde::Serialize;

use super::{Analysis, GOOD_TARGET, TARGETS};
use crate::record::RunRecord;

/// The position of [`GOOD_TARGET`] in [`TARGETS`].
pub const GOOD_TARGET_INDEX: usize = 3;

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
    /// The same, by seconds.
    pub fastest_seconds: Vec<f64>,
    /// Per optimizer, the share of instances that reached the good target at all.
    pub solved: Vec<f64>,
    /// Instances (problem, seed) counted.
    pub instances: usize,
    /// Per optimizer, the area under its evaluations profile for τ from 1 to
    /// `PROFILE_TAU` on a log scale, divided by its width (0 to 1).
    pub profile_score_evals: Vec<f64>,
    /// The same by wall seconds.
    pub profile_score_seconds: Vec<f64>,
    /// Per optimizer and target (in [`TARGETS`] order), the runs that reached it.
    pub reached: Vec<Vec<usize>>,
    /// Median wall seconds to [`GOOD_TARGET`] over the runs that reached it (any optimizer);
    /// `None` when none did.
    pub median_seconds_to_good: Option<f64>,
    /// Per optimizer, its good-target costs per (problem, seed) run, problems in analysis
    /// order and seeds within (∞: not reached, serialized as the text "not reached"), by
    /// evaluations and by seconds.
    #[serde(serialize_with = "costs_or_not_reached")]
    pub good_evals: Vec<Vec<f64>>,
    /// The same, by seconds.
    #[serde(serialize_with = "costs_or_not_reached")]
    pub good_seconds: Vec<Vec<f64>>,
}

/// A cost as `findings.json` writes it: a number, or "not reached" (JSON has no ∞, and a
/// `null` would read as a missing number).
#[derive(Serialize)]
#[serde(untagged)]
enum Cost {
    Reached(f64),
    NotReached(&'static str),
}

/// Serializes per-optimizer cost lists with every non-finite cost as "not reached".
fn costs_or_not_reached<S: serde::Serializer>(
    costs: &[Vec<f64>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(costs.iter().map(|row| {
        row.iter()
            .map(|&c| {
                if c.is_finite() {
                    Cost::Reached(c)
                } else {
                    Cost::NotReached("not reached")
                }
            })
            .collect::<Vec<Cost>>()
    }))
}

/// The largest τ a profile score integrates to (AlgoPerf's).
pub const PROFILE_TAU: f64 = 4.0;

/// The area under a performance profile for τ in [1, [`PROFILE_TAU`]] on a log scale, over its
/// width: the mean over instances of max(0, 1 − log(ratio)/log τ_max) for ratios within
/// τ_max (an exact integral of the step function).
pub fn profile_score(ratios: &[f64]) -> f64 {
    if ratios.is_empty() {
        return 0.0;
    }
    let width = PROFILE_TAU.ln();
    ratios
        .iter()
        .map(|&r| {
            if r.is_finite() && r <= PROFILE_TAU {
                1.0 - r.max(1.0).ln() / width
            } else {
                0.0
            }
        })
        .sum::<f64>()
        / ratios.len() as f64
}

/// Per optimizer, each instance's cost over the fastest optimizer's (∞ where it or every
/// optimizer failed; 1 where both cost nothing).
pub fn cost_ratios(cost: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let instances = cost.first().map_or(0, Vec::len);
    let best: Vec<f64> = (0..instances)
        .map(|i| cost.iter().map(|c| c[i]).fold(f64::INFINITY, f64::min))
        .collect();
    cost.iter()
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
        .collect()
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

/// Profiles from per-instance costs `cost[o][instance]`: the curves and each optimizer's share
/// of instances where it is the fastest.
fn profiles(cost: &[Vec<f64>]) -> (Vec<Vec<(f64, f64)>>, Vec<f64>) {
    let instances = cost.first().map_or(0, Vec::len);
    let ratios = cost_ratios(cost);
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
    let mut reached = vec![vec![0usize; TARGETS.len()]; n];
    let mut seconds_to_good = Vec::new();
    let seeds = a.evaluation_seeds.len();
    for p in &a.problems {
        for (o, choice) in p.tuned.iter().enumerate() {
            for k in 0..seeds {
                let run = choice.runs.get(k).map(|&i| &a.records[i]);
                for (ti, &target) in TARGETS.iter().enumerate() {
                    let t = run.and_then(|r| time_to_target(r, target));
                    reached[o][ti] += usize::from(t.is_some());
                    if target == GOOD_TARGET
                        && let Some(t) = t
                    {
                        seconds_to_good.push(t.1);
                    }
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
    let score = |cost: &[Vec<f64>]| -> Vec<f64> {
        cost_ratios(cost).iter().map(|r| profile_score(r)).collect()
    };
    Speed {
        profile_score_evals: score(&good_evals),
        profile_score_seconds: score(&good_seconds),
        reached,
        median_seconds_to_good: (!seconds_to_good.is_empty())
            .then(|| super::stats::median(&seconds_to_good)),
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
        good_evals,
        good_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreached_target_is_written_as_text_never_as_null() {
        #[derive(Serialize)]
        struct Costs(#[serde(serialize_with = "costs_or_not_reached")] Vec<Vec<f64>>);
        let text =
            serde_json::to_string(&Costs(vec![vec![12.0, f64::INFINITY], vec![f64::NAN, 0.5]]))
                .unwrap();
        assert_eq!(text, r#"[[12.0,"not reached"],["not reached",0.5]]"#);
    }

    #[test]
    fn the_good_target_is_where_its_index_says() {
        assert_eq!(TARGETS[GOOD_TARGET_INDEX], GOOD_TARGET);
    }

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
        // Scores: A is fastest once (1), at 2× once (1 − ln2/ln4 = ½), never once: ½;
        // B at 2× once (½), fastest twice: (½ + 1 + 1)/3.
        let ratios = cost_ratios(&cost);
        assert!((profile_score(&ratios[0]) - 0.5).abs() < 1e-12);
        assert!((profile_score(&ratios[1]) - 2.5 / 3.0).abs() < 1e-12);
        assert_eq!(profile_score(&[f64::INFINITY, 5.0]), 0.0);
    }
}
