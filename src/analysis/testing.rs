//! Synthetic run records for the analysis tests: a scenario says, for every run, its final
//! training objective (the curve falls geometrically to it from 1, and f* is 0, so the final
//! objective is the relative gap), and optionally how rough
//! its curve is and how its effective learning rate evolves. The tests then check that the
//! analysis finds what the scenario built in.

use crate::grid::{InstanceSet, RunSpec, SeedRole};
use crate::problem::{Family, OptimumKind};
use crate::record::{Best, Curves, OptimumRecord, PerEpoch, RunRecord, Samples, Status};

/// The learning-rate factors every synthetic optimizer sweeps.
pub const FACTORS: [f64; 5] = [0.01, 0.1, 1.0, 10.0, 100.0];
/// Epochs per synthetic run.
pub const EPOCHS: usize = 40;
/// Seeds: 0 and 1 tune, 2–4 evaluate.
pub const SEEDS: usize = 5;

/// What one synthetic run looks like.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Final training objective (the start is 1); `None` diverges at epoch 5.
    pub final_loss: Option<f64>,
    /// Relative amplitude of epoch-to-epoch zig-zag (0 = monotone).
    pub zigzag: f64,
    /// Effective lr at the last epoch divided by that at the first.
    pub lr_decay: f64,
}

impl Shape {
    /// A smooth run ending at `f`.
    pub fn ends(f: f64) -> Shape {
        Shape {
            final_loss: Some(f),
            zigzag: 0.0,
            lr_decay: 1.0,
        }
    }
}

/// A problem of a scenario.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Canonical spec.
    pub spec: String,
    /// Family.
    pub family: Family,
    /// Data problem (validation and test splits)?
    pub data: bool,
    /// Selection or held-out instance.
    pub set: InstanceSet,
}

/// Builds records: every (problem, optimizer spec, batch, schedule, lr factor, seed).
pub fn scenario(
    problems: &[Problem],
    optimizers: &[&str],
    batches: &[&str],
    schedules: &[&str],
    shape: impl Fn(&str, &str, &str, &str, f64, usize) -> Shape,
) -> Vec<RunRecord> {
    let mut out = Vec::new();
    let mut id = 0u64;
    for p in problems {
        for &opt in optimizers {
            let parsed = crate::optim::parse(opt).expect("valid optimizer");
            let name = parsed.params.entry().to_string();
            let base = parsed.config.lr();
            for &batch in batches {
                if !p.data && batch != "full" {
                    continue;
                }
                for &sched in schedules {
                    for &factor in &FACTORS {
                        for seed in 0..SEEDS {
                            id += 1;
                            let s = shape(&p.spec, opt, batch, sched, factor, seed);
                            out.push(record(
                                p, opt, &name, base, batch, sched, factor, seed, id, s,
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn record(
    p: &Problem,
    opt: &str,
    name: &str,
    base: f64,
    batch: &str,
    sched: &str,
    factor: f64,
    seed: usize,
    id: u64,
    s: Shape,
) -> RunRecord {
    let last = if s.final_loss.is_some() { EPOCHS } else { 4 };
    let f = s.final_loss.unwrap_or(1.0);
    let loss = |e: usize| {
        let smooth = f.powf(e as f64 / EPOCHS as f64);
        let wiggle = if e % 2 == 1 { 1.0 + s.zigzag } else { 1.0 };
        // Tiny seed jitter so medians are not all ties.
        smooth * wiggle * (1.0 + 1e-6 * seed as f64)
    };
    let epochs: Vec<usize> = (0..=last).collect();
    let train: Vec<f64> = epochs.iter().map(|&e| loss(e)).collect();
    let eff = |e: usize| {
        s.lr_decay
            .powf(e.saturating_sub(1) as f64 / (EPOCHS - 1) as f64)
    };
    let curves = Curves {
        lr: epochs.iter().map(|_| base * factor).collect(),
        validation_loss: p.data.then(|| train.iter().map(|l| l * 1.1).collect()),
        test_loss: p.data.then(|| train.iter().map(|l| l * 1.2).collect()),
        correct: None,
        gradient_norm: epochs.iter().map(|_| 1.0).collect(),
        update_norm: epochs
            .iter()
            .map(|&e| if e == 0 { 0.0 } else { 0.01 * eff(e) })
            .collect(),
        seconds: epochs.iter().map(|&e| e as f64 * 1e-3).collect(),
        train_loss: train,
        epoch: epochs,
    };
    let diverged = s.final_loss.is_none();
    let vl = curves.validation(curves.len() - 1);
    let tl = curves.test(curves.len() - 1);
    RunRecord {
        schema: crate::record::SCHEMA_VERSION,
        grid: "00000000000000aa".into(),
        spec: RunSpec {
            id: format!("{id:016x}"),
            problem: p.spec.clone(),
            set: p.set,
            optimizer: opt.to_string(),
            optimizer_name: name.to_string(),
            label: opt.to_string(),
            lr: base * factor,
            default_lr: factor == 1.0,
            base_lr: base,
            batch: batch.to_string(),
            schedule: sched.to_string(),
            seed_index: seed,
            role: if seed < 2 {
                SeedRole::Tuning
            } else {
                SeedRole::Evaluation
            },
            epochs: EPOCHS,
            grid_seed: 0,
            record_updates: false,
            trajectory: false,
        },
        family: p.family,
        dim: 2,
        samples: Samples {
            train: 100,
            validation: if p.data { 30 } else { 0 },
            test: if p.data { 30 } else { 0 },
        },
        optimum: OptimumRecord {
            loss: 0.0,
            kind: OptimumKind::Exact,
            gradient_norm: None,
        },
        status: if diverged {
            Status::Diverged
        } else {
            Status::Completed
        },
        diverged_epoch: diverged.then_some(5),
        per_epoch: PerEpoch {
            updates: if batch == "full" { 1 } else { 10 },
            gradient_evals: 100,
            loss_evals: 0,
        },
        curves,
        best: Best {
            epoch: last,
            validation_loss: vl,
            test_loss: tl,
        },
        wall_seconds: last as f64 * 1e-3,
        trajectory: None,
        update_losses: None,
    }
}

/// A data problem of a family.
pub fn data(spec: &str, family: Family) -> Problem {
    Problem {
        spec: spec.into(),
        family,
        data: true,
        set: InstanceSet::Selection,
    }
}

/// An analytic problem of a family.
pub fn landscape(spec: &str, family: Family) -> Problem {
    Problem {
        spec: spec.into(),
        family,
        data: false,
        set: InstanceSet::Selection,
    }
}
