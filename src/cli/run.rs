//! `optbench run`: expand a grid and execute it (or one shard of it) into a results file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::stdout_error;
use crate::error::Error;
use crate::grid::{self, Grid};
use crate::run::{self, RunOptions, RunSummary};

/// Which grid to use.
#[derive(Debug, Args)]
pub(super) struct GridArgs {
    /// A built-in grid (see `optbench list presets`); default `quick`.
    #[arg(long, value_name = "NAME", conflicts_with = "grid")]
    preset: Option<String>,
    /// A grid file (TOML; see examples/grid.toml).
    #[arg(long, value_name = "FILE")]
    grid: Option<String>,
    /// Run a grid over the size caps (runs, epochs, problem sizes; see `optbench run --help`
    /// and src/grid/limits.rs) that are otherwise refused.
    #[arg(long)]
    allow_large: bool,
}

impl GridArgs {
    /// The validated grid.
    pub(super) fn load(&self) -> Result<Grid, Error> {
        Ok(match (&self.grid, &self.preset) {
            (Some(path), _) => Grid::load_with(path, self.allow_large)?,
            (None, Some(name)) => grid::preset(name)?,
            (None, None) => grid::preset("quick")?,
        })
    }
}

/// Prints the estimate of [`grid::limits::estimate`] to stderr when the grid plans more than
/// [`grid::limits::LARGE_RUNS`] runs.
pub(super) fn warn_if_large(grid: &Grid, jobs: Option<usize>) {
    if grid::limits::planned_runs(grid) > grid::limits::LARGE_RUNS {
        let workers =
            jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        eprintln!("{}", grid::limits::estimate(grid, workers));
    }
}

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    #[command(flatten)]
    grid: GridArgs,
    /// Results file (JSON lines).
    #[arg(long, value_name = "FILE", default_value = "results.jsonl")]
    out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run only shard I of N (0-based), e.g. `--shard 0/4`.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Run the lecture claims' thirteen experiments instead of a grid (what `report` runs
    /// beside its grid), into one results file.
    #[arg(long, conflicts_with_all = ["preset", "grid"])]
    claims: bool,
    /// Keep the records already in the results file and run only the missing ones.
    #[arg(long)]
    resume: bool,
    /// No progress output (the closing summary is still printed).
    #[arg(long)]
    quiet: bool,
}

/// Parses `I/N` with 0 ≤ I < N.
pub(super) fn parse_shard(text: &str) -> Result<(usize, usize), Error> {
    let bad = || {
        Error::Usage(format!(
            "--shard '{text}': expected I/N with 0 <= I < N, for example 0/4"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i >= n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Parses `--jobs`.
pub(super) fn check_jobs(jobs: Option<usize>) -> Result<Option<usize>, Error> {
    match jobs {
        Some(0) => Err(Error::Usage(
            "--jobs 0: at least one worker thread is needed".into(),
        )),
        Some(j) if j > 1024 => Err(Error::Usage(format!("--jobs {j}: at most 1024"))),
        j => Ok(j),
    }
}

pub(super) fn run(args: &RunArgs, out: &mut impl Write) -> Result<(), Error> {
    let options = RunOptions {
        out: args.out.clone(),
        jobs: check_jobs(args.jobs)?,
        shard: args.shard.as_deref().map(parse_shard).transpose()?,
        resume: args.resume,
        progress: !args.quiet,
    };
    let text = if args.claims {
        let experiments = claim_grids()?;
        let summary = run::run_grids(&experiments, &options)?;
        summary_text(
            "the claims' experiments",
            &summary,
            &args.out.display().to_string(),
        )
    } else {
        let grid = args.grid.load()?;
        warn_if_large(&grid, options.jobs);
        let summary = run::run_grid(&grid, &options)?;
        summary_text(
            &format!("grid '{}'", grid.name),
            &summary,
            &args.out.display().to_string(),
        )
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

/// The claims' experiment grids.
pub(super) fn claim_grids() -> Result<Vec<Grid>, Error> {
    Ok(grid::claims::experiments()?
        .into_iter()
        .map(|e| e.grid)
        .collect())
}

/// The closing summary: runs, diverged, skipped (with reasons), wall time.
pub(super) fn summary_text(what: &str, s: &RunSummary, out: &str) -> String {
    let mut text = format!(
        "{what}: {} configurations, {} runs ({} run now, {} resumed), {} diverged, {:.1} s, {:.3e} sample-gradients; wrote {out}\n",
        s.configurations,
        s.runs,
        s.executed,
        s.resumed,
        s.diverged,
        s.seconds,
        s.gradient_evals as f64,
    );
    text.push_str(&format!(
        "  learning rates: {} sweep points added beyond the initial sweeps to bracket the best; {} of {} picks still on an edge of their sweep\n",
        s.extensions, s.edge_picks, s.configurations
    ));
    // One line per reason, naming what it left out.
    let mut reasons: Vec<&str> = s.skipped.iter().map(|k| k.reason).collect();
    reasons.sort_unstable();
    reasons.dedup();
    for reason in reasons {
        let of = s.skipped.iter().filter(|k| k.reason == reason);
        let configurations: usize = of.clone().map(|k| k.configurations).sum();
        let what: Vec<&str> = of.map(|k| k.what.as_str()).collect();
        text.push_str(&format!(
            "  skipped {configurations} configurations ({}): {reason}\n",
            what.join(", ")
        ));
    }
    text
}
