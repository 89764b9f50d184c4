//! `optbench describe --problem SPEC [--seed N]`: builds a problem (reading the user's CSV file
//! for `csv`) and prints what it is: character, task, sizes, the loss at the seeded start on
//! each split and the known optimum. The quick way to check a file before running a grid.

use std::io::Write;

use clap::Args;

use super::list::describe_sizes;
use super::stdout_error;
use crate::data::Split;
use crate::error::Error;
use crate::num::shortest;
use crate::problem::{self, Family, OptimumKind, Workspace};

#[derive(Debug, Args)]
pub(super) struct DescribeArgs {
    /// Problem spec, e.g. `mlp:dataset=moons` or `csv:path=data.csv,target=label`.
    #[arg(long, value_name = "SPEC")]
    problem: String,
    /// Seed that draws the synthetic data, the split and the start.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
}

pub(super) fn run(args: &DescribeArgs, out: &mut impl Write) -> Result<(), Error> {
    let spec = problem::parse(&args.problem)?;
    let problem = spec.config.build(args.seed)?;
    let sizes = problem.sizes();
    let landscape = spec.config.landscape().is_some();
    let task = match (landscape, spec.family, sizes.classes) {
        (true, ..) => "analytic landscape".to_string(),
        (false, Family::NeuralNetwork, Some(k)) => format!("neural network, {k} classes"),
        (false, _, None) => "least squares".to_string(),
        (false, _, Some(2)) => "logistic regression (2 classes)".to_string(),
        (false, _, Some(k)) => format!("softmax regression ({k} classes)"),
    };
    let start = problem.initial_params(args.seed);
    let mut ws = Workspace::new();
    let splits: &[Split] = if landscape {
        &[Split::Train]
    } else {
        &Split::ALL
    };
    let mut evaluations = Vec::with_capacity(splits.len());
    for &split in splits {
        let e = problem.evaluate(&start, split, &mut ws);
        // The loaders keep data within bounds that keep losses finite; a non-finite start
        // loss is still bad input, never a number to print with exit code 0.
        if !e.loss.is_finite() {
            return Err(Error::Usage(format!(
                "problem '{}': the start loss on the {} split is {}; rescale the data so the loss stays finite",
                args.problem,
                split_name(split),
                e.loss
            )));
        }
        evaluations.push((split, e));
    }
    let losses: Vec<String> = evaluations
        .into_iter()
        .map(|(split, e)| {
            let acc = e
                .accuracy
                .map(|a| format!(" (accuracy {:.3})", a))
                .unwrap_or_default();
            format!("{} {}{acc}", split_name(split), shortest(e.loss))
        })
        .collect();
    let mut text = String::new();
    let mut line = |k: &str, v: String| text.push_str(&format!("{k:<12} {v}\n"));
    line("problem", spec.params.to_string());
    line("character", spec.family.describe().to_string());
    line("task", task);
    line("sizes", describe_sizes(&sizes, landscape));
    line(
        "start loss",
        format!("{} (seed {})", losses.join(", "), args.seed),
    );
    line(
        "optimum",
        match problem.optimum() {
            Some(o) => format!(
                "{} (training objective, {})",
                shortest(o.loss),
                match o.kind {
                    OptimumKind::Exact => "exact",
                    OptimumKind::Solved => "solved",
                    OptimumKind::Estimate => "estimate",
                }
            ),
            None => "not known in closed form".to_string(),
        },
    );
    out.write_all(text.as_bytes()).map_err(stdout_error)
}

fn split_name(split: Split) -> &'static str {
    match split {
        Split::Train => "train",
        Split::Validation => "validation",
        Split::Test => "test",
    }
}
