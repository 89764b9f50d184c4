//! Claim 5: Adam slightly outperforms RMSprop towards the end of optimization. Both tuned,
//! the final gap RMSprop leaves over Adam's: "outperforms" needs the interval above 1,
//! "slightly" needs it below 10 (more would be "much"). Checked against the main grid.

use super::{Context, Measure, Side, Verdict, against_main, claim};
use crate::analysis::Budget;

pub fn check(ctx: &mut Context) -> super::Claim {
    let (Some(adam), Some(rms)) = (ctx.optimizer("adam"), ctx.optimizer("rmsprop")) else {
        return super::not_tested(5, "its experiment lacks adam or rmsprop");
    };
    let Some((e, n)) = ctx.ratio(rms, adam, Budget::Tuned) else {
        return super::not_tested(5, "no problem has both");
    };
    let evidence = format!("{n} problems, final gaps on the evaluation seeds, both tuned");
    let better = Measure::of_effect(
        "gap RMSprop leaves over Adam's (outperforms)",
        e,
        1.0,
        Side::Above,
        evidence.clone(),
    );
    let slightly = Measure::of_effect(
        "the same ratio (slightly: below 10)",
        e,
        10.0,
        Side::Below,
        evidence,
    );
    let verdict = match (better.holds, slightly.holds) {
        (Some(true), Some(true)) => (Verdict::Supported, None),
        (Some(false), _) => (Verdict::NotSupported, None),
        (Some(true), Some(false)) => (
            Verdict::Mixed,
            Some("Adam is better, but by more than \"slightly\": the ratio's interval lies above 10".into()),
        ),
        _ => (
            Verdict::Mixed,
            Some("the ratio's interval contains 1 or 10: the data cannot tell whether Adam is slightly better".into()),
        ),
    };
    let (verdict, main) = against_main(ctx, ("rmsprop", "adam"), &|_| true, 1.0, &better, verdict);
    let summary = format!("RMSprop ends with {}× Adam's gap.", super::sig2(e.ratio));
    let mut measures = vec![better, slightly];
    measures.extend(main);
    claim(
        5,
        "an effect between 1 and 10 (\"slightly\")",
        measures,
        verdict,
        summary,
    )
}
