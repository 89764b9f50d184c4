//! Expansion of a grid into runs: the cross product problem × optimizer × batch mode ×
//! schedule × learning rate × seed, minus the combinations that make no sense (each reported
//! with its reason), each run named by a stable id.
//!
//! A run id is the first 16 hex digits of SHA-256 over the run's canonical description
//! (canonical specs, lr, seed index, epochs, grid seed), so it does not depend on the order of
//! any list in the grid file. The grid's fingerprint hashes the sorted ids of all its runs.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Grid;
use crate::spec::Value;
use crate::{optim, problem};

/// A run's stable id: 16 lowercase hex digits.
pub type RunId = String;

/// Which seed set a run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedRole {
    /// Used to pick the learning rate.
    Tuning,
    /// Used to report results (took no part in picking the lr).
    Evaluation,
}

/// One run: everything needed to execute it, as canonical spec strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// Stable id.
    pub id: RunId,
    /// Canonical problem spec.
    pub problem: String,
    /// Canonical optimizer spec, with this run's lr.
    pub optimizer: String,
    /// Optimizer registry name ("adam").
    pub optimizer_name: String,
    /// The optimizer's label in the grid.
    pub label: String,
    /// This run's learning rate.
    pub lr: f64,
    /// Whether `lr` is the optimizer's default (the "no tuning" budget).
    pub default_lr: bool,
    /// The optimizer's default lr in the grid (the centre of its sweep).
    pub base_lr: f64,
    /// Canonical batch-mode spec.
    pub batch: String,
    /// Canonical schedule spec.
    pub schedule: String,
    /// Seed index (0-based; tuning seeds first).
    pub seed_index: usize,
    /// Tuning or evaluation seed.
    pub role: SeedRole,
    /// Epoch budget.
    pub epochs: usize,
    /// The grid seed.
    pub grid_seed: u64,
}

impl RunSpec {
    /// The seed of the problem instance (data, split, start, batch order) for this run: the
    /// same for every optimizer, lr and schedule at one problem and seed index (paired design).
    pub fn problem_seed(&self) -> u64 {
        problem_seed(self.grid_seed, &self.problem, self.seed_index)
    }

    /// The seed of the optimizer's own randomness (`ars`), drawn from the run id.
    pub fn optimizer_seed(&self) -> u64 {
        u64::from_str_radix(&self.id, 16).unwrap_or(0)
    }
}

/// The seed of one problem instance: a hash of (grid seed, canonical problem, seed index).
pub fn problem_seed(grid_seed: u64, problem: &str, seed_index: usize) -> u64 {
    let d = digest(&[
        "problem-seed",
        &grid_seed.to_string(),
        problem,
        &seed_index.to_string(),
    ]);
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

fn digest(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Combinations left out of a grid, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// What was left out, e.g. "rprop × cosine".
    pub what: String,
    /// Why.
    pub reason: &'static str,
    /// Runs not made.
    pub runs: usize,
}

/// A grid's runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expansion {
    /// Every run, sorted by id.
    pub runs: Vec<RunSpec>,
    /// What was left out.
    pub skipped: Vec<Skip>,
    /// SHA-256 over the sorted run ids (16 hex digits): the grid's identity.
    pub fingerprint: String,
}

impl Expansion {
    /// The runs of shard `index` of `count` (0-based): runs whose id, read as a number, is
    /// `index` modulo `count`. Deterministic, independent of order, and together the shards
    /// are exactly the runs.
    pub fn shard(&self, index: usize, count: usize) -> Vec<RunSpec> {
        self.runs
            .iter()
            .filter(|r| {
                (u64::from_str_radix(&r.id, 16).unwrap_or(0) % count as u64) as usize == index
            })
            .cloned()
            .collect()
    }
}

const ANALYTIC_BATCH: &str = "analytic landscapes have no data: they take the full batch only";
const RPROP_SCHEDULE: &str =
    "rprop uses the lr only as its initial step size, so schedules have no effect (SPEC §4)";
const RPROP_BATCH: &str = "rprop is a full-batch method: its sign logic assumes exact gradients";
const ARS_BATCH: &str = "ars estimates its step from loss differences, which batch noise swamps at 2·directions evaluations per update; it runs on the full batch";

/// One cell of the cross product: a problem, optimizer, batch mode, schedule and lr, run on
/// every seed.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// Canonical problem spec.
    pub problem: &'a str,
    /// The grid's optimizer.
    pub optimizer: &'a super::GridOptimizer,
    /// Canonical batch-mode spec.
    pub batch: &'a str,
    /// Canonical schedule spec.
    pub schedule: &'a str,
    /// The learning rate.
    pub lr: f64,
    /// The epoch budget.
    pub epochs: usize,
}

/// Visits every cell of the grid that is run, and every left-out combination once (with
/// its reason and how many runs it would have been), in grid order.
pub fn for_each_cell<'a>(
    grid: &'a Grid,
    mut cell: impl FnMut(Cell<'a>),
    mut skip: impl FnMut(String, &'static str, usize),
) {
    let seeds = grid.seeds();
    for (problem_spec, &epochs) in grid.problems.iter().zip(&grid.problem_epochs) {
        let analytic = problem::parse(problem_spec)
            .map(|p| p.config.landscape().is_some())
            .unwrap_or(false);
        let problem_name = problem_spec.split(':').next().unwrap_or(problem_spec);
        for opt in &grid.optimizers {
            let rates = grid.lr.rates(opt.default_lr);
            let per_cell = rates.len() * seeds;
            let follows_schedule = optim::parse(&opt.spec)
                .map(|o| o.config.follows_schedule())
                .unwrap_or(true);
            for batch in &grid.batch_modes {
                let full = batch == "full";
                let all_schedules = per_cell * grid.schedules.len();
                if analytic && !full {
                    skip(
                        format!("{problem_name} × {batch}"),
                        ANALYTIC_BATCH,
                        all_schedules,
                    );
                    continue;
                }
                if !follows_schedule && !full {
                    skip(
                        format!("{} × {batch}", opt.label),
                        RPROP_BATCH,
                        all_schedules,
                    );
                    continue;
                }
                if opt.name == "ars" && !full {
                    skip(format!("{} × {batch}", opt.label), ARS_BATCH, all_schedules);
                    continue;
                }
                for sched in &grid.schedules {
                    if !follows_schedule && schedule_name(sched) != "constant" {
                        skip(
                            format!("{} × {}", opt.label, schedule_name(sched)),
                            RPROP_SCHEDULE,
                            per_cell,
                        );
                        continue;
                    }
                    for &lr in &rates {
                        cell(Cell {
                            problem: problem_spec,
                            optimizer: opt,
                            batch,
                            schedule: sched,
                            lr,
                            epochs,
                        });
                    }
                }
            }
        }
    }
}

/// Expands `grid` into runs.
pub fn expand(grid: &Grid) -> Expansion {
    let mut runs = Vec::new();
    let mut skipped: Vec<Skip> = Vec::new();
    for_each_cell(
        grid,
        |c| {
            let optimizer = with_lr(&c.optimizer.spec, c.lr);
            for seed_index in 0..grid.seeds() {
                runs.push(run_spec(grid, &c, &optimizer, seed_index));
            }
        },
        |what, reason, n| match skipped
            .iter_mut()
            .find(|s| s.what == what && s.reason == reason)
        {
            Some(s) => s.runs += n,
            None => skipped.push(Skip {
                what,
                reason,
                runs: n,
            }),
        },
    );
    runs.sort_by(|a, b| a.id.cmp(&b.id));
    skipped.sort_by(|a, b| (&a.what, a.reason).cmp(&(&b.what, b.reason)));
    let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    let fingerprint = hex(&digest(&ids)[..8]);
    Expansion {
        runs,
        skipped,
        fingerprint,
    }
}

fn schedule_name(spec: &str) -> &str {
    spec.split(':').next().unwrap_or(spec)
}

/// The optimizer spec with its lr replaced.
fn with_lr(spec: &str, lr: f64) -> String {
    let parsed = optim::parse(spec).expect("grid optimizer specs are canonical");
    parsed.params.with("lr", Value::Float(lr)).to_string()
}

fn run_spec(grid: &Grid, c: &Cell, optimizer: &str, seed_index: usize) -> RunSpec {
    let canonical = [
        "run-v1",
        c.problem,
        optimizer,
        c.batch,
        c.schedule,
        &seed_index.to_string(),
        &c.epochs.to_string(),
        &grid.seed.to_string(),
    ];
    RunSpec {
        id: hex(&digest(&canonical)[..8]),
        problem: c.problem.to_string(),
        optimizer: optimizer.to_string(),
        optimizer_name: c.optimizer.name.clone(),
        label: c.optimizer.label.clone(),
        lr: c.lr,
        default_lr: c.lr == c.optimizer.default_lr,
        base_lr: c.optimizer.default_lr,
        batch: c.batch.to_string(),
        schedule: c.schedule.to_string(),
        seed_index,
        role: if seed_index < grid.tuning_seeds {
            SeedRole::Tuning
        } else {
            SeedRole::Evaluation
        },
        epochs: c.epochs,
        grid_seed: grid.seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRID: &str = r#"
epochs = 4
tuning_seeds = 1
evaluation_seeds = 2
problems = ["rosenbrock", "logreg2d"]
optimizers = ["sgd", "rprop", { spec = "adam", label = "Adam" }]
batch_modes = ["full", "minibatch:size=64"]
schedules = ["constant", "cosine"]
[lr]
points = 3
"#;

    #[test]
    fn cross_product_minus_reported_skips() {
        let g = Grid::from_toml(GRID, "g").unwrap();
        let e = expand(&g);
        // rosenbrock: full only (2 first-order optimizers × 2 schedules + rprop × constant)
        //   = (2·2 + 1)·3 lrs·3 seeds = 45; logreg2d: sgd, adam × 2 modes × 2 schedules
        //   + rprop × full × constant = (8 + 1)·9 = 81.
        assert_eq!(e.runs.len(), 45 + 81);
        let reasons: Vec<&str> = e.skipped.iter().map(|s| s.reason).collect();
        assert!(reasons.contains(&ANALYTIC_BATCH));
        assert!(reasons.contains(&RPROP_SCHEDULE));
        assert!(reasons.contains(&RPROP_BATCH));
        let skipped: usize = e.skipped.iter().map(|s| s.runs).sum();
        assert_eq!(e.runs.len() + skipped, 2 * 3 * 2 * 2 * 3 * 3);
        assert!(e.runs.windows(2).all(|w| w[0].id < w[1].id));
        let defaults = e.runs.iter().filter(|r| r.default_lr).count();
        assert_eq!(defaults * 3, e.runs.len());
        assert_eq!(
            e.runs.iter().filter(|r| r.role == SeedRole::Tuning).count() * 3,
            e.runs.len()
        );
    }

    #[test]
    fn ids_do_not_depend_on_list_order() {
        let a = expand(&Grid::from_toml(GRID, "g").unwrap());
        let reordered = GRID
            .replace(
                r#"["rosenbrock", "logreg2d"]"#,
                r#"["logreg2d", "rosenbrock"]"#,
            )
            .replace(
                r#"["full", "minibatch:size=64"]"#,
                r#"["minibatch:size=64", "full"]"#,
            )
            .replace(r#"["constant", "cosine"]"#, r#"["cosine", "constant"]"#)
            .replace(
                r#"["sgd", "rprop", { spec = "adam", label = "Adam" }]"#,
                r#"[{ spec = "adam", label = "Adam" }, "rprop", "sgd"]"#,
            );
        let b = expand(&Grid::from_toml(&reordered, "g").unwrap());
        assert_eq!(a, b);
        let mut unique: Vec<&str> = a.runs.iter().map(|r| r.id.as_str()).collect();
        unique.dedup();
        assert_eq!(unique.len(), a.runs.len());
    }

    #[test]
    fn shards_partition_the_runs() {
        let e = expand(&Grid::from_toml(GRID, "g").unwrap());
        let mut all: Vec<RunSpec> = (0..3).flat_map(|i| e.shard(i, 3)).collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(all, e.runs);
        assert!((0..3).all(|i| !e.shard(i, 3).is_empty()));
    }

    #[test]
    fn paired_design_seeds() {
        let e = expand(&Grid::from_toml(GRID, "g").unwrap());
        let at = |opt: &str, seed: usize| {
            e.runs
                .iter()
                .find(|r| {
                    r.optimizer_name == opt
                        && r.seed_index == seed
                        && r.problem.starts_with("logreg2d")
                })
                .unwrap()
        };
        assert_eq!(at("sgd", 1).problem_seed(), at("adam", 1).problem_seed());
        assert_ne!(at("sgd", 1).problem_seed(), at("sgd", 2).problem_seed());
        assert_ne!(
            at("sgd", 1).optimizer_seed(),
            at("adam", 1).optimizer_seed()
        );
    }
}
