//! The command line: clap definitions turned into calls of the library, and the one
//! place that maps outcomes to exit codes (0 success, 1 runtime failure, 2 bad usage or input).

mod compare;
mod describe;
mod export;
mod list;
mod render;
mod report;
mod run;
mod site;
mod timing;
mod trace;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// Benchmark optimizers exact to torch.optim: which optimizer, batch mode and learning-rate
/// schedule should I use, and with what learning rate?
#[derive(Debug, Parser)]
#[command(name = "optbench", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print one optimizer trajectory on an analytic landscape as CSV.
    Trace(trace::TraceArgs),
    /// List optimizers, schedules, problems and batch modes with their keys, defaults and
    /// descriptions.
    List(list::ListArgs),
    /// Build one problem (reading a CSV file for `csv`) and print its sizes and start loss.
    Describe(describe::DescribeArgs),
    /// Run a grid (default: the quick preset) and write its HTML report (default: reports/latest).
    Report(report::ReportArgs),
    /// Run a grid (or one shard of it) into a results file.
    Run(run::RunArgs),
    /// Merge results files and summarize them.
    Render(render::RenderArgs),
    /// Measure memory bandwidth and every update's cost against it (the report's timing pass).
    Timing(timing::TimingArgs),
    /// Write results files as a CSV table (per epoch or per run), gzip-compressed for a `.gz`
    /// name.
    Export(export::ExportArgs),
    /// Compare two report folders or results files: behaviour changes and timing regressions.
    Compare(compare::CompareArgs),
    /// Write the landing page of a published site: an index of its report folders.
    Site(site::SiteArgs),
}

/// Runs optbench with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    run(std::env::args_os())
}

/// Runs optbench with `args` (the first is the program name), as the `optbench` binary
/// does: the entry point for a crate that registers its own optimizers
/// ([`crate::optim::register`]) and then runs the usual command line.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    ExitCode::from(status(args))
}

/// [`run`], returning the exit status as a number (0 success, 1 runtime failure, 2 bad usage
/// or input), e.g. for `std::process::exit`.
pub fn status<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return clap_exit(e),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Trace(args) => trace::run(&args, &mut out),
        Command::List(args) => list::run(&args, &mut out),
        Command::Describe(args) => describe::run(&args, &mut out),
        Command::Report(args) => report::run(&args, &mut out),
        Command::Run(args) => run::run(&args, &mut out),
        Command::Render(args) => render::run(&args, &mut out),
        Command::Compare(args) => compare::run(&args, &mut out),
        Command::Export(args) => export::run(&args, &mut out),
        Command::Timing(args) => timing::run(&args, &mut out),
        Command::Site(args) => site::run(&args, &mut out),
    };
    let result = result.and_then(|()| {
        out.flush().map_err(|source| Error::Io {
            context: "writing to standard output".into(),
            source,
        })
    });
    match result {
        Ok(()) => 0,
        // A closed pipe (`optbench trace ... | head`) is the reader's choice, not a failure.
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: {}", crate::error::readable(&e.to_string()));
            e.exit_code()
        }
    }
}

/// Help and version go to stdout with code 0; usage errors print their first line (one line,
/// as every optbench error) and exit with code 2.
fn clap_exit(e: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                2
            } else {
                0
            }
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error: invalid usage");
            eprintln!("{} (see --help)", crate::error::readable(first));
            2
        }
    }
}

/// Maps a write error to [`Error::Io`] on standard output.
fn stdout_error(source: io::Error) -> Error {
    Error::Io {
        context: "writing to standard output".into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
