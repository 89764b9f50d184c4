//! The history of nightly summaries: one JSON line per report made with
//! `--history FILE`, holding what a trend chart needs: per optimizer, its best loss on each
//! problem and its step cost; the grid's wall time; the commit and machine. A report
//! rendered without a timing pass makes an entry without bandwidth or step costs.
//!
//! The file is appended one whole line at a time, after the report is in place; reading it
//! names the line of any entry that does not parse.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, stats};
use crate::error::Error;
use crate::timing::TimingPass;

/// One optimizer in one history entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerSummary {
    /// Per problem (canonical spec): the median final test objective of the optimizer's tuned
    /// configuration over the evaluation seeds; `None` where it diverged.
    pub best_loss: BTreeMap<String, Option<f64>>,
    /// Nanoseconds per parameter of one update, from the timing pass, when it measures this
    /// optimizer's rule (see `timing::MEASURED_RULES`); `None` otherwise (no timing pass was
    /// recorded, `ars` has no update kernel, a custom label or an unmeasured variant is not
    /// matched).
    pub step_cost_ns: Option<f64>,
}

/// One report's summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// When the report was made (UTC, RFC 3339).
    pub date: String,
    /// The git revision optbench was built from.
    pub commit: String,
    /// optbench's version.
    pub version: String,
    /// The grid's name.
    pub grid_name: String,
    /// The grid's fingerprint.
    pub grid: String,
    /// Runs in the grid.
    pub runs: usize,
    /// Wall seconds of the run stage (`None` when the report was rendered from files).
    pub run_seconds: Option<f64>,
    /// The machine the entry's timings come from, as the report's manifest names machines:
    /// the timing pass's when it recorded one, else the one that made the entry.
    pub machine: String,
    /// The triad bandwidth of the timing pass, GiB/s; `None` when no pass was recorded.
    pub bandwidth_gib_s: Option<f64>,
    /// Per optimizer label.
    pub optimizers: BTreeMap<String, OptimizerSummary>,
}

/// What an entry records besides the analysis and the timing pass.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The grid's name.
    pub grid_name: &'a str,
    /// Wall seconds of the run stage, if it ran.
    pub run_seconds: Option<f64>,
}

impl Entry {
    /// The summary of `analysis` and `timing` (when a pass was recorded), dated now.
    pub fn new(analysis: &Analysis, timing: Option<&TimingPass>, context: &Context<'_>) -> Entry {
        let optimizers = analysis
            .optimizers
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let best_loss = analysis
                    .problems
                    .iter()
                    .filter_map(|p| {
                        let choice = p.tuned.get(i)?;
                        let median = stats::median(&choice.test);
                        Some((p.problem.clone(), median.is_finite().then_some(median)))
                    })
                    .collect();
                // The measured rule this optimizer is (its label is a spec such as
                // `sgd:momentum=0.9`); a variant the timing pass does not measure has none.
                let step_cost_ns = timing
                    .and_then(|t| t.costs.iter().find(|c| c.spec == info.label))
                    .map(|c| c.ns_per_param);
                (
                    info.label.clone(),
                    OptimizerSummary {
                        best_loss,
                        step_cost_ns,
                    },
                )
            })
            .collect();
        Entry {
            date: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            commit: env!("OPTBENCH_GIT_REVISION").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            grid_name: context.grid_name.to_string(),
            grid: analysis.grid.clone(),
            runs: analysis.runs,
            run_seconds: context.run_seconds,
            machine: timing
                .and_then(|t| t.machine.clone())
                .unwrap_or_else(crate::timing::machine),
            bandwidth_gib_s: timing.map(|t| t.bandwidth.gib_per_second()),
            optimizers,
        }
    }
}

fn history_error(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("history file {}: {what}", path.display()))
}

/// The entries of a history file, oldest first; a missing file has none.
pub fn read(path: &Path) -> Result<Vec<Entry>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(history_error(path, e)),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| {
                history_error(path, format!("line {} is not a history entry ({e})", i + 1))
            })
        })
        .collect()
}

/// Checks, before any work, that `append` will be able to write to `path`: an existing file
/// opens for appending, a new one's folder exists. A report is not rendered only to fail on
/// its history afterwards.
pub fn check_appendable(path: &Path) -> Result<(), Error> {
    if path.exists() {
        return OpenOptions::new()
            .append(true)
            .open(path)
            .map(drop)
            .map_err(|e| history_error(path, e));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if parent.is_dir() {
        Ok(())
    } else {
        Err(history_error(
            path,
            format!("the folder {} does not exist", parent.display()),
        ))
    }
}

/// Appends `entry` as one line (written with a single call, so a reader never sees half of
/// it unless the machine stops mid-write).
pub fn append(path: &Path, entry: &Entry) -> Result<(), Error> {
    let mut line = serde_json::to_string(entry).map_err(|e| history_error(path, e))?;
    line.push('\n');
    let mut file: File = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| history_error(path, e))?;
    file.write_all(line.as_bytes())
        .map_err(|e| history_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testing::{Shape, data, landscape, scenario};
    use crate::problem::Family;
    use crate::timing::{Bandwidth, StepCost};

    fn timing() -> TimingPass {
        TimingPass {
            dim: 8,
            repeats: 1,
            bandwidth: Bandwidth {
                bytes_per_second: 2.0 * f64::from(1u32 << 30),
            },
            costs: vec![StepCost {
                spec: "adam".into(),
                name: "adam".into(),
                bytes_per_param: 56,
                ns_per_param: 3.5,
                bound_ns_per_param: 26.0,
            }],
            machine: Some("timed <machine>".into()),
        }
    }

    fn analysis() -> Analysis {
        Analysis::new(scenario(
            &[
                data("logreg2d:l2=0.0", Family::SmoothConvex),
                landscape("rosenbrock", Family::Ravine),
            ],
            &["adam", "ars"],
            &["full"],
            &["constant:min_lr=0.0"],
            |p, o, _, _, _, _| match (p.starts_with("rosenbrock"), o) {
                (true, "ars") => Shape {
                    final_loss: None,
                    zigzag: 0.0,
                    lr_decay: 1.0,
                },
                (_, "adam") => Shape::ends(1e-3),
                _ => Shape::ends(0.25),
            },
        ))
    }

    #[test]
    fn entry_summarises_best_losses_and_step_costs() {
        let a = analysis();
        let e = Entry::new(
            &a,
            Some(&timing()),
            &Context {
                grid_name: "t",
                run_seconds: Some(1.5),
            },
        );
        assert_eq!(e.runs, a.runs);
        assert_eq!(e.bandwidth_gib_s, Some(2.0));
        assert_eq!(e.machine, "timed <machine>");
        assert_eq!(e.run_seconds, Some(1.5));
        let adam = &e.optimizers["adam"];
        assert_eq!(adam.step_cost_ns, Some(3.5));
        assert_eq!(adam.best_loss.len(), 2);
        assert!(adam.best_loss.values().all(|v| v.is_some()));
        let ars = &e.optimizers["ars"];
        assert_eq!(ars.step_cost_ns, None);
        let diverged = ars
            .best_loss
            .iter()
            .find(|(p, _)| p.starts_with("rosenbrock"))
            .unwrap();
        assert_eq!(*diverged.1, None);
        assert!(e.date.ends_with('Z') && e.date.len() == 20, "{}", e.date);
    }

    /// A report rendered without a timing pass still makes an entry: losses, and no
    /// bandwidth or step cost; it reads back.
    #[test]
    fn an_entry_without_a_timing_pass_has_losses_and_no_step_costs() {
        let a = analysis();
        let e = Entry::new(
            &a,
            None,
            &Context {
                grid_name: "t",
                run_seconds: None,
            },
        );
        assert_eq!(e.bandwidth_gib_s, None);
        assert_eq!(e.machine, crate::timing::machine());
        assert!(e.optimizers.values().all(|o| o.step_cost_ns.is_none()));
        assert_eq!(e.optimizers["adam"].best_loss.len(), 2);
        let line = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), e);
    }

    #[test]
    fn history_round_trips_and_names_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        assert!(read(&path).unwrap().is_empty());
        let a = analysis();
        let context = Context {
            grid_name: "t",
            run_seconds: None,
        };
        let first = Entry::new(&a, Some(&timing()), &context);
        let mut second = first.clone();
        second.run_seconds = Some(2.0);
        append(&path, &first).unwrap();
        append(&path, &second).unwrap();
        assert_eq!(read(&path).unwrap(), vec![first, second]);
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).unwrap() + "{\"date\": 1\n",
        )
        .unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
    }
}
