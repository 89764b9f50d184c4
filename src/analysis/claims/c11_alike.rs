//! Claim 11: RMSprop, Adadelta and Adam behave very similarly. For a set of optimizers, its
//! dissimilarity is the largest, over its pairs, of the gap ratio between the two (the
//! geometric mean over problems of the larger gap over the smaller). "Very similar" reads as
//! below 2 (a factor of 2 in the gap). So that the tolerance cannot be vacuous, the same is
//! computed for every triple of the experiment's seven optimizers and the share that passes is
//! stated; a tolerance every triple passes would say nothing.

use super::{Context, Measure, Side, all_of, claim};
use crate::analysis::ranking::REPLICATES;
use crate::analysis::{Budget, stats};

/// Per problem, the median score of each optimizer's tuned choice (None where missing).
fn medians(ctx: &Context, o: usize) -> Vec<Option<Vec<f64>>> {
    ctx.e
        .problems
        .iter()
        .map(|p| {
            p.choice(Budget::Tuned, o)
                .filter(|c| !c.scores.is_empty())
                .map(|c| c.scores.clone())
        })
        .collect()
}

/// The dissimilarity of a set: max over its pairs of 10^mean_p |median_a − median_b|.
fn dissimilarity(sets: &[Vec<Vec<f64>>]) -> f64 {
    let n = sets.len();
    let mut worst = 0.0f64;
    for i in 0..n {
        for j in i + 1..n {
            let d: Vec<f64> = sets[i]
                .iter()
                .zip(&sets[j])
                .map(|(a, b)| (stats::median(a) - stats::median(b)).abs())
                .collect();
            worst = worst.max(stats::mean(&d));
        }
    }
    10f64.powf(worst)
}

pub fn check(ctx: &mut Context) -> super::Claim {
    let triple: Vec<usize> = ["rmsprop", "adadelta", "adam"]
        .iter()
        .filter_map(|l| ctx.optimizer(l))
        .collect();
    if triple.len() < 3 {
        return super::not_tested(11, "its experiment lacks one of the three");
    }
    // Problems where every optimizer of the experiment has a result.
    let all: Vec<usize> = (0..ctx.e.optimizers.len()).collect();
    let per: Vec<Vec<Option<Vec<f64>>>> = all.iter().map(|&o| medians(ctx, o)).collect();
    let problems: Vec<usize> = (0..ctx.e.problems.len())
        .filter(|&p| per.iter().all(|v| v[p].is_some()))
        .collect();
    if problems.is_empty() {
        return super::not_tested(11, "no problem has every optimizer");
    }
    let set_of = |os: &[usize], ps: &[usize]| -> Vec<Vec<Vec<f64>>> {
        os.iter()
            .map(|&o| {
                ps.iter()
                    .map(|&p| per[o][p].clone().unwrap_or_default())
                    .collect()
            })
            .collect()
    };
    let point = dissimilarity(&set_of(&triple, &problems));
    let replicates: Vec<f64> = (0..REPLICATES)
        .map(|_| {
            let ps: Vec<usize> = ctx
                .boot
                .resample(problems.len())
                .into_iter()
                .map(|i| problems[i])
                .collect();
            dissimilarity(&set_of(&triple, &ps))
        })
        .collect();
    let (lo, hi) = stats::percentile_interval(&replicates, 0.95);
    // How many triples of the seven pass the same tolerance: not every one may.
    let (mut passing, mut triples) = (0, 0);
    for a in 0..all.len() {
        for b in a + 1..all.len() {
            for c in b + 1..all.len() {
                triples += 1;
                passing += usize::from(dissimilarity(&set_of(&[a, b, c], &problems)) < 2.0);
            }
        }
    }
    let m = Measure::new(
        "largest gap ratio between two of RMSprop, Adadelta and Adam",
        (point, lo, hi),
        2.0,
        Side::Below,
        format!(
            "{} problems, all tuned; {passing} of the {triples} triples of the experiment's {} optimizers pass the same tolerance",
            problems.len(),
            all.len()
        ),
    );
    let verdict = all_of(std::slice::from_ref(&m));
    let summary = format!(
        "Two of the three differ by {}× in the gap they leave; {passing} of {triples} triples of optimizers are within 2×.",
        super::sig2(point)
    );
    claim(
        11,
        "similar within a factor of 2, a tolerance not every triple passes",
        vec![m],
        verdict,
        summary,
    )
}
