//! The step-cost figure's measurement, taken when the report is rendered (so it describes the
//! machine the report was made on): each first-order update rule at 2²⁰ parameters,
//! single-threaded, median of several steps, against the bound that the bytes it must move
//! per parameter impose at the machine's streaming bandwidth (an in-place a ← a + s·b loop,
//! measured the same way). The criterion bench `benches/kernels.rs` is the careful version.

use std::hint::black_box;
use std::time::Instant;

use crate::optim::{self, Method};

/// Parameters per measured step.
const N: usize = 1 << 20;
/// Steps timed per rule (the median is kept).
const REPEATS: usize = 7;

/// One rule's measured cost.
#[derive(Debug, Clone, PartialEq)]
pub struct StepCost {
    /// Spec measured.
    pub spec: String,
    /// Registry name (for the colour).
    pub name: String,
    /// Median nanoseconds per parameter per update.
    pub ns_per_param: f64,
    /// Bytes per parameter the update must move ÷ the measured bandwidth, in ns.
    pub bound_ns_per_param: f64,
}

/// The rules measured and the bytes each moves per parameter: x read and written, the
/// gradient read, each state vector read and written.
const RULES: &[(&str, f64)] = &[
    ("sgd", 24.0),
    ("sgd:momentum=0.9", 40.0),
    ("momentum", 40.0),
    ("adagrad", 40.0),
    ("adadelta", 56.0),
    ("rmsprop", 40.0),
    ("rprop", 56.0),
    ("adam", 56.0),
    ("nadam", 56.0),
    ("radam", 56.0),
    ("adamax", 56.0),
    ("lion", 40.0),
];

fn median_ns(mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[REPEATS / 2]
}

/// Measures every rule; about half a second.
pub fn measure() -> Vec<StepCost> {
    let grad: Vec<f64> = (0..N).map(|i| ((i % 17) as f64 - 8.0) * 1e-3).collect();
    let mut a = vec![0.5; N];
    let axpy_ns = median_ns(|| {
        for (x, g) in a.iter_mut().zip(&grad) {
            *x += 1e-9 * g;
        }
        black_box(&mut a);
    });
    let ns_per_byte = axpy_ns / (24.0 * N as f64);
    RULES
        .iter()
        .filter_map(|&(spec, bytes)| {
            let config = optim::parse(spec).ok()?.config;
            let Method::FirstOrder(mut rule) = config.method(N, 0) else {
                return None;
            };
            let mut x = vec![0.5; N];
            let ns = median_ns(|| rule.update(black_box(&mut x), black_box(&grad), 1e-9));
            Some(StepCost {
                spec: spec.to_string(),
                name: spec.split(':').next().unwrap_or(spec).to_string(),
                ns_per_param: ns / N as f64,
                bound_ns_per_param: bytes * ns_per_byte,
            })
        })
        .collect()
}
