//! Learning-rate sequences of optbench's schedules against the real torch.optim.lr_scheduler.
//!
//! The fixture `tests/fixtures/torch_schedules.json` was written by
//! `tests/fixtures/generate_torch_schedules.py` (float64; that script says how each spec maps
//! onto torch's classes and how to regenerate it). Every key of `one_cycle`, `cosine_restarts`,
//! `linear`, `polynomial` and `cyclic` is varied in some case, and the warm-up keys are chained
//! before every schedule, `plateau` included.

use std::collections::BTreeSet;

use serde::Deserialize;

/// Relative tolerance on every lr. torch computes LinearLR, PolynomialLR, StepLR,
/// ExponentialLR and CosineAnnealingLR recursively (each lr from the previous one) where
/// optbench uses the closed form; over the few dozen epochs of a case the recursion's rounding
/// stays far below this.
const RTOL: f64 = 1e-12;

#[derive(Deserialize)]
struct Fixture {
    torch_version: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    spec: String,
    lr0: f64,
    budget: usize,
    epochs: usize,
    /// Rows before this one come from torch; later ones are optbench's documented hold of
    /// one_cycle's final lr (torch raises there).
    torch_rows: usize,
    lr: Vec<f64>,
    /// Validation losses fed to the schedule after each epoch (plateau cases).
    metrics: Option<Vec<f64>>,
}

fn fixture() -> Fixture {
    let text = include_str!("../fixtures/torch_schedules.json");
    serde_json::from_str(text).expect("fixture parses")
}

/// optbench's lr sequence for a case.
fn lrs(case: &Case) -> Vec<f64> {
    let spec =
        optbench::schedule::parse(&case.spec).unwrap_or_else(|e| panic!("{}: {e}", case.spec));
    let mut s = spec.config.build(case.lr0, case.budget);
    (0..case.epochs)
        .map(|t| {
            let lr = s.lr();
            s.end_epoch(case.metrics.as_ref().map_or(1.0, |m| m[t]));
            lr
        })
        .collect()
}

/// Relative error of `a` against the reference `b` (0 when both are exactly 0).
fn error(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { (a - b).abs() / b.abs() }
}

#[test]
fn lr_sequences_match_torch() {
    let fixture = fixture();
    assert!(fixture.torch_version.starts_with('2'));
    let mut worst = (0.0, String::new());
    let mut failures = Vec::new();
    for case in &fixture.cases {
        assert_eq!(case.lr.len(), case.epochs, "{}", case.spec);
        let got = lrs(case);
        for (t, (&a, &b)) in got.iter().zip(&case.lr).enumerate() {
            let e = error(a, b);
            if e > worst.0 {
                worst = (
                    e,
                    format!(
                        "{} (lr0 {}, budget {}) t={t}",
                        case.spec, case.lr0, case.budget
                    ),
                );
            }
            if e > RTOL || e.is_nan() {
                failures.push(format!(
                    "{} (lr0 {}, budget {}) t={t}: optbench {a:e}, torch {b:e}",
                    case.spec, case.lr0, case.budget
                ));
            }
        }
    }
    eprintln!(
        "{} cases; worst relative error {:e} at {}",
        fixture.cases.len(),
        worst.0,
        worst.1
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the fixture covers: every key of every schedule added after plateau, warm-ups chained
/// before every schedule, plateau fed losses, budgets past one_cycle's total_steps.
#[test]
fn fixture_covers_every_key_and_the_warm_up_before_every_schedule() {
    let fixture = fixture();
    let mut keys = BTreeSet::new();
    let mut warmed = BTreeSet::new();
    for case in &fixture.cases {
        let (name, rest) = case.spec.split_once(':').unwrap_or((&case.spec, ""));
        for pair in rest.split(',').filter(|p| !p.is_empty()) {
            let key = pair.split('=').next().unwrap();
            keys.insert(format!("{name}.{key}"));
            if key == "warmup_epochs" {
                warmed.insert(name.to_string());
            }
        }
    }
    for name in [
        "one_cycle",
        "cosine_restarts",
        "linear",
        "polynomial",
        "cyclic",
    ] {
        let info = optbench::schedule::entries()
            .find(|e| e.name == name)
            .unwrap();
        for k in info.keys {
            assert!(
                keys.contains(&format!("{name}.{}", k.name)),
                "no case varies {name}.{}",
                k.name
            );
        }
    }
    for info in optbench::schedule::entries() {
        assert!(
            warmed.contains(info.name),
            "no warm-up before {}",
            info.name
        );
    }
    assert!(keys.iter().any(|k| k.ends_with(".warmup_start_factor")));
    assert!(fixture.cases.iter().any(|c| c.spec.starts_with("plateau:")
        && c.spec.contains("warmup_epochs")
        && c.metrics.is_some()));
    assert!(
        fixture
            .cases
            .iter()
            .filter(|c| c.spec.starts_with("one_cycle"))
            .any(|c| c.torch_rows < c.epochs),
        "a case should run past one_cycle's total_steps"
    );
}

/// Past one_cycle's total_steps (where torch raises) optbench holds the final lr.
#[test]
fn one_cycle_holds_its_final_lr_past_total_steps() {
    let fixture = fixture();
    let mut seen = 0;
    for case in fixture.cases.iter().filter(|c| c.torch_rows < c.epochs) {
        let got = lrs(case);
        let last = got[case.torch_rows];
        assert!(last > 0.0, "{}", case.spec);
        assert!(
            got[case.torch_rows..].iter().all(|&v| v == last),
            "{}: {got:?}",
            case.spec
        );
        seen += 1;
    }
    assert!(seen >= 3);
}
