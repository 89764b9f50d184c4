//! Claim 3: Adadelta needs no manual learning-rate tuning — judged at default settings: the
//! gap Adadelta leaves at its own lr over the gap it leaves tuned. "No tuning needed" reads
//! as losing less than a factor of 10 (one decade) by not tuning; SGD's ratio is shown for
//! contrast.

use super::{Context, Measure, Side, all_of, claim};
use crate::analysis::Budget;
use crate::analysis::findings::paired_effect;

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(ada) = ctx.optimizer("adadelta") else {
        return super::not_tested(3, "its experiment lacks adadelta");
    };
    let loss = |ctx: &mut Context, o: usize| {
        let pairs: Vec<(Vec<f64>, Vec<f64>)> = ctx
            .e
            .problems
            .iter()
            .filter_map(|p| {
                let d = p
                    .choice(Budget::Default, o)
                    .filter(|c| !c.scores.is_empty())?;
                let t = p
                    .choice(Budget::Tuned, o)
                    .filter(|c| !c.scores.is_empty())?;
                Some((d.scores.clone(), t.scores.clone()))
            })
            .collect();
        (!pairs.is_empty()).then(|| (paired_effect(&pairs, &mut ctx.boot), pairs.len()))
    };
    let Some((e, n)) = loss(ctx, ada) else {
        return super::not_tested(3, "Adadelta has no default-lr runs in its experiment");
    };
    let m = Measure::of_effect(
        "gap at Adadelta's own lr over its gap tuned",
        e,
        10.0,
        Side::Below,
        format!("{n} problems, evaluation seeds"),
    );
    let contrast =
        ctx.optimizer("sgd")
            .and_then(|o| loss(ctx, o))
            .map_or(String::new(), |(s, _)| {
                format!(
                    " SGD, for contrast, loses {}× (95% CI {}–{}×).",
                    super::sig2(s.ratio),
                    super::sig2(s.low),
                    super::sig2(s.high)
                )
            });
    let verdict = all_of(std::slice::from_ref(&m));
    let summary = format!(
        "Not tuning Adadelta leaves {}× the gap of tuning it.{contrast}",
        super::sig2(m.estimate)
    );
    claim(
        3,
        "judged at default settings: less than a decade lost without tuning",
        vec![m],
        verdict,
        summary,
    )
}
