//! `optbench report`: run a grid (default: the `quick` preset) and render its report.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::render::{prior_history, render_and_tell};
use super::run::{GridArgs, check_jobs, summary_text};
use super::stdout_error;
use crate::analysis::Analysis;
use crate::error::Error;
use crate::record::read_results;
use crate::report::Provenance;
use crate::run::{self, RunOptions};

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    #[command(flatten)]
    grid: GridArgs,
    /// Report folder (replaced atomically when the new report is complete).
    #[arg(long, value_name = "DIR", default_value = "reports/latest")]
    out: PathBuf,
    /// Worker threads for the runs (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Keep the finished runs of an interrupted `report` (in DIR.results.jsonl) and run the rest.
    #[arg(long)]
    resume: bool,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
    /// Append this report's summary to a JSON-lines history FILE and draw its trend charts.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
}

/// The working results file of a report folder: `reports/latest` → `reports/latest.results.jsonl`.
pub(super) fn working_results(out: &std::path::Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".results.jsonl");
    out.with_file_name(name)
}

pub(super) fn run(args: &ReportArgs, out: &mut impl Write) -> Result<(), Error> {
    let grid = args.grid.load()?;
    let prior = prior_history(args.history.as_deref())?;
    let results = working_results(&args.out);
    let jobs = check_jobs(args.jobs)?;
    let started = Instant::now();
    let summary = run::run_grid(
        &grid,
        &RunOptions {
            out: results.clone(),
            jobs,
            shard: None,
            resume: args.resume,
            progress: !args.quiet,
        },
    )?;
    out.write_all(summary_text(&grid, &summary, &results.display().to_string()).as_bytes())
        .map_err(stdout_error)?;
    let records = read_results(&results)?.records;
    let provenance = Provenance {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        run_seconds: Some(started.elapsed().as_secs_f64()),
        threads: jobs.unwrap_or_else(rayon::current_num_threads),
        name: grid.name.clone(),
    };
    let history_file = args.history.as_deref().map(|p| (p, prior));
    render_and_tell(
        &Analysis::new(records),
        &args.out,
        &provenance,
        history_file,
        out,
    )
}
