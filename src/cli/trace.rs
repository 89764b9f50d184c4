//! `optbench trace`: one trajectory as CSV on stdout, header `step,lr,loss,x0,x1,...`, numbers
//! as shortest round-trip f64 (`NaN`, `inf` where a run diverges; it stops after that row and
//! exits 0).

use std::io::Write;

use clap::Args;

use super::stdout_error;
use crate::error::Error;
use crate::num::shortest;
use crate::trace::{self, TraceRequest, TraceRow};

#[derive(Debug, Args)]
pub(super) struct TraceArgs {
    /// Analytic landscape, e.g. `rosenbrock` or `quadratic:kappa=100,dim=2` (see `optbench list problems`).
    #[arg(long, value_name = "SPEC")]
    problem: String,
    /// Optimizer, e.g. `adam:lr=0.01` (see `optbench list optimizers`).
    #[arg(long, value_name = "SPEC")]
    optimizer: String,
    /// Number of updates (1 to 1000000).
    #[arg(long, value_name = "N")]
    steps: usize,
    /// Starting point, comma-separated (`--start -1.2,1.0` or `--start=-1.2,1.0`);
    /// default: the landscape's default start.
    #[arg(long, value_name = "X0,X1,...", allow_hyphen_values = true)]
    start: Option<String>,
    /// Learning-rate schedule, one step per update; its budget is --steps (see `optbench list schedules`).
    #[arg(long, value_name = "SPEC", default_value = "constant")]
    schedule: String,
    /// Seed of the optimizer's own randomness (only `ars` uses it).
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
}

pub(super) fn run(args: &TraceArgs, out: &mut impl Write) -> Result<(), Error> {
    let start = args.start.as_deref().map(trace::parse_start).transpose()?;
    let request = TraceRequest {
        problem: args.problem.clone(),
        optimizer: args.optimizer.clone(),
        schedule: args.schedule.clone(),
        steps: args.steps,
        start,
        seed: args.seed,
    };
    let mut header_written = false;
    let mut line = String::new();
    trace::trace(&request, |row: &TraceRow| {
        if !header_written {
            header_written = true;
            let coords: Vec<String> = (0..row.x.len()).map(|i| format!("x{i}")).collect();
            writeln!(out, "step,lr,loss,{}", coords.join(","))?;
        }
        line.clear();
        line.push_str(&row.step.to_string());
        for v in [row.lr, row.loss].iter().chain(&row.x) {
            line.push(',');
            line.push_str(&shortest(*v));
        }
        line.push('\n');
        out.write_all(line.as_bytes())
    })?
    .map_err(stdout_error)
}
