//! The lecture's claims, each checked by the experiment designed for it (`grid::claims`):
//! one file per claim, each turning its experiment's records into measures — an effect (a
//! ratio, a share, a difference of shares) with a 95% bootstrap interval over instances and
//! seeds — and a verdict that compares the interval with a threshold matching the claim's
//! words, stating where the verdict would flip.
//!
//! The logic follows the words: "can" claims (2, 12) are existence claims, claims about what
//! happens typically need a majority, claims about untuned use (3) are judged at default
//! settings. A claim whose experiment is missing is "not tested". Claims that compare
//! optimizers the main grid also ranks are checked against it: where the two disagree, the
//! verdict is "mixed" and says so.
//!
//! May use: the rest of `analysis`, `record`, `tuning`, `grid`, `problem`.

mod c01_momentum;
mod c02_adagrad_stalls;
mod c03_adadelta_untuned;
mod c04_sparse;
mod c05_adam_rmsprop;
mod c06_sgd_slower;
mod c07_lr_extremes;
mod c08_decay;
mod c09_roughness;
mod c10_noise;
mod c11_alike;
mod c12_random_search;
mod c13_adagrad_root;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

use super::findings::{paired_effect, sig2};
use super::ranking::{Effect, REPLICATES};
use super::stats::{self, Bootstrap};
use super::{Analysis, Budget, Choice};
use crate::grid::claims as experiments;
use crate::record::RunRecord;

/// Seed of the claims' bootstrap streams (fixed: reports reproduce).
const BOOTSTRAP_SEED: u64 = 0xc1a1_5eed;

/// A claim's verdict (serialized in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "supported")]
    /// The measures support the claim.
    Supported,
    #[serde(rename = "not supported")]
    /// The measures contradict the claim.
    NotSupported,
    #[serde(rename = "mixed")]
    /// Supported in some settings, not in others (see `depends_on`).
    Mixed,
    #[serde(rename = "not tested")]
    /// The claim's experiment was not run.
    NotTested,
}

impl Verdict {
    /// In words.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::NotSupported => "not supported",
            Verdict::Mixed => "mixed",
            Verdict::NotTested => "not tested",
        }
    }
}

/// Which side of a threshold supports a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The claim holds when the effect lies above the threshold.
    Above,
    /// The claim holds when the effect lies below the threshold.
    Below,
}

/// One measured effect of a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    /// What is measured, in words.
    pub name: String,
    /// The estimate.
    pub estimate: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
    /// The threshold the claim's words set.
    pub threshold: f64,
    /// Which side of the threshold supports the claim.
    pub side: Side,
    /// `Some(true)` when the whole interval lies on the supporting side, `Some(false)` when it
    /// lies on the other, `None` when it straddles the threshold.
    pub holds: Option<bool>,
    /// Where the verdict on this measure would flip, in words.
    pub flip: String,
    /// Instances (and runs) behind it.
    pub evidence: String,
}

impl Measure {
    /// A measure judged against `threshold`.
    pub fn new(
        name: impl Into<String>,
        (estimate, low, high): (f64, f64, f64),
        threshold: f64,
        side: Side,
        evidence: impl Into<String>,
    ) -> Measure {
        let holds = match side {
            Side::Above if low > threshold => Some(true),
            Side::Above if high <= threshold => Some(false),
            Side::Below if high < threshold => Some(true),
            Side::Below if low >= threshold => Some(false),
            _ => None,
        };
        let t = sig2(threshold);
        let flip = match (side, holds) {
            (Side::Above, Some(true)) => format!(
                "not supported here if the lower end ({}) fell to {t} or below",
                sig2(low)
            ),
            (Side::Above, Some(false)) => format!(
                "supported here if the whole interval rose above {t} (its upper end is {})",
                sig2(high)
            ),
            (Side::Below, Some(true)) => format!(
                "not supported here if the upper end ({}) reached {t}",
                sig2(high)
            ),
            (Side::Below, Some(false)) => format!(
                "supported here if the whole interval fell below {t} (its lower end is {})",
                sig2(low)
            ),
            (_, None) => format!(
                "undecided: the interval {}–{} contains {t}",
                sig2(low),
                sig2(high)
            ),
        };
        Measure {
            name: name.into(),
            estimate,
            low,
            high,
            threshold,
            side,
            holds,
            flip,
            evidence: evidence.into(),
        }
    }

    /// An effect (a gap or time ratio) as a measure.
    pub fn of_effect(
        name: impl Into<String>,
        e: Effect,
        threshold: f64,
        side: Side,
        evidence: impl Into<String>,
    ) -> Measure {
        Measure::new(name, (e.ratio, e.low, e.high), threshold, side, evidence)
    }

    /// "2.3 (95% CI 1.1–4.5)".
    pub fn text(&self) -> String {
        format!(
            "{}: {} (95% CI {}–{}; the claim needs {} {})",
            self.name,
            sig2(self.estimate),
            sig2(self.low),
            sig2(self.high),
            match self.side {
                Side::Above => "above",
                Side::Below => "below",
            },
            sig2(self.threshold)
        )
    }
}

/// One checked claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// 1..=13.
    #[serde(rename = "id")]
    pub number: usize,
    /// The lecture's statement.
    pub statement: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// How the words are read: which logic the verdict follows.
    pub logic: String,
    /// The measures.
    pub measures: Vec<Measure>,
    /// What the measures say, in a sentence.
    pub summary: String,
    /// For "mixed": what the verdict depends on.
    pub depends_on: Option<String>,
    /// The experiment's name.
    pub experiment: String,
    /// The experiment's grid, as TOML.
    pub grid: String,
}

/// Verdict of a conjunction of measures: supported when every one holds, not supported when
/// any clearly fails, otherwise mixed (with the undecided ones named).
pub fn all_of(measures: &[Measure]) -> (Verdict, Option<String>) {
    if measures.iter().all(|m| m.holds == Some(true)) {
        (Verdict::Supported, None)
    } else if measures.iter().any(|m| m.holds == Some(false)) {
        (Verdict::NotSupported, None)
    } else {
        let open: Vec<&str> = measures
            .iter()
            .filter(|m| m.holds.is_none())
            .map(|m| m.name.as_str())
            .collect();
        (
            Verdict::Mixed,
            Some(format!(
                "the interval of {} contains its threshold",
                open.join(" and ")
            )),
        )
    }
}

/// The experiments' analyses by claim number, built from the claims' records (grouped by
/// their grid's fingerprint).
#[derive(Debug, Clone, Default)]
pub struct Experiments {
    /// Each claim's analysis, by claim number.
    pub by_claim: BTreeMap<usize, Analysis>,
}

impl Experiments {
    /// Groups `records` by the claim whose experiment made them; records of no claim's
    /// experiment are left out.
    pub fn from_records(records: Vec<RunRecord>) -> Experiments {
        let known: Vec<(usize, String)> = experiments::experiments()
            .map(|e| {
                e.into_iter()
                    .map(|x| (x.claim, crate::grid::plan(&x.grid).fingerprint))
                    .collect()
            })
            .unwrap_or_default();
        let mut groups: BTreeMap<usize, Vec<RunRecord>> = BTreeMap::new();
        for r in records {
            if let Some((claim, _)) = known.iter().find(|(_, f)| *f == r.grid) {
                groups.entry(*claim).or_default().push(r);
            }
        }
        Experiments {
            by_claim: groups
                .into_iter()
                .map(|(c, rs)| (c, Analysis::new(rs)))
                .collect(),
        }
    }
}

/// The statements, in order.
pub const STATEMENTS: [&str; 13] = [
    "Momentum dampens oscillation across a ravine and reaches the bottom faster than SGD.",
    "AdaGrad's effective learning rate can shrink until progress stalls.",
    "Adadelta needs no manual learning-rate tuning.",
    "For sparse data, adaptive methods beat plain SGD.",
    "Adam slightly outperforms RMSprop towards the end of optimization.",
    "SGD reaches a minimum but takes significantly longer than adaptive methods.",
    "Too large a learning rate fluctuates or diverges; too small is painfully slow.",
    "Mini-batch with a constant learning rate hovers around the optimum; with decay it gets much closer.",
    "Batch gradient descent descends smoothly; stochastic gradient descent fluctuates widely.",
    "Stochastic noise helps escape local minima.",
    "RMSprop, Adadelta and Adam behave very similarly.",
    "Finite-difference random search can train a model without gradients.",
    "AdaGrad without the square root performs much worse.",
];

/// What a claim check gets.
pub struct Context<'a> {
    /// The claim's experiment.
    pub e: &'a Analysis,
    /// The main grid's analysis (for the consistency check).
    pub main: &'a Analysis,
    /// A bootstrap stream of its own.
    pub boot: Bootstrap,
}

impl Context<'_> {
    /// The optimizer of the experiment with this spec name and keys (its label is its spec
    /// unless the grid labels it; claim experiments do not).
    pub fn optimizer(&self, label: &str) -> Option<usize> {
        self.e.optimizer_index(label)
    }

    /// Evaluation scores of optimizer `o`'s tuned choice on every problem (problem order).
    pub fn scores(&self, o: usize, budget: Budget) -> Vec<Option<&Choice>> {
        self.e
            .problems
            .iter()
            .map(|p| p.choice(budget, o).filter(|c| !c.runs.is_empty()))
            .collect()
    }

    /// The records of a choice's evaluation runs.
    pub fn records(&self, c: &Choice) -> Vec<&RunRecord> {
        c.runs.iter().map(|&i| &self.e.records[i]).collect()
    }

    /// The gap ratio of `worse` to `better` (tuned, every problem both ran), paired by seed.
    pub fn ratio(
        &mut self,
        worse: usize,
        better: usize,
        budget: Budget,
    ) -> Option<(Effect, usize)> {
        let pairs: Vec<(Vec<f64>, Vec<f64>)> = self
            .e
            .problems
            .iter()
            .filter_map(|p| {
                let a = p.choice(budget, worse).filter(|c| !c.scores.is_empty())?;
                let b = p.choice(budget, better).filter(|c| !c.scores.is_empty())?;
                Some((a.scores.clone(), b.scores.clone()))
            })
            .collect();
        (!pairs.is_empty()).then(|| (paired_effect(&pairs, &mut self.boot), pairs.len()))
    }
}

/// The mean over instances of per-instance medians, with a hierarchical-bootstrap interval
/// (instances, then seeds within each).
pub fn mean_of_medians(groups: &[Vec<f64>], boot: &mut Bootstrap) -> (f64, f64, f64) {
    let estimate =
        |rows: &[Vec<f64>]| stats::mean(&rows.iter().map(|r| stats::median(r)).collect::<Vec<_>>());
    let point = estimate(groups);
    let seeds: Vec<usize> = groups.iter().map(Vec::len).collect();
    let replicates: Vec<f64> = (0..REPLICATES)
        .map(|_| {
            let rows: Vec<Vec<f64>> = boot
                .hierarchical(&seeds)
                .into_iter()
                .map(|(i, pick)| pick.iter().map(|&k| groups[i][k]).collect())
                .collect();
            estimate(&rows)
        })
        .collect();
    let (lo, hi) = stats::percentile_interval(&replicates, 0.95);
    (point, lo, hi)
}

/// A share of runs with a property, pooled over instances: the mean over instances of each
/// instance's share, with a hierarchical-bootstrap interval.
pub fn share(groups: &[Vec<bool>], boot: &mut Bootstrap) -> (f64, f64, f64) {
    let as_numbers: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| g.iter().map(|&b| f64::from(u8::from(b))).collect())
        .collect();
    let estimate =
        |rows: &[Vec<f64>]| stats::mean(&rows.iter().map(|r| stats::mean(r)).collect::<Vec<_>>());
    let point = estimate(&as_numbers);
    let seeds: Vec<usize> = as_numbers.iter().map(Vec::len).collect();
    let replicates: Vec<f64> = (0..REPLICATES)
        .map(|_| {
            let rows: Vec<Vec<f64>> = boot
                .hierarchical(&seeds)
                .into_iter()
                .map(|(i, pick)| pick.iter().map(|&k| as_numbers[i][k]).collect())
                .collect();
            estimate(&rows)
        })
        .collect();
    let (lo, hi) = stats::percentile_interval(&replicates, 0.95);
    (point, lo, hi)
}

/// The gap ratio between two unpaired groups of scores in each setting: 10^mean_s(median
/// of `worse_s` − median of `better_s`), with an interval that resamples the runs of each
/// group within each setting.
pub fn unpaired_effect(settings: &[(Vec<f64>, Vec<f64>)], boot: &mut Bootstrap) -> Effect {
    let estimate = |rows: &[(Vec<f64>, Vec<f64>)]| {
        stats::mean(
            &rows
                .iter()
                .map(|(w, b)| stats::median(w) - stats::median(b))
                .collect::<Vec<_>>(),
        )
    };
    let point = estimate(settings);
    let replicates: Vec<f64> = (0..REPLICATES)
        .map(|_| {
            let rows: Vec<(Vec<f64>, Vec<f64>)> = settings
                .iter()
                .map(|(w, b)| {
                    let w2: Vec<f64> = boot.resample(w.len()).into_iter().map(|i| w[i]).collect();
                    let b2: Vec<f64> = boot.resample(b.len()).into_iter().map(|i| b[i]).collect();
                    (w2, b2)
                })
                .collect();
            estimate(&rows)
        })
        .collect();
    let (lo, hi) = stats::percentile_interval(&replicates, 0.95);
    Effect {
        ratio: 10f64.powf(point),
        low: 10f64.powf(lo),
        high: 10f64.powf(hi),
    }
}

/// A share as a percentage ("37%").
pub fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// log10 of a cost, for geometric-mean ratios of times.
pub fn log_times(times: &[f64]) -> Vec<f64> {
    times.iter().map(|t| t.max(1.0).log10()).collect()
}

/// The claims, each from its experiment (not tested where the experiment's records are
/// missing), checked against the main grid where they share optimizers.
pub fn claims(experiments: &Experiments, main: &Analysis) -> Vec<Claim> {
    type Check = fn(&mut Context) -> Claim;
    let checks: [Check; 13] = [
        c01_momentum::check,
        c02_adagrad_stalls::check,
        c03_adadelta_untuned::check,
        c04_sparse::check,
        c05_adam_rmsprop::check,
        c06_sgd_slower::check,
        c07_lr_extremes::check,
        c08_decay::check,
        c09_roughness::check,
        c10_noise::check,
        c11_alike::check,
        c12_random_search::check,
        c13_adagrad_root::check,
    ];
    let written = experiments::experiments().unwrap_or_default();
    checks
        .iter()
        .enumerate()
        .map(|(i, check)| {
            let number = i + 1;
            let (name, toml) = written
                .iter()
                .find(|x| x.claim == number)
                .map_or((String::new(), ""), |x| (x.grid.name.clone(), x.toml));
            let mut claim = match experiments.by_claim.get(&number) {
                Some(e) => check(&mut Context {
                    e,
                    main,
                    boot: Bootstrap::new(BOOTSTRAP_SEED ^ number as u64),
                }),
                None => not_tested(number, "its experiment's records are not in this report"),
            };
            claim.experiment = name;
            claim.grid = toml.to_string();
            claim
        })
        .collect()
}

/// A claim that could not be tested, and why.
pub fn not_tested(number: usize, why: &str) -> Claim {
    Claim {
        number,
        statement: STATEMENTS[number - 1],
        verdict: Verdict::NotTested,
        logic: String::new(),
        measures: Vec::new(),
        summary: format!("Not tested: {why}."),
        depends_on: None,
        experiment: String::new(),
        grid: String::new(),
    }
}

/// A claim from its measures and the verdict they give.
pub fn claim(
    number: usize,
    logic: &str,
    measures: Vec<Measure>,
    (verdict, depends_on): (Verdict, Option<String>),
    summary: String,
) -> Claim {
    Claim {
        number,
        statement: STATEMENTS[number - 1],
        verdict,
        logic: logic.into(),
        measures,
        summary,
        depends_on,
        experiment: String::new(),
        grid: String::new(),
    }
}

/// The consistency check of a pairwise claim with the main grid: the same gap ratio of
/// `worse` over `better` (by label) on the main grid's instances; if its interval lies
/// clearly on the other side of `threshold` from the experiment's, the verdict becomes mixed.
pub fn against_main(
    ctx: &mut Context,
    (worse, better): (&str, &str),
    on: &dyn Fn(&super::ProblemResult) -> bool,
    threshold: f64,
    measure: &Measure,
    verdict: (Verdict, Option<String>),
) -> ((Verdict, Option<String>), Option<Measure>) {
    let (Some(w), Some(b)) = (
        ctx.main.optimizer_index(worse),
        ctx.main.optimizer_index(better),
    ) else {
        return (verdict, None);
    };
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = ctx
        .main
        .problems
        .iter()
        .filter(|p| on(p))
        .filter_map(|p| {
            let a = p
                .choice(Budget::Tuned, w)
                .filter(|c| !c.scores.is_empty())?;
            let c = p
                .choice(Budget::Tuned, b)
                .filter(|c| !c.scores.is_empty())?;
            Some((a.scores.clone(), c.scores.clone()))
        })
        .collect();
    if pairs.is_empty() {
        return (verdict, None);
    }
    let e = paired_effect(&pairs, &mut ctx.boot);
    let main = Measure::of_effect(
        format!("the same ratio on the benchmark grid ({worse} over {better})"),
        e,
        threshold,
        measure.side,
        format!("{} instances of the main grid, tuned", pairs.len()),
    );
    let disagree = matches!(
        (measure.holds, main.holds),
        (Some(true), Some(false)) | (Some(false), Some(true))
    );
    if disagree {
        (
            (
                Verdict::Mixed,
                Some("the claim's experiment and the benchmark grid disagree: the verdict depends on the problems".into()),
            ),
            Some(main),
        )
    } else {
        (verdict, Some(main))
    }
}
