//! `ars`: basic random search, Mania, Guy and Recht 2018, "Simple random search provides a
//! competitive approach to reinforcement learning" (Algorithm 1, V1-t), written for
//! minimization. It is the lecture's "method of finite differences": no gradient is used.
//!
//! ```text
//! draw δ_1..δ_N ~ N(0, I)
//! f⁺_k = f(x + ν·δ_k),  f⁻_k = f(x − ν·δ_k)            (2N loss evaluations)
//! keep the b directions with the smallest min(f⁺_k, f⁻_k)
//! σ_R = standard deviation of the 2b kept losses       (1 if it is 0)
//! x  -= lr/(b·σ_R) · Σ_kept (f⁺_k − f⁻_k)·δ_k
//! ```
//!
//! How it meets the common interface: [`Optimizer::step`] hands every optimizer the
//! objective; `ars` asks it only for losses (2N per step), never for a gradient, so cost
//! counters that wrap the objective charge it fairly. Its directions come from its own
//! [`crate::rng::Rng`] stream, seeded by the `seed` passed to `build` (the run's own seed).
//! Defaults: step size 0.02 and ν = 0.03 as in the paper's MuJoCo tables; N = 8 directions
//! and b = N (all kept) unless `top` says otherwise.

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::{Method, Objective, Optimizer, OptimizerConfig};
use crate::rng::{self, Rng};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "ars",
    summary: "basic random search: finite differences along random directions, losses only",
    reference: "Mania, Guy, Recht 2018, basic random search (V1-t), minimizing",
    keys: &[
        Key::float("lr", 0.02, Range::POSITIVE, "step size α"),
        Key::float(
            "noise",
            0.03,
            Range::POSITIVE,
            "exploration noise ν: probes at x ± ν·δ",
        ),
        Key::int(
            "directions",
            8,
            1,
            10_000,
            "random directions N per step (2N loss evaluations)",
        ),
        Key::derived(
            "top",
            "directions",
            Range::Int {
                min: 1,
                max: 10_000,
            },
            "best directions b kept for the update (b ≤ N)",
        ),
    ],
};

/// Configuration of [`Ars`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArsConfig {
    /// Step size α, > 0 (default 0.02).
    pub lr: f64,
    /// Exploration noise ν, > 0 (default 0.03).
    pub noise: f64,
    /// Directions N per step, ≥ 1 (default 8).
    pub directions: u32,
    /// Directions b kept, 1 ≤ b ≤ N (default: N).
    pub top: Option<u32>,
}

impl Default for ArsConfig {
    fn default() -> Self {
        ArsConfig {
            lr: 0.02,
            noise: 0.03,
            directions: 8,
            top: None,
        }
    }
}

impl ArsConfig {
    /// The number b of directions kept.
    pub fn kept(&self) -> usize {
        self.top.unwrap_or(self.directions) as usize
    }
}

impl OptimizerConfig for ArsConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn check(&self) -> Result<(), String> {
        match self.top {
            Some(top) if top > self.directions => Err(format!(
                "top ({top}) must not exceed directions ({})",
                self.directions
            )),
            _ => Ok(()),
        }
    }

    fn method(&self, dim: usize, seed: u64) -> Method {
        Method::Custom(Box::new(Ars::new(self.clone(), dim, seed)))
    }
}

/// ARS state: its random stream and scratch buffers, all allocated once.
#[derive(Debug, Clone)]
pub struct Ars {
    config: ArsConfig,
    rng: Rng,
    /// N directions, row k at `k·dim..(k+1)·dim`.
    directions: Vec<f64>,
    probe: Vec<f64>,
    plus: Vec<f64>,
    minus: Vec<f64>,
    order: Vec<usize>,
    step: Vec<f64>,
}

impl Ars {
    /// ARS for `dim` parameters with its own stream `seed`.
    pub fn new(config: ArsConfig, dim: usize, seed: u64) -> Self {
        let n = config.directions as usize;
        Ars {
            rng: rng::from_seed(seed),
            directions: vec![0.0; n * dim],
            probe: vec![0.0; dim],
            plus: vec![0.0; n],
            minus: vec![0.0; n],
            order: (0..n).collect(),
            step: vec![0.0; dim],
            config,
        }
    }
}

/// Population standard deviation of the kept losses (as `np.std` in the paper's code).
fn std_of_kept(order: &[usize], plus: &[f64], minus: &[f64]) -> f64 {
    let count = 2.0 * order.len() as f64;
    let mean = order.iter().map(|&k| plus[k] + minus[k]).sum::<f64>() / count;
    let var = order
        .iter()
        .map(|&k| (plus[k] - mean).powi(2) + (minus[k] - mean).powi(2))
        .sum::<f64>()
        / count;
    var.sqrt()
}

impl Optimizer for Ars {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        let dim = params.len();
        let nu = self.config.noise;
        for v in self.directions.iter_mut() {
            *v = self.rng.sample(StandardNormal);
        }
        for (k, delta) in self.directions.chunks_exact(dim).enumerate() {
            for ((p, &x), &d) in self.probe.iter_mut().zip(params.iter()).zip(delta) {
                *p = x + nu * d;
            }
            self.plus[k] = objective.loss(&self.probe);
            for ((p, &x), &d) in self.probe.iter_mut().zip(params.iter()).zip(delta) {
                *p = x - nu * d;
            }
            self.minus[k] = objective.loss(&self.probe);
        }
        // Best directions first (smallest loss on either side); ties by index, so the order
        // is fully determined. NaN losses sort last.
        let (plus, minus) = (&self.plus, &self.minus);
        let best = |k: usize| plus[k].min(minus[k]);
        for (i, o) in self.order.iter_mut().enumerate() {
            *o = i;
        }
        self.order
            .sort_unstable_by(|&a, &b| best(a).total_cmp(&best(b)).then(a.cmp(&b)));
        let kept = &self.order[..self.config.kept()];
        let sigma = match std_of_kept(kept, plus, minus) {
            0.0 => 1.0,
            s => s,
        };
        self.step.fill(0.0);
        for &k in kept {
            let diff = plus[k] - minus[k];
            let delta = &self.directions[k * dim..(k + 1) * dim];
            for (s, &d) in self.step.iter_mut().zip(delta) {
                *s += diff * d;
            }
        }
        let scale = lr / (kept.len() as f64 * sigma);
        for (x, s) in params.iter_mut().zip(&self.step) {
            *x -= scale * s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::{Quadratic, assert_close};

    /// Counts gradient calls; ars must make none.
    struct NoGradient(Quadratic, usize);
    impl Objective for NoGradient {
        fn dim(&self) -> usize {
            self.0.dim()
        }
        fn loss(&mut self, x: &[f64]) -> f64 {
            self.1 += 1;
            self.0.loss(x)
        }
        fn gradient(&mut self, _: &[f64], _: &mut [f64]) {
            panic!("ars asked for a gradient")
        }
    }

    /// Directions drawn from the same stream, by hand.
    fn draws(seed: u64, n: usize) -> Vec<f64> {
        let mut r = rng::from_seed(seed);
        (0..n).map(|_| r.sample(StandardNormal)).collect()
    }

    /// One direction, b = 1: σ_R = |f⁺ − f⁻|/2, so the step is exactly
    /// x ← x − 2·lr·sign(f⁺ − f⁻)·δ.
    #[test]
    fn single_direction_moves_two_lr_along_delta() {
        let c = ArsConfig {
            lr: 0.1,
            noise: 0.01,
            directions: 1,
            top: None,
        };
        let mut obj = NoGradient(Quadratic(vec![1.0, 3.0]), 0);
        let mut ars = Ars::new(c, 2, 7);
        let x0 = [1.0, -2.0];
        let mut x = x0;
        ars.step(&mut x, &mut obj, 0.1);
        let d = draws(7, 2);
        let f = |p: [f64; 2]| 0.5 * (p[0] * p[0] + 3.0 * p[1] * p[1]);
        let fp = f([x0[0] + 0.01 * d[0], x0[1] + 0.01 * d[1]]);
        let fm = f([x0[0] - 0.01 * d[0], x0[1] - 0.01 * d[1]]);
        let s = (fp - fm).signum();
        assert_close(x[0], x0[0] - 2.0 * 0.1 * s * d[0]);
        assert_close(x[1], x0[1] - 2.0 * 0.1 * s * d[1]);
        assert_eq!(obj.1, 2);
    }

    /// Three directions, b = 2, three steps: the full formula evaluated by hand from the same
    /// draws (selection by smallest loss, population σ over the kept 2b losses).
    #[test]
    fn three_steps_with_top_selection() {
        let c = ArsConfig {
            lr: 0.05,
            noise: 0.1,
            directions: 3,
            top: Some(2),
        };
        let coef = [2.0, 0.5, 1.0];
        let f = |p: &[f64]| 0.5 * p.iter().zip(coef).map(|(x, c)| c * x * x).sum::<f64>();
        let mut obj = NoGradient(Quadratic(coef.to_vec()), 0);
        let mut ars = Ars::new(c, 3, 11);
        let mut x = vec![1.0, 1.0, -1.0];
        let mut expected = x.clone();
        let mut stream = rng::from_seed(11);
        for _ in 0..3 {
            ars.step(&mut x, &mut obj, 0.05);
            let deltas: Vec<Vec<f64>> = (0..3)
                .map(|_| (0..3).map(|_| stream.sample(StandardNormal)).collect())
                .collect();
            let probe = |sgn: f64, d: &[f64]| -> f64 {
                let p: Vec<f64> = expected
                    .iter()
                    .zip(d)
                    .map(|(x, d)| x + sgn * 0.1 * d)
                    .collect();
                f(&p)
            };
            let fp: Vec<f64> = deltas.iter().map(|d| probe(1.0, d)).collect();
            let fm: Vec<f64> = deltas.iter().map(|d| probe(-1.0, d)).collect();
            let mut idx = [0, 1, 2];
            idx.sort_by(|&a, &b| fp[a].min(fm[a]).partial_cmp(&fp[b].min(fm[b])).unwrap());
            let kept = &idx[..2];
            let vals: Vec<f64> = kept.iter().flat_map(|&k| [fp[k], fm[k]]).collect();
            let mean = vals.iter().sum::<f64>() / 4.0;
            let sigma = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 4.0).sqrt();
            for j in 0..3 {
                let sum: f64 = kept.iter().map(|&k| (fp[k] - fm[k]) * deltas[k][j]).sum();
                expected[j] -= 0.05 / (2.0 * sigma) * sum;
            }
            for j in 0..3 {
                assert!((x[j] - expected[j]).abs() < 1e-12, "{x:?} vs {expected:?}");
            }
        }
        assert_eq!(obj.1, 3 * 6);
    }

    #[test]
    fn decreases_a_quadratic_using_losses_only() {
        let c = ArsConfig::default();
        let mut obj = NoGradient(Quadratic(vec![1.0; 5]), 0);
        let mut ars = Ars::new(c, 5, 3);
        let mut x = vec![1.0; 5];
        let start = obj.0.loss(&x);
        for _ in 0..200 {
            ars.step(&mut x, &mut obj, 0.02);
        }
        assert!(obj.0.loss(&x) < 0.1 * start, "{}", obj.0.loss(&x));
    }

    #[test]
    fn rejects_top_above_directions() {
        let c = ArsConfig {
            directions: 2,
            top: Some(3),
            ..ArsConfig::default()
        };
        assert!(c.check().unwrap_err().contains("top (3)"));
    }
}
