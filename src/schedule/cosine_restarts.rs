//! `cosine_restarts`: torch CosineAnnealingWarmRestarts (SGDR). With T_cur the epochs since the
//! last restart and T_i the length of the current period (t_0 at first, multiplied by t_mult at
//! each restart):
//!
//! ```text
//! lr_t = eta_min + (lr0 − eta_min)·(1 + cos(π·T_cur/T_i))/2
//! ```
//! torch has no default for T_0; here t_0 defaults to max(1, ⌊T/4⌋) for an epoch budget T, so
//! that with t_mult = 1 the budget holds four periods (the last may be cut short).

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "cosine_restarts",
    summary: "half cosines from lr0 down to eta_min, restarting at lr0 after t_0, t_0·t_mult, ... epochs",
    reference: "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts",
    keys: &[
        Key::derived(
            "t_0",
            "max(1, floor(epoch budget / 4))",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs until the first restart",
        ),
        Key::int(
            "t_mult",
            1,
            1,
            1_000_000,
            "factor on the period after each restart",
        ),
        Key::float(
            "eta_min",
            0.0,
            Range::NON_NEGATIVE,
            "lr at the end of each period",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Cosine annealing with warm restarts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CosineRestarts {
    /// First period in epochs, ≥ 1 (default max(1, ⌊budget/4⌋)).
    pub t_0: Option<u64>,
    /// Period growth factor, ≥ 1 (default 1).
    pub t_mult: u64,
    /// Lowest lr ≥ 0 (default 0).
    pub eta_min: f64,
}

impl CosineRestarts {
    /// (T_cur, T_i) after `t` epochs, as torch's step-by-step counting gives them.
    pub fn position(&self, t: usize, budget: usize) -> (u64, u64) {
        let t_0 = self.t_0.unwrap_or((budget as u64 / 4).max(1));
        let t = t as u64;
        if self.t_mult == 1 {
            return (t % t_0, t_0);
        }
        let (mut t_cur, mut t_i) = (t, t_0);
        while t_cur >= t_i {
            t_cur -= t_i;
            t_i = t_i.saturating_mul(self.t_mult);
        }
        (t_cur, t_i)
    }
}

impl Curve for CosineRestarts {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        let (t_cur, t_i) = self.position(t, budget);
        let eta = self.eta_min;
        eta + (lr0 - eta) * (1.0 + (PI * t_cur as f64 / t_i as f64).cos()) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn restarts_after_each_period() {
        // t_0 = 2: 1, 0.5, restart.
        assert_lrs(
            &lrs("cosine_restarts:t_0=2", 1.0, 100, 5),
            &[1.0, 0.5, 1.0, 0.5, 1.0],
        );
        // t_0 = 1, t_mult = 2: periods 1, 2, 4.
        let got = lrs("cosine_restarts:t_0=1,t_mult=2,eta_min=0.5", 1.0, 100, 8);
        let q = |k: f64| 0.5 + 0.5 * (1.0 + (std::f64::consts::PI * k / 4.0).cos()) / 2.0;
        assert_lrs(&got, &[1.0, 1.0, 0.75, 1.0, q(1.0), q(2.0), q(3.0), 1.0]);
    }

    #[test]
    fn t_0_defaults_to_a_quarter_of_the_budget() {
        let got = lrs("cosine_restarts", 1.0, 8, 5);
        assert_lrs(&got, &[1.0, 0.5, 1.0, 0.5, 1.0]);
        assert_lrs(&lrs("cosine_restarts", 1.0, 3, 2), &[1.0, 1.0]);
    }

    #[test]
    fn bad_values_name_the_key_and_range() {
        for (text, needle) in [
            (
                "cosine_restarts:t_0=0",
                "key 't_0' = 0 is out of range; allowed: integer in [1, 1000000000]",
            ),
            (
                "cosine_restarts:t_mult=0",
                "key 't_mult' = 0 is out of range",
            ),
            (
                "cosine_restarts:t_mult=1.5",
                "key 't_mult' expects an integer",
            ),
            (
                "cosine_restarts:eta_min=-1",
                "key 'eta_min' = -1 is out of range; allowed: [0, inf)",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
