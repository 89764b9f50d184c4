//! Claim 9: batch gradient descent descends smoothly; stochastic gradient descent fluctuates
//! widely. The full training objective after every update (the experiment records it): the
//! share of updates that raise it. Smooth reads as below 5% of updates at full batch; widely
//! as above 20% with one sample per update.

use super::{Context, Measure, Side, all_of, claim, mean_of_medians};
use crate::analysis::Budget;
use crate::record::RunRecord;

/// Share of updates that raised the full training objective (`None` without per-update data).
pub fn rises(r: &RunRecord) -> Option<f64> {
    let v = r.update_losses.as_ref()?;
    if v.len() < 2 {
        return None;
    }
    let up = v.windows(2).filter(|w| w[1] > w[0]).count();
    Some(up as f64 / (v.len() - 1) as f64)
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(sgd) = ctx.optimizer("sgd") else {
        return super::not_tested(9, "its experiment lacks sgd");
    };
    let of = |ctx: &Context, batch: &str| -> Vec<Vec<f64>> {
        ctx.e
            .problems
            .iter()
            .filter_map(|p| {
                let c = p.configurations[sgd]
                    .iter()
                    .find(|c| c.batch == batch && !c.runs.is_empty())?;
                let v: Vec<f64> = ctx.records(c).iter().filter_map(|r| rises(r)).collect();
                (!v.is_empty()).then_some(v)
            })
            .collect()
    };
    let (full, single) = (of(ctx, "full"), of(ctx, "stochastic"));
    if full.is_empty() || single.is_empty() {
        return super::not_tested(
            9,
            "its experiment recorded no per-update objectives at both batch modes",
        );
    }
    let _ = Budget::Tuned;
    let smooth = Measure::new(
        "share of full-batch updates that raise the training objective",
        mean_of_medians(&full, &mut ctx.boot),
        0.05,
        Side::Below,
        format!(
            "{} problems, every update of the evaluation runs",
            full.len()
        ),
    );
    let rough = Measure::new(
        "share of single-sample updates that raise it",
        mean_of_medians(&single, &mut ctx.boot),
        0.2,
        Side::Above,
        format!(
            "{} problems, every update of the evaluation runs",
            single.len()
        ),
    );
    let verdict = all_of(&[smooth.clone(), rough.clone()]);
    let summary = format!(
        "The full training objective rises on {} of full-batch updates and on {} of single-sample ones.",
        super::pct(smooth.estimate),
        super::pct(rough.estimate)
    );
    claim(
        9,
        "both halves, measured per update",
        vec![smooth, rough],
        verdict,
        summary,
    )
}
