//! Learning-rate schedules. A schedule advances once per epoch; t is the number of completed
//! epochs, lr0 the optimizer's lr and T the epoch budget. Every schedule takes `min_lr`
//! (default 0): lr_t = max(lr_t, min_lr) (for `plateau`, torch's own min_lr rule).
//!
//! A [`ScheduleConfig`] is plain data from a spec string; `build(lr0, budget)` gives a
//! [`Schedule`], which says the lr for the coming epoch and is told when an epoch ends (with
//! the validation loss, which only `plateau` uses).
//!
//! # Linear warm-up before any schedule
//!
//! Every schedule also takes `warmup_epochs` and `warmup_start_factor`: `NAME:warmup_epochs=n`
//! (n ≥ 1) runs torch's
//!
//! ```text
//! SequentialLR([LinearLR(start_factor=s, end_factor=1, total_iters=n), NAME], milestones=[n])
//! ```
//! with s = `warmup_start_factor` (default 1/3, LinearLR's). That is, with L the lr the warm-up
//! ramps to:
//!
//! ```text
//! t < n:   lr_t = L·(s + (1 − s)·t/n)            (LinearLR)
//! t ≥ n:   lr_t = NAME's own lr at t − n         (NAME restarted from its t = 0)
//! ```
//! * L is lr0, except for `one_cycle`, whose constructor sets torch's `initial_lr` to
//!   lr0/div_factor, which SequentialLR then warms up to: the warm-up joins the cycle's start.
//! * SequentialLR restarts NAME at the milestone from its own t = 0 (for `cyclic` that is a
//!   jump from lr0 down to base_factor·lr0), and NAME's budget-derived defaults (cosine's
//!   t_max, one_cycle's total_steps, ...) count the epochs after the warm-up: T − n (at least 1).
//! * `min_lr` floors the warm-up too, except for `plateau`, where (as in torch) min_lr only
//!   limits its cuts. torch's SequentialLR refuses ReduceLROnPlateau; optbench runs it as if it
//!   did not: `plateau` starts at the milestone with lr0 and a fresh state, and sees the
//!   validation losses of the epochs run under it (not those of the warm-up).
//! * These keys are unlike `warmup_cosine`'s `warmup`, a fraction of the budget warmed up from
//!   lr 0 inside that schedule's own formula; the two can be combined (warm-up first).
//! * Unset, the two keys print nowhere (their defaults are not written into canonical spec
//!   strings, so specs without warm-up keep their identity); `warmup_start_factor` without
//!   `warmup_epochs` ≥ 1 is refused.
//!
//! May use: `spec`. Knows nothing of optimizers, problems or the harness.

mod constant;
mod cosine;
mod cosine_restarts;
mod cyclic;
mod exponential;
mod inverse_sqrt;
mod inverse_time;
mod linear;
mod one_cycle;
mod plateau;
mod polynomial;
mod step;
mod warmup;
mod warmup_cosine;

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::spec::{EntryInfo, Key, Params, Range, Registry, SpecError, Value};

pub use constant::Constant;
pub use cosine::Cosine;
pub use cosine_restarts::CosineRestarts;
pub use cyclic::{Cyclic, CyclicMode};
pub use exponential::Exponential;
pub use inverse_sqrt::InverseSqrt;
pub use inverse_time::InverseTime;
pub use linear::Linear;
pub use one_cycle::{AnnealStrategy, OneCycle};
pub use plateau::{Plateau, PlateauConfig};
pub use polynomial::Polynomial;
pub use step::Step;
pub use warmup::Warmup;
pub use warmup_cosine::WarmupCosine;

use warmup::{WARMUP_EPOCHS, WARMUP_START_FACTOR};

/// A schedule in use: the lr of the coming epoch, advanced at each epoch's end.
pub trait Schedule: Send {
    /// The learning rate for the coming epoch.
    fn lr(&self) -> f64;
    /// An epoch has ended; `metric` is the validation loss after it (only `plateau` reads it).
    fn end_epoch(&mut self, metric: f64);
}

/// A validated schedule configuration.
pub trait ScheduleConfig: Debug + Send + Sync {
    /// The schedule for base lr `lr0` and an epoch budget `budget` (≥ 1), which sets defaults
    /// such as cosine's t_max.
    fn build(&self, lr0: f64, budget: usize) -> Box<dyn Schedule>;
    /// The lr a warm-up chained before this schedule ramps to: torch's `initial_lr` of the
    /// optimizer's group once this schedule is constructed (lr0 unless it overwrites it).
    fn warmup_target(&self, lr0: f64) -> f64 {
        lr0
    }
}

/// A schedule given by a closed form lr_t = f(lr0, t, budget).
pub trait Curve: Debug + Clone + Send + Sync + 'static {
    /// The lr after `t` completed epochs, before the `min_lr` floor.
    fn lr_at(&self, lr0: f64, t: usize, budget: usize) -> f64;
    /// Checks combinations of keys; returns what is wrong.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// See [`ScheduleConfig::warmup_target`].
    fn warmup_target(&self, lr0: f64) -> f64 {
        lr0
    }
}

/// A closed-form curve with its `min_lr` floor: the config of every schedule but `plateau`.
#[derive(Debug, Clone)]
pub struct Floored<C> {
    /// The closed form.
    pub curve: C,
    /// lr_t = max(curve, min_lr).
    pub min_lr: f64,
}

impl<C: Curve> ScheduleConfig for Floored<C> {
    fn build(&self, lr0: f64, budget: usize) -> Box<dyn Schedule> {
        Box::new(CurveSchedule {
            config: self.clone(),
            lr0,
            budget: budget.max(1),
            t: 0,
        })
    }

    fn warmup_target(&self, lr0: f64) -> f64 {
        self.curve.warmup_target(lr0)
    }
}

/// A closed-form schedule in use: counts completed epochs.
#[derive(Debug, Clone)]
struct CurveSchedule<C> {
    config: Floored<C>,
    lr0: f64,
    budget: usize,
    t: usize,
}

impl<C: Curve> Schedule for CurveSchedule<C> {
    fn lr(&self) -> f64 {
        let lr = self.config.curve.lr_at(self.lr0, self.t, self.budget);
        lr.max(self.config.min_lr)
    }

    fn end_epoch(&mut self, _metric: f64) {
        self.t += 1;
    }
}

/// The `min_lr` key every schedule takes.
pub(crate) const MIN_LR: Key = Key::float(
    "min_lr",
    0.0,
    Range::NON_NEGATIVE,
    "floor: lr_t = max(lr_t, min_lr)",
);

const KIND: &str = "schedule";

/// Builds a config from validated values.
pub type ConfigBuilder = fn(&Params) -> Result<Box<dyn ScheduleConfig>, SpecError>;

/// The `min_lr` value of validated schedule params.
fn min_lr_of(params: &Params) -> f64 {
    match params.get(MIN_LR.name) {
        Some(Value::Float(v)) => v,
        _ => 0.0,
    }
}

/// The params without the warm-up keys, which [`warmup::chain`] handles for every schedule.
fn without_warmup(params: &Params) -> Params {
    params
        .without(WARMUP_EPOCHS.name)
        .without(WARMUP_START_FACTOR.name)
}

/// Builds a closed-form schedule config: the curve from every key but `min_lr` and the
/// warm-up keys, floored at `min_lr`, after the warm-up if one is asked for.
pub fn curve_from_params<C>(params: &Params) -> Result<Box<dyn ScheduleConfig>, SpecError>
where
    C: Curve + DeserializeOwned,
{
    let curve: C = without_warmup(params)
        .without(MIN_LR.name)
        .to_checked_config(KIND, C::check)?;
    let min_lr = min_lr_of(params);
    warmup::chain(params, Box::new(Floored { curve, min_lr }), Some(min_lr))
}

fn plateau_from_params(params: &Params) -> Result<Box<dyn ScheduleConfig>, SpecError> {
    let config: PlateauConfig = without_warmup(params).to_config(KIND)?;
    warmup::chain(params, Box::new(config), None)
}

/// The built-in schedules, in listing order.
pub fn registry() -> &'static Registry<ConfigBuilder> {
    static REGISTRY: OnceLock<Registry<ConfigBuilder>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r: Registry<ConfigBuilder> = Registry::new(KIND);
        r.add(constant::ENTRY, curve_from_params::<Constant>)
            .add(step::ENTRY, curve_from_params::<Step>)
            .add(exponential::ENTRY, curve_from_params::<Exponential>)
            .add(inverse_time::ENTRY, curve_from_params::<InverseTime>)
            .add(inverse_sqrt::ENTRY, curve_from_params::<InverseSqrt>)
            .add(cosine::ENTRY, curve_from_params::<Cosine>)
            .add(warmup_cosine::ENTRY, curve_from_params::<WarmupCosine>)
            .add(plateau::ENTRY, plateau_from_params)
            .add(one_cycle::ENTRY, curve_from_params::<OneCycle>)
            .add(cosine_restarts::ENTRY, curve_from_params::<CosineRestarts>)
            .add(linear::ENTRY, curve_from_params::<Linear>)
            .add(polynomial::ENTRY, curve_from_params::<Polynomial>)
            .add(cyclic::ENTRY, curve_from_params::<Cyclic>);
        r
    })
}

/// A parsed schedule spec: canonical values and the validated config.
#[derive(Debug)]
pub struct ScheduleSpec {
    /// Every key's value; prints as the canonical spec string.
    pub params: Params,
    /// The validated configuration.
    pub config: Box<dyn ScheduleConfig>,
}

/// Parses a schedule spec string such as `cosine:eta_min=1e-4`.
///
/// A schedule is built for a base learning rate and an epoch budget, and steps once per epoch:
///
/// ```
/// let step = optbench::schedule::parse("step:step_size=2,gamma=0.5")?;
/// let mut schedule = step.config.build(1.0, 6);
/// let mut lrs = Vec::new();
/// for _ in 0..6 {
///     lrs.push(schedule.lr());
///     schedule.end_epoch(0.0); // the epoch's loss (only `plateau` reads it)
/// }
/// assert_eq!(lrs, [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]);
/// # Ok::<(), optbench::spec::SpecError>(())
/// ```
pub fn parse(text: &str) -> Result<ScheduleSpec, SpecError> {
    let (entry, params) = registry().parse(text)?;
    let config = (entry.build)(&params)?;
    Ok(ScheduleSpec { params, config })
}

/// The entry infos of every built-in schedule.
pub fn entries() -> impl Iterator<Item = &'static EntryInfo> {
    registry().entries().iter().map(|e| &e.info)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::parse;

    /// The first `n` lrs of `spec` for lr0 and budget, with a constant metric.
    pub fn lrs(spec: &str, lr0: f64, budget: usize, n: usize) -> Vec<f64> {
        let mut s = parse(spec).unwrap().config.build(lr0, budget);
        (0..n)
            .map(|_| {
                let lr = s.lr();
                s.end_epoch(1.0);
                lr
            })
            .collect()
    }

    /// Asserts two lr sequences agree to 1e-12 relative.
    pub fn assert_lrs(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len());
        for (t, (a, e)) in actual.iter().zip(expected).enumerate() {
            assert!(
                (a - e).abs() <= 1e-12 * e.abs().max(1e-300),
                "t={t}: {a:e} vs {e:e}\n{actual:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{assert_lrs, lrs};
    use super::*;

    #[test]
    fn every_entry_parses_from_its_own_name_and_takes_min_lr() {
        for info in entries() {
            let spec = parse(info.name).unwrap_or_else(|e| panic!("{}: {e}", info.name));
            let s = spec.config.build(0.1, 10);
            assert!(
                s.lr() > 0.0 || info.name == "warmup_cosine",
                "{}",
                info.name
            );
            assert!(
                info.keys.iter().any(|k| k.name == "min_lr"),
                "{}",
                info.name
            );
            let floored = parse(&format!("{}:min_lr=0.5", info.name)).unwrap();
            let mut s = floored.config.build(1.0, 10);
            for _ in 0..30 {
                assert!(s.lr() >= 0.5, "{}: {}", info.name, s.lr());
                s.end_epoch(1.0);
            }
        }
    }

    #[test]
    fn min_lr_floors_a_decaying_schedule() {
        assert_lrs(
            &lrs("exponential:gamma=0.5,min_lr=0.2", 1.0, 10, 4),
            &[1.0, 0.5, 0.25, 0.2],
        );
    }
}
