//! `linear`: torch LinearLR. The factor on lr0 moves linearly from start_factor to end_factor
//! over total_iters epochs, then stays:
//!
//! ```text
//! lr_t = lr0·(start_factor + (end_factor − start_factor)·min(t, total_iters)/total_iters)
//! ```
//! torch multiplies the lr recursively; this closed form is torch's own `_get_closed_form_lr`
//! and agrees to rounding. The defaults are torch's (1/3, 1, 5). As a warm-up before another
//! schedule, use that schedule's `warmup_epochs` key instead (see the `schedule` module).

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "linear",
    summary: "scale lr0 by a factor moving linearly from start_factor to end_factor over total_iters epochs",
    reference: "torch.optim.lr_scheduler.LinearLR",
    keys: &[
        Key::float(
            "start_factor",
            1.0 / 3.0,
            Range::Float {
                lo: Bound::Excl(0.0),
                hi: Bound::Incl(1.0),
            },
            "factor on lr0 at t = 0",
        ),
        Key::float(
            "end_factor",
            1.0,
            Range::UNIT_CLOSED,
            "factor on lr0 from t = total_iters on",
        ),
        Key::int(
            "total_iters",
            5,
            1,
            1_000_000_000,
            "epochs the factor takes to reach end_factor",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// Linear change of the lr factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linear {
    /// Factor at t = 0, in (0, 1] (default 1/3).
    pub start_factor: f64,
    /// Factor from t = total_iters on, in [0, 1] (default 1).
    pub end_factor: f64,
    /// Epochs of change, ≥ 1 (default 5).
    pub total_iters: u64,
}

impl Curve for Linear {
    fn lr_at(&self, lr0: f64, t: usize, _budget: usize) -> f64 {
        let n = self.total_iters;
        if t as u64 >= n {
            // Exactly the end (torch's recursion lands there to rounding).
            return lr0 * self.end_factor;
        }
        let (s, e) = (self.start_factor, self.end_factor);
        lr0 * (s + (e - s) * t as f64 / n as f64)
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn moves_linearly_then_stays() {
        let third = 1.0 / 3.0;
        let got = lrs("linear", 3.0, 100, 7);
        let f = |t: f64| 3.0 * (third + (1.0 - third) * t / 5.0);
        assert_lrs(&got, &[f(0.0), f(1.0), f(2.0), f(3.0), f(4.0), 3.0, 3.0]);
        let got = lrs(
            "linear:start_factor=1,end_factor=0,total_iters=4",
            1.0,
            100,
            6,
        );
        assert_lrs(&got, &[1.0, 0.75, 0.5, 0.25, 0.0, 0.0]);
    }

    #[test]
    fn bad_values_name_the_key_and_range() {
        for (text, needle) in [
            (
                "linear:start_factor=0",
                "key 'start_factor' = 0 is out of range; allowed: (0, 1]",
            ),
            ("linear:start_factor=1.5", "allowed: (0, 1]"),
            (
                "linear:end_factor=-0.1",
                "key 'end_factor' = -0.1 is out of range; allowed: [0, 1]",
            ),
            (
                "linear:total_iters=0",
                "key 'total_iters' = 0 is out of range; allowed: integer in [1, 1000000000]",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
