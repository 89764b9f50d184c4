//! Claim 13: AdaGrad without the square root performs much worse. Both tuned: the gap
//! AdaGrad without the root leaves over AdaGrad's; "much worse" reads as at least 10×.
//! Checked against the main grid.

use super::{Context, Measure, Side, against_main, all_of, claim};
use crate::analysis::Budget;

pub fn check(ctx: &mut Context) -> super::Claim {
    let (Some(root), Some(none)) = (
        ctx.optimizer("adagrad"),
        ctx.optimizer("adagrad:sqrt=false"),
    ) else {
        return super::not_tested(13, "its experiment lacks adagrad or adagrad:sqrt=false");
    };
    let Some((e, n)) = ctx.ratio(none, root, Budget::Tuned) else {
        return super::not_tested(13, "no problem has both");
    };
    let m = Measure::of_effect(
        "gap AdaGrad without the square root leaves over AdaGrad's",
        e,
        10.0,
        Side::Above,
        format!("{n} problems, evaluation seeds, both tuned"),
    );
    let verdict = all_of(std::slice::from_ref(&m));
    let (verdict, main) = against_main(
        ctx,
        ("adagrad:sqrt=false", "adagrad"),
        &|_| true,
        10.0,
        &m,
        verdict,
    );
    let summary = format!(
        "Without the square root AdaGrad leaves {}× the gap.",
        super::sig2(e.ratio)
    );
    let mut measures = vec![m];
    measures.extend(main);
    claim(
        13,
        "an effect of at least 10× (\"much worse\")",
        measures,
        verdict,
        summary,
    )
}
