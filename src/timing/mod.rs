//! The timing pass (`docs/performance.md`): the machine's streaming memory bandwidth, measured with a
//! STREAM-style triad, and the cost of one update of each first-order rule against the bound
//! that bandwidth sets. It is measured by `optbench timing` and `optbench report`, recorded
//! as JSON where it is measured ([`mod@file`]), and drawn by the report (step-cost figure) and
//! kept by the history from that record: rendering never measures.
//!
//! Timings describe the machine and moment they were taken; nothing else in optbench depends
//! on them, and no test asserts them. The criterion bench `benches/kernels.rs` is the careful
//! version of the same measurement, at several sizes.

use std::hint::black_box;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::optim::{self, Method};

pub mod file;

pub use file::TimingError;

/// Every first-order rule the timing pass and the kernel benches measure: each optimizer at
/// its defaults, and the options that change the state it streams.
pub const MEASURED_RULES: &[&str] = &[
    "sgd",
    "sgd:momentum=0.9",
    "sgd:momentum=0.9,nesterov=true",
    "momentum",
    "adagrad",
    "adadelta",
    "rmsprop",
    "rmsprop:centered=true,momentum=0.9",
    "rprop",
    "adam",
    "adam:amsgrad=true",
    "adamw",
    "nadam",
    "radam",
    "adamax",
    "lion",
];

/// Parameters per measured step in the report's timing pass: 5·10⁶ (40 MB per vector, more
/// than a 32 MiB last-level cache). Not a power of two on purpose: vectors of 2ⁿ doubles
/// start at the same offset within a page, so element i of every vector falls in the same
/// cache set, and the 3- and 4-vector updates run at half speed (measured at 2²²: adam 66% of
/// its bound, rprop 37%; at 4·10⁶: 137% and 129%).
pub const REPORT_DIM: usize = 5_000_000;

/// Steps timed per rule by default (the median is kept).
pub const REPEATS: usize = 5;

/// Bytes the triad moves per element, by STREAM's convention: two reads and one write.
pub const TRIAD_BYTES: usize = 24;

/// A measured streaming bandwidth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bandwidth {
    /// Bytes per second, STREAM's triad `a[i] = b[i] + s·c[i]` counted as 24 bytes per element.
    pub bytes_per_second: f64,
}

impl Bandwidth {
    /// In GiB/s.
    pub fn gib_per_second(&self) -> f64 {
        self.bytes_per_second / f64::from(1u32 << 30)
    }

    /// The nanoseconds per parameter that moving `bytes` per parameter takes at this bandwidth.
    pub fn bound_ns(&self, bytes: usize) -> f64 {
        bytes as f64 / self.bytes_per_second * 1e9
    }
}

/// One rule's measured update cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepCost {
    /// Spec measured.
    pub spec: String,
    /// Registry name (for the colour).
    pub name: String,
    /// Bytes one update moves per parameter ([`optim::UpdateRule::bytes_per_param`]).
    pub bytes_per_param: usize,
    /// Median nanoseconds per parameter per update.
    pub ns_per_param: f64,
    /// `bytes_per_param` at the measured bandwidth, in nanoseconds.
    pub bound_ns_per_param: f64,
}

impl StepCost {
    /// The share of the bandwidth bound reached, in percent (100: the update runs exactly at
    /// the triad's bandwidth; above 100 is possible, as an in-place update has no
    /// write-allocate traffic).
    pub fn percent_of_bound(&self) -> f64 {
        100.0 * self.bound_ns_per_param / self.ns_per_param
    }
}

/// What one timing pass measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingPass {
    /// Parameters per step.
    pub dim: usize,
    /// Steps timed per rule (median kept).
    pub repeats: usize,
    /// The triad's bandwidth.
    pub bandwidth: Bandwidth,
    /// Each rule of [`MEASURED_RULES`].
    pub costs: Vec<StepCost>,
    /// The machine measured ([`machine`]); `None` in a pass recorded before it was kept.
    #[serde(default)]
    pub machine: Option<String>,
}

/// Median wall nanoseconds of `repeats` calls of `f`, after one untimed call.
pub fn median_ns(repeats: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..repeats.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// One STREAM triad pass over `a`, `b`, `c`: `a[i] = b[i] + s·c[i]`.
pub fn triad(a: &mut [f64], b: &[f64], c: &[f64], s: f64) {
    for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
        *a = b + s * c;
    }
}

/// The triad's bandwidth over `dim` elements, median of `repeats`.
pub fn measure_bandwidth(dim: usize, repeats: usize) -> Bandwidth {
    let b = vec![1.0; dim];
    let c = vec![2.0; dim];
    let mut a = vec![0.0; dim];
    let ns = median_ns(repeats, || {
        triad(black_box(&mut a), black_box(&b), black_box(&c), 3.0);
        black_box(&mut a);
    });
    Bandwidth {
        bytes_per_second: (TRIAD_BYTES * dim) as f64 / (ns.max(1.0) * 1e-9),
    }
}

/// A gradient that keeps every rule's arithmetic on its general path (no zeros).
pub fn test_gradient(dim: usize) -> Vec<f64> {
    (0..dim).map(|i| ((i % 17) as f64 - 8.5) * 1e-3).collect()
}

/// The bandwidth, then every rule of [`MEASURED_RULES`] at `dim` parameters, single-threaded.
/// About 2 s at [`REPORT_DIM`] on the project's 2-core machine.
pub fn measure(dim: usize, repeats: usize) -> TimingPass {
    let bandwidth = measure_bandwidth(dim, repeats);
    let grad = test_gradient(dim);
    let mut x = vec![0.5; dim];
    let costs = MEASURED_RULES
        .iter()
        .filter_map(|&spec| {
            let config = optim::parse(spec).ok()?.config;
            let Method::FirstOrder(mut rule) = config.method(dim, 0) else {
                return None;
            };
            x.fill(0.5);
            let ns = median_ns(repeats, || {
                rule.update(black_box(&mut x), black_box(&grad), 1e-9)
            });
            let bytes = rule.bytes_per_param();
            Some(StepCost {
                spec: spec.to_string(),
                name: spec.split(':').next().unwrap_or(spec).to_string(),
                bytes_per_param: bytes,
                ns_per_param: ns.max(1.0) / dim as f64,
                bound_ns_per_param: bandwidth.bound_ns(bytes),
            })
        })
        .collect();
    TimingPass {
        dim,
        repeats,
        bandwidth,
        costs,
        machine: Some(machine()),
    }
}

/// The processor and core count, as far as the system tells.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores, {}", std::env::consts::OS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triad_computes_stream_triad() {
        let mut a = vec![0.0; 3];
        triad(&mut a, &[1.0, 2.0, 3.0], &[1.0, 0.5, -1.0], 2.0);
        assert_eq!(a, vec![3.0, 3.0, 1.0]);
    }

    #[test]
    fn bound_is_bytes_over_bandwidth() {
        let bw = Bandwidth {
            bytes_per_second: 8e9,
        };
        assert_eq!(bw.bound_ns(56), 7.0);
        let cost = StepCost {
            spec: "adam".into(),
            name: "adam".into(),
            bytes_per_param: 56,
            ns_per_param: 8.75,
            bound_ns_per_param: 7.0,
        };
        assert_eq!(cost.percent_of_bound(), 80.0);
    }

    /// Every listed rule is measured, with the bytes its own state implies.
    #[test]
    fn a_small_pass_measures_every_rule() {
        let pass = measure(4096, 1);
        let specs: Vec<&str> = pass.costs.iter().map(|c| c.spec.as_str()).collect();
        assert_eq!(specs, MEASURED_RULES);
        let adam = &pass.costs[specs.iter().position(|s| *s == "adam").unwrap()];
        assert_eq!(adam.bytes_per_param, 56);
        for c in &pass.costs {
            assert!(c.ns_per_param > 0.0 && c.bound_ns_per_param > 0.0, "{c:?}");
            assert!(c.percent_of_bound().is_finite());
        }
    }
}
