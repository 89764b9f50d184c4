//! `step`: lr_t = lr0·gamma^⌊t/step_size⌋ (torch StepLR).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "step",
    summary: "multiply the lr by gamma every step_size epochs",
    reference: "torch.optim.lr_scheduler.StepLR",
    keys: &[
        Key::int("step_size", 10, 1, 1_000_000_000, "epochs between decays"),
        Key::float(
            "gamma",
            0.1,
            Range::Float {
                lo: Bound::Excl(0.0),
                hi: Bound::Incl(1.0),
            },
            "decay factor",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Step decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Epochs between decays, ≥ 1 (default 10).
    pub step_size: u64,
    /// Factor in (0, 1] (default 0.1).
    pub gamma: f64,
}

impl Curve for Step {
    fn lr_at(&self, lr0: f64, t: usize, _budget: usize) -> f64 {
        lr0 * self.gamma.powf((t as u64 / self.step_size) as f64)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn decays_every_step_size_epochs() {
        assert_lrs(
            &lrs("step:step_size=2,gamma=0.5", 1.0, 10, 6),
            &[1.0, 1.0, 0.5, 0.5, 0.25, 0.25],
        );
        assert_lrs(&lrs("step", 2.0, 10, 12)[9..], &[2.0, 0.2, 0.2]);
    }
}
