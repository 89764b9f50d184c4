//! Claim 2: AdaGrad's effective learning rate can shrink until progress stalls — an
//! existence claim. A run stalls when its effective lr (update norm over gradient norm) ends
//! below a tenth of its first epoch's, its last half closes less than 0.1 decade of gap, and
//! it is still further than 1e-4 from f*. The claim holds if in some setting (problem and lr)
//! most runs stall: the share of stalled runs there, with its bootstrap interval, above ½.

use super::{Context, Measure, Side, claim, share};
use crate::record::{RunRecord, Status};
use crate::tuning;

/// Whether a run stalled as the claim describes.
pub fn stalled(r: &RunRecord) -> bool {
    if r.status == Status::Diverged || r.curves.len() < 4 {
        return false;
    }
    let c = &r.curves;
    let n = c.len() - 1;
    let eff = |i: usize| {
        if c.gradient_norm[i] > 0.0 {
            c.update_norm[i] / c.gradient_norm[i]
        } else {
            0.0
        }
    };
    let (first, last) = (eff(1), eff(n));
    let half = c
        .epoch
        .iter()
        .position(|&e| e >= c.epoch[n] / 2)
        .unwrap_or(n);
    let score = |i: usize| tuning::score_of_gap(tuning::gap_at(r, i));
    first > 0.0 && last < 0.1 * first && score(half) - score(n) < 0.1 && tuning::gap_at(r, n) > 1e-4
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(ada) = ctx.optimizer("adagrad") else {
        return super::not_tested(2, "its experiment lacks adagrad");
    };
    let label = ctx.e.optimizers[ada].label.clone();
    // Every setting (problem, lr): the stall flags of its runs (all seeds).
    let mut settings: std::collections::BTreeMap<(String, u64), Vec<bool>> = Default::default();
    for r in ctx.e.records.iter().filter(|r| r.spec.label == label) {
        settings
            .entry((r.spec.problem.clone(), r.spec.lr.to_bits()))
            .or_default()
            .push(stalled(r));
    }
    if settings.is_empty() {
        return super::not_tested(2, "its experiment has no AdaGrad runs");
    }
    // The setting where stalls are most common (exact ties: the first in problem and lr order).
    let (key, flags) = settings
        .iter()
        .max_by(|a, b| {
            let s = |f: &Vec<bool>| f.iter().filter(|&&x| x).count() as f64 / f.len() as f64;
            s(a.1).total_cmp(&s(b.1)).then(b.0.cmp(a.0))
        })
        .expect("settings is not empty");
    let m = Measure::new(
        format!(
            "share of AdaGrad runs that stall on {} at lr {}",
            crate::problem::short_spec(&key.0),
            super::sig2(f64::from_bits(key.1))
        ),
        share(std::slice::from_ref(flags), &mut ctx.boot),
        0.5,
        Side::Above,
        format!(
            "the setting with the most stalls among {} (problem, lr) settings, {} runs there",
            settings.len(),
            flags.len()
        ),
    );
    let all: Vec<Vec<bool>> = settings.values().cloned().collect();
    let overall = share(&all, &mut ctx.boot).0;
    let verdict = match m.holds {
        Some(true) => (super::Verdict::Supported, None),
        Some(false) => (super::Verdict::NotSupported, None),
        None => (
            super::Verdict::Mixed,
            Some(
                "stalls happen in the likeliest setting, but not clearly in most of its runs"
                    .into(),
            ),
        ),
    };
    let summary = format!(
        "In the likeliest setting {} of AdaGrad's runs stall (its effective lr falls below a tenth of its start while the gap stops closing); over all {} settings, {}.",
        super::pct(m.estimate),
        settings.len(),
        super::pct(overall)
    );
    claim(
        2,
        "an existence claim: one setting where most runs stall suffices",
        vec![m],
        verdict,
        summary,
    )
}
