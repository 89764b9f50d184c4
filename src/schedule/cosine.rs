//! `cosine`: lr_t = eta_min + (lr0 − eta_min)·(1 + cos(π·t/t_max))/2 for every t
//! (torch CosineAnnealingLR, which keeps following the cosine past t_max: the lr rises again
//! with period 2·t_max). t_max defaults to the epoch budget.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "cosine",
    summary: "half a cosine from lr0 down to eta_min over t_max epochs",
    reference: "torch.optim.lr_scheduler.CosineAnnealingLR",
    keys: &[
        Key::derived(
            "t_max",
            "epoch budget",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs of the half period",
        ),
        Key::float("eta_min", 0.0, Range::NON_NEGATIVE, "lr at t = t_max"),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Cosine annealing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cosine {
    /// Half period in epochs, ≥ 1 (default: the epoch budget).
    pub t_max: Option<u64>,
    /// Lowest lr ≥ 0 (default 0).
    pub eta_min: f64,
}

impl Curve for Cosine {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        let t_max = self.t_max.unwrap_or(budget as u64) as f64;
        self.eta_min + (lr0 - self.eta_min) * (1.0 + (t as f64 * PI / t_max).cos()) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn half_cosine_then_rises_again() {
        let got = lrs("cosine:t_max=2", 1.0, 100, 5);
        assert_lrs(&got[..2], &[1.0, 0.5]);
        assert!(got[2].abs() < 1e-16);
        assert_lrs(&got[3..], &[0.5, 1.0]);
    }

    #[test]
    fn t_max_defaults_to_budget() {
        let got = lrs("cosine:eta_min=0.1", 1.0, 4, 3);
        assert_lrs(&got, &[1.0, 0.1 + 0.9 * (1.0 + 0.5f64.sqrt()) / 2.0, 0.55]);
    }
}
