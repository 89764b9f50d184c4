//! Claim 6: SGD reaches a minimum but takes significantly longer than adaptive methods.
//! (a) It reaches one: the share of problems where most of SGD's runs get to 1e-3 of the gap,
//! above ½; (b) it is slower: epochs to 1e-3, SGD over the fastest adaptive method on each
//! problem (a run that never gets there counts as one epoch past the budget, a lower bound),
//! above 1.5 ("significantly").

use super::super::speed::time_to_target;
use super::{Context, Measure, Side, all_of, claim, log_times, share};
use crate::analysis::findings::paired_effect;
use crate::analysis::{Budget, stats};
use crate::record::RunRecord;

const TARGET: f64 = 1e-3;

fn epochs(r: &RunRecord) -> f64 {
    time_to_target(r, TARGET).map_or(r.spec.epochs as f64 + 1.0, |t| t.2 as f64)
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(sgd) = ctx.optimizer("sgd") else {
        return super::not_tested(6, "its experiment lacks sgd");
    };
    let adaptive: Vec<usize> = ["adagrad", "rmsprop", "adam"]
        .iter()
        .filter_map(|l| ctx.optimizer(l))
        .collect();
    let (mut reached, mut times) = (Vec::new(), Vec::new());
    for p in &ctx.e.problems {
        let Some(s) = p.choice(Budget::Tuned, sgd).filter(|c| !c.runs.is_empty()) else {
            continue;
        };
        let sgd_runs = ctx.records(s);
        let hits: Vec<bool> = sgd_runs
            .iter()
            .map(|r| time_to_target(r, TARGET).is_some())
            .collect();
        let most = hits.iter().filter(|&&h| h).count() * 2 > hits.len();
        reached.push(vec![most]);
        // The adaptive method with the fewest median epochs here.
        let fastest = adaptive
            .iter()
            .filter_map(|&o| p.choice(Budget::Tuned, o).filter(|c| !c.runs.is_empty()))
            .map(|c| {
                ctx.records(c)
                    .iter()
                    .map(|r| epochs(r))
                    .collect::<Vec<f64>>()
            })
            .min_by(|a, b| stats::median(a).total_cmp(&stats::median(b)));
        if let Some(fast) = fastest {
            let slow: Vec<f64> = sgd_runs.iter().map(|r| epochs(r)).collect();
            times.push((log_times(&slow), log_times(&fast)));
        }
    }
    if reached.is_empty() || times.is_empty() {
        return super::not_tested(6, "its experiment lacks SGD or adaptive runs");
    }
    let a = Measure::new(
        "share of problems where most of SGD's runs reach 1e-3 of the gap",
        share(&[reached.iter().map(|r| r[0]).collect()], &mut ctx.boot),
        0.5,
        Side::Above,
        format!("{} problems", reached.len()),
    );
    let b = Measure::of_effect(
        "epochs to 1e-3 of the gap, SGD over the fastest adaptive method",
        paired_effect(&times, &mut ctx.boot),
        1.5,
        Side::Above,
        format!(
            "{} problems; a run that never gets there counts as one epoch past the budget",
            times.len()
        ),
    );
    let verdict = all_of(&[a.clone(), b.clone()]);
    let summary = format!(
        "SGD reaches 1e-3 of the gap on {} of the problems and needs {}× the epochs of the fastest adaptive method.",
        super::pct(a.estimate),
        super::sig2(b.estimate)
    );
    claim(
        6,
        "both halves must hold; \"significantly longer\" reads as at least 1.5×",
        vec![a, b],
        verdict,
        summary,
    )
}
