//! `optbench run`: expand a grid and execute it (or one shard of it) into a results file.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::stdout_error;
use crate::error::Error;
use crate::grid::{self, Grid};
use crate::run::{self, Cache, RunOptions, RunSummary};

/// The result cache and `--only`.
#[derive(Debug, Args)]
pub(super) struct CacheArgs {
    /// Run only these optimizers' runs (their labels in the grid, comma-separated or
    /// repeated); every other run takes its record from the result cache, and runs when the
    /// cache has none (counted on stderr). An unknown label is an error listing the grid's.
    #[arg(long, value_name = "LABEL[,LABEL]")]
    only: Vec<String>,
    /// The result cache: a folder of records, each under a hash of the run's spec and of
    /// the code that computes it, one pack file per grid run (default: `.cache` in the
    /// folder of --out, e.g. reports/.cache). Every run stores its record there; `--only`
    /// reads it.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

impl CacheArgs {
    /// The cache (in `--cache`, or `.cache` beside `out`) and the labels `--only` names,
    /// checked against `grids`.
    pub(super) fn resolve(
        &self,
        out: &std::path::Path,
        grids: &[Grid],
    ) -> Result<(Cache, Option<Vec<String>>), Error> {
        let only = if self.only.is_empty() {
            None
        } else {
            Some(run::only_labels(&self.only, grids)?)
        };
        let dir = self.cache.clone().unwrap_or_else(|| {
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."))
                .join(".cache")
        });
        if dir.exists() && !dir.is_dir() {
            return Err(Error::Usage(format!(
                "--cache {}: not a folder; give a folder for the result cache (created if missing)",
                dir.display()
            )));
        }
        Ok((Cache::new(dir), only))
    }
}

/// Tells on stderr how many records came from the cache, and how many runs it lacked.
pub(super) fn tell_cache(what: &str, summary: &RunSummary, cache: &std::path::Path) {
    if summary.cached > 0 || summary.missing > 0 {
        eprintln!(
            "{what}: {} records from the result cache {}",
            summary.cached,
            cache.display()
        );
    }
    if summary.missing > 0 {
        eprintln!(
            "note: {what}: {} runs of optimizers not named by --only were not in the result cache; they ran now",
            summary.missing
        );
    }
}

/// Which grid to use.
#[derive(Debug, Args)]
pub(super) struct GridArgs {
    /// A built-in grid (see `optbench list presets`); default `quick`.
    #[arg(long, value_name = "NAME", conflicts_with = "grid")]
    preset: Option<String>,
    /// A grid file (TOML; see examples/grid.toml).
    #[arg(long, value_name = "FILE")]
    grid: Option<String>,
    /// Run a grid over the size caps (runs, epochs, problem sizes; a refused grid's error names
    /// every cap, and `docs/reference.md` lists them) that are otherwise refused.
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
    /// Results file (JSON lines; zstd-compressed once the grid completes when the name ends
    /// in `.zst`, plain while runs are in flight).
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
    #[command(flatten)]
    cache: CacheArgs,
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
    let jobs = check_jobs(args.jobs)?;
    let shard = args.shard.as_deref().map(parse_shard).transpose()?;
    let (what, grids) = if args.claims {
        ("the claims' experiments".to_string(), claim_grids()?)
    } else {
        let grid = args.grid.load()?;
        warn_if_large(&grid, jobs);
        (format!("grid '{}'", grid.name), vec![grid])
    };
    let (cache, only) = args.cache.resolve(&args.out, &grids)?;
    let cache_dir = cache.dir().to_path_buf();
    let options = RunOptions {
        out: args.out.clone(),
        jobs,
        shard,
        resume: args.resume,
        progress: !args.quiet,
        cache: Some(cache),
        only,
    };
    let summary = run::run_grids(&grids, &options)?;
    tell_cache(&what, &summary, &cache_dir);
    let text = summary_text(&what, &summary, &args.out.display().to_string());
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
        "{what}: {} configurations, {} runs ({} run now, {} resumed{}), {} diverged, {:.1} s, {:.3e} sample-gradients; wrote {out}\n",
        s.configurations,
        s.runs,
        s.executed,
        s.resumed,
        if s.cached > 0 || s.missing > 0 {
            format!(", {} from the cache", s.cached)
        } else {
            String::new()
        },
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
