//! The harness: executes runs, in parallel with rayon, one run per task, writing each
//! finished record to the results file at once.
//!
//! Randomness follows the paired design: a run's problem instance (data, split), start, batch
//! order and gradient noise come from streams of its problem seed, shared by every optimizer,
//! learning rate and schedule at one problem and seed index; only the optimizer's own
//! randomness (`ars`) comes from the run id. Nothing depends on order, threads or time, so the
//! records are identical whatever `--jobs` or `--shard` (wall-clock fields aside).
//!
//! Divergence ends a run: a non-finite value, or a training loss above
//! [`BLOWUP`]·max(1, |initial training loss|). The epoch is recorded as `diverged_epoch`.
//!
//! A grid runs configuration by configuration, all in parallel: each sweeps its learning
//! rates on the tuning seeds, bracketing the best (see the `tuning` module), then runs its
//! evaluation seeds at the picked rate. Every decision reads only the configuration's own
//! tuning records, so the records are the same whatever the thread count, the sharding (by
//! configuration) or an interruption and `--resume` at any point.
//!
//! Every run executed stores its record in the result cache when one is given ([`Cache`]);
//! with [`RunOptions::only`], the runs of the other optimizers take their records from it
//! (and run when it has none). The cache acts run by run, below the decisions: a
//! configuration asks for the same runs in the same order whether their records were
//! computed or read, so the records are the same either way.
//!
//! May use: `grid`, `record`, `tuning`, `problem`, `optim`, `schedule`, `batch`, `data`, `rng`,
//! `error`.

mod cache;
mod progress;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use crate::batch::{self, Batches};
use crate::data::Split;
use crate::error::Error;
use crate::grid::{self, Configuration, Grid, Plan, RunSpec};
use crate::problem::{self, BatchObjective, Counters, Family, Problem, Workspace};
use crate::record::{
    Best, Correct, Curves, OptimumRecord, PerEpoch, RecordError, ResultsWriter, RunRecord,
    SCHEMA_VERSION, Samples, Status, TRAJECTORY_POINTS, UPDATE_LOSSES, downsample, encode_line,
    lock_results, microseconds, read_results, recorded_epochs, six_digits,
};
use crate::rng;
use crate::{optim, schedule, tuning};

pub use cache::{Cache, optimizer_code_version, shared_code_version};
pub use progress::Progress;

/// A run diverges when its training loss exceeds this many times max(1, |initial loss|).
pub const BLOWUP: f64 = 1e6;

/// Streams a run derives from its problem seed.
mod streams {
    /// Initial parameters.
    pub const INIT: u64 = 10;
    /// Batch order.
    pub const BATCHES: u64 = 11;
    /// Gradient noise of `noise=σ` landscapes.
    pub const NOISE: u64 = 12;
}

/// A problem instance shared by the runs at one problem and seed index.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The built problem.
    pub problem: Arc<dyn Problem>,
    /// Its family.
    pub family: Family,
    /// Whether it is a 2-D landscape (a run whose spec asks records its trajectory).
    pub planar: bool,
    /// f* of its training objective.
    pub optimum: OptimumRecord,
}

/// Builds the problem instance a run needs.
pub fn instance(spec: &RunSpec) -> Result<Instance, Error> {
    let parsed = problem::parse(&spec.problem)?;
    let problem: Arc<dyn Problem> = Arc::from(parsed.config.build(spec.problem_seed())?);
    let planar = !problem.has_data() && problem.dim() == 2;
    // Every score is a gap to f*: a problem without one cannot be run.
    let optimum = problem
        .optimum()
        .filter(|o| o.loss.is_finite())
        .map(|o| OptimumRecord {
            loss: o.loss,
            kind: o.kind,
            gradient_norm: o.gradient_norm.filter(|g| g.is_finite()),
        })
        .ok_or_else(|| {
            Error::Usage(format!(
                "problem {}: no finite optimum f* (Problem::optimum); every score is a gap to it, so a problem must give one (exact, solved or estimated)",
                spec.problem
            ))
        })?;
    check_start(spec, problem.as_ref())?;
    Ok(Instance {
        problem,
        family: parsed.family,
        planar,
        optimum,
    })
}

/// Checks that the objective on every split and the full training gradient are finite at the
/// start every run of this instance shares (the start depends on the problem seed only). Where
/// they are not, no optimizer has done anything yet: the data overflow f64 arithmetic, and no
/// run could record even its start, so the problem is refused like one without a finite f*.
fn check_start(spec: &RunSpec, problem: &dyn Problem) -> Result<(), Error> {
    let x = problem.initial_params(rng::derive_seed(spec.problem_seed(), &[streams::INIT]));
    let mut ws = Workspace::new();
    let bad = |what: &str| {
        Error::Usage(format!(
            "problem {}, seed {}: the {what} at the start is not finite (the data overflow f64 arithmetic); every value a run records must be finite: rescale the data",
            spec.problem, spec.seed_index
        ))
    };
    for (split, name) in Split::ALL
        .into_iter()
        .zip(["training", "validation", "test"])
    {
        let e = problem.evaluate(&x, split, &mut ws);
        if !e.loss.is_finite() || !e.accuracy.is_none_or(f64::is_finite) {
            return Err(bad(&format!("objective on the {name} split")));
        }
    }
    let all: Vec<usize> = (0..problem.train_len()).collect();
    let mut grad = vec![0.0; problem.dim()];
    problem.loss_grad(&x, &all, &mut grad, &mut ws);
    if !norm(&grad).is_finite() {
        return Err(bad("training gradient"));
    }
    Ok(())
}

/// Executes one run on its problem instance. `grid` is the grid fingerprint stored in the
/// record. Allocates its state once; the inner loop over batches does not allocate.
pub fn execute(spec: &RunSpec, instance: &Instance, grid: &str) -> Result<RunRecord, Error> {
    let started = Instant::now();
    let problem = instance.problem.as_ref();
    let problem_seed = spec.problem_seed();
    let optimizer = optim::parse(&spec.optimizer)?;
    let schedule = schedule::parse(&spec.schedule)?;
    let batch_mode = batch::parse(&spec.batch)?.mode;
    let sizes = problem.sizes();

    let dim = problem.dim();
    let mut x = problem.initial_params(rng::derive_seed(problem_seed, &[streams::INIT]));
    let mut opt = optimizer
        .config
        .build_for(&problem.layout(), spec.optimizer_seed());
    let mut sched = schedule.config.build(spec.lr, spec.epochs);
    let mut batches = Batches::new(
        batch_mode,
        problem.train_len(),
        rng::derive_seed(problem_seed, &[streams::BATCHES]),
    );
    let mut noise = rng::from_seed(rng::derive_seed(problem_seed, &[streams::NOISE]));
    let mut ws = Workspace::new();
    let mut counters = Counters::default();
    let mut updates = 0u64;
    let mut previous = x.clone();

    // The start: full training gradient norm (measurement, not charged).
    let start_gradient = {
        let all: Vec<usize> = (0..problem.train_len()).collect();
        let mut grad = vec![0.0; dim];
        problem.loss_grad(&x, &all, &mut grad, &mut ws);
        norm(&grad)
    };
    let recorded = recorded_epochs(spec.epochs, spec.role);
    let trace = instance.planar && spec.trajectory;
    let n = recorded.len();
    let has_data = problem.has_data();
    let mut curves = Curves {
        epoch: Vec::with_capacity(n),
        lr: Vec::with_capacity(n),
        train_loss: Vec::with_capacity(n),
        validation_loss: has_data.then(|| Vec::with_capacity(n)),
        test_loss: has_data.then(|| Vec::with_capacity(n)),
        correct: sizes.classes.map(|_| Correct {
            train: Vec::new(),
            validation: Vec::new(),
            test: Vec::new(),
        }),
        gradient_norm: Vec::with_capacity(n),
        update_norm: Vec::with_capacity(n),
        seconds: Vec::with_capacity(n),
    };
    // Measurement (not charged to the optimizer): the objective on the three splits.
    let mut eval_ws = Workspace::new();
    let mut measure = |x: &[f64]| -> [(f64, Option<f64>); 3] {
        Split::ALL.map(|split| {
            let e = problem.evaluate(x, split, &mut eval_ws);
            (e.loss, e.accuracy)
        })
    };
    /// One epoch's measurements, before they go into the curves.
    struct Row {
        epoch: usize,
        m: [(f64, Option<f64>); 3],
        lr: f64,
        gradient_norm: f64,
        update_norm: f64,
        seconds: f64,
    }
    let push = |curves: &mut Curves, r: &Row| {
        curves.epoch.push(r.epoch);
        curves.lr.push(six_digits(r.lr));
        curves.train_loss.push(r.m[0].0);
        if let Some(v) = &mut curves.validation_loss {
            v.push(r.m[1].0);
        }
        if let Some(v) = &mut curves.test_loss {
            v.push(r.m[2].0);
        }
        if let Some(c) = &mut curves.correct {
            let count = |acc: Option<f64>, n: usize| (acc.unwrap_or(0.0) * n as f64).round() as u32;
            c.train.push(count(r.m[0].1, sizes.train));
            c.validation.push(count(r.m[1].1, sizes.validation));
            c.test.push(count(r.m[2].1, sizes.test));
        }
        curves.gradient_norm.push(six_digits(r.gradient_norm));
        curves.update_norm.push(six_digits(r.update_norm));
        curves.seconds.push(microseconds(r.seconds));
    };

    let start = measure(&x);
    let limit = BLOWUP * start[0].0.abs().max(1.0);
    let mut best = Best {
        epoch: 0,
        validation_loss: start[1].0,
        test_loss: start[2].0,
    };
    let mut last_row = Row {
        epoch: 0,
        m: start,
        lr: sched.lr(),
        gradient_norm: start_gradient,
        update_norm: 0.0,
        seconds: started.elapsed().as_secs_f64(),
    };
    push(&mut curves, &last_row);
    let mut path = vec![[six_digits(x[0]), six_digits(*x.get(1).unwrap_or(&0.0))]];
    // The training objective after every update, for grids that ask (measurement, not
    // charged); recording stops at the first non-finite value or the cap.
    let mut update_ws = Workspace::new();
    let mut update_losses = spec.record_updates.then(|| vec![start[0].0]);
    let mut diverged_epoch = None;
    let mut per_epoch = None;
    for epoch in 1..=spec.epochs {
        let lr = sched.lr();
        let before = counters;
        let updates_before = updates;
        for batch in batches.epoch() {
            let mut objective =
                BatchObjective::new(problem, batch, &mut ws, &mut counters, &mut noise);
            opt.step(&mut x, &mut objective, lr);
            updates += 1;
            if let Some(v) = &mut update_losses
                && v.len() <= UPDATE_LOSSES
                && v.last().is_some_and(|l| l.is_finite())
            {
                let at = opt.evaluation_point(&x).unwrap_or(&x);
                v.push(problem.evaluate(at, Split::Train, &mut update_ws).loss);
            }
        }
        per_epoch.get_or_insert(PerEpoch {
            updates: updates - updates_before,
            gradient_evals: counters.gradient_evals - before.gradient_evals,
            loss_evals: counters.loss_evals - before.loss_evals,
        });
        // Progress is measured where the method says its answer is (a schedule-free
        // method's average, not the point its gradients were taken at); the update norm and
        // the path follow that point too.
        let at = opt.evaluation_point(&x).unwrap_or(&x);
        let moved = distance(at, &previous);
        previous.copy_from_slice(at);
        let calls = counters.gradient_calls - before.gradient_calls;
        let gradient_norm = if calls > 0 {
            ((counters.gradient_sq_norms - before.gradient_sq_norms) / calls as f64).sqrt()
        } else {
            0.0
        };
        let m = measure(at);
        let finite = m
            .iter()
            .all(|(l, a)| l.is_finite() && a.is_none_or(f64::is_finite))
            && gradient_norm.is_finite()
            && moved.is_finite()
            && x.iter().all(|v| v.is_finite())
            && at.iter().all(|v| v.is_finite());
        if !finite || m[0].0 > limit {
            diverged_epoch = Some(epoch);
            break;
        }
        sched.end_epoch(m[1].0);
        if m[1].0 < best.validation_loss {
            best = Best {
                epoch,
                validation_loss: m[1].0,
                test_loss: m[2].0,
            };
        }
        last_row = Row {
            epoch,
            m,
            lr,
            gradient_norm,
            update_norm: moved,
            seconds: started.elapsed().as_secs_f64(),
        };
        if recorded.binary_search(&epoch).is_ok() {
            push(&mut curves, &last_row);
        }
        if trace {
            path.push([six_digits(at[0]), six_digits(at[1])]);
        }
    }
    // The last finite epoch always ends the curves, sampled or not.
    if curves.epoch.last() != Some(&last_row.epoch) {
        push(&mut curves, &last_row);
    }
    Ok(RunRecord {
        schema: SCHEMA_VERSION,
        grid: grid.to_string(),
        spec: spec.clone(),
        family: instance.family,
        dim,
        samples: Samples {
            train: sizes.train,
            validation: sizes.validation,
            test: sizes.test,
        },
        optimum: instance.optimum,
        status: if diverged_epoch.is_some() {
            Status::Diverged
        } else {
            Status::Completed
        },
        diverged_epoch,
        per_epoch: per_epoch.unwrap_or(PerEpoch {
            updates: 0,
            gradient_evals: 0,
            loss_evals: 0,
        }),
        best,
        curves,
        wall_seconds: microseconds(started.elapsed().as_secs_f64()),
        trajectory: trace.then(|| downsample(&path, TRAJECTORY_POINTS)),
        update_losses: update_losses.map(|mut v| {
            v.retain(|l| l.is_finite());
            v
        }),
    })
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        .sqrt()
}

/// How to run a grid.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The results file.
    pub out: PathBuf,
    /// Worker threads (default: rayon's, one per core).
    pub jobs: Option<usize>,
    /// Run only shard `index` of `count` (configurations are sharded).
    pub shard: Option<(usize, usize)>,
    /// Keep the records already in `out` and skip their runs.
    pub resume: bool,
    /// Report progress on stderr.
    pub progress: bool,
    /// The result cache: every run executed stores its record there.
    pub cache: Option<Cache>,
    /// Run only the runs of these optimizer labels: every other run takes its record from
    /// `cache` (and is executed when the cache has none). `None`: run everything.
    pub only: Option<Vec<String>>,
}

/// What a grid run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Configurations in this shard of the grid.
    pub configurations: usize,
    /// Runs in this shard (executed now or resumed).
    pub runs: usize,
    /// Runs executed now.
    pub executed: usize,
    /// Runs already in the results file (resume).
    pub resumed: usize,
    /// Runs whose records came from the result cache (only with [`RunOptions::only`]).
    pub cached: usize,
    /// Runs of optimizers not named by [`RunOptions::only`] that the cache did not hold, so
    /// they were executed (counted in `executed`).
    pub missing: usize,
    /// Runs that diverged (executed now or resumed).
    pub diverged: usize,
    /// Sweep points added beyond the initial sweeps (bracketing), over all configurations.
    pub extensions: usize,
    /// Configurations whose pick is still on an edge of what was tried (at the cap, or a
    /// sweep that may not extend).
    pub edge_picks: usize,
    /// Combinations left out, with reasons.
    pub skipped: Vec<crate::grid::Skip>,
    /// Wall seconds.
    pub seconds: f64,
    /// Sample-gradients computed now.
    pub gradient_evals: u64,
}

/// What one configuration did.
#[derive(Debug, Clone, Copy, Default)]
struct Outcome {
    runs: usize,
    executed: usize,
    cached: usize,
    missing: usize,
    diverged: usize,
    gradient_evals: u64,
    extensions: usize,
    edge_pick: bool,
}

/// Everything the workers share.
struct Shared<'a> {
    instances: HashMap<(u64, &'a str, usize), Instance>,
    /// Scores and statuses of the records already in the file, by run id.
    done: HashMap<String, (f64, bool)>,
    writer: Mutex<ResultsWriter>,
    progress: Progress,
    cache: Option<&'a Cache>,
    only: Option<&'a [String]>,
}

/// Where one run's record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Already in the results file (resume).
    Resumed,
    /// From the result cache.
    Cached,
    /// Executed now; `missing`: it should have come from the cache.
    Executed { missing: bool },
}

impl Shared<'_> {
    /// Executes (or finds in the file) each of `specs`, in parallel; returns their scores in
    /// order, and adds to `outcome`.
    fn scores(
        &self,
        specs: &[RunSpec],
        fingerprint: &str,
        outcome: &mut Outcome,
    ) -> Result<Vec<f64>, Error> {
        let results: Vec<Result<(f64, bool, Source, u64), Error>> = specs
            .par_iter()
            .map(|spec| {
                if let Some(&(score, diverged)) = self.done.get(&spec.id) {
                    self.progress.finished(diverged);
                    return Ok((score, diverged, Source::Resumed, 0));
                }
                let from_cache = self.only.is_some_and(|only| !only.contains(&spec.label));
                let cached = match (from_cache, self.cache) {
                    (true, Some(cache)) => cache.get(spec, fingerprint),
                    _ => None,
                };
                let (record, source) = match cached {
                    Some(record) => (record, Source::Cached),
                    None => {
                        let inst = &self.instances
                            [&(spec.grid_seed, spec.problem.as_str(), spec.seed_index)];
                        let record = execute(spec, inst, fingerprint)?;
                        let source = Source::Executed {
                            missing: from_cache,
                        };
                        (record, source)
                    }
                };
                // Refuses a record holding NaN or an infinity (never written as `null`).
                let line = encode_line(&record)?;
                self.writer
                    .lock()
                    .expect("a writer panicked")
                    .append_line(&line)?;
                // Every record of the run goes to its pack (see `Cache`); only a record that
                // was executed (or read back valid) and written is stored.
                if let Some(cache) = self.cache {
                    cache.put(spec, &line);
                }
                let diverged = record.status == Status::Diverged;
                self.progress.finished(diverged);
                let evals = match source {
                    Source::Executed { .. } => record.gradient_evals(),
                    _ => 0,
                };
                Ok((tuning::score(&record), diverged, source, evals))
            })
            .collect();
        let mut scores = Vec::with_capacity(specs.len());
        for r in results {
            let (score, diverged, source, evals) = r?;
            outcome.runs += 1;
            match source {
                Source::Resumed => {}
                Source::Cached => outcome.cached += 1,
                Source::Executed { missing } => {
                    outcome.executed += 1;
                    outcome.missing += usize::from(missing);
                }
            }
            outcome.diverged += usize::from(diverged);
            outcome.gradient_evals += evals;
            scores.push(score);
        }
        Ok(scores)
    }

    /// Runs one configuration: its sweep on the tuning seeds, bracketed round by round, then
    /// the evaluation seeds at the picked lr (and at the optimizer's own lr when the
    /// configuration carries the "no tuning" budget). Decisions read only this
    /// configuration's tuning scores, so they are the same whatever ran before, in parallel,
    /// or in another shard.
    fn configuration(&self, c: &Configuration) -> Result<Outcome, Error> {
        let mut outcome = Outcome::default();
        let (low, high) = c.sweep.bounds();
        let mut tried: BTreeMap<i32, f64> = BTreeMap::new();
        let mut next: Vec<i32> = c.sweep.initial();
        loop {
            let specs: Vec<RunSpec> = next.iter().flat_map(|&k| c.tuning_runs(k)).collect();
            let scores = self.scores(&specs, &c.fingerprint, &mut outcome)?;
            for (i, &k) in next.iter().enumerate() {
                let of_k = &scores[i * c.tuning_seeds..(i + 1) * c.tuning_seeds];
                tried.insert(k, tuning::median(of_k));
            }
            let points = points(c, &tried);
            let grow = tuning::extend(&points);
            let (first, last) = (
                *tried.keys().next().expect("tried"),
                *tried.keys().last().expect("tried"),
            );
            next.clear();
            if grow.lower && first > low {
                next.push(first - 1);
            }
            if grow.upper && last < high {
                next.push(last + 1);
            }
            if next.is_empty() {
                break;
            }
            outcome.extensions += next.len();
            self.progress.grow(next.len() * c.tuning_seeds);
        }
        let points = points(c, &tried);
        let at = tuning::pick(&points).expect("a sweep has points");
        let ks: Vec<i32> = tried.keys().copied().collect();
        let k = ks[at];
        outcome.edge_pick = ks.len() > 1 && (at == 0 || at == ks.len() - 1);
        let mut specs: Vec<RunSpec> = c.evaluation_runs(k).collect();
        if c.evaluates_own_lr && k != c.sweep.own() {
            specs.extend(c.evaluation_runs(c.sweep.own()));
            self.progress.grow(c.evaluation_seeds);
        }
        self.scores(&specs, &c.fingerprint, &mut outcome)?;
        Ok(outcome)
    }
}

/// The tuning evidence of a configuration, sorted by lr.
fn points(c: &Configuration, tried: &BTreeMap<i32, f64>) -> Vec<tuning::Point> {
    tried
        .iter()
        .map(|(&k, &score)| tuning::Point {
            lr: c.sweep.lr(k),
            score,
        })
        .collect()
}

/// Runs a grid (or one shard of it) into `options.out`.
pub fn run_grid(grid: &Grid, options: &RunOptions) -> Result<RunSummary, Error> {
    run_grids(std::slice::from_ref(grid), options)
}

/// Runs several grids (or one shard of them: each grid's configurations sharded) into one
/// results file, all their configurations in parallel; each record carries its own grid's
/// fingerprint. A resumed file may hold records of these grids only.
pub fn run_grids(grids: &[Grid], options: &RunOptions) -> Result<RunSummary, Error> {
    let started = Instant::now();
    let plans: Vec<Plan> = grids.iter().map(grid::plan).collect();
    let configurations: Vec<&Configuration> = plans
        .iter()
        .flat_map(|plan| match options.shard {
            Some((index, count)) => plan.shard(index, count),
            None => plan.configurations.iter().collect(),
        })
        .collect();
    let fingerprints: Vec<&str> = plans.iter().map(|p| p.fingerprint.as_str()).collect();
    // One writer per results file: a second run on it refuses at once.
    let _lock = lock_results(&options.out)?;
    let existing = if options.resume && options.out.exists() {
        let read = read_results(&options.out)?;
        if let Some(foreign) = read
            .records
            .iter()
            .find(|r| !fingerprints.contains(&r.grid.as_str()))
        {
            return Err(RecordError::ForeignGrid {
                path: options.out.display().to_string(),
                found: foreign.grid.clone(),
                expected: fingerprints.join(" or "),
            }
            .into());
        }
        Some(read)
    } else {
        None
    };
    if let Some(cache) = &options.cache {
        let mut what = fingerprints.join(",");
        if let Some((index, count)) = options.shard {
            what.push_str(&format!(" shard {index}/{count}"));
        }
        cache.start(&what);
        // Resumed records belong to this run's pack too.
        for r in existing.iter().flat_map(|r| &r.records) {
            if let Ok(line) = encode_line(r) {
                cache.put(&r.spec, &line);
            }
        }
    }
    let done: HashMap<String, (f64, bool)> = existing
        .iter()
        .flat_map(|r| &r.records)
        .map(|r| {
            (
                r.spec.id.clone(),
                (tuning::score(r), r.status == Status::Diverged),
            )
        })
        .collect();

    let pool = {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(jobs) = options.jobs {
            b = b.num_threads(jobs);
        }
        b.build()
            .map_err(|e| Error::Usage(format!("--jobs: {e}")))?
    };
    // Problem instances (reading every data file), built once per (grid seed, problem, seed
    // index) and shared, before the results file is opened: bad input leaves it as it was.
    // Keys in sorted order, so the first failure reported is always the same.
    type Key<'k> = (u64, &'k str, usize);
    let mut first: BTreeMap<Key, RunSpec> = BTreeMap::new();
    for c in &configurations {
        for s in 0..c.tuning_seeds + c.evaluation_seeds {
            first
                .entry((c.grid_seed, c.problem.as_str(), s))
                .or_insert_with(|| c.run(c.sweep.own(), s));
        }
    }
    let first: Vec<(Key, RunSpec)> = first.into_iter().collect();
    let built: Vec<(Key, Instance)> = pool.install(|| {
        first
            .par_iter()
            .map(|(key, spec)| instance(spec).map(|i| (*key, i)))
            .collect::<Result<_, _>>()
    })?;

    let writer = ResultsWriter::open(&options.out, existing.as_ref())?;
    drop(existing);
    let shared = Shared {
        instances: built.into_iter().collect(),
        progress: Progress::new(
            configurations.iter().map(|c| c.least_runs()).sum::<usize>(),
            options.progress,
        ),
        done,
        writer: Mutex::new(writer),
        cache: options.cache.as_ref(),
        only: options.only.as_deref(),
    };
    let outcomes = pool.install(|| {
        let outcomes = configurations
            .par_iter()
            .map(|c| shared.configuration(c))
            .collect::<Result<Vec<_>, _>>();
        shared.progress.finish();
        outcomes
    });
    let writer = shared
        .writer
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => {
            writer.abandon();
            return Err(e);
        }
    };
    writer.finish()?;
    if let Some(cache) = &options.cache {
        cache.finish();
    }
    let total = |f: fn(&Outcome) -> usize| outcomes.iter().map(f).sum::<usize>();
    let executed = total(|o| o.executed);
    let runs = total(|o| o.runs);
    let cached = total(|o| o.cached);
    Ok(RunSummary {
        configurations: configurations.len(),
        runs,
        executed,
        resumed: runs - executed - cached,
        cached,
        missing: total(|o| o.missing),
        diverged: total(|o| o.diverged),
        extensions: total(|o| o.extensions),
        edge_picks: total(|o| usize::from(o.edge_pick)),
        skipped: plans.into_iter().flat_map(|p| p.skipped).collect(),
        seconds: started.elapsed().as_secs_f64(),
        gradient_evals: outcomes.iter().map(|o| o.gradient_evals).sum(),
    })
}

/// The optimizer labels `--only` names, checked against the labels of `grids`: each argument
/// is a label or several joined by commas (a label may itself hold commas, as a spec such as
/// `rmsprop:centered=true,momentum=0.9` does; the longest label that matches is taken). An
/// unknown name is a usage error listing the valid labels.
pub fn only_labels(args: &[String], grids: &[Grid]) -> Result<Vec<String>, Error> {
    let mut labels: Vec<&str> = Vec::new();
    for g in grids {
        for o in &g.optimizers {
            if !labels.contains(&o.label.as_str()) {
                labels.push(&o.label);
            }
        }
    }
    let mut named: Vec<String> = Vec::new();
    for arg in args {
        let pieces: Vec<&str> = arg.split(',').collect();
        let mut at = 0;
        while at < pieces.len() {
            let found = (at + 1..=pieces.len())
                .rev()
                .map(|end| (end, pieces[at..end].join(",")))
                .find(|(_, name)| labels.contains(&name.trim()));
            match found {
                Some((end, name)) => {
                    let name = name.trim().to_string();
                    if !named.contains(&name) {
                        named.push(name);
                    }
                    at = end;
                }
                None => {
                    let name = pieces[at].trim();
                    let hint = crate::spec::closest(name, labels.iter().copied())
                        .map(|c| format!(" (did you mean '{c}'?)"))
                        .unwrap_or_default();
                    return Err(Error::Usage(format!(
                        "--only '{name}': no optimizer of the grid has that label{hint}; its labels are: {}",
                        labels.join(", ")
                    )));
                }
            }
        }
    }
    if named.is_empty() {
        return Err(Error::Usage(format!(
            "--only: name at least one optimizer label; the grid's are: {}",
            labels.join(", ")
        )));
    }
    Ok(named)
}

#[cfg(test)]
mod only_tests {
    use super::*;

    #[test]
    fn only_takes_labels_with_commas_and_refuses_unknown_ones() {
        let g = Grid::from_toml(
            r#"
epochs = 2
tuning_seeds = 1
evaluation_seeds = 1
problems = ["rosenbrock"]
optimizers = ["sgd", "rmsprop:centered=true,momentum=0.9", { spec = "adam", label = "A" }]
"#,
            "g",
        )
        .unwrap();
        let grids = [g];
        let labels = |args: &[&str]| {
            only_labels(
                &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                &grids,
            )
        };
        let rms = grids[0].optimizers[1].label.clone();
        assert_eq!(labels(&["sgd"]).unwrap(), ["sgd"]);
        assert_eq!(
            labels(&[&format!("A,{rms},sgd")]).unwrap(),
            ["A".to_string(), rms.clone(), "sgd".into()]
        );
        assert_eq!(labels(&["A", "A"]).unwrap(), ["A"]);
        let e = labels(&["sgd,adma"]).unwrap_err();
        assert!(matches!(e, Error::Usage(_)));
        let text = e.to_string();
        assert!(
            text.contains("'adma'") && text.contains("sgd, ") && text.contains(", A"),
            "{text}"
        );
        assert!(labels(&[""]).is_err());
    }
}
