//! Claim 12: finite-difference random search can train a model without gradients — an
//! existence claim. Basic random search with a budget of loss evaluations on small models,
//! its step size tuned: on the model where it does best, the share of runs that close 99% of
//! the gap to f* (a trained model), above ½.

use super::{Context, Measure, Side, Verdict, claim, share};
use crate::analysis::Budget;
use crate::tuning;

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(ars) = ctx.optimizer("ars") else {
        return super::not_tested(12, "its experiment lacks ars");
    };
    let mut best: Option<(String, Vec<bool>)> = None;
    for p in ctx.e.problems.iter().filter(|p| p.has_data) {
        let Some(c) = p.choice(Budget::Tuned, ars).filter(|c| !c.runs.is_empty()) else {
            continue;
        };
        let flags: Vec<bool> = ctx
            .records(c)
            .iter()
            .map(|r| tuning::score(r) <= -2.0)
            .collect();
        let rate = |f: &Vec<bool>| f.iter().filter(|&&x| x).count() as f64 / f.len() as f64;
        if best.as_ref().is_none_or(|(_, b)| rate(&flags) > rate(b)) {
            best = Some((p.title.clone(), flags));
        }
    }
    let Some((title, flags)) = best else {
        return super::not_tested(12, "its experiment has no model trained by ars");
    };
    let m = Measure::new(
        format!("share of ars runs on {title} that close 99% of the gap to f*"),
        share(std::slice::from_ref(&flags), &mut ctx.boot),
        0.5,
        Side::Above,
        format!("the best of the experiment's models, {} runs", flags.len()),
    );
    let verdict = match m.holds {
        Some(true) => (Verdict::Supported, None),
        Some(false) => (Verdict::NotSupported, None),
        None => (
            Verdict::Mixed,
            Some("random search trains the best model in some runs but not clearly in most".into()),
        ),
    };
    let summary = format!(
        "On {title}, random search closes 99% of the gap to f* in {} of its runs, with loss evaluations only.",
        super::pct(m.estimate)
    );
    claim(
        12,
        "an existence claim: one model it trains reliably suffices",
        vec![m],
        verdict,
        summary,
    )
}
