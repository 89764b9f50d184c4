//! Speed of the numerical core (SPEC §11), measured, never asserted:
//!
//! - `update/<optimizer>`: one update step of each first-order rule at `OPTBENCH_BENCH_DIM`
//!   parameters (default 10⁷), single-threaded. The throughput is the bytes the step must move
//!   per parameter (each state vector read and written once, the gradient read), so criterion
//!   prints the effective memory bandwidth.
//! - `bandwidth/axpy`: a ← a + s·b in place over the same length (24 B per element, the same
//!   access pattern as an update: read two streams, write one back in place), the machine's
//!   streaming bandwidth for comparison.
//! - `gradient/<landscape>`: analytic gradient at the same dimension.
//!
//! Run: `cargo bench --bench kernels` (add `-- update/adam` to filter).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use optbench::optim::{self, Method};
use optbench::problem;

fn dim() -> usize {
    std::env::var("OPTBENCH_BENCH_DIM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

/// Each benchmarked rule with the bytes one update moves per parameter: x read and written
/// (16), gradient read (8), and 16 per state vector read and written.
const RULES: &[(&str, u64)] = &[
    ("sgd", 24),
    ("sgd:momentum=0.9", 40),
    ("sgd:momentum=0.9,nesterov=true", 40),
    ("momentum", 40),
    ("adagrad", 40),
    ("adadelta", 56),
    ("rmsprop", 40),
    ("rmsprop:centered=true,momentum=0.9", 72),
    ("rprop", 56),
    ("adam", 56),
    ("adam:amsgrad=true", 72),
    ("adamw", 56),
    ("nadam", 56),
    ("radam", 56),
    ("adamax", 56),
    ("lion", 40),
];

fn update(c: &mut Criterion) {
    let n = dim();
    let mut group = c.benchmark_group("update");
    group.sample_size(20);
    let grad: Vec<f64> = (0..n).map(|i| ((i % 17) as f64 - 8.0) * 1e-3).collect();
    for &(spec, bytes) in RULES {
        let config = optim::parse(spec).unwrap().config;
        let Method::FirstOrder(mut rule) = config.method(n, 0) else {
            unreachable!("{spec} is first-order")
        };
        let mut x = vec![0.5; n];
        group.throughput(Throughput::Bytes(bytes * n as u64));
        group.bench_function(spec, |b| {
            b.iter(|| rule.update(black_box(&mut x), black_box(&grad), 1e-6))
        });
    }
    group.finish();
}

fn bandwidth(c: &mut Criterion) {
    let n = dim();
    let mut group = c.benchmark_group("bandwidth");
    group.sample_size(20);
    let b_vec = vec![1.0; n];
    let mut a = vec![0.0; n];
    group.throughput(Throughput::Bytes(24 * n as u64));
    group.bench_function("axpy", |bench| {
        bench.iter(|| {
            for (a, b) in a.iter_mut().zip(&b_vec) {
                *a += 1e-9 * b;
            }
            black_box(&mut a);
        })
    });
    group.finish();
}

fn gradient(c: &mut Criterion) {
    let n = dim();
    let mut group = c.benchmark_group("gradient");
    group.sample_size(20);
    for spec in ["rosenbrock", "quadratic", "rastrigin"] {
        let landscape = problem::parse(&format!("{spec}:dim={n}"))
            .unwrap()
            .config
            .landscape()
            .unwrap();
        let x = landscape.default_start();
        let mut g = vec![0.0; n];
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(spec, |b| {
            b.iter(|| black_box(landscape.gradient(black_box(&x), &mut g)))
        });
    }
    group.finish();
}

criterion_group!(benches, update, bandwidth, gradient);
criterion_main!(benches);
