//! `lion`: EvoLved Sign Momentum, Chen et al. 2023, "Symbolic Discovery of Optimization
//! Algorithms", Algorithm 2 (decoupled weight decay). Not in torch.optim.
//!
//! ```text
//! x ← x·(1 − lr·weight_decay)
//! c = β1·m + (1−β1)·g;   x -= lr·sign(c)
//! m = β2·m + (1−β2)·g
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, sign};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "lion",
    summary: "sign of an interpolated momentum; every coordinate moves by lr",
    reference: "Chen et al. 2023, \"Symbolic Discovery of Optimization Algorithms\" (Alg. 2)",
    keys: &[
        Key::float(
            "lr",
            1e-4,
            Range::POSITIVE,
            "learning rate (size of every move)",
        ),
        Key::float(
            "beta1",
            0.9,
            Range::UNIT_HALF_OPEN,
            "interpolation between momentum and gradient for the update sign",
        ),
        Key::float(
            "beta2",
            0.99,
            Range::UNIT_HALF_OPEN,
            "EMA coefficient of the momentum",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "decoupled decay: x is multiplied by 1 - lr·weight_decay",
        ),
    ],
};

/// Configuration of [`Lion`]; defaults are the paper's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LionConfig {
    /// Learning rate, > 0 (default 1e-4).
    pub lr: f64,
    /// Interpolation coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Momentum EMA coefficient in [0, 1) (default 0.99).
    pub beta2: f64,
    /// Decoupled weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for LionConfig {
    fn default() -> Self {
        LionConfig {
            lr: 1e-4,
            beta1: 0.9,
            beta2: 0.99,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for LionConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Lion::new(self.clone(), dim)))
    }
}

/// Lion state: the momentum.
#[derive(Debug, Clone)]
pub struct Lion {
    config: LionConfig,
    m: Vec<f64>,
}

impl Lion {
    /// Lion for `dim` parameters.
    pub fn new(config: LionConfig, dim: usize) -> Self {
        Lion {
            config,
            m: vec![0.0; dim],
        }
    }
}

impl UpdateRule for Lion {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let LionConfig {
            beta1,
            beta2,
            weight_decay: wd,
            ..
        } = self.config;
        let shrink = 1.0 - lr * wd;
        let n = params.len();
        let (grad, m) = (&grad[..n], &mut self.m[..n]);
        for i in 0..n {
            let x = if wd != 0.0 {
                params[i] * shrink
            } else {
                params[i]
            };
            let c = m[i] * beta1 + (1.0 - beta1) * grad[i];
            params[i] = x - lr * sign(c);
            m[i] = m[i] * beta2 + (1.0 - beta2) * grad[i];
        }
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Gradients 1, −0.05, −1 with β1 = 0.9, β2 = 0.99, lr = 0.1, from x = 0:
    /// t=1: c = 0.1 > 0 → x = −0.1; m = 0.01.
    /// t=2: c = 0.009 − 0.005 = 0.004 > 0 → x = −0.2 (momentum wins); m = 0.0099 − 0.0005 = 0.0094.
    /// t=3: c = 0.00846 − 0.1 < 0 → x = −0.1.
    /// With weight_decay = 1 the first step is x = 1·(1 − 0.1) − 0.1 = 0.8 from x = 1.
    #[test]
    fn sign_momentum_by_hand() {
        let mut l = Lion::new(LionConfig::default(), 1);
        let mut x = [0.0];
        for (g, expected) in [(1.0, -0.1), (-0.05, -0.2), (-1.0, -0.1)] {
            l.update(&mut x, &[g], 0.1);
            assert_close(x[0], expected);
        }
        let mut l = Lion::new(
            LionConfig {
                weight_decay: 1.0,
                ..LionConfig::default()
            },
            1,
        );
        let mut x = [1.0];
        l.update(&mut x, &[1.0], 0.1);
        assert_close(x[0], 0.8);
    }
}
