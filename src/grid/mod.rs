//! Grids: which problems, optimizers, batch modes, schedules, learning rates and seeds
//! to run, for how many epochs. A grid is a TOML file or a built-in preset; [`plan`] turns it
//! into configurations, each of which the harness runs on its learning-rate sweep.
//!
//! The file format (every key documented in `examples/grid.toml`):
//!
//! ```toml
//! name = "my-grid"                 # optional, shown in reports
//! seed = 0                         # all randomness derives from it (default 0)
//! epochs = 30
//! tuning_seeds = 2                 # seeds on which the learning rate is picked
//! evaluation_seeds = 5             # disjoint seeds on which results are reported
//! problems = [
//!     { spec = "rosenbrock", epochs = 300 },                   # own budget, or the grid's
//!     { spec = "logreg2d:l2=0.01", schedules = ["constant"] }, # own batch modes / schedules
//!     { spec = "quadratic:kappa=1000", set = "holdout" },      # held out from the choice
//!     "logreg2d",
//! ]
//! batch_modes = ["full", "minibatch:size=32"]      # default ["full"]
//! schedules = ["constant", "cosine"]               # default ["constant"]
//! optimizers = ["sgd", { spec = "adam:beta2=0.99", label = "Adam β2=.99" }]
//! [lr]
//! step = 0.5                       # decades between points (at most 0.5)
//! points = 5                       # initial sweep, odd, centred on each optimizer's lr
//! bracket = true                   # extend past an edge that holds the best lr
//! max_decades = 6                  # ... but never beyond lr0·10^±6
//! # values = [0.001, 0.01]         # or an explicit list, not extended (the default lr is added)
//! ```
//!
//! May use: `spec`, `batch`, `optim`, `schedule`, `problem`, `rng`, `num`.

pub mod claims;
pub mod limits;
mod plan;
mod presets;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::spec::SpecError;
use crate::{batch, optim, problem, schedule};

pub use plan::{
    Configuration, InstanceSet, Plan, RunId, RunSpec, SeedRole, Skip, Sweep, plan, problem_seed,
};
pub use presets::{PRESETS, Preset, preset};

/// A grid as written in TOML (before validation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridFile {
    /// Name shown in reports.
    #[serde(default)]
    pub name: Option<String>,
    /// The grid seed: every random stream of every run derives from it (default 0).
    #[serde(default)]
    pub seed: u64,
    /// Epochs per run (≥ 1).
    pub epochs: usize,
    /// Seeds on which the learning rate is picked (≥ 1).
    pub tuning_seeds: usize,
    /// Seeds on which results are reported, disjoint from the tuning seeds (≥ 1).
    pub evaluation_seeds: usize,
    /// Problem specs, each a string or `{ spec, epochs }` (its own epoch budget).
    pub problems: Vec<ProblemItem>,
    /// Optimizer specs, each a string or `{ spec, label }`.
    pub optimizers: Vec<OptimizerItem>,
    /// Batch mode specs (default `["full"]`).
    #[serde(default = "default_batch_modes")]
    pub batch_modes: Vec<String>,
    /// Schedule specs (default `["constant"]`).
    #[serde(default = "default_schedules")]
    pub schedules: Vec<String>,
    /// The learning-rate sweep.
    #[serde(default)]
    pub lr: LrSweep,
    /// Record the full training objective after every update (default false; for small
    /// experiments that study per-update behaviour: the first 20,000 updates of a run).
    #[serde(default)]
    pub record_updates: bool,
    /// Record the parameter path of every evaluation run on a 2-D landscape (default false:
    /// only the first evaluation seed's, the one the report draws; for experiments that
    /// measure the paths themselves).
    #[serde(default)]
    pub all_trajectories: bool,
}

fn default_batch_modes() -> Vec<String> {
    vec!["full".into()]
}

fn default_schedules() -> Vec<String> {
    vec!["constant".into()]
}

/// One problem of a grid: a spec, or a table that also sets the problem's own epoch budget
/// (analytic landscapes take one update per epoch, so they usually need more epochs than data
/// problems), its own batch modes and schedules, and whether it is held out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ProblemItem {
    /// Just the spec; everything else the grid's.
    Spec(String),
    /// A spec with its own settings.
    Table(ProblemTable),
}

/// A problem written as a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemTable {
    /// The problem spec.
    pub spec: String,
    /// Its epoch budget (default: the grid's `epochs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
    /// Its batch modes (default: the grid's `batch_modes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_modes: Option<Vec<String>>,
    /// Its schedules (default: the grid's `schedules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedules: Option<Vec<String>>,
    /// `selection` (default: the answer is chosen on it) or `holdout` (only checks the answer).
    #[serde(default)]
    pub set: InstanceSet,
}

impl<'de> Deserialize<'de> for ProblemItem {
    /// A string or a table; a table's errors (an unknown key, a wrong type) are reported as
    /// such, not as "matched no variant".
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ProblemItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a problem spec string or a table { spec = \"...\", ... }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ProblemItem, E> {
                Ok(ProblemItem::Spec(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ProblemItem, A::Error> {
                ProblemTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ProblemItem::Table)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl ProblemItem {
    fn spec(&self) -> &str {
        match self {
            ProblemItem::Spec(s) => s,
            ProblemItem::Table(t) => &t.spec,
        }
    }

    fn table(&self) -> Option<&ProblemTable> {
        match self {
            ProblemItem::Spec(_) => None,
            ProblemItem::Table(t) => Some(t),
        }
    }
}

/// One optimizer of a grid: a spec, optionally with a label for reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OptimizerItem {
    /// Just the spec; the label is the spec itself.
    Spec(String),
    /// A spec and a label.
    Labeled {
        /// The spec string.
        spec: String,
        /// The label shown in reports (default: the spec).
        #[serde(default)]
        label: Option<String>,
    },
}

impl OptimizerItem {
    fn spec(&self) -> &str {
        match self {
            OptimizerItem::Spec(s) | OptimizerItem::Labeled { spec: s, .. } => s,
        }
    }

    fn label(&self) -> Option<&str> {
        match self {
            OptimizerItem::Spec(_) => None,
            OptimizerItem::Labeled { label, .. } => label.as_deref(),
        }
    }
}

/// The learning rates each configuration runs with (`docs/methodology.md`): a log-spaced sweep in steps of
/// `step` decades around the optimizer's own lr, extended on the side of an edge that holds
/// the best result on the tuning seeds (see the `tuning` module) until the best is interior, the
/// edge diverges, or `max_decades` is reached; or an explicit list, which is not extended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LrSweep {
    /// Decades between neighbouring points (default 0.5: two points per decade; allowed
    /// 0.05 to 0.5).
    #[serde(default = "default_step")]
    pub step: f64,
    /// Points of the initial sweep, odd, centred on the optimizer's lr (default 5: lr0·10^−1 …
    /// lr0·10^1 in half decades); 1 to 101.
    #[serde(default = "default_points")]
    pub points: usize,
    /// Whether the sweep extends past an edge that holds the best result (default true).
    #[serde(default = "default_bracket")]
    pub bracket: bool,
    /// The cap: no point lies more than this many decades from the optimizer's lr (default 6;
    /// at most 12, at least the initial sweep's half-width).
    #[serde(default = "default_max_decades")]
    pub max_decades: f64,
    /// An explicit list instead of the stepped sweep (not extended); each optimizer's own lr
    /// is added to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
}

fn default_step() -> f64 {
    0.5
}

fn default_points() -> usize {
    5
}

fn default_bracket() -> bool {
    true
}

fn default_max_decades() -> f64 {
    6.0
}

impl Default for LrSweep {
    fn default() -> Self {
        LrSweep {
            step: default_step(),
            points: default_points(),
            bracket: default_bracket(),
            max_decades: default_max_decades(),
            values: None,
        }
    }
}

impl LrSweep {
    /// The initial learning rates for an optimizer whose own lr is `lr0`, ascending; `lr0` is
    /// always one of them.
    pub fn rates(&self, lr0: f64) -> Vec<f64> {
        let sweep = Sweep::new(self, lr0);
        sweep.initial().into_iter().map(|k| sweep.lr(k)).collect()
    }
}

/// A grid that cannot be used.
#[derive(Debug, Error)]
pub enum GridError {
    /// The TOML does not parse or does not fit the format.
    #[error("{origin}, line {line}, column {column}: {message}")]
    Toml {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// The line (1-based).
        line: usize,
        /// The column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The file cannot be read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A list that must not be empty is.
    #[error("{origin}: '{list}' is empty; list at least one {what}")]
    EmptyList {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// The key of the list.
        list: &'static str,
        /// What the list holds.
        what: &'static str,
    },
    /// A count that must be positive is zero.
    #[error("{origin}: '{key}' is 0; it must be at least 1")]
    Zero {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// The key that is 0.
        key: &'static str,
    },
    /// A spec in one of the lists is wrong.
    #[error("{origin}: {list}[{index}]: {source}")]
    Spec {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// The key of the list.
        list: &'static str,
        /// Position in the list (0-based).
        index: usize,
        /// What is wrong with the spec.
        source: Box<SpecError>,
    },
    /// The same entry twice (runs would collide).
    #[error("{origin}: {list} lists '{item}' twice")]
    Duplicate {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// The key of the list.
        list: &'static str,
        /// The entry given twice.
        item: String,
    },
    /// The learning-rate sweep is invalid.
    #[error("{origin}: [lr]: {problem}")]
    Lr {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// What is wrong with the sweep.
        problem: String,
    },
    /// The grid exceeds a size cap (see [`limits`]).
    #[error("{origin}: {what} = {value} is over the cap of {cap} (caps: runs {max_runs}, epochs {max_epochs}, samples × features {max_cells}, dim/features {max_dim}); pass --allow-large to run it anyway", max_runs = limits::MAX_RUNS, max_epochs = limits::MAX_EPOCHS, max_cells = limits::MAX_CELLS, max_dim = limits::MAX_DIM)]
    TooLarge {
        /// Where the grid came from (its file name or preset).
        origin: String,
        /// What the list holds.
        what: String,
        /// Its value in the grid.
        value: u64,
        /// The cap.
        cap: u64,
    },
    /// No preset of that name.
    #[error("unknown preset '{name}'{hint}; valid presets: {valid}", hint = match .suggestion { Some(s) => format!(" (did you mean {s}?)"), None => String::new() })]
    UnknownPreset {
        /// The name asked for.
        name: String,
        /// The closest valid name, when one is close ("did you mean").
        suggestion: Option<String>,
        /// The presets, listed.
        valid: String,
    },
}

/// One optimizer of a validated grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridOptimizer {
    /// Registry name ("adam").
    pub name: String,
    /// Canonical spec at its own lr.
    pub spec: String,
    /// Label in reports (the spec as written when none is given).
    pub label: String,
    /// The spec's lr: the centre of its sweep and the "no tuning" budget.
    pub default_lr: f64,
}

/// One problem of a validated grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridProblem {
    /// Canonical problem spec.
    pub spec: String,
    /// Epoch budget.
    pub epochs: usize,
    /// Canonical batch-mode specs it runs with.
    pub batch_modes: Vec<String>,
    /// Canonical schedule specs it runs with.
    pub schedules: Vec<String>,
    /// Whether the answer is chosen on it or it is held out.
    pub set: InstanceSet,
}

/// A validated grid: every spec parsed and canonical, every count positive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Name shown in reports.
    pub name: String,
    /// The grid seed.
    pub seed: u64,
    /// Epochs per run (problems may set their own).
    pub epochs: usize,
    /// Tuning seeds (indices 0..tuning_seeds).
    pub tuning_seeds: usize,
    /// Evaluation seeds (the next indices).
    pub evaluation_seeds: usize,
    /// Problems, each with its budget, batch modes, schedules and set.
    pub problems: Vec<GridProblem>,
    /// Optimizers.
    pub optimizers: Vec<GridOptimizer>,
    /// The grid's canonical batch-mode specs (problems may set their own).
    pub batch_modes: Vec<String>,
    /// The grid's canonical schedule specs (problems may set their own).
    pub schedules: Vec<String>,
    /// The sweep.
    pub lr: LrSweep,
    /// Whether runs record the training objective after every update.
    pub record_updates: bool,
    /// Whether every evaluation run on a 2-D landscape records its path (else the first
    /// evaluation seed's only). Left out of the serialized grid when false, so the
    /// fingerprint of a grid without it is what it was before the key existed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all_trajectories: bool,
}

/// Most bytes a grid file may hold (the built-in presets are a few kilobytes).
pub const MAX_GRID_BYTES: u64 = 1 << 20;

/// Most learning-rate points per optimizer.
const MAX_LR_POINTS: usize = 101;

impl Grid {
    /// Parses and validates TOML text; `origin` names it in errors (a path or a preset).
    ///
    /// ```
    /// use optbench::grid::{Grid, plan};
    ///
    /// let text = r#"
    ///     epochs = 10
    ///     tuning_seeds = 1
    ///     evaluation_seeds = 2
    ///     problems = ["rosenbrock"]
    ///     optimizers = ["sgd", "adam"]
    /// "#;
    /// let grid = Grid::from_toml(text, "g.toml")?;
    /// // One configuration per problem × optimizer × batch mode × schedule.
    /// assert_eq!(plan(&grid).configurations.len(), 2);
    ///
    /// let typo = Grid::from_toml(&format!("{text}schedule = [\"cosine\"]\n"), "g.toml");
    /// let message = typo.unwrap_err().to_string();
    /// assert!(message.starts_with("g.toml, line 7"), "{message}");
    /// assert!(message.contains("unknown field `schedule`"), "{message}");
    /// # Ok::<(), optbench::grid::GridError>(())
    /// ```
    pub fn from_toml(text: &str, origin: &str) -> Result<Grid, GridError> {
        Grid::from_toml_with(text, origin, false)
    }

    /// [`Grid::from_toml`], with the size caps of [`limits`] checked unless `allow_large`.
    pub fn from_toml_with(text: &str, origin: &str, allow_large: bool) -> Result<Grid, GridError> {
        let file: GridFile = toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_column(text, span.start))
                .unwrap_or((1, 1));
            GridError::Toml {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let default_name = std::path::Path::new(origin)
            .file_stem()
            .map_or_else(|| origin.to_string(), |s| s.to_string_lossy().into_owned());
        let grid = Grid::validate(file, origin, default_name)?;
        if !allow_large {
            grid.check_limits(origin)?;
        }
        Ok(grid)
    }

    /// The first size cap of [`limits`] the grid exceeds, as an error naming it.
    pub fn check_limits(&self, origin: &str) -> Result<(), GridError> {
        match limits::check(self) {
            Some(e) => Err(GridError::TooLarge {
                origin: origin.to_string(),
                what: e.what,
                value: e.value,
                cap: e.cap,
            }),
            None => Ok(()),
        }
    }

    /// Loads a grid file.
    pub fn load(path: &str) -> Result<Grid, GridError> {
        Grid::load_with(path, false)
    }

    /// Loads a grid file, with the size caps checked unless `allow_large`. Files over
    /// [`MAX_GRID_BYTES`] are refused unread.
    pub fn load_with(path: &str, allow_large: bool) -> Result<Grid, GridError> {
        let read_error = |reason: String| GridError::Read {
            path: path.to_string(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| read_error(e.to_string()))?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_GRID_BYTES + 1),
            &mut bytes,
        )
        .map_err(|e| read_error(e.to_string()))?;
        if bytes.len() as u64 > MAX_GRID_BYTES {
            return Err(read_error(format!(
                "larger than {MAX_GRID_BYTES} bytes, the most a grid file may hold"
            )));
        }
        let text =
            String::from_utf8(bytes).map_err(|_| read_error("not UTF-8 text".to_string()))?;
        Grid::from_toml_with(&text, path, allow_large)
    }

    fn validate(file: GridFile, origin: &str, default_name: String) -> Result<Grid, GridError> {
        let o = || origin.to_string();
        for (key, value) in [
            ("epochs", file.epochs),
            ("tuning_seeds", file.tuning_seeds),
            ("evaluation_seeds", file.evaluation_seeds),
        ] {
            if value == 0 {
                return Err(GridError::Zero { origin: o(), key });
            }
        }
        check_sweep(&file.lr).map_err(|problem| GridError::Lr {
            origin: o(),
            problem,
        })?;
        let canonical = |list: &'static str,
                         items: &[String],
                         what: &'static str,
                         parse: &dyn Fn(&str) -> Result<String, SpecError>|
         -> Result<Vec<String>, GridError> {
            if items.is_empty() {
                return Err(GridError::EmptyList {
                    origin: o(),
                    list,
                    what,
                });
            }
            let mut out: Vec<String> = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let c = parse(item).map_err(|source| GridError::Spec {
                    origin: o(),
                    list,
                    index,
                    source: Box::new(source),
                })?;
                if out.contains(&c) {
                    return Err(GridError::Duplicate {
                        origin: o(),
                        list,
                        item: item.clone(),
                    });
                }
                out.push(c);
            }
            Ok(out)
        };
        if file
            .problems
            .iter()
            .any(|p| p.table().and_then(|t| t.epochs) == Some(0))
        {
            return Err(GridError::Zero {
                origin: o(),
                key: "problems[].epochs",
            });
        }
        let problem_specs: Vec<String> =
            file.problems.iter().map(|p| p.spec().to_string()).collect();
        let problem_specs = canonical("problems", &problem_specs, "problem", &|s| {
            problem::parse(s).map(|p| p.params.to_string())
        })?;
        let parse_batch = |s: &str| batch::parse(s).map(|b| b.params.to_string());
        let parse_schedule = |s: &str| schedule::parse(s).map(|p| p.params.to_string());
        let batch_modes = canonical("batch_modes", &file.batch_modes, "batch mode", &parse_batch)?;
        let schedules = canonical("schedules", &file.schedules, "schedule", &parse_schedule)?;
        let mut problems = Vec::with_capacity(problem_specs.len());
        for (item, spec) in file.problems.iter().zip(problem_specs) {
            let table = item.table();
            let own = |list: Option<&Vec<String>>,
                       name: &'static str,
                       what: &'static str,
                       parse: &dyn Fn(&str) -> Result<String, SpecError>,
                       grid: &[String]| match list {
                Some(items) => canonical(name, items, what, parse),
                None => Ok(grid.to_vec()),
            };
            problems.push(GridProblem {
                epochs: table.and_then(|t| t.epochs).unwrap_or(file.epochs),
                batch_modes: own(
                    table.and_then(|t| t.batch_modes.as_ref()),
                    "problems[].batch_modes",
                    "batch mode",
                    &parse_batch,
                    &batch_modes,
                )?,
                schedules: own(
                    table.and_then(|t| t.schedules.as_ref()),
                    "problems[].schedules",
                    "schedule",
                    &parse_schedule,
                    &schedules,
                )?,
                set: table.map_or(InstanceSet::Selection, |t| t.set),
                spec,
            });
        }
        if !problems.iter().any(|p| p.set == InstanceSet::Selection) {
            return Err(GridError::EmptyList {
                origin: o(),
                list: "problems (selection set)",
                what: "problem not held out (the answer is chosen on those)",
            });
        }
        let specs: Vec<String> = file
            .optimizers
            .iter()
            .map(|o| o.spec().to_string())
            .collect();
        let canonical_optimizers = canonical("optimizers", &specs, "optimizer", &|s| {
            optim::parse(s).map(|p| p.params.to_string())
        })?;
        let optimizers = file
            .optimizers
            .iter()
            .zip(canonical_optimizers)
            .map(|(item, spec)| {
                let parsed = optim::parse(&spec).expect("canonical specs parse");
                GridOptimizer {
                    name: parsed.params.entry().to_string(),
                    default_lr: parsed.config.lr(),
                    label: item.label().unwrap_or(item.spec()).to_string(),
                    spec,
                }
            })
            .collect::<Vec<_>>();
        let mut labels: Vec<&str> = Vec::new();
        for o in &optimizers {
            if labels.contains(&o.label.as_str()) {
                return Err(GridError::Duplicate {
                    origin: origin.to_string(),
                    list: "optimizer labels",
                    item: o.label.clone(),
                });
            }
            labels.push(&o.label);
        }
        Ok(Grid {
            name: file.name.unwrap_or(default_name),
            seed: file.seed,
            epochs: file.epochs,
            tuning_seeds: file.tuning_seeds,
            evaluation_seeds: file.evaluation_seeds,
            problems,
            optimizers,
            batch_modes,
            schedules,
            lr: file.lr,
            record_updates: file.record_updates,
            all_trajectories: file.all_trajectories,
        })
    }

    /// Seeds in all.
    pub fn seeds(&self) -> usize {
        self.tuning_seeds + self.evaluation_seeds
    }
}

/// What is wrong with a sweep, if anything.
fn check_sweep(lr: &LrSweep) -> Result<(), String> {
    if let Some(values) = &lr.values {
        if values.is_empty() {
            return Err("'values' is empty".into());
        }
        if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
            return Err(format!("learning rate {v} is not a positive number"));
        }
        return Ok(());
    }
    if lr.points.is_multiple_of(2) || lr.points > MAX_LR_POINTS {
        return Err(format!(
            "points = {} must be odd (the optimizer's own lr is the middle point) and at most {MAX_LR_POINTS}",
            lr.points
        ));
    }
    if !(lr.step.is_finite() && (0.05..=0.5).contains(&lr.step)) {
        return Err(format!(
            "step = {} must be in [0.05, 0.5] decades (at least two points per decade)",
            lr.step
        ));
    }
    let half_width = (lr.points / 2) as f64 * lr.step;
    if !(lr.max_decades.is_finite() && lr.max_decades <= 12.0 && lr.max_decades >= half_width) {
        return Err(format!(
            "max_decades = {} must be at most 12 and at least the initial sweep's half-width ({half_width} decades)",
            lr.max_decades
        ));
    }
    Ok(())
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
epochs = 5
tuning_seeds = 1
evaluation_seeds = 2
problems = ["rosenbrock", "logreg2d"]
optimizers = ["sgd", { spec = "adam:lr=0.01", label = "Adam" }]
batch_modes = ["full", "minibatch:size=64"]
schedules = ["constant", "cosine"]
"#;

    #[test]
    fn parses_and_canonicalizes() {
        let g = Grid::from_toml(SMALL, "small.toml").unwrap();
        assert_eq!(g.name, "small");
        assert_eq!(
            g.problems[0].spec,
            "rosenbrock:a=1.0,b=100.0,dim=2,noise=0.0,spread=0.1"
        );
        assert_eq!(g.optimizers[1].label, "Adam");
        assert_eq!(g.optimizers[1].default_lr, 0.01);
        assert_eq!(g.optimizers[0].label, "sgd");
        assert_eq!(g.batch_modes[1], "minibatch:size=64");
        assert_eq!(g.problems[1].batch_modes, g.batch_modes);
        assert_eq!(g.problems[1].epochs, 5);
        assert_eq!(g.problems[1].set, InstanceSet::Selection);
        assert_eq!(g.seeds(), 3);
    }

    #[test]
    fn problems_may_set_their_own_budget_modes_schedules_and_set() {
        let text = SMALL.replace(
            r#"problems = ["rosenbrock", "logreg2d"]"#,
            r#"problems = ["rosenbrock", { spec = "logreg2d", epochs = 7, batch_modes = ["stochastic"], schedules = ["cosine"], set = "holdout" }]"#,
        );
        let g = Grid::from_toml(&text, "g.toml").unwrap();
        let p = &g.problems[1];
        assert_eq!(p.epochs, 7);
        assert_eq!(p.batch_modes, vec!["stochastic"]);
        assert!(p.schedules[0].starts_with("cosine"), "{}", p.schedules[0]);
        assert_eq!(p.set, InstanceSet::Holdout);
        let typo = SMALL.replace(r#""logreg2d"]"#, r#"{ spec = "logreg2d", epoch = 7 }]"#);
        let e = Grid::from_toml(&typo, "g.toml").unwrap_err().to_string();
        assert!(e.contains("unknown field `epoch`"), "{e}");
        let all_held = SMALL.replace(
            r#"problems = ["rosenbrock", "logreg2d"]"#,
            r#"problems = [{ spec = "rosenbrock", set = "holdout" }]"#,
        );
        let e = Grid::from_toml(&all_held, "g.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("selection set"), "{e}");
    }

    #[test]
    fn lr_sweep_is_log_spaced_around_the_default() {
        let s = LrSweep::default();
        let r = s.rates(1e-3);
        assert_eq!(r.len(), 5);
        assert_eq!(r[2], 1e-3);
        assert!((r[0] - 1e-4).abs() < 1e-18 && (r[4] - 1e-2).abs() < 1e-16);
        assert!((r[1] / r[0] - 10f64.sqrt()).abs() < 1e-12);
        let explicit = LrSweep {
            values: Some(vec![0.1, 0.5]),
            ..LrSweep::default()
        };
        assert_eq!(explicit.rates(0.01), vec![0.01, 0.1, 0.5]);
        let one = LrSweep {
            points: 1,
            ..LrSweep::default()
        };
        assert_eq!(one.rates(0.3), vec![0.3]);
    }

    #[test]
    fn bad_grids_are_clear_errors() {
        let cases = [
            ("epochs = [", "line 1, column"),
            (
                "epochs = 0\ntuning_seeds = 1\nevaluation_seeds = 1\nproblems = [\"beale\"]\noptimizers = [\"sgd\"]",
                "'epochs' is 0",
            ),
            (
                &SMALL.replace("evaluation_seeds = 2", "evaluation_seeds = 0"),
                "'evaluation_seeds' is 0",
            ),
            (
                &SMALL.replace("problems = [\"rosenbrock\", \"logreg2d\"]", "problems = []"),
                "'problems' is empty",
            ),
            (
                &SMALL.replace("\"sgd\",", "\"sdg\","),
                "optimizers[0]: unknown optimizer 'sdg' (did you mean sgd?)",
            ),
            (
                &SMALL.replace("\"cosine\"]", "\"cosine\", \"cosine:t_max=<x\"]"),
                "schedules[2]",
            ),
            (
                &SMALL.replace("\"sgd\",", "\"sgd\", \"sgd:lr=0.001\","),
                "optimizers lists 'sgd:lr=0.001' twice",
            ),
            (
                &format!("{SMALL}\n[lr]\npoints = 4\n"),
                "points = 4 must be odd",
            ),
            (
                &format!("{SMALL}\n[lr]\nvalues = [0.1, -1.0]\n"),
                "learning rate -1 is not a positive number",
            ),
            (
                &format!("{SMALL}\n[lr]\nstep = 1.0\n"),
                "at least two points per decade",
            ),
            (
                &format!("{SMALL}\n[lr]\npoints = 9\nmax_decades = 1\n"),
                "at least the initial sweep's half-width (2 decades)",
            ),
            (
                &format!("{SMALL}\n[lr]\ndecades = 4\n"),
                "unknown field `decades`",
            ),
            (&format!("{SMALL}\nbogus = 1\n"), "unknown field `bogus`"),
        ];
        for (text, needle) in cases {
            let e = Grid::from_toml(text, "g.toml").unwrap_err().to_string();
            assert!(e.contains(needle), "{needle}: {e}");
            assert!(e.starts_with("g.toml"), "{e}");
        }
    }

    #[test]
    fn the_annotated_example_is_a_valid_grid() {
        let g = Grid::from_toml(
            include_str!("../../examples/grid.toml"),
            "examples/grid.toml",
        )
        .unwrap();
        assert_eq!(g.name, "example");
        assert_eq!(g.optimizers[1].label, "SGD + momentum");
        assert!(!plan(&g).configurations.is_empty());
    }

    #[test]
    fn toml_errors_give_line_and_column() {
        let e = Grid::from_toml("epochs = 5\nproblems = [\"a\",,]\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml, line 2, column "), "{e}");
    }
}
