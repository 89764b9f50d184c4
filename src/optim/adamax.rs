//! `adamax`: exactly `torch.optim.Adamax` (Adam with the infinity norm; L2 weight decay).
//!
//! ```text
//! g  = ∇f(x) + weight_decay·x
//! m  = lerp(m, g, 1−β1)
//! u  = max(β2·u, |g| + eps)            (eps inside the max)
//! x -= (lr/(1−β1^t)) · m/u
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, fused, keys, lerp, maximum};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adamax",
    summary: "Adam with the infinity norm in place of the second moment",
    reference: "torch.optim.Adamax",
    keys: &[
        keys::lr(2e-3),
        keys::BETA1,
        Key::float(
            "beta2",
            0.999,
            Range::UNIT_HALF_OPEN,
            "decay of the running infinity norm",
        ),
        Key::float(
            "eps",
            1e-8,
            Range::NON_NEGATIVE,
            "added to |g| inside the max",
        ),
        keys::L2_WEIGHT_DECAY,
    ],
};

/// Configuration of [`Adamax`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdamaxConfig {
    /// Learning rate, > 0 (default 2e-3).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Infinity-norm decay in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Inside the max, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for AdamaxConfig {
    fn default() -> Self {
        AdamaxConfig {
            lr: 2e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for AdamaxConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Adamax::new(self.clone(), dim)))
    }
}

/// Adamax state: first moment, running infinity norm, update count.
#[derive(Debug, Clone)]
pub struct Adamax {
    config: AdamaxConfig,
    m: Vec<f64>,
    u: Vec<f64>,
    t: u64,
}

impl Adamax {
    /// Adamax for `dim` parameters.
    pub fn new(config: AdamaxConfig, dim: usize) -> Self {
        Adamax {
            config,
            m: vec![0.0; dim],
            u: vec![0.0; dim],
            t: 0,
        }
    }
}

impl UpdateRule for Adamax {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.u])
    }
}

impl Adamax {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let AdamaxConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            ..
        } = self.config;
        let clr = lr / (1.0 - beta1.powf(self.t as f64));
        let n = params.len();
        let (grad, m, u) = (&grad[..n], &mut self.m[..n], &mut self.u[..n]);
        for i in 0..n {
            let x = params[i];
            let g = if wd != 0.0 {
                add_scaled(grad[i], wd, x)
            } else {
                grad[i]
            };
            m[i] = lerp(m[i], g, 1.0 - beta1);
            u[i] = maximum(u[i] * beta2, g.abs() + eps);
            params[i] = addcdiv(x, -clr, m[i], u[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// β1 = β2 = 0.5, eps = 0, lr = 1, g = 4 then 1:
    /// t=1: m = 2, u = 4, clr = 2 → x = −1.
    /// t=2: m = 1.5, u = max(2, 1) = 2, clr = 1/0.75 → x = −1 − (4/3)·0.75 = −2.
    #[test]
    fn two_steps_by_hand() {
        let c = AdamaxConfig {
            lr: 1.0,
            beta1: 0.5,
            beta2: 0.5,
            eps: 0.0,
            weight_decay: 0.0,
        };
        let mut a = Adamax::new(c, 1);
        let mut x = [0.0];
        a.update(&mut x, &[4.0], 1.0);
        assert_close(x[0], -1.0);
        a.update(&mut x, &[1.0], 1.0);
        assert_close(x[0], -2.0);
    }
}
