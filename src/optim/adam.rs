//! `adam`: exactly `torch.optim.Adam` (L2 weight decay, optional AMSGrad). The same kernel,
//! with decoupled weight decay, serves `adamw`.
//!
//! ```text
//! g = ∇f(x) + weight_decay·x           (adamw instead: x ← x·(1 − lr·weight_decay) first)
//! m = lerp(m, g, 1−β1);  v = β2·v + (1−β2)·g²
//! amsgrad: v_max = max(v_max, v), used in place of v
//! x -= (lr / (1−β1^t)) · m / (sqrt(v)/sqrt(1−β2^t) + eps)
//! ```

use serde::{Deserialize, Serialize};

use super::{
    Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, ema_square, fused, keys, lerp,
    maximum,
};
use crate::spec::{EntryInfo, Key, Range};

/// The keys shared by adam and adamw; only the weight-decay default and meaning differ.
macro_rules! adam_keys {
    ($wd_default:expr, $wd_doc:expr) => {
        &[
            keys::lr(1e-3),
            Key::float(
                "beta1",
                0.9,
                Range::UNIT_HALF_OPEN,
                "EMA coefficient of the gradient (first moment)",
            ),
            Key::float(
                "beta2",
                0.999,
                Range::UNIT_HALF_OPEN,
                "EMA coefficient of the squared gradient (second moment)",
            ),
            Key::float(
                "eps",
                1e-8,
                Range::NON_NEGATIVE,
                "added to the bias-corrected root (outside it)",
            ),
            Key::float("weight_decay", $wd_default, Range::NON_NEGATIVE, $wd_doc),
            Key::bool(
                "amsgrad",
                false,
                "normalise by the running maximum of the second moment",
            ),
        ]
    };
}
pub(super) use adam_keys;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adam",
    summary: "bias-corrected EMAs of gradient and squared gradient",
    reference: "torch.optim.Adam",
    keys: adam_keys!(0.0, "L2 penalty: weight_decay·x is added to the gradient"),
};

/// Configuration of [`Adam`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdamConfig {
    /// Learning rate, > 0 (default 1e-3).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Outside the root, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// Weight decay ≥ 0 (default 0 for adam: L2; 0.01 for adamw: decoupled).
    pub weight_decay: f64,
    /// AMSGrad variant (default false).
    pub amsgrad: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
        }
    }
}

impl OptimizerConfig for AdamConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Adam::new(self.clone(), false, dim)))
    }
}

/// Adam state: first and second moments, and the running maximum for AMSGrad.
#[derive(Debug, Clone)]
pub struct Adam {
    config: AdamConfig,
    decoupled: bool,
    m: Vec<f64>,
    v: Vec<f64>,
    v_max: Vec<f64>,
    t: u64,
}

impl Adam {
    /// Adam for `dim` parameters; `decoupled` selects AdamW's weight decay.
    pub fn new(config: AdamConfig, decoupled: bool, dim: usize) -> Self {
        let v_max = if config.amsgrad {
            vec![0.0; dim]
        } else {
            Vec::new()
        };
        Adam {
            config,
            decoupled,
            m: vec![0.0; dim],
            v: vec![0.0; dim],
            v_max,
            t: 0,
        }
    }

    #[inline(always)]
    fn kernel<const AMSGRAD: bool>(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let AdamConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            ..
        } = self.config;
        let t = self.t as f64;
        let step_size = lr / (1.0 - beta1.powf(t));
        let bc2_sqrt = (1.0 - beta2.powf(t)).powf(0.5);
        let (l2, shrink) = match (wd != 0.0, self.decoupled) {
            (true, false) => (wd, 1.0),
            (true, true) => (0.0, 1.0 - lr * wd),
            (false, _) => (0.0, 1.0),
        };
        let n = params.len();
        let (grad, m, v) = (&grad[..n], &mut self.m[..n], &mut self.v[..n]);
        let v_max = if AMSGRAD {
            &mut self.v_max[..n]
        } else {
            &mut [][..]
        };
        for i in 0..n {
            let x = if shrink != 1.0 {
                params[i] * shrink
            } else {
                params[i]
            };
            let g = if l2 != 0.0 {
                add_scaled(grad[i], l2, x)
            } else {
                grad[i]
            };
            m[i] = lerp(m[i], g, 1.0 - beta1);
            v[i] = ema_square(v[i], beta2, g);
            let second = if AMSGRAD {
                v_max[i] = maximum(v_max[i], v[i]);
                v_max[i]
            } else {
                v[i]
            };
            let denom = second.sqrt() / bc2_sqrt + eps;
            params[i] = addcdiv(x, -step_size, m[i], denom);
        }
    }
}

impl UpdateRule for Adam {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        if self.config.amsgrad {
            fused!(self.kernel::<true>(params, grad, lr))
        } else {
            fused!(self.kernel::<false>(params, grad, lr))
        }
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m, &self.v, &self.v_max])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// g = 1 at t = 1: m = 0.1, v = 0.001; m̂ = 1, v̂ = 1; step = lr·1/(1+eps).
    #[test]
    fn first_step_is_lr_in_sign_direction() {
        let mut a = Adam::new(AdamConfig::default(), false, 1);
        let mut x = [0.0];
        a.update(&mut x, &[1.0], 0.1);
        assert_close(x[0], -0.1 / (1.0 + 1e-8));
    }

    /// Two steps with β1 = β2 = 0.5, eps = 0, lr = 1, g = 2 then 1:
    /// t=1: m = 1, v = 2, m̂ = 2, v̂ = 4 → x = −1.
    /// t=2: m = 1, v = 1.5, m̂ = 1/0.75, v̂ = 1.5/0.75 = 2 → x = −1 − (4/3)/sqrt2.
    /// AMSGrad keeps v_max = 2 at t=2: v̂ = 2/0.75 → x = −1 − (4/3)/sqrt(8/3).
    #[test]
    fn two_steps_by_hand() {
        for (amsgrad, second) in [(false, 2f64.sqrt()), (true, (8.0f64 / 3.0).sqrt())] {
            let c = AdamConfig {
                lr: 1.0,
                beta1: 0.5,
                beta2: 0.5,
                eps: 0.0,
                amsgrad,
                ..AdamConfig::default()
            };
            let mut a = Adam::new(c, false, 1);
            let mut x = [0.0];
            a.update(&mut x, &[2.0], 1.0);
            assert_close(x[0], -1.0);
            a.update(&mut x, &[1.0], 1.0);
            assert_close(x[0], -1.0 - (4.0 / 3.0) / second);
        }
    }

    /// Decoupled decay shrinks x before the step; L2 adds wd·x to the gradient.
    #[test]
    fn weight_decay_forms() {
        let c = AdamConfig {
            lr: 0.5,
            weight_decay: 0.1,
            eps: 0.0,
            ..AdamConfig::default()
        };
        let mut w = Adam::new(c.clone(), true, 1);
        let mut x = [2.0];
        w.update(&mut x, &[1.0], 0.5);
        assert_close(x[0], 2.0 * (1.0 - 0.05) - 0.5);
        let mut l2 = Adam::new(c, false, 1);
        let mut x = [2.0];
        // g = 0 + 0.1·2 = 0.2 > 0: the first Adam step moves by lr regardless of |g|.
        l2.update(&mut x, &[0.0], 0.5);
        assert_close(x[0], 1.5);
    }
}
