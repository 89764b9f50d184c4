//! Claim 7: too large a learning rate fluctuates or diverges; too small is painfully slow. A
//! fixed sweep over ten decades on the tuning seeds: for each (problem, optimizer), whether
//! most runs at the largest rate diverge or end no better than they started, and whether most
//! at the smallest close less than a tenth of the gap. The claim is about what typically
//! happens: the share of (problem, optimizer) pairs where both hold, above ½.

use super::{Context, Measure, Side, all_of, claim, share};
use crate::grid::SeedRole;
use crate::record::Status;
use crate::tuning;

pub fn check(ctx: &mut Context) -> super::Claim {
    let mut by_pair: std::collections::BTreeMap<(&str, &str), Vec<&crate::record::RunRecord>> =
        Default::default();
    for r in ctx
        .e
        .records
        .iter()
        .filter(|r| r.spec.role == SeedRole::Tuning)
    {
        by_pair
            .entry((&r.spec.problem, &r.spec.label))
            .or_default()
            .push(r);
    }
    let mut by_problem: std::collections::BTreeMap<&str, Vec<bool>> = Default::default();
    let (mut large, mut small, mut pairs) = (0, 0, 0);
    for ((problem, _), runs) in &by_pair {
        let lo = runs.iter().map(|r| r.spec.lr).fold(f64::INFINITY, f64::min);
        let hi = runs.iter().map(|r| r.spec.lr).fold(0.0, f64::max);
        if lo >= hi {
            continue;
        }
        let most = |lr: f64, f: &dyn Fn(&crate::record::RunRecord) -> bool| {
            let at: Vec<&&crate::record::RunRecord> =
                runs.iter().filter(|r| r.spec.lr == lr).collect();
            at.iter().filter(|r| f(r)).count() * 2 > at.len()
        };
        let fails = most(hi, &|r| {
            r.status == Status::Diverged || tuning::score(r) >= 0.0
        });
        let crawls = most(lo, &|r| {
            r.status == Status::Completed && tuning::score(r) > (0.9f64).log10()
        });
        large += usize::from(fails);
        small += usize::from(crawls);
        pairs += 1;
        by_problem.entry(problem).or_default().push(fails && crawls);
    }
    if pairs == 0 {
        return super::not_tested(7, "its experiment has no sweep");
    }
    let groups: Vec<Vec<bool>> = by_problem.into_values().collect();
    let m = Measure::new(
        "share of (problem, optimizer) pairs where the largest rate fails and the smallest crawls",
        share(&groups, &mut ctx.boot),
        0.5,
        Side::Above,
        format!(
            "{pairs} pairs over {} problems, rates over ten decades, tuning seeds",
            groups.len()
        ),
    );
    let verdict = all_of(std::slice::from_ref(&m));
    let summary = format!(
        "The largest rate diverges or ends no better than it started in {large} of {pairs} pairs; the smallest closes less than a tenth of the gap in {small}."
    );
    claim(
        7,
        "typical behaviour: a majority of (problem, optimizer) pairs",
        vec![m],
        verdict,
        summary,
    )
}
