//! `schedule_free_adamw`: exactly `schedulefree.AdamWScheduleFree` of the `schedulefree`
//! package 1.4.1 (Defazio et al. 2024, "The Road Less Scheduled"), the class the package's
//! users import by default. (The package's `AdamWScheduleFreeReference` differs: it keeps x
//! explicitly, and its weight decay shrinks z by lr·weight_decay·y (or ·z) instead of adding
//! weight_decay·y to the normalized gradient; it is not what this entry follows.)
//!
//! Three sequences: z (the SGD-like iterate), x (the weighted average of the z's, the answer)
//! and y = (1−β1)·z + β1·x, where gradients are taken. The parameters the run loop steps hold
//! y (the package's train mode); the loss is measured at x (its `eval()` mode), which
//! [`Optimizer::evaluation_point`] computes from y and z as `eval()` does, into a buffer of
//! its own, without touching y. Per step k = 0, 1, …, with lr the scheduled learning rate:
//!
//! ```text
//! lr_k   = lr · min(1, (k+1)/warmup_steps)                (the package's own linear warmup)
//! lr_max = max(lr_max, lr_k);  w = (k+1)^r · lr_max^weight_lr_power
//! c      = w / Σ w                                        (0 while Σ w = 0)
//! v = β2·v + (1−β2)·g²;  u = g / (sqrt(v / (1−β2^(k+1))) + eps) + weight_decay·y
//! y = lerp(y, z, c) + lr_k·(β1·(1−c) − 1)·u;   z -= lr_k·u
//! x = lerp(y, z, 1 − 1/β1)                                 (eval mode)
//! ```
//!
//! Every operation rounds where the package's torch calls do (lerp and the scaled adds fused,
//! the division not), so the update is bit-identical to the package's given the same
//! gradients, except where torch's vectorized square root is off by one ulp. β1 must be
//! positive: `eval()` divides by it.

use serde::{Deserialize, Serialize};

use super::{
    Method, Objective, Optimizer, OptimizerConfig, add_scaled, ema_square, fused, keys, lerp,
};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "schedule_free_adamw",
    summary: "schedule-free AdamW: gradients at an interpolation, losses at the running average",
    reference: "schedulefree 1.4.1 AdamWScheduleFree (Defazio et al. 2024)",
    keys: &[
        keys::lr(0.0025),
        Key::float(
            "beta1",
            0.9,
            Range::UNIT_OPEN,
            "interpolation y = (1-beta1)·z + beta1·x where gradients are taken",
        ),
        keys::BETA2,
        Key::float(
            "eps",
            1e-8,
            Range::NON_NEGATIVE,
            "added to the bias-corrected root (outside it)",
        ),
        Key::float(
            "weight_decay",
            0.0,
            Range::NON_NEGATIVE,
            "weight_decay·y is added to the normalized gradient",
        ),
        WARMUP_STEPS,
        R,
        WEIGHT_LR_POWER,
    ],
};

/// `warmup_steps` = 0: the package's linear warmup, counted in optimizer steps.
pub(super) const WARMUP_STEPS: Key = Key::int(
    "warmup_steps",
    0,
    0,
    1_000_000_000,
    "linear lr warmup over this many optimizer steps, on top of any schedule",
);
/// `r` = 0: polynomial weighting of the average.
pub(super) const R: Key = Key::float(
    "r",
    0.0,
    Range::NON_NEGATIVE,
    "average weights grow as (k+1)^r",
);
/// `weight_lr_power` = 2: average weights grow with the largest lr so far to this power.
pub(super) const WEIGHT_LR_POWER: Key = Key::float(
    "weight_lr_power",
    2.0,
    Range::NON_NEGATIVE,
    "average weights grow as max lr so far to this power",
);

/// Configuration of [`ScheduleFreeAdamW`]; defaults are the package's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFreeAdamWConfig {
    /// Learning rate, > 0 (default 0.0025).
    pub lr: f64,
    /// Interpolation coefficient in (0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Outside the root, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// Weight decay ≥ 0, taken at y (default 0).
    pub weight_decay: f64,
    /// Linear warmup steps (default 0: none).
    pub warmup_steps: u64,
    /// Polynomial weighting power ≥ 0 (default 0).
    pub r: f64,
    /// Power of the max lr in the average weights, ≥ 0 (default 2).
    pub weight_lr_power: f64,
}

impl Default for ScheduleFreeAdamWConfig {
    fn default() -> Self {
        ScheduleFreeAdamWConfig {
            lr: 0.0025,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            warmup_steps: 0,
            r: 0.0,
            weight_lr_power: 2.0,
        }
    }
}

impl OptimizerConfig for ScheduleFreeAdamWConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    /// Schedule-free: meant to run without a schedule, at its defaults.
    fn needs_no_tuning(&self) -> bool {
        true
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::Custom(Box::new(ScheduleFreeAdamW::new(self.clone(), dim)))
    }
}

/// The average's bookkeeping, shared with `schedule_free_sgd`: the step count, the weight sum
/// and the largest lr so far, exactly as the package's parameter group keeps them.
#[derive(Debug, Clone)]
pub(super) struct Averaging {
    /// Steps taken (the package's `k`).
    pub k: u64,
    weight_sum: f64,
    lr_max: f64,
}

impl Averaging {
    pub fn new() -> Self {
        Averaging {
            k: 0,
            weight_sum: 0.0,
            lr_max: -1.0,
        }
    }

    /// For the step about to be taken with scheduled lr `lr`: the warmed-up lr the step uses
    /// and the averaging coefficient c (the package's `ckp1`). Advances `k`.
    pub fn next(&mut self, lr: f64, warmup_steps: u64, r: f64, weight_lr_power: f64) -> (f64, f64) {
        let k = self.k;
        let sched = if k < warmup_steps {
            (k + 1) as f64 / warmup_steps as f64
        } else {
            1.0
        };
        let lr = lr * sched;
        // Python's max(lr, lr_max): the later argument only when strictly larger.
        self.lr_max = if self.lr_max > lr { self.lr_max } else { lr };
        let weight = ((k + 1) as f64).powf(r) * self.lr_max.powf(weight_lr_power);
        self.weight_sum += weight;
        // The package catches the ZeroDivisionError of 0/0 (an lr of 0 so far) as c = 0.
        let c = if self.weight_sum == 0.0 {
            0.0
        } else {
            weight / self.weight_sum
        };
        self.k = k + 1;
        (lr, c)
    }
}

/// Schedule-free AdamW state: z, the second moment, the gradient and the x buffer.
#[derive(Debug, Clone)]
pub struct ScheduleFreeAdamW {
    config: ScheduleFreeAdamWConfig,
    avg: Averaging,
    z: Vec<f64>,
    v: Vec<f64>,
    grad: Vec<f64>,
    x: Vec<f64>,
}

impl ScheduleFreeAdamW {
    /// Schedule-free AdamW for `dim` parameters.
    pub fn new(config: ScheduleFreeAdamWConfig, dim: usize) -> Self {
        ScheduleFreeAdamW {
            config,
            avg: Averaging::new(),
            z: vec![0.0; dim],
            v: vec![0.0; dim],
            grad: vec![0.0; dim],
            x: vec![0.0; dim],
        }
    }

    /// One update of y (`params`) from the gradient in `self.grad`.
    #[inline(always)]
    fn kernel(&mut self, y: &mut [f64], lr: f64) {
        let ScheduleFreeAdamWConfig {
            beta1,
            beta2,
            eps,
            weight_decay: wd,
            warmup_steps,
            r,
            weight_lr_power,
            ..
        } = self.config;
        if self.avg.k == 0 {
            self.z.copy_from_slice(y);
        }
        let bc2 = 1.0 - beta2.powf((self.avg.k + 1) as f64);
        let (lr, c) = self.avg.next(lr, warmup_steps, r, weight_lr_power);
        let y_scale = lr * (beta1 * (1.0 - c) - 1.0);
        let n = y.len();
        let (g, z, v) = (&self.grad[..n], &mut self.z[..n], &mut self.v[..n]);
        for i in 0..n {
            v[i] = ema_square(v[i], beta2, g[i]);
            let denom = (v[i] / bc2).sqrt() + eps;
            let mut u = g[i] / denom;
            if wd != 0.0 {
                u = add_scaled(u, wd, y[i]);
            }
            y[i] = add_scaled(lerp(y[i], z[i], c), y_scale, u);
            z[i] = add_scaled(z[i], -lr, u);
        }
    }
}

impl Optimizer for ScheduleFreeAdamW {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        objective.gradient(params, &mut self.grad);
        fused!(self.kernel(params, lr))
    }

    /// x = lerp(y, z, 1 − 1/β1), as the package's `eval()` computes it; the start itself
    /// before the first step (the package has no z yet, so `eval()` leaves y).
    fn evaluation_point(&mut self, params: &[f64]) -> Option<&[f64]> {
        if self.avg.k == 0 {
            return None;
        }
        average_point(&mut self.x, params, &self.z, self.config.beta1);
        Some(&self.x)
    }
}

/// x = lerp(y, z, 1 − 1/β) into `x`: the package's `eval()` (β = β1 or the SGD momentum).
pub(super) fn average_point(x: &mut [f64], y: &[f64], z: &[f64], beta: f64) {
    let w = 1.0 - 1.0 / beta;
    let n = x.len();
    let (y, z) = (&y[..n], &z[..n]);
    fused!({
        for i in 0..n {
            x[i] = lerp(y[i], z[i], w);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::{Quadratic, assert_close};

    /// Constant lr, r = 0: w_k = lr², so c = 1/(k+1) and x is the plain mean of the z's.
    /// At step 1, v̂ = g² exactly, so with eps = 0 the normalized gradient is sign(g) = 1.
    #[test]
    fn first_step_by_hand() {
        let c = ScheduleFreeAdamWConfig {
            eps: 0.0,
            ..ScheduleFreeAdamWConfig::default()
        };
        let mut o = ScheduleFreeAdamW::new(c, 1);
        let mut y = [2.0];
        let mut obj = Quadratic(vec![1.0]);
        assert!(o.evaluation_point(&y).is_none());
        o.step(&mut y, &mut obj, 0.5);
        // c_1 = 1: y = lerp(2, 2, 1) + 0.5·(0.9·0 − 1)·1 = 1.5; z = 1.5; x = z_1 = 1.5.
        assert_close(y[0], 1.5);
        assert_close(o.z[0], 1.5);
        assert_close(o.evaluation_point(&y).unwrap()[0], 1.5);
        // Step 2 (c = 1/2): x is the mean of z_1 and z_2, y interpolates z_2 and x.
        let z1 = o.z[0];
        o.step(&mut y, &mut obj, 0.5);
        let z2 = o.z[0];
        let x2 = o.evaluation_point(&y).unwrap()[0];
        assert_close(x2, 0.5 * (z1 + z2));
        assert_close(y[0], 0.1 * z2 + 0.9 * x2);
    }

    /// The package's warmup scales the scheduled lr by (k+1)/warmup_steps, and the average
    /// weights follow the largest warmed-up lr: with warmup 2 and power 2, w = (lr/2)², then lr².
    #[test]
    fn warmup_and_weights() {
        let mut a = Averaging::new();
        let (lr, c) = a.next(0.4, 2, 0.0, 2.0);
        assert_eq!((lr, c), (0.2, 1.0));
        let (lr, c) = a.next(0.4, 2, 0.0, 2.0);
        assert_eq!(lr, 0.4);
        assert_close(c, 0.16 / (0.04 + 0.16));
        // An lr of 0 so far: weight 0/0 is taken as c = 0.
        let mut a = Averaging::new();
        assert_eq!(a.next(0.0, 0, 0.0, 2.0), (0.0, 0.0));
    }
}
