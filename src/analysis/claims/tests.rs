//! Every claim's verdict flips both ways on synthetic records: each test builds the claim's
//! experiment twice, once where the claim is true and once where it is false.

use std::collections::BTreeMap;

use super::{Experiments, Verdict, claims};
use crate::analysis::Analysis;
use crate::analysis::testing::{Problem, Shape, data, landscape, scenario};
use crate::problem::Family;
use crate::record::RunRecord;

/// `n` data problems of a family.
fn datas(n: usize, family: Family) -> Vec<Problem> {
    (0..n)
        .map(|i| data(&format!("linreg:samples={}", 20 + i), family))
        .collect()
}

/// The verdict of claim `number` when its experiment is `records` (the main grid empty).
fn verdict(number: usize, records: Vec<RunRecord>) -> Verdict {
    let experiments = Experiments {
        by_claim: BTreeMap::from([(number, Analysis::new(records))]),
    };
    let c = &claims(&experiments, &Analysis::new(Vec::new()))[number - 1];
    assert_eq!(c.number, number);
    for m in &c.measures {
        assert!(m.low <= m.estimate && m.estimate <= m.high, "{m:?}");
    }
    c.verdict
}

/// Seeds differ a little, problems a little more: no exact ties.
fn jitter(p: &str, seed: usize) -> f64 {
    (1.0 + 0.05 * seed as f64) * (1.0 + 0.01 * p.len() as f64)
}

fn both_ways(number: usize, build: impl Fn(bool) -> Vec<RunRecord>) {
    assert_eq!(
        verdict(number, build(true)),
        Verdict::Supported,
        "claim {number} when true"
    );
    assert_eq!(
        verdict(number, build(false)),
        Verdict::NotSupported,
        "claim {number} when false"
    );
}

/// A flat-in-lr shape: every rate ends at `f` (times the jitter).
fn flat(f: f64, p: &str, seed: usize) -> Shape {
    Shape::ends(f * jitter(p, seed))
}

#[test]
fn a_missing_experiment_is_not_tested() {
    let c = claims(&Experiments::default(), &Analysis::new(Vec::new()));
    assert_eq!(c.len(), 13);
    assert!(c.iter().all(|c| c.verdict == Verdict::NotTested));
}

#[test]
fn claim_1_momentum_dampens_and_is_faster() {
    both_ways(1, |truth| {
        let problems: Vec<Problem> = (0..5)
            .map(|i| landscape(&format!("quadratic:kappa={}", 10 + i), Family::Ravine))
            .collect();
        let mut r = scenario(
            &problems,
            &["sgd", "sgd:momentum=0.9"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| {
                let fast = (o == "sgd") != truth;
                flat(if fast { 1e-12 } else { 1e-3 }, p, s)
            },
        );
        for x in &mut r {
            let zigzag = (x.spec.optimizer_name == "sgd"
                && !x.spec.optimizer.contains("momentum=0.9"))
                == truth;
            x.trajectory = Some(
                (0..40)
                    .map(|t| {
                        let y = 0.9f64.powi(t);
                        [0.0, if zigzag && t % 2 == 1 { -y } else { y }]
                    })
                    .collect(),
            );
        }
        r
    });
}

#[test]
fn claim_2_adagrad_can_stall() {
    both_ways(2, |truth| {
        scenario(
            &datas(3, Family::SmoothConvex),
            &["adagrad"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, _, _, _, _, s| Shape {
                final_loss: Some(0.7 * jitter(p, s).min(1.3)),
                zigzag: 0.0,
                lr_decay: if truth { 0.01 } else { 1.0 },
            },
        )
    });
}

#[test]
fn claim_3_adadelta_at_its_own_lr() {
    both_ways(3, |truth| {
        scenario(
            &datas(6, Family::SmoothConvex),
            &["adadelta"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, _, _, _, f, s| {
                // True: every rate about as good; false: only a hundredth of its own lr is good.
                flat(if truth || f == 0.01 { 1e-6 } else { 1e-1 }, p, s)
            },
        )
    });
}

#[test]
fn claim_4_adaptive_methods_on_sparse_features() {
    both_ways(4, |truth| {
        scenario(
            &datas(6, Family::SparseFeatures),
            &["sgd", "adagrad", "rmsprop", "adam"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| {
                let sgd = o == "sgd";
                flat(if sgd == truth { 1e-1 } else { 1e-4 }, p, s)
            },
        )
    });
}

#[test]
fn claim_5_adam_slightly_better() {
    for (ratio, expected) in [
        (3.0, Verdict::Supported),
        (0.3, Verdict::NotSupported),
        (1e4, Verdict::Mixed),
    ] {
        let r = scenario(
            &datas(8, Family::SmoothConvex),
            &["adam", "rmsprop"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| flat(if o == "rmsprop" { 1e-5 * ratio } else { 1e-5 }, p, s),
        );
        assert_eq!(verdict(5, r), expected, "ratio {ratio}");
    }
}

#[test]
fn claim_6_sgd_reaches_but_slower() {
    both_ways(6, |truth| {
        scenario(
            &datas(6, Family::SmoothConvex),
            &["sgd", "adam"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| {
                // The curve falls geometrically over 40 epochs: a final of 1e-4 reaches 1e-3 at
                // epoch 30, one of 1e-12 at epoch 10.
                flat(if o == "sgd" && truth { 1e-4 } else { 1e-12 }, p, s)
            },
        )
    });
}

#[test]
fn claim_7_extreme_rates() {
    both_ways(7, |truth| {
        scenario(
            &datas(4, Family::SmoothConvex),
            &["sgd", "adam"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, _, _, _, f, s| {
                if truth && f == 100.0 {
                    Shape {
                        final_loss: None,
                        zigzag: 0.0,
                        lr_decay: 1.0,
                    }
                } else if truth && f == 0.01 {
                    Shape::ends(0.97)
                } else {
                    flat(1e-3, p, s)
                }
            },
        )
    });
}

#[test]
fn claim_8_decay_on_mini_batches() {
    both_ways(8, |truth| {
        scenario(
            &datas(6, Family::SmoothConvex),
            &["sgd"],
            &["minibatch:size=16"],
            &[
                "constant:min_lr=0.0",
                "cosine:eta_min=0.0,min_lr=0.0,t_max=0",
            ],
            |p, _, _, sched, _, s| {
                let decay = sched.starts_with("cosine");
                flat(
                    if decay {
                        if truth { 1e-6 } else { 3e-3 }
                    } else {
                        1e-2
                    },
                    p,
                    s,
                )
            },
        )
    });
}

#[test]
fn claim_9_smooth_and_rough() {
    both_ways(9, |truth| {
        let mut r = scenario(
            &datas(4, Family::SmoothConvex),
            &["sgd"],
            &["full", "stochastic"],
            &["constant:min_lr=0.0"],
            |p, _, _, _, _, s| flat(1e-3, p, s),
        );
        for x in &mut r {
            let rough = x.spec.batch == "stochastic" && truth;
            x.update_losses = Some(
                (0..200)
                    .map(|t| 1.0 / (1.0 + t as f64) * if rough && t % 3 == 0 { 1.5 } else { 1.0 })
                    .collect(),
            );
        }
        r
    });
}

#[test]
fn claim_10_noise_escapes() {
    both_ways(10, |truth| {
        let problems = [
            landscape("rastrigin:dim=2,noise=0.0,spread=1.5", Family::LocalMinima),
            landscape("rastrigin:dim=2,noise=3.0,spread=1.5", Family::LocalMinima),
        ];
        scenario(
            &problems,
            &["sgd"],
            &["full"],
            &[
                "constant:min_lr=0.0",
                "cosine:eta_min=0.0,min_lr=0.0,t_max=0",
            ],
            |p, _, _, _, _, s| {
                let noisy = p.contains("noise=3.0");
                flat(if noisy == truth { 1e-4 } else { 1e-1 }, p, s)
            },
        )
    });
}

#[test]
fn claim_11_three_alike_and_the_tolerance_is_not_vacuous() {
    // The tolerance is not passed by every triple: with sgd far off, the triples with it fail.
    let r = scenario(
        &datas(6, Family::SmoothConvex),
        &["rmsprop", "adadelta", "adam", "sgd"],
        &["full"],
        &["constant:min_lr=0.0"],
        |p, o, _, _, _, s| flat(if o == "sgd" { 1e-1 } else { 1e-4 }, p, s),
    );
    let experiments = Experiments {
        by_claim: BTreeMap::from([(11, Analysis::new(r))]),
    };
    let c = &claims(&experiments, &Analysis::new(Vec::new()))[10];
    assert!(
        c.measures[0].evidence.contains("1 of the 4 triples"),
        "{}",
        c.measures[0].evidence
    );
    both_ways(11, |truth| {
        scenario(
            &datas(6, Family::SmoothConvex),
            &["rmsprop", "adadelta", "adam", "sgd"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| {
                let f = match o {
                    "sgd" => 1e-1,
                    "adadelta" if !truth => 1e-1,
                    _ => 1e-4,
                };
                flat(f, p, s)
            },
        )
    });
}

#[test]
fn claim_12_random_search_trains_a_model() {
    both_ways(12, |truth| {
        scenario(
            &datas(3, Family::SmoothConvex),
            &["ars"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, _, _, _, _, s| flat(if truth { 1e-3 } else { 0.3 }, p, s),
        )
    });
}

#[test]
fn claim_13_adagrad_without_the_root() {
    both_ways(13, |truth| {
        scenario(
            &datas(6, Family::SmoothConvex),
            &["adagrad", "adagrad:sqrt=false"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| {
                let root = o == "adagrad";
                flat(
                    if root {
                        1e-6
                    } else if truth {
                        1e-2
                    } else {
                        3e-6
                    },
                    p,
                    s,
                )
            },
        )
    });
}

/// A pairwise claim that its experiment supports but the main grid clearly contradicts is
/// mixed, and says why.
#[test]
fn a_claim_the_main_grid_contradicts_is_mixed() {
    let build = |ratio: f64| {
        scenario(
            &datas(8, Family::SmoothConvex),
            &["adagrad", "adagrad:sqrt=false"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, s| flat(if o == "adagrad" { 1e-6 } else { 1e-6 * ratio }, p, s),
        )
    };
    let experiments = Experiments {
        by_claim: BTreeMap::from([(13, Analysis::new(build(1e4)))]),
    };
    let main = Analysis::new(build(1.5));
    let c = &claims(&experiments, &main)[12];
    assert_eq!(c.verdict, Verdict::Mixed, "{c:?}");
    assert!(
        c.depends_on.as_deref().unwrap_or("").contains("disagree"),
        "{c:?}"
    );
    assert_eq!(c.measures.len(), 2);
}
