//! `dadapt_adam`: exactly `dadaptation.DAdaptAdam` of the `dadaptation` package 3.2 (Defazio
//! and Mishchenko 2023, "Learning-Rate-Free Learning by D-Adaptation"): Adam whose step is
//! d·lr, with d a lower bound on the distance to the solution grown from `d0`. The lr
//! (default 1) multiplies the step; schedules scale it as they scale any lr.
//!
//! All parameters form one group (the package sums over every parameter of it). Per step, with
//! g the gradient (plus weight_decay·x unless `decouple`) and β = sqrt(β2):
//!
//! ```text
//! dlr = d·lr·(bias correction sqrt(1−β2^(k+1))/(1−β1^(k+1)) if use_bias_correction)
//! a   = dlr·⟨g, s / (sqrt(v) + eps)⟩                     (v before this step's update)
//! m = β1·m + dlr·(1−β1)·g;   v = β2·v + (1−β2)·g²;   s = β·s + dlr·(1−β)·g
//! num = β·num + (1−β)·a;   d̂ = num / ((1−β)·‖s‖₁);   d = max(d, min(d̂, d·growth_rate))
//! decouple: x -= weight_decay·dlr·x;    x -= m / (sqrt(v) + eps)
//! ```
//!
//! (dlr is the one computed before d changes.) A step with ‖s‖₁ = 0 (no gradient yet, or an lr
//! of 0) leaves x, d, num and the step count as they were, as the package's early return does.
//!
//! Rounding: the elementwise operations round as the package's torch calls do. The two global
//! reductions (torch's BLAS dot and vectorized sum) add in an order torch chooses, which is not
//! reproduced; they are summed left to right here, so d agrees with the package's to a few ulps
//! rather than bit for bit.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, ema_square, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "dadapt_adam",
    summary: "Adam with its step size from a D-Adaptation distance bound (learning-rate free)",
    reference: "dadaptation 3.2 DAdaptAdam (Defazio, Mishchenko 2023)",
    keys: &[
        Key::float(
            "lr",
            1.0,
            Range::POSITIVE,
            "multiplies the adapted step (1: no tuning)",
        ),
        keys::BETA1,
        keys::BETA2,
        Key::float(
            "eps",
            1e-8,
            Range::POSITIVE,
            "added to the root (outside it)",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "weight decay (L2 or decoupled, see decouple)",
        ),
        Key::bool(
            "decouple",
            false,
            "decoupled decay x -= weight_decay·d·lr·x (false: L2, added to the gradient)",
        ),
        Key::bool(
            "use_bias_correction",
            false,
            "Adam's bias correction in the step size",
        ),
        Key::float("d0", 1e-6, Range::POSITIVE, "initial distance estimate d"),
        Key::derived(
            "growth_rate",
            "inf: unbounded",
            Range::POSITIVE,
            "d grows by at most this factor per step",
        ),
    ],
};

/// Configuration of [`DAdaptAdam`]; defaults are the package's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DAdaptAdamConfig {
    /// Multiplier of the adapted step, > 0 (default 1).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Outside the root, > 0 (default 1e-8).
    pub eps: f64,
    /// Weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Decoupled (AdamW-style) weight decay (default false: L2).
    pub decouple: bool,
    /// Adam's bias correction in the step (default false).
    pub use_bias_correction: bool,
    /// Initial estimate, > 0 (default 1e-6).
    pub d0: f64,
    /// Largest growth factor of d per step (default: unbounded).
    pub growth_rate: Option<f64>,
}

impl Default for DAdaptAdamConfig {
    fn default() -> Self {
        DAdaptAdamConfig {
            lr: 1.0,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decouple: false,
            use_bias_correction: false,
            d0: 1e-6,
            growth_rate: None,
        }
    }
}

impl OptimizerConfig for DAdaptAdamConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    /// Learning-rate-free: estimates its own step size (lr is a multiplier, 1 by default).
    fn needs_no_tuning(&self) -> bool {
        true
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(DAdaptAdam::new(self.clone(), dim)))
    }
}

/// D-Adapt Adam state: the moments, the sum s and the scalar estimate.
#[derive(Debug, Clone)]
pub struct DAdaptAdam {
    config: DAdaptAdamConfig,
    m: Vec<f64>,
    v: Vec<f64>,
    s: Vec<f64>,
    d: f64,
    numerator: f64,
    k: u64,
}

impl DAdaptAdam {
    /// D-Adapt Adam for `dim` parameters.
    pub fn new(config: DAdaptAdamConfig, dim: usize) -> Self {
        DAdaptAdam {
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            s: vec![0.0; dim],
            d: config.d0,
            numerator: 0.0,
            k: 0,
            config,
        }
    }

    /// The distance estimate d.
    pub fn d(&self) -> f64 {
        self.d
    }

    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let DAdaptAdamConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            decouple,
            use_bias_correction,
            growth_rate,
            ..
        } = self.config;
        let growth_rate = growth_rate.unwrap_or(f64::INFINITY);
        let t = (self.k + 1) as f64;
        let bias_correction = if use_bias_correction {
            (1.0 - beta2.powf(t)).powf(0.5) / (1.0 - beta1.powf(t))
        } else {
            1.0
        };
        let d = self.d;
        let dlr = d * lr * bias_correction;
        let sqrt_beta2 = beta2.powf(0.5);
        let l2 = if wd != 0.0 && !decouple { wd } else { 0.0 };
        let n = params.len();
        let (grad, m, v, s) = (
            &grad[..n],
            &mut self.m[..n],
            &mut self.v[..n],
            &mut self.s[..n],
        );
        let mut numerator_acum = 0.0;
        let mut sk_l1 = 0.0;
        if lr > 0.0 {
            let mut dot = 0.0;
            for i in 0..n {
                let g = if l2 != 0.0 {
                    add_scaled(grad[i], l2, params[i])
                } else {
                    grad[i]
                };
                dot += g * (s[i] / (v[i].sqrt() + eps));
            }
            // The package's layer_scale r = 1 multiplies here: r·dlr is dlr exactly.
            numerator_acum += dlr * dot;
            let m_scale = dlr * (1.0 - beta1);
            let s_scale = dlr * (1.0 - sqrt_beta2);
            let mut l1 = 0.0;
            for i in 0..n {
                let g = if l2 != 0.0 {
                    add_scaled(grad[i], l2, params[i])
                } else {
                    grad[i]
                };
                m[i] = add_scaled(m[i] * beta1, m_scale, g);
                v[i] = ema_square(v[i], beta2, g);
                s[i] = add_scaled(s[i] * sqrt_beta2, s_scale, g);
                l1 += s[i].abs();
            }
            sk_l1 += l1;
        }
        let numerator = sqrt_beta2 * self.numerator + (1.0 - sqrt_beta2) * numerator_acum;
        if sk_l1 == 0.0 {
            return;
        }
        let d_hat = numerator / ((1.0 - sqrt_beta2) * sk_l1);
        // Python's max(d, min(d̂, d·growth)): the second argument only when strictly
        // larger/smaller.
        let grown = d * growth_rate;
        let capped = if grown < d_hat { grown } else { d_hat };
        self.d = if capped > d { capped } else { d };
        self.numerator = numerator;

        let decay = if wd != 0.0 && decouple {
            -wd * dlr
        } else {
            0.0
        };
        for i in 0..n {
            let denom = v[i].sqrt() + eps;
            let mut x = params[i];
            if decay != 0.0 {
                x = add_scaled(x, decay, x);
            }
            params[i] = addcdiv(x, -1.0, m[i], denom);
        }
        self.k += 1;
    }
}

impl UpdateRule for DAdaptAdam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.v, &self.s])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Step 1: s = 0, so a = 0 and d̂ = 0: d stays d0 and the step is
    /// m/(sqrt(v) + eps) = dlr·(1−β1)·g / (sqrt(1−β2)·|g| + eps).
    /// Step 2 (same g): a = dlr·g·s/(sqrt(v) + eps) > 0, so d grows to d̂.
    #[test]
    fn distance_estimate_by_hand() {
        let c = DAdaptAdamConfig {
            beta1: 0.5,
            beta2: 0.81,
            eps: 1e-300,
            ..DAdaptAdamConfig::default()
        };
        let mut o = DAdaptAdam::new(c, 1);
        let mut x = [1.0];
        o.update(&mut x, &[2.0], 1.0);
        assert_eq!(o.d(), 1e-6);
        // m = 1e-6·0.5·2 = 1e-6, v = 0.19·4 = 0.76.
        assert_close(x[0], 1.0 - 1e-6 / 0.76f64.sqrt());
        let beta = 0.81f64.sqrt();
        let s1 = 1e-6 * (1.0 - beta) * 2.0;
        o.update(&mut x, &[2.0], 1.0);
        let a = 1e-6 * 2.0 * (s1 / 0.76f64.sqrt());
        let s2 = beta * s1 + 1e-6 * (1.0 - beta) * 2.0;
        let d_hat = (1.0 - beta) * a / ((1.0 - beta) * s2);
        assert!(d_hat > 1e-6);
        assert_close(o.d(), d_hat);
    }
}
