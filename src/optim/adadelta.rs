//! `adadelta`: exactly `torch.optim.Adadelta` (Zeiler 2012 with torch's lr factor).
//!
//! ```text
//! g  = ∇f(x) + weight_decay·x
//! v  = ρ·v + (1−ρ)·g²
//! Δ  = sqrt(u + eps) / sqrt(v + eps) · g
//! u  = ρ·u + (1−ρ)·Δ²                  (the un-scaled Δ)
//! x -= lr·Δ
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, ema_square, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adadelta",
    summary: "step = RMS of past steps / RMS of gradients; lr only scales the move",
    reference: "torch.optim.Adadelta",
    keys: &[
        Key::float("lr", 1.0, Range::POSITIVE, "factor on the step (Zeiler: 1)"),
        Key::float(
            "rho",
            0.9,
            Range::UNIT_CLOSED,
            "EMA coefficient of squared gradients and squared steps",
        ),
        Key::float(
            "eps",
            1e-6,
            Range::NON_NEGATIVE,
            "added inside both square roots",
        ),
        keys::L2_WEIGHT_DECAY,
    ],
};

/// Configuration of [`Adadelta`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdadeltaConfig {
    /// Factor on the step, > 0 (default 1.0).
    pub lr: f64,
    /// EMA coefficient ρ in [0, 1] (default 0.9).
    pub rho: f64,
    /// Inside both roots, ≥ 0 (default 1e-6).
    pub eps: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for AdadeltaConfig {
    fn default() -> Self {
        AdadeltaConfig {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for AdadeltaConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Adadelta::new(self.clone(), dim)))
    }
}

/// Adadelta state: EMAs of squared gradients (v) and squared steps (u).
#[derive(Debug, Clone)]
pub struct Adadelta {
    config: AdadeltaConfig,
    square_avg: Vec<f64>,
    acc_delta: Vec<f64>,
}

impl Adadelta {
    /// Adadelta for `dim` parameters.
    pub fn new(config: AdadeltaConfig, dim: usize) -> Self {
        Adadelta {
            config,
            square_avg: vec![0.0; dim],
            acc_delta: vec![0.0; dim],
        }
    }
}

impl UpdateRule for Adadelta {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.square_avg, &self.acc_delta])
    }
}

impl Adadelta {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let AdadeltaConfig {
            rho,
            eps,
            weight_decay: wd,
            ..
        } = self.config;
        let state = self.square_avg.iter_mut().zip(self.acc_delta.iter_mut());
        for ((x, &g), (v, u)) in params.iter_mut().zip(grad).zip(state) {
            let g = if wd != 0.0 { add_scaled(g, wd, *x) } else { g };
            *v = ema_square(*v, rho, g);
            let std = (*v + eps).sqrt();
            let delta = (*u + eps).sqrt() / std * g;
            *u = ema_square(*u, rho, delta);
            *x = add_scaled(*x, -lr, delta);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// ρ = 0.5, eps = 1, g = 1 twice, lr = 2, from x = 0:
    /// t=1: v = 0.5, Δ = sqrt(1)/sqrt(1.5), u = 0.5·Δ² = 1/3, x = −2Δ.
    /// t=2: v = 0.75, Δ2 = sqrt(4/3)/sqrt(1.75), x −= 2Δ2.
    #[test]
    fn two_steps_by_hand() {
        let mut a = Adadelta::new(
            AdadeltaConfig {
                lr: 2.0,
                rho: 0.5,
                eps: 1.0,
                weight_decay: 0.0,
            },
            1,
        );
        let mut x = [0.0];
        a.update(&mut x, &[1.0], 2.0);
        let d1 = 1.0 / 1.5f64.sqrt();
        assert_close(x[0], -2.0 * d1);
        a.update(&mut x, &[1.0], 2.0);
        let d2 = (4.0f64 / 3.0).sqrt() / 1.75f64.sqrt();
        assert_close(x[0], -2.0 * d1 - 2.0 * d2);
    }
}
