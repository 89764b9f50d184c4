//! `warmup_cosine`: linear warmup from 0, then a half cosine down to 0 at the end of the
//! budget T. With W = ⌊warmup·T⌋ warmup epochs:
//!
//! ```text
//! t < W:        lr_t = lr0·t/W
//! W ≤ t ≤ T:    lr_t = lr0·(1 + cos(π·(t−W)/(T−W)))/2
//! t > T:        lr_t = 0                      (then the min_lr floor)
//! ```
//! In torch this is `LambdaLR` with the same factor.
//!
//! `warmup` here is a fraction of the budget, warmed up from lr 0 inside this formula; the
//! `warmup_epochs` key every schedule takes is a separate LinearLR warm-up (a number of epochs)
//! chained before the whole schedule.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "warmup_cosine",
    summary: "linear warmup from 0 over a fraction of the budget, then cosine to 0",
    reference: "linear warmup + cosine decay (torch: LambdaLR)",
    keys: &[
        Key::float(
            "warmup",
            0.05,
            Range::UNIT_HALF_OPEN,
            "warmup length as a fraction of the budget: W = floor(warmup·T) epochs",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Warmup then cosine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarmupCosine {
    /// Warmup fraction of the budget in [0, 1) (default 0.05).
    pub warmup: f64,
}

impl WarmupCosine {
    /// The factor lr_t / lr0.
    pub fn factor(&self, t: usize, budget: usize) -> f64 {
        let w = (self.warmup * budget as f64).floor() as usize;
        if t < w {
            t as f64 / w as f64
        } else if t <= budget {
            (1.0 + (PI * (t - w) as f64 / (budget - w) as f64).cos()) / 2.0
        } else {
            0.0
        }
    }
}

impl Curve for WarmupCosine {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        lr0 * self.factor(t, budget)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn warms_up_linearly_then_cosine_to_zero() {
        // T = 10, W = floor(0.2·10) = 2: 0, 0.5, then cosine over 8 epochs.
        let got = lrs("warmup_cosine:warmup=0.2", 1.0, 10, 12);
        assert_lrs(&got[..3], &[0.0, 0.5, 1.0]);
        let c = |k: f64| (1.0 + (std::f64::consts::PI * k / 8.0).cos()) / 2.0;
        assert_lrs(&got[3..6], &[c(1.0), c(2.0), c(3.0)]);
        assert!(got[10].abs() < 1e-16);
        assert_eq!(got[11], 0.0);
    }

    #[test]
    fn default_warmup_is_five_percent() {
        let got = lrs("warmup_cosine", 2.0, 100, 6);
        assert_lrs(&got, &[0.0, 0.4, 0.8, 1.2, 1.6, 2.0]);
    }

    #[test]
    fn no_warmup_is_plain_cosine() {
        assert_eq!(lrs("warmup_cosine:warmup=0", 1.0, 4, 1), vec![1.0]);
    }
}
