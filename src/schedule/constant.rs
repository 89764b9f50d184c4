//! `constant`: lr_t = lr0. No schedule at all (not torch's ConstantLR, which scales lr by 1/3
//! for a few epochs).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::EntryInfo;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "constant",
    summary: "the optimizer's lr throughout",
    reference: "no scheduler (lr_t = lr0)",
    keys: &[MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR],
};

/// The constant schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constant {}

impl Curve for Constant {
    fn lr_at(&self, lr0: f64, _t: usize, _budget: usize) -> f64 {
        lr0
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn stays_at_lr0() {
        assert_lrs(&lrs("constant", 0.3, 5, 3), &[0.3, 0.3, 0.3]);
        assert_lrs(&lrs("constant:min_lr=0.5", 0.3, 5, 2), &[0.5, 0.5]);
    }
}
