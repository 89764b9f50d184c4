//! Speed of the numerical core (docs/performance.md), measured, never asserted:
//!
//! - `update/<spec>/<n>`: one update step of each first-order rule of
//!   `optbench::timing::MEASURED_RULES` at n parameters, single-threaded. The throughput is the
//!   bytes the step must move (`UpdateRule::bytes_per_param` × n: the parameter read and
//!   written, the gradient read, each state vector read and written), so criterion prints the
//!   effective memory bandwidth.
//! - `bandwidth/triad/<n>`: STREAM's triad a[i] = b[i] + s·c[i], counted as 24 bytes per
//!   element: the bound the report's timing pass uses.
//! - `bandwidth/axpy/<n>`: a ← a + s·b in place (24 bytes per element, the access pattern of an
//!   in-place update: no write-allocate traffic).
//! - `gradient/<landscape>/<n>`: analytic gradient.
//!
//! Sizes: `OPTBENCH_BENCH_DIMS` (comma-separated, default `1000,100000,10000000`).
//! Run: `cargo bench --bench kernels` (add `-- update/adam/` to filter).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use optbench::optim::{self, Method};
use optbench::problem;
use optbench::timing::{self, MEASURED_RULES, TRIAD_BYTES};

fn dims() -> Vec<usize> {
    let text =
        std::env::var("OPTBENCH_BENCH_DIMS").unwrap_or_else(|_| "1000,100000,10000000".into());
    let dims: Vec<usize> = text
        .split(',')
        .map(|d| {
            d.trim().parse().unwrap_or_else(|_| {
                panic!("OPTBENCH_BENCH_DIMS: {d:?} is not a size; give e.g. 1000,100000")
            })
        })
        .collect();
    assert!(
        dims.iter().all(|&d| d > 0),
        "OPTBENCH_BENCH_DIMS: sizes are > 0"
    );
    dims
}

/// Fewer samples for the large sizes, where one step takes milliseconds.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
) {
    if n >= 1_000_000 {
        group
            .sample_size(20)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(5));
    } else {
        group
            .sample_size(50)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(2));
    }
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("update");
    for n in dims() {
        configure(&mut group, n);
        let grad = timing::test_gradient(n);
        let mut x = vec![0.5; n];
        for &spec in MEASURED_RULES {
            let config = optim::parse(spec).unwrap().config;
            let Method::FirstOrder(mut rule) = config.method(n, 0) else {
                unreachable!("{spec} is first-order")
            };
            x.fill(0.5);
            group.throughput(Throughput::Bytes((rule.bytes_per_param() * n) as u64));
            group.bench_function(BenchmarkId::new(spec, n), |b| {
                b.iter(|| rule.update(black_box(&mut x), black_box(&grad), 1e-9))
            });
        }
    }
    group.finish();
}

fn bandwidth(c: &mut Criterion) {
    let mut group = c.benchmark_group("bandwidth");
    for n in dims() {
        configure(&mut group, n);
        let b_vec = vec![1.0; n];
        let c_vec = vec![2.0; n];
        let mut a = vec![0.0; n];
        group.throughput(Throughput::Bytes((TRIAD_BYTES * n) as u64));
        group.bench_function(BenchmarkId::new("triad", n), |bench| {
            bench.iter(|| {
                timing::triad(black_box(&mut a), black_box(&b_vec), black_box(&c_vec), 3.0);
                black_box(&mut a);
            })
        });
        group.bench_function(BenchmarkId::new("axpy", n), |bench| {
            bench.iter(|| {
                for (a, b) in a.iter_mut().zip(&b_vec) {
                    *a += 1e-9 * b;
                }
                black_box(&mut a);
            })
        });
    }
    group.finish();
}

fn gradient(c: &mut Criterion) {
    let mut group = c.benchmark_group("gradient");
    for n in dims() {
        configure(&mut group, n);
        for spec in ["rosenbrock", "quadratic", "rastrigin"] {
            let landscape = problem::parse(&format!("{spec}:dim={n}"))
                .unwrap()
                .config
                .landscape()
                .unwrap();
            let x = landscape.default_start();
            let mut g = vec![0.0; n];
            group.throughput(Throughput::Elements(n as u64));
            group.bench_function(BenchmarkId::new(spec, n), |b| {
                b.iter(|| black_box(landscape.gradient(black_box(&x), &mut g)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, update, bandwidth, gradient);
criterion_main!(benches);
