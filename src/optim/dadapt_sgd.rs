//! `dadapt_sgd`: exactly `dadaptation.DAdaptSGD` of the `dadaptation` package 3.2 (Defazio
//! and Mishchenko 2023, "Learning-Rate-Free Learning by D-Adaptation"): dual averaging whose
//! step d·lr/‖g_0‖ grows with a lower bound d on the distance to the solution. The lr
//! (default 1) multiplies the step; schedules scale it as they scale any lr.
//!
//! All parameters form one group (the package sums over every parameter of it). Per step, with
//! g the gradient plus weight_decay·x, x0 the start, ‖g_0‖ the norm of the first gradient
//! (without the decay, as the package computes it) and c = 1 − momentum:
//!
//! ```text
//! dlr = d·lr/‖g_0‖
//! num += dlr·⟨g, s⟩;   s += dlr·g
//! d̂ = 2·num/‖s‖₂;   d = max(d, min(d̂, d·growth_rate))
//! x = (1 − c)·x + c·(x0 − s)
//! ```
//!
//! A step with s = 0 leaves x, d, num and the step count as they were (the package's early
//! return). Where the package fails, this method does nothing: a first gradient of norm 0 (the
//! package divides by it) and a scheduled lr of 0 (the package reads an unset variable) leave
//! every state as it was.
//!
//! Rounding: the elementwise operations round as the package's torch calls do. The global
//! reductions (‖g_0‖², ‖s‖² by torch's vectorized sum, ⟨g, s⟩ by its BLAS dot) add in an order
//! torch chooses, which is not reproduced; they are summed left to right here, so d agrees
//! with the package's to a few ulps rather than bit for bit.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, fused};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "dadapt_sgd",
    summary: "dual averaging with a D-Adaptation distance bound (learning-rate free)",
    reference: "dadaptation 3.2 DAdaptSGD (Defazio, Mishchenko 2023)",
    keys: &[
        Key::float(
            "lr",
            1.0,
            Range::POSITIVE,
            "multiplies the adapted step (1: no tuning)",
        ),
        Key::float(
            "momentum",
            0.0,
            Range::UNIT_HALF_OPEN,
            "x moves to x0 - s by the fraction 1 - momentum",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "L2 penalty: weight_decay·x is added to the gradient",
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

/// Configuration of [`DAdaptSgd`]; defaults are the package's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DAdaptSgdConfig {
    /// Multiplier of the adapted step, > 0 (default 1).
    pub lr: f64,
    /// Momentum in [0, 1) (default 0: x = x0 − s).
    pub momentum: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Initial estimate, > 0 (default 1e-6).
    pub d0: f64,
    /// Largest growth factor of d per step (default: unbounded).
    pub growth_rate: Option<f64>,
}

impl Default for DAdaptSgdConfig {
    fn default() -> Self {
        DAdaptSgdConfig {
            lr: 1.0,
            momentum: 0.0,
            weight_decay: 0.0,
            d0: 1e-6,
            growth_rate: None,
        }
    }
}

impl OptimizerConfig for DAdaptSgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    /// Learning-rate-free: estimates its own step size (lr is a multiplier, 1 by default).
    fn needs_no_tuning(&self) -> bool {
        true
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(DAdaptSgd::new(self.clone(), dim)))
    }
}

/// D-Adapt SGD state: the start, the sum s and the scalar estimate.
#[derive(Debug, Clone)]
pub struct DAdaptSgd {
    config: DAdaptSgdConfig,
    s: Vec<f64>,
    x0: Vec<f64>,
    started: bool,
    g0_norm: f64,
    d: f64,
    numerator: f64,
    k: u64,
}

impl DAdaptSgd {
    /// D-Adapt SGD for `dim` parameters.
    pub fn new(config: DAdaptSgdConfig, dim: usize) -> Self {
        DAdaptSgd {
            s: vec![0.0; dim],
            x0: vec![0.0; dim],
            started: false,
            g0_norm: 0.0,
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
        let DAdaptSgdConfig {
            momentum,
            weight_decay: wd,
            growth_rate,
            ..
        } = self.config;
        if lr <= 0.0 {
            return;
        }
        let growth_rate = growth_rate.unwrap_or(f64::INFINITY);
        let n = params.len();
        let (grad, s, x0) = (&grad[..n], &mut self.s[..n], &mut self.x0[..n]);
        if self.k == 0 {
            let g_sq: f64 = grad.iter().map(|g| g * g).sum();
            self.g0_norm = g_sq.sqrt();
            if self.g0_norm == 0.0 {
                return;
            }
        }
        if !self.started {
            x0.copy_from_slice(params);
            self.started = true;
        }
        let d = self.d;
        let dlr = d * lr / self.g0_norm;
        let mut dot = 0.0;
        let mut sk_sq = 0.0;
        for i in 0..n {
            let g = if wd != 0.0 {
                add_scaled(grad[i], wd, params[i])
            } else {
                grad[i]
            };
            dot += g * s[i];
            s[i] = add_scaled(s[i], dlr, g);
            sk_sq += s[i] * s[i];
        }
        let numerator = self.numerator + dlr * dot;
        let d_hat = 2.0 * numerator / sk_sq.sqrt();
        // Python's max(d, min(d̂, d·growth)): the second argument only when strictly
        // larger/smaller.
        let grown = d * growth_rate;
        let capped = if grown < d_hat { grown } else { d_hat };
        let d = if capped > d { capped } else { d };
        if sk_sq == 0.0 {
            return;
        }
        self.numerator = numerator;
        self.d = d;
        let ck = 1.0 - momentum;
        let keep = 1.0 - ck;
        for i in 0..n {
            let z = x0[i] - s[i];
            params[i] = add_scaled(params[i] * keep, ck, z);
        }
        self.k += 1;
    }
}

impl UpdateRule for DAdaptSgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.s, &self.x0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Step 1 (g = (3, 4), ‖g‖ = 5): dlr = d0/5 = 2e-7, s = (6e-7, 8e-7), num = 0 → d̂ = 0, so d
    /// stays d0; x = x0 − s. Step 2 with g = (30, 40): num = 2e-7·⟨g, s⟩ = 2e-7·5e-5 = 1e-11,
    /// s = 11·s_1 (‖s‖ = 1.1e-5), d̂ = 2e-11/1.1e-5 > d0.
    #[test]
    fn dual_averaging_by_hand() {
        let mut o = DAdaptSgd::new(DAdaptSgdConfig::default(), 2);
        let mut x = [1.0, 1.0];
        o.update(&mut x, &[3.0, 4.0], 1.0);
        assert_eq!(o.d(), 1e-6);
        assert_close(x[0], 1.0 - 6e-7);
        assert_close(x[1], 1.0 - 8e-7);
        o.update(&mut x, &[30.0, 40.0], 1.0);
        assert_close(o.d(), 2e-11 / 1.1e-5);
        assert_close(x[0], 1.0 - 11.0 * 6e-7);
    }

    /// An lr of 0 and a zero first gradient do nothing (the package fails on both).
    #[test]
    fn degenerate_steps_do_nothing() {
        let mut o = DAdaptSgd::new(DAdaptSgdConfig::default(), 1);
        let mut x = [1.0];
        o.update(&mut x, &[0.0], 1.0);
        o.update(&mut x, &[1.0], 0.0);
        assert_eq!((x[0], o.k), (1.0, 0));
        o.update(&mut x, &[1.0], 1.0);
        assert_close(x[0], 1.0 - 1e-6);
    }
}
