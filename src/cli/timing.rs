//! `optbench timing [--out FILE]`: the timing pass alone (the report's step-cost figure, as a
//! table): the STREAM triad's bandwidth, then each update's cost per parameter against the
//! bound its bytes set at that bandwidth. `--out` records it as JSON for `render --timing`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::stdout_error;
use crate::error::Error;
use crate::timing;

#[derive(Debug, Args)]
pub(super) struct TimingArgs {
    /// Parameters per measured step (default 5·10⁶; 10⁷ is the size `docs/performance.md` reports).
    #[arg(long, value_name = "N", default_value_t = timing::REPORT_DIM,
          value_parser = clap::value_parser!(usize))]
    dim: usize,
    /// Steps timed per rule; the median is kept.
    #[arg(long, value_name = "K", default_value_t = timing::REPEATS)]
    repeats: usize,
    /// Print the timing pass as JSON (the report's timing.json).
    #[arg(long)]
    json: bool,
    /// Also record the pass in FILE as JSON (written atomically), for `render --timing FILE`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The largest dimension accepted: 10⁸ parameters. The widest rule holds five vectors
/// (parameters, gradient and three state vectors) of 800 MB each, 4 GB in all; 10⁹ would
/// need 40 GB and be killed for memory on a small machine rather than refused.
const MAX_DIM: usize = 100_000_000;

pub(super) fn run(args: &TimingArgs, out: &mut impl Write) -> Result<(), Error> {
    if !(1..=MAX_DIM).contains(&args.dim) {
        return Err(Error::Usage(format!(
            "--dim {} is out of range: give 1 to {MAX_DIM} parameters (4 GB of vectors at most)",
            args.dim
        )));
    }
    if !(1..=1000).contains(&args.repeats) {
        return Err(Error::Usage(format!(
            "--repeats {} is out of range: give 1 to 1000 steps",
            args.repeats
        )));
    }
    // A path that cannot be written is refused before the pass is measured.
    if let Some(path) = &args.out {
        timing::file::check_writable(path)?;
    }
    let pass = timing::measure(args.dim, args.repeats);
    if let Some(path) = &args.out {
        timing::file::write(path, &pass)?;
    }
    let text = if args.json {
        timing::file::to_json(&pass)
    } else {
        let mut s = format!(
            "triad bandwidth {:.1} GiB/s at {} elements ({})\n{:<36} {:>6} {:>10} {:>10} {:>9}\n",
            pass.bandwidth.gib_per_second(),
            pass.dim,
            timing::machine(),
            "update",
            "B/par",
            "ns/par",
            "bound",
            "of bound"
        );
        for c in &pass.costs {
            s += &format!(
                "{:<36} {:>6} {:>10.3} {:>10.3} {:>8.0}%\n",
                c.spec,
                c.bytes_per_param,
                c.ns_per_param,
                c.bound_ns_per_param,
                c.percent_of_bound()
            );
        }
        if let Some(path) = &args.out {
            s += &format!("recorded in {}\n", path.display());
        }
        s
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)
}
