//! Sample-gradients per second of every problem (issue 3): one `loss_grad` over a mini-batch
//! of 128 training samples (the default `minibatch` size; the whole set where it is smaller,
//! one point for an analytic landscape), and over a single sample (`stochastic`).
//! Criterion's throughput is in samples, so "elem/s" reads as sample-gradients per second.
//!
//! Run: `cargo bench --bench problems`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use optbench::problem::{self, Workspace};

const PROBLEMS: &[&str] = &[
    "rosenbrock",
    "linreg",
    "logreg2d",
    "sparse_logreg",
    "softmax",
    "softmax:dataset=digits",
    "mlp",
    "mlp:activation=relu",
    "mlp:dataset=moons",
];

fn sample_gradients(c: &mut Criterion) {
    let mut group = c.benchmark_group("sample_gradients");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for &spec in PROBLEMS {
        let problem = problem::parse(spec).unwrap().config.build(0).unwrap();
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
