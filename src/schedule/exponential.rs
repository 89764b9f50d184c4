//! `exponential`: lr_t = lr0·gamma^t (torch ExponentialLR).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "exponential",
    summary: "multiply the lr by gamma every epoch",
    reference: "torch.optim.lr_scheduler.ExponentialLR",
    keys: &[
        Key::float(
            "gamma",
            0.95,
            Range::Float {
                lo: Bound::Excl(0.0),
                hi: Bound::Incl(1.0),
            },
            "decay factor per epoch",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Exponential decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exponential {
    /// Factor per epoch in (0, 1] (default 0.95).
    pub gamma: f64,
}

impl Curve for Exponential {
    fn lr_at(&self, lr0: f64, t: usize, _budget: usize) -> f64 {
        lr0 * self.gamma.powf(t as f64)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn decays_every_epoch() {
        assert_lrs(
            &lrs("exponential:gamma=0.5", 2.0, 10, 4),
            &[2.0, 1.0, 0.5, 0.25],
        );
        assert_lrs(&lrs("exponential", 1.0, 10, 3), &[1.0, 0.95, 0.9025]);
    }
}
