//! `one_cycle`: torch OneCycleLR, the lr only. The optimizer's lr is torch's max_lr; total_steps
//! defaults to the epoch budget T. With initial = lr0/div_factor and
//! final = initial/final_div_factor, the lr anneals (by cosine or linearly, as torch's
//! `anneal_strategy`) in phases that end at these steps:
//!
//! ```text
//! two phases:    initial → lr0     until pct_start·T − 1,   lr0 → final    until T − 1
//! three_phase:   initial → lr0     until pct_start·T − 1,   lr0 → initial  until 2·pct_start·T − 2,
//!                initial → final   until T − 1
//! within a phase from step a to step b:  pct = (t − a)/(b − a)
//!   cos:    end + (start − end)/2·(1 + cos(π·pct))
//!   linear: start + (end − start)·pct
//! ```
//! * Momentum is not cycled: torch's default cycle_momentum=True also moves the optimizer's
//!   momentum (or Adam's beta1) between 0.85 and 0.95, which a schedule, which sets only the
//!   lr, cannot do. This is torch's OneCycleLR with cycle_momentum=False.
//! * After total_steps: torch computes one more lr at t = total_steps by extrapolating the last
//!   phase (negative for linear annealing) and raises on the step after. optbench holds the
//!   final lr from t = total_steps on, so a budget past total_steps continues at
//!   final = lr0/(div_factor·final_div_factor).
//! * A phase of length 0 (pct_start·T = 1 puts the first phase's end on step 0, where torch
//!   divides 0 by 0 and raises) gives its start lr.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::{Curve, MIN_LR, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "one_cycle",
    summary: "1cycle: up from lr0/div_factor to lr0, then down far below (the lr only: momentum is not cycled, as torch's cycle_momentum=False)",
    reference: "torch.optim.lr_scheduler.OneCycleLR (max_lr = the optimizer's lr, cycle_momentum=False)",
    keys: &[
        Key::derived(
            "total_steps",
            "epoch budget",
            Range::Int {
                min: 1,
                max: 1_000_000_000,
            },
            "epochs of the cycle; the final lr holds after it",
        ),
        Key::float(
            "pct_start",
            0.3,
            Range::UNIT_CLOSED,
            "fraction of total_steps spent increasing the lr",
        ),
        Key::choice(
            "anneal_strategy",
            "cos",
            &["cos", "linear"],
            "shape of each phase",
        ),
        Key::float(
            "div_factor",
            25.0,
            Range::POSITIVE,
            "initial lr = lr0/div_factor",
        ),
        Key::float(
            "final_div_factor",
            1e4,
            Range::POSITIVE,
            "final lr = initial lr/final_div_factor",
        ),
        Key::bool(
            "three_phase",
            false,
            "come back down to the initial lr before the final annealing",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// How each phase moves from its start lr to its end lr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnealStrategy {
    /// Half a cosine.
    Cos,
    /// A straight line.
    Linear,
}

/// The 1cycle policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneCycle {
    /// Length of the cycle in epochs, ≥ 1 (default: the epoch budget).
    pub total_steps: Option<u64>,
    /// Fraction of the cycle going up, in [0, 1] (default 0.3).
    pub pct_start: f64,
    /// Phase shape (default cos).
    pub anneal_strategy: AnnealStrategy,
    /// initial lr = lr0/div_factor, > 0 (default 25).
    pub div_factor: f64,
    /// final lr = initial lr/final_div_factor, > 0 (default 1e4).
    pub final_div_factor: f64,
    /// Three phases instead of two (default false).
    pub three_phase: bool,
}

impl OneCycle {
    fn anneal(&self, start: f64, end: f64, pct: f64) -> f64 {
        match self.anneal_strategy {
            AnnealStrategy::Cos => end + (start - end) / 2.0 * ((PI * pct).cos() + 1.0),
            AnnealStrategy::Linear => (end - start) * pct + start,
        }
    }
}

impl Curve for OneCycle {
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64 {
        let total = self.total_steps.unwrap_or(budget as u64);
        let initial = lr0 / self.div_factor;
        let last = initial / self.final_div_factor;
        if t as u64 >= total {
            return last;
        }
        let total = total as f64;
        let first_end = self.pct_start * total - 1.0;
        let phases: &[(f64, f64, f64)] = if self.three_phase {
            &[
                (first_end, initial, lr0),
                (2.0 * self.pct_start * total - 2.0, lr0, initial),
                (total - 1.0, initial, last),
            ]
        } else {
            &[(first_end, initial, lr0), (total - 1.0, lr0, last)]
        };
        let step = t as f64;
        let mut start_step = 0.0;
        for (i, &(end_step, start_lr, end_lr)) in phases.iter().enumerate() {
            if step <= end_step || i == phases.len() - 1 {
                let pct = if end_step == start_step {
                    0.0
                } else {
                    (step - start_step) / (end_step - start_step)
                };
                return self.anneal(start_lr, end_lr, pct);
            }
            start_step = end_step;
        }
        unreachable!("the last phase takes every step")
    }

    fn warmup_target(&self, lr0: f64) -> f64 {
        lr0 / self.div_factor
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn goes_up_then_down_linearly() {
        // T = 11, pct_start 0.2: up over steps 0..=1.2, down from 1.2 to 10.
        let got = lrs(
            "one_cycle:pct_start=0.2,anneal_strategy=linear,div_factor=10,final_div_factor=10",
            1.0,
            11,
            13,
        );
        let down = |t: f64| (0.01 - 1.0) * ((t - 1.2) / (10.0 - 1.2)) + 1.0;
        assert_lrs(&got[..2], &[0.1, 0.1 + 0.9 / 1.2]);
        assert_lrs(
            &got[2..11],
            &(2..11).map(|t| down(t as f64)).collect::<Vec<_>>(),
        );
        assert_lrs(&got[11..], &[0.01, 0.01]);
    }

    #[test]
    fn three_phases_come_back_to_the_initial_lr() {
        let got = lrs("one_cycle:pct_start=0.25,three_phase=true", 25.0, 9, 9);
        // Phase ends: 1.25, 2.5, 8; cos annealing.
        assert_eq!(got[0], 1.0);
        assert!(got[1] < 25.0 && got[1] > 20.0, "{got:?}");
        assert!(got[3] < 1.0, "{got:?}");
        assert_lrs(&got[8..], &[1e-4]);
    }

    #[test]
    fn a_phase_of_length_zero_gives_its_start() {
        // pct_start·T = 1: torch divides 0 by 0 at step 0.
        let got = lrs(
            "one_cycle:pct_start=0.1,anneal_strategy=linear",
            25.0,
            10,
            2,
        );
        assert_lrs(&got, &[1.0, (1e-4 - 25.0) / 9.0 + 25.0]);
    }

    #[test]
    fn bad_values_name_the_key_and_range() {
        for (text, needle) in [
            (
                "one_cycle:pct_start=1.1",
                "key 'pct_start' = 1.1 is out of range; allowed: [0, 1]",
            ),
            (
                "one_cycle:div_factor=0",
                "key 'div_factor' = 0 is out of range; allowed: (0, inf)",
            ),
            (
                "one_cycle:final_div_factor=-1",
                "key 'final_div_factor' = -1 is out of range",
            ),
            (
                "one_cycle:total_steps=0",
                "key 'total_steps' = 0 is out of range",
            ),
            (
                "one_cycle:anneal_strategy=cosine",
                "unknown anneal_strategy 'cosine'",
            ),
            (
                "one_cycle:three_phase=1",
                "key 'three_phase' expects true or false",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
