//! `optbench render RESULTS...`: merges results files (deduplicated by run id; two different
//! records under one id are an error naming both files) and prints, per problem, each
//! optimizer's best configuration under the tuning protocol. (The HTML report comes with the
//! report issue.)

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::stdout_error;
use crate::analysis::{self, Tuned};
use crate::error::Error;
use crate::num::shortest;
use crate::record::merge_files;

#[derive(Debug, Args)]
pub(super) struct RenderArgs {
    /// Results files (JSON lines), such as the shards of one grid.
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
}

pub(super) fn run(args: &RenderArgs, out: &mut impl Write) -> Result<(), Error> {
    let records = merge_files(&args.results)?;
    let grids: std::collections::BTreeSet<&str> = records.iter().map(|r| r.grid.as_str()).collect();
    if grids.len() > 1 {
        return Err(Error::Usage(format!(
            "the results files mix {} grids ({}); render the runs of one grid at a time",
            grids.len(),
            grids.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let tuned = analysis::tune(&records);
    out.write_all(summary_table(records.len(), &tuned).as_bytes())
        .map_err(stdout_error)
}

fn loss(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4e}")
    } else {
        "diverged".to_string()
    }
}

/// Per problem, each optimizer's best (batch, schedule, lr) by the tuning protocol, sorted by
/// its test objective on the evaluation seeds.
fn summary_table(runs: usize, tuned: &[Tuned]) -> String {
    let mut text = format!(
        "{runs} runs. Per problem and optimizer: the best batch mode, schedule and lr picked on the \
         tuning seeds (median final validation objective), and the median final test objective \
         on the evaluation seeds; then the same at the default lr.\n"
    );
    let mut problems: Vec<&str> = tuned.iter().map(|t| t.problem.as_str()).collect();
    problems.dedup();
    for problem in problems {
        text.push_str(&format!("\n{problem}\n"));
        text.push_str(&format!(
            "  {:<24} {:>12} {:>12} {:<20} {:<32} {:>12}\n",
            "optimizer", "test (tuned)", "lr", "batch", "schedule", "test (default lr)"
        ));
        let mut best: Vec<&Tuned> = Vec::new();
        for t in tuned.iter().filter(|t| t.problem == problem) {
            match best.iter_mut().find(|b| b.label == t.label) {
                Some(b) if t.test < b.test => *b = t,
                Some(_) => {}
                None => best.push(t),
            }
        }
        best.sort_by(|a, b| a.test.total_cmp(&b.test));
        for t in best {
            text.push_str(&format!(
                "  {:<24} {:>12} {:>12} {:<20} {:<32} {:>12}\n",
                t.label,
                loss(t.test),
                shortest(t.lr),
                t.batch,
                t.schedule,
                loss(t.default_test)
            ));
        }
    }
    text
}
