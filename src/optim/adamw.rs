//! `adamw`: exactly `torch.optim.AdamW`: Adam with decoupled weight decay,
//! `x ← x·(1 − lr·weight_decay)` before the Adam step (whose gradient has no L2 term).

use serde::{Deserialize, Serialize};

use super::adam::{Adam, AdamConfig, adam_keys};
use super::{Method, OptimizerConfig, keys};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "adamw",
    summary: "Adam with decoupled weight decay",
    reference: "torch.optim.AdamW",
    keys: adam_keys!(
        0.01,
        "decoupled decay: x is multiplied by 1 - lr·weight_decay each step"
    ),
};

/// Configuration of [`AdamW`]: Adam's keys, weight decay 0.01 by default (torch's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdamWConfig {
    /// Learning rate, > 0 (default 1e-3).
    pub lr: f64,
    /// First-moment coefficient in [0, 1) (default 0.9).
    pub beta1: f64,
    /// Second-moment coefficient in [0, 1) (default 0.999).
    pub beta2: f64,
    /// Outside the root, ≥ 0 (default 1e-8).
    pub eps: f64,
    /// Decoupled weight decay ≥ 0 (default 0.01).
    pub weight_decay: f64,
    /// AMSGrad variant (default false).
    pub amsgrad: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            weight_decay: 0.01,
            ..AdamWConfig::from(AdamConfig::default())
        }
    }
}

impl From<AdamConfig> for AdamWConfig {
    fn from(c: AdamConfig) -> Self {
        AdamWConfig {
            lr: c.lr,
            beta1: c.beta1,
            beta2: c.beta2,
            eps: c.eps,
            weight_decay: c.weight_decay,
            amsgrad: c.amsgrad,
        }
    }
}

impl AdamWConfig {
    fn as_adam(&self) -> AdamConfig {
        AdamConfig {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: self.weight_decay,
            amsgrad: self.amsgrad,
        }
    }
}

impl OptimizerConfig for AdamWConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(Adam::new(self.as_adam(), true, dim)))
    }
}

/// AdamW is the Adam kernel built with decoupled weight decay.
pub type AdamW = Adam;
