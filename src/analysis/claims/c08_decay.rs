//! Claim 8: with mini-batches a constant learning rate hovers around the optimum; with decay
//! it gets much closer. SGD on problems with a solved f*, each schedule at its tuned lr: the
//! final gap at the constant schedule over the gap of the best decaying one (chosen on the
//! tuning seeds). "Much closer" reads as at least a factor of 10.

use super::{Context, Measure, Side, all_of, claim};
use crate::analysis::Choice;
use crate::analysis::findings::paired_effect;

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(sgd) = ctx.optimizer("sgd") else {
        return super::not_tested(8, "its experiment lacks sgd");
    };
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = ctx
        .e
        .problems
        .iter()
        .filter_map(|p| {
            let configs = &p.configurations[sgd];
            let constant = configs
                .iter()
                .find(|c| c.schedule.starts_with("constant") && !c.scores.is_empty())?;
            let decay: &Choice = configs
                .iter()
                .filter(|c| !c.schedule.starts_with("constant") && !c.scores.is_empty())
                .min_by(|a, b| {
                    a.selection
                        .total_cmp(&b.selection)
                        .then(a.pace.total_cmp(&b.pace))
                })?;
            Some((constant.scores.clone(), decay.scores.clone()))
        })
        .collect();
    if pairs.is_empty() {
        return super::not_tested(8, "its experiment lacks constant or decaying schedules");
    }
    let m = Measure::of_effect(
        "final gap at a constant lr over the best decaying schedule's",
        paired_effect(&pairs, &mut ctx.boot),
        10.0,
        Side::Above,
        format!("{} problems, mini-batches, evaluation seeds", pairs.len()),
    );
    let verdict = all_of(std::slice::from_ref(&m));
    let summary = format!(
        "With decay SGD ends {}× closer to f* than at a constant rate.",
        super::sig2(m.estimate)
    );
    claim(
        8,
        "an effect of at least 10× (\"much closer\")",
        vec![m],
        verdict,
        summary,
    )
}
