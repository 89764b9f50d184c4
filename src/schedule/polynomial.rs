//! `polynomial`: torch PolynomialLR.
//!
//! ```text
//! lr_t = lr0·(1 − min(t, total_iters)/total_iters)^power
//! ```
//! so the lr reaches 0 at t = total_iters and stays there (then the `min_lr` floor). torch's
//! default total_iters is 5; here it defaults to the epoch budget, so the decay spans the run.
//! torch multiplies the lr recursively; this closed form is torch's own `_get_closed_form_lr`
//! and agrees to rounding.

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "polynomial",
    summary: "lr0·(1 − t/total_iters)^power, 0 from total_iters on",
    reference: "torch.optim.lr_scheduler.PolynomialLR (total_iters defaults to the budget, not 5)",
    keys: &[
        Key::derived(
            "total_iters",
            "epoch budget",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs until the lr reaches 0",
        ),
        Key::float("power", 1.0, Range::POSITIVE, "power of the polynomial"),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Polynomial decay to 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Polynomial {
    /// Epochs of decay, ≥ 1 (default: the epoch budget).
    pub total_iters: Option<u64>,
    /// Power > 0 (default 1).
    pub power: f64,
}

impl Curve for Polynomial {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        let n = self.total_iters.unwrap_or(budget as u64);
        let done = (t as u64).min(n) as f64 / n as f64;
        lr0 * (1.0 - done).powf(self.power)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn decays_to_zero_over_the_budget_by_default() {
        assert_lrs(
            &lrs("polynomial", 2.0, 4, 6),
            &[2.0, 1.5, 1.0, 0.5, 0.0, 0.0],
        );
        assert_lrs(
            &lrs("polynomial:total_iters=2,power=2", 1.0, 100, 4),
            &[1.0, 0.25, 0.0, 0.0],
        );
    }

    #[test]
    fn bad_values_name_the_key_and_range() {
        for (text, needle) in [
            (
                "polynomial:power=0",
                "key 'power' = 0 is out of range; allowed: (0, inf)",
            ),
            (
                "polynomial:total_iters=0",
                "key 'total_iters' = 0 is out of range",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
