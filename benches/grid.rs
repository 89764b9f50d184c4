//! The `reference` preset end to end (see docs/performance.md): expand the grid, run its 219 runs on one
//! thread, write the results file: what `optbench run --preset reference --jobs 1` does, less
//! process start-up. `benches/reference/` runs the same workload in PyTorch and NumPy.
//!
//! Run: `cargo bench --bench grid`

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use optbench::grid;
use optbench::run::{RunOptions, run_grid};

fn reference(c: &mut Criterion) {
    let grid = grid::preset("reference").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reference.jsonl");
    let mut group = c.benchmark_group("grid");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(15));
    group.bench_function("reference/jobs=1", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&out);
            run_grid(
                &grid,
                &RunOptions {
                    out: out.clone(),
                    jobs: Some(1),
                    shard: None,
                    resume: false,
                    progress: false,
                    cache: None,
                    only: None,
                },
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, reference);
criterion_main!(benches);
