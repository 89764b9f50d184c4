//! `optbench export RESULTS... --out FILE [--per epoch|run]`: merges results files (plain or
//! compressed, as `render` does) and writes one table as CSV, gzip-compressed when FILE ends
//! in `.gz`: per epoch (long format, one row per run and recorded epoch) or per run. The file
//! is written through a temporary file renamed into place, so an error leaves no half table.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::stdout_error;
use crate::error::Error;
use crate::export;
use crate::record::merge_files;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Per {
    /// One row per run and recorded epoch: the curves in long format.
    Epoch,
    /// One row per run: final values and cost.
    Run,
}

#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    /// Results files (JSON lines, plain or compressed), such as the records beside a report
    /// folder (`reports/latest.results.jsonl.zst`) or the shards of one grid.
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
    /// The CSV file to write; gzip-compressed when its name ends in `.gz`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// What a row is.
    #[arg(long, value_enum, default_value_t = Per::Epoch)]
    per: Per,
}

pub(super) fn run(args: &ExportArgs, out: &mut impl Write) -> Result<(), Error> {
    if args.results.iter().any(|r| same_file(r, &args.out)) {
        return Err(Error::Usage(format!(
            "--out {} is one of the results files; give another file name",
            args.out.display()
        )));
    }
    let records = merge_files(&args.results)?;
    crate::record::check_one_grid(&records, "the results files")?;
    let table = match args.per {
        Per::Epoch => export::curves::csv(&records)?,
        Per::Run => export::runs::csv(&records)?,
    };
    let rows = table
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1);
    let gz = args.out.extension().is_some_and(|e| e == "gz");
    let bytes = if gz {
        export::gzip(&table, flate2::Compression::default())?
    } else {
        table
    };
    crate::report::write_file_atomically(&args.out, &bytes)?;
    writeln!(
        out,
        "{} rows from {} runs written to {}",
        rows,
        records.len(),
        args.out.display()
    )
    .map_err(stdout_error)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
