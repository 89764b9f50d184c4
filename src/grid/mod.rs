//! Grids (SPEC §7): which problems, optimizers, batch modes, schedules, learning rates and seeds
//! to run, for how many epochs. A grid is a TOML file or a built-in preset; [`expand`] turns it
//! into runs.
//!
//! The file format (every key documented in `examples/grid.toml`):
//!
//! ```toml
//! name = "my-grid"                 # optional, shown in reports
//! seed = 0                         # all randomness derives from it (default 0)
//! epochs = 30
//! tuning_seeds = 2                 # seeds on which the learning rate is picked
//! evaluation_seeds = 3             # disjoint seeds on which results are reported
//! problems = [{ spec = "rosenbrock", epochs = 300 }, "logreg2d"]   # own budget, or the grid's
//! batch_modes = ["full", "minibatch:size=32"]      # default ["full"]
//! schedules = ["constant", "cosine"]               # default ["constant"]
//! optimizers = ["sgd", { spec = "adam:beta2=0.99", label = "Adam β2=.99" }]
//! [lr]
//! points = 5                       # odd: log-spaced around each optimizer's default lr
//! decades = 2                      # total width: lr0·10^-1 … lr0·10^1
//! # values = [0.001, 0.01]         # or an explicit list (the default lr is always added)
//! ```
//!
//! May use: `spec`, `batch`, `optim`, `schedule`, `problem`, `rng`, `num`.

mod expand;
mod presets;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::spec::SpecError;
use crate::{batch, optim, problem, schedule};

pub use expand::{Cell, Expansion, RunId, RunSpec, SeedRole, Skip, expand, for_each_cell};
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
}

fn default_batch_modes() -> Vec<String> {
    vec!["full".into()]
}

fn default_schedules() -> Vec<String> {
    vec!["constant".into()]
}

/// One problem of a grid: a spec, optionally with its own epoch budget (analytic landscapes
/// take one update per epoch, so they usually need more epochs than data problems).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ProblemItem {
    /// Just the spec; the grid's epochs.
    Spec(String),
    /// A spec and its epoch budget.
    WithEpochs { spec: String, epochs: usize },
}

impl ProblemItem {
    fn spec(&self) -> &str {
        match self {
            ProblemItem::Spec(s) | ProblemItem::WithEpochs { spec: s, .. } => s,
        }
    }

    fn epochs(&self) -> Option<usize> {
        match self {
            ProblemItem::Spec(_) => None,
            ProblemItem::WithEpochs { epochs, .. } => Some(*epochs),
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
        spec: String,
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

/// The learning rates each optimizer runs with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LrSweep {
    /// Log-spaced points around each optimizer's default lr; odd, so the default is the middle
    /// point (default 5; 1 means the default lr only).
    #[serde(default = "default_points")]
    pub points: usize,
    /// Total width of the sweep in decades, centred on the default (default 2: ÷10 … ×10).
    #[serde(default = "default_decades")]
    pub decades: f64,
    /// An explicit list instead of the log-spaced points; each optimizer's default lr is added.
    #[serde(default)]
    pub values: Option<Vec<f64>>,
}

fn default_points() -> usize {
    5
}

fn default_decades() -> f64 {
    2.0
}

impl Default for LrSweep {
    fn default() -> Self {
        LrSweep {
            points: default_points(),
            decades: default_decades(),
            values: None,
        }
    }
}

impl LrSweep {
    /// The learning rates for an optimizer whose default is `lr0`, ascending; `lr0` is always
    /// one of them.
    pub fn rates(&self, lr0: f64) -> Vec<f64> {
        let mut rates = match &self.values {
            Some(values) => {
                let mut v = values.clone();
                if !v.contains(&lr0) {
                    v.push(lr0);
                }
                v
            }
            None => {
                let half = (self.points / 2) as i64;
                let step = if half == 0 {
                    0.0
                } else {
                    self.decades / 2.0 / half as f64
                };
                (-half..=half)
                    .map(|k| {
                        if k == 0 {
                            lr0
                        } else {
                            lr0 * 10f64.powf(k as f64 * step)
                        }
                    })
                    .collect()
            }
        };
        rates.sort_by(f64::total_cmp);
        rates.dedup();
        rates
    }
}

/// A grid that cannot be used.
#[derive(Debug, Error)]
pub enum GridError {
    /// The TOML does not parse or does not fit the format.
    #[error("{origin}, line {line}, column {column}: {message}")]
    Toml {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The file cannot be read.
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    /// A list that must not be empty is.
    #[error("{origin}: '{list}' is empty; list at least one {what}")]
    EmptyList {
        origin: String,
        list: &'static str,
        what: &'static str,
    },
    /// A count that must be positive is zero.
    #[error("{origin}: '{key}' is 0; it must be at least 1")]
    Zero { origin: String, key: &'static str },
    /// A spec in one of the lists is wrong.
    #[error("{origin}: {list}[{index}]: {source}")]
    Spec {
        origin: String,
        list: &'static str,
        index: usize,
        source: Box<SpecError>,
    },
    /// The same entry twice (runs would collide).
    #[error("{origin}: {list} lists '{item}' twice")]
    Duplicate {
        origin: String,
        list: &'static str,
        item: String,
    },
    /// The learning-rate sweep is invalid.
    #[error("{origin}: [lr]: {problem}")]
    Lr { origin: String, problem: String },
    /// No preset of that name.
    #[error("unknown preset '{name}'{hint}; valid presets: {valid}", hint = match .suggestion { Some(s) => format!(" (did you mean {s}?)"), None => String::new() })]
    UnknownPreset {
        name: String,
        suggestion: Option<String>,
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

/// A validated grid: every spec parsed and canonical, every count positive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Name shown in reports.
    pub name: String,
    /// The grid seed.
    pub seed: u64,
    /// Epochs per run.
    pub epochs: usize,
    /// Tuning seeds (indices 0..tuning_seeds).
    pub tuning_seeds: usize,
    /// Evaluation seeds (the next indices).
    pub evaluation_seeds: usize,
    /// Canonical problem specs.
    pub problems: Vec<String>,
    /// Epoch budget of each problem (the grid's unless the problem sets its own).
    pub problem_epochs: Vec<usize>,
    /// Optimizers.
    pub optimizers: Vec<GridOptimizer>,
    /// Canonical batch-mode specs.
    pub batch_modes: Vec<String>,
    /// Canonical schedule specs.
    pub schedules: Vec<String>,
    /// The sweep.
    pub lr: LrSweep,
}

/// Most learning-rate points per optimizer.
const MAX_LR_POINTS: usize = 101;

impl Grid {
    /// Parses and validates TOML text; `origin` names it in errors (a path or a preset).
    pub fn from_toml(text: &str, origin: &str) -> Result<Grid, GridError> {
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
        Grid::validate(file, origin, default_name)
    }

    /// Loads a grid file.
    pub fn load(path: &str) -> Result<Grid, GridError> {
        let text = std::fs::read_to_string(path).map_err(|e| GridError::Read {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        Grid::from_toml(&text, path)
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
        let lr = &file.lr;
        match &lr.values {
            Some(values) => {
                if values.is_empty() {
                    return Err(GridError::Lr {
                        origin: o(),
                        problem: "'values' is empty".into(),
                    });
                }
                if let Some(v) = values.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
                    return Err(GridError::Lr {
                        origin: o(),
                        problem: format!("learning rate {v} is not a positive number"),
                    });
                }
            }
            None => {
                if lr.points.is_multiple_of(2) || lr.points > MAX_LR_POINTS {
                    return Err(GridError::Lr {
                        origin: o(),
                        problem: format!(
                            "points = {} must be odd (the default lr is the middle point) and at most {MAX_LR_POINTS}",
                            lr.points
                        ),
                    });
                }
                if !(lr.decades.is_finite() && lr.decades > 0.0 && lr.decades <= 12.0) {
                    return Err(GridError::Lr {
                        origin: o(),
                        problem: format!("decades = {} must be in (0, 12]", lr.decades),
                    });
                }
            }
        }
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
        if file.problems.iter().any(|p| p.epochs() == Some(0)) {
            return Err(GridError::Zero {
                origin: o(),
                key: "problems[].epochs",
            });
        }
        let problem_specs: Vec<String> =
            file.problems.iter().map(|p| p.spec().to_string()).collect();
        let problem_epochs = file
            .problems
            .iter()
            .map(|p| p.epochs().unwrap_or(file.epochs))
            .collect();
        let problems = canonical("problems", &problem_specs, "problem", &|s| {
            problem::parse(s).map(|p| p.params.to_string())
        })?;
        let batch_modes = canonical("batch_modes", &file.batch_modes, "batch mode", &|s| {
            batch::parse(s).map(|b| b.params.to_string())
        })?;
        let schedules = canonical("schedules", &file.schedules, "schedule", &|s| {
            schedule::parse(s).map(|p| p.params.to_string())
        })?;
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
            problem_epochs,
            optimizers,
            batch_modes,
            schedules,
            lr: file.lr,
        })
    }

    /// Seeds in all.
    pub fn seeds(&self) -> usize {
        self.tuning_seeds + self.evaluation_seeds
    }
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
        assert_eq!(g.problems[0], "rosenbrock:a=1.0,b=100.0,dim=2,noise=0.0");
        assert_eq!(g.optimizers[1].label, "Adam");
        assert_eq!(g.optimizers[1].default_lr, 0.01);
        assert_eq!(g.optimizers[0].label, "sgd");
        assert_eq!(g.batch_modes[1], "minibatch:size=64");
        assert_eq!(g.seeds(), 3);
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
        assert!(!expand(&g).runs.is_empty());
    }

    #[test]
    fn toml_errors_give_line_and_column() {
        let e = Grid::from_toml("epochs = 5\nproblems = [\"a\",,]\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.toml, line 2, column "), "{e}");
    }
}
