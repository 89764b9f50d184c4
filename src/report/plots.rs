//! From the analysis to figure inputs: which numbers go into which figure. Every function
//! returns the SVG text; the caller names and writes the file.

use super::figures::{
    self, Bar, BarChart, Contour, Heatmap, Interval, IntervalChart, LineChart, Path, Series,
};
use crate::analysis::{
    Analysis, Budget, Choice, Leaderboard, ProblemResult, Sensitivity, Speed, WinRates, stats,
};
use crate::problem;
use crate::record::RunRecord;
use crate::timing::TimingPass;

/// Relative gaps below this are drawn at this value (log axes).
const GAP_FLOOR: f64 = 1e-8;

/// Colour and dash of an optimizer: its family colour, dashed for a variant (a spec whose keys
/// other than lr differ from the registry entry's defaults). Never from its label, so renaming
/// an optimizer changes no figure but its legend text.
pub fn style(a: &Analysis, o: usize) -> (figures::Rgb, bool) {
    let info = &a.optimizers[o];
    let without_lr = |spec: &str| {
        crate::optim::parse(spec)
            .map(|p| p.params.without("lr").to_string())
            .ok()
    };
    let variant = without_lr(&info.spec) != without_lr(&info.name);
    (figures::color_for(&info.name), variant)
}

/// The line of one tuned configuration: its median with the interquartile band.
fn band_series(
    a: &Analysis,
    o: usize,
    c: &Choice,
    x: Vec<f64>,
    (median, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>),
) -> Series {
    let (color, dashed) = style(a, o);
    Series {
        label: c.label.clone(),
        color,
        x,
        y: median,
        band: Some((lo, hi)),
        steps: false,
        dashed,
    }
}

fn runs<'a>(a: &'a Analysis, c: &Choice) -> Vec<&'a RunRecord> {
    c.runs.iter().map(|&i| &a.records[i]).collect()
}

/// Median and interquartile band across runs of a per-epoch value, at every recorded epoch
/// (`value` gets the run and the index of its curve entry).
fn band(
    runs: &[&RunRecord],
    value: impl Fn(&RunRecord, usize) -> Option<f64>,
) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut epochs: Vec<usize> = runs
        .iter()
        .flat_map(|r| r.curves.epoch.iter().copied())
        .collect();
    epochs.sort_unstable();
    epochs.dedup();
    let (mut x, mut m, mut lo, mut hi) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in epochs {
        let v: Vec<f64> = runs
            .iter()
            .filter_map(|r| {
                r.curves
                    .epoch
                    .binary_search(&e)
                    .ok()
                    .and_then(|i| value(r, i))
            })
            .filter(|v| v.is_finite())
            .collect();
        if v.is_empty() {
            continue;
        }
        let (med, q1, q3) = stats::median_iqr(&v);
        x.push(e as f64);
        m.push(med);
        lo.push(q1);
        hi.push(q3);
    }
    (x, m, lo, hi)
}

/// Convergence of each optimizer's tuned choice: median and IQR across evaluation seeds of
/// the training objective's relative gap, by epoch (or by median wall seconds).
pub fn convergence(a: &Analysis, p: &ProblemResult, by_time: bool) -> String {
    let mut series = Vec::new();
    for (o, c) in p.tuned.iter().enumerate() {
        let rs = runs(a, c);
        if rs.is_empty() {
            continue;
        }
        let (mut x, m, lo, hi) = band(&rs, |r, i| Some(crate::tuning::gap_at(r, i).max(GAP_FLOOR)));
        if by_time {
            let (epochs, secs, _, _) = band(&rs, |r, i| Some(r.curves.seconds[i]));
            x = x
                .iter()
                .map(|e| {
                    epochs
                        .iter()
                        .position(|f| f == e)
                        .map_or(f64::NAN, |k| secs[k])
                })
                .collect();
        }
        series.push(band_series(a, o, c, x, (m, lo, hi)));
    }
    figures::line_chart(&LineChart {
        title: format!(
            "{}: training gap to the best value, tuned (median and IQR over evaluation seeds)",
            p.title
        ),
        x_label: if by_time {
            "wall seconds".into()
        } else {
            "epoch".into()
        },
        y_label: "relative gap (f − f_best)/(f_start − f_best)".into(),
        log_x: by_time,
        log_y: true,
        y_range: None,
        series,
    })
}

/// Learning-rate sensitivity: median final training gap to f* over the tuning seeds against
/// the lr factor, at each optimizer's tuned batch mode and schedule.
pub fn sensitivity(a: &Analysis, sens: &Sensitivity, p_index: usize) -> String {
    let p = &a.problems[p_index];
    let series = sens.curves[p_index]
        .iter()
        .enumerate()
        .filter_map(|(o, curve)| {
            let curve = curve.as_ref()?;
            let (color, dashed) = style(a, o);
            Some(Series {
                label: a.optimizers[o].label.clone(),
                color,
                x: curve.factors.clone(),
                y: curve
                    .scores
                    .iter()
                    .map(|s| 10f64.powf(*s).max(GAP_FLOOR))
                    .collect(),
                band: None,
                steps: false,
                dashed,
            })
        })
        .collect();
    figures::line_chart(&LineChart {
        title: format!("{}: final training gap against the learning rate", p.title),
        x_label: "lr ÷ the optimizer's own lr".into(),
        y_label: "relative training gap (median, tuning seeds)".into(),
        log_x: true,
        log_y: true,
        y_range: None,
        series,
    })
}

/// Effective step per update (distance moved ÷ gradient norm ÷ updates), median across
/// evaluation seeds, for each optimizer's tuned choice.
pub fn effective_lr(a: &Analysis, p: &ProblemResult) -> String {
    let mut series = Vec::new();
    for (o, c) in p.tuned.iter().enumerate() {
        let rs = runs(a, c);
        if rs.is_empty() || c.name == "ars" {
            continue;
        }
        let (x, m, lo, hi) = band(&rs, |r, i| {
            (r.curves.epoch[i] > 0 && r.curves.gradient_norm[i] > 0.0).then(|| {
                r.curves.update_norm[i]
                    / (r.curves.gradient_norm[i] * r.per_epoch.updates.max(1) as f64)
            })
        });
        series.push(band_series(a, o, c, x, (m, lo, hi)));
    }
    figures::line_chart(&LineChart {
        title: format!("{}: effective learning rate per update (tuned)", p.title),
        x_label: "epoch".into(),
        y_label: "‖Δx‖ ÷ (‖g‖ · updates)".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    })
}

/// Format a score as the relative gap it stands for.
pub fn gap_text(score: f64) -> String {
    if !score.is_finite() {
        return String::new();
    }
    if score >= crate::analysis::SCORE_CEILING {
        return "div.".into();
    }
    crate::analysis::findings::sig2(10f64.powf(score))
}

/// Optimizer × column heatmap of the median evaluation score of the configuration picked on
/// the tuning seeds among the runs matching each column.
pub fn config_heatmap(
    a: &Analysis,
    p_index: usize,
    columns: &[String],
    column_of: impl Fn(&crate::grid::RunSpec) -> &str,
    title: &str,
) -> String {
    let p = &a.problems[p_index];
    let mut values = Vec::new();
    let mut text = Vec::new();
    let mut rows = Vec::new();
    for info in &a.optimizers {
        let row: Vec<Option<f64>> = columns
            .iter()
            .map(|col| {
                a.select(p_index, |s| s.label == info.label && column_of(s) == col)
                    .map(|c| c.median_score())
            })
            .collect();
        if row.iter().all(Option::is_none) {
            continue;
        }
        rows.push(info.label.clone());
        text.push(
            row.iter()
                .map(|v| v.map(gap_text).unwrap_or_default())
                .collect(),
        );
        values.push(row);
    }
    figures::heatmap(&Heatmap {
        title: format!("{}: {title}", p.title),
        rows,
        columns: columns.iter().map(|c| short(c)).collect(),
        values,
        text,
        lower_is_better: true,
        legend: format!(
            "cell: median final training gap to f* over evaluation seeds, lr picked on tuning seeds; colour: log10 of the gap, {} is better",
            figures::GOOD_COLOUR
        ),
    })
}

/// A schedule or batch-mode spec without its default-valued keys.
fn short(spec: &str) -> String {
    if crate::batch::parse(spec).is_ok() {
        crate::batch::registry().short(spec)
    } else {
        crate::schedule::registry().short(spec)
    }
}

/// Trajectories of each optimizer's tuned choice (first evaluation seed) over the isolines of
/// a 2-D landscape.
pub fn contour(a: &Analysis, p: &ProblemResult) -> Option<String> {
    let landscape = problem::parse(&p.problem).ok()?.config.landscape()?;
    if landscape.dim() != 2 {
        return None;
    }
    let mut paths = Vec::new();
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    let minima: Vec<(f64, f64)> = landscape
        .minima()
        .iter()
        .map(|m| (m.x[0], m.x[1]))
        .collect();
    let mut grow = |x: f64, y: f64| {
        if x.is_finite() && y.is_finite() && x.abs() < 1e3 && y.abs() < 1e3 {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    };
    for &(x, y) in &minima {
        grow(x, y);
    }
    for (o, c) in p.tuned.iter().enumerate() {
        let Some(r) = c.runs.first().map(|&i| &a.records[i]) else {
            continue;
        };
        let Some(t) = &r.trajectory else { continue };
        for pt in t {
            grow(pt[0], pt[1]);
        }
        let (color, _) = style(a, o);
        paths.push(Path {
            label: c.label.clone(),
            color,
            points: t.iter().map(|pt| (pt[0], pt[1])).collect(),
        });
    }
    if !x0.is_finite() {
        return None;
    }
    let pad = |lo: f64, hi: f64| {
        let w = (hi - lo).max(0.5);
        (lo - 0.15 * w, hi + 0.15 * w)
    };
    let ((x0, x1), (y0, y1)) = (pad(x0, x1), pad(y0, y1));
    let n = 120;
    let z: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            let y = y0 + (y1 - y0) * j as f64 / (n - 1) as f64;
            (0..n)
                .map(|i| landscape.value(&[x0 + (x1 - x0) * i as f64 / (n - 1) as f64, y]))
                .collect()
        })
        .collect();
    let flat: Vec<f64> = z
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let (lo, hi) = (stats::quantile(&flat, 0.0), stats::quantile(&flat, 0.95));
    // Levels spaced evenly in log(f − min + 1), so both the floor and the walls show.
    let levels = (1..=12)
        .map(|k| lo - 1.0 + ((hi - lo + 1.0).ln() * k as f64 / 12.0).exp())
        .collect();
    Some(figures::contour_chart(&Contour {
        title: format!(
            "{}: trajectories of the tuned optimizers (first evaluation seed)",
            p.title
        ),
        x_range: (x0, x1),
        y_range: (y0, y1),
        z,
        levels,
        paths,
        minima,
    }))
}

/// Mean rank with its 95% bootstrap interval.
pub fn ranks(a: &Analysis, board: &Leaderboard) -> String {
    figures::interval_chart(&IntervalChart {
        title: format!(
            "Mean rank across {} problems, {} lr (95% bootstrap intervals)",
            board.problems.len(),
            if board.budget == Budget::Tuned {
                "tuned"
            } else {
                "default"
            }
        ),
        x_label: "mean rank (1 = best)".into(),
        items: board
            .standings
            .iter()
            .map(|s| Interval {
                label: s.label.clone(),
                color: style(a, s.optimizer).0,
                estimate: s.mean_rank,
                lower: s.rank_low,
                upper: s.rank_high,
            })
            .collect(),
    })
}

/// Pairwise win rates.
pub fn win_rates(a: &Analysis, w: &WinRates, order: &[usize]) -> String {
    // Rows and columns by strength (the tuned board's order), then any optimizer not on it.
    let mut by_strength: Vec<usize> = order.to_vec();
    by_strength.extend(w.optimizers.iter().copied().filter(|o| !order.contains(o)));
    let at = |o: usize| w.optimizers.iter().position(|&x| x == o);
    let labels: Vec<String> = by_strength
        .iter()
        .map(|&o| a.optimizers[o].label.clone())
        .collect();
    let values: Vec<Vec<Option<f64>>> = by_strength
        .iter()
        .map(|&r| {
            by_strength
                .iter()
                .map(|&c| at(r).zip(at(c)).and_then(|(i, j)| w.rate[i][j]))
                .collect()
        })
        .collect();
    figures::heatmap(&Heatmap {
        title: "Win rate of the row against the column (tuned, every problem and evaluation seed)"
            .into(),
        rows: labels.clone(),
        columns: labels,
        text: values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.map(|x| format!("{:.0}", 100.0 * x)).unwrap_or_default())
                    .collect()
            })
            .collect(),
        values,
        lower_is_better: false,
        legend: format!(
            "cell: % of (problem, seed) pairs where the row ends with a smaller gap (ties within 0.1 decade count half); {} is better for the row",
            figures::GOOD_COLOUR
        ),
    })
}

fn curve_series(a: &Analysis, curves: &[Vec<(f64, f64)>]) -> Vec<Series> {
    curves
        .iter()
        .enumerate()
        .map(|(o, c)| {
            let (color, dashed) = style(a, o);
            Series {
                label: a.optimizers[o].label.clone(),
                color,
                x: c.iter().map(|p| p.0).collect(),
                y: c.iter().map(|p| p.1).collect(),
                band: None,
                steps: true,
                dashed,
            }
        })
        .collect()
}

/// Dolan–Moré performance profile.
pub fn profile(a: &Analysis, s: &Speed, by_time: bool) -> String {
    let curves = if by_time {
        &s.profile_seconds
    } else {
        &s.profile_evals
    };
    figures::line_chart(&LineChart {
        title: format!(
            "Performance profile: reaching 1% of the start gap, by {} ({} problem × seed instances)",
            if by_time {
                "wall time"
            } else {
                "sample-evaluations"
            },
            s.instances
        ),
        x_label: "τ: cost ÷ the fastest optimizer's cost on the instance".into(),
        y_label: "share of instances solved within τ".into(),
        log_x: true,
        log_y: false,
        y_range: Some((0.0, 1.0)),
        series: curve_series(a, curves),
    })
}

/// Runtime ECDF over all (problem, seed, target) triples.
pub fn ecdf(a: &Analysis, s: &Speed, by_time: bool) -> String {
    let curves = if by_time {
        &s.ecdf_seconds
    } else {
        &s.ecdf_evals
    };
    figures::line_chart(&LineChart {
        title: format!(
            "Targets reached against budget (gaps 1e-1, 1e-2, 1e-4, 1e-6), by {}",
            if by_time {
                "wall time"
            } else {
                "sample-evaluations"
            }
        ),
        x_label: if by_time {
            "wall seconds".into()
        } else {
            "sample-evaluations (gradient + loss)".into()
        },
        y_label: "share of (problem, seed, target) reached".into(),
        log_x: true,
        log_y: false,
        y_range: Some((0.0, 1.0)),
        series: curve_series(a, curves),
    })
}

/// Median lr-sensitivity width per optimizer.
pub fn forgiveness(a: &Analysis, sens: &Sensitivity) -> String {
    figures::bar_chart(&BarChart {
        title:
            "How forgiving: decades of lr within a factor of 2 of the best (median over problems)"
                .into(),
        y_label: "decades".into(),
        log_y: false,
        reference_label: format!("the sweep spans {:.1} decades", sens.sweep_decades),
        bars: sens
            .forgiveness
            .iter()
            .enumerate()
            .map(|(o, &w)| Bar {
                label: a.optimizers[o].label.clone(),
                color: style(a, o).0,
                value: w,
                reference: Some(sens.sweep_decades),
            })
            .collect(),
    })
}

/// Measured step cost per parameter against the bandwidth bound, each bar labelled with the
/// share of the bound it reaches.
pub fn step_cost(timing: &TimingPass) -> String {
    figures::bar_chart(&BarChart {
        title: format!(
            "Update cost per parameter, {} parameters, one thread",
            timing.dim
        ),
        y_label: "nanoseconds per parameter".into(),
        log_y: false,
        reference_label: format!(
            "bandwidth bound: bytes moved ÷ triad {:.1} GiB/s",
            timing.bandwidth.gib_per_second()
        ),
        bars: timing
            .costs
            .iter()
            .map(|c| Bar {
                label: format!("{} {:.0}%", c.spec, c.percent_of_bound()),
                color: figures::color_for(&c.name),
                value: c.ns_per_param,
                reference: Some(c.bound_ns_per_param),
            })
            .collect(),
    })
}

/// The step-cost figure's caption, with what to conclude from it.
pub fn step_cost_caption(timing: &TimingPass) -> String {
    let slowest = timing
        .costs
        .iter()
        .min_by(|a, b| a.percent_of_bound().total_cmp(&b.percent_of_bound()));
    let verdict = match slowest {
        Some(c) if c.percent_of_bound() >= 80.0 => format!(
            "Every update reaches at least 80% of the bound (lowest: {} at {:.0}%), so updates are memory-bound: their cost is the bytes they stream.",
            c.spec,
            c.percent_of_bound()
        ),
        Some(c) => format!(
            "{} reaches only {:.0}% of its bound: its arithmetic, not memory, limits it on the machine timed.",
            c.spec,
            c.percent_of_bound()
        ),
        None => "No update was measured.".into(),
    };
    format!(
        "Measured cost of one update per parameter ({} parameters, single thread, median of {} steps) against the bound that the bytes each rule must move set at this machine's STREAM-triad bandwidth ({:.1} GiB/s); the label gives the share of the bound reached (above 100%: an in-place update avoids the triad's write-allocate traffic). {verdict} This figure times the machine that ran the timing pass ({}), which need not be the one that rendered the report.",
        timing.dim,
        timing.repeats,
        timing.bandwidth.gib_per_second(),
        timing.machine.as_deref().unwrap_or("not recorded")
    )
}

/// Claim 8: the training gap of each schedule's configuration of `optimizer` by epoch
/// (median and interquartile band over the evaluation seeds), constant against decay.
pub fn schedule_curves(a: &Analysis, p: &ProblemResult, optimizer: usize) -> String {
    let mut series = Vec::new();
    for c in &p.configurations[optimizer] {
        let rs = runs(a, c);
        if rs.is_empty() {
            continue;
        }
        let (x, m, lo, hi) = band(&rs, |r, i| Some(crate::tuning::gap_at(r, i).max(GAP_FLOOR)));
        let name = crate::schedule::registry().short(&c.schedule);
        series.push(Series {
            color: figures::color_for(&name),
            label: name,
            x,
            y: m,
            band: Some((lo, hi)),
            steps: false,
            dashed: !c.schedule.starts_with("constant"),
        });
    }
    figures::line_chart(&LineChart {
        title: format!("{}: constant against decaying schedules", p.title),
        x_label: "epoch".into(),
        y_label: "relative training gap to f*".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    })
}

/// Claim 9: the training gap after every update of the first evaluation run at each batch
/// mode of `optimizer`, against epochs (so both modes share the axis).
pub fn update_curves(a: &Analysis, p: &ProblemResult, optimizer: usize) -> String {
    let mut series = Vec::new();
    for c in &p.configurations[optimizer] {
        let Some(r) = c.runs.first().map(|&i| &a.records[i]) else {
            continue;
        };
        let Some(v) = &r.update_losses else { continue };
        let per_epoch = r.per_epoch.updates.max(1) as f64;
        let (f0, fstar) = (v[0], r.optimum.loss);
        let points: Vec<(f64, f64)> = v
            .iter()
            .enumerate()
            .map(|(t, &f)| {
                (
                    t as f64 / per_epoch,
                    crate::tuning::relative_gap(f, f0, fstar).max(GAP_FLOOR),
                )
            })
            .collect();
        let points = crate::record::downsample(&points, figures::MAX_POINTS);
        series.push(Series {
            color: figures::color_for(&c.batch),
            label: c.batch.clone(),
            x: points.iter().map(|p| p.0).collect(),
            y: points.iter().map(|p| p.1).collect(),
            band: None,
            steps: false,
            dashed: c.batch == "full",
        });
    }
    figures::line_chart(&LineChart {
        title: format!("{}: training gap after every update", p.title),
        x_label: "epoch".into(),
        y_label: "relative training gap to f*".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    })
}

/// Claim 10: the share of evaluation runs that end in Rastrigin's global basin, per problem
/// (gradient noise) and schedule.
pub fn basin_shares(a: &Analysis, optimizer: usize) -> String {
    let mut bars = Vec::new();
    for p in &a.problems {
        for c in &p.configurations[optimizer] {
            let rs = runs(a, c);
            if rs.is_empty() {
                continue;
            }
            let inside = rs
                .iter()
                .filter(|r| {
                    r.status == crate::record::Status::Completed && r.final_train_loss() < 0.5
                })
                .count();
            let name = format!(
                "{} · {}",
                problem::short_spec(&p.problem),
                crate::schedule::registry().short(&c.schedule)
            );
            bars.push(Bar {
                color: figures::color_for(&p.problem),
                label: name,
                value: inside as f64 / rs.len() as f64,
                reference: None,
            });
        }
    }
    figures::bar_chart(&BarChart {
        title: "Share of random starts ending in the global basin".into(),
        y_label: "share of evaluation runs".into(),
        log_y: false,
        reference_label: String::new(),
        bars,
    })
}

/// The first screen's summary: optimizer × problem family, each cell how many times less of
/// the gap to f* the optimizer leaves than the median optimizer (geometric mean over the
/// family's selection instances, tuned); rows in the overall board's order; ★ marks the
/// tied-best set of the column.
pub fn summary(a: &Analysis, f: &crate::analysis::Findings) -> String {
    let mut columns: Vec<(String, &Leaderboard)> = vec![("all".to_string(), &f.tuned)];
    for fb in &f.families {
        columns.push((fb.family.describe().to_string(), &fb.board));
    }
    let order: Vec<usize> = f.tuned.standings.iter().map(|s| s.optimizer).collect();
    let mut rows = Vec::new();
    let mut values = Vec::new();
    let mut text = Vec::new();
    for &o in &order {
        rows.push(a.optimizers[o].label.clone());
        let cells: Vec<Option<&crate::analysis::Standing>> =
            columns.iter().map(|(_, b)| b.of(o)).collect();
        values.push(
            cells
                .iter()
                .map(|s| s.map(|s| s.effect.ratio.log10()))
                .collect(),
        );
        text.push(
            cells
                .iter()
                .map(|s| {
                    s.map_or(String::new(), |s| {
                        format!(
                            "{}×{}",
                            crate::analysis::findings::sig2(s.effect.ratio),
                            if s.in_best_group { "★" } else { "" }
                        )
                    })
                })
                .collect(),
        );
    }
    figures::heatmap(&Heatmap {
        title: "Less of the gap than the median optimizer, by kind of problem".into(),
        rows,
        columns: columns.into_iter().map(|(c, _)| c).collect(),
        values,
        text,
        lower_is_better: false,
        legend: format!(
            "cell: times less of the gap to f* than the median optimizer (tuned); ★ tied-best; {} is better",
            figures::GOOD_COLOUR
        ),
    })
}
