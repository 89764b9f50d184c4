//! `asgd` and `lbfgs` against the real torch.optim.ASGD and torch.optim.LBFGS.
//!
//! The fixture `tests/fixtures/lbfgs_asgd_parity.json` was written by
//! `tests/fixtures/generate_lbfgs_asgd_parity.py` (torch 2.15, float64, autograd gradients,
//! foreach=False); see that script for how to regenerate it. Every key of both optimizers is
//! varied in at least one case, LBFGS with and without the strong-Wolfe line search. For LBFGS
//! the fixture also holds how many times torch called the closure in each `opt.step`, which
//! must be what the counting objective charges.

use std::collections::BTreeSet;

use crate::parity::{RTOL, error};
use optbench::optim::{self, Asgd, AsgdConfig, UpdateRule};
use optbench::problem::{self, BatchObjective, Counters, Workspace};
use optbench::rng;
use optbench::trace::{TraceRequest, collect};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    torch_version: String,
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
    lr: Vec<f64>,
    loss: Vec<f64>,
    x: Vec<Vec<f64>>,
    /// LBFGS: closure calls torch made in each step.
    evals: Option<Vec<u64>>,
    /// ASGD: the gradient torch used for each step.
    grad: Option<Vec<Vec<f64>>>,
    /// ASGD: torch's `state["ax"]` after each step.
    ax: Option<Vec<Vec<f64>>>,
}

fn fixture() -> Fixture {
    let text = include_str!("../fixtures/lbfgs_asgd_parity.json");
    serde_json::from_str(text).expect("fixture parses")
}

fn label(case: &Case) -> String {
    format!("{} / {} / {}", case.problem, case.optimizer, case.schedule)
}

/// Whole trajectories of `optbench trace` (optbench's analytic gradients and schedules) agree
/// with torch's (autograd, torch schedulers) to 1e-9 relative. The generator keeps only cases
/// that a one-ulp change of the start moves by less than 1e-5 relative and whose LBFGS
/// evaluation counts it leaves unchanged.
#[test]
fn trajectories_match_torch() {
    let fixture = fixture();
    assert!(
        fixture.torch_version.starts_with("2."),
        "{}",
        fixture.torch_version
    );
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    for case in &fixture.cases {
        assert!(case.ulp_sensitivity <= 1e-5, "chaotic case in the fixture");
        let label = format!("{} ({})", label(case), case.reference);
        let request = TraceRequest {
            problem: case.problem.clone(),
            optimizer: case.optimizer.clone(),
            schedule: case.schedule.clone(),
            steps: case.steps,
            start: case.start.clone(),
            seed: 0,
        };
        let rows = collect(&request).unwrap_or_else(|e| panic!("{label}: {e}"));
        if rows.len() != case.lr.len() {
            failures.push(format!(
                "{label}: {} rows, torch has {}",
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
                    case_worst = (e, format!("step {t} {what}: {ours:e} vs torch {theirs:e}"));
                }
            };
            check("lr".into(), row.lr, case.lr[t]);
            check("loss".into(), row.loss, case.loss[t]);
            for (i, (&ours, &theirs)) in row.x.iter().zip(&case.x[t]).enumerate() {
                check(format!("x{i}"), ours, theirs);
            }
        }
        worst = worst.max(case_worst.0);
        if case_worst.0 > RTOL {
            failures.push(format!(
                "{label}: relative error {:.2e} at {}",
                case_worst.0, case_worst.1
            ));
        }
    }
    eprintln!(
        "{} cases, worst relative error {worst:.2e}",
        fixture.cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from torch:\n{}",
        failures.len(),
        fixture.cases.len(),
        failures.join("\n")
    );
}

/// Each LBFGS step charges one gradient evaluation per closure call torch made: the start of
/// every step, every fixed-step re-evaluation and every line-search trial. The run goes
/// through the same counting objective as the grid, on the landscape as a one-sample problem.
#[test]
fn lbfgs_charges_what_torchs_closure_computes() {
    let fixture = fixture();
    let mut checked = 0;
    for case in &fixture.cases {
        let Some(evals) = &case.evals else { continue };
        let label = label(case);
        let problem = problem::parse(&case.problem)
            .unwrap()
            .config
            .build(0)
            .unwrap();
        let spec = optim::parse(&case.optimizer).unwrap();
        let mut opt = spec.config.build(problem.dim(), 0);
        let mut x = case.x[0].clone();
        let (mut ws, mut counters) = (Workspace::new(), Counters::default());
        let mut noise = rng::from_seed(0);
        for (t, &expected) in evals.iter().enumerate() {
            let before = counters;
            let mut objective =
                BatchObjective::new(problem.as_ref(), &[0], &mut ws, &mut counters, &mut noise);
            opt.step(&mut x, &mut objective, case.lr[t + 1]);
            assert_eq!(
                counters.gradient_evals - before.gradient_evals,
                expected,
                "{label}: evaluations of step {}",
                t + 1
            );
            assert_eq!(counters.gradient_calls - before.gradient_calls, expected);
            assert_eq!(
                counters.loss_evals, 0,
                "{label}: losses come with gradients"
            );
            checked += 1;
        }
    }
    assert!(checked >= 100, "{checked}");
}

/// ASGD does torch's arithmetic rounding for rounding: fed torch's gradients and lrs and
/// restarted from torch's parameters each step, it lands on torch's parameters, and its
/// average `ax` (kept, never written back, as in torch) follows torch's `state["ax"]`.
#[test]
fn asgd_matches_torch_update_by_update_including_the_average() {
    let fixture = fixture();
    let mut averaged = 0;
    for case in &fixture.cases {
        let (Some(grads), Some(axs)) = (&case.grad, &case.ax) else {
            continue;
        };
        let label = label(case);
        let spec = optim::parse(&case.optimizer).unwrap();
        let config: AsgdConfig = spec.params.to_config("optimizer").unwrap();
        let dim = case.x[0].len();
        let mut asgd = Asgd::new(config, dim);
        let mut x = vec![0.0; dim];
        for t in 1..case.x.len() {
            x.copy_from_slice(&case.x[t - 1]);
            asgd.update(&mut x, &grads[t - 1], case.lr[t]);
            for (i, (&ours, &theirs)) in x.iter().zip(&case.x[t]).enumerate() {
                assert!(
                    error(ours, theirs) <= 1e-15,
                    "{label}: step {t} x{i}: {ours:e} vs torch {theirs:e}"
                );
            }
            for (i, (&ours, &theirs)) in asgd.ax().iter().zip(&axs[t - 1]).enumerate() {
                assert!(
                    error(ours, theirs) <= 1e-15,
                    "{label}: step {t} ax{i}: {ours:e} vs torch {theirs:e}"
                );
            }
        }
        averaged += usize::from(asgd.ax() != x.as_slice());
    }
    assert!(averaged >= 3, "cases where ax differs from x: {averaged}");
}

/// Both optimizers, every key, both line-search settings, several landscapes, schedules for
/// both.
#[test]
fn fixture_varies_every_key() {
    let fixture = fixture();
    let mut keys = BTreeSet::new();
    let mut problems = BTreeSet::new();
    let mut scheduled = BTreeSet::new();
    for case in &fixture.cases {
        let (name, rest) = case
            .optimizer
            .split_once(':')
            .unwrap_or((&case.optimizer, ""));
        for pair in rest.split(',').filter(|p| !p.is_empty()) {
            keys.insert(format!("{name}.{}", pair.split('=').next().unwrap()));
        }
        if case.optimizer.contains("line_search_fn=strong_wolfe") {
            keys.insert("lbfgs.strong_wolfe".into());
        } else if name == "lbfgs" {
            keys.insert("lbfgs.no_line_search".into());
        }
        if case.schedule != "constant" {
            scheduled.insert(name.to_string());
        }
        problems.insert(case.problem.split(':').next().unwrap().to_string());
    }
    for name in ["asgd", "lbfgs"] {
        let info = optbench::optim::entries().find(|e| e.name == name).unwrap();
        for k in info.keys {
            assert!(
                keys.contains(&format!("{name}.{}", k.name)),
                "no case varies {name}.{}",
                k.name
            );
        }
        assert!(scheduled.contains(name), "no scheduled case for {name}");
    }
    assert!(keys.contains("lbfgs.strong_wolfe") && keys.contains("lbfgs.no_line_search"));
    for name in ["rosenbrock", "quadratic", "beale", "himmelblau"] {
        assert!(problems.contains(name), "no case on {name}");
    }
}
