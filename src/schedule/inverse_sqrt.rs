//! `inverse_sqrt`: lr_t = lr0·k / sqrt(t + 1).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "inverse_sqrt",
    summary: "lr0·k / sqrt(t+1)",
    reference: "inverse-square-root decay (torch: LambdaLR)",
    keys: &[
        Key::float("k", 1.0, Range::POSITIVE, "scale factor"),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Inverse-square-root decay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InverseSqrt {
    /// Scale > 0 (default 1).
    pub k: f64,
}

impl Curve for InverseSqrt {
    fn lr_at(&self, lr0: f64, t: usize, _budget: usize) -> f64 {
        lr0 * self.k / ((t + 1) as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn decays_as_one_over_root_t() {
        assert_lrs(
            &lrs("inverse_sqrt:k=2", 1.0, 10, 4),
            &[2.0, 2.0 / 2f64.sqrt(), 2.0 / 3f64.sqrt(), 1.0],
        );
    }
}
