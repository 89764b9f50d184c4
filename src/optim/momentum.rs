//! `momentum`: the lecture's exponential-moving-average momentum (not in torch).
//!
//! ```text
//! V_t = β·V_{t-1} + (1 − β)·g_t,   V_0 = 0
//! x  -= lr·V_t                       (bias_correction: lr·V_t / (1 − β^t))
//! ```
//! Without bias correction this equals torch `SGD(lr·(1−β), momentum=β)` up to rounding.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "momentum",
    summary: "the lecture's EMA momentum: V = βV + (1-β)g, x -= lr·V",
    reference: "lecture \"Gradients and Optimization\" (EMA form, V_0 = 0)",
    keys: &[
        keys::lr(0.01),
        Key::float(
            "beta",
            0.9,
            Range::UNIT_HALF_OPEN,
            "EMA coefficient β of the velocity",
        ),
        Key::bool(
            "bias_correction",
            false,
            "divide V_t by 1-β^t (Adam-style) before the step",
        ),
    ],
};

/// Configuration of [`Momentum`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentumConfig {
    /// Learning rate, > 0 (default 0.01).
    pub lr: f64,
    /// EMA coefficient β in [0, 1) (default 0.9).
    pub beta: f64,
    /// Divide the velocity by 1 − β^t (default false).
    pub bias_correction: bool,
}

impl Default for MomentumConfig {
    fn default() -> Self {
        MomentumConfig {
            lr: 0.01,
            beta: 0.9,
            bias_correction: false,
        }
    }
}

impl OptimizerConfig for MomentumConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Momentum::new(self.clone(), dim)))
    }
}

/// Lecture momentum state: the velocity V and the update count.
#[derive(Debug, Clone)]
pub struct Momentum {
    config: MomentumConfig,
    velocity: Vec<f64>,
    t: u64,
}

impl Momentum {
    /// Lecture momentum for `dim` parameters.
    pub fn new(config: MomentumConfig, dim: usize) -> Self {
        Momentum {
            config,
            velocity: vec![0.0; dim],
            t: 0,
        }
    }
}

impl UpdateRule for Momentum {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let beta = self.config.beta;
        let step = if self.config.bias_correction {
            lr / (1.0 - beta.powf(self.t as f64))
        } else {
            lr
        };
        for ((x, &g), v) in params.iter_mut().zip(grad).zip(self.velocity.iter_mut()) {
            *v = beta * *v + (1.0 - beta) * g;
            *x -= step * *v;
        }
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.velocity])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Three updates on a constant gradient g = 1, lr = 1, β = 0.5, from x = 0:
    /// V = 0.5, 0.75, 0.875, so x = −0.5, −1.25, −2.125.
    /// With bias correction V̂ = 0.5/0.5, 0.75/0.75, 0.875/0.875 = 1 each: x = −1, −2, −3.
    #[test]
    fn ema_velocity_from_zero() {
        for (bias_correction, expected) in
            [(false, [-0.5, -1.25, -2.125]), (true, [-1.0, -2.0, -3.0])]
        {
            let mut m = Momentum::new(
                MomentumConfig {
                    lr: 1.0,
                    beta: 0.5,
                    bias_correction,
                },
                1,
            );
            let mut x = [0.0];
            for e in expected {
                m.update(&mut x, &[1.0], 1.0);
                assert_close(x[0], e);
            }
        }
    }

    /// On f = x²/2 from x = 1 with lr = 0.1, β = 0.9: V1 = 0.1, x1 = 0.99;
    /// V2 = 0.09 + 0.099 = 0.189, x2 = 0.99 − 0.0189 = 0.9711.
    #[test]
    fn two_steps_on_a_quadratic() {
        let mut m = Momentum::new(
            MomentumConfig {
                lr: 0.1,
                ..MomentumConfig::default()
            },
            1,
        );
        let mut x = [1.0];
        m.update(&mut x, &[1.0], 0.1);
        assert_close(x[0], 0.99);
        let g = [x[0]];
        m.update(&mut x, &g, 0.1);
        assert_close(x[0], 0.9711);
    }
}
