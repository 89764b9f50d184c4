//! Trend charts from the history file: one point per history entry, oldest first, so a
//! nightly series shows when a step got slower or a result changed.

use std::collections::BTreeSet;

use serde::Serialize;

use super::figures::{self, LineChart, Series};
use crate::history::{Entry, OptimizerSummary};

/// One row of the history table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub number: usize,
    pub date: String,
    pub commit: String,
    pub grid: String,
    pub runs: usize,
    pub run_seconds: String,
    pub bandwidth: String,
    pub machine: String,
}

/// The history table, oldest first.
pub fn table(history: &[Entry]) -> Vec<Row> {
    history
        .iter()
        .enumerate()
        .map(|(i, e)| Row {
            number: i + 1,
            date: e.date.clone(),
            commit: e.commit.clone(),
            grid: format!("{} ({})", e.grid_name, e.grid),
            runs: e.runs,
            run_seconds: e
                .run_seconds
                .map_or_else(|| "–".into(), |s| format!("{s:.1}")),
            bandwidth: e
                .bandwidth_gib_s
                .map_or_else(|| "–".into(), |b| format!("{b:.1}")),
            machine: e.machine.clone(),
        })
        .collect()
}

/// A history line in `style`.
fn line(label: &str, style: figures::Style, points: Vec<(f64, f64)>) -> Series {
    let (x, y) = points.into_iter().unzip();
    Series::line(label, style.color, x, y).styled(style)
}

/// The style of each label (sorted): its family's hue, a shade, dash and marker by its place
/// among the labels of the same family, as in the report's figures.
fn styles<'a>(labels: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, figures::Style)> {
    let mut seen: Vec<String> = Vec::new();
    labels
        .into_iter()
        .map(|label| {
            let name = name_of(label);
            let family =
                figures::family_of(name).map_or_else(|| name.to_string(), |f| f.to_string());
            let member = seen.iter().filter(|f| **f == family).count();
            seen.push(family);
            (label, figures::style_of(name, member))
        })
        .collect()
}

/// Registry name of an optimizer label (`adagrad:sqrt=false` → `adagrad`).
fn name_of(label: &str) -> &str {
    label.split(':').next().unwrap_or(label)
}

/// Chart id safe for a file name.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Every trend figure: (id, SVG, caption). The x axis is the entry number.
pub fn figures(history: &[Entry]) -> Vec<(String, String, String)> {
    let n = history.len();
    let number = |i: usize| (i + 1) as f64;
    let mut out = Vec::new();

    let wall: Vec<(f64, f64)> = history
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.run_seconds.map(|s| (number(i), s)))
        .collect();
    // Entries rendered from existing results files have no run time: no chart without one.
    if !wall.is_empty() {
        out.push((
        "trend-wall-time".to_string(),
        figures::line_chart(&LineChart {
            title: "Grid wall time per history entry".into(),
            x_label: "history entry".into(),
            y_label: "seconds".into(),
            log_x: false,
            log_y: false,
            y_range: None,
            series: vec![line("run stage", figures::categorical(0), wall)],
        }),
        format!(
            "Wall seconds of the run stage over {n} history entries (entries rendered from files have none). A rise with the same grid and machine is a slowdown; compare the machines in the table first."
        ),
    ));
    }

    let labels: BTreeSet<&str> = history
        .iter()
        .flat_map(|e| e.optimizers.keys().map(String::as_str))
        .collect();
    // One line per optimizer through the entries where `value` has a number.
    let per_optimizer = |value: &dyn Fn(&OptimizerSummary) -> Option<f64>| -> Vec<Series> {
        styles(labels.iter().copied())
            .into_iter()
            .filter_map(|(label, style)| {
                let points: Vec<(f64, f64)> = history
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| Some((number(i), value(e.optimizers.get(label)?)?)))
                    .collect();
                (!points.is_empty()).then(|| line(label, style, points))
            })
            .collect()
    };
    let step_series = per_optimizer(&|o| o.step_cost_ns);
    // Entries rendered without a timing pass have no step cost: no chart without one.
    if !step_series.is_empty() {
        out.push((
        "trend-step-cost".to_string(),
        figures::line_chart(&LineChart {
            title: "Update cost per parameter per history entry".into(),
            x_label: "history entry".into(),
            y_label: "ns per parameter".into(),
            log_x: false,
            log_y: true,
            y_range: None,
            series: step_series,
        }),
        "Each optimizer's measured update cost per parameter (timing pass, single thread) per entry. Update kernels are memory-bound, so a step up for one optimizer alone points at its kernel; all of them together point at the machine.".into(),
    ));
    }

    let problems: BTreeSet<&str> = history
        .iter()
        .flat_map(|e| e.optimizers.values())
        .flat_map(|o| o.best_loss.keys().map(String::as_str))
        .collect();
    for problem in problems {
        let series = per_optimizer(&|o| *o.best_loss.get(problem)?);
        out.push((
            format!("trend-loss-{}", slug(problem)),
            figures::line_chart(&LineChart {
                title: format!("{problem}: tuned final test objective per history entry"),
                x_label: "history entry".into(),
                y_label: "median final test objective".into(),
                log_x: false,
                log_y: true,
                y_range: None,
                series,
            }),
            format!(
                "Median final test objective of each optimizer's tuned configuration on {problem}, per entry. Results are deterministic: with the same grid, any change here is a change in behaviour (optbench compare lists the runs)."
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn entry(i: usize) -> Entry {
        let mut optimizers = BTreeMap::new();
        for (label, cost) in [("adam", Some(3.0 + i as f64)), ("ars", None)] {
            optimizers.insert(
                label.to_string(),
                OptimizerSummary {
                    best_loss: BTreeMap::from([
                        ("logreg2d:l2=0.0".to_string(), Some(0.1 / (i + 1) as f64)),
                        ("rosenbrock:a=1.0,b=100.0".to_string(), None),
                    ]),
                    step_cost_ns: cost,
                },
            );
        }
        Entry {
            date: format!("2026-11-2{i}T00:00:00Z"),
            commit: format!("c{i}"),
            version: "0.1.0".into(),
            grid_name: "quick".into(),
            grid: "abc".into(),
            runs: 10,
            run_seconds: Some(30.0 + i as f64),
            machine: "test <machine>".into(),
            bandwidth_gib_s: Some(20.0),
            optimizers,
        }
    }

    /// Two or more entries draw well-formed trend charts with their points.
    #[test]
    fn trend_figures_render_from_entries() {
        let history: Vec<Entry> = (0..3).map(entry).collect();
        let figs = figures(&history);
        let ids: Vec<&str> = figs.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            ids,
            [
                "trend-wall-time",
                "trend-step-cost",
                "trend-loss-logreg2d-l2-0-0",
                "trend-loss-rosenbrock-a-1-0-b-100-0"
            ]
        );
        for (id, svg, _) in &figs {
            let text = figures::testing::check_svg(svg);
            assert!(!svg.contains("NaN"), "{id}");
            if *id != "trend-loss-rosenbrock-a-1-0-b-100-0" {
                assert!(!text.contains("no finite data"), "{id}: {text}");
            }
        }
        // Three polyline points per drawn series.
        assert!(figs[1].1.contains("<polyline"), "{}", figs[1].1);
        let rows = table(&history);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2].run_seconds, "32.0");

        // Entries rendered from results files carry no run time: no empty wall-time chart.
        let rendered: Vec<Entry> = history
            .into_iter()
            .map(|e| Entry {
                run_seconds: None,
                ..e
            })
            .collect();
        let figs = figures(&rendered);
        assert_eq!(figs[0].0, "trend-step-cost");
        assert_eq!(figs.len(), 3);

        // Entries rendered without a timing pass carry no step cost or bandwidth: no empty
        // step-cost chart, and a dash in the table.
        let untimed: Vec<Entry> = rendered
            .into_iter()
            .map(|mut e| {
                e.bandwidth_gib_s = None;
                for o in e.optimizers.values_mut() {
                    o.step_cost_ns = None;
                }
                e
            })
            .collect();
        let ids: Vec<String> = figures(&untimed).into_iter().map(|f| f.0).collect();
        assert!(
            ids.iter().all(|id| id.starts_with("trend-loss-")),
            "{ids:?}"
        );
        assert_eq!(table(&untimed)[0].bandwidth, "–");
    }
}
