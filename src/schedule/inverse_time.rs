//! `inverse_time`: lr_t = lr0 / (1 + decay_rate·t).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "inverse_time",
    summary: "lr0 / (1 + decay_rate·t)",
    reference: "inverse-time decay (torch: LambdaLR)",
    keys: &[
        Key::float(
            "decay_rate",
            0.1,
            Range::NON_NEGATIVE,
            "decay rate per epoch",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Inverse-time decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InverseTime {
    /// Rate ≥ 0 (default 0.1).
    pub decay_rate: f64,
}

impl Curve for InverseTime {
    fn lr_at(&self, lr0: f64, t: usize, _budget: usize) -> f64 {
        lr0 / (1.0 + self.decay_rate * t as f64)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn decays_as_one_over_t() {
        assert_lrs(
            &lrs("inverse_time:decay_rate=1", 1.0, 10, 4),
            &[1.0, 0.5, 1.0 / 3.0, 0.25],
        );
    }
}
