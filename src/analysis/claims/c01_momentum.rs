//! Claim 1: momentum dampens oscillation across a ravine and reaches the bottom faster than
//! SGD. On 2-D quadratics whose steep coordinate is x1, each at its tuned lr: (a) the share of
//! updates whose step along x1 reverses direction, SGD minus momentum (dampens: above 0);
//! (b) epochs to a gap of 1e-4, SGD over momentum (faster: above 1; a run that never gets
//! there counts as one epoch past the budget, a lower bound).

use super::super::speed::time_to_target;
use super::{Context, Measure, Side, all_of, claim, log_times, mean_of_medians};
use crate::analysis::Budget;
use crate::analysis::findings::paired_effect;
use crate::record::RunRecord;

/// Share of updates whose step along the steep coordinate reverses the previous one.
pub fn oscillation(r: &RunRecord) -> Option<f64> {
    let t = r.trajectory.as_ref()?;
    let steps: Vec<f64> = t
        .windows(2)
        .map(|w| w[1][1] - w[0][1])
        .filter(|d| *d != 0.0)
        .collect();
    if steps.len() < 2 {
        return Some(0.0);
    }
    let reversals = steps.windows(2).filter(|w| w[0] * w[1] < 0.0).count();
    Some(reversals as f64 / (steps.len() - 1) as f64)
}

fn epochs(r: &RunRecord) -> f64 {
    time_to_target(r, 1e-4).map_or(r.spec.epochs as f64 + 1.0, |t| t.2 as f64)
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let (Some(sgd), Some(mom)) = (ctx.optimizer("sgd"), ctx.optimizer("sgd:momentum=0.9")) else {
        return super::not_tested(1, "its experiment lacks sgd or sgd:momentum=0.9");
    };
    let (mut osc, mut times) = (Vec::new(), Vec::new());
    let (mut osc_sgd, mut osc_mom) = (Vec::new(), Vec::new());
    for p in &ctx.e.problems {
        let (Some(a), Some(b)) = (p.choice(Budget::Tuned, sgd), p.choice(Budget::Tuned, mom))
        else {
            continue;
        };
        let (ra, rb) = (ctx.records(a), ctx.records(b));
        let d: Vec<f64> = ra
            .iter()
            .zip(&rb)
            .filter_map(|(x, y)| Some(oscillation(x)? - oscillation(y)?))
            .collect();
        if !d.is_empty() {
            osc.push(d);
            osc_sgd.push(
                ra.iter()
                    .filter_map(|r| oscillation(r))
                    .collect::<Vec<f64>>(),
            );
            osc_mom.push(
                rb.iter()
                    .filter_map(|r| oscillation(r))
                    .collect::<Vec<f64>>(),
            );
        }
        let ta: Vec<f64> = ra.iter().map(|r| epochs(r)).collect();
        let tb: Vec<f64> = rb.iter().map(|r| epochs(r)).collect();
        times.push((log_times(&ta), log_times(&tb)));
    }
    if osc.is_empty() {
        return super::not_tested(1, "no trajectories of the steep coordinate were recorded");
    }
    let a = Measure::new(
        "share of updates that reverse along the steep coordinate, SGD minus momentum",
        mean_of_medians(&osc, &mut ctx.boot),
        0.0,
        Side::Above,
        format!(
            "{} quadratics × their evaluation seeds, each optimizer at its tuned lr",
            osc.len()
        ),
    );
    let b = Measure::of_effect(
        "epochs to 1e-4 of the gap, SGD over momentum",
        paired_effect(&times, &mut ctx.boot),
        1.0,
        Side::Above,
        format!(
            "{} quadratics; a run that never gets there counts as one epoch past the budget",
            times.len()
        ),
    );
    let verdict = all_of(&[a.clone(), b.clone()]);
    let summary = format!(
        "At their tuned rates, SGD's step along the steep coordinate reverses on {} of updates and momentum's on {}; SGD takes {}× momentum's epochs to 1e-4 of the gap.",
        super::pct(mean_of_medians(&osc_sgd, &mut ctx.boot).0),
        super::pct(mean_of_medians(&osc_mom, &mut ctx.boot).0),
        super::sig2(b.estimate)
    );
    claim(
        1,
        "both halves must hold (a conjunction)",
        vec![a, b],
        verdict,
        summary,
    )
}
