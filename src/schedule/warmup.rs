//! Linear warm-up chained before any schedule: torch's
//! `SequentialLR([LinearLR(start_factor=s, end_factor=1, total_iters=n), other], milestones=[n])`
//! (see the module docs of `schedule` for the rules at and after the milestone).

use super::{KIND, Schedule, ScheduleConfig};
use crate::spec::{Bound, Key, Params, Range, SpecError, Value};

/// Epochs of warm-up; unset means none. A derived default so that it is not written into
/// canonical spec strings when unset.
pub(crate) const WARMUP_EPOCHS: Key = Key::derived(
    "warmup_epochs",
    "0: no warm-up",
    Range::Int {
        min: 0,
        max: 1_000_000_000,
    },
    "epochs of linear warm-up before this schedule, which then starts from its own t=0 (torch SequentialLR([LinearLR, this], milestones=[warmup_epochs]))",
);

/// LinearLR's start_factor for the warm-up; unset means 1/3.
pub(crate) const WARMUP_START_FACTOR: Key = Key::derived(
    "warmup_start_factor",
    "1/3, LinearLR's",
    Range::Float {
        lo: Bound::Excl(0.0),
        hi: Bound::Incl(1.0),
    },
    "first warm-up lr as a fraction of the lr it ramps to (needs warmup_epochs)",
);

/// torch LinearLR's default start_factor.
const DEFAULT_START_FACTOR: f64 = 1.0 / 3.0;

/// A schedule after a linear warm-up of `epochs` epochs.
#[derive(Debug)]
pub struct Warmup {
    /// Warm-up epochs n ≥ 1: the milestone.
    pub epochs: usize,
    /// LinearLR's start_factor in (0, 1].
    pub start_factor: f64,
    /// `min_lr` for the warm-up's lrs (`None` for `plateau`, whose min_lr only limits cuts).
    pub floor: Option<f64>,
    /// The schedule from the milestone on.
    pub then: Box<dyn ScheduleConfig>,
}

/// Wraps `then` in the warm-up the params ask for, or returns it as it is.
pub(super) fn chain(
    params: &Params,
    then: Box<dyn ScheduleConfig>,
    floor: Option<f64>,
) -> Result<Box<dyn ScheduleConfig>, SpecError> {
    let epochs = match params.get(WARMUP_EPOCHS.name) {
        Some(Value::Int(n)) => n as usize,
        _ => 0,
    };
    let start_factor = match params.get(WARMUP_START_FACTOR.name) {
        Some(Value::Float(s)) if epochs == 0 => {
            return Err(SpecError::Conflict {
                kind: KIND,
                entry: params.entry().to_string(),
                problem: format!(
                    "warmup_start_factor={s} needs warmup_epochs of at least 1 (there is no warm-up)"
                ),
            });
        }
        Some(Value::Float(s)) => s,
        _ => DEFAULT_START_FACTOR,
    };
    if epochs == 0 {
        return Ok(then);
    }
    Ok(Box::new(Warmup {
        epochs,
        start_factor,
        floor,
        then,
    }))
}

impl ScheduleConfig for Warmup {
    fn build(&self, lr0: f64, budget: usize) -> Box<dyn Schedule> {
        Box::new(WarmupSchedule {
            epochs: self.epochs,
            start_factor: self.start_factor,
            floor: self.floor,
            target: self.then.warmup_target(lr0),
            then: self
                .then
                .build(lr0, budget.saturating_sub(self.epochs).max(1)),
            t: 0,
        })
    }
}

/// A warm-up in use, then the chained schedule, which advances only after the milestone.
struct WarmupSchedule {
    epochs: usize,
    start_factor: f64,
    floor: Option<f64>,
    target: f64,
    then: Box<dyn Schedule>,
    t: usize,
}

impl Schedule for WarmupSchedule {
    fn lr(&self) -> f64 {
        if self.t >= self.epochs {
            return self.then.lr();
        }
        // LinearLR's closed form (torch multiplies recursively; equal to rounding).
        let s = self.start_factor;
        let lr = self.target * (s + (1.0 - s) * self.t as f64 / self.epochs as f64);
        match self.floor {
            Some(min_lr) => lr.max(min_lr),
            None => lr,
        }
    }

    fn end_epoch(&mut self, metric: f64) {
        // SequentialLR: the step onto the milestone restarts the schedule at its t = 0; only
        // later steps advance it.
        if self.t >= self.epochs {
            self.then.end_epoch(metric);
        }
        self.t += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::{assert_lrs, lrs};

    #[test]
    fn ramps_from_a_third_then_restarts_the_schedule() {
        // n = 3, s = 1/3: lr0·(1/3 + (2/3)·t/3), then exponential from its t = 0.
        let got = lrs("exponential:gamma=0.5,warmup_epochs=3", 1.0, 10, 6);
        let s = 1.0 / 3.0;
        assert_lrs(
            &got,
            &[
                s,
                s + (1.0 - s) / 3.0,
                s + (1.0 - s) * 2.0 / 3.0,
                1.0,
                0.5,
                0.25,
            ],
        );
        let got = lrs(
            "constant:warmup_epochs=2,warmup_start_factor=0.5",
            2.0,
            10,
            3,
        );
        assert_lrs(&got, &[1.0, 1.5, 2.0]);
    }

    #[test]
    fn budget_derived_defaults_count_the_epochs_after_the_warm_up() {
        // cosine with t_max = 10 − 2 = 8 after 2 warm-up epochs: 0 at t = 10.
        let got = lrs("cosine:warmup_epochs=2", 1.0, 10, 11);
        assert_eq!(got[2], 1.0);
        assert!(got[10].abs() < 1e-16, "{got:?}");
        // A warm-up longer than the budget leaves the schedule a budget of 1.
        let got = lrs("polynomial:warmup_epochs=20", 1.0, 10, 22);
        assert_lrs(&got[20..], &[1.0, 0.0]);
    }

    #[test]
    fn min_lr_floors_the_warm_up_but_not_plateau_s() {
        let got = lrs(
            "constant:warmup_epochs=2,warmup_start_factor=0.1,min_lr=0.5",
            1.0,
            9,
            3,
        );
        assert_lrs(&got, &[0.5, 0.55, 1.0]);
        let got = lrs(
            "plateau:warmup_epochs=2,warmup_start_factor=0.1,min_lr=0.5",
            1.0,
            9,
            3,
        );
        assert_lrs(&got, &[0.1, 0.55, 1.0]);
    }

    #[test]
    fn plateau_starts_fresh_and_sees_only_its_own_epochs() {
        // The losses of the two warm-up epochs (3, 1) are not seen; plateau (patience 0) takes
        // the first 5 as its best, then cuts after each 5 that is not better.
        let mut s = parse("plateau:warmup_epochs=2,patience=0,factor=0.5")
            .unwrap()
            .config
            .build(1.0, 10);
        let mut got = Vec::new();
        for m in [3.0, 1.0, 5.0, 5.0, 5.0] {
            got.push(s.lr());
            s.end_epoch(m);
        }
        got.push(s.lr());
        assert_lrs(&got, &[1.0 / 3.0, 2.0 / 3.0, 1.0, 1.0, 0.5, 0.25]);
    }

    #[test]
    fn start_factor_needs_epochs_and_unset_keys_stay_out_of_the_canonical_string() {
        let e = parse("cosine:warmup_start_factor=0.5")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("warmup_start_factor=0.5 needs warmup_epochs"),
            "{e}"
        );
        let e = parse("cosine:warmup_epochs=0,warmup_start_factor=0.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs warmup_epochs"), "{e}");
        for (text, needle) in [
            (
                "step:warmup_epochs=-1",
                "key 'warmup_epochs' = -1 is out of range",
            ),
            (
                "step:warmup_epochs=1.5",
                "key 'warmup_epochs' expects an integer",
            ),
            (
                "plateau:warmup_epochs=2,warmup_start_factor=0",
                "key 'warmup_start_factor' = 0 is out of range; allowed: (0, 1]",
            ),
            (
                "cyclic:warmup_epochs=2,warmup_start_factor=1.5",
                "allowed: (0, 1]",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert_eq!(
            parse("cosine").unwrap().params.to_string(),
            "cosine:eta_min=0.0,min_lr=0.0"
        );
        assert_eq!(
            parse("cosine:warmup_epochs=3").unwrap().params.to_string(),
            "cosine:eta_min=0.0,min_lr=0.0,warmup_epochs=3"
        );
    }

    #[test]
    fn one_cycle_warms_up_to_its_start() {
        // torch: OneCycleLR sets initial_lr = lr0/div_factor, which SequentialLR ramps to.
        let got = lrs(
            "one_cycle:warmup_epochs=2,warmup_start_factor=0.5",
            25.0,
            12,
            3,
        );
        assert_lrs(&got, &[0.5, 0.75, 1.0]);
    }
}
