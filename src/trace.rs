//! One optimizer trajectory on an analytic landscape (`optbench trace`).
//!
//! Row 0 is the start: the lr that update 1 will use and f(start). Row t (t = 1..N) holds the
//! lr used for update t (the scheduled lr, before any scaling internal to the optimizer),
//! f(x_t) and x_t. The schedule advances once per update (one update = one epoch here, so the
//! budget of the schedules that read one, such as `cosine`, `one_cycle` or `polynomial`, is
//! N); `plateau` is fed f(x_t) after update t.
//! A trajectory that diverges stops after the first row holding a non-finite value.
//! With `noise=σ` on the landscape, each gradient gets σ·N(0, 1) per coordinate from a stream of
//! the seed; the loss column is always the noise-free f(x_t). For a schedule-free method, x_t
//! is its averaged point (what its reference's `eval()` mode puts in the parameters).
//!
//! May use: `spec`, `optim`, `schedule`, `problem`, `rng`.

use crate::error::Error;
use crate::optim;
use crate::problem::{self, BatchObjective, Counters, Workspace};
use crate::rng;
use crate::schedule;

/// The largest number of updates a trace accepts.
pub const MAX_STEPS: usize = 1_000_000;

/// The stream, derived from the trace's seed, of the gradient noise of `noise=σ` landscapes.
const NOISE_STREAM: u64 = 3;

/// What to trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRequest {
    /// Problem spec string (an analytic landscape).
    pub problem: String,
    /// Optimizer spec string.
    pub optimizer: String,
    /// Schedule spec string (`constant` for none).
    pub schedule: String,
    /// Number of updates, 1..=[`MAX_STEPS`].
    pub steps: usize,
    /// Starting point; the landscape's default start when `None`.
    pub start: Option<Vec<f64>>,
    /// Seed of the optimizer's own randomness (only `ars` has any).
    pub seed: u64,
}

/// One row of a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// 0 for the start, then the update index t.
    pub step: usize,
    /// The scheduled lr of update t (row 0: of update 1).
    pub lr: f64,
    /// f(x_t).
    pub loss: f64,
    /// x_t.
    pub x: Vec<f64>,
}

impl TraceRow {
    /// Whether every number in the row is finite.
    pub fn is_finite(&self) -> bool {
        self.lr.is_finite() && self.loss.is_finite() && self.x.iter().all(|v| v.is_finite())
    }
}

/// Parses a `--start` value: comma-separated finite numbers.
pub fn parse_start(text: &str) -> Result<Vec<f64>, Error> {
    let bad = |why: String| {
        Error::Usage(format!(
            "--start '{text}': {why}; expected comma-separated numbers such as -1.2,1.0"
        ))
    };
    if text.trim().is_empty() {
        return Err(bad("empty".to_string()));
    }
    text.split(',')
        .map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return Err(bad("stray ','".to_string()));
            }
            match part.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(bad(format!("'{part}' is not a finite number"))),
            }
        })
        .collect()
}

/// Checks the request, then calls `emit` with each row in order. Stops after the first
/// non-finite row. `emit` errors (such as a closed pipe) end the trace and are returned.
pub fn trace<E>(
    request: &TraceRequest,
    mut emit: impl FnMut(&TraceRow) -> Result<(), E>,
) -> Result<Result<(), E>, Error> {
    if request.steps == 0 || request.steps > MAX_STEPS {
        return Err(Error::Usage(format!(
            "--steps {}: must be between 1 and {MAX_STEPS}",
            request.steps
        )));
    }
    let problem = problem::parse(&request.problem)?;
    let optimizer = optim::parse(&request.optimizer)?;
    let schedule = schedule::parse(&request.schedule)?;
    let Some(landscape) = problem.config.landscape() else {
        return Err(Error::Usage(format!(
            "--problem {}: trace draws a trajectory on an analytic landscape ({}); \
             data problems run in the grid",
            problem.params.entry(),
            problem::analytic_names().join(", ")
        )));
    };
    let landscape = landscape.as_ref();
    let dim = landscape.dim();
    let mut x = match &request.start {
        Some(start) if start.len() != dim => {
            return Err(Error::Usage(format!(
                "--start has {} coordinate{} but {} has dimension {dim}",
                start.len(),
                if start.len() == 1 { "" } else { "s" },
                problem.params.entry()
            )));
        }
        Some(start) => start.clone(),
        None => landscape.default_start(),
    };

    let mut opt = optimizer.config.build(dim, request.seed);
    let mut sched = schedule.config.build(optimizer.config.lr(), request.steps);
    // The landscape as a problem: the same counting objective as the grid, which adds the
    // `noise=σ` gradient noise from the trace's own stream.
    let as_problem = problem.config.build(request.seed)?;
    let mut noise = rng::from_seed(rng::derive_seed(request.seed, &[NOISE_STREAM]));
    let (mut ws, mut counters) = (Workspace::new(), Counters::default());
    let mut row = TraceRow {
        step: 0,
        lr: sched.lr(),
        loss: landscape.value(&x),
        x: x.clone(),
    };
    if let Err(e) = emit(&row) {
        return Ok(Err(e));
    }
    if !row.is_finite() {
        return Ok(Ok(()));
    }
    for t in 1..=request.steps {
        let lr = sched.lr();
        let mut objective = BatchObjective::new(
            as_problem.as_ref(),
            &[0],
            &mut ws,
            &mut counters,
            &mut noise,
        );
        opt.step(&mut x, &mut objective, lr);
        // A schedule-free method's answer is its average, not the gradient point.
        let at = opt.evaluation_point(&x).unwrap_or(&x);
        let loss = landscape.value(at);
        sched.end_epoch(loss);
        row.step = t;
        row.lr = lr;
        row.loss = loss;
        row.x.copy_from_slice(at);
        if let Err(e) = emit(&row) {
            return Ok(Err(e));
        }
        if !row.is_finite() {
            break;
        }
    }
    Ok(Ok(()))
}

/// Collects a whole trace in memory (for tests and the library API).
///
/// ```
/// use optbench::trace::{TraceRequest, collect};
///
/// let rows = collect(&TraceRequest {
///     problem: "rosenbrock".into(),
///     optimizer: "sgd:lr=0.001,momentum=0.9".into(),
///     schedule: "constant".into(),
///     steps: 500,
///     start: None,
///     seed: 0,
/// })?;
/// assert_eq!(rows.len(), 501); // the start, then one row per update
/// assert_eq!(rows[0].x, [-1.2, 1.0]); // rosenbrock's default start
/// // Heavy-ball SGD follows the curved valley to the minimum at (1, 1).
/// let end = &rows[500];
/// assert!(end.loss < 0.01 && (end.x[0] - 1.0).abs() < 0.1, "{end:?}");
/// # Ok::<(), optbench::Error>(())
/// ```
pub fn collect(request: &TraceRequest) -> Result<Vec<TraceRow>, Error> {
    let mut rows = Vec::new();
    trace(request, |row| {
        rows.push(row.clone());
        Ok::<(), std::convert::Infallible>(())
    })?
    .unwrap_or_else(|never| match never {});
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(problem: &str, optimizer: &str, steps: usize) -> TraceRequest {
        TraceRequest {
            problem: problem.into(),
            optimizer: optimizer.into(),
            schedule: "constant".into(),
            steps,
            start: None,
            seed: 0,
        }
    }

    #[test]
    fn row_zero_is_the_start_with_the_first_lr() {
        let mut r = request("rosenbrock", "sgd:lr=0.001", 3);
        r.schedule = "exponential:gamma=0.5".into();
        let rows = collect(&r).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].x, vec![-1.2, 1.0]);
        assert_eq!(rows[0].loss, 24.199999999999996);
        assert_eq!(rows[0].lr, 0.001);
        assert_eq!(rows[1].lr, 0.001);
        assert_eq!(rows[2].lr, 0.0005);
        assert_eq!(rows[3].lr, 0.00025);
        // x_1 = x_0 − lr·∇f(x_0), ∇f(−1.2, 1) = (−215.6, −88).
        assert!((rows[1].x[0] - (-1.2 + 0.2156)).abs() < 1e-15);
        assert!((rows[1].x[1] - (1.0 + 0.088)).abs() < 1e-15);
    }

    #[test]
    fn stops_after_first_non_finite_row() {
        let rows = collect(&request("rosenbrock", "sgd:lr=1", 100)).unwrap();
        assert!(rows.len() < 101);
        let last = rows.last().unwrap();
        assert!(!last.is_finite());
        assert!(rows[..rows.len() - 1].iter().all(TraceRow::is_finite));
    }

    #[test]
    fn rejects_bad_steps_and_start_dimension() {
        for steps in [0, MAX_STEPS + 1] {
            let e = collect(&request("beale", "adam", steps)).unwrap_err();
            assert!(e.to_string().contains("must be between 1 and"), "{e}");
            assert_eq!(e.exit_code(), 2);
        }
        let mut r = request("beale", "adam", 5);
        r.start = Some(vec![1.0, 2.0, 3.0]);
        let e = collect(&r).unwrap_err().to_string();
        assert!(
            e.contains("--start has 3 coordinates but beale has dimension 2"),
            "{e}"
        );
    }

    #[test]
    fn parses_start_lists() {
        assert_eq!(parse_start("-1.2, 1.0").unwrap(), vec![-1.2, 1.0]);
        for bad in ["", "1,", ",1", "1,,2", "a,1", "1,nan", "inf"] {
            let e = parse_start(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn noisy_landscape_trace_is_seeded() {
        let mut r = request("quadratic:noise=0.5", "sgd:lr=0.1", 10);
        let a = collect(&r).unwrap();
        assert_eq!(a, collect(&r).unwrap());
        let clean = collect(&request("quadratic", "sgd:lr=0.1", 10)).unwrap();
        assert_ne!(a[1].x, clean[1].x, "noise moves the trajectory");
        r.seed = 1;
        assert_ne!(a, collect(&r).unwrap());
    }

    #[test]
    fn ars_trace_is_reproducible_per_seed() {
        let mut r = request("quadratic", "ars", 20);
        let a = collect(&r).unwrap();
        assert_eq!(a, collect(&r).unwrap());
        r.seed = 1;
        assert_ne!(a, collect(&r).unwrap());
    }
}
