//! `nadam`: exactly `torch.optim.NAdam` (Dozat 2016 with torch's momentum-decay schedule,
//! L2 weight decay). The product of the μ_t is kept in f64.
//!
//! ```text
//! g     = ∇f(x) + weight_decay·x
//! μ_t   = β1·(1 − ½·0.96^(t·ψ)),  μ_t+1 likewise,  P ← P·μ_t   (P starts at 1)
//! m = lerp(m, g, 1−β1);  v = β2·v + (1−β2)·g²;  d = sqrt(v/(1−β2^t)) + eps
//! x -= lr·(1−μ_t)/(1−P) · g/d
//! x -= lr·μ_t+1/(1−P·μ_t+1) · m/d
//! ```

use serde::{Deserialize, Serialize};

use super::{
    Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, ema_square, fused, keys, lerp,
};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "nadam",
    summary: "Adam with Nesterov momentum and a momentum-decay schedule",
    reference: "torch.optim.NAdam",
    keys: &[
        keys::lr(2e-3),
        keys::BETA1,
        keys::BETA2,
        Key::float(
            "eps",
            1e-8,
            Range::NON_NEGATIVE,
            "added to the bias-corrected root",
        ),
        keys::L2_WEIGHT_DECAY,
        Key::float(
            "momentum_decay",
            0.004,
            Range::NON_NEGATIVE,
            "ψ in μ_t = β1·(1 - 0.5·0.96^(t·ψ))",
        ),
    ],
};

/// Configuration of [`NAdam`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NAdamConfig {
    /// Learning rate, > 0 (default 2e-3).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Outside the root, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Momentum decay ψ ≥ 0 (default 0.004).
    pub momentum_decay: f64,
}

impl Default for NAdamConfig {
    fn default() -> Self {
        NAdamConfig {
            lr: 2e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 0.004,
        }
    }
}

impl OptimizerConfig for NAdamConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(NAdam::new(self.clone(), dim)))
    }
}

/// NAdam state: moments, the running product of μ_t, and the update count.
#[derive(Debug, Clone)]
pub struct NAdam {
    config: NAdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    mu_product: f64,
    t: u64,
}

impl NAdam {
    /// NAdam for `dim` parameters.
    pub fn new(config: NAdamConfig, dim: usize) -> Self {
        NAdam {
            config,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            mu_product: 1.0,
            t: 0,
        }
    }
}

impl UpdateRule for NAdam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.v])
    }
}

impl NAdam {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let NAdamConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            momentum_decay: psi,
            ..
        } = self.config;
        let t = self.t as f64;
        let bc2 = 1.0 - beta2.powf(t);
        let mu = beta1 * (1.0 - 0.5 * 0.96f64.powf(t * psi));
        let mu_next = beta1 * (1.0 - 0.5 * 0.96f64.powf((t + 1.0) * psi));
        self.mu_product *= mu;
        let mu_product_next = self.mu_product * mu_next;
        let c_grad = -lr * (1.0 - mu) / (1.0 - self.mu_product);
        let c_avg = (-lr * mu_next) / (1.0 - mu_product_next);
        let n = params.len();
        let (grad, m, v) = (&grad[..n], &mut self.m[..n], &mut self.v[..n]);
        for i in 0..n {
            let x = params[i];
            let g = if wd != 0.0 {
                add_scaled(grad[i], wd, x)
            } else {
                grad[i]
            };
            m[i] = lerp(m[i], g, 1.0 - beta1);
            v[i] = ema_square(v[i], beta2, g);
            let denom = (v[i] / bc2).sqrt() + eps;
            let x = addcdiv(x, c_grad, g, denom);
            params[i] = addcdiv(x, c_avg, m[i], denom);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// One step, g = 1, eps = 0, ψ = 0 (so μ_t = β1/2 = 0.45 every step):
    /// P = 0.45, m = 0.1, v̂ = 1 → d = 1;
    /// x = −lr·0.55/0.55 − lr·0.45/(1 − 0.45²)·0.1.
    #[test]
    fn first_step_by_hand() {
        let c = NAdamConfig {
            eps: 0.0,
            momentum_decay: 0.0,
            ..NAdamConfig::default()
        };
        let mut a = NAdam::new(c, 1);
        let mut x = [0.0];
        a.update(&mut x, &[1.0], 1.0);
        assert_close(x[0], -1.0 - 0.45 / (1.0 - 0.45 * 0.45) * 0.1);
    }

    /// The μ schedule: μ_1 = 0.9·(1 − 0.5·0.96^0.004).
    #[test]
    fn momentum_schedule_product() {
        let mut a = NAdam::new(NAdamConfig::default(), 1);
        let mut x = [0.0];
        a.update(&mut x, &[1.0], 1e-3);
        a.update(&mut x, &[1.0], 1e-3);
        let mu = |t: f64| 0.9 * (1.0 - 0.5 * 0.96f64.powf(t * 0.004));
        assert_close(a.mu_product, mu(1.0) * mu(2.0));
    }
}
