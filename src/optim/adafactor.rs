//! `adafactor`: exactly `torch.optim.Adafactor` (torch 2.15, single-tensor path): second
//! moments factored into row and column averages on every matrix, a full second moment on
//! every vector, relative step sizes, no first moment.
//!
//! Per tensor (a group of the problem's layout: the MLP's `W1`, `b1`, …; a landscape's one
//! vector), with t the step and lr the scheduled lr:
//! ```text
//! w     = t^beta2_decay                     (the EMA weight 1 − β2_t)
//! ρ     = min(lr, 1/√t)
//! α     = max(eps2, ‖x‖/√n) · ρ              (x before the decay)
//! x    ← x·(1 − lr·weight_decay)
//! matrix R×C:  r = lerp(r, ‖g_row‖²/C, w);  c = lerp(c, ‖g_col‖²/R, w)
//!              v̂ = r·cᵀ / max(mean(r), eps1)
//! vector:      v = lerp(v, g², w);  v̂ = v
//! u     = g / √max(v̂, eps1²)
//! x    ← x − α/max(1, ‖u‖/(√n·d)) · u
//! ```
//! torch's `eps1` default `None` means the dtype's machine epsilon, 2⁻⁵² in f64: that is this
//! key's default. The norms and means are reductions whose summation order torch chooses, so
//! results agree with torch to rounding (the parity tests hold them to 1e-9 relative over
//! whole trajectories), not always bit for bit.

use serde::{Deserialize, Serialize};

use super::{Layout, Method, Objective, Optimizer, OptimizerConfig, add_scaled, lerp};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adafactor",
    summary: "factored second moments on matrices, relative step sizes",
    reference: "torch.optim.Adafactor",
    keys: &[
        Key::float(
            "lr",
            1e-2,
            Range::POSITIVE,
            "learning rate: caps the relative step min(lr, 1/sqrt(t))",
        ),
        Key::float(
            "beta2_decay",
            -0.8,
            Range::Float {
                lo: crate::spec::Bound::Open,
                hi: crate::spec::Bound::Incl(0.0),
            },
            "the second-moment EMA weight is t^beta2_decay",
        ),
        Key::float(
            "eps1",
            f64::EPSILON,
            Range::NON_NEGATIVE,
            "floor of the second-moment estimate (squared) and of its row mean (torch: None = machine epsilon)",
        ),
        Key::float(
            "eps2",
            1e-3,
            Range::NON_NEGATIVE,
            "floor of the parameter RMS that scales the step",
        ),
        Key::float(
            "d",
            1.0,
            Range::Float {
                lo: crate::spec::Bound::Incl(1.0),
                hi: crate::spec::Bound::Open,
            },
            "clipping threshold of the update RMS",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "decoupled decay: x is multiplied by 1 - lr·weight_decay",
        ),
    ],
};

/// Configuration of [`Adafactor`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdafactorConfig {
    /// Learning rate, > 0 (default 1e-2).
    pub lr: f64,
    /// Exponent of the second-moment EMA weight, ≤ 0 (default −0.8).
    pub beta2_decay: f64,
    /// Floor of the variance estimate, squared (default 2⁻⁵², torch's `None`).
    pub eps1: f64,
    /// Floor of the parameter RMS (default 1e-3).
    pub eps2: f64,
    /// Update clipping threshold, ≥ 1 (default 1).
    pub d: f64,
    /// Decoupled weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl OptimizerConfig for AdafactorConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, seed: u64) -> Method {
        self.method_for(&Layout::flat(dim), seed)
    }

    fn method_for(&self, layout: &Layout, _seed: u64) -> Method {
        Method::Custom(Box::new(Adafactor::new(self.clone(), layout)))
    }

    fn uses_shapes(&self) -> bool {
        true
    }
}

/// The second-moment state of one tensor.
#[derive(Debug, Clone)]
enum Moments {
    /// A matrix: row and column averages of g².
    Factored {
        rows: usize,
        cols: usize,
        row: Vec<f64>,
        col: Vec<f64>,
    },
    /// A vector: the full EMA of g².
    Full(Vec<f64>),
}

/// Adafactor state: one `Moments` per tensor of the layout, the step, and buffers.
#[derive(Debug, Clone)]
pub struct Adafactor {
    config: AdafactorConfig,
    tensors: Vec<(std::ops::Range<usize>, Moments)>,
    t: u64,
    grad: Vec<f64>,
    update: Vec<f64>,
}

impl Adafactor {
    /// Adafactor for parameters cut as `layout`.
    pub fn new(config: AdafactorConfig, layout: &Layout) -> Self {
        let tensors = layout
            .groups()
            .iter()
            .map(|g| {
                let moments = match g.matrix() {
                    Some((rows, cols)) => Moments::Factored {
                        rows,
                        cols,
                        row: vec![0.0; rows],
                        col: vec![0.0; cols],
                    },
                    None => Moments::Full(vec![0.0; g.len()]),
                };
                (g.range(), moments)
            })
            .collect();
        let largest = layout.groups().iter().map(|g| g.len()).max().unwrap_or(0);
        Adafactor {
            config,
            tensors,
            t: 0,
            grad: vec![0.0; layout.dim()],
            update: vec![0.0; largest],
        }
    }
}

/// Euclidean norm, summed in order.
fn norm(v: impl Iterator<Item = f64>) -> f64 {
    v.map(|x| x * x).sum::<f64>().sqrt()
}

impl Optimizer for Adafactor {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        objective.gradient(params, &mut self.grad);
        self.t += 1;
        let AdafactorConfig {
            beta2_decay,
            eps1,
            eps2,
            d,
            weight_decay,
            ..
        } = self.config;
        let t = self.t as f64;
        let w = t.powf(beta2_decay);
        let rho = lr.min(1.0 / t.powf(0.5));
        for (range, moments) in &mut self.tensors {
            let x = &mut params[range.clone()];
            let g = &self.grad[range.clone()];
            let n = x.len();
            let alpha = eps2.max(norm(x.iter().copied()) / (n as f64).powf(0.5)) * rho;
            if weight_decay != 0.0 {
                let keep = 1.0 - lr * weight_decay;
                x.iter_mut().for_each(|v| *v *= keep);
            }
            let u = &mut self.update[..n];
            match moments {
                Moments::Factored {
                    rows,
                    cols,
                    row,
                    col,
                } => {
                    let (rows, cols) = (*rows, *cols);
                    for (r, v) in row.iter_mut().enumerate() {
                        let s = norm(g[r * cols..(r + 1) * cols].iter().copied());
                        *v = lerp(*v, s * s / cols as f64, w);
                    }
                    for (c, v) in col.iter_mut().enumerate() {
                        let s = norm((0..rows).map(|r| g[r * cols + c]));
                        *v = lerp(*v, s * s / rows as f64, w);
                    }
                    let mean = (row.iter().sum::<f64>() / rows as f64).max(eps1);
                    let lines = u.chunks_exact_mut(cols).zip(g.chunks_exact(cols));
                    for ((u, g), &r) in lines.zip(row.iter()) {
                        for ((u, &g), &c) in u.iter_mut().zip(g).zip(col.iter()) {
                            let v = (r * c / mean).max(eps1 * eps1);
                            *u = 1.0 / v.sqrt() * g;
                        }
                    }
                }
                Moments::Full(v) => {
                    for ((u, v), &g) in u.iter_mut().zip(v.iter_mut()).zip(g) {
                        *v = lerp(*v, g * g, w);
                        *u = 1.0 / v.max(eps1 * eps1).sqrt() * g;
                    }
                }
            }
            let denom = 1.0f64.max(norm(u.iter().copied()) / ((n as f64).powf(0.5) * d));
            let s = -alpha / denom;
            for (x, &u) in x.iter_mut().zip(u.iter()) {
                *x = add_scaled(*x, s, u);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::parse;
    use crate::optim::testing::Quadratic;

    fn config() -> AdafactorConfig {
        AdafactorConfig {
            lr: 1e-2,
            beta2_decay: -0.8,
            eps1: f64::EPSILON,
            eps2: 1e-3,
            d: 1.0,
            weight_decay: 0.0,
        }
    }

    /// First step on a vector: w = 1, so v = g², u = sign(g) (|g| ≫ eps1), ‖u‖/√n = 1 and the
    /// step is α = max(eps2, RMS(x))·min(lr, 1) per coordinate against the gradient.
    #[test]
    fn first_vector_step_is_a_relative_sign_step() {
        let layout = Layout::flat(2);
        let mut opt = Adafactor::new(config(), &layout);
        let mut x = vec![3.0, -4.0];
        let mut obj = Quadratic(vec![1.0, 2.0]);
        opt.step(&mut x, &mut obj, 0.01);
        let alpha = (25.0f64 / 2.0).sqrt() * 0.01;
        assert_eq!(x, vec![3.0 - alpha, -4.0 + alpha]);
    }

    /// On a matrix the estimate is the outer product of row and column means over the mean
    /// row: for a rank-one g² it is g² exactly, so the first step matches the vector rule.
    #[test]
    fn factored_moments_recover_a_rank_one_square() {
        let g = [1.0, 2.0, 2.0, 4.0]; // rows (1, 2) ⊗ (1, 2): g² = (1,4)⊗(1,4)
        let x0 = vec![0.5, -0.5, 1.0, 2.0];
        let step = |layout: &Layout| {
            let mut opt = Adafactor::new(config(), layout);
            let mut x = x0.clone();
            let mut obj = super::super::testing::Quadratic(vec![1.0; 4]);
            // A gradient of g at x0: curvature c_i = g_i / x0_i.
            obj.0 = g.iter().zip(&x0).map(|(g, x)| g / x).collect();
            opt.step(&mut x, &mut obj, 0.01);
            x
        };
        let matrix = step(&Layout::new([("W", vec![2, 2])]));
        let vector = step(&Layout::flat(4));
        for (a, b) in matrix.iter().zip(&vector) {
            assert!((a - b).abs() <= 1e-15, "{matrix:?} vs {vector:?}");
        }
    }

    #[test]
    fn parses_with_torch_defaults() {
        let spec = parse("adafactor").unwrap();
        assert_eq!(spec.config.lr(), 1e-2);
        assert!(spec.config.uses_shapes());
        assert!(parse("adafactor:beta2_decay=0.5").is_err());
        assert!(parse("adafactor:d=0.5").is_err());
    }
}
