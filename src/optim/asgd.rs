//! `asgd`: exactly `torch.optim.ASGD` (averaged SGD, Polyak and Juditsky 1992, in torch's
//! form: a decaying step size η_t and a running average `ax` that starts at t0).
//!
//! ```text
//! first update: η = lr, μ = 1
//! t += 1
//! g  = ∇f(x) + weight_decay·x
//! x  = x·(1 − λ·η);  x -= η·g
//! ax = x if μ = 1, else ax + (x − ax)·μ
//! η  = lr / (1 + λ·lr·t)^α;  μ = 1 / max(1, t − t0)     (for the next update)
//! ```
//!
//! As in torch, η and μ are scalars of the parameters' dtype (f64 here) computed in double
//! precision from the update count; η for update t + 1 uses the lr of update t, so a schedule
//! acts one update late on the step size, exactly as with torch's schedulers. The parameters
//! are torch's parameters, not the average: torch's `ASGD` keeps `ax` in its state and never
//! writes it back, and torch users measure (and continue from) the parameters. So does
//! optbench: `ax` is kept exactly as torch keeps it ([`Asgd::ax`]), and progress is measured
//! at the parameters.

use serde::{Deserialize, Serialize};

use super::{Method, OptimizerConfig, UpdateRule, add_scaled, fused, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "asgd",
    summary: "SGD with a decaying step size and a running average of the iterates (kept, not used)",
    reference: "torch.optim.ASGD",
    keys: &[
        keys::lr(1e-2),
        Key::float(
            "lambd",
            1e-4,
            Range::NON_NEGATIVE,
            "decay term λ: shrinks x by 1 − λ·η and slows η",
        ),
        Key::float(
            "alpha",
            0.75,
            Range::NON_NEGATIVE,
            "power α of the step-size decay η = lr/(1 + λ·lr·t)^α",
        ),
        Key::float(
            "t0",
            1e6,
            Range::NON_NEGATIVE,
            "update count after which the average starts (μ = 1/(t − t0))",
        ),
        keys::L2_WEIGHT_DECAY,
    ],
};

/// Configuration of [`Asgd`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsgdConfig {
    /// Learning rate, > 0 (default 1e-2).
    pub lr: f64,
    /// Decay term λ ≥ 0 (default 1e-4).
    pub lambd: f64,
    /// Power α ≥ 0 of the step-size decay (default 0.75).
    pub alpha: f64,
    /// Point at which averaging starts, ≥ 0 (default 1e6).
    pub t0: f64,
    /// L2 weight decay ≥ 0 (default 0).
    pub weight_decay: f64,
}

impl Default for AsgdConfig {
    fn default() -> Self {
        AsgdConfig {
            lr: 1e-2,
            lambd: 1e-4,
            alpha: 0.75,
            t0: 1e6,
            weight_decay: 0.0,
        }
    }
}

impl OptimizerConfig for AsgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Asgd::new(self.clone(), dim)))
    }
}

/// ASGD state: torch's `step`, `eta`, `mu` and the average `ax`.
#[derive(Debug, Clone)]
pub struct Asgd {
    config: AsgdConfig,
    ax: Vec<f64>,
    eta: f64,
    mu: f64,
    t: u64,
}

impl Asgd {
    /// ASGD for `dim` parameters.
    pub fn new(config: AsgdConfig, dim: usize) -> Self {
        Asgd {
            config,
            ax: vec![0.0; dim],
            eta: f64::NAN,
            mu: 1.0,
            t: 0,
        }
    }

    /// The running average torch keeps as `state["ax"]` (zeros before the first update).
    pub fn ax(&self) -> &[f64] {
        &self.ax
    }

    #[inline(always)]
    fn kernel(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let AsgdConfig {
            lambd,
            alpha,
            t0,
            weight_decay: wd,
            ..
        } = self.config;
        if self.t == 0 {
            // torch initializes eta to the group's lr when the state is created.
            self.eta = lr;
        }
        self.t += 1;
        let (eta, mu) = (self.eta, self.mu);
        let shrink = 1.0 - lambd * eta;
        let n = params.len();
        let (grad, ax) = (&grad[..n], &mut self.ax[..n]);
        for i in 0..n {
            let g = if wd != 0.0 {
                add_scaled(grad[i], wd, params[i])
            } else {
                grad[i]
            };
            let x = add_scaled(params[i] * shrink, -eta, g);
            params[i] = x;
            ax[i] = if mu != 1.0 {
                ax[i] + (x - ax[i]) * mu
            } else {
                x
            };
        }
        let t = self.t as f64;
        self.eta = lr / (1.0 + lambd * lr * t).powf(alpha);
        // Python's max(1, t − t0): 1 unless t − t0 is larger.
        let span = t - t0;
        self.mu = 1.0 / if span > 1.0 { span } else { 1.0 };
    }
}

impl UpdateRule for Asgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        fused!(self.kernel(params, grad, lr))
    }

    fn state_vectors(&self) -> usize {
        super::allocated(&[&self.ax])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::assert_close;

    /// λ = 0.5, α = 1, lr = 1, t0 = 1, g = 1 each update, x0 = 0:
    /// t=1: η = 1: x = 0·1 − 1 = −1, ax = x = −1 (μ = 1); η = 1/(1 + 0.5) = 2/3, μ = 1/max(1, 0) = 1.
    /// t=2: x = −1·(1 − 1/3) − 2/3 = −4/3, ax = −4/3; η = 1/2, μ = 1/max(1, 1) = 1.
    /// t=3: x = −4/3·(3/4) − 1/2 = −3/2, ax = −3/2; η = 1/2.5, μ = 1/max(1, 2) = 1/2.
    /// t=4: x = −3/2·0.8 − 0.4 = −1.6, ax = −3/2 + (−1.6 + 1.5)/2 = −1.55.
    #[test]
    fn four_updates_by_hand() {
        let c = AsgdConfig {
            lr: 1.0,
            lambd: 0.5,
            alpha: 1.0,
            t0: 1.0,
            weight_decay: 0.0,
        };
        let mut a = Asgd::new(c, 1);
        let mut x = [0.0];
        for (x_t, ax_t) in [
            (-1.0, -1.0),
            (-4.0 / 3.0, -4.0 / 3.0),
            (-1.5, -1.5),
            (-1.6, -1.55),
        ] {
            a.update(&mut x, &[1.0], 1.0);
            assert_close(x[0], x_t);
            assert_close(a.ax()[0], ax_t);
        }
    }

    /// The first η is the first lr; later ones follow the lr of the previous update.
    #[test]
    fn eta_starts_at_the_first_lr_and_lags_the_schedule() {
        let c = AsgdConfig {
            lambd: 0.0,
            ..AsgdConfig::default()
        };
        let mut a = Asgd::new(c, 1);
        let mut x = [0.0];
        a.update(&mut x, &[1.0], 0.5);
        assert_close(x[0], -0.5);
        a.update(&mut x, &[1.0], 0.25); // still η = 0.5 (set from update 1's lr)
        assert_close(x[0], -1.0);
        a.update(&mut x, &[1.0], 0.25);
        assert_close(x[0], -1.25);
    }

    #[test]
    fn weight_decay_enters_the_gradient() {
        let c = AsgdConfig {
            lambd: 0.0,
            weight_decay: 0.5,
            ..AsgdConfig::default()
        };
        let mut a = Asgd::new(c, 1);
        let mut x = [2.0];
        a.update(&mut x, &[1.0], 0.1);
        assert_close(x[0], 2.0 - 0.1 * 2.0);
    }
}
