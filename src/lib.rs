//! optbench: which optimizer, batch mode and learning-rate schedule should I use, and with what
//! learning rate? A benchmark of optimizers exact to `torch.optim`.
//!
//! Dependencies point one way, in the order the modules are listed here: `num`, `rng` →
//! `spec` → `batch`, `data` → `optim`, `schedule` → `problem` → `grid` → `record` → `tuning` → `error` →
//! `trace`, `run`, `timing` → `analysis` → `history`, `compare`, `export` → `report` → `cli` (checked by `tests/integration/layout.rs`).

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

pub mod cli;

pub use error::Error;
