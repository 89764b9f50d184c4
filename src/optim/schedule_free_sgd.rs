//! `schedule_free_sgd`: exactly `schedulefree.SGDScheduleFree` of the `schedulefree` package
//! 1.4.1 (Defazio et al. 2024, "The Road Less Scheduled"), the class users import by default
//! (`SGDScheduleFreeReference` computes the same method with x kept explicitly, so it rounds
//! differently).
//!
//! As `schedule_free_adamw` without the second moment: the parameters the run loop steps hold
//! y, gradients are taken there, and the loss is measured at the average x, computed from y and
//! z as the package's `eval()` does. Per step k = 0, 1, …, with lr the scheduled learning rate:
//!
//! ```text
//! lr_k   = lr · min(1, (k+1)/warmup_steps)                (the package's own linear warmup)
//! lr_max = max(lr_max, lr_k);  w = (k+1)^r · lr_max^weight_lr_power;  c = w / Σ w
//! u = g + weight_decay·y
//! y = lerp(y, z, c) + lr_k·(momentum·(1−c) − 1)·u;   z -= lr_k·u
//! x = lerp(y, z, 1 − 1/momentum)                           (eval mode)
//! ```
//!
//! Bit-identical to the package's update given the same gradients (every torch call rounds
//! where the helpers here do).

use serde::{Deserialize, Serialize};

use super::schedule_free_adamw::{Averaging, R, WARMUP_STEPS, WEIGHT_LR_POWER, average_point};
use super::{Method, Objective, Optimizer, OptimizerConfig, add_scaled, fused, keys, lerp};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "schedule_free_sgd",
    summary: "schedule-free SGD: gradients at an interpolation, losses at the running average",
    reference: "schedulefree 1.4.1 SGDScheduleFree (Defazio et al. 2024)",
    keys: &[
        keys::lr(1.0),
        Key::float(
            "momentum",
            0.9,
            Range::UNIT_OPEN,
            "interpolation y = (1-momentum)·z + momentum·x where gradients are taken",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "L2 penalty: weight_decay·y is added to the gradient",
        ),
        WARMUP_STEPS,
        R,
        WEIGHT_LR_POWER,
    ],
};

/// Configuration of [`ScheduleFreeSgd`]; defaults are the package's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFreeSgdConfig {
    /// Learning rate, > 0 (default 1).
    pub lr: f64,
    /// Interpolation coefficient in (0, 1) (default 0.9).
    pub momentum: f64,
    /// L2 weight decay ≥ 0, taken at y (default 0).
    pub weight_decay: f64,
    /// Linear warmup steps (default 0: none).
    pub warmup_steps: u64,
    /// Polynomial weighting power ≥ 0 (default 0).
    pub r: f64,
    /// Power of the max lr in the average weights, ≥ 0 (default 2).
    pub weight_lr_power: f64,
}

impl Default for ScheduleFreeSgdConfig {
    fn default() -> Self {
        ScheduleFreeSgdConfig {
            lr: 1.0,
            momentum: 0.9,
            weight_decay: 0.0,
            warmup_steps: 0,
            r: 0.0,
            weight_lr_power: 2.0,
        }
    }
}

impl OptimizerConfig for ScheduleFreeSgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    /// Schedule-free: meant to run without a schedule, at its defaults.
    fn needs_no_tuning(&self) -> bool {
        true
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::Custom(Box::new(ScheduleFreeSgd::new(self.clone(), dim)))
    }
}

/// Schedule-free SGD state: z, the gradient and the x buffer.
#[derive(Debug, Clone)]
pub struct ScheduleFreeSgd {
    config: ScheduleFreeSgdConfig,
    avg: Averaging,
    z: Vec<f64>,
    grad: Vec<f64>,
    x: Vec<f64>,
}

impl ScheduleFreeSgd {
    /// Schedule-free SGD for `dim` parameters.
    pub fn new(config: ScheduleFreeSgdConfig, dim: usize) -> Self {
        ScheduleFreeSgd {
            config,
            avg: Averaging::new(),
            z: vec![0.0; dim],
            grad: vec![0.0; dim],
            x: vec![0.0; dim],
        }
    }

    #[inline(always)]
    fn kernel(&mut self, y: &mut [f64], lr: f64) {
        let ScheduleFreeSgdConfig {
            momentum,
            weight_decay: wd,
            warmup_steps,
            r,
            weight_lr_power,
            ..
        } = self.config;
        if self.avg.k == 0 {
            self.z.copy_from_slice(y);
        }
        let (lr, c) = self.avg.next(lr, warmup_steps, r, weight_lr_power);
        let y_scale = lr * (momentum * (1.0 - c) - 1.0);
        let n = y.len();
        let (g, z) = (&self.grad[..n], &mut self.z[..n]);
        for i in 0..n {
            let u = if wd != 0.0 {
                add_scaled(g[i], wd, y[i])
            } else {
                g[i]
            };
            y[i] = add_scaled(lerp(y[i], z[i], c), y_scale, u);
            z[i] = add_scaled(z[i], -lr, u);
        }
    }
}

impl Optimizer for ScheduleFreeSgd {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        objective.gradient(params, &mut self.grad);
        fused!(self.kernel(params, lr))
    }

    /// x = lerp(y, z, 1 − 1/momentum), as the package's `eval()`; the start before any step.
    fn evaluation_point(&mut self, params: &[f64]) -> Option<&[f64]> {
        if self.avg.k == 0 {
            return None;
        }
        average_point(&mut self.x, params, &self.z, self.config.momentum);
        Some(&self.x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::{Quadratic, assert_close};

    /// f = x²/2 from y = 2, lr = 0.5, momentum 0.5: step 1 (c = 1) moves y and z by −lr·g = −1
    /// to 1, so x = 1. Step 2 (c = 1/2): g = 1, z = 0.5, y = lerp(1, 1, ½) + 0.5·(0.25 − 1)
    /// = 0.625, and x = lerp(0.625, 0.5, −1) = 0.75 = (z_1 + z_2)/2.
    #[test]
    fn two_steps_by_hand() {
        let c = ScheduleFreeSgdConfig {
            momentum: 0.5,
            ..ScheduleFreeSgdConfig::default()
        };
        let mut o = ScheduleFreeSgd::new(c, 1);
        let mut obj = Quadratic(vec![1.0]);
        let mut y = [2.0];
        o.step(&mut y, &mut obj, 0.5);
        assert_close(y[0], 1.0);
        assert_close(o.evaluation_point(&y).unwrap()[0], 1.0);
        o.step(&mut y, &mut obj, 0.5);
        assert_close(y[0], 0.625);
        assert_close(o.z[0], 0.5);
        assert_close(o.evaluation_point(&y).unwrap()[0], 0.75);
        // y itself is untouched by measuring at x.
        assert_close(y[0], 0.625);
    }
}
