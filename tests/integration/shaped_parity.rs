//! The optimizers that read the parameters' shapes (`muon`, `adafactor`) against the real
//! torch.optim, on analytic landscapes (one vector) and on a small MLP whose weight matrices
//! and bias vectors are separate tensors.
//!
//! The fixture `tests/fixtures/shaped_parity.json` was written by
//! `tests/fixtures/generate_shaped_parity.py` (torch 2.15, float64, autograd gradients); the
//! MLP's data and start are in the fixture, and optbench's own `Mlp` is built from them.

use std::collections::BTreeSet;

use crate::parity::{RTOL, error};
use optbench::data::{Dataset, Matrix, Split, SplitData, Target};
use optbench::optim;
use optbench::problem::{Activation, BatchObjective, Counters, Mlp, Problem, Workspace};
use optbench::trace::{TraceRequest, collect};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    torch_version: String,
    landscapes: Vec<LandscapeCase>,
    mlp: Vec<MlpCase>,
}

#[derive(Deserialize)]
struct LandscapeCase {
    problem: String,
    optimizer: String,
    steps: usize,
    start: Vec<f64>,
    ulp_sensitivity: f64,
    loss: Vec<f64>,
    x: Vec<Vec<f64>>,
}

#[derive(Deserialize)]
struct MlpCase {
    optimizer: String,
    steps: usize,
    x: Vec<Vec<f64>>,
    y: Vec<usize>,
    hidden: usize,
    classes: usize,
    l2: f64,
    ulp_sensitivity: f64,
    loss: Vec<f64>,
    params: Vec<Vec<f64>>,
}

impl MlpCase {
    /// Muon with torch's bfloat16 Newton–Schulz: compared at bfloat16's resolution.
    fn in_bfloat16(&self) -> bool {
        self.optimizer.starts_with("muon") && !self.optimizer.contains("ns_bf16=false")
    }
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("../fixtures/shaped_parity.json")).expect("fixture parses")
}

/// optbench's `Mlp` on the fixture's data (every split the training data; only training is
/// compared).
fn mlp(case: &MlpCase) -> Mlp {
    let features = case.x[0].len();
    let data = Dataset {
        features: Matrix::new(case.x.len(), features, case.x.concat()),
        target: Target::Classes {
            labels: case.y.clone(),
            classes: case.classes,
        },
    };
    let split = SplitData {
        train: data.clone(),
        validation: data.clone(),
        test: data,
    };
    Mlp::new(split, case.hidden, Activation::Tanh, case.l2, 0)
}

/// Full-batch steps of the case's optimizer on optbench's MLP from the fixture's start;
/// returns (loss, params) after each step, the start first.
fn run_mlp(case: &MlpCase) -> Vec<(f64, Vec<f64>)> {
    let problem = mlp(case);
    let spec = optim::parse(&case.optimizer).unwrap();
    let mut opt = spec.config.build_for(&problem.layout(), 0);
    let mut x = case.params[0].clone();
    let all: Vec<usize> = (0..problem.train_len()).collect();
    let (mut ws, mut eval_ws, mut counters) =
        (Workspace::new(), Workspace::new(), Counters::default());
    let mut noise = optbench::rng::from_seed(0);
    let mut rows = vec![(
        problem.evaluate(&x, Split::Train, &mut eval_ws).loss,
        x.clone(),
    )];
    for _ in 0..case.steps {
        let mut objective = BatchObjective::new(&problem, &all, &mut ws, &mut counters, &mut noise);
        opt.step(&mut x, &mut objective, spec.config.lr());
        // Where the method is measured (a schedule-free method's average).
        let at = opt.evaluation_point(&x).unwrap_or(&x).to_vec();
        rows.push((problem.evaluate(&at, Split::Train, &mut eval_ws).loss, at));
    }
    rows
}

/// Whole trajectories on the MLP agree with torch to 1e-9 relative: the MLP's layout puts
/// `W1`, `b1`, `W2`, `b2` where torch's tensors are, and the shape-aware methods treat each
/// as torch does (Muon's bfloat16 Newton–Schulz included, see below). Two shape-blind methods
/// (adam, sgd) check the harness itself.
#[test]
fn mlp_trajectories_match_torch() {
    let fixture = fixture();
    assert!(fixture.torch_version.starts_with("2."));
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    for case in &fixture.mlp {
        assert!(case.ulp_sensitivity <= 1e-5, "{}: chaotic", case.optimizer);
        let rows = run_mlp(case);
        assert_eq!(rows.len(), case.loss.len(), "{}", case.optimizer);
        // A weight passing through zero is compared at 1% of the weights' scale (they start
        // at a few tenths), as the landscapes' coordinates are at 1e-3 absolute.
        let floor = 0.01 * case.params[0].iter().map(|v| v.abs()).fold(0.0, f64::max);
        let mut case_worst = (0.0f64, String::new());
        for (t, (loss, params)) in rows.iter().enumerate() {
            let mut check = |what: String, ours: f64, theirs: f64| {
                let e = (ours - theirs).abs() / ours.abs().max(theirs.abs()).max(floor);
                if e > case_worst.0 {
                    case_worst = (e, format!("step {t} {what}: {ours:e} vs torch {theirs:e}"));
                }
            };
            check("loss".into(), *loss, case.loss[t]);
            for (i, (&ours, &theirs)) in params.iter().zip(&case.params[t]).enumerate() {
                check(format!("θ{i}"), ours, theirs);
            }
        }
        worst = worst.max(case_worst.0);
        if case_worst.0 > RTOL {
            failures.push(format!(
                "{}: relative error {:.2e} at {}",
                case.optimizer, case_worst.0, case_worst.1
            ));
        }
    }
    eprintln!("MLP cases, worst relative error {worst:.2e}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// torch runs Muon's Newton–Schulz in bfloat16 even on f64 parameters, and optbench's
/// `ns_bf16=true` models it (f32 sums of exact products, one bf16 rounding per operation):
/// those cases pass the 1e-9 test above. That the model matters: the same runs with the
/// iteration in f64 miss torch's bfloat16 trajectories by far more than 1e-9. (On matrices
/// much larger than these, torch's CPU matrix kernel sums in blocks of its own, and an element
/// can then land one bf16 step away.)
#[test]
fn muon_in_bfloat16_is_not_muon_in_f64() {
    let fixture = fixture();
    let cases: Vec<_> = fixture.mlp.iter().filter(|c| c.in_bfloat16()).collect();
    assert!(cases.len() >= 2);
    for case in cases {
        let f64_case = MlpCase {
            optimizer: format!("{},ns_bf16=false", case.optimizer),
            x: case.x.clone(),
            y: case.y.clone(),
            params: case.params.clone(),
            loss: case.loss.clone(),
            ..*case
        };
        let worst = run_mlp(&f64_case)
            .iter()
            .zip(&case.params)
            .flat_map(|((_, p), q)| p.iter().zip(q).map(|(&a, &b)| error(a, b)))
            .fold(0.0f64, f64::max);
        assert!(
            worst > 1e-4,
            "{}: f64 NS within {worst:e} of torch's bf16",
            case.optimizer
        );
    }
}

/// On a landscape (one vector) adafactor takes torch's vector path and muon is AdamW.
#[test]
fn landscape_trajectories_match_torch() {
    let fixture = fixture();
    let mut failures = Vec::new();
    for case in &fixture.landscapes {
        assert!(case.ulp_sensitivity <= 1e-5, "{}: chaotic", case.optimizer);
        let rows = collect(&TraceRequest {
            problem: case.problem.clone(),
            optimizer: case.optimizer.clone(),
            schedule: "constant".into(),
            steps: case.steps,
            start: Some(case.start.clone()),
            seed: 0,
        })
        .unwrap();
        assert_eq!(rows.len(), case.loss.len(), "{}", case.optimizer);
        let mut worst = 0.0f64;
        for (t, row) in rows.iter().enumerate() {
            worst = worst.max(error(row.loss, case.loss[t]));
            for (&ours, &theirs) in row.x.iter().zip(&case.x[t]) {
                worst = worst.max(error(ours, theirs));
            }
        }
        if worst > RTOL {
            failures.push(format!(
                "{} / {}: relative error {worst:.2e}",
                case.problem, case.optimizer
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every key of muon and adafactor is varied in some case, and every method added beside the
/// lecture's runs on the MLP.
#[test]
fn fixture_covers_every_key_on_matrices() {
    let fixture = fixture();
    let mut keys = BTreeSet::new();
    let mut on_matrices = BTreeSet::new();
    let specs = fixture
        .landscapes
        .iter()
        .map(|c| (&c.optimizer, false))
        .chain(fixture.mlp.iter().map(|c| (&c.optimizer, true)));
    for (spec, mlp) in specs {
        let (name, rest) = spec.split_once(':').unwrap_or((spec, ""));
        if mlp {
            on_matrices.insert(name.to_string());
        }
        for pair in rest.split(',').filter(|p| !p.is_empty()) {
            keys.insert(format!("{name}.{}", pair.split('=').next().unwrap()));
        }
    }
    // Every method added beside the lecture's runs on the MLP's matrices here.
    for name in [
        "muon",
        "adafactor",
        "asgd",
        "lbfgs",
        "schedule_free_sgd",
        "schedule_free_adamw",
        "prodigy",
        "dadapt_sgd",
        "dadapt_adam",
    ] {
        assert!(on_matrices.contains(name), "{name} never runs on matrices");
    }
    for name in ["muon", "adafactor"] {
        let info = optim::entries().find(|e| e.name == name).unwrap();
        for k in info.keys {
            assert!(
                keys.contains(&format!("{name}.{}", k.name)),
                "no case varies {name}.{}",
                k.name
            );
        }
    }
}
