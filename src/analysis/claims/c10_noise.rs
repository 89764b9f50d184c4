//! Claim 10: stochastic noise helps escape local minima. Many random starts on Rastrigin,
//! a global basin ringed by local minima (each with f ≈ 1 or more): how low the runs end,
//! without gradient noise against with it, at each schedule (constant and annealed), each at
//! its tuned lr — the gap ratio, clean over noisy (helps: above 1), and, beside it, the share
//! of runs that end in the global basin (f < 0.5).

use std::collections::BTreeMap;

use super::{Context, Measure, Side, all_of, claim, pct, unpaired_effect};
use crate::record::{RunRecord, Status};

/// Whether a run ended in Rastrigin's global basin.
pub fn in_global_basin(r: &RunRecord) -> bool {
    r.status == Status::Completed && r.final_train_loss() < 0.5
}

fn noise_of(problem: &str) -> f64 {
    problem
        .split([':', ','])
        .find_map(|kv| kv.strip_prefix("noise=")?.parse().ok())
        .unwrap_or(0.0)
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let Some(o) = ctx.optimizer("sgd") else {
        return super::not_tested(10, "its experiment lacks sgd");
    };
    // Per schedule: the final scores of the runs without noise and with, and which ended in
    // the global basin.
    type Group = (Vec<f64>, Vec<bool>);
    let mut by_schedule: BTreeMap<&str, (Group, Group)> = BTreeMap::new();
    for p in &ctx.e.problems {
        for c in &p.configurations[o] {
            let runs = ctx.records(c);
            let kind = c.schedule.split(':').next().unwrap_or(&c.schedule);
            let entry = by_schedule.entry(kind).or_default();
            let group = if noise_of(&p.problem) > 0.0 {
                &mut entry.1
            } else {
                &mut entry.0
            };
            group.0.extend(c.scores.iter().copied());
            group.1.extend(runs.iter().map(|r| in_global_basin(r)));
        }
    }
    let settings: Vec<(Vec<f64>, Vec<f64>)> = by_schedule
        .values()
        .filter(|(clean, noisy)| !clean.0.is_empty() && !noisy.0.is_empty())
        .map(|(clean, noisy)| (clean.0.clone(), noisy.0.clone()))
        .collect();
    if settings.is_empty() {
        return super::not_tested(10, "its experiment lacks runs with and without noise");
    }
    let e = unpaired_effect(&settings, &mut ctx.boot);
    let runs: usize = settings.iter().map(|(a, b)| a.len() + b.len()).sum();
    let m = Measure::of_effect(
        "final gap without gradient noise over the gap with it (from random starts)",
        e,
        1.0,
        Side::Above,
        format!(
            "{} schedules (constant and annealed), {runs} evaluation runs from random starts",
            settings.len()
        ),
    );
    let basin = |noisy: bool| {
        let flags: Vec<bool> = by_schedule
            .values()
            .flat_map(|(c, n)| if noisy { n.1.clone() } else { c.1.clone() })
            .collect();
        flags.iter().filter(|&&b| b).count() as f64 / flags.len().max(1) as f64
    };
    let verdict = all_of(std::slice::from_ref(&m));
    let summary = format!(
        "Runs without gradient noise end with {}× the gap of runs with it; {} of the noisy runs end in the global basin against {} without noise.",
        super::sig2(e.ratio),
        pct(basin(true)),
        pct(basin(false))
    );
    claim(
        10,
        "an effect: noisy runs end in lower minima",
        vec![m],
        verdict,
        summary,
    )
}
