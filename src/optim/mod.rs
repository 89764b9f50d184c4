//! Optimizers: update rules on f64 slices, matching `torch.optim` exactly where the method
//! exists there (every optimizer, its keys and its torch counterpart: `docs/reference.md`).
//!
//! Shape of every optimizer: a config struct (plain serde data; its field names are the keys of
//! its registry entry, whose defaults are the documented ones), an [`OptimizerConfig`] impl that
//! builds the optimizer for a dimension, and the optimizer itself, whose state is allocated once
//! at build time. The learning rate is an argument of every step, so schedules live outside.
//!
//! The common interface is [`Optimizer::step`], which receives an [`Objective`]: first-order
//! methods ask it for one gradient (into a buffer they own) and apply their [`UpdateRule`];
//! the gradient-free `ars` asks it for losses only. Counting the cost of those calls is the
//! objective's business, so every optimizer is charged through the same counters.
//!
//! May use: `spec`. Knows nothing of problems, the harness or the report.

mod adadelta;
mod adafactor;
mod adagrad;
mod adam;
mod adamax;
mod adamw;
mod ars;
mod asgd;
mod dadapt_adam;
mod dadapt_sgd;
mod layout;
mod lbfgs;
mod lion;
mod momentum;
mod muon;
mod nadam;
mod prodigy;
mod radam;
mod register;
mod rmsprop;
mod rprop;
mod schedule_free_adamw;
mod schedule_free_sgd;
mod sgd;

use std::fmt::Debug;
use std::sync::OnceLock;

use serde::de::DeserializeOwned;

use crate::spec::{EntryInfo, Params, Registry, SpecError};

pub use adadelta::{Adadelta, AdadeltaConfig};
pub use adafactor::{Adafactor, AdafactorConfig};
pub use adagrad::{Adagrad, AdagradConfig};
pub use adam::{Adam, AdamConfig};
pub use adamax::{Adamax, AdamaxConfig};
pub use adamw::{AdamW, AdamWConfig};
pub use ars::{Ars, ArsConfig};
pub use asgd::{Asgd, AsgdConfig};
pub use dadapt_adam::{DAdaptAdam, DAdaptAdamConfig};
pub use dadapt_sgd::{DAdaptSgd, DAdaptSgdConfig};
pub use layout::{Group, Layout};
pub use lbfgs::{Lbfgs, LbfgsConfig, LineSearchFn};
pub use lion::{Lion, LionConfig};
pub use momentum::{Momentum, MomentumConfig};
pub use muon::{AdjustLr, Muon, MuonConfig};
pub use nadam::{NAdam, NAdamConfig};
pub use prodigy::{Prodigy, ProdigyConfig};
pub use radam::{RAdam, RAdamConfig};
pub use register::{RegisterError, register, registered_version, source_version};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use rprop::{Rprop, RpropConfig};
pub use schedule_free_adamw::{ScheduleFreeAdamW, ScheduleFreeAdamWConfig};
pub use schedule_free_sgd::{ScheduleFreeSgd, ScheduleFreeSgdConfig};
pub use sgd::{Sgd, SgdConfig};

/// Keys several optimizers share, described once (public, for optimizers registered from
/// outside the crate).
pub mod keys {
    use crate::spec::{Key, Range};

    /// `beta1` = 0.9: the Adam family's first-moment coefficient.
    pub const BETA1: Key = Key::float(
        "beta1",
        0.9,
        Range::UNIT_HALF_OPEN,
        "EMA coefficient of the gradient (first moment)",
    );
    /// `beta2` = 0.999: the Adam family's second-moment coefficient.
    pub const BETA2: Key = Key::float(
        "beta2",
        0.999,
        Range::UNIT_HALF_OPEN,
        "EMA coefficient of the squared gradient (second moment)",
    );
    /// `weight_decay` = 0 in torch's L2 form.
    pub const L2_WEIGHT_DECAY: Key = Key::float(
        "weight_decay",
        0.0,
        Range::NON_NEGATIVE,
        "L2 penalty: weight_decay·x is added to the gradient",
    );

    /// `lr` with the optimizer's default.
    pub const fn lr(default: f64) -> Key {
        Key::float("lr", default, Range::POSITIVE, "learning rate")
    }
}

/// What an optimizer may ask of the function it minimizes.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// The loss at `x`.
    fn loss(&mut self, x: &[f64]) -> f64;
    /// Writes the gradient at `x` into `grad`. First-order methods need no loss, so none is
    /// computed (for a logistic loss that saves a `log1p` per sample).
    fn gradient(&mut self, x: &[f64], grad: &mut [f64]);
    /// The loss at `x`, with its gradient written into `grad`: what methods that search along
    /// a line (`lbfgs`) ask for. The default asks for both separately; an objective that gets
    /// the loss with the gradient for free overrides it (and charges one gradient only).
    fn loss_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.gradient(x, grad);
        self.loss(x)
    }
}

/// An optimizer built for a fixed dimension, with its state.
pub trait Optimizer: Send {
    /// One update of `params` (in place) with learning rate `lr`. Never allocates.
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64);

    /// The point whose loss measures progress, when it is not `params` itself: the averaged
    /// point of a schedule-free method (what its reference's `eval()` mode puts in the
    /// parameters). `None` (the default): `params` is that point.
    fn evaluation_point(&mut self, params: &[f64]) -> Option<&[f64]> {
        let _ = params;
        None
    }
}

/// The arithmetic of a first-order method: one update from a given gradient.
/// This is the kernel the benchmarks time; it streams its state once per call.
pub trait UpdateRule: Send {
    /// Updates `params` in place from the gradient `grad` at `params`, with learning rate `lr`.
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64);

    /// How many per-parameter state vectors one update reads and writes.
    fn state_vectors(&self) -> usize;

    /// Bytes one update must move per parameter: the parameter read and written (16), the
    /// gradient read (8), each state vector read and written (16). The bandwidth bound of a
    /// step is this times the dimension, divided by the machine's bandwidth.
    fn bytes_per_param(&self) -> usize {
        24 + 16 * self.state_vectors()
    }
}

/// The number of allocated vectors among `state` (an unused option's vector is left empty).
pub(crate) fn allocated(state: &[&Vec<f64>]) -> usize {
    state.iter().filter(|v| !v.is_empty()).count()
}

/// A first-order optimizer: asks the objective for one gradient per step, into a buffer
/// allocated once, and applies its update rule.
pub struct FirstOrder {
    rule: Box<dyn UpdateRule>,
    grad: Vec<f64>,
}

impl FirstOrder {
    /// Wraps `rule` for `dim` parameters.
    pub fn new(rule: Box<dyn UpdateRule>, dim: usize) -> Self {
        FirstOrder {
            rule,
            grad: vec![0.0; dim],
        }
    }
}

impl Optimizer for FirstOrder {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        objective.gradient(params, &mut self.grad);
        self.rule.update(params, &self.grad, lr);
    }
}

/// A validated optimizer configuration: knows its learning rate and builds the optimizer.
pub trait OptimizerConfig: Debug + Send + Sync {
    /// The base learning rate (`lr` key), which schedules scale.
    fn lr(&self) -> f64;
    /// Checks combinations of keys that are each valid alone; returns what is wrong.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// Whether a schedule changes what the optimizer does. `rprop` uses the lr only as its
    /// initial step size (as torch does), so schedules have no effect on it.
    fn follows_schedule(&self) -> bool {
        true
    }
    /// Whether the method is meant to be used at its defaults without tuning: it sets its own
    /// step size (learning-rate-free) or needs no schedule (schedule-free). The report's
    /// answer for users who will not tune compares these, at their defaults, with the tuned
    /// pick.
    fn needs_no_tuning(&self) -> bool {
        false
    }
    /// Why the method needs exact gradients of one fixed objective, when it does: the grid then
    /// runs it with the full batch only and reports the other batch modes as skipped with this
    /// reason. `None` (the default): any batch mode.
    fn full_batch_only(&self) -> Option<&'static str> {
        None
    }
    /// The method for `dim` parameters, state allocated. `seed` feeds the optimizer's own
    /// randomness (only `ars` has any).
    fn method(&self, dim: usize, seed: u64) -> Method;
    /// The method for parameters cut as `layout`. Methods that ignore shapes keep the
    /// default, which sees the flat dimension only (so their state and trajectory cannot
    /// depend on the grouping); methods that treat matrices differently override it.
    fn method_for(&self, layout: &Layout, seed: u64) -> Method {
        self.method(layout.dim(), seed)
    }
    /// Whether the method reads the layout (see [`OptimizerConfig::method_for`]).
    fn uses_shapes(&self) -> bool {
        false
    }
    /// The optimizer for parameters cut as `layout`, ready to step.
    fn build_for(&self, layout: &Layout, seed: u64) -> Box<dyn Optimizer> {
        match self.method_for(layout, seed) {
            Method::FirstOrder(rule) => Box::new(FirstOrder::new(rule, layout.dim())),
            Method::Custom(optimizer) => optimizer,
        }
    }
    /// The optimizer for `dim` flat parameters (one vector), ready to step.
    fn build(&self, dim: usize, seed: u64) -> Box<dyn Optimizer> {
        self.build_for(&Layout::flat(dim), seed)
    }
}

/// What an optimizer needs from its objective.
pub enum Method {
    /// One gradient per step, turned into an update by this rule.
    FirstOrder(Box<dyn UpdateRule>),
    /// Anything else (`ars`'s loss evaluations, a line search, a schedule-free average): the
    /// optimizer queries the objective itself.
    Custom(Box<dyn Optimizer>),
}

/// Builds a config from validated values.
pub type ConfigBuilder = fn(&Params) -> Result<Box<dyn OptimizerConfig>, SpecError>;

/// Deserializes a config from the values and checks cross-key constraints.
pub fn config_from_params<C>(params: &Params) -> Result<Box<dyn OptimizerConfig>, SpecError>
where
    C: OptimizerConfig + DeserializeOwned + 'static,
{
    Ok(Box::new(params.to_checked_config(KIND, C::check)?))
}

const KIND: &str = "optimizer";

/// Every optimizer: the built-ins, then those given to [`register`] before first use.
pub fn registry() -> &'static Registry<ConfigBuilder> {
    static REGISTRY: OnceLock<Registry<ConfigBuilder>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = builtins();
        register::install(&mut r);
        r
    })
}

/// The built-in optimizers: adding one is its file and one line here.
fn builtins() -> Registry<ConfigBuilder> {
    {
        let mut r: Registry<ConfigBuilder> = Registry::new(KIND);
        r.add(sgd::ENTRY, config_from_params::<SgdConfig>)
            .add(momentum::ENTRY, config_from_params::<MomentumConfig>)
            .add(adagrad::ENTRY, config_from_params::<AdagradConfig>)
            .add(adadelta::ENTRY, config_from_params::<AdadeltaConfig>)
            .add(rmsprop::ENTRY, config_from_params::<RmsPropConfig>)
            .add(rprop::ENTRY, config_from_params::<RpropConfig>)
            .add(adam::ENTRY, config_from_params::<AdamConfig>)
            .add(adamw::ENTRY, config_from_params::<AdamWConfig>)
            .add(nadam::ENTRY, config_from_params::<NAdamConfig>)
            .add(radam::ENTRY, config_from_params::<RAdamConfig>)
            .add(adamax::ENTRY, config_from_params::<AdamaxConfig>)
            .add(lion::ENTRY, config_from_params::<LionConfig>)
            .add(ars::ENTRY, config_from_params::<ArsConfig>)
            .add(asgd::ENTRY, config_from_params::<AsgdConfig>)
            .add(lbfgs::ENTRY, config_from_params::<LbfgsConfig>)
            .add(muon::ENTRY, config_from_params::<MuonConfig>)
            .add(adafactor::ENTRY, config_from_params::<AdafactorConfig>)
            .add(
                schedule_free_sgd::ENTRY,
                config_from_params::<ScheduleFreeSgdConfig>,
            )
            .add(
                schedule_free_adamw::ENTRY,
                config_from_params::<ScheduleFreeAdamWConfig>,
            )
            .add(prodigy::ENTRY, config_from_params::<ProdigyConfig>)
            .add(dadapt_sgd::ENTRY, config_from_params::<DAdaptSgdConfig>)
            .add(dadapt_adam::ENTRY, config_from_params::<DAdaptAdamConfig>);
        r
    }
}

/// A parsed optimizer spec: the canonical values and the validated config.
#[derive(Debug)]
pub struct OptimizerSpec {
    /// The values of every key, defaults filled in; prints as the canonical spec string.
    pub params: Params,
    /// The validated configuration.
    pub config: Box<dyn OptimizerConfig>,
}

/// Parses an optimizer spec string such as `adam:lr=0.01,amsgrad=true`.
///
/// Keys left out take their documented defaults; a wrong name, key or value is an error that
/// says what is allowed.
///
/// ```
/// let sgd = optbench::optim::parse("sgd:lr=0.1,momentum=0.9")?;
/// assert_eq!(sgd.config.lr(), 0.1);
/// assert_eq!(sgd.params.to_string(), "sgd:lr=0.1,momentum=0.9,dampening=0.0,nesterov=false,weight_decay=0.0");
///
/// let typo = optbench::optim::parse("adam:betas1=0.8").unwrap_err().to_string();
/// assert!(typo.contains("did you mean beta1?"), "{typo}");
/// # Ok::<(), optbench::spec::SpecError>(())
/// ```
pub fn parse(text: &str) -> Result<OptimizerSpec, SpecError> {
    let (entry, params) = registry().parse(text)?;
    let config = (entry.build)(&params)?;
    Ok(OptimizerSpec { params, config })
}

/// The entry infos of every optimizer (built-in or registered).
pub fn entries() -> impl Iterator<Item = &'static EntryInfo> {
    registry().entries().iter().map(|e| &e.info)
}

// ---- torch's pointwise arithmetic, rounding for rounding ------------------------------
//
// torch's CPU kernels fuse some multiply-adds (vectorized `fmadd`), so each helper below
// rounds exactly where the torch operation it is named after does. Measured on torch 2.15
// against exact fused multiply-add: `add(alpha=)`, `addcmul` and `lerp` fuse; `addcdiv` does
// not. `f64::mul_add` is exact on every machine (software fallback where the CPU lacks FMA),
// so results do not depend on the hardware; [`fused!`] picks the hardware instruction.

/// torch `a.add(b, alpha=s)`: a + s·b, rounded once.
#[inline(always)]
pub(crate) fn add_scaled(a: f64, s: f64, b: f64) -> f64 {
    s.mul_add(b, a)
}

/// torch `a.addcmul(b, c, value=s)`: a + (s·b)·c, the last step fused.
#[inline(always)]
pub(crate) fn addcmul(a: f64, s: f64, b: f64, c: f64) -> f64 {
    (s * b).mul_add(c, a)
}

/// torch `a.addcdiv(b, c, value=s)`: a + (s·b)/c (not fused).
#[inline(always)]
pub(crate) fn addcdiv(a: f64, s: f64, b: f64, c: f64) -> f64 {
    a + (s * b) / c
}

/// torch `a.lerp(b, w)` = a + w·(b − a), computed as torch's CPU kernel does (from the far end
/// when |w| ≥ 0.5, the multiply-add fused).
#[inline(always)]
pub(crate) fn lerp(a: f64, b: f64, w: f64) -> f64 {
    let diff = b - a;
    if w.abs() < 0.5 {
        w.mul_add(diff, a)
    } else {
        (w - 1.0).mul_add(diff, b)
    }
}

/// torch's EMA of squares `v.mul_(β).addcmul_(g, g, value=1−β)`.
#[inline(always)]
pub(crate) fn ema_square(v: f64, beta: f64, g: f64) -> f64 {
    addcmul(v * beta, 1.0 - beta, g, g)
}

/// Runs `$body` compiled with the CPU's fused multiply-add when it has one (checked once at
/// run time), so kernels written with `mul_add` stay vectorized; elsewhere the same code uses
/// the exact software fallback. The results are identical either way.
macro_rules! fused {
    ($body:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "fma,avx2")]
            unsafe fn with_fma<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            if std::arch::is_x86_feature_detected!("fma")
                && std::arch::is_x86_feature_detected!("avx2")
            {
                // SAFETY: the features were detected on this CPU just above.
                unsafe { with_fma(|| $body) }
            } else {
                $body
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $body
        }
    }};
}
pub(crate) use fused;

/// torch's `maximum`: the larger value, NaN if either is NaN (f64::max would hide a NaN).
#[inline(always)]
pub(crate) fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// torch's `sign`: −1 or 1, and the value itself for ±0 and NaN (a select, no branch).
#[inline(always)]
pub(crate) fn sign(x: f64) -> f64 {
    let s = if x > 0.0 { 1.0 } else { x };
    if x < 0.0 { -1.0 } else { s }
}

/// Runs one update rule for `steps` updates on a fixed objective; shared by the unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::Objective;

    /// f(x) = ½ Σ c_i x_i², gradient c_i x_i.
    pub struct Quadratic(pub Vec<f64>);

    impl Objective for Quadratic {
        fn dim(&self) -> usize {
            self.0.len()
        }
        fn loss(&mut self, x: &[f64]) -> f64 {
            0.5 * x.iter().zip(&self.0).map(|(x, c)| c * x * x).sum::<f64>()
        }
        fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
            for ((g, x), c) in grad.iter_mut().zip(x).zip(&self.0) {
                *g = c * x;
            }
        }
    }

    /// Asserts two floats agree to a relative tolerance of 1e-12.
    pub fn assert_close(actual: f64, expected: f64) {
        let scale = expected.abs().max(1e-300);
        assert!(
            (actual - expected).abs() <= 1e-12 * scale,
            "actual {actual:e}, expected {expected:e}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_parses_from_its_own_name_and_builds() {
        let mut obj = testing::Quadratic(vec![1.0, 10.0]);
        for info in entries() {
            let spec = parse(info.name).unwrap_or_else(|e| panic!("{}: {e}", info.name));
            assert_eq!(spec.params.entry(), info.name);
            let mut opt = spec.config.build(2, 0);
            let mut x = vec![1.0, 1.0];
            opt.step(&mut x, &mut obj, spec.config.lr());
            assert!(x.iter().all(|v| v.is_finite()), "{}", info.name);
            assert_ne!(x, vec![1.0, 1.0], "{} did not move", info.name);
        }
    }

    /// The bytes each update moves per parameter follow its options' state.
    #[test]
    fn bytes_per_param_counts_the_state_in_use() {
        for (spec, bytes) in [
            ("sgd", 24),
            ("sgd:momentum=0.9", 40),
            ("momentum", 40),
            ("adagrad", 40),
            ("adadelta", 56),
            ("rmsprop", 40),
            ("rmsprop:centered=true", 56),
            ("rmsprop:centered=true,momentum=0.9", 72),
            ("rprop", 56),
            ("adam", 56),
            ("adam:amsgrad=true", 72),
            ("adamw", 56),
            ("nadam", 56),
            ("radam", 56),
            ("adamax", 56),
            ("lion", 40),
            ("prodigy", 88),
            ("prodigy:beta1=0", 72),
            ("dadapt_sgd", 56),
            ("dadapt_adam", 72),
            ("asgd", 40),
        ] {
            let Method::FirstOrder(rule) = parse(spec).unwrap().config.method(10, 0) else {
                panic!("{spec} is first-order")
            };
            assert_eq!(rule.bytes_per_param(), bytes, "{spec}");
        }
    }

    /// A method that ignores shapes does the same whatever the grouping: its trajectory on
    /// one flat vector and on the same values cut into matrices and vectors is bit-identical.
    #[test]
    fn shape_blind_methods_ignore_the_grouping() {
        let cut = Layout::new([("W", vec![2, 3]), ("b", vec![2]), ("v", vec![4])]);
        let dim = cut.dim();
        let curvature: Vec<f64> = (0..dim).map(|i| 1.0 + i as f64).collect();
        let mut blind = 0;
        for info in entries() {
            let spec = parse(info.name).unwrap();
            if spec.config.uses_shapes() {
                continue;
            }
            blind += 1;
            let run = |layout: &Layout| {
                let mut opt = spec.config.build_for(layout, 7);
                let mut obj = testing::Quadratic(curvature.clone());
                let mut x: Vec<f64> = (0..dim).map(|i| 1.0 - 0.1 * i as f64).collect();
                for _ in 0..20 {
                    opt.step(&mut x, &mut obj, spec.config.lr());
                }
                x
            };
            assert_eq!(run(&cut), run(&Layout::flat(dim)), "{}", info.name);
        }
        assert!(blind >= 13, "{blind}");
    }

    #[test]
    fn lr_key_is_the_config_lr() {
        for info in entries() {
            let spec = parse(&format!("{}:lr=0.125", info.name)).unwrap();
            assert_eq!(spec.config.lr(), 0.125, "{}", info.name);
        }
    }

    #[test]
    fn torch_arithmetic_helpers() {
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
        // Fused: 1 + 2^-30·(1 + 2^-30) needs the 2^-60 term that a separate product drops
        // below the rounding of the sum only when the sum is not rounded in between.
        let e = 2f64.powi(-30);
        assert_eq!(add_scaled(-1.0, 1.0 + e, 1.0 - e), -e * e);
        assert_eq!(addcmul(-1.0, 1.0, 1.0 + e, 1.0 - e), -e * e);
        assert_eq!(addcdiv(1.0, -2.0, 3.0, 4.0), -0.5);
        assert_eq!(ema_square(1.0, 0.5, 2.0), 2.5);
        assert_eq!(sign(-0.0), 0.0);
        assert_eq!(sign(-2.0), -1.0);
    }
}
