//! `rmsprop`: exactly `torch.optim.RMSprop` (no bias correction, eps outside the root).
//!
//! ```text
//! g = ∇f(x) + weight_decay·x
//! v = α·v + (1−α)·g²
//! centered:  m = lerp(m, g, 1−α);  a = sqrt(v − m²) + eps
//! else:      a = sqrt(v) + eps
//! momentum μ > 0:  b = μ·b + g/a;  x -= lr·b
//! else:            x -= lr·g/a
//! ```

use serde::{Deserialize, Serialize};

use super::{
    Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, ema_square, fused, keys, lerp,
};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "rmsprop",
    summary: "gradient divided by the root of an EMA of squared gradients",
    reference: "torch.optim.RMSprop",
    keys: &[
        keys::lr(0.01),
        Key::float(
            "alpha",
            0.99,
            Range::UNIT_CLOSED,
            "EMA coefficient of squared gradients (the lecture's β)",
        ),
        Key::float(
            "eps",
            1e-8,
            Range::NON_NEGATIVE,
            "added to the root (outside it)",
        ),
        keys::L2_WEIGHT_DECAY,
        Key::float(
            "momentum",
            0.0,
            Range::UNIT_HALF_OPEN,
            "momentum on the normalised step (0 = none)",
        ),
        Key::bool(
            "centered",
            false,
            "subtract the squared EMA of g inside the root (variance estimate)",
        ),
    ],
};

/// Configuration of [`RmsProp`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RmsPropConfig {
    /// Learning rate, > 0 (default 0.01).
    pub lr: f64,
    /// EMA coefficient α in [0, 1] (default 0.99).
    pub alpha: f64,
    /// Outside the root, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Momentum μ in [0, 1) (default 0).
    pub momentum: f64,
    /// Centered variant (default false).
    pub centered: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        RmsPropConfig {
            lr: 0.01,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
        }
    }
}

impl OptimizerConfig for RmsPropConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(RmsProp::new(self.clone(), dim)))
    }
}

/// RMSprop state: squared-gradient EMA, and gradient EMA (centered) and momentum buffer
/// only when those options are on.
#[derive(Debug, Clone)]
pub struct RmsProp {
    config: RmsPropConfig,
    square_avg: Vec<f64>,
    grad_avg: Vec<f64>,
    buf: Vec<f64>,
}

impl RmsProp {
    /// RMSprop for `dim` parameters.
    pub fn new(config: RmsPropConfig, dim: usize) -> Self {
        let sized = |on: bool| if on { vec![0.0; dim] } else { Vec::new() };
        RmsProp {
            square_avg: vec![0.0; dim],
            grad_avg: sized(config.centered),
            buf: sized(config.momentum > 0.0),
            config,
        }
    }
}

impl UpdateRule for RmsProp {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        match (self.config.centered, self.config.momentum > 0.0) {
            (false, false) => fused!(self.kernel::<false, false>(params, grad, lr)),
            (false, true) => fused!(self.kernel::<false, true>(params, grad, lr)),
            (true, false) => fused!(self.kernel::<true, false>(params, grad, lr)),
            (true, true) => fused!(self.kernel::<true, true>(params, grad, lr)),
        }
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.square_avg, &self.grad_avg, &self.buf])
    }
}

impl RmsProp {
    /// One pass over the state; the options are compile-time constants so each variant is a
    /// straight loop the compiler can vectorize.
    #[inline(always)]
    fn kernel<const CENTERED: bool, const MOMENTUM: bool>(
        &mut self,
        params: &mut [f64],
        grad: &[f64],
        lr: f64,
    ) {
        let RmsPropConfig {
            alpha,
            eps,
            weight_decay: wd,
            momentum: mu,
            ..
        } = self.config;
        let n = params.len();
        let grad = &grad[..n];
        let square_avg = &mut self.square_avg[..n];
        let grad_avg = if CENTERED {
            &mut self.grad_avg[..n]
        } else {
            &mut [][..]
        };
        let buf = if MOMENTUM {
            &mut self.buf[..n]
        } else {
            &mut [][..]
        };
        for i in 0..n {
            let x = params[i];
            let g = if wd != 0.0 {
                add_scaled(grad[i], wd, x)
            } else {
                grad[i]
            };
            let v = ema_square(square_avg[i], alpha, g);
            square_avg[i] = v;
            let a = if CENTERED {
                let m = lerp(grad_avg[i], g, 1.0 - alpha);
                grad_avg[i] = m;
                (-m).mul_add(m, v).sqrt() + eps
            } else {
                v.sqrt() + eps
            };
            params[i] = if MOMENTUM {
                let b = addcdiv(buf[i] * mu, 1.0, g, a);
                buf[i] = b;
                add_scaled(x, -lr, b)
            } else {
                addcdiv(x, -lr, g, a)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// α = 0.5, eps = 0, g = 2 from x = 0, lr = 1:
    /// plain:    v = 2,  x = −2/sqrt(2)
    /// centered: v = 2, m = 1, a = sqrt(2 − 1) = 1, x = −2
    /// momentum 0.5, two steps: v = 2, 3; b = 2/sqrt2, 0.5·b + 2/sqrt3.
    #[test]
    fn variants_by_hand() {
        let base = RmsPropConfig {
            lr: 1.0,
            alpha: 0.5,
            eps: 0.0,
            ..RmsPropConfig::default()
        };
        let mut plain = RmsProp::new(base.clone(), 1);
        let mut x = [0.0];
        plain.update(&mut x, &[2.0], 1.0);
        assert_close(x[0], -2.0 / 2f64.sqrt());

        let mut centered = RmsProp::new(
            RmsPropConfig {
                centered: true,
                ..base.clone()
            },
            1,
        );
        let mut x = [0.0];
        centered.update(&mut x, &[2.0], 1.0);
        assert_close(x[0], -2.0);

        let mut mom = RmsProp::new(
            RmsPropConfig {
                momentum: 0.5,
                ..base
            },
            1,
        );
        let mut x = [0.0];
        mom.update(&mut x, &[2.0], 1.0);
        let b1 = 2.0 / 2f64.sqrt();
        assert_close(x[0], -b1);
        mom.update(&mut x, &[2.0], 1.0);
        let b2 = 0.5 * b1 + 2.0 / 3f64.sqrt();
        assert_close(x[0], -b1 - b2);
    }
}
