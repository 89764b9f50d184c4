//! The lecture's claims (SPEC §8), each checked against the data under both budgets (tuned
//! and default learning rate). Each claim states its measure and threshold; its verdict is
//! "supported" or "not supported" when both budgets agree, "mixed" when they do not, and "not
//! tested" when the grid lacks what it needs. Optimizers are recognised by their registry name
//! and keys, never by a label.

use serde::Serialize;

use super::speed::time_to_target;
use super::stats;
use super::{Analysis, Budget, Choice, ProblemResult};
use crate::optim;
use crate::problem::Family;
use crate::record::RunRecord;
use crate::spec::Value;

/// The target of the claims about speed (1 and 6): 1% of the start gap.
const GOOD_TARGET: f64 = 1e-2;

/// A claim's verdict (serialized in words: "supported", "not supported", "mixed", "not
/// tested").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "supported")]
    Supported,
    #[serde(rename = "not supported")]
    NotSupported,
    #[serde(rename = "mixed")]
    Mixed,
    #[serde(rename = "not tested")]
    NotTested,
}

impl Verdict {
    fn from(tuned: Option<bool>, default: Option<bool>) -> Verdict {
        match (tuned, default) {
            (Some(true), Some(true)) | (Some(true), None) | (None, Some(true)) => {
                Verdict::Supported
            }
            (Some(false), Some(false)) | (Some(false), None) | (None, Some(false)) => {
                Verdict::NotSupported
            }
            (Some(_), Some(_)) => Verdict::Mixed,
            (None, None) => Verdict::NotTested,
        }
    }

    /// In words.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::NotSupported => "not supported",
            Verdict::Mixed => "mixed",
            Verdict::NotTested => "not tested by this grid",
        }
    }
}

/// Which figure backs a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FigureRef {
    /// A problem's convergence curves.
    Convergence { problem: usize },
    /// A problem's lr sensitivity curves.
    Sensitivity { problem: usize },
    /// A problem's effective-lr curves.
    EffectiveLr { problem: usize },
    /// A problem's optimizer × schedule heatmap.
    Schedules { problem: usize },
    /// A problem's optimizer × batch-mode heatmap.
    BatchModes { problem: usize },
    /// The win-rate matrix.
    WinRates,
    /// The rank intervals.
    Ranks,
}

/// One checked claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    /// 1..=13, as in SPEC §8.
    #[serde(rename = "id")]
    pub number: usize,
    /// The lecture's statement.
    pub statement: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether it holds with tuned lrs (None: not measurable).
    pub tuned: Option<bool>,
    /// Whether it holds at default lrs.
    pub default: Option<bool>,
    /// The measure and threshold, in a sentence.
    pub measure: String,
    /// The numbers behind the verdict.
    pub evidence: String,
    /// The figure to look at.
    pub figure: Option<FigureRef>,
}

/// What an optimizer is, read from its canonical spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PlainSgd,
    MomentumLike,
    Adagrad,
    AdagradNoSqrt,
    Adadelta,
    RmsProp,
    Adam,
    OtherAdaptive,
    Ars,
    Other,
}

fn kind_of(spec: &str) -> Kind {
    let Ok(parsed) = optim::parse(spec) else {
        return Kind::Other;
    };
    let p = &parsed.params;
    let float = |k: &str| match p.get(k) {
        Some(Value::Float(v)) => v,
        _ => 0.0,
    };
    let flag = |k: &str| matches!(p.get(k), Some(Value::Bool(true)));
    match p.entry() {
        "sgd" if float("momentum") == 0.0 => Kind::PlainSgd,
        "sgd" | "momentum" => Kind::MomentumLike,
        "adagrad" if !flag("sqrt") => Kind::AdagradNoSqrt,
        "adagrad" => Kind::Adagrad,
        "adadelta" => Kind::Adadelta,
        "rmsprop" if !flag("centered") && float("momentum") == 0.0 => Kind::RmsProp,
        "adam" if !flag("amsgrad") => Kind::Adam,
        "rmsprop" | "adam" | "adamw" | "nadam" | "radam" | "adamax" => Kind::OtherAdaptive,
        "ars" => Kind::Ars,
        _ => Kind::Other,
    }
}

fn is_adaptive(k: Kind) -> bool {
    matches!(
        k,
        Kind::Adagrad | Kind::Adadelta | Kind::RmsProp | Kind::Adam | Kind::OtherAdaptive
    )
}

struct Ctx<'a> {
    a: &'a Analysis,
    kinds: Vec<Kind>,
}

impl Ctx<'_> {
    fn of(&self, kind: Kind) -> Vec<usize> {
        (0..self.kinds.len())
            .filter(|&o| self.kinds[o] == kind)
            .collect()
    }

    fn med(&self, p: &ProblemResult, o: usize, b: Budget) -> Option<f64> {
        p.choice(b, o)
            .filter(|c| !c.scores.is_empty())
            .map(Choice::median_score)
    }

    /// The best (lowest median score) of `candidates` on `p`.
    fn best_of(&self, p: &ProblemResult, candidates: &[usize], b: Budget) -> Option<(usize, f64)> {
        candidates
            .iter()
            .filter_map(|&o| self.med(p, o, b).map(|s| (o, s)))
            .min_by(|x, y| x.1.total_cmp(&y.1))
    }

    fn records(&self, c: &Choice) -> Vec<&RunRecord> {
        c.runs.iter().map(|&i| &self.a.records[i]).collect()
    }

    /// Median epochs to the good target on the training objective (+∞ if not reached by most).
    fn epochs_to_good(&self, c: &Choice) -> f64 {
        let v: Vec<f64> = self
            .records(c)
            .iter()
            .map(|r| time_to_target(r, GOOD_TARGET).map_or(f64::INFINITY, |t| t.2 as f64))
            .collect();
        stats::median(&v)
    }

    fn name(&self, o: usize) -> &str {
        &self.a.optimizers[o].label
    }

    fn label(&self, p: usize) -> &str {
        &self.a.problems[p].title
    }
}

/// Share of epochs in which the training objective went up.
fn roughness(r: &RunRecord) -> f64 {
    let l = &r.curves.train_loss;
    if l.len() < 3 {
        return 0.0;
    }
    l.windows(2).filter(|w| w[1] > w[0]).count() as f64 / (l.len() - 1) as f64
}

/// A majority of `outcomes` (None = not measurable) is true; None if none is measurable.
fn majority(outcomes: &[Option<bool>]) -> Option<bool> {
    let m: Vec<bool> = outcomes.iter().flatten().copied().collect();
    if m.is_empty() {
        return None;
    }
    Some(m.iter().filter(|&&b| b).count() * 2 > m.len())
}

fn fmt(x: f64) -> String {
    if x.is_infinite() {
        "never".into()
    } else if x.fract() == 0.0 && x.abs() < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// Checks the thirteen claims.
pub fn claims(a: &Analysis, sens: &super::Sensitivity) -> Vec<Claim> {
    let kinds = a
        .optimizers
        .iter()
        .map(|o| {
            a.records
                .iter()
                .find(|r| r.spec.label == o.label)
                .map_or(Kind::Other, |r| kind_of(&r.spec.optimizer))
        })
        .collect();
    let c = Ctx { a, kinds };
    let budgets = [Budget::Tuned, Budget::Default];
    let problems_of = |f: &dyn Fn(&ProblemResult) -> bool| -> Vec<usize> {
        (0..a.problems.len())
            .filter(|&p| f(&a.problems[p]))
            .collect()
    };
    let data = problems_of(&|p| p.has_data);
    let mut out = Vec::new();

    // 1. Momentum vs SGD on ravines.
    {
        let ravines = problems_of(&|p| p.family == Family::Ravine);
        let (sgd, mom) = (c.of(Kind::PlainSgd), c.of(Kind::MomentumLike));
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut notes = Vec::new();
            for &p in &ravines {
                let pr = &a.problems[p];
                let (Some((s, _)), Some((m, _))) = (c.best_of(pr, &sgd, b), c.best_of(pr, &mom, b))
                else {
                    continue;
                };
                let (Some(cs), Some(cm)) = (pr.choice(b, s), pr.choice(b, m)) else {
                    continue;
                };
                let (es, em) = (c.epochs_to_good(cs), c.epochs_to_good(cm));
                let faster = if es.is_infinite() && em.is_infinite() {
                    cm.median_score() < cs.median_score()
                } else {
                    em < es
                };
                outcomes.push(Some(faster));
                notes.push(format!(
                    "{}: {} in {} epochs vs {} in {}",
                    c.label(p),
                    c.name(m),
                    fmt(em),
                    c.name(s),
                    fmt(es)
                ));
            }
            (
                majority(&outcomes),
                if notes.is_empty() {
                    "no ravine problem with both methods.".into()
                } else {
                    notes.join("; ") + "."
                },
            )
        });
        let fig = ravines
            .first()
            .map(|&p| FigureRef::Convergence { problem: p });
        push(&mut out, 1, "Momentum dampens oscillation across a ravine and reaches the bottom faster than SGD.", results,
            "On each ill-conditioned ravine, the best momentum method (the lecture's momentum or SGD with momentum) against plain SGD: median epochs until the training objective's gap to the best value falls below 1% of its start (if neither gets there, the lower final gap wins); supported when momentum wins on a majority of ravines.".into(), fig);
    }

    // 2. AdaGrad's effective lr shrinks until progress stalls.
    {
        let ada = c.of(Kind::Adagrad);
        let others: Vec<usize> = [c.of(Kind::RmsProp), c.of(Kind::Adam)].concat();
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut notes = Vec::new();
            for (p, pr) in a.problems.iter().enumerate() {
                let Some((o, score)) = c.best_of(pr, &ada, b) else {
                    continue;
                };
                let Some(choice) = pr.choice(b, o) else {
                    continue;
                };
                let ratios: Vec<f64> = c
                    .records(choice)
                    .iter()
                    .filter_map(|r| {
                        let eff: Vec<f64> = (1..r.curves.len())
                            .filter(|&e| r.curves.gradient_norm[e] > 0.0)
                            .map(|e| {
                                r.curves.update_norm[e]
                                    / (r.curves.gradient_norm[e]
                                        * r.per_epoch.updates.max(1) as f64)
                            })
                            .collect();
                        match (eff.first(), eff.last()) {
                            (Some(f), Some(l)) if *f > 0.0 && eff.len() > 2 => Some(l / f),
                            _ => None,
                        }
                    })
                    .collect();
                if ratios.is_empty() {
                    continue;
                }
                let ratio = stats::median(&ratios);
                let rival = c.best_of(pr, &others, b);
                let stalls = rival.is_none_or(|(_, r)| score > r + 0.1);
                outcomes.push(Some(ratio < 0.5 && stalls));
                notes.push(format!("{}: effective lr ×{:.2}", c.label(p), ratio));
            }
            let measured = outcomes.len();
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            let holds = (measured > 0).then_some(hits * 3 >= measured && hits > 0);
            (
                holds,
                if notes.is_empty() {
                    "AdaGrad not in the grid.".into()
                } else {
                    format!("{} of {} problems; {}.", hits, measured, notes.join(", "))
                },
            )
        });
        let fig = a
            .problems
            .iter()
            .position(|p| p.has_data)
            .map(|p| FigureRef::EffectiveLr { problem: p });
        push(&mut out, 2, "AdaGrad's effective learning rate can shrink until progress stalls.", results,
            "AdaGrad's effective step (distance moved per update divided by the gradient norm) at the last epoch over the first, median over evaluation seeds; it counts on a problem when the step shrank below half and AdaGrad ends more than 0.1 decade behind the best of RMSprop and Adam; supported when that happens on at least a third of the problems.".into(), fig);
    }

    // 3. Adadelta needs no manual lr tuning.
    {
        let ada = c.of(Kind::Adadelta);
        let tuned = ada.first().map(|&o| {
            // Optimizers strictly more forgiving than it (ties do not count against it).
            let rank = sens.forgiveness.iter().filter(|&&w| w > sens.forgiveness[o]).count();
            let top = rank * 3 < sens.forgiveness.len();
            (Some(top), format!("{} stays within a factor of 2 of its best over {:.1} decades of lr (median over problems); {} optimizers are wider.", c.name(o), sens.forgiveness[o], rank))
        });
        let default = ada.first().map(|&o| {
            let mut gaps = Vec::new();
            for pr in &a.problems {
                if let (Some(t), Some(d)) = (c.med(pr, o, Budget::Tuned), c.med(pr, o, Budget::Default)) {
                    gaps.push(d - t);
                }
            }
            let close = gaps.iter().filter(|&&g| g <= 0.5).count();
            ((!gaps.is_empty()).then_some(close * 3 >= gaps.len() * 2), format!("its default lr lands within half a decade of its tuned result on {close} of {} problems.", gaps.len()))
        });
        let results = [
            tuned.unwrap_or((None, "Adadelta not in the grid.".into())),
            default.unwrap_or((None, "Adadelta not in the grid.".into())),
        ];
        push(&mut out, 3, "Adadelta needs no manual learning-rate tuning (it is insensitive to the lr).", results,
            "Tuned budget: Adadelta's lr-sensitivity width (decades of lr within a factor of 2 of its best final validation gap) ranks in the top third of all optimizers. Default budget: its default lr is within half a decade of its tuned result on at least two thirds of the problems.".into(),
            a.problems.iter().position(|p| p.has_data).map(|p| FigureRef::Sensitivity { problem: p }));
    }

    // 4. Adaptive methods beat SGD on sparse data.
    {
        let sparse = problems_of(&|p| p.family == Family::SparseFeatures);
        let adaptive: Vec<usize> = (0..c.kinds.len())
            .filter(|&o| is_adaptive(c.kinds[o]))
            .collect();
        let sgd = c.of(Kind::PlainSgd);
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut notes = Vec::new();
            for &p in &sparse {
                let pr = &a.problems[p];
                if let (Some((ao, asc)), Some((_, ssc))) =
                    (c.best_of(pr, &adaptive, b), c.best_of(pr, &sgd, b))
                {
                    outcomes.push(Some(asc < ssc - 0.1));
                    notes.push(format!(
                        "{}: best adaptive ({}) score {:.2} vs SGD {:.2}",
                        c.label(p),
                        c.name(ao),
                        asc,
                        ssc
                    ));
                }
            }
            (
                majority(&outcomes),
                if notes.is_empty() {
                    "no sparse problem with both.".into()
                } else {
                    notes.join("; ") + " (log10 relative test gap)."
                },
            )
        });
        push(&mut out, 4, "For sparse data, adaptive methods beat plain SGD.", results,
            "On each sparse-feature problem, the best adaptive method's median final test score (log10 relative gap) against plain SGD's; supported when adaptive is lower by more than 0.1 decade on a majority of sparse problems.".into(),
            sparse.first().map(|&p| FigureRef::Convergence { problem: p }));
    }

    // 5. Adam slightly outperforms RMSprop towards the end.
    {
        let (adam, rms) = (c.of(Kind::Adam), c.of(Kind::RmsProp));
        let results = budgets.map(|b| {
            let (Some(&x), Some(&y)) = (adam.first(), rms.first()) else {
                return (None, "Adam or RMSprop not in the grid.".to_string());
            };
            let (mut wins, mut n) = (0.0, 0);
            for pr in &a.problems {
                if let (Some(cx), Some(cy)) = (pr.choice(b, x), pr.choice(b, y)) {
                    for (sx, sy) in cx.scores.iter().zip(&cy.scores) {
                        n += 1;
                        wins += if sx < sy { 1.0 } else if sx == sy { 0.5 } else { 0.0 };
                    }
                }
            }
            if n == 0 {
                return (None, "no common runs.".into());
            }
            let rate = wins / n as f64;
            (Some(rate > 0.5), format!("Adam's final test score is lower than RMSprop's in {:.0}% of {n} (problem, seed) pairs.", 100.0 * rate))
        });
        push(&mut out, 5, "Adam slightly outperforms RMSprop towards the end of optimization.", results,
            "Win rate of Adam over RMSprop on the final test score over every (problem, evaluation seed) pair; supported above 50%.".into(), Some(FigureRef::WinRates));
    }

    // 6. SGD reaches a minimum but takes significantly longer than adaptive methods.
    {
        let sgd = c.of(Kind::PlainSgd);
        let adaptive: Vec<usize> = (0..c.kinds.len())
            .filter(|&o| is_adaptive(c.kinds[o]))
            .collect();
        let results = budgets.map(|b| {
            let (mut slower, mut reaches, mut n) = (0, 0, 0);
            for pr in &a.problems {
                let Some((s, _)) = c.best_of(pr, &sgd, b) else { continue };
                let Some(cs) = pr.choice(b, s) else { continue };
                let es = c.epochs_to_good(cs);
                let ea = adaptive
                    .iter()
                    .filter_map(|&o| pr.choice(b, o))
                    .map(|ch| c.epochs_to_good(ch))
                    .fold(f64::INFINITY, f64::min);
                n += 1;
                reaches += usize::from(es.is_finite());
                slower += usize::from(es > 1.5 * ea || (es.is_infinite() && ea.is_finite()));
            }
            if n == 0 {
                return (None, "plain SGD not in the grid.".to_string());
            }
            (Some(slower * 2 > n && reaches * 3 >= n), format!("plain SGD reaches 1% of the start gap on {reaches} of {n} problems and is more than 1.5× slower than the fastest adaptive method on {slower}."))
        });
        push(&mut out, 6, "SGD reaches a minimum but takes significantly longer than adaptive methods.", results,
            "Epochs until the training gap falls below 1% of its start, median over evaluation seeds: supported when plain SGD gets there on at least a third of the problems and needs more than 1.5 times the epochs of the fastest adaptive method (or never gets there while it does) on a majority.".into(),
            a.problems.first().map(|_| FigureRef::Convergence { problem: 0 }));
    }

    // 7. Too large an lr fluctuates or diverges; too small is slow.
    {
        let (mut big, mut small, mut n) = (0, 0, 0);
        for row in &sens.curves {
            for curve in row.iter().flatten() {
                if curve.factors.len() < 3 {
                    continue;
                }
                let best = curve.scores.iter().copied().fold(f64::INFINITY, f64::min);
                let last = curve.scores.len() - 1;
                n += 1;
                big += usize::from(curve.diverged[last] > 0.0 || curve.scores[last] >= best + 1.0);
                small += usize::from(curve.scores[0] >= best + 1.0);
            }
        }
        let holds = (n > 0).then_some(big * 2 > n && small * 2 > n);
        let text = if n == 0 {
            "no lr sweep.".to_string()
        } else {
            format!(
                "the largest lr diverged or ended a decade or more behind the best lr in {big} of {n} sweeps; the smallest ended a decade or more behind in {small}."
            )
        };
        out.push(Claim {
            number: 7,
            statement: "Too large a learning rate fluctuates or diverges; too small is painfully slow.",
            verdict: Verdict::from(holds, None),
            tuned: holds,
            default: None,
            measure: "Over every (problem, optimizer) sweep of the learning rate at the tuned batch mode and schedule: supported when the largest lr diverges or ends at least a decade (factor 10 in the gap) behind the best lr in a majority of sweeps, and the smallest lr ends a decade behind in a majority. The sweep itself is the measure, so the budget does not enter.".into(),
            evidence: text,
            figure: a.problems.iter().position(|p| p.has_data).map(|p| FigureRef::Sensitivity { problem: p }),
        });
    }

    // 8. Mini-batch with a constant lr hovers; with decay it gets closer.
    {
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            for &p in &data {
                for (o, &k) in c.kinds.iter().enumerate() {
                    if matches!(k, Kind::Ars | Kind::Other) {
                        continue;
                    }
                    let label = &a.optimizers[o].label;
                    let pick = |constant: bool| {
                        a.select(p, |s| {
                            &s.label == label
                                && s.batch.starts_with("minibatch")
                                && s.schedule.starts_with("constant") == constant
                                && (b == Budget::Tuned || s.default_lr)
                        })
                    };
                    if let (Some(cc), Some(cd)) = (pick(true), pick(false)) {
                        let train = |ch: &Choice| {
                            let v: Vec<f64> = c.records(ch).iter().map(|r| super::run_score(r)).collect();
                            stats::median(&v)
                        };
                        outcomes.push(Some(train(&cd) < train(&cc) - 0.1));
                    }
                }
            }
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            (majority(&outcomes), format!("a decaying schedule ends more than 0.1 decade closer than constant in {hits} of {} (problem, optimizer) pairs on mini-batches.", outcomes.len()))
        });
        push(&mut out, 8, "Mini-batch with a constant learning rate hovers around the optimum; with decay it gets much closer.", results,
            "For every optimizer on every data problem, mini-batch runs only: the best decaying schedule against the constant one, each with its lr picked on the tuning seeds (or at the default lr), compared by the median final training gap; supported when decay ends more than 0.1 decade closer in a majority of pairs.".into(),
            data.first().map(|&p| FigureRef::Schedules { problem: p }));
    }

    // 9. Batch GD descends smoothly; stochastic GD fluctuates.
    {
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let (mut rf, mut rs) = (Vec::new(), Vec::new());
            for &p in &data {
                for (o, &k) in c.kinds.iter().enumerate() {
                    if matches!(k, Kind::Ars | Kind::Other) {
                        continue;
                    }
                    let label = &a.optimizers[o].label;
                    let pick = |batch: &str| a.select(p, |s| &s.label == label && s.batch == batch && (b == Budget::Tuned || s.default_lr));
                    if let (Some(full), Some(sto)) = (pick("full"), pick("stochastic")) {
                        let rough = |ch: &Choice| stats::median(&c.records(ch).iter().map(|r| roughness(r)).collect::<Vec<_>>());
                        let (x, y) = (rough(&full), rough(&sto));
                        rf.push(x);
                        rs.push(y);
                        outcomes.push(Some(y > x));
                    }
                }
            }
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            (majority(&outcomes), format!("the training objective rose in {:.0}% of epochs with stochastic updates against {:.0}% with full batches (medians); stochastic was rougher in {hits} of {} pairs.", 100.0 * stats::median(&rs), 100.0 * stats::median(&rf), outcomes.len()))
        });
        push(&mut out, 9, "Batch gradient descent descends smoothly; stochastic gradient descent fluctuates widely.", results,
            "Roughness = share of epochs in which the training objective went up; for every optimizer on every data problem, stochastic against full batch (each at its lr picked on tuning seeds, or at the default lr); supported when stochastic is rougher in a majority of pairs.".into(),
            data.first().map(|&p| FigureRef::BatchModes { problem: p }));
    }

    // 10. Stochastic noise helps escape local minima.
    {
        let minima = problems_of(&|p| p.family == Family::LocalMinima);
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut notes = Vec::new();
            for &p in &minima {
                let pr = &a.problems[p];
                let base = without_noise(&pr.problem);
                // A noisy analytic variant of this landscape: compare it with the clean one.
                if noise_of(&pr.problem) > 0.0 {
                    if let Some(q) = a.problems.iter().position(|x| x.problem == base) {
                        for o in 0..c.kinds.len() {
                            let (Some(noisy), Some(clean)) =
                                (pr.choice(b, o), a.problems[q].choice(b, o))
                            else {
                                continue;
                            };
                            let f = |ch: &Choice| {
                                stats::median(
                                    &c.records(ch)
                                        .iter()
                                        .map(|r| r.final_train_loss())
                                        .collect::<Vec<_>>(),
                                )
                            };
                            outcomes.push(Some(f(noisy) < f(clean)));
                        }
                        notes.push(format!("{} with gradient noise vs without", pr.name));
                    }
                } else if pr.has_data {
                    for (o, &k) in c.kinds.iter().enumerate() {
                        if matches!(k, Kind::Ars | Kind::Other) {
                            continue;
                        }
                        let label = &a.optimizers[o].label;
                        let pick = |batch: &str| {
                            a.select(p, |s| {
                                &s.label == label
                                    && s.batch == batch
                                    && (b == Budget::Tuned || s.default_lr)
                            })
                        };
                        if let (Some(full), Some(sto)) = (pick("full"), pick("stochastic")) {
                            let f = |ch: &Choice| {
                                stats::median(
                                    &c.records(ch)
                                        .iter()
                                        .map(|r| r.final_train_loss())
                                        .collect::<Vec<_>>(),
                                )
                            };
                            outcomes.push(Some(f(&sto) < f(&full)));
                        }
                    }
                    notes.push(format!("{}: stochastic vs full batch", pr.name));
                }
            }
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            (
                majority(&outcomes),
                if outcomes.is_empty() {
                    "no noisy variant of a multi-minimum problem in the grid.".into()
                } else {
                    format!(
                        "the noisy run ended lower in {hits} of {} comparisons ({}).",
                        outcomes.len(),
                        notes.join("; ")
                    )
                },
            )
        });
        push(&mut out, 10, "Stochastic noise helps escape local minima.", results,
            "On problems with many local minima: each optimizer with gradient noise (an analytic landscape's noise key, or stochastic batches) against the same optimizer without it, by the median final (noise-free) training objective; supported when the noisy run ends lower in a majority of comparisons.".into(),
            minima.first().map(|&p| FigureRef::Convergence { problem: p }));
    }

    // 11. RMSprop, Adadelta and Adam behave very similarly.
    {
        let three: Vec<usize> = [c.of(Kind::RmsProp), c.of(Kind::Adadelta), c.of(Kind::Adam)]
            .into_iter()
            .filter_map(|v| v.first().copied())
            .collect();
        let results = budgets.map(|b| {
            if three.len() < 3 {
                return (None, "RMSprop, Adadelta and Adam are not all in the grid.".to_string());
            }
            let mut outcomes = Vec::new();
            let mut spreads = Vec::new();
            for pr in &a.problems {
                let s: Vec<f64> = three.iter().filter_map(|&o| c.med(pr, o, b)).collect();
                if s.len() == 3 {
                    let spread = s.iter().copied().fold(f64::NEG_INFINITY, f64::max) - s.iter().copied().fold(f64::INFINITY, f64::min);
                    spreads.push(spread);
                    outcomes.push(Some(spread <= 1.0));
                }
            }
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            (majority(&outcomes), format!("their median final test scores lie within one decade of each other on {hits} of {} problems (median spread {:.2} decades).", outcomes.len(), stats::median(&spreads)))
        });
        push(&mut out, 11, "RMSprop, Adadelta and Adam behave very similarly.", results,
            "Spread (largest minus smallest) of the three methods' median final test scores on each problem; supported when it is at most one decade (a factor of 10 in the gap) on a majority of problems.".into(),
            Some(FigureRef::WinRates));
    }

    // 12. Finite-difference random search trains a model without gradients.
    {
        let ars = c.of(Kind::Ars);
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut notes = Vec::new();
            for &p in &data {
                if let Some((o, s)) = c.best_of(&a.problems[p], &ars, b) {
                    outcomes.push(Some(s <= 0.5f64.log10()));
                    notes.push(format!(
                        "{} {:.0}% of the start gap left on {}",
                        c.name(o),
                        100.0 * 10f64.powf(s),
                        c.label(p)
                    ));
                }
            }
            (
                majority(&outcomes),
                if notes.is_empty() {
                    "ars not run on a data problem.".into()
                } else {
                    notes.join("; ") + "."
                },
            )
        });
        push(&mut out, 12, "Finite-difference random search can train a model without gradients.", results,
            "On each data problem, ars's median final test gap relative to the start; supported when it at least halves the gap on a majority of data problems.".into(),
            data.first().map(|&p| FigureRef::Convergence { problem: p }));
    }

    // 13. AdaGrad without the square root performs much worse.
    {
        let (ada, nosqrt) = (c.of(Kind::Adagrad), c.of(Kind::AdagradNoSqrt));
        let results = budgets.map(|b| {
            let mut outcomes = Vec::new();
            let mut gaps = Vec::new();
            for pr in &a.problems {
                if let (Some((_, x)), Some((_, y))) = (c.best_of(pr, &nosqrt, b), c.best_of(pr, &ada, b)) {
                    gaps.push(x - y);
                    outcomes.push(Some(x >= y + 1.0));
                }
            }
            let hits = outcomes.iter().flatten().filter(|&&x| x).count();
            (majority(&outcomes), if gaps.is_empty() { "AdaGrad without the square root not in the grid.".into() } else { format!("worse by a decade or more on {hits} of {} problems (median {:.2} decades).", outcomes.len(), stats::median(&gaps)) })
        });
        push(&mut out, 13, "AdaGrad without the square root performs much worse.", results,
            "Median final test score of AdaGrad with sqrt=false against standard AdaGrad on each problem; supported when it is worse by at least a decade on a majority of problems.".into(),
            Some(FigureRef::Ranks));
    }
    out
}

/// Records a claim measured under both budgets.
fn push(
    out: &mut Vec<Claim>,
    number: usize,
    statement: &'static str,
    results: [(Option<bool>, String); 2],
    measure: String,
    figure: Option<FigureRef>,
) {
    let [(tuned, et), (default, ed)] = results;
    out.push(Claim {
        number,
        statement,
        verdict: Verdict::from(tuned, default),
        tuned,
        default,
        measure,
        evidence: format!("Tuned lr: {et} Default lr: {ed}"),
        figure,
    });
}

fn noise_of(problem: &str) -> f64 {
    problem
        .split(['\u{3a}', ','])
        .find_map(|kv| kv.strip_prefix("noise="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// The same canonical spec with its noise key set to 0.
fn without_noise(problem: &str) -> String {
    let (name, rest) = problem.split_once(':').unwrap_or((problem, ""));
    let keys: Vec<String> = rest
        .split(',')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            if kv.starts_with("noise=") {
                "noise=0.0".to_string()
            } else {
                kv.to_string()
            }
        })
        .collect();
    if keys.is_empty() {
        name.to_string()
    } else {
        format!("{name}:{}", keys.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{Shape, data, landscape, scenario};
    use crate::analysis::{Analysis, sensitivity};
    use crate::record::RunRecord;

    #[test]
    fn verdicts_combine_budgets() {
        assert_eq!(Verdict::from(Some(true), Some(true)), Verdict::Supported);
        assert_eq!(
            Verdict::from(Some(false), Some(false)),
            Verdict::NotSupported
        );
        assert_eq!(Verdict::from(Some(true), Some(false)), Verdict::Mixed);
        assert_eq!(Verdict::from(None, None), Verdict::NotTested);
        assert_eq!(Verdict::from(None, Some(false)), Verdict::NotSupported);
    }

    #[test]
    fn recognises_optimizers_by_keys() {
        assert_eq!(kind_of("sgd"), Kind::PlainSgd);
        assert_eq!(kind_of("sgd:momentum=0.9"), Kind::MomentumLike);
        assert_eq!(kind_of("momentum"), Kind::MomentumLike);
        assert_eq!(kind_of("adagrad:sqrt=false"), Kind::AdagradNoSqrt);
        assert_eq!(kind_of("adam:amsgrad=true"), Kind::OtherAdaptive);
        assert_eq!(kind_of("ars"), Kind::Ars);
    }

    #[test]
    fn noise_variants() {
        assert_eq!(noise_of("rastrigin:dim=2,noise=1.0"), 1.0);
        assert_eq!(
            without_noise("rastrigin:dim=2,noise=1.0"),
            "rastrigin:dim=2,noise=0.0"
        );
    }

    /// The verdict of claim `n` on `records`.
    fn check(records: Vec<RunRecord>, n: usize) -> Claim {
        let a = Analysis::new(records);
        let s = sensitivity(&a);
        claims(&a, &s).into_iter().find(|c| c.number == n).unwrap()
    }

    fn assert_verdict(records: Vec<RunRecord>, n: usize, expected: Verdict) {
        let c = check(records, n);
        assert_eq!(c.verdict, expected, "claim {n}: {}", c.evidence);
    }

    /// Builds the data with the claim made true, then false, and checks that the verdict is
    /// supported, then not supported.
    fn assert_both_ways(n: usize, build: impl Fn(bool) -> Vec<RunRecord>) {
        for (holds, verdict) in [(true, Verdict::Supported), (false, Verdict::NotSupported)] {
            assert_verdict(build(holds), n, verdict);
        }
    }

    const FULL: &[&str] = &["full"];
    const CONSTANT: &[&str] = &["constant:min_lr=0.0"];

    fn convex() -> crate::analysis::testing::Problem {
        data("logreg2d:l2=0.0", Family::SmoothConvex)
    }

    /// Full batch, constant schedule, two optimizers on `problems`: `who` ends at `hit` and the
    /// other at `miss` when `flag` holds, the other way round when it does not.
    fn duel(
        problems: &[crate::analysis::testing::Problem],
        optimizers: [&str; 2],
        who: &str,
        flag: bool,
        hit: f64,
        miss: f64,
    ) -> Vec<RunRecord> {
        scenario(problems, &optimizers, FULL, CONSTANT, |_, o, _, _, _, _| {
            Shape::ends(if (o == who) == flag { hit } else { miss })
        })
    }

    /// Each claim, built into the data both ways, gets both verdicts.
    #[test]
    fn claim_1_momentum_on_ravines() {
        let ravine = [landscape("rosenbrock", Family::Ravine)];
        assert_both_ways(1, |momentum_wins| {
            duel(
                &ravine,
                ["sgd", "momentum"],
                "momentum",
                momentum_wins,
                1e-6,
                0.5,
            )
        });
    }

    #[test]
    fn claim_2_adagrad_stalls() {
        assert_both_ways(2, |stalls| {
            scenario(
                &[convex()],
                &["adagrad", "rmsprop"],
                FULL,
                CONSTANT,
                |_, o, _, _, _, _| {
                    if o == "adagrad" {
                        Shape {
                            final_loss: Some(if stalls { 0.3 } else { 1e-3 }),
                            zigzag: 0.0,
                            lr_decay: if stalls { 0.01 } else { 1.0 },
                        }
                    } else {
                        Shape::ends(if stalls { 1e-3 } else { 0.3 })
                    }
                },
            )
        });
    }

    #[test]
    fn claim_3_adadelta_forgiving() {
        let opts = ["adadelta", "sgd", "adam", "rmsprop"];
        assert_both_ways(3, |forgiving| {
            scenario(&[convex()], &opts, FULL, CONSTANT, |_, o, _, _, f, _| {
                let flat = (o == "adadelta") == forgiving;
                let good = if flat {
                    true
                } else if o == "adadelta" {
                    f == 100.0
                } else {
                    f == 1.0
                };
                Shape::ends(if good { 0.01 } else { 0.9 })
            })
        });
    }

    #[test]
    fn claim_4_sparse_data_favours_adaptive_methods() {
        let sparse = [data("sparse_logreg", Family::SparseFeatures)];
        assert_both_ways(4, |adaptive_wins| {
            duel(&sparse, ["sgd", "adam"], "adam", adaptive_wins, 1e-3, 0.5)
        });
    }

    #[test]
    fn claim_5_adam_against_rmsprop() {
        let problems = [convex(), data("softmax", Family::SmoothConvex)];
        assert_both_ways(5, |adam_wins| {
            duel(
                &problems,
                ["adam", "rmsprop"],
                "adam",
                adam_wins,
                1e-3,
                1e-2,
            )
        });
    }

    #[test]
    fn claim_6_sgd_slower_than_adaptive() {
        assert_both_ways(6, |sgd_slow| {
            duel(&[convex()], ["sgd", "adam"], "sgd", sgd_slow, 1e-3, 1e-8)
        });
    }

    #[test]
    fn claim_7_learning_rate_extremes() {
        assert_both_ways(7, |extremes_bad| {
            scenario(
                &[convex()],
                &["sgd", "adam"],
                FULL,
                CONSTANT,
                |_, _, _, _, f, _| {
                    if extremes_bad && f == 100.0 {
                        Shape {
                            final_loss: None,
                            zigzag: 0.0,
                            lr_decay: 1.0,
                        }
                    } else {
                        Shape::ends(if extremes_bad && f == 0.01 { 0.9 } else { 0.01 })
                    }
                },
            )
        });
    }

    #[test]
    fn claim_8_decay_on_mini_batches() {
        let schedules = ["constant:min_lr=0.0", "cosine:eta_min=0.0,min_lr=0.0"];
        assert_both_ways(8, |decay_helps| {
            scenario(
                &[convex()],
                &["sgd", "adam"],
                &["minibatch:size=32"],
                &schedules,
                |_, _, _, s, _, _| {
                    Shape::ends(if decay_helps && s.starts_with("cosine") {
                        1e-4
                    } else {
                        1e-2
                    })
                },
            )
        });
    }

    #[test]
    fn claim_9_stochastic_fluctuates() {
        assert_both_ways(9, |stochastic_rough| {
            scenario(
                &[convex()],
                &["sgd", "adam"],
                &["full", "stochastic"],
                CONSTANT,
                |_, _, b, _, _, _| {
                    let rough = (b == "stochastic") == stochastic_rough;
                    Shape {
                        final_loss: Some(1e-2),
                        zigzag: if rough { 0.5 } else { 0.0 },
                        lr_decay: 1.0,
                    }
                },
            )
        });
    }

    #[test]
    fn claim_10_noise_escapes_local_minima() {
        let problems = [
            landscape("rastrigin:dim=2,noise=5.0", Family::LocalMinima),
            landscape("rastrigin:dim=2,noise=0.0", Family::LocalMinima),
        ];
        assert_both_ways(10, |noise_helps| {
            scenario(
                &problems,
                &["sgd", "adam"],
                FULL,
                CONSTANT,
                |p, _, _, _, _, _| {
                    Shape::ends(if p.contains("noise=5") == noise_helps {
                        0.01
                    } else {
                        0.5
                    })
                },
            )
        });
        // Without a noisy variant or a data problem with local minima, it is not tested.
        let r = scenario(&[convex()], &["sgd"], FULL, CONSTANT, |_, _, _, _, _, _| {
            Shape::ends(0.1)
        });
        assert_verdict(r, 10, Verdict::NotTested);
    }

    #[test]
    fn claim_11_rmsprop_adadelta_adam_alike() {
        let opts = ["rmsprop", "adadelta", "adam", "sgd"];
        assert_both_ways(11, |alike| {
            scenario(&[convex()], &opts, FULL, CONSTANT, |_, o, _, _, _, _| {
                Shape::ends(match (alike, o) {
                    (_, "sgd") => 0.5,
                    (true, _) => 0.01,
                    (false, "rmsprop") => 1e-6,
                    (false, "adadelta") => 1e-3,
                    _ => 0.5,
                })
            })
        });
    }

    #[test]
    fn claim_12_random_search_trains() {
        assert_both_ways(12, |trains| {
            scenario(
                &[convex()],
                &["ars", "sgd"],
                FULL,
                CONSTANT,
                |_, o, _, _, _, _| {
                    Shape::ends(if o == "sgd" {
                        1e-3
                    } else if trains {
                        0.1
                    } else {
                        0.9
                    })
                },
            )
        });
    }

    #[test]
    fn claim_13_adagrad_without_root() {
        assert_both_ways(13, |worse| {
            scenario(
                &[convex()],
                &["adagrad", "adagrad:sqrt=false"],
                FULL,
                CONSTANT,
                |_, o, _, _, _, _| {
                    Shape::ends(if worse && o.contains("sqrt=false") {
                        0.5
                    } else {
                        1e-4
                    })
                },
            )
        });
        let r = scenario(
            &[convex()],
            &["adagrad"],
            FULL,
            CONSTANT,
            |_, _, _, _, _, _| Shape::ends(0.1),
        );
        assert_verdict(r, 13, Verdict::NotTested);
    }

    /// Mixed: the claim holds at the tuned lr but not at the default.
    #[test]
    fn mixed_when_the_budgets_disagree() {
        let r = scenario(
            &[convex()],
            &["adagrad", "adagrad:sqrt=false"],
            FULL,
            CONSTANT,
            |_, o, _, _, f, _| {
                // Without the root it is much worse once tuned, but equal at the default lr.
                Shape::ends(match (o.contains("sqrt=false"), f == 1.0) {
                    (true, true) => 1e-2,
                    (true, false) => 0.5,
                    (false, true) => 1e-2,
                    (false, false) => 1e-6,
                })
            },
        );
        assert_verdict(r, 13, Verdict::Mixed);
    }
}
