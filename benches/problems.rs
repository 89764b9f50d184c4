//! Sample-gradients per second of every problem of the registry (each at its defaults, and
//! the variants below): one `loss_grad` over a mini-batch of 128 training samples (the whole
//! set where it is smaller, one point for an analytic landscape), and over a single sample
//! (`stochastic`). `csv` reads `datasets/iris.csv`.
//! Criterion's throughput is in samples, so "elem/s" reads as sample-gradients per second.
//!
//! Run: `cargo bench --bench problems`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use optbench::problem::{self, Workspace};

/// Variants beyond each registry entry at its defaults.
const VARIANTS: &[&str] = &[
    "softmax:dataset=digits",
    "mlp:activation=relu",
    "mlp:dataset=moons",
];

/// Every problem of the registry at its defaults, then the variants.
fn problems() -> Vec<String> {
    problem::entries()
        .map(|e| match e.name {
            "csv" => format!(
                "csv:path={}/datasets/iris.csv,target=label",
                env!("CARGO_MANIFEST_DIR")
            ),
            name => name.to_string(),
        })
        .chain(VARIANTS.iter().map(|v| v.to_string()))
        .collect()
}

fn sample_gradients(c: &mut Criterion) {
    let mut group = c.benchmark_group("sample_gradients");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for spec in problems() {
        let problem = problem::parse(&spec).unwrap().config.build(0).unwrap();
        let spec = spec.split(":path=").next().unwrap_or(&spec);
        let params = problem.initial_params(0);
        let n = problem.train_len();
        let mut grad = vec![0.0; problem.dim()];
        let mut ws = Workspace::new();
        for (label, size) in [("batch128", 128), ("single", 1)] {
            let batch: Vec<usize> = (0..n.min(size)).map(|i| (i * 7919) % n).collect();
            group.throughput(Throughput::Elements(batch.len() as u64));
            group.bench_function(format!("{spec}/{label}"), |b| {
                b.iter(|| black_box(problem.loss_grad(&params, &batch, &mut grad, &mut ws)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, sample_gradients);
criterion_main!(benches);
