//! `sgd`: stochastic gradient descent with optional heavy-ball or Nesterov momentum,
//! exactly `torch.optim.SGD`.
//!
//! ```text
//! g  = ∇f(x) + weight_decay·x
//! μ ≠ 0:  buf = g                          (first update: a plain copy)
//!         buf = μ·buf + (1 − dampening)·g  (later updates)
//!         g   = g + μ·buf  if nesterov, else buf
//! x -= lr·g
//! ```

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "sgd",
    summary: "stochastic gradient descent, optional heavy-ball or Nesterov momentum",
    reference: "torch.optim.SGD",
    keys: &[
        keys::lr(1e-3),
        Key::float(
            "momentum",
            0.0,
            Range::UNIT_HALF_OPEN,
            "heavy-ball momentum factor μ (0 = none)",
        ),
        Key::float(
            "dampening",
            0.0,
            Range::UNIT_CLOSED,
            "dampening d: the gradient enters the buffer as (1-d)·g after the first update",
        ),
        Key::bool(
            "nesterov",
            false,
            "Nesterov momentum (needs momentum > 0 and dampening = 0)",
        ),
        keys::L2_WEIGHT_DECAY,
    ],
};

/// Configuration of [`Sgd`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgdConfig {
    /// Learning rate, > 0 (default 1e-3).
    pub lr: f64,
    /// Momentum factor μ in [0, 1) (default 0: no momentum buffer).
    pub momentum: f64,
    /// Dampening d in [0, 1] (default 0).
    pub dampening: f64,
    /// Nesterov momentum (default false).
    pub nesterov: bool,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for SgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn check(&self) -> Result<(), String> {
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(
                "nesterov=true needs momentum > 0 and dampening = 0 (as in torch)".to_string(),
            );
        }
        Ok(())
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Sgd::new(self.clone(), dim)))
    }
}

/// SGD state: the momentum buffer (empty when momentum = 0).
#[derive(Debug, Clone)]
pub struct Sgd {
    config: SgdConfig,
    buf: Vec<f64>,
    started: bool,
}

impl Sgd {
    /// SGD for `dim` parameters.
    pub fn new(config: SgdConfig, dim: usize) -> Self {
        let buf = if config.momentum != 0.0 {
            vec![0.0; dim]
        } else {
            Vec::new()
        };
        Sgd {
            config,
            buf,
            started: false,
        }
    }
}

impl UpdateRule for Sgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.buf])
    }
}

impl Sgd {
    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let SgdConfig {
            momentum: mu,
            dampening,
            nesterov,
            weight_decay: wd,
            ..
        } = self.config;
        if mu == 0.0 {
            for (x, &g) in params.iter_mut().zip(grad) {
                let g = if wd != 0.0 { add_scaled(g, wd, *x) } else { g };
                *x = add_scaled(*x, -lr, g);
            }
            return;
        }
        let first = !self.started;
        self.started = true;
        let keep = 1.0 - dampening;
        for ((x, &g), b) in params.iter_mut().zip(grad).zip(self.buf.iter_mut()) {
            let g = if wd != 0.0 { add_scaled(g, wd, *x) } else { g };
            *b = if first {
                g
            } else {
                add_scaled(*b * mu, keep, g)
            };
            let d = if nesterov { add_scaled(g, mu, *b) } else { *b };
            *x = add_scaled(*x, -lr, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    fn run(config: SgdConfig, steps: usize) -> f64 {
        // f(x) = x²/2 (g = x) from x = 1, hand-derived below.
        let mut s = Sgd::new(config, 1);
        let mut x = [1.0];
        for _ in 0..steps {
            let g = [x[0]];
            s.update(&mut x, &g, 0.1);
        }
        x[0]
    }

    #[test]
    fn plain_step() {
        assert_close(run(SgdConfig::default(), 1), 0.9);
        assert_close(run(SgdConfig::default(), 2), 0.81);
    }

    #[test]
    fn momentum_first_step_copies_gradient_then_dampens() {
        let c = SgdConfig {
            momentum: 0.5,
            dampening: 0.5,
            ..SgdConfig::default()
        };
        // t=1: buf = 1 (no (1-d) factor), x = 0.9.
        // t=2: buf = 0.5·1 + 0.5·0.9 = 0.95, x = 0.9 − 0.095 = 0.805.
        assert_close(run(c.clone(), 1), 0.9);
        assert_close(run(c, 2), 0.805);
    }

    #[test]
    fn nesterov_and_weight_decay() {
        let c = SgdConfig {
            momentum: 0.5,
            nesterov: true,
            weight_decay: 1.0,
            ..SgdConfig::default()
        };
        // g = x + 1·x = 2. t=1: buf = 2, step = 2 + 0.5·2 = 3, x = 0.7.
        // t=2: g = 1.4, buf = 0.5·2 + 1.4 = 2.4, step = 1.4 + 1.2 = 2.6, x = 0.44.
        assert_close(run(c.clone(), 1), 0.7);
        assert_close(run(c, 2), 0.44);
    }

    #[test]
    fn nesterov_without_momentum_is_rejected() {
        let c = SgdConfig {
            nesterov: true,
            ..SgdConfig::default()
        };
        assert!(c.check().unwrap_err().contains("momentum > 0"));
    }
}
