//! `optbench compare BASELINE CURRENT`: behaviour changes and timing regressions between two
//! report folders or results files. Exit 0 when no timing metric regressed beyond
//! the threshold, 1 when one did (or, with `--fail-on-change`, when any run's results changed),
//! 2 on bad input.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::stdout_error;
use crate::compare::{Side, compare};
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    /// Tables for humans (a pull-request comment, a job summary).
    Markdown,
    /// The `[{"name","unit","value"}]` array benchmark-tracking CI actions read.
    Json,
}

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// The baseline: a report folder or a results file.
    #[arg(value_name = "BASELINE")]
    baseline: PathBuf,
    /// The current results: a report folder or a results file.
    #[arg(value_name = "CURRENT")]
    current: PathBuf,
    /// How much slower a timing metric may get before it is a regression: a percentage
    /// (`10%`) or a fraction (`0.1`).
    #[arg(long, value_name = "T", default_value = "10%", value_parser = parse_threshold)]
    threshold: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Also exit 1 when any run's results changed.
    #[arg(long)]
    fail_on_change: bool,
    /// Compare results only, no timing (for sides timed on different machines).
    #[arg(long)]
    no_timing: bool,
}

/// `10%` → 0.1; `0.1` → 0.1. A bare number of 1 or more is ambiguous and refused.
fn parse_threshold(text: &str) -> Result<f64, String> {
    let bad = || {
        format!(
            "{text:?} is not a threshold: give a percentage such as 10% or a fraction such as 0.1"
        )
    };
    let value = if let Some(p) = text.trim().strip_suffix('%') {
        p.trim().parse::<f64>().map_err(|_| bad())? / 100.0
    } else {
        let v = text.trim().parse::<f64>().map_err(|_| bad())?;
        if v >= 1.0 {
            return Err(format!(
                "{text:?} is ambiguous: write {text}% for a percentage, or a fraction below 1"
            ));
        }
        v
    };
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(bad())
    }
}

pub(super) fn run(args: &CompareArgs, out: &mut impl Write) -> Result<(), Error> {
    let baseline = Side::load(&args.baseline)?;
    let current = Side::load(&args.current)?;
    let mut comparison = compare(&baseline, &current, args.threshold)?;
    if args.no_timing {
        comparison.timing.clear();
    }
    let text = match args.format {
        Format::Markdown => comparison.markdown(),
        Format::Json => comparison.json_text(),
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    let regressions = comparison.regressions();
    if !regressions.is_empty() {
        return Err(Error::Regression(format!(
            "{} timing metric(s) slower than the baseline by more than {}%: {}",
            regressions.len(),
            crate::compare::percent(args.threshold),
            regressions
                .iter()
                .map(|m| format!("{} {:+.1}%", m.name, m.change() * 100.0))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if args.fail_on_change && !comparison.changes.is_empty() {
        return Err(Error::Regression(format!(
            "{} run(s) changed their results (--fail-on-change)",
            comparison.changes.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_threshold;

    #[test]
    fn thresholds_are_percentages_or_fractions() {
        assert_eq!(parse_threshold("10%"), Ok(0.1));
        assert_eq!(parse_threshold("0.25"), Ok(0.25));
        assert_eq!(parse_threshold("0%"), Ok(0.0));
        assert!(parse_threshold("10").unwrap_err().contains("10%"));
        assert!(parse_threshold("-5%").is_err());
        assert!(parse_threshold("fast").is_err());
    }
}
