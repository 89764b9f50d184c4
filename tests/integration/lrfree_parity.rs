//! Trajectories of `optbench trace` against the reference packages of the learning-rate-free
//! and schedule-free methods: schedulefree 1.4.1 (`AdamWScheduleFree`, `SGDScheduleFree`),
//! prodigyopt 1.1.2 (`Prodigy`) and dadaptation 3.2 (`DAdaptAdam`, `DAdaptSGD`).
//!
//! The fixture `tests/fixtures/lrfree_parity.json` was written by
//! `tests/fixtures/generate_lrfree_parity.py` (torch 2.15, float64, autograd gradients, the
//! schedules of torch.optim.lr_scheduler); see that script for how to regenerate it. Every key
//! of every one of these methods is varied in at least one case, and schedules multiply their
//! steps in several. For the schedule-free methods the trajectory is the averaged point x (what
//! the package's `eval()` mode puts in the parameters); the fixture also records y, the point
//! the package's train mode holds and where the gradients are taken.

use std::collections::BTreeSet;

use crate::parity::{Num, RTOL, error};
use optbench::optim::{self, Objective};
use optbench::trace::{TraceRequest, collect};
use serde::Deserialize;

/// The methods this fixture covers (the torch fixture covers the others).
pub const METHODS: [&str; 5] = [
    "schedule_free_sgd",
    "schedule_free_adamw",
    "prodigy",
    "dadapt_sgd",
    "dadapt_adam",
];

#[derive(Deserialize)]
struct Fixture {
    torch_version: String,
    packages: std::collections::BTreeMap<String, String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    problem: String,
    optimizer: String,
    schedule: String,
    steps: usize,
    start: Option<Vec<f64>>,
    reference: String,
    ulp_sensitivity: f64,
    lr: Vec<Num>,
    loss: Vec<Num>,
    /// x_t: the evaluation point (the average, for a schedule-free method).
    x: Vec<Vec<Num>>,
    /// y_t: the parameters the package's steps hold (x_t itself for the other methods).
    y: Vec<Vec<Num>>,
    /// The gradient autograd gave at y_{t-1}, for update t.
    grad: Vec<Vec<Num>>,
}

fn fixture() -> Fixture {
    let text = include_str!("../fixtures/lrfree_parity.json");
    serde_json::from_str(text).expect("fixture parses")
}

/// Hands the optimizer the gradients the reference recorded, one per update.
struct Replay<'a> {
    grads: &'a [Vec<Num>],
    next: usize,
}

impl Objective for Replay<'_> {
    fn dim(&self) -> usize {
        self.grads[0].len()
    }
    fn loss(&mut self, _: &[f64]) -> f64 {
        unreachable!("these methods ask for gradients only")
    }
    fn gradient(&mut self, _: &[f64], grad: &mut [f64]) {
        for (g, recorded) in grad.iter_mut().zip(&self.grads[self.next]) {
            *g = recorded.value();
        }
        self.next += 1;
    }
}

/// The package's own gradients and learning rates, each update restarted from the package's
/// parameters y: the methods land on the package's next y and (schedule-free) next average x.
/// The schedule-free updates are elementwise and round as the package's torch calls do, so
/// they are bit-identical but for torch's vectorized square root (not correctly rounded on the
/// machine that wrote the fixture: about 1% of results are one ulp off IEEE sqrt), which
/// `schedule_free_adamw` takes: 1e-13 relative. Prodigy and D-Adaptation also sum over all
/// coordinates (a dot product and a norm) in an order torch's BLAS and vectorized reductions
/// choose, which is not reproduced; their distance estimate d then differs in the last bits
/// and with it every coordinate of the step, so they get 1e-11. The share of bit-identical
/// updates is printed.
#[test]
fn updates_match_the_packages_given_their_gradients() {
    let fixture = fixture();
    let mut failures = Vec::new();
    let (mut steps, mut identical) = (0usize, 0usize);
    let mut worst = 0.0f64;
    // Per method: (updates, bit-identical updates, worst relative error).
    let mut per_method = std::collections::BTreeMap::<&str, (usize, usize, f64)>::new();
    for case in &fixture.cases {
        let name = case.optimizer.split(':').next().unwrap();
        let stats = per_method.entry(name).or_default();
        let label = format!("{} / {} / {}", case.problem, case.optimizer, case.schedule);
        assert_eq!(case.grad.len() + 1, case.x.len(), "{label}");
        assert_eq!(case.y.len(), case.x.len(), "{label}");
        let spec = optim::parse(&case.optimizer).unwrap();
        let schedule_free = case.optimizer.starts_with("schedule_free");
        let tolerance = if case.optimizer.starts_with("schedule_free_sgd") {
            0.0
        } else if schedule_free {
            1e-13
        } else {
            1e-11
        };
        let dim = case.x[0].len();
        let mut opt = spec.config.build(dim, 0);
        let mut replay = Replay {
            grads: &case.grad,
            next: 0,
        };
        let mut y = vec![0.0; dim];
        'steps: for t in 1..case.x.len() {
            for (y, reference) in y.iter_mut().zip(&case.y[t - 1]) {
                *y = reference.value();
            }
            opt.step(&mut y, &mut replay, case.lr[t].value());
            let ours_y = y.clone();
            let ours_x = opt.evaluation_point(&y).unwrap_or(&y).to_vec();
            let mut bitwise = true;
            for (what, ours, theirs) in [("y", &ours_y, &case.y[t]), ("x", &ours_x, &case.x[t])] {
                for (i, (&ours, theirs)) in ours.iter().zip(theirs).enumerate() {
                    let theirs = theirs.value();
                    if ours.to_bits() == theirs.to_bits() || (ours.is_nan() && theirs.is_nan()) {
                        continue;
                    }
                    bitwise = false;
                    let e = error(ours, theirs);
                    worst = worst.max(e);
                    stats.2 = stats.2.max(e);
                    if e > tolerance {
                        failures.push(format!(
                            "{label}: step {t} {what}{i}: {ours:e} vs reference {theirs:e}"
                        ));
                        break 'steps;
                    }
                }
            }
            steps += 1;
            identical += usize::from(bitwise);
            stats.0 += 1;
            stats.1 += usize::from(bitwise);
        }
    }
    eprintln!(
        "{identical} of {steps} updates bit-identical to the packages ({:.3}%), worst relative \
         error {worst:.2e}",
        100.0 * identical as f64 / steps as f64
    );
    for (name, (n, same, e)) in &per_method {
        eprintln!("  {name}: {same} of {n} bit-identical, worst relative error {e:.2e}");
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Whole trajectories, with optbench's own analytic gradients and schedules, agree with the
/// packages (autograd gradients, torch schedulers) to 1e-9 relative. The generator keeps only
/// cases whose trajectory a one-ulp change of the start moves by less than 1e-5 relative.
#[test]
fn trajectories_match_the_packages() {
    let fixture = fixture();
    assert!(
        fixture.torch_version.starts_with("2."),
        "{}",
        fixture.torch_version
    );
    assert_eq!(fixture.packages["schedulefree"], "1.4.1");
    assert_eq!(fixture.packages["prodigyopt"], "1.1.2");
    assert_eq!(fixture.packages["dadaptation"], "3.2");
    let mut failures = Vec::new();
    let mut worst = (0.0f64, String::new());
    for case in &fixture.cases {
        assert!(case.ulp_sensitivity <= 1e-5, "chaotic case in the fixture");
        let request = TraceRequest {
            problem: case.problem.clone(),
            optimizer: case.optimizer.clone(),
            schedule: case.schedule.clone(),
            steps: case.steps,
            start: case.start.clone(),
            seed: 0,
        };
        let label = format!(
            "{} / {} / {} ({})",
            case.problem, case.optimizer, case.schedule, case.reference
        );
        let rows = collect(&request).unwrap_or_else(|e| panic!("{label}: {e}"));
        if rows.len() != case.lr.len() {
            failures.push(format!(
                "{label}: {} rows, the reference has {}",
                rows.len(),
                case.lr.len()
            ));
            continue;
        }
        let mut case_worst = (0.0f64, String::new());
        for (t, row) in rows.iter().enumerate() {
            let mut check = |what: String, ours: f64, theirs: f64| {
                let e = error(ours, theirs);
                if e > case_worst.0 {
                    case_worst = (
                        e,
                        format!("step {t} {what}: {ours:e} vs reference {theirs:e}"),
                    );
                }
            };
            check("lr".into(), row.lr, case.lr[t].value());
            check("loss".into(), row.loss, case.loss[t].value());
            for (i, (&ours, theirs)) in row.x.iter().zip(&case.x[t]).enumerate() {
                check(format!("x{i}"), ours, theirs.value());
            }
        }
        if case_worst.0 > worst.0 {
            worst = (case_worst.0, format!("{label}: {}", case_worst.1));
        }
        if case_worst.0 > RTOL {
            failures.push(format!(
                "{label}: relative error {:.2e} at {}",
                case_worst.0, case_worst.1
            ));
        }
    }
    eprintln!(
        "{} cases, worst relative error {:.2e} ({})",
        fixture.cases.len(),
        worst.0,
        worst.1
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from the reference packages:\n{}",
        failures.len(),
        fixture.cases.len(),
        failures.join("\n")
    );
}

/// Every method and every one of its keys is varied in some case; schedules other than
/// `constant` appear with each method.
#[test]
fn fixture_covers_every_method_and_key() {
    let fixture = fixture();
    let mut keys = BTreeSet::new();
    let mut scheduled = BTreeSet::new();
    for case in &fixture.cases {
        let (name, rest) = case
            .optimizer
            .split_once(':')
            .unwrap_or((&case.optimizer, ""));
        for pair in rest.split(',').filter(|p| !p.is_empty()) {
            keys.insert(format!("{name}.{}", pair.split('=').next().unwrap()));
        }
        if case.schedule != "constant" {
            scheduled.insert(name.to_string());
        }
    }
    for name in METHODS {
        let info = optim::entries()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} is registered"));
        assert!(scheduled.contains(name), "no scheduled case for {name}");
        for k in info.keys {
            assert!(
                keys.contains(&format!("{name}.{}", k.name)),
                "no case varies {name}.{}",
                k.name
            );
        }
    }
}
