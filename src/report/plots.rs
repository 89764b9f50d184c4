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

/// How each optimizer is drawn in a figure: its style (its family's hue; a shade, dash and
/// marker by its place among the family's members in spec order, never by its label, so
/// renaming an optimizer changes no figure but its legend text), whether it is emphasised or
/// drawn grey for context, and whether its series is folded into an identical method's.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// Per optimizer.
    pub styles: Vec<figures::Style>,
    /// Per optimizer: drawn in colour, with band and marker, and named in the legend.
    pub emphasised: Vec<bool>,
    /// Per optimizer: the earlier optimizer it is the same method as, whose series stands for
    /// both (its legend label names both).
    pub folded_into: Vec<Option<usize>>,
    /// Where the emphasised best are best ("after tuning", "on this problem"), for captions.
    pub scope: String,
    /// Labels of the baselines present, for captions.
    pub baselines: Vec<String>,
}

/// How many of the tuned board's best optimizers a figure emphasises (besides the baselines).
pub const EMPHASISED_TOP: usize = 5;

/// The lecture's baselines, always emphasised: plain SGD and Adam at their registry defaults.
const BASELINES: [&str; 2] = ["sgd", "adam"];

impl Look {
    /// Every optimizer in colour, nothing folded: the full set.
    pub fn full(a: &Analysis) -> Look {
        // Members of a family in order: by the name's place in the family (plain SGD, then
        // momentum), registry defaults before variants, then by spec.
        let family = |o: usize| {
            let name = &a.optimizers[o].name;
            figures::family_of(name).map_or_else(|| name.clone(), |f| f.to_string())
        };
        let key = |o: usize| {
            let info = &a.optimizers[o];
            (
                figures::place_in_family(&info.name),
                !is_default(&info.spec, &info.name),
                info.spec.clone(),
            )
        };
        let styles = (0..a.optimizers.len())
            .map(|o| {
                let member = (0..a.optimizers.len())
                    .filter(|&m| m != o && family(m) == family(o) && key(m) < key(o))
                    .count();
                figures::style_of(&a.optimizers[o].name, member)
            })
            .collect();
        Look {
            styles,
            emphasised: vec![true; a.optimizers.len()],
            folded_into: vec![None; a.optimizers.len()],
            scope: String::new(),
            baselines: Vec::new(),
        }
    }

    /// The default look: the best [`EMPHASISED_TOP`] of `best_first` (optimizer indices, best
    /// first; `scope` says where they are best) and the baselines in colour, the rest grey; an
    /// optimizer that is the same method as an earlier one folded into it.
    pub fn emphasis(a: &Analysis, best_first: &[usize], scope: &str) -> Look {
        let mut look = Look::full(a);
        for same in &a.same_methods {
            let into = look.folded_into[same.first].unwrap_or(same.first);
            look.folded_into[same.second] = Some(into);
        }
        let shown = |o: usize| look.folded_into[o].unwrap_or(o);
        let mut emphasised = vec![false; a.optimizers.len()];
        let mut top = 0;
        for &o in best_first {
            if top == EMPHASISED_TOP {
                break;
            }
            if !emphasised[shown(o)] {
                emphasised[shown(o)] = true;
                top += 1;
            }
        }
        for name in BASELINES {
            let plain = a
                .optimizers
                .iter()
                .position(|info| info.name == name && is_default(&info.spec, name))
                .or_else(|| a.optimizers.iter().position(|info| info.name == name));
            if let Some(o) = plain {
                emphasised[shown(o)] = true;
                look.baselines.push(a.optimizers[o].label.clone());
            }
        }
        look.emphasised = emphasised;
        look.scope = scope.to_string();
        look
    }

    /// The default look of a problem's figures: the best on that problem (by the median
    /// final training gap of each tuned choice; exact ties in spec order) emphasised.
    pub fn for_problem(a: &Analysis, p: &ProblemResult) -> Look {
        let mut order: Vec<(f64, usize)> = p
            .tuned
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.runs.is_empty())
            .map(|(o, c)| (c.median_score(), o))
            .collect();
        order.sort_by(|x, y| x.0.total_cmp(&y.0));
        let best_first: Vec<usize> = order.into_iter().map(|(_, o)| o).collect();
        Look::emphasis(a, &best_first, "on this problem")
    }

    /// A sentence for captions saying what the look greys and folds ("" for the full set).
    pub fn describe(&self) -> String {
        let mut out = Vec::new();
        let grey = (0..self.emphasised.len())
            .filter(|&o| !self.emphasised[o] && self.folded_into[o].is_none())
            .count();
        if grey > 0 {
            let baselines = match self.baselines.as_slice() {
                [] => String::new(),
                [one] => format!(" and the baseline {one}"),
                more => format!(" and the baselines {}", more.join(" and ")),
            };
            out.push(format!(
                "In colour: the {EMPHASISED_TOP} best {}{baselines}; the other {grey} in grey.",
                self.scope
            ));
        }
        if self.folded_into.iter().any(Option::is_some) {
            out.push(
                "Methods that are the same here (every run of one is a run of the other at a fixed lr ratio) share one line, labelled with both names."
                    .to_string(),
            );
        }
        out.join(" ")
    }

    /// Whether this look draws every optimizer in colour, unfolded.
    pub fn is_full(&self) -> bool {
        self.emphasised.iter().all(|&e| e) && self.folded_into.iter().all(Option::is_none)
    }

    /// The series of optimizer `o` as this look draws it: `None` when folded into another;
    /// else styled, grey for context (without band), its label naming the methods folded
    /// into it.
    fn apply(&self, a: &Analysis, o: usize, series: Series) -> Option<Series> {
        if self.folded_into[o].is_some() {
            return None;
        }
        let twins: Vec<&str> = (0..a.optimizers.len())
            .filter(|&t| self.folded_into[t] == Some(o))
            .map(|t| a.optimizers[t].label.as_str())
            .collect();
        let label = if twins.is_empty() {
            series.label.clone()
        } else {
            format!("{} = {}", series.label, twins.join(" = "))
        };
        let context = !self.emphasised[o];
        Some(Series {
            label,
            band: if context { None } else { series.band.clone() },
            context,
            ..series.styled(self.styles[o])
        })
    }
}

/// Whether `spec` is the registry entry `name` at its defaults (the lr aside).
fn is_default(spec: &str, name: &str) -> bool {
    let without_lr = |spec: &str| {
        crate::optim::parse(spec)
            .map(|p| p.params.without("lr").to_string())
            .ok()
    };
    without_lr(spec) == without_lr(name)
}

/// The line of one tuned configuration: its median with the interquartile band.
fn band_series(
    c: &Choice,
    x: Vec<f64>,
    (median, lo, hi): (Vec<f64>, Vec<f64>, Vec<f64>),
) -> Series {
    Series {
        band: Some((lo, hi)),
        ..Series::line(c.label.clone(), figures::CONTEXT, x, median)
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
pub fn convergence(a: &Analysis, look: &Look, p: &ProblemResult, by_time: bool) -> LineChart {
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
        series.extend(look.apply(a, o, band_series(c, x, (m, lo, hi))));
    }
    LineChart {
        title: format!("{}: training gap to f*, tuned", p.title),
        x_label: if by_time {
            "wall seconds".into()
        } else {
            "epoch".into()
        },
        y_label: "relative training gap to f*".into(),
        log_x: by_time,
        log_y: true,
        y_range: None,
        series,
    }
}

/// Learning-rate sensitivity: median final training gap to f* over the tuning seeds against
/// the lr factor, at each optimizer's tuned batch mode and schedule.
pub fn sensitivity(a: &Analysis, look: &Look, sens: &Sensitivity, p_index: usize) -> LineChart {
    let p = &a.problems[p_index];
    let series = sens.curves[p_index]
        .iter()
        .enumerate()
        .filter_map(|(o, curve)| {
            let curve = curve.as_ref()?;
            let y = curve
                .scores
                .iter()
                .map(|s| 10f64.powf(*s).max(GAP_FLOOR))
                .collect();
            let line = Series::line(
                a.optimizers[o].label.clone(),
                figures::CONTEXT,
                curve.factors.clone(),
                y,
            );
            look.apply(a, o, line)
        })
        .collect();
    LineChart {
        title: format!("{}: final gap against the learning rate", p.title),
        x_label: "lr ÷ the optimizer's own lr".into(),
        y_label: "relative training gap to f*".into(),
        log_x: true,
        log_y: true,
        y_range: None,
        series,
    }
}

/// Effective step per update (distance moved ÷ gradient norm ÷ updates), median across
/// evaluation seeds, for each optimizer's tuned choice.
pub fn effective_lr(a: &Analysis, look: &Look, p: &ProblemResult) -> LineChart {
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
        series.extend(look.apply(a, o, band_series(c, x, (m, lo, hi))));
    }
    LineChart {
        title: format!("{}: effective learning rate, tuned", p.title),
        x_label: "epoch".into(),
        y_label: "‖Δx‖ ÷ (‖g‖ · updates)".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    }
}

/// Format a score as the relative gap it stands for.
pub fn gap_text(score: f64) -> String {
    if !score.is_finite() {
        return String::new();
    }
    if score >= crate::analysis::SCORE_CEILING {
        return "div.".into();
    }
    crate::analysis::findings::sig2_kept(10f64.powf(score))
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
    let map = Heatmap {
        title: format!("{}: {title}", p.title),
        rows,
        columns: columns.iter().map(|c| short(c)).collect(),
        values,
        text,
        lower_is_better: true,
        legend: format!(
            "cell: median final training gap to f* over evaluation seeds, lr picked on tuning seeds; colour: the gap on a log scale, {} is better",
            figures::GOOD_COLOUR
        ),
    };
    figures::heatmap_with(&map, figures::ColourTicks::Log10Value)
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
pub fn contour(a: &Analysis, look: &Look, p: &ProblemResult) -> Option<String> {
    let landscape = problem::parse(&p.problem).ok()?.config.landscape()?;
    if landscape.dim() != 2 {
        return None;
    }
    let mut paths = Vec::new();
    let mut context = 0;
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
        let points = t.iter().map(|pt| (pt[0], pt[1])).collect();
        let line = Series::line(c.label.clone(), figures::CONTEXT, vec![], vec![]);
        if let Some(shown) = look.apply(a, o, line) {
            // Grey paths go first (drawn under the others), unnamed.
            if shown.context {
                context += 1;
                paths.insert(
                    0,
                    Path {
                        label: String::new(),
                        color: figures::CONTEXT,
                        dash: figures::Dash::Solid,
                        points,
                    },
                );
            } else {
                paths.push(Path {
                    label: shown.label,
                    color: shown.color,
                    dash: shown.dash,
                    points,
                });
            }
        }
    }
    if !x0.is_finite() {
        return None;
    }
    if context > 0 {
        // A legend row for the grey paths, drawing nothing.
        paths.push(Path {
            label: format!(
                "{context} other{} (grey)",
                if context == 1 { "" } else { "s" }
            ),
            color: figures::CONTEXT,
            dash: figures::Dash::Solid,
            points: Vec::new(),
        });
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
    let levels = figures::contour_levels(&z, figures::DEFAULT_LEVELS);
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
pub fn ranks(look: &Look, board: &Leaderboard) -> String {
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
                color: look.styles[s.optimizer].color,
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
    let map = Heatmap {
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
    };
    figures::heatmap_with(&map, figures::ColourTicks::Percent)
}

fn curve_series(a: &Analysis, look: &Look, curves: &[Vec<(f64, f64)>]) -> Vec<Series> {
    curves
        .iter()
        .enumerate()
        .filter_map(|(o, c)| {
            let (x, y) = c.iter().copied().unzip();
            let line = Series {
                steps: true,
                ..Series::line(a.optimizers[o].label.clone(), figures::CONTEXT, x, y)
            };
            look.apply(a, o, line)
        })
        .collect()
}

/// Dolan–Moré performance profile.
pub fn profile(a: &Analysis, look: &Look, s: &Speed, by_time: bool) -> LineChart {
    let curves = if by_time {
        &s.profile_seconds
    } else {
        &s.profile_evals
    };
    LineChart {
        title: format!(
            "Performance profile: reaching {} of the start gap, by {} ({} problem × seed instances)",
            crate::analysis::findings::sig2(crate::analysis::GOOD_TARGET),
            if by_time {
                "wall time"
            } else {
                "sample-evaluations"
            },
            s.instances
        ),
        x_label: "τ = cost ÷ the fastest cost".into(),
        y_label: "share solved within τ".into(),
        log_x: true,
        log_y: false,
        y_range: Some((0.0, 1.0)),
        series: curve_series(a, look, curves),
    }
}

/// Runtime ECDF over all (problem, seed, target) triples.
pub fn ecdf(a: &Analysis, look: &Look, s: &Speed, by_time: bool) -> LineChart {
    let curves = if by_time {
        &s.ecdf_seconds
    } else {
        &s.ecdf_evals
    };
    LineChart {
        title: format!(
            "Targets reached against budget (gaps {}), by {}",
            crate::analysis::TARGETS
                .iter()
                .map(|t| crate::analysis::findings::sig2(*t))
                .collect::<Vec<_>>()
                .join(", "),
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
        y_label: "share of targets reached".into(),
        log_x: true,
        log_y: false,
        y_range: Some((0.0, 1.0)),
        series: curve_series(a, look, curves),
    }
}

/// Median lr-sensitivity width per optimizer.
pub fn forgiveness(a: &Analysis, look: &Look, sens: &Sensitivity) -> String {
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
                color: look.styles[o].color,
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

/// The dash of a constant schedule's line in [`schedule_curves`]; captions name it.
pub const CONSTANT_DASH: figures::Dash = figures::Dash::Solid;
/// The dash of a decaying schedule's line in [`schedule_curves`]; captions name it.
pub const DECAY_DASH: figures::Dash = figures::Dash::Dashed;
/// The dash of the full-batch line in [`update_curves`]; captions name it.
pub const FULL_BATCH_DASH: figures::Dash = figures::Dash::Dashed;
/// The dash of the other batch modes' lines in [`update_curves`].
pub const OTHER_BATCH_DASH: figures::Dash = figures::Dash::Solid;

/// Claim 8: the training gap of each schedule's configuration of `optimizer` by epoch
/// (median and interquartile band over the evaluation seeds), constant against decay.
pub fn schedule_curves(a: &Analysis, p: &ProblemResult, optimizer: usize) -> LineChart {
    let mut series = Vec::new();
    for c in &p.configurations[optimizer] {
        let rs = runs(a, c);
        if rs.is_empty() {
            continue;
        }
        let (x, m, lo, hi) = band(&rs, |r, i| Some(crate::tuning::gap_at(r, i).max(GAP_FLOOR)));
        let name = crate::schedule::registry().short(&c.schedule);
        let style = figures::Style {
            dash: if c.schedule.starts_with("constant") {
                CONSTANT_DASH
            } else {
                DECAY_DASH
            },
            ..figures::categorical(series.len())
        };
        series.push(Series {
            band: Some((lo, hi)),
            ..Series::line(name, style.color, x, m).styled(style)
        });
    }
    LineChart {
        title: format!("{}: constant against decaying schedules", p.title),
        x_label: "epoch".into(),
        y_label: "relative training gap to f*".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    }
}

/// Claim 9: the training gap after every update of the first evaluation run at each batch
/// mode of `optimizer`, against epochs (so both modes share the axis).
pub fn update_curves(a: &Analysis, p: &ProblemResult, optimizer: usize) -> LineChart {
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
        let (x, y) = points.into_iter().unzip();
        let style = figures::Style {
            dash: if c.batch == "full" {
                FULL_BATCH_DASH
            } else {
                OTHER_BATCH_DASH
            },
            ..figures::categorical(series.len())
        };
        series.push(Series::line(c.batch.clone(), style.color, x, y).styled(style));
    }
    LineChart {
        title: format!("{}: training gap after every update", p.title),
        x_label: "epoch".into(),
        y_label: "relative training gap to f*".into(),
        log_x: false,
        log_y: true,
        y_range: None,
        series,
    }
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
            // The problems differ only in their gradient noise: the label names it.
            let spec = problem::short_spec(&p.problem);
            let noise = spec
                .split([':', ','])
                .find_map(|kv| kv.strip_prefix("noise="))
                .unwrap_or("0");
            let name = format!(
                "noise σ {} · {}",
                noise.trim_end_matches(".0"),
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
                            crate::analysis::findings::sig2_kept(s.effect.ratio),
                            if s.in_best_group { "★" } else { "" }
                        )
                    })
                })
                .collect(),
        );
    }
    let map = Heatmap {
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
    };
    figures::heatmap_with(&map, figures::ColourTicks::Log10Ratio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::ranking::SameMethod;
    use crate::analysis::testing::{Shape, landscape, scenario};
    use crate::problem::Family;
    use std::collections::HashSet;

    /// The optimizers of the quick preset.
    const QUICK: [&str; 15] = [
        "sgd",
        "sgd:momentum=0.9",
        "momentum",
        "adagrad",
        "adagrad:sqrt=false",
        "adadelta",
        "rmsprop",
        "rprop",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "adamax",
        "lion",
        "ars",
    ];

    /// An analysis of every quick optimizer on one landscape; `rename` prefixes every label.
    fn analysis(rename: &str) -> Analysis {
        let mut records = scenario(
            &[landscape("rosenbrock", Family::Ravine)],
            &QUICK,
            &["full"],
            &["constant"],
            |_, _, _, _, factor, _| Shape::ends(0.1 * factor),
        );
        for r in &mut records {
            r.spec.label = format!("{rename}{}", r.spec.label);
        }
        Analysis::new(records)
    }

    fn index(a: &Analysis, label: &str) -> usize {
        a.optimizer_index(label).expect(label)
    }

    #[test]
    fn every_quick_optimizer_has_its_own_colour_and_dash() {
        let a = analysis("");
        let look = Look::full(&a);
        assert!(look.is_full());
        let pairs: HashSet<(figures::Rgb, figures::Dash)> =
            look.styles.iter().map(|s| (s.color, s.dash)).collect();
        assert_eq!(pairs.len(), QUICK.len());
        assert!(look.styles.iter().all(|s| s.color != figures::CONTEXT));
        // The family shares a hue: SGD's three members differ in shade or dash, not hue family.
        let sgd = look.styles[index(&a, "sgd")];
        assert_eq!(sgd.color, figures::color_for("sgd"));
        assert_eq!(sgd.dash, figures::Dash::Solid);
    }

    #[test]
    fn schedule_and_batch_lines_use_the_dashes_captions_name() {
        let records = scenario(
            &[crate::analysis::testing::data(
                "logreg2d",
                Family::SmoothConvex,
            )],
            &["sgd"],
            &["full", "stochastic"],
            &["constant", "cosine", "step:step_size=2,gamma=0.5"],
            |_, _, _, _, factor, _| Shape::ends(0.1 * factor),
        );
        let a = Analysis::new(records);
        let sgd = index(&a, "sgd");
        let chart = schedule_curves(&a, &a.problems[0], sgd);
        assert!(chart.series.len() >= 3, "{:?}", chart.series.len());
        for s in &chart.series {
            let want = if s.label.starts_with("constant") {
                CONSTANT_DASH
            } else {
                DECAY_DASH
            };
            assert_eq!(s.dash, want, "{}", s.label);
        }
        assert_ne!(CONSTANT_DASH, DECAY_DASH);
        assert_ne!(FULL_BATCH_DASH, OTHER_BATCH_DASH);
        // Captions say the words of these dashes.
        assert_eq!(CONSTANT_DASH.word(), "solid");
        assert_eq!(DECAY_DASH.word(), "dashed");
    }

    #[test]
    fn styles_do_not_depend_on_labels() {
        let (a, b) = (analysis(""), analysis("renamed "));
        assert_eq!(Look::full(&a).styles, Look::full(&b).styles);
        let order: Vec<usize> = (0..a.optimizers.len()).rev().collect();
        assert_eq!(
            Look::emphasis(&a, &order, "x").emphasised,
            Look::emphasis(&b, &order, "x").emphasised
        );
    }

    #[test]
    fn emphasis_is_the_best_few_and_the_baselines_with_twins_folded() {
        let mut a = analysis("");
        let (sgd, adam) = (index(&a, "sgd"), index(&a, "adam"));
        let (heavy, momentum) = (index(&a, "sgd:momentum=0.9"), index(&a, "momentum"));
        a.same_methods = vec![SameMethod {
            first: heavy.min(momentum),
            second: heavy.max(momentum),
            lr_ratio: 10.0,
            matched: 10,
            share: 1.0,
        }];
        let (first, second) = (heavy.min(momentum), heavy.max(momentum));
        // Best first: the twin that gets folded, then five others, neither baseline among them.
        let mut best_first = vec![second];
        best_first.extend(
            (0..a.optimizers.len())
                .filter(|&o| ![sgd, adam, first, second].contains(&o))
                .take(6),
        );
        let look = Look::emphasis(&a, &best_first, "after tuning");
        assert!(!look.is_full());
        assert_eq!(look.folded_into[second], Some(first));
        // The folded twin's place goes to the method it folds into, and counts once.
        assert!(look.emphasised[first]);
        let top: Vec<usize> = best_first[1..5].to_vec();
        assert!(top.iter().all(|&o| look.emphasised[o]));
        assert!(!look.emphasised[best_first[5]]);
        assert!(look.emphasised[sgd] && look.emphasised[adam]);
        assert_eq!(look.emphasised.iter().filter(|&&e| e).count(), 7);
        // A folded optimizer draws no series; the one it folds into names both.
        let line = |o: usize| {
            Series::line(
                a.optimizers[o].label.clone(),
                figures::CONTEXT,
                vec![1.0],
                vec![1.0],
            )
        };
        assert!(look.apply(&a, second, line(second)).is_none());
        let shown = look.apply(&a, first, line(first)).unwrap();
        assert!(
            shown.label.contains(&a.optimizers[second].label),
            "{}",
            shown.label
        );
        assert!(!shown.context);
        let grey = look.apply(&a, best_first[5], line(best_first[5])).unwrap();
        assert!(grey.context);
        let note = look.describe();
        assert!(
            note.contains("the 5 best after tuning") && note.contains("in grey"),
            "{note}"
        );
        assert!(note.contains("share one line"), "{note}");
        // Without twins or greys there is nothing to say.
        assert_eq!(Look::full(&a).describe(), "");
    }
}
