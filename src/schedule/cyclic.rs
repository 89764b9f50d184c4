//! `cyclic`: torch CyclicLR, the lr only (momentum is not cycled: torch's cycle_momentum=False).
//! The lr moves in triangles between base = base_factor·lr0 and max = lr0 (the optimizer's lr is
//! torch's max_lr; base_lr is given as a fraction of it, so an lr sweep moves both ends):
//!
//! ```text
//! size  = step_size_up + step_size_down,   ratio = step_size_up/size
//! cycle = ⌊1 + t/size⌋,   x = 1 + t/size − cycle
//! scale = x/ratio if x ≤ ratio, else (x − 1)/(ratio − 1)
//! lr_t  = base + (max − base)·scale·f,   f = 1 (triangular), 1/2^(cycle−1) (triangular2),
//!                                            gamma^t (exp_range)
//! ```
//! torch counts step_size_up (default 2000) in batches; here the schedule advances once per
//! epoch, so the sizes are in epochs and step_size_up defaults to max(1, ⌊T/6⌋) for an epoch
//! budget T: about three whole cycles in the budget.

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "cyclic",
    summary: "triangles between base_factor·lr0 and lr0 (the lr only: momentum is not cycled, as torch's cycle_momentum=False)",
    reference: "torch.optim.lr_scheduler.CyclicLR (max_lr = the optimizer's lr, base_lr = base_factor·lr0, sizes in epochs, cycle_momentum=False)",
    keys: &[
        Key::float(
            "base_factor",
            0.25,
            Range::UNIT_CLOSED,
            "lowest lr as a fraction of lr0 (torch base_lr/max_lr)",
        ),
        Key::derived(
            "step_size_up",
            "max(1, floor(epoch budget / 6))",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs from base to max",
        ),
        Key::derived(
            "step_size_down",
            "step_size_up",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs from max back to base",
        ),
        Key::choice(
            "mode",
            "triangular",
            &["triangular", "triangular2", "exp_range"],
            "triangular: same height; triangular2: height halved each cycle; exp_range: height times gamma^t",
        ),
        Key::float(
            "gamma",
            1.0,
            Range::Float {
                lo: Bound::Excl(0.0),
                hi: Bound::Incl(1.0),
            },
            "exp_range only: height factor gamma^t",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// How the height of the triangles changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CyclicMode {
    /// Constant height.
    Triangular,
    /// Height halved every cycle.
    Triangular2,
    /// Height times gamma^t.
    ExpRange,
}

/// Cyclical learning rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cyclic {
    /// base_lr/lr0 in [0, 1] (default 0.25).
    pub base_factor: f64,
    /// Epochs going up, ≥ 1 (default max(1, ⌊budget/6⌋)).
    pub step_size_up: Option<u64>,
    /// Epochs going down, ≥ 1 (default step_size_up).
    pub step_size_down: Option<u64>,
    /// Height policy (default triangular).
    pub mode: CyclicMode,
    /// exp_range's factor per epoch in (0, 1] (default 1).
    pub gamma: f64,
}

impl Curve for Cyclic {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        let up = self.step_size_up.unwrap_or((budget as u64 / 6).max(1)) as f64;
        let down = self.step_size_down.map_or(up, |d| d as f64);
        let size = up + down;
        let ratio = up / size;
        let t = t as f64;
        let cycle = (1.0 + t / size).floor();
        let x = 1.0 + t / size - cycle;
        let scale = if x <= ratio {
            x / ratio
        } else {
            (x - 1.0) / (ratio - 1.0)
        };
        let base = lr0 * self.base_factor;
        let height = (lr0 - base) * scale;
        let f = match self.mode {
            CyclicMode::Triangular => 1.0,
            CyclicMode::Triangular2 => 1.0 / 2f64.powf(cycle - 1.0),
            CyclicMode::ExpRange => self.gamma.powf(t),
        };
        base + height * f
    }

    fn check(&self) -> Result<(), String> {
        if self.gamma != 1.0 && self.mode != CyclicMode::ExpRange {
            return Err(format!(
                "gamma={} applies only to mode=exp_range",
                self.gamma
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn triangles_between_base_and_lr0() {
        let got = lrs("cyclic:step_size_up=2,base_factor=0.5", 1.0, 100, 6);
        assert_lrs(&got, &[0.5, 0.75, 1.0, 0.75, 0.5, 0.75]);
        let got = lrs(
            "cyclic:step_size_up=1,step_size_down=3,base_factor=0",
            1.0,
            100,
            5,
        );
        assert_lrs(&got[1..], &[1.0, 2.0 / 3.0, 1.0 / 3.0, 0.0]);
        assert_eq!(got[0], 0.0);
    }

    #[test]
    fn triangular2_halves_and_exp_range_decays_the_height() {
        let got = lrs(
            "cyclic:step_size_up=1,base_factor=0,mode=triangular2",
            1.0,
            100,
            6,
        );
        assert_lrs(&got[1..2], &[1.0]);
        assert_lrs(&got[3..4], &[0.5]);
        assert_lrs(&got[5..6], &[0.25]);
        let got = lrs(
            "cyclic:step_size_up=1,base_factor=0,mode=exp_range,gamma=0.5",
            1.0,
            100,
            4,
        );
        assert_lrs(&got[1..2], &[0.5]);
        assert_lrs(&got[3..4], &[0.125]);
    }

    #[test]
    fn step_size_up_defaults_to_a_sixth_of_the_budget() {
        let got = lrs("cyclic", 1.0, 12, 5);
        assert_lrs(&got, &[0.25, 0.625, 1.0, 0.625, 0.25]);
        assert_lrs(&lrs("cyclic", 1.0, 5, 3), &[0.25, 1.0, 0.25]);
    }

    #[test]
    fn bad_values_name_the_key_and_range() {
        for (text, needle) in [
            (
                "cyclic:base_factor=1.5",
                "key 'base_factor' = 1.5 is out of range; allowed: [0, 1]",
            ),
            (
                "cyclic:step_size_up=0",
                "key 'step_size_up' = 0 is out of range",
            ),
            (
                "cyclic:step_size_down=0",
                "key 'step_size_down' = 0 is out of range",
            ),
            ("cyclic:mode=triangle", "unknown mode 'triangle'"),
            (
                "cyclic:mode=exp_range,gamma=0",
                "key 'gamma' = 0 is out of range; allowed: (0, 1]",
            ),
            (
                "cyclic:gamma=0.9",
                "gamma=0.9 applies only to mode=exp_range",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
