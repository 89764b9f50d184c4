//! `adagrad`: exactly `torch.optim.Adagrad`, plus the lecture's ablation without the square root.
//!
//! ```text
//! g   = ∇f(x) + weight_decay·x
//! G  += g²                              (G starts at initial_accumulator_value)
//! clr = lr / (1 + (t−1)·lr_decay)
//! x  -= clr · g / (sqrt(G) + eps)       (sqrt=false: clr · g / (G + eps), not in torch)
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, addcdiv, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adagrad",
    summary: "per-coordinate lr divided by the root of the summed squared gradients",
    reference: "torch.optim.Adagrad (sqrt=false: the lecture's ablation, not in torch)",
    keys: &[
        keys::lr(0.01),
        Key::float(
            "lr_decay",
            0.0,
            Range::NON_NEGATIVE,
            "lr is divided by 1 + (t-1)·lr_decay, on top of any schedule",
        ),
        keys::L2_WEIGHT_DECAY,
        Key::float(
            "initial_accumulator_value",
            0.0,
            Range::NON_NEGATIVE,
            "starting value of the squared-gradient sum G",
        ),
        Key::float(
            "eps",
            1e-10,
            Range::NON_NEGATIVE,
            "added to sqrt(G) (outside the root)",
        ),
        Key::bool(
            "sqrt",
            true,
            "false: divide by G + eps instead of sqrt(G) + eps (lecture ablation)",
        ),
    ],
};

/// Configuration of [`Adagrad`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdagradConfig {
    /// Learning rate, > 0 (default 0.01).
    pub lr: f64,
    /// lr decay per update ≥ 0 (default 0).
    pub lr_decay: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
    /// Initial value of the accumulator ≥ 0 (default 0).
    pub initial_accumulator_value: f64,
    /// Denominator term ≥ 0, outside the square root (default 1e-10).
    pub eps: f64,
    /// Use the square root (default true; false is the lecture's ablation).
    pub sqrt: bool,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        AdagradConfig {
            lr: 0.01,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
            sqrt: true,
        }
    }
}

impl OptimizerConfig for AdagradConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Adagrad::new(self.clone(), dim)))
    }
}

/// Adagrad state: the squared-gradient sum G and the update count.
#[derive(Debug, Clone)]
pub struct Adagrad {
    config: AdagradConfig,
    sum: Vec<f64>,
    t: u64,
}

impl Adagrad {
    /// Adagrad for `dim` parameters.
    pub fn new(config: AdagradConfig, dim: usize) -> Self {
        let sum = vec![config.initial_accumulator_value; dim];
        Adagrad { config, sum, t: 0 }
    }
}

impl UpdateRule for Adagrad {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.sum])
    }
}

impl Adagrad {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        self.t += 1;
        let AdagradConfig {
            lr_decay,
            weight_decay: wd,
            eps,
            sqrt,
            ..
        } = self.config;
        let clr = lr / (1.0 + (self.t - 1) as f64 * lr_decay);
        for ((x, &g), s) in params.iter_mut().zip(grad).zip(self.sum.iter_mut()) {
            let g = if wd != 0.0 { add_scaled(g, wd, *x) } else { g };
            *s = g.mul_add(g, *s);
            let denom = if sqrt { s.sqrt() + eps } else { *s + eps };
            *x = addcdiv(*x, -clr, g, denom);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Constant gradient g = 2, lr = 1, eps = 0: G = 4, 8; steps 2/2 = 1, 2/sqrt(8).
    /// With lr_decay = 1 the second step is halved; without the root: 2/4, 2/8.
    #[test]
    fn accumulates_squares() {
        let cases = [
            (true, 0.0, [-1.0, -1.0 - 2.0 / 8f64.sqrt()]),
            (true, 1.0, [-1.0, -1.0 - 1.0 / 8f64.sqrt()]),
            (false, 0.0, [-0.5, -0.75]),
        ];
        for (sqrt, lr_decay, expected) in cases {
            let mut a = Adagrad::new(
                AdagradConfig {
                    lr: 1.0,
                    eps: 0.0,
                    sqrt,
                    lr_decay,
                    ..AdagradConfig::default()
                },
                1,
            );
            let mut x = [0.0];
            for e in expected {
                a.update(&mut x, &[2.0], 1.0);
                assert_close(x[0], e);
            }
        }
    }

    #[test]
    fn initial_accumulator_and_eps() {
        let mut a = Adagrad::new(
            AdagradConfig {
                initial_accumulator_value: 5.0,
                eps: 1.0,
                ..AdagradConfig::default()
            },
            1,
        );
        let mut x = [0.0];
        a.update(&mut x, &[2.0], 0.5);
        assert_close(x[0], -0.5 * 2.0 / (3.0 + 1.0));
    }
}
