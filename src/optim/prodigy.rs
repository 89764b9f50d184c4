//! `prodigy`: exactly `prodigyopt.Prodigy` of the `prodigyopt` package 1.1.2 (Mishchenko and
//! Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner"): Adam whose
//! step is scaled by an estimate d of the distance to the solution, grown from `d0`.
//! The lr (default 1) multiplies that step; schedules scale it as they scale any lr.
//!
//! All parameters form one group (the package's estimate sums over every parameter of it).
//! Per step, with g the gradient (plus weight_decay·x unless `decouple`), x0 the start and
//! s, x0 taken on every `slice_p`-th coordinate only:
//!
//! ```text
//! dlr = d·lr·(bias correction sqrt(1−β2^(k+1))/(1−β1^(k+1)) if use_bias_correction)
//! num = β3·num + (d/d0)·dlr·⟨g, x0 − x⟩
//! m = β1·m + d·(1−β1)·g;   v = β2·v + d²·(1−β2)·g²
//! s = β3·s + (d/d0)·dlr·g            (safeguard_warmup: (d/d0)·d·g)
//! d̂ = d_coef·num / ‖s‖₁;  d = max(d, d̂) on the first growth;  d_max = max(d_max, d̂)
//! d = min(d_max, d·growth_rate)
//! decouple: x -= weight_decay·dlr·x;   x -= dlr·m / (sqrt(v) + d·eps)   (β1 = 0: dlr·d·g)
//! ```
//!
//! (dlr is the one computed before d changes.) A step with ‖s‖₁ = 0 (no gradient yet, or an lr
//! of 0) leaves x, d, num and the step count as they were, as the package's early return does.
//!
//! Rounding: the elementwise operations round as the package's torch calls do. The two global
//! reductions (⟨g, x0 − x⟩ by torch's BLAS dot, ‖s‖₁ by torch's vectorized sum) add in an
//! order torch chooses, which is not reproduced; they are summed left to right here, so d
//! agrees with the package's to a few ulps rather than bit for bit.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, addcmul, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "prodigy",
    summary: "Adam with its step size estimated from the distance travelled (learning-rate free)",
    reference: "prodigyopt 1.1.2 Prodigy (Mishchenko, Defazio 2024)",
    keys: &[
        Key::float(
            "lr",
            1.0,
            Range::POSITIVE,
            "multiplies the adapted step (1: no tuning)",
        ),
        keys::BETA1,
        keys::BETA2,
        Key::derived(
            "beta3",
            "sqrt(beta2)",
            Range::UNIT_HALF_OPEN,
            "EMA coefficient of the distance estimate's sums",
        ),
        Key::float(
            "eps",
            1e-8,
            Range::POSITIVE,
            "d·eps is added to the root (outside it)",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "weight decay (decoupled or L2, see decouple)",
        ),
        Key::bool(
            "decouple",
            true,
            "decoupled decay x -= weight_decay·d·lr·x (false: L2, added to the gradient)",
        ),
        Key::bool(
            "use_bias_correction",
            false,
            "Adam's bias correction in the step size",
        ),
        Key::bool(
            "safeguard_warmup",
            false,
            "leave lr out of the distance estimate's denominator",
        ),
        Key::float("d0", 1e-6, Range::POSITIVE, "initial distance estimate d"),
        Key::float(
            "d_coef",
            1.0,
            Range::POSITIVE,
            "multiplies the distance estimate",
        ),
        Key::derived(
            "growth_rate",
            "inf: unbounded",
            Range::POSITIVE,
            "d grows by at most this factor per step",
        ),
        Key::int(
            "slice_p",
            1,
            1,
            1_000_000,
            "estimate d from every slice_p-th coordinate only",
        ),
    ],
};

/// Configuration of [`Prodigy`]; defaults are the package's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProdigyConfig {
    /// Multiplier of the adapted step, > 0 (default 1).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9; 0 keeps no first moment).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// EMA coefficient of the estimate's sums in [0, 1) (default: sqrt(beta2)).
    pub beta3: Option<f64>,
    /// Scaled by d, outside the root, > 0 (default 1e-8).
    pub eps: f64,
    /// Weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Decoupled (AdamW-style) weight decay (default true).
    pub decouple: bool,
    /// Adam's bias correction in the step (default false).
    pub use_bias_correction: bool,
    /// Leave lr out of the estimate's denominator (default false).
    pub safeguard_warmup: bool,
    /// Initial estimate, > 0 (default 1e-6).
    pub d0: f64,
    /// Multiplier of the estimate, > 0 (default 1).
    pub d_coef: f64,
    /// Largest growth factor of d per step (default: unbounded).
    pub growth_rate: Option<f64>,
    /// Stride of the coordinates the estimate uses, ≥ 1 (default 1: all).
    pub slice_p: u32,
}

impl Default for ProdigyConfig {
    fn default() -> Self {
        ProdigyConfig {
            lr: 1.0,
            beta1: 0.9,
            beta2: 0.999,
            beta3: None,
            eps: 1e-8,
            weight_decay: 0.0,
            decouple: true,
            use_bias_correction: false,
            safeguard_warmup: false,
            d0: 1e-6,
            d_coef: 1.0,
            growth_rate: None,
            slice_p: 1,
        }
    }
}

impl OptimizerConfig for ProdigyConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    /// Learning-rate-free: estimates its own step size (lr is a multiplier, 1 by default).
    fn needs_no_tuning(&self) -> bool {
        true
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Prodigy::new(self.clone(), dim)))
    }
}

/// Prodigy state: the moments, the sliced start and sum s, and the scalar estimate.
#[derive(Debug, Clone)]
pub struct Prodigy {
    config: ProdigyConfig,
    /// First moment (empty when β1 = 0).
    m: Vec<f64>,
    v: Vec<f64>,
    /// s and x0 on the coordinates 0, p, 2p, … (p = slice_p).
    s: Vec<f64>,
    x0: Vec<f64>,
    started: bool,
    d: f64,
    d_max: f64,
    numerator: f64,
    k: u64,
}

impl Prodigy {
    /// Prodigy for `dim` parameters.
    pub fn new(config: ProdigyConfig, dim: usize) -> Self {
        let sliced = dim.div_ceil(config.slice_p as usize);
        let m = if config.beta1 > 0.0 {
            vec![0.0; dim]
        } else {
            Vec::new()
        };
        Prodigy {
            m,
            v: vec![0.0; dim],
            s: vec![0.0; sliced],
            x0: vec![0.0; sliced],
            started: false,
            d: config.d0,
            d_max: config.d0,
            numerator: 0.0,
            k: 0,
            config,
        }
    }

    /// The distance estimate d.
    pub fn d(&self) -> f64 {
        self.d
    }

    // Indexed loops: the first moment is absent when β1 = 0, and the sliced sums stride.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let ProdigyConfig {
            beta1,
            beta2,
            beta3,
            eps,
            weight_decay: wd,
            decouple,
            use_bias_correction,
            safeguard_warmup,
            d0,
            d_coef,
            growth_rate,
            slice_p,
            ..
        } = self.config;
        let beta3 = beta3.unwrap_or_else(|| beta2.sqrt());
        let growth_rate = growth_rate.unwrap_or(f64::INFINITY);
        let p = slice_p as usize;
        let n = params.len();
        let grad = &grad[..n];
        let l2 = if wd != 0.0 && !decouple { wd } else { 0.0 };
        // The gradient the package uses (its L2 decay is applied to p.grad in place).
        let g = |i: usize, x: f64| {
            if l2 != 0.0 {
                add_scaled(grad[i], l2, x)
            } else {
                grad[i]
            }
        };
        if !self.started {
            for (x0, &x) in self.x0.iter_mut().zip(params.iter().step_by(p)) {
                *x0 = x;
            }
            self.started = true;
        }
        let t = (self.k + 1) as f64;
        let bias_correction = if use_bias_correction {
            (1.0 - beta2.powf(t)).powf(0.5) / (1.0 - beta1.powf(t))
        } else {
            1.0
        };
        let d = self.d;
        let dlr = d * lr * bias_correction;
        let numerator = self.numerator * beta3;
        let mut delta_numerator = 0.0;
        let mut d_denom = 0.0;
        if lr > 0.0 {
            let mut dot = 0.0;
            for (j, i) in (0..n).step_by(p).enumerate() {
                dot += g(i, params[i]) * (self.x0[j] - params[i]);
            }
            delta_numerator += (d / d0) * dlr * dot;
            let m_scale = d * (1.0 - beta1);
            let v_scale = d * d * (1.0 - beta2);
            for i in 0..n {
                let gi = g(i, params[i]);
                if beta1 > 0.0 {
                    self.m[i] = add_scaled(self.m[i] * beta1, m_scale, gi);
                }
                self.v[i] = addcmul(self.v[i] * beta2, v_scale, gi, gi);
            }
            let s_scale = if safeguard_warmup {
                (d / d0) * d
            } else {
                (d / d0) * dlr
            };
            let mut l1 = 0.0;
            for (j, i) in (0..n).step_by(p).enumerate() {
                self.s[j] = add_scaled(self.s[j] * beta3, s_scale, g(i, params[i]));
                l1 += self.s[j].abs();
            }
            d_denom += l1;
        }
        if d_denom == 0.0 {
            return;
        }
        let numerator = numerator + delta_numerator;
        let d_hat = d_coef * numerator / d_denom;
        let mut d = d;
        // Python's max/min: the second argument only when strictly larger/smaller.
        if d == d0 && d_hat > d {
            d = d_hat;
        }
        if d_hat > self.d_max {
            self.d_max = d_hat;
        }
        let grown = d * growth_rate;
        d = if grown < self.d_max {
            grown
        } else {
            self.d_max
        };
        self.numerator = numerator;
        self.d = d;

        let decay = if wd != 0.0 && decouple {
            -wd * dlr
        } else {
            0.0
        };
        let d_eps = d * eps;
        for i in 0..n {
            let denom = self.v[i].sqrt() + d_eps;
            let mut x = params[i];
            if beta1 > 0.0 {
                if decay != 0.0 {
                    x = add_scaled(x, decay, x);
                }
                params[i] = addcdiv(x, -dlr, self.m[i], denom);
            } else {
                let gi = g(i, x);
                if decay != 0.0 {
                    x = add_scaled(x, decay, x);
                }
                params[i] = addcdiv(x, -dlr * d, gi, denom);
            }
        }
        self.k += 1;
    }
}

impl UpdateRule for Prodigy {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.v, &self.s, &self.x0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Step 1 from x = x0: ⟨g, x0 − x⟩ = 0, so d̂ = 0 and d stays d0 = 1e-6; with β1 = 0,
    /// v = d²·(1−β2)·g², the step is dlr·d·g/(d·sqrt(1−β2)·|g| + d·eps) ≈ lr·d/sqrt(1−β2).
    /// Step 2: num = (d/d0)·dlr·g·(x0 − x1) > 0 grows d to d̂ = num/|s|.
    #[test]
    fn distance_estimate_by_hand() {
        let c = ProdigyConfig {
            beta1: 0.0,
            beta2: 0.75,
            eps: 0.0,
            ..ProdigyConfig::default()
        };
        let mut o = Prodigy::new(c, 1);
        let mut x = [1.0];
        o.update(&mut x, &[2.0], 1.0);
        assert_eq!(o.d(), 1e-6);
        // denom = sqrt(1e-12·0.25·4) = 1e-6; step = 1e-6·1e-6·2/1e-6 = 2e-6.
        assert_close(x[0], 1.0 - 2e-6);
        // beta3 = sqrt(0.75); s_1 = 1·1e-6·2 = 2e-6.
        let s1 = 2e-6;
        let num = 1e-6 * 2.0 * (1.0 - x[0]);
        o.update(&mut x, &[2.0], 1.0);
        let beta3 = 0.75f64.sqrt();
        let s2 = beta3 * s1 + 1e-6 * 2.0;
        assert_close(o.d(), num / s2);
    }

    /// The first step of a zero gradient does nothing (the package returns early).
    #[test]
    fn zero_gradient_is_a_no_op() {
        let mut o = Prodigy::new(ProdigyConfig::default(), 2);
        let mut x = [1.0, -1.0];
        o.update(&mut x, &[0.0, 0.0], 1.0);
        assert_eq!(x, [1.0, -1.0]);
        assert_eq!(o.k, 0);
    }
}
