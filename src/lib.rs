//! optbench: which optimizer, batch mode and learning-rate schedule should I use, and with what
//! learning rate? A benchmark of optimizers exact to `torch.optim`.
//!
//! The `optbench` binary is the usual way in: `optbench report` runs a grid and writes its
//! HTML report, `optbench list` shows every optimizer, schedule, problem and key. The library
//! is the same pipeline, callable from code. The protocol, scores and statistics are described
//! in `docs/methodology.md`; every optimizer, schedule, problem and key in
//! `docs/reference.md`; the pipeline and its folders in `docs/architecture.md`.
//!
//! # Run a grid and read its records
//!
//! A grid (TOML, every key documented in `examples/grid.toml`) names problems, optimizers,
//! batch modes, schedules, learning rates and seeds; [`run::run_grid`] runs all of it into a
//! results file, one [`record::RunRecord`] per line.
//!
//! ```
//! use optbench::grid::Grid;
//! use optbench::record::read_results;
//! use optbench::run::{RunOptions, run_grid};
//!
//! let grid = Grid::from_toml(
//!     r#"
//!     epochs = 20
//!     tuning_seeds = 1
//!     evaluation_seeds = 1
//!     problems = ["quadratic"]
//!     optimizers = ["sgd", "adam"]
//!     [lr]
//!     values = [0.01, 0.1]
//!     "#,
//!     "tiny.toml",
//! )?;
//! let dir = tempfile::tempdir()?;
//! let options = RunOptions {
//!     out: dir.path().join("results.jsonl"),
//!     jobs: Some(1),
//!     shard: None,
//!     resume: false,
//!     progress: false,
//!     cache: None,
//!     only: None,
//! };
//! let summary = run_grid(&grid, &options)?;
//!
//! let records = read_results(&options.out)?.records;
//! assert_eq!(records.len(), summary.runs);
//! // Every adam run ends below where it started.
//! for r in records.iter().filter(|r| r.spec.optimizer_name == "adam") {
//!     assert!(r.final_train_loss() < r.curves.train_loss[0]);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Step an optimizer on a landscape
//!
//! Optimizers, schedules and problems are built from spec strings (`name` or
//! `name:key=value,...`) checked against one registry. An optimizer steps any
//! [`optim::Objective`]; here, an analytic landscape's closed-form gradient.
//!
//! ```
//! use optbench::optim::{self, Objective};
//! use optbench::problem::{self, Landscape};
//!
//! /// A landscape as the objective an optimizer asks for losses and gradients.
//! struct Exact<'a>(&'a dyn Landscape);
//!
//! impl Objective for Exact<'_> {
//!     fn dim(&self) -> usize {
//!         self.0.dim()
//!     }
//!     fn loss(&mut self, x: &[f64]) -> f64 {
//!         self.0.value(x)
//!     }
//!     fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
//!         self.0.gradient(x, grad);
//!     }
//! }
//!
//! let landscape = problem::parse("quadratic:kappa=10")?
//!     .config
//!     .landscape()
//!     .expect("an analytic landscape");
//! let adam = optim::parse("adam:lr=0.1")?;
//! assert_eq!(adam.params.to_string(), "adam:lr=0.1,beta1=0.9,beta2=0.999,eps=1e-8,weight_decay=0.0,amsgrad=false");
//!
//! let mut optimizer = adam.config.build(landscape.dim(), 0);
//! let mut x = landscape.default_start();
//! let start = landscape.value(&x);
//! for _ in 0..200 {
//!     optimizer.step(&mut x, &mut Exact(landscape.as_ref()), adam.config.lr());
//! }
//! assert!(landscape.value(&x) < 1e-3 * start);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layout
//!
//! Dependencies point one way, in the order the modules are listed here: `num`, `rng` →
//! `spec` → `batch`, `data` → `optim`, `schedule` → `problem` → `grid` → `record` → `tuning` →
//! `error` → `trace`, `run`, `timing` → `analysis` → `history`, `compare`, `export` → `report`
//! → `site` → `cli` (checked by `tests/integration/layout.rs`).

#![warn(missing_docs)]

pub mod num;
pub mod rng;

pub mod spec;

pub mod batch;
pub mod data;

pub mod optim;
pub mod schedule;

pub mod problem;

pub mod grid;
pub mod record;
pub mod tuning;

pub mod error;

pub mod run;
pub mod timing;
pub mod trace;

pub mod analysis;
pub mod compare;
pub mod export;
pub mod history;
pub mod report;
pub mod site;

pub mod cli;

pub use error::Error;
