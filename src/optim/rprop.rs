//! `rprop`: exactly `torch.optim.Rprop` (resilient backpropagation without weight
//! backtracking; no weight decay).
//!
//! ```text
//! at the first update: step = lr, prev = 0
//! s      = g·prev
//! factor = eta_plus if s > 0, eta_minus if s < 0, 1 if s = 0
//! step   = clamp(step·factor, step_min, step_max)
//! s < 0:  g = 0                        (a sign change moves nothing this update)
//! x     -= sign(g)·step;   prev = g
//! ```
//! As in torch, the lr is read only at the first update: later changes from a schedule have
//! no effect.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, sign};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "rprop",
    summary: "per-coordinate step sizes grown on equal gradient signs, shrunk on sign changes",
    reference: "torch.optim.Rprop",
    keys: &[
        Key::float(
            "lr",
            0.01,
            Range::POSITIVE,
            "initial step size (schedules do not affect rprop)",
        ),
        Key::float(
            "eta_minus",
            0.5,
            Range::UNIT_OPEN,
            "step factor after a sign change",
        ),
        Key::float(
            "eta_plus",
            1.2,
            Range::Float {
                lo: Bound::Excl(1.0),
                hi: Bound::Open,
            },
            "step factor while the sign holds",
        ),
        Key::float("step_min", 1e-6, Range::NON_NEGATIVE, "smallest step size"),
        Key::float("step_max", 50.0, Range::POSITIVE, "largest step size"),
    ],
};

/// Configuration of [`Rprop`]; defaults are torch's (`etas=(0.5, 1.2)`,
/// `step_sizes=(1e-6, 50)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpropConfig {
    /// Initial step size, > 0 (default 0.01).
    pub lr: f64,
    /// Decrease factor in (0, 1) (default 0.5).
    pub eta_minus: f64,
    /// Increase factor > 1 (default 1.2).
    pub eta_plus: f64,
    /// Minimum step ≥ 0 (default 1e-6).
    pub step_min: f64,
    /// Maximum step > 0, ≥ step_min (default 50).
    pub step_max: f64,
}

impl Default for RpropConfig {
    fn default() -> Self {
        RpropConfig {
            lr: 0.01,
            eta_minus: 0.5,
            eta_plus: 1.2,
            step_min: 1e-6,
            step_max: 50.0,
        }
    }
}

impl OptimizerConfig for RpropConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn check(&self) -> Result<(), String> {
        if self.step_min > self.step_max {
            return Err(format!(
                "step_min ({}) must not exceed step_max ({})",
                self.step_min, self.step_max
            ));
        }
        Ok(())
    }

    fn follows_schedule(&self) -> bool {
        false
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Rprop::new(self.clone(), dim)))
    }
}

/// Rprop state: previous (possibly zeroed) gradient and per-coordinate step sizes.
#[derive(Debug, Clone)]
pub struct Rprop {
    config: RpropConfig,
    prev: Vec<f64>,
    step: Vec<f64>,
    started: bool,
}

impl Rprop {
    /// Rprop for `dim` parameters.
    pub fn new(config: RpropConfig, dim: usize) -> Self {
        Rprop {
            config,
            prev: vec![0.0; dim],
            step: vec![0.0; dim],
            started: false,
        }
    }
}

impl UpdateRule for Rprop {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        if !self.started {
            self.started = true;
            self.step.fill(lr);
        }
        let RpropConfig {
            eta_minus,
            eta_plus,
            step_min,
            step_max,
            ..
        } = self.config;
        let n = params.len();
        let (grad, prev, step) = (&grad[..n], &mut self.prev[..n], &mut self.step[..n]);
        for i in 0..n {
            // Written as selects (no branches) so the loop vectorizes; NaN propagates as in
            // torch: a NaN product gives a NaN factor, and the clamp keeps a NaN step.
            let s = grad[i] * prev[i];
            let factor = if s == 0.0 { 1.0 } else { f64::NAN };
            let factor = if s > 0.0 { eta_plus } else { factor };
            let factor = if s < 0.0 { eta_minus } else { factor };
            let scaled = step[i] * factor;
            let clamped = if scaled < step_min { step_min } else { scaled };
            step[i] = if clamped > step_max {
                step_max
            } else {
                clamped
            };
            let g = if s < 0.0 { 0.0 } else { grad[i] };
            params[i] -= sign(g) * step[i];
            prev[i] = g;
        }
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.prev, &self.step])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// Gradient signs +, +, −, + with lr = 1, etas (0.5, 2), steps in [0.1, 3]:
    /// t=1: step 1, x = −1.  t=2: step 2, x = −3.  t=3: sign change: step 1, no move,
    /// prev = 0.  t=4: factor 1: step 1, x = −4.  A fifth + hits the cap: step 2 → x = −6.
    #[test]
    fn sign_logic_by_hand() {
        let c = RpropConfig {
            lr: 1.0,
            eta_minus: 0.5,
            eta_plus: 2.0,
            step_min: 0.1,
            step_max: 3.0,
        };
        let mut r = Rprop::new(c, 1);
        let mut x = [0.0];
        for (g, expected) in [
            (1.0, -1.0),
            (1.0, -3.0),
            (-1.0, -3.0),
            (1.0, -4.0),
            (5.0, -6.0),
        ] {
            // Only the first lr counts: the step sizes start there; later lrs have no effect.
            let lr = if expected == -1.0 { 1.0 } else { 100.0 };
            r.update(&mut x, &[g], lr);
            assert_close(x[0], expected);
        }
        r.update(&mut x, &[1.0], 1.0);
        assert_close(x[0], -9.0); // step 4 capped at 3
    }

    #[test]
    fn rejects_inverted_step_bounds() {
        let c = RpropConfig {
            step_min: 2.0,
            step_max: 1.0,
            ..RpropConfig::default()
        };
        assert!(c.check().unwrap_err().contains("step_min"));
    }
}
