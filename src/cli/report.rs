//! `optbench report`: run a grid (default: the `quick` preset), take the timing pass on this
//! machine and record it beside the results (`DIR.timing.json`), and render the report from
//! both. `--resume` resumes the runs but always measures the timing pass again: the machine
//! may not be the one that made the old file.
//!
//! While it runs, the records go to working files beside the folder (`DIR.results.jsonl`,
//! `DIR.claims.jsonl`: plain JSON lines, appended run by run, what `--resume` continues);
//! once the report is written, its records are kept compressed beside it
//! (`DIR.results.jsonl.zst`, `DIR.claims.jsonl.zst`: the folder holds their table, not their
//! curves) and the working files are removed.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::render::{Recorded, prior_history, render_and_tell};
use super::run::{CacheArgs, GridArgs, check_jobs, summary_text, tell_cache, warn_if_large};
use super::stdout_error;
use crate::analysis::Analysis;
use crate::error::Error;
use crate::record::read_results;
use crate::report::{CacheUse, Provenance, beside_folder};
use crate::run::{self, Cache, RunOptions};
use crate::timing;

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
    /// Keep the finished runs of an interrupted `report` (in DIR.results.jsonl, removed once
    /// the report is written: its records are then kept compressed in DIR.results.jsonl.zst)
    /// and run the rest.
    #[arg(long)]
    resume: bool,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
    /// Append this report's summary to a JSON-lines history FILE and draw its trend charts.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Skip the lecture claims' experiments (every claim is then "not tested").
    #[arg(long)]
    no_claims: bool,
    #[command(flatten)]
    cache: CacheArgs,
}

/// The working results file of a report folder: `reports/latest` → `reports/latest.results.jsonl`.
pub(super) fn working_results(out: &std::path::Path) -> PathBuf {
    beside_folder(out, ".results.jsonl")
}

/// The claims' working results file of a report folder: `reports/latest` →
/// `reports/latest.claims.jsonl` (where `render` looks for them beside the working results).
fn working_claims(out: &std::path::Path) -> PathBuf {
    beside_folder(out, ".claims.jsonl")
}

/// The timing file of a report folder, beside its working results file by the convention
/// `render` follows (`timing::file::beside`): `reports/latest` → `reports/latest.timing.json`.
pub(super) fn working_timing(out: &std::path::Path) -> PathBuf {
    crate::report::timing_beside(out)
}

pub(super) fn run(args: &ReportArgs, out: &mut impl Write) -> Result<(), Error> {
    let grid = args.grid.load()?;
    let (cache, only) = args.cache.resolve(&args.out, std::slice::from_ref(&grid))?;
    let cache_dir = cache.dir().to_path_buf();
    // A report folder that cannot or must not be written is refused before any run.
    crate::report::check_out(&args.out, args.history.as_deref().as_slice())?;
    let prior = prior_history(args.history.as_deref())?;
    let results = working_results(&args.out);
    let jobs = check_jobs(args.jobs)?;
    warn_if_large(&grid, jobs);
    let started = Instant::now();
    let summary = run::run_grid(
        &grid,
        &RunOptions {
            out: results.clone(),
            jobs,
            shard: None,
            resume: args.resume,
            progress: !args.quiet,
            cache: Some(cache),
            only: only.clone(),
        },
    )?;
    let mut executed = summary.executed;
    let mut cached = summary.cached;
    let mut missing = summary.missing;
    tell_cache(&format!("grid '{}'", grid.name), &summary, &cache_dir);
    out.write_all(
        summary_text(
            &format!("grid '{}'", grid.name),
            &summary,
            &results.display().to_string(),
        )
        .as_bytes(),
    )
    .map_err(stdout_error)?;
    let records = read_results(&results)?.records;
    let claims_path = working_claims(&args.out);
    // The claims' experiments, into DIR.claims.jsonl (where render looks for them).
    let claim_records = if args.no_claims {
        Vec::new()
    } else {
        let experiments = super::run::claim_grids()?;
        let summary = run::run_grids(
            &experiments,
            &RunOptions {
                out: claims_path.clone(),
                jobs,
                shard: None,
                resume: args.resume,
                progress: !args.quiet,
                cache: Some(Cache::new(&cache_dir)),
                only: only.clone(),
            },
        )?;
        tell_cache("the claims' experiments", &summary, &cache_dir);
        executed += summary.executed;
        cached += summary.cached;
        missing += summary.missing;
        out.write_all(
            summary_text(
                "the claims' experiments",
                &summary,
                &claims_path.display().to_string(),
            )
            .lines()
            .next()
            .map(|l| format!("{l}\n"))
            .unwrap_or_default()
            .as_bytes(),
        )
        .map_err(stdout_error)?;
        read_results(&claims_path)?.records
    };
    // Measured after the runs (never reused on --resume), recorded before the render.
    let timing_path = working_timing(&args.out);
    let timed = Instant::now();
    let pass = timing::measure(timing::REPORT_DIM, timing::REPEATS);
    let timing_seconds = timed.elapsed().as_secs_f64();
    timing::file::write(&timing_path, &pass)?;
    writeln!(
        out,
        "timing pass {timing_seconds:.1} s, recorded in {}",
        timing_path.display()
    )
    .map_err(stdout_error)?;
    let provenance = Provenance {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        run_seconds: Some(started.elapsed().as_secs_f64()),
        threads: jobs.unwrap_or_else(rayon::current_num_threads),
        name: grid.name.clone(),
        cache: only.map(|only| CacheUse {
            only,
            executed,
            cached,
            missing,
            dir: cache_dir.display().to_string(),
        }),
    };
    let history_file = args.history.as_deref().map(|p| (p, prior));
    render_and_tell(
        &Analysis::new(records),
        &claim_records,
        &args.out,
        &provenance,
        Some(&Recorded {
            path: timing_path,
            pass,
        }),
        history_file,
        out,
    )?;
    // The records are kept beside the report now (compressed, once): the working files that
    // made a resume possible go, so that each report keeps one copy.
    for working in [results, claims_path] {
        crate::report::remove_file_if_present(&working, "the working file")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// `render DIR.results.jsonl` finds the timing pass `report` recorded for DIR.
    #[test]
    fn the_recorded_timing_is_where_render_looks_for_it() {
        for dir in ["reports/latest", "latest", "/tmp/a b/night.1"] {
            let dir = Path::new(dir);
            assert_eq!(
                timing::file::beside(&working_results(dir)),
                Some(working_timing(dir)),
                "{dir:?}"
            );
        }
        assert_eq!(
            working_timing(Path::new("reports/latest")),
            Path::new("reports/latest.timing.json")
        );
    }
}
