//! Claim 4: for sparse data, adaptive methods beat plain SGD. On sparse logistic
//! regressions, each optimizer tuned: the gap SGD leaves over the median gap of the adaptive
//! methods (AdaGrad, RMSprop, Adam), paired by seed; they beat it when the ratio's interval
//! lies above 1. Checked against the main grid's sparse problems.

use super::{Context, Measure, Side, against_main, all_of, claim};
use crate::analysis::findings::paired_effect;
use crate::analysis::{Budget, stats};
use crate::problem::Family;

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(sgd) = ctx.optimizer("sgd") else {
        return super::not_tested(4, "its experiment lacks sgd");
    };
    let adaptive: Vec<usize> = ["adagrad", "rmsprop", "adam"]
        .iter()
        .filter_map(|l| ctx.optimizer(l))
        .collect();
    if adaptive.is_empty() {
        return super::not_tested(4, "its experiment has no adaptive method");
    }
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = ctx
        .e
        .problems
        .iter()
        .filter(|p| p.family == Family::SparseFeatures)
        .filter_map(|p| {
            let s = p
                .choice(Budget::Tuned, sgd)
                .filter(|c| !c.scores.is_empty())?;
            let seeds = s.scores.len();
            let per_seed: Vec<f64> = (0..seeds)
                .map(|k| {
                    let v: Vec<f64> = adaptive
                        .iter()
                        .filter_map(|&o| p.choice(Budget::Tuned, o)?.scores.get(k).copied())
                        .collect();
                    stats::median(&v)
                })
                .collect();
            Some((s.scores.clone(), per_seed))
        })
        .collect();
    if pairs.is_empty() {
        return super::not_tested(4, "its experiment has no sparse problem");
    }
    let m = Measure::of_effect(
        "gap SGD leaves over the adaptive methods' median gap",
        paired_effect(&pairs, &mut ctx.boot),
        1.0,
        Side::Above,
        format!(
            "{} sparse problems, evaluation seeds, each optimizer tuned",
            pairs.len()
        ),
    );
    let verdict = all_of(std::slice::from_ref(&m));
    let (verdict, main) = against_main(
        ctx,
        ("sgd", "adagrad"),
        &|p| p.family == Family::SparseFeatures,
        1.0,
        &m,
        verdict,
    );
    let summary = format!(
        "On sparse features SGD leaves {}× the adaptive methods' gap.",
        super::sig2(m.estimate)
    );
    let mut measures = vec![m];
    measures.extend(main);
    claim(
        4,
        "an effect: the adaptive methods' advantage over SGD, above 1",
        measures,
        verdict,
        summary,
    )
}
