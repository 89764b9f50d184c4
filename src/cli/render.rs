//! `optbench render RESULTS... [--out DIR] [--timing FILE]`: merges results files
//! (deduplicated by run id; two different records under one id are an error naming both
//! files), prints, per problem, each optimizer's best configuration under the tuning protocol,
//! and writes the report from files alone: the records, and the timing pass recorded in FILE
//! or beside the results (`timing::file`), if any; what it drew from is written beside the
//! folder (`DIR.results.jsonl.zst` and the rest, as `report` keeps them). It measures
//! nothing. Any error leaves the old report as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::stdout_error;
use crate::analysis::{Analysis, stats};
use crate::error::Error;
use crate::history;
use crate::num::shortest;
use crate::record::merge_files;
use crate::report::{self, Inputs, Provenance};
use crate::timing::{self, TimingPass};

#[derive(Debug, Args)]
pub(super) struct RenderArgs {
    /// Results files (JSON lines, plain or compressed), such as the shards of one grid or the
    /// records kept beside a report folder (reports/latest.results.jsonl.zst).
    #[arg(required = true, value_name = "RESULTS")]
    results: Vec<PathBuf>,
    /// Report folder (replaced atomically when the new report is complete).
    #[arg(long, value_name = "DIR", default_value = "reports/latest")]
    out: PathBuf,
    /// Print the summary table only; write no report.
    #[arg(long)]
    summary_only: bool,
    /// Name shown in the report's title (default: "grid" and the grid's fingerprint).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Append this report's summary to a JSON-lines history FILE and draw its trend charts.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// The timing pass to draw, recorded by `optbench timing --out FILE` (default: the
    /// `*timing.json` beside a `*results.jsonl[.zst]` given, if there is one; else none is drawn).
    #[arg(long, value_name = "FILE")]
    timing: Option<PathBuf>,
    /// The claims' experiment records, from `optbench run --claims --out FILE` (default: the
    /// `*claims.jsonl` beside a `*results.jsonl` given, if there is one; else every claim is
    /// "not tested").
    #[arg(long, value_name = "FILE")]
    claims: Option<PathBuf>,
}

/// The claims files beside a results file, the one compressed like it first: its name with
/// `results.jsonl` replaced by `claims.jsonl` and by `claims.jsonl.zst`
/// (`reports/latest.results.jsonl.zst` → `reports/latest.claims.jsonl.zst`, a report's
/// records; `reports/latest.results.jsonl` → `reports/latest.claims.jsonl`, an interrupted
/// report's working files, before the compressed ones of the report it will replace).
pub(super) fn claims_beside(results: &Path) -> Vec<PathBuf> {
    let Some(name) = results.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let plain = [".zst", ".gz"].iter().find_map(|z| name.strip_suffix(z));
    let Some(stem) = plain.unwrap_or(name).strip_suffix("results.jsonl") else {
        return Vec::new();
    };
    let order = if plain.is_some() {
        ["claims.jsonl.zst", "claims.jsonl"]
    } else {
        ["claims.jsonl", "claims.jsonl.zst"]
    };
    order
        .iter()
        .map(|c| results.with_file_name(format!("{stem}{c}")))
        .collect()
}

/// The claims' records: from `explicit`, else from the first claims file beside a results
/// file that exists, else none.
pub(super) fn claim_records(
    explicit: Option<&Path>,
    results: &[PathBuf],
) -> Result<Vec<crate::record::RunRecord>, Error> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => results
            .iter()
            .flat_map(|r| claims_beside(r))
            .find(|p| p.exists()),
    };
    match path {
        Some(p) => Ok(crate::record::read_results(&p)?.records),
        None => Ok(Vec::new()),
    }
}

/// A timing pass read from the file it was recorded in.
pub(super) struct Recorded {
    pub path: PathBuf,
    pub pass: TimingPass,
}

/// The timing pass to draw: `explicit` when given, else the one recorded beside the results
/// files, else none.
fn recorded_timing(
    explicit: Option<&Path>,
    results: &[PathBuf],
) -> Result<Option<Recorded>, Error> {
    Ok(match explicit {
        Some(path) => Some(Recorded {
            path: path.to_path_buf(),
            pass: timing::file::read(path)?,
        }),
        None => timing::file::find_beside(results)?.map(|(path, pass)| Recorded { path, pass }),
    })
}

pub(super) fn run(args: &RenderArgs, out: &mut impl Write) -> Result<(), Error> {
    if !args.summary_only {
        // A report folder that cannot or must not be written is refused before any work.
        let mut inputs: Vec<&Path> = args.results.iter().map(PathBuf::as_path).collect();
        inputs.extend(
            [&args.timing, &args.claims, &args.history]
                .into_iter()
                .filter_map(|p| p.as_deref()),
        );
        report::check_out(&args.out, &inputs)?;
    }
    let records = merge_files(&args.results)?;
    crate::record::check_one_grid(&records, "the results files")?;
    let timing = recorded_timing(args.timing.as_deref(), &args.results)?;
    let claims = claim_records(args.claims.as_deref(), &args.results)?;
    let prior = prior_history(args.history.as_deref())?;
    let analysis = Analysis::new(records);
    out.write_all(summary_table(&analysis).as_bytes())
        .map_err(stdout_error)?;
    if args.summary_only {
        return Ok(());
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("grid {}", analysis.grid));
    let provenance = Provenance {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        run_seconds: None,
        threads: 0,
        name,
        cache: None,
    };
    let history_file = args.history.as_deref().map(|p| (p, prior));
    render_and_tell(
        &analysis,
        &claims,
        &args.out,
        &provenance,
        timing.as_ref(),
        history_file,
        out,
    )
}

/// The history entries already in `path` (checked before any work is done).
pub(super) fn prior_history(path: Option<&Path>) -> Result<Vec<history::Entry>, Error> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    history::check_appendable(path)?;
    history::read(path)
}

/// Writes the report with the recorded timing pass, if any (and trend charts when a history
/// is kept), then appends this report's entry to the history and prints where the timing came
/// from and where the index is. Shared with `report`. Measures nothing.
pub(super) fn render_and_tell(
    analysis: &Analysis,
    claim_records: &[crate::record::RunRecord],
    dir: &Path,
    provenance: &Provenance,
    timing: Option<&Recorded>,
    history_file: Option<(&Path, Vec<history::Entry>)>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let pass = timing.map(|t| &t.pass);
    let entry = history::Entry::new(
        analysis,
        pass,
        &history::Context {
            grid_name: &provenance.name,
            run_seconds: provenance.run_seconds,
        },
    );
    let mut entries = Vec::new();
    if let Some((_, prior)) = &history_file {
        entries.extend(prior.iter().cloned());
        entries.push(entry.clone());
    }
    let experiments = crate::analysis::Experiments::from_records(claim_records.to_vec());
    let written = report::render(
        analysis,
        dir,
        &Inputs {
            provenance,
            timing: pass,
            history: &entries,
            claims: &experiments,
            claim_records,
        },
    )?;
    if let Some((path, _)) = history_file {
        history::append(path, &entry)?;
    }
    let source = match timing {
        Some(t) => format!("timing pass from {}", t.path.display()),
        None => "no timing pass recorded (record one with `optbench timing --out FILE`, then \
                 `optbench render ... --timing FILE`)"
            .to_string(),
    };
    writeln!(
        out,
        "{source}; rendered in {:.1} s: {}",
        written.seconds,
        written.index.display()
    )
    .map_err(stdout_error)
}

fn loss(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4e}")
    } else if v.is_nan() {
        "-".to_string()
    } else {
        "diverged".to_string()
    }
}

/// Per problem, each optimizer's best (batch, schedule, lr) by the tuning protocol, sorted by
/// its test objective on the evaluation seeds, and its result at the default lr.
fn summary_table(a: &Analysis) -> String {
    let mut text = format!(
        "{} runs. Per problem and optimizer: the best batch mode, schedule and lr picked on the \
         tuning seeds (median final validation objective), and the median final test objective \
         on the evaluation seeds; then the same at the default lr and constant schedule.\n",
        a.runs
    );
    for p in &a.problems {
        text.push_str(&format!("\n{}\n", p.problem));
        text.push_str(&format!(
            "  {:<24} {:>12} {:>12} {:<20} {:<32} {:>12}\n",
            "optimizer", "test (tuned)", "lr", "batch", "schedule", "test (default lr)"
        ));
        let mut order: Vec<usize> = (0..p.tuned.len())
            .filter(|&o| !p.tuned[o].runs.is_empty())
            .collect();
        let median_test = |o: usize| stats::median(&p.tuned[o].test);
        order.sort_by(|&x, &y| median_test(x).total_cmp(&median_test(y)));
        for o in order {
            let t = &p.tuned[o];
            let default = p.default[o]
                .as_ref()
                .map_or(f64::NAN, |d| stats::median(&d.test));
            text.push_str(&format!(
                "  {:<24} {:>12} {:>12} {:<20} {:<32} {:>12}\n",
                t.label,
                loss(median_test(o)),
                shortest(t.lr),
                t.batch,
                t.schedule,
                loss(default)
            ));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims beside a results file: the ones compressed like it first, so that an
    /// interrupted report's plain working files are not mixed with the finished report's
    /// compressed ones beside the same folder.
    #[test]
    fn the_claims_beside_results_are_the_ones_compressed_like_them_first() {
        let beside = |p: &str| -> Vec<String> {
            claims_beside(Path::new(p))
                .iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(
            beside("reports/latest.results.jsonl.zst"),
            [
                "reports/latest.claims.jsonl.zst",
                "reports/latest.claims.jsonl"
            ]
        );
        assert_eq!(
            beside("reports/latest.results.jsonl"),
            [
                "reports/latest.claims.jsonl",
                "reports/latest.claims.jsonl.zst"
            ]
        );
        assert_eq!(
            beside("night.results.jsonl.gz"),
            ["night.claims.jsonl.zst", "night.claims.jsonl"]
        );
        assert!(beside("shard-1.jsonl").is_empty());
    }
}
