//! A grid's plan: its *configurations* (problem × optimizer × batch mode × schedule, minus the
//! combinations that make no sense, each reported with its reason), each with its
//! learning-rate [`Sweep`], and the runs a configuration can ask for.
//!
//! Which runs a configuration makes is decided by the harness round by round (the sweep is
//! bracketed on the tuning seeds, then the evaluation seeds run at the chosen lr), so a plan
//! lists configurations, not runs. Every decision depends on one configuration's own tuning
//! records, so a grid is sharded by configuration.
//!
//! A run id is the first 16 hex digits of SHA-256 over the run's canonical description
//! (canonical specs, lr, seed index, epochs, grid seed), so it does not depend on the order of
//! any list in the grid file. A configuration is named the same way, without lr and seed. The
//! grid's fingerprint hashes its canonical, validated content (everything but its name).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Grid, GridOptimizer, GridProblem, LrSweep};
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

/// Which instances a problem belongs to: the recommendation is chosen on the selection set,
/// and the held-out set only checks how it does on fresh instances of the same families.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum InstanceSet {
    /// The answer is chosen on it.
    #[default]
    Selection,
    /// Held out: it checks the answer.
    Holdout,
}

/// One run: everything needed to execute it, as canonical spec strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// Stable id.
    pub id: RunId,
    /// Canonical problem spec.
    pub problem: String,
    /// Whether the problem is in the selection or the held-out set.
    pub set: InstanceSet,
    /// Canonical optimizer spec, with this run's lr.
    pub optimizer: String,
    /// Optimizer registry name ("adam").
    pub optimizer_name: String,
    /// The optimizer's label in the grid.
    pub label: String,
    /// This run's learning rate.
    pub lr: f64,
    /// Whether `lr` is the optimizer's own lr (the "no tuning" budget).
    pub default_lr: bool,
    /// The optimizer's own lr in the grid (the centre of its sweep).
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
    /// Whether the run records the training objective after every update.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub record_updates: bool,
    /// Whether the run records its parameter path (on a 2-D landscape): the first evaluation
    /// seed's runs, which the report draws, or every evaluation run of a grid with
    /// `all_trajectories`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trajectory: bool,
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

/// The learning rates one configuration may run, as integer positions: position k of a
/// stepped sweep is lr0·10^(k·step) (k = 0 is lr0 itself, exactly); position k of a listed
/// sweep is the k-th value of the sorted list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Sweep {
    /// lr0·10^(k·step) for |k| ≤ `reach`, starting from |k| ≤ `half`; extended only when
    /// `bracket`.
    Stepped {
        /// The centre: the optimizer's own lr.
        lr0: f64,
        /// Decades between points.
        step: f64,
        /// Points each side of lr0 in the initial sweep.
        half: i32,
        /// The farthest point from lr0 a sweep may extend to.
        reach: i32,
        /// Whether the sweep extends past an edge that holds the best lr.
        bracket: bool,
    },
    /// An explicit, sorted list; `own` is the position of the optimizer's own lr.
    Listed {
        /// The rates, sorted.
        values: Vec<f64>,
        /// Position of the optimizer's own lr in `values`.
        own: i32,
    },
}

impl Sweep {
    /// The sweep of an optimizer whose own lr is `lr0`.
    pub fn new(lr: &LrSweep, lr0: f64) -> Sweep {
        match &lr.values {
            Some(values) => {
                let mut v = values.clone();
                if !v.contains(&lr0) {
                    v.push(lr0);
                }
                v.sort_by(f64::total_cmp);
                v.dedup();
                let own = v.iter().position(|&x| x == lr0).unwrap_or(0) as i32;
                Sweep::Listed { values: v, own }
            }
            None => Sweep::Stepped {
                lr0,
                step: lr.step,
                half: (lr.points / 2) as i32,
                reach: ((lr.max_decades / lr.step) + 1e-9).floor() as i32,
                bracket: lr.bracket,
            },
        }
    }

    /// The learning rate at position `k`.
    pub fn lr(&self, k: i32) -> f64 {
        match self {
            Sweep::Stepped { lr0, step, .. } => {
                if k == 0 {
                    *lr0
                } else {
                    lr0 * 10f64.powf(f64::from(k) * step)
                }
            }
            Sweep::Listed { values, .. } => values[k.clamp(0, values.len() as i32 - 1) as usize],
        }
    }

    /// The positions of the initial sweep, ascending.
    pub fn initial(&self) -> Vec<i32> {
        match self {
            Sweep::Stepped { half, .. } => (-half..=*half).collect(),
            Sweep::Listed { values, .. } => (0..values.len() as i32).collect(),
        }
    }

    /// The lowest and highest positions the sweep may reach.
    pub fn bounds(&self) -> (i32, i32) {
        match self {
            Sweep::Stepped {
                half,
                reach,
                bracket,
                ..
            } => {
                let r = if *bracket { *reach } else { *half };
                (-r, r)
            }
            Sweep::Listed { values, .. } => (0, values.len() as i32 - 1),
        }
    }

    /// The position of the optimizer's own lr.
    pub fn own(&self) -> i32 {
        match self {
            Sweep::Stepped { .. } => 0,
            Sweep::Listed { own, .. } => *own,
        }
    }

    /// Decades between neighbouring points (`None` for a listed sweep).
    pub fn step(&self) -> Option<f64> {
        match self {
            Sweep::Stepped { step, .. } => Some(*step),
            Sweep::Listed { .. } => None,
        }
    }
}

/// Combinations left out of a grid, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// What was left out, e.g. "rprop × cosine".
    pub what: String,
    /// Why.
    pub reason: &'static str,
    /// Configurations not made.
    pub configurations: usize,
}

/// One configuration: a problem, optimizer, batch mode and schedule, run over its sweep on the
/// tuning seeds and at its chosen lr on the evaluation seeds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Configuration {
    /// Stable name: 16 hex digits of SHA-256 over its canonical description.
    pub key: String,
    /// The fingerprint of its grid (stored in its records).
    pub fingerprint: String,
    /// Canonical problem spec.
    pub problem: String,
    /// Selection or held-out problem.
    pub set: InstanceSet,
    /// The grid's optimizer.
    pub optimizer: GridOptimizer,
    /// Canonical batch-mode spec.
    pub batch: String,
    /// Canonical schedule spec.
    pub schedule: String,
    /// Whether evaluation seeds also run at the optimizer's own lr (the "no tuning" budget:
    /// the constant schedule, or every schedule of a problem that has no constant one).
    pub evaluates_own_lr: bool,
    /// The epoch budget.
    pub epochs: usize,
    /// Its learning rates.
    pub sweep: Sweep,
    /// Tuning seeds (indices 0..tuning_seeds).
    pub tuning_seeds: usize,
    /// Evaluation seeds (the next indices).
    pub evaluation_seeds: usize,
    /// The grid seed.
    pub grid_seed: u64,
    /// Whether its runs record the training objective after every update.
    pub record_updates: bool,
    /// Whether every evaluation run records its path (else the first evaluation seed's only).
    pub all_trajectories: bool,
}

impl Configuration {
    /// The run at sweep position `k` and seed `seed_index`.
    pub fn run(&self, k: i32, seed_index: usize) -> RunSpec {
        let lr = self.sweep.lr(k);
        let optimizer = with_lr(&self.optimizer.spec, lr);
        let mut canonical = vec![
            "run-v1",
            self.problem.as_str(),
            optimizer.as_str(),
            self.batch.as_str(),
            self.schedule.as_str(),
        ];
        let (seed, epochs, grid_seed) = (
            seed_index.to_string(),
            self.epochs.to_string(),
            self.grid_seed.to_string(),
        );
        canonical.extend([seed.as_str(), epochs.as_str(), grid_seed.as_str()]);
        if self.record_updates {
            // A run that also records every update is another run (its record differs).
            canonical.push("record-updates");
        }
        let evaluation = seed_index >= self.tuning_seeds;
        let first_evaluation = seed_index == self.tuning_seeds;
        let trajectory = evaluation && (self.all_trajectories || first_evaluation);
        if trajectory && !first_evaluation {
            // So is a later evaluation seed's run that also records its path.
            canonical.push("trajectory");
        }
        RunSpec {
            record_updates: self.record_updates,
            trajectory,
            id: hex(&digest(&canonical)[..8]),
            problem: self.problem.clone(),
            set: self.set,
            optimizer,
            optimizer_name: self.optimizer.name.clone(),
            label: self.optimizer.label.clone(),
            lr,
            default_lr: k == self.sweep.own(),
            base_lr: self.optimizer.default_lr,
            batch: self.batch.clone(),
            schedule: self.schedule.clone(),
            seed_index,
            role: if evaluation {
                SeedRole::Evaluation
            } else {
                SeedRole::Tuning
            },
            epochs: self.epochs,
            grid_seed: self.grid_seed,
        }
    }

    /// The tuning runs at position `k`.
    pub fn tuning_runs(&self, k: i32) -> impl Iterator<Item = RunSpec> + '_ {
        (0..self.tuning_seeds).map(move |s| self.run(k, s))
    }

    /// The evaluation runs at position `k`.
    pub fn evaluation_runs(&self, k: i32) -> impl Iterator<Item = RunSpec> + '_ {
        (self.tuning_seeds..self.tuning_seeds + self.evaluation_seeds).map(move |s| self.run(k, s))
    }

    /// Runs the configuration makes at least: its initial sweep on the tuning seeds and one lr
    /// on the evaluation seeds.
    pub fn least_runs(&self) -> usize {
        self.sweep.initial().len() * self.tuning_seeds + self.evaluation_seeds
    }

    /// The shard (of `count`) that runs this configuration.
    pub fn shard(&self, count: usize) -> usize {
        (u64::from_str_radix(&self.key, 16).unwrap_or(0) % count as u64) as usize
    }
}

/// A grid's configurations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Every configuration, sorted by key.
    pub configurations: Vec<Configuration>,
    /// What was left out.
    pub skipped: Vec<Skip>,
    /// 16 hex digits of SHA-256 over the validated grid without its name: the grid's identity,
    /// stored in every record.
    pub fingerprint: String,
}

impl Plan {
    /// The configurations of shard `index` of `count` (0-based): those whose key, read as a
    /// number, is `index` modulo `count`. Deterministic, independent of order, and together the
    /// shards are exactly the configurations.
    pub fn shard(&self, index: usize, count: usize) -> Vec<&Configuration> {
        self.configurations
            .iter()
            .filter(|c| c.shard(count) == index)
            .collect()
    }

    /// Runs the plan makes at least (see [`Configuration::least_runs`]).
    pub fn least_runs(&self) -> usize {
        self.configurations.iter().map(|c| c.least_runs()).sum()
    }
}

const ANALYTIC_BATCH: &str = "analytic landscapes have no data: they take the full batch only";
const RPROP_SCHEDULE: &str =
    "rprop uses the lr only as its initial step size, so schedules have no effect";
const RPROP_BATCH: &str = "rprop is a full-batch method: its sign logic assumes exact gradients";
const ARS_BATCH: &str = "ars estimates its step from loss differences, which batch noise swamps at 2·directions evaluations per update; it runs on the full batch";

/// The grid's plan.
pub fn plan(grid: &Grid) -> Plan {
    let mut configurations = Vec::new();
    let mut skipped: Vec<Skip> = Vec::new();
    let mut skip = |what: String, reason: &'static str, n: usize| match skipped
        .iter_mut()
        .find(|s| s.what == what && s.reason == reason)
    {
        Some(s) => s.configurations += n,
        None => skipped.push(Skip {
            what,
            reason,
            configurations: n,
        }),
    };
    for p in &grid.problems {
        let analytic = problem::parse(&p.spec)
            .map(|x| x.config.landscape().is_some())
            .unwrap_or(false);
        let problem_name = p.spec.split(':').next().unwrap_or(&p.spec);
        let has_constant = p.schedules.iter().any(|s| schedule_name(s) == "constant");
        for opt in &grid.optimizers {
            let parsed = optim::parse(&opt.spec).ok();
            let follows_schedule = parsed.as_ref().is_none_or(|o| o.config.follows_schedule());
            let full_batch_only = parsed.as_ref().and_then(|o| o.config.full_batch_only());
            for batch in &p.batch_modes {
                let full = batch == "full";
                let all = p.schedules.len();
                if analytic && !full {
                    skip(format!("{problem_name} × {batch}"), ANALYTIC_BATCH, all);
                    continue;
                }
                if !follows_schedule && !full {
                    skip(format!("{} × {batch}", opt.label), RPROP_BATCH, all);
                    continue;
                }
                if let (Some(reason), false) = (full_batch_only, full) {
                    skip(format!("{} × {batch}", opt.label), reason, all);
                    continue;
                }
                if opt.name == "ars" && !full {
                    skip(format!("{} × {batch}", opt.label), ARS_BATCH, all);
                    continue;
                }
                for sched in &p.schedules {
                    let constant = schedule_name(sched) == "constant";
                    if !follows_schedule && !constant {
                        skip(
                            format!("{} × {}", opt.label, schedule_name(sched)),
                            RPROP_SCHEDULE,
                            1,
                        );
                        continue;
                    }
                    configurations.push(configuration(
                        grid,
                        p,
                        opt,
                        batch,
                        sched,
                        constant || !has_constant,
                    ));
                }
            }
        }
    }
    configurations.sort_by(|a, b| a.key.cmp(&b.key));
    skipped.sort_by(|a, b| (&a.what, a.reason).cmp(&(&b.what, b.reason)));
    let fingerprint = fingerprint(grid);
    for c in &mut configurations {
        c.fingerprint = fingerprint.clone();
    }
    Plan {
        configurations,
        skipped,
        fingerprint,
    }
}

fn configuration(
    grid: &Grid,
    p: &GridProblem,
    opt: &GridOptimizer,
    batch: &str,
    schedule: &str,
    evaluates_own_lr: bool,
) -> Configuration {
    let canonical = [
        "configuration-v1",
        p.spec.as_str(),
        opt.spec.as_str(),
        batch,
        schedule,
        &p.epochs.to_string(),
        &grid.seed.to_string(),
    ];
    Configuration {
        key: hex(&digest(&canonical)[..8]),
        fingerprint: String::new(),
        problem: p.spec.clone(),
        set: p.set,
        optimizer: opt.clone(),
        batch: batch.to_string(),
        schedule: schedule.to_string(),
        evaluates_own_lr,
        epochs: p.epochs,
        sweep: Sweep::new(&grid.lr, opt.default_lr),
        tuning_seeds: grid.tuning_seeds,
        evaluation_seeds: grid.evaluation_seeds,
        grid_seed: grid.seed,
        record_updates: grid.record_updates,
        all_trajectories: grid.all_trajectories,
    }
}

/// The grid's identity: its validated content without its name, hashed.
fn fingerprint(grid: &Grid) -> String {
    let mut unnamed = grid.clone();
    unnamed.name = String::new();
    let text = serde_json::to_string(&unnamed).expect("a grid serializes");
    hex(&digest(&["grid-v2", &text])[..8])
}

fn schedule_name(spec: &str) -> &str {
    spec.split(':').next().unwrap_or(spec)
}

/// The optimizer spec with its lr replaced.
fn with_lr(spec: &str, lr: f64) -> String {
    let parsed = optim::parse(spec).expect("grid optimizer specs are canonical");
    parsed.params.with("lr", Value::Float(lr)).to_string()
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
    fn configurations_are_the_cross_product_minus_reported_skips() {
        let g = Grid::from_toml(GRID, "g").unwrap();
        let p = plan(&g);
        // rosenbrock: full only: sgd, adam × 2 schedules + rprop × constant = 5;
        // logreg2d: sgd, adam × 2 modes × 2 schedules + rprop × full × constant = 9.
        assert_eq!(p.configurations.len(), 5 + 9);
        let reasons: Vec<&str> = p.skipped.iter().map(|s| s.reason).collect();
        assert!(reasons.contains(&ANALYTIC_BATCH));
        assert!(reasons.contains(&RPROP_SCHEDULE));
        assert!(reasons.contains(&RPROP_BATCH));
        let skipped: usize = p.skipped.iter().map(|s| s.configurations).sum();
        assert_eq!(p.configurations.len() + skipped, 2 * 3 * 2 * 2);
        assert!(p.configurations.windows(2).all(|w| w[0].key < w[1].key));
        // Only constant-schedule configurations evaluate the optimizer's own lr.
        assert!(
            p.configurations
                .iter()
                .all(|c| c.evaluates_own_lr == c.schedule.starts_with("constant"))
        );
    }

    /// A full-batch-only method (lbfgs) runs with the full batch and every schedule; its other
    /// batch modes are reported as skipped with the method's own reason.
    #[test]
    fn full_batch_only_methods_skip_other_batch_modes() {
        let text = GRID.replace(
            r#"["sgd", "rprop", { spec = "adam", label = "Adam" }]"#,
            r#"["lbfgs", "asgd"]"#,
        );
        let p = plan(&Grid::from_toml(&text, "g").unwrap());
        let reason = optim::parse("lbfgs")
            .unwrap()
            .config
            .full_batch_only()
            .unwrap();
        let lbfgs: Vec<_> = p
            .configurations
            .iter()
            .filter(|c| c.optimizer.name == "lbfgs")
            .collect();
        // rosenbrock (full only) and logreg2d (full), × constant and cosine.
        assert_eq!(lbfgs.len(), 4);
        assert!(lbfgs.iter().all(|c| c.batch == "full"));
        let skip = p.skipped.iter().find(|s| s.reason == reason).unwrap();
        assert_eq!(skip.configurations, 2);
        assert!(skip.what.starts_with("lbfgs × minibatch"), "{}", skip.what);
        // asgd takes any batch mode: 2 + 4.
        assert_eq!(p.configurations.len(), 4 + 6);
    }

    #[test]
    fn a_stepped_sweep_is_half_decades_around_the_optimizers_lr() {
        let s = Sweep::new(&LrSweep::default(), 1e-3);
        assert_eq!(s.initial(), vec![-2, -1, 0, 1, 2]);
        assert_eq!(s.lr(0), 1e-3);
        assert!((s.lr(-2) - 1e-4).abs() < 1e-18 && (s.lr(2) - 1e-2).abs() < 1e-16);
        assert!((s.lr(1) / s.lr(0) - 10f64.sqrt()).abs() < 1e-12);
        assert_eq!(s.bounds(), (-12, 12));
        let listed = Sweep::new(
            &LrSweep {
                values: Some(vec![0.1, 0.5]),
                ..LrSweep::default()
            },
            0.01,
        );
        assert_eq!(listed.initial(), vec![0, 1, 2]);
        assert_eq!(listed.lr(0), 0.01);
        assert_eq!(listed.own(), 0);
        assert_eq!(listed.bounds(), (0, 2));
        let fixed = Sweep::new(
            &LrSweep {
                bracket: false,
                ..LrSweep::default()
            },
            0.3,
        );
        assert_eq!(fixed.bounds(), (-2, 2));
    }

    #[test]
    fn ids_and_keys_do_not_depend_on_list_order() {
        let a = plan(&Grid::from_toml(GRID, "g").unwrap());
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
        let b = plan(&Grid::from_toml(&reordered, "g").unwrap());
        assert_eq!(
            a.configurations.iter().map(|c| &c.key).collect::<Vec<_>>(),
            b.configurations.iter().map(|c| &c.key).collect::<Vec<_>>()
        );
        let ids = |p: &Plan| -> Vec<String> {
            p.configurations
                .iter()
                .flat_map(|c| (-1..=1).flat_map(move |k| (0..3).map(move |s| c.run(k, s).id)))
                .collect()
        };
        let (ia, ib) = (ids(&a), ids(&b));
        assert_eq!(ia, ib);
        let mut unique = ia.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ia.len());
    }

    #[test]
    fn shards_partition_the_configurations() {
        let p = plan(&Grid::from_toml(GRID, "g").unwrap());
        let mut all: Vec<&Configuration> = (0..3).flat_map(|i| p.shard(i, 3)).collect();
        all.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(all, p.configurations.iter().collect::<Vec<_>>());
        assert!((0..3).all(|i| !p.shard(i, 3).is_empty()));
    }

    #[test]
    fn the_fingerprint_follows_the_content_not_the_name() {
        let a = plan(&Grid::from_toml(GRID, "g").unwrap()).fingerprint;
        let renamed = plan(&Grid::from_toml(&format!("name = \"x\"\n{GRID}"), "g").unwrap());
        assert_eq!(a, renamed.fingerprint);
        let other = plan(&Grid::from_toml(&GRID.replace("epochs = 4", "epochs = 5"), "g").unwrap());
        assert_ne!(a, other.fingerprint);
        let traced =
            plan(&Grid::from_toml(&format!("all_trajectories = true\n{GRID}"), "g").unwrap());
        assert_ne!(a, traced.fingerprint);
    }

    #[test]
    fn paired_design_seeds() {
        let p = plan(&Grid::from_toml(GRID, "g").unwrap());
        let at = |opt: &str, seed: usize| {
            let c = p
                .configurations
                .iter()
                .find(|c| c.optimizer.name == opt && c.problem.starts_with("logreg2d"))
                .unwrap();
            c.run(0, seed)
        };
        assert_eq!(at("sgd", 1).problem_seed(), at("adam", 1).problem_seed());
        assert_ne!(at("sgd", 1).problem_seed(), at("sgd", 2).problem_seed());
        assert_ne!(
            at("sgd", 1).optimizer_seed(),
            at("adam", 1).optimizer_seed()
        );
        assert_eq!(at("sgd", 0).role, SeedRole::Tuning);
        assert_eq!(at("sgd", 1).role, SeedRole::Evaluation);
    }

    #[test]
    fn the_first_evaluation_seed_records_its_path_or_every_one_with_all_trajectories() {
        let grid = GRID.replace("evaluation_seeds = 2", "evaluation_seeds = 3");
        let runs = |text: &str| -> Vec<RunSpec> {
            let p = plan(&Grid::from_toml(text, "g").unwrap());
            let c = p.configurations[0].clone();
            (0..4).map(|s| c.run(0, s)).collect()
        };
        let first = runs(&grid);
        let traced: Vec<bool> = first.iter().map(|r| r.trajectory).collect();
        assert_eq!(traced, [false, true, false, false]);
        let every = runs(&format!("all_trajectories = true\n{grid}"));
        let traced: Vec<bool> = every.iter().map(|r| r.trajectory).collect();
        assert_eq!(traced, [false, true, true, true]);
        // A run that records what it otherwise would not is another run; the others keep
        // their ids.
        assert_eq!(first[0].id, every[0].id);
        assert_eq!(first[1].id, every[1].id);
        assert_ne!(first[2].id, every[2].id);
        // The flag is written only when set.
        let text = serde_json::to_string(&first[2]).unwrap();
        assert!(!text.contains("trajectory"), "{text}");
        assert!(
            serde_json::to_string(&first[1])
                .unwrap()
                .contains("\"trajectory\":true")
        );
    }
}
