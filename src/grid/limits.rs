//! Size caps a grid is checked against before any work starts, and the estimate printed
//! before a large (but allowed) grid runs. Each cap can be passed with `--allow-large`
//! (`run`, `report`); without it a grid over a cap is refused with exit code 2.
//!
//! Run counts here are upper bounds computed from the grid alone, without building a plan:
//! problems × optimizers × batch modes × schedules × (initial lr points × tuning seeds +
//! evaluation seeds). Skipped combinations and bracket extensions are not subtracted or added.

use super::Grid;
use crate::spec::Value;

/// Most runs a grid may plan (upper bound as above). The `full` preset, the largest built-in
/// grid, plans at most 4.5·10^5 by this count (quick 7.6·10^4, standard 4.1·10^4); 10^7 leaves
/// room for grids over twenty times larger (about 0.8 GB of bookkeeping at the 78 bytes per run
/// measured), while the 10^8 runs that exhausted memory (7.8 GB before the first run) are
/// refused.
pub const MAX_RUNS: u64 = 10_000_000;

/// Most epochs per run (the grid's `epochs` and every `problems[].epochs`). The presets use
/// at most 1000 (analytic landscapes take one update per epoch).
pub const MAX_EPOCHS: usize = 1_000_000;

/// Most data cells a data problem may hold: training samples × features for a dense problem
/// (`linreg`), training samples × `nnz` for `sparse_logreg`. 5·10^7 cells are 400 MB of f64
/// per built problem, and every worker builds its own.
pub const MAX_CELLS: u64 = 50_000_000;

/// Most coordinates of an analytic landscape (`dim`) or features of `sparse_logreg`
/// (each optimizer keeps a few vectors of this length per worker).
pub const MAX_DIM: u64 = 10_000_000;

/// A grid with more planned runs than this gets an estimate printed before it starts.
pub const LARGE_RUNS: u64 = 100_000;

/// Bytes of bookkeeping held per planned run (plan, sweep state, record) in the estimate.
pub const BYTES_PER_RUN: u64 = 200;

/// Nanoseconds per sample × feature of one gradient, in the time estimate: a conservative
/// figure for the dense kernels on one core.
pub const NS_PER_CELL: f64 = 2.0;

/// A cap a grid exceeds: what, its value, the cap.
#[derive(Debug, Clone, PartialEq)]
pub struct Exceeded {
    /// What is over the cap, e.g. `planned runs` or `problems[2] samples × features`.
    pub what: String,
    /// Its value.
    pub value: u64,
    /// The cap.
    pub cap: u64,
}

/// What one problem spec costs, read from its canonical spec's keys.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ProblemSize {
    /// Training samples that a gradient over the full batch touches (1 for a landscape).
    train: u64,
    /// Values per sample (features, nnz, or the dimension of a landscape).
    width: u64,
}

fn int(params: &crate::spec::Params, key: &str) -> Option<u64> {
    match params.get(key) {
        Some(Value::Int(v)) => u64::try_from(v).ok(),
        _ => None,
    }
}

/// Rows of the embedded and synthetic datasets (train is 60 % of them); unknown sizes (a CSV
/// file) are counted as 1000 samples of 100 features.
fn dataset_rows(name: &str) -> u64 {
    match name {
        "iris" => 150,
        "wine" => 178,
        "breast_cancer" => 569,
        "digits" => 1797,
        _ => 1000,
    }
}

fn problem_size(spec: &str) -> ProblemSize {
    let Ok(parsed) = crate::problem::parse(spec) else {
        return ProblemSize { train: 1, width: 1 };
    };
    let p = &parsed.params;
    if let Some(dim) = int(p, "dim") {
        return ProblemSize {
            train: 1,
            width: dim,
        };
    }
    if parsed.config.landscape().is_some() {
        return ProblemSize { train: 1, width: 2 };
    }
    let samples = int(p, "samples");
    match (samples, int(p, "nnz"), int(p, "features")) {
        (Some(s), Some(nnz), _) => ProblemSize {
            train: s,
            width: nnz,
        },
        (Some(s), None, Some(f)) => ProblemSize { train: s, width: f },
        _ => {
            let rows = match p.get("dataset") {
                Some(Value::Text(name)) => dataset_rows(&name),
                _ => 1000,
            };
            let width = int(p, "hidden").map_or(100, |h| h.saturating_mul(64));
            ProblemSize {
                train: rows * 6 / 10,
                width,
            }
        }
    }
}

/// Planned runs (upper bound) per problem of the grid.
fn runs_per_problem(grid: &Grid) -> Vec<u64> {
    let lr_points = match &grid.lr.values {
        Some(v) => v.len() as u64 + 1,
        None => grid.lr.points as u64,
    };
    let per_configuration = lr_points
        .saturating_mul(grid.tuning_seeds as u64)
        .saturating_add(grid.evaluation_seeds as u64);
    grid.problems
        .iter()
        .map(|p| {
            (grid.optimizers.len() as u64)
                .saturating_mul(p.batch_modes.len() as u64)
                .saturating_mul(p.schedules.len() as u64)
                .saturating_mul(per_configuration)
        })
        .collect()
}

/// Planned runs of the grid (upper bound, saturating).
pub fn planned_runs(grid: &Grid) -> u64 {
    runs_per_problem(grid)
        .into_iter()
        .fold(0u64, u64::saturating_add)
}

/// The first cap the grid exceeds, if any.
pub fn check(grid: &Grid) -> Option<Exceeded> {
    let over =
        |what: String, value: u64, cap: u64| (value > cap).then_some(Exceeded { what, value, cap });
    if let Some(e) = over("epochs".into(), grid.epochs as u64, MAX_EPOCHS as u64) {
        return Some(e);
    }
    for (i, p) in grid.problems.iter().enumerate() {
        if let Some(e) = over(
            format!("problems[{i}].epochs"),
            p.epochs as u64,
            MAX_EPOCHS as u64,
        ) {
            return Some(e);
        }
        let Ok(parsed) = crate::problem::parse(&p.spec) else {
            continue;
        };
        let params = &parsed.params;
        for key in ["dim", "features"] {
            if let Some(v) = int(params, key)
                && let Some(e) = over(format!("problems[{i}] {key}"), v, MAX_DIM)
            {
                return Some(e);
            }
        }
        if let Some(s) = int(params, "samples") {
            let (key, width) = match (int(params, "nnz"), int(params, "features")) {
                (Some(n), _) => ("nnz", n),
                (None, Some(f)) => ("features", f),
                _ => ("1", 1),
            };
            if let Some(e) = over(
                format!("problems[{i}] samples × {key}"),
                s.saturating_mul(width),
                MAX_CELLS,
            ) {
                return Some(e);
            }
        }
    }
    over("planned runs".into(), planned_runs(grid), MAX_RUNS)
}

/// The estimate printed before a large grid: planned runs, sample-gradients, time and memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Planned runs (upper bound).
    pub runs: u64,
    /// Σ over problems of runs × epochs × training samples: the sample-gradients of full-batch
    /// training (minibatch runs take the same number per epoch).
    pub sample_gradients: f64,
    /// Σ sample-gradients × values per sample × [`NS_PER_CELL`], divided by the workers.
    pub seconds: f64,
    /// Bytes: [`BYTES_PER_RUN`] per run plus the largest problem's data (8 bytes per value,
    /// train + validation + test) per worker.
    pub bytes: f64,
}

/// Estimates the grid's cost on `workers` threads.
pub fn estimate(grid: &Grid, workers: usize) -> Estimate {
    let runs = runs_per_problem(grid);
    let mut sample_gradients = 0.0;
    let mut cell_work = 0.0;
    let mut largest = 0.0f64;
    for (p, &r) in grid.problems.iter().zip(&runs) {
        let size = problem_size(&p.spec);
        let sg = r as f64 * p.epochs as f64 * size.train as f64;
        sample_gradients += sg;
        cell_work += sg * size.width as f64;
        largest = largest.max(size.train as f64 * size.width as f64 * 8.0 * 5.0 / 3.0);
    }
    let workers = workers.max(1) as f64;
    let total_runs = runs.iter().fold(0u64, |a, b| a.saturating_add(*b));
    Estimate {
        runs: total_runs,
        sample_gradients,
        seconds: cell_work * NS_PER_CELL * 1e-9 / workers,
        bytes: total_runs as f64 * BYTES_PER_RUN as f64 + largest * workers,
    }
}

impl std::fmt::Display for Estimate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "large grid: up to {} runs, about {:.2e} sample-gradients, roughly {} and {:.1} GB of memory (estimate: runs × epochs × training samples × features at {NS_PER_CELL} ns each, over the workers; {BYTES_PER_RUN} bytes per run plus each worker's copy of the largest problem)",
            self.runs,
            self.sample_gradients,
            humantime::format_duration(std::time::Duration::from_secs(self.seconds.ceil() as u64)),
            self.bytes / 1e9,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{GridError, PRESETS, plan, preset};

    fn grid(extra: &str) -> String {
        format!(
            "epochs = 5\ntuning_seeds = 1\nevaluation_seeds = 2\nproblems = [\"rosenbrock\"]\noptimizers = [\"sgd\"]\n{extra}"
        )
    }

    #[test]
    fn presets_fit_under_the_caps_with_headroom() {
        for p in PRESETS {
            let g = preset(p.name).unwrap();
            let runs = planned_runs(&g);
            assert!(runs as usize >= plan(&g).least_runs(), "{}", p.name);
            assert!(runs * 5 <= MAX_RUNS, "{}: {runs} runs", p.name);
            eprintln!("{}: {runs} runs, {}", p.name, estimate(&g, 1));
        }
    }

    #[test]
    fn caps_are_checked_at_validation_and_can_be_passed() {
        let cases = [
            (
                grid("").replace("epochs = 5", "epochs = 1000000000000"),
                "epochs = 1000000000000 is over the cap of 1000000",
            ),
            (
                grid("").replace("\"rosenbrock\"", "{ spec = \"beale\", epochs = 2000000 }"),
                "problems[0].epochs = 2000000 is over the cap",
            ),
            (
                grid("").replace("evaluation_seeds = 2", "evaluation_seeds = 100000000"),
                "planned runs = 100000005 is over the cap of 10000000",
            ),
            (
                grid("").replace("\"rosenbrock\"", "\"linreg:samples=1000000,features=1000\""),
                "problems[0] samples × features = 1000000000 is over the cap of 50000000",
            ),
            (
                grid("").replace(
                    "\"rosenbrock\"",
                    "\"sparse_logreg:samples=1000000,nnz=100\"",
                ),
                "samples × nnz = 100000000",
            ),
            (
                grid("").replace("\"rosenbrock\"", "\"quadratic:dim=100000000\""),
                "problems[0] dim = 100000000 is over the cap of 10000000",
            ),
        ];
        for (text, needle) in cases {
            let e = Grid::from_toml(&text, "g.toml").unwrap_err();
            assert!(matches!(e, GridError::TooLarge { .. }), "{e}");
            let e = e.to_string();
            assert!(e.contains(needle), "{needle}: {e}");
            assert!(
                e.contains("--allow-large") && e.starts_with("g.toml: "),
                "{e}"
            );
            assert!(!e.contains('\n'), "{e}");
            Grid::from_toml_with(&text, "g.toml", true).unwrap();
        }
    }

    #[test]
    fn the_estimate_counts_runs_epochs_and_samples() {
        let g = Grid::from_toml(
            &grid("").replace("\"rosenbrock\"", "\"linreg:samples=100,features=10\""),
            "g.toml",
        )
        .unwrap();
        let e = estimate(&g, 2);
        // 5 lr points × 1 tuning seed + 2 evaluation seeds.
        assert_eq!(e.runs, 7);
        assert_eq!(e.sample_gradients, 7.0 * 5.0 * 100.0);
        assert!((e.seconds - 7.0 * 5.0 * 100.0 * 10.0 * NS_PER_CELL * 1e-9 / 2.0).abs() < 1e-12);
        assert!(e.to_string().starts_with("large grid: up to 7 runs"), "{e}");
    }
}
