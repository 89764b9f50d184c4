//! `radam`: exactly `torch.optim.RAdam` (Liu et al. 2020, with torch's threshold ρ_t > 5 and
//! eps placement; L2 weight decay).
//!
//! ```text
//! g = ∇f(x) + weight_decay·x
//! m = lerp(m, g, 1−β1);  v = β2·v + (1−β2)·g²;  m̂ = m/(1−β1^t)
//! ρ∞ = 2/(1−β2) − 1;  ρ_t = ρ∞ − 2t·β2^t/(1−β2^t)
//! ρ_t > 5:  r = sqrt((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))
//!           x -= m̂·lr · sqrt(1−β2^t)/(sqrt(v) + eps) · r
//! else:     x -= m̂·lr                         (un-normalised momentum step)
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, ema_square, fused, keys, lerp};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "radam",
    summary: "Adam with a rectified (variance-aware) warm-up of the adaptive step",
    reference: "torch.optim.RAdam",
    keys: &[
        keys::lr(1e-3),
        keys::BETA1,
        keys::BETA2,
        Key::float(
            "eps",
            1e-8,
            Range::NON_NEGATIVE,
            "added to the raw root sqrt(v)",
        ),
        keys::L2_WEIGHT_DECAY,
    ],
};

/// Configuration of [`RAdam`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RAdamConfig {
    /// Learning rate, > 0 (default 1e-3).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Added to sqrt(v), ≥ 0 (default 1e-8).
    pub eps: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for RAdamConfig {
    fn default() -> Self {
        RAdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for RAdamConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(RAdam::new(self.clone(), dim)))
    }
}

/// RAdam state: moments and the update count.
#[derive(Debug, Clone)]
pub struct RAdam {
    config: RAdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    t: u64,
}

impl RAdam {
    /// RAdam for `dim` parameters.
    pub fn new(config: RAdamConfig, dim: usize) -> Self {
        RAdam {
            config,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            t: 0,
        }
    }

    /// The rectification factor r_t, or `None` while ρ_t ≤ 5 (un-normalised steps).
    fn rectification(beta2: f64, t: f64) -> Option<f64> {
        let bc2 = 1.0 - beta2.powf(t);
        let rho_inf = 2.0 / (1.0 - beta2) - 1.0;
        let rho_t = rho_inf - 2.0 * t * beta2.powf(t) / bc2;
        (rho_t > 5.0).then(|| {
            ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                .powf(0.5)
        })
    }
}

impl UpdateRule for RAdam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.v])
    }
}

impl RAdam {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let RAdamConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            ..
        } = self.config;
        let t = self.t as f64;
        let bc1 = 1.0 - beta1.powf(t);
        let bc2_sqrt = (1.0 - beta2.powf(t)).powf(0.5);
        let rect = Self::rectification(beta2, t);
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
            let m_hat = m[i] / bc1;
            params[i] = match rect {
                // torch: `bc2_sqrt / t` on a tensor t is `t.reciprocal() * bc2_sqrt`.
                Some(r) => x - m_hat * lr * ((1.0 / (v[i].sqrt() + eps)) * bc2_sqrt) * r,
                None => x - m_hat * lr,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// With β2 = 0.999 the first five updates are un-normalised (ρ_5 ≈ 4.996, ρ_6 ≈ 5.994).
    #[test]
    fn threshold_is_five() {
        assert!(RAdam::rectification(0.999, 5.0).is_none());
        assert!(RAdam::rectification(0.999, 6.0).is_some());
    }

    /// Un-normalised first step: m̂ = g, so x = −lr·g.
    #[test]
    fn first_step_is_plain_momentum() {
        let mut a = RAdam::new(RAdamConfig::default(), 1);
        let mut x = [0.0];
        a.update(&mut x, &[3.0], 0.5);
        assert_close(x[0], -1.5);
    }

    /// A rectified step by hand: β2 = 0.5 gives ρ∞ = 3, never > 5, so take β2 = 0.9:
    /// ρ∞ = 19; at t = 1, ρ_1 = 19 − 2·0.9/0.1 = 1 → plain. At large t, r → 1.
    #[test]
    fn rectification_tends_to_one() {
        let r = RAdam::rectification(0.9, 1000.0).unwrap();
        assert_close(r, 1.0);
        let t = 10.0f64;
        let rho_inf = 19.0;
        let rho_t = rho_inf - 2.0 * t * 0.9f64.powf(t) / (1.0 - 0.9f64.powf(t));
        let expected = ((rho_t - 4.0) * (rho_t - 2.0) * rho_inf
            / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
            .sqrt();
        assert_close(RAdam::rectification(0.9, t).unwrap(), expected);
    }
}
