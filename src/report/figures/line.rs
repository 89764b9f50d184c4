//! Line charts: polylines or step functions, dashed or solid, with optional translucent bands,
//! on linear or log axes, and a legend to the right of the plot.
//!
//! May use: the kit beside it (`palette`, `downsample`, `scale`, `svg`, `frame`, `legend`) and
//! plotters; nothing else of the crate.

use plotters::prelude::{Circle, PathElement, Polygon};

use super::downsample::{MAX_POINTS, downsample};
use super::frame::{Frame, draw_axes};
use super::legend::{LEGEND_ROW, LEGEND_TEXT_MAX, LegendEntry, Swatch, draw_legend, legend_width};
use super::palette::{CONTEXT, Dash, Marker, Rgb, Style};
use super::scale::Scale;
use super::svg::{
    Area, DrawResult, HEIGHT, NO_FINITE_DATA, WIDTH, draw_marker, draw_note, draw_title, fill,
    line_stroke, note_svg, render,
};

/// One line with an optional shaded band (for example the median across seeds and its
/// interquartile range).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Line and band colour.
    pub color: Rgb,
    /// X values, increasing.
    pub x: Vec<f64>,
    /// Y values (the line).
    pub y: Vec<f64>,
    /// Optional band: lower and upper Y per point (same length as `x`).
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    /// Draw as a step function (performance profiles, ECDFs) instead of a polyline.
    pub steps: bool,
    /// Dash pattern of the line.
    pub dash: Dash,
    /// Marker drawn at a few points of the line and in its legend sample.
    pub marker: Option<Marker>,
    /// Drawn for context only: a thin grey line under the others, without band or marker,
    /// counted in one legend row instead of named.
    pub context: bool,
}

impl Series {
    /// A plain solid line in `color` without band, marker or steps.
    pub fn line(label: impl Into<String>, color: Rgb, x: Vec<f64>, y: Vec<f64>) -> Series {
        Series {
            label: label.into(),
            color,
            x,
            y,
            band: None,
            steps: false,
            dash: Dash::Solid,
            marker: None,
            context: false,
        }
    }

    /// The series drawn in `style` (colour, dash, marker).
    pub fn styled(self, style: Style) -> Series {
        Series {
            color: style.color,
            dash: style.dash,
            marker: style.marker,
            ..self
        }
    }
}

/// Where a line chart puts its legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// 760 × 460 with the legend right of the plot (desktop).
    #[default]
    Wide,
    /// 420 pixels wide with the legend below the plot (phones).
    Narrow,
}

/// Width of a narrow chart.
pub const NARROW_WIDTH: u32 = 420;
/// Height of a narrow chart's plot area, title and axes (its legend adds rows below).
const NARROW_PLOT_HEIGHT: f64 = 330.0;

/// A chart of lines: convergence curves, learning-rate sensitivity, effective learning rate,
/// performance profiles, runtime ECDFs.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// Logarithmic X axis (values ≤ 0 skipped).
    pub log_x: bool,
    /// Logarithmic Y axis (values ≤ 0 skipped).
    pub log_y: bool,
    /// Fixed Y range, else fitted to the data.
    pub y_range: Option<(f64, f64)>,
    /// The lines.
    pub series: Vec<Series>,
}

/// Opacity of bands.
const BAND_ALPHA: f64 = 0.2;

/// A series reduced to what is drawn: downsampled axis-space runs, split where points were
/// skipped (non-finite, or ≤ 0 on a log axis).
struct Prepared<'a> {
    /// The input series.
    series: &'a Series,
    /// Runs of line points `(u, v)`.
    line: Vec<Vec<(f64, f64)>>,
    /// Runs of band points `(u, (lower, upper))`; `lower` is −∞ where the data's lower bound
    /// is ≤ 0 on a log axis (it is clamped to the plot before drawing).
    band: Vec<Vec<(f64, (f64, f64))>>,
}

impl Prepared<'_> {
    /// Whether anything of the series can be drawn.
    fn is_empty(&self) -> bool {
        self.line.is_empty() && self.band.is_empty()
    }

    /// All axis-space x values.
    fn us(&self) -> impl Iterator<Item = f64> + '_ {
        let line = self.line.iter().flatten().map(|p| p.0);
        line.chain(self.band.iter().flatten().map(|p| p.0))
    }

    /// All finite axis-space y values (line and band).
    fn vs(&self) -> impl Iterator<Item = f64> + '_ {
        let line = self.line.iter().flatten().map(|p| p.1);
        let band = self.band.iter().flatten().flat_map(|p| [p.1.0, p.1.1]);
        line.chain(band).filter(|v| v.is_finite())
    }
}

/// Downsamples `points` (original index, axis-space x, payload) to at most `MAX_POINTS` and
/// splits them into runs wherever an original point between two kept ones was skipped.
fn runs<T: Copy>(points: &[(usize, f64, T)]) -> Vec<Vec<(f64, T)>> {
    let us: Vec<f64> = points.iter().map(|p| p.1).collect();
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut previous: Option<usize> = None;
    for q in downsample(&us, MAX_POINTS) {
        if let Some(p) = previous {
            let skipped = points[q].0 - points[p].0 != q - p;
            if skipped && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push((points[q].1, points[q].2));
        previous = Some(q);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Reduces one series for axes with the given log flags.
fn prepare(series: &Series, log_x: bool, log_y: bool) -> Prepared<'_> {
    let line_points: Vec<(usize, f64, f64)> = series
        .x
        .iter()
        .zip(&series.y)
        .enumerate()
        .filter_map(|(i, (&x, &y))| Some((i, Scale::axis(log_x, x)?, Scale::axis(log_y, y)?)))
        .collect();
    let band_points: Vec<(usize, f64, (f64, f64))> = match &series.band {
        None => Vec::new(),
        Some((lower, upper)) => series
            .x
            .iter()
            .zip(lower.iter().zip(upper))
            .enumerate()
            .filter_map(|(i, (&x, (&a, &b)))| {
                let u = Scale::axis(log_x, x)?;
                if !(a.is_finite() && b.is_finite()) {
                    return None;
                }
                let (a, b) = (a.min(b), a.max(b));
                let hi = Scale::axis(log_y, b)?;
                let lo = Scale::axis(log_y, a).unwrap_or(f64::NEG_INFINITY);
                Some((i, u, (lo, hi)))
            })
            .collect(),
    };
    Prepared {
        series,
        line: runs(&line_points),
        band: runs(&band_points),
    }
}

/// Turns a run into a step function that holds each value until the next x.
fn steps<T: Copy>(run: &[(f64, T)]) -> Vec<(f64, T)> {
    let mut out = Vec::with_capacity(run.len() * 2);
    for (i, &(u, value)) in run.iter().enumerate() {
        if i > 0 {
            out.push((u, run[i - 1].1));
        }
        out.push((u, value));
    }
    out
}

/// Draws a chart of lines (see [`LineChart`]) with its legend on the right and returns the
/// SVG document.
///
/// Non-finite values, and values ≤ 0 on a log axis, are skipped (the line breaks there); each
/// series is downsampled to at most [`MAX_POINTS`] points; lines are clipped to a fixed
/// `y_range`. Context series are drawn first, thin and grey. With nothing drawable the figure
/// holds the title and a note.
pub fn line_chart(chart: &LineChart) -> String {
    line_chart_in(chart, Layout::Wide)
}

/// [`line_chart`] in a layout: wide (legend right) or narrow (legend below, for phones).
pub fn line_chart_in(chart: &LineChart, layout: Layout) -> String {
    let prepared: Vec<Prepared<'_>> = chart
        .series
        .iter()
        .map(|s| prepare(s, chart.log_x, chart.log_y))
        .collect();
    let entries = legend_entries(&prepared);
    let (width, height) = match layout {
        Layout::Wide => (f64::from(WIDTH), f64::from(HEIGHT)),
        Layout::Narrow => (
            f64::from(NARROW_WIDTH),
            NARROW_PLOT_HEIGHT + below_height(&entries),
        ),
    };
    // Both are small whole numbers of pixels.
    let (w, h) = (width as u32, height.ceil() as u32);
    let no_data = || note_svg(w, h, &chart.title, NO_FINITE_DATA);
    let Some(x) = Scale::fit(chart.log_x, prepared.iter().flat_map(Prepared::us), 0.02) else {
        return no_data();
    };
    let fixed = chart.y_range.and_then(|(a, b)| {
        let (a, b) = (Scale::axis(chart.log_y, a)?, Scale::axis(chart.log_y, b)?);
        Some(Scale::between(chart.log_y, a, b, 0.0))
    });
    let fitted = || Scale::fit(chart.log_y, prepared.iter().flat_map(Prepared::vs), 0.04);
    let Some(y) = fixed.or_else(fitted) else {
        return no_data();
    };
    render(w, h, &chart.title, |root| {
        draw(
            root,
            chart,
            &prepared,
            &entries,
            (x, y),
            (layout, width, height),
        )
    })
}

/// The legend rows: each emphasised series with data or a label, then one row counting the
/// context series.
fn legend_entries(prepared: &[Prepared<'_>]) -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = prepared
        .iter()
        .filter(|p| !p.series.context && !p.series.label.trim().is_empty())
        .map(|p| LegendEntry {
            label: if p.is_empty() {
                format!("{} (no data)", p.series.label.trim())
            } else {
                p.series.label.trim().to_string()
            },
            swatch: Swatch::Line {
                color: p.series.color,
                dash: p.series.dash,
                marker: p.series.marker,
                band: p.series.band.is_some(),
            },
        })
        .collect();
    let context = prepared.iter().filter(|p| p.series.context).count();
    if context > 0 {
        entries.push(LegendEntry {
            label: format!(
                "{context} other{} (grey)",
                if context == 1 { "" } else { "s" }
            ),
            swatch: Swatch::Thin(CONTEXT),
        });
    }
    entries
}

/// Height of a legend below the plot: its rows, in as many columns as fit a narrow chart.
fn below_height(entries: &[LegendEntry]) -> f64 {
    let (columns, _) = below_columns(entries);
    let rows = entries.len().div_ceil(columns);
    rows as f64 * LEGEND_ROW + 12.0
}

/// Columns of a legend below the plot of a narrow chart, and the widest text of a column:
/// two when every label fits half the width, else one as wide as the chart.
fn below_columns(entries: &[LegendEntry]) -> (usize, f64) {
    let room = f64::from(NARROW_WIDTH) - 20.0;
    let half = room / 2.0 - 44.0;
    if legend_width(entries, f64::INFINITY) <= room / 2.0 {
        (2, half)
    } else {
        (1, room - 44.0)
    }
}

/// Draws the whole chart on `root`.
fn draw(
    root: &Area<'_>,
    chart: &LineChart,
    prepared: &[Prepared<'_>],
    entries: &[LegendEntry],
    (x, y): (Scale, Scale),
    (layout, width, height): (Layout, f64, f64),
) -> DrawResult {
    draw_title(root, &chart.title, width)?;
    let has_y_label = !chart.y_label.trim().is_empty();
    let (frame, mut xt, yt) = match layout {
        Layout::Wide => Frame::beside_legend(
            x,
            y,
            (width, height),
            legend_width(entries, LEGEND_TEXT_MAX),
            50.0,
            has_y_label,
        ),
        Layout::Narrow => {
            Frame::beside_legend(x, y, (width, NARROW_PLOT_HEIGHT), 0.0, 50.0, has_y_label)
        }
    };
    // Counts (epochs, history entries) get whole-number ticks only.
    if !chart.log_x
        && prepared
            .iter()
            .flat_map(Prepared::us)
            .all(|u| u.fract() == 0.0)
    {
        xt.retain(|(u, _)| (u - u.round()).abs() < 1e-9);
        for (u, label) in &mut xt {
            *label = format!("{}", u.round() as i64);
        }
    }
    let Frame {
        left,
        top,
        right,
        bottom,
        ..
    } = frame;
    draw_axes(root, &frame, &xt, &yt, &chart.x_label, &chart.y_label)?;
    let (context, emphasised): (Vec<&Prepared<'_>>, Vec<&Prepared<'_>>) =
        prepared.iter().partition(|p| p.series.context);
    for p in &context {
        draw_line(root, &frame, p, 0)?;
    }
    for p in &emphasised {
        draw_bands(root, &frame, p)?;
    }
    for (i, p) in emphasised.iter().enumerate() {
        draw_line(root, &frame, p, i)?;
    }
    if prepared.iter().all(Prepared::is_empty) {
        draw_note(
            root,
            NO_FINITE_DATA,
            (left + right) / 2.0,
            (top + bottom) / 2.0,
        )?;
    }
    match layout {
        Layout::Wide => draw_legend(
            root,
            entries,
            (right + 18.0, LEGEND_TEXT_MAX),
            top,
            height - 8.0,
        ),
        Layout::Narrow => {
            let (columns, text) = below_columns(entries);
            let rows = entries.len().div_ceil(columns).max(1);
            let column_width = (width - 20.0) / columns as f64;
            for (c, chunk) in entries.chunks(rows).enumerate() {
                draw_legend(
                    root,
                    chunk,
                    (10.0 + c as f64 * column_width, text),
                    NARROW_PLOT_HEIGHT,
                    height,
                )?;
            }
            Ok(())
        }
    }
}

/// Draws the band of a series as translucent polygons, clamped to the plot's y range.
fn draw_bands(root: &Area<'_>, frame: &Frame, p: &Prepared<'_>) -> DrawResult {
    if p.series.context {
        return Ok(());
    }
    let clamp = |v: f64| v.clamp(frame.y.lo, frame.y.hi);
    for run in &p.band {
        let run = if p.series.steps {
            steps(run)
        } else {
            run.clone()
        };
        let upper = run.iter().map(|&(u, (_, hi))| (u, clamp(hi)));
        let lower = run.iter().rev().map(|&(u, (lo, _))| (u, clamp(lo)));
        let outline: Vec<(f64, f64)> = upper.chain(lower).collect();
        let polygon = frame.path(&outline);
        if polygon.len() >= 3 {
            root.draw(&Polygon::new(
                polygon,
                fill(p.series.color.alpha(BAND_ALPHA)),
            ))?;
        }
    }
    Ok(())
}

/// How many markers a line carries (spread along its x range).
const MARKERS_PER_LINE: usize = 4;

/// Draws the line of a series, clipped to the plot; isolated points become dots. A context
/// series is thin and grey; an emphasised one carries its marker at a few points, shifted by
/// its position `i` among the drawn series so that markers of nearby lines do not stack.
fn draw_line(root: &Area<'_>, frame: &Frame, p: &Prepared<'_>, i: usize) -> DrawResult {
    let (color, width, dash) = if p.series.context {
        (CONTEXT, 1, Dash::Solid)
    } else {
        (p.series.color, 2, p.series.dash)
    };
    let style = line_stroke(color, width, dash);
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    for run in &p.line {
        let run = if p.series.steps {
            steps(run)
        } else {
            run.clone()
        };
        for piece in frame.clipped(&run) {
            if let [point] = piece.as_slice() {
                root.draw(&Circle::new(*point, 3, fill(color.alpha(1.0))))?;
            } else {
                root.draw(&PathElement::new(piece.clone(), style))?;
            }
            pieces.push(
                piece
                    .iter()
                    .map(|&(x, y)| (f64::from(x), f64::from(y)))
                    .collect(),
            );
        }
    }
    let Some(marker) = p.series.marker.filter(|_| !p.series.context) else {
        return Ok(());
    };
    let xs = pieces.iter().flatten().map(|p| p.0);
    let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return Ok(());
    }
    let shift = (i as f64 * 0.618_034).fract();
    for k in 0..MARKERS_PER_LINE {
        let at = lo + (hi - lo) * (k as f64 + 0.15 + 0.7 * shift) / MARKERS_PER_LINE as f64;
        if let Some(point) = point_at(&pieces, at) {
            draw_marker(root, marker, point, color)?;
        }
    }
    Ok(())
}

/// The point of a drawn line (pixel polylines) at pixel x `at`, interpolated on the first
/// segment that spans it.
fn point_at(pieces: &[Vec<(f64, f64)>], at: f64) -> Option<(f64, f64)> {
    pieces.iter().find_map(|piece| {
        piece.windows(2).find_map(|w| {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            if x0.min(x1) <= at && at <= x0.max(x1) {
                let t = if x1 == x0 { 0.0 } else { (at - x0) / (x1 - x0) };
                Some((at, y0 + t * (y1 - y0)))
            } else {
                None
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MAX_BYTES, NAMES, NASTY, check_svg, label, maybe_write};
    use super::*;
    use crate::report::figures::color_for;

    /// 16 noisy decreasing curves of 400 points over 1..1e4 steps, with bands.
    fn realistic(log_x: bool, log_y: bool) -> LineChart {
        let series = NAMES
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let n = 400;
                let x: Vec<f64> = (0..n).map(|i| 1.0 + 25.0 * i as f64).collect();
                let y: Vec<f64> = x
                    .iter()
                    .enumerate()
                    .map(|(i, &t)| {
                        let wobble = 1.0 + 0.3 * (i as f64 * 0.7 + k as f64).sin();
                        (1.0 + k as f64) / t.sqrt() * wobble
                    })
                    .collect();
                let lower = y.iter().map(|v| v * 0.7).collect();
                let upper = y.iter().map(|v| v * 1.4).collect();
                Series {
                    label: label(name, k == 3),
                    color: color_for(name),
                    x,
                    y,
                    band: Some((lower, upper)),
                    steps: k % 5 == 4,
                    dash: if k % 4 == 3 {
                        Dash::Dashed
                    } else {
                        Dash::Solid
                    },
                    marker: (k % 3 == 0).then_some(Marker::Square),
                    context: k > 10,
                }
            })
            .collect();
        LineChart {
            title: format!("Convergence {NASTY}"),
            x_label: "step".into(),
            y_label: "loss".into(),
            log_x,
            log_y,
            y_range: None,
            series,
        }
    }

    fn one(x: Vec<f64>, y: Vec<f64>) -> LineChart {
        LineChart {
            title: "Degenerate".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            log_x: false,
            log_y: false,
            y_range: None,
            series: vec![Series {
                label: "only".into(),
                color: color_for("adam"),
                x,
                y,
                band: None,
                steps: false,
                dash: Dash::Solid,
                marker: None,
                context: false,
            }],
        }
    }

    #[test]
    fn realistic_charts_are_valid_and_small() {
        for (log_x, log_y) in [(false, false), (true, true), (false, true), (true, false)] {
            let chart = realistic(log_x, log_y);
            let svg = line_chart(&chart);
            let text = check_svg(&svg);
            assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
            assert!(text.contains(&chart.title), "title missing");
            assert!(text.contains("momentum"));
            assert!(text.contains(&format!("adadelta {NASTY}")));
            assert!(svg.contains("stroke-dasharray"));
            assert!(text.contains("loss") && text.contains("step"));
            if log_x && log_y {
                maybe_write("line_loglog", &svg);
                eprintln!("line chart 16×400 with bands, log-log: {} bytes", svg.len());
            } else if !log_x && !log_y {
                maybe_write("line_linear", &svg);
                eprintln!("line chart 16×400 with bands, linear: {} bytes", svg.len());
            }
        }
    }

    #[test]
    fn context_series_are_grey_thin_and_counted_in_one_legend_row() {
        let mut chart = realistic(true, true);
        for (k, series) in chart.series.iter_mut().enumerate() {
            series.context = k >= 4;
            series.marker = Some(Marker::Triangle);
        }
        let svg = line_chart(&chart);
        let text = check_svg(&svg);
        let context = chart.series.len() - 4;
        assert!(text.contains(&format!("{context} others (grey)")), "{text}");
        // Context series are not named; emphasised ones are.
        assert!(text.contains(chart.series[0].label.trim()));
        assert!(!text.contains(chart.series[5].label.trim()));
        // Grey lines are drawn 1 px wide; no band is drawn in grey.
        let grey = CONTEXT.hex().to_uppercase();
        assert!(svg.contains(&format!("stroke=\"{grey}\" stroke-width=\"1\"")));
        assert!(!svg.contains(&format!("fill=\"{grey}\" fill-opacity=\"0.2\"")));
        // Emphasised lines carry markers: 4 along each line plus one in each legend sample.
        let polygons = svg.matches("<polygon").count();
        assert!(polygons >= 4 * 5, "{polygons} polygons");
    }

    #[test]
    fn narrow_layout_puts_the_legend_below_without_cutting_labels() {
        let mut chart = realistic(false, true);
        chart.series.truncate(5);
        chart.series[2].label = "momentum = sgd:momentum=0.9".into();
        let svg = line_chart_in(&chart, Layout::Narrow);
        let text = check_svg(&svg);
        assert!(svg.contains(&format!("width=\"{NARROW_WIDTH}\"")));
        assert!(text.contains("momentum = sgd:momentum=0.9"), "{text}");
        assert!(!text.contains('…'), "{text}");
        // The legend rows lie below the plot area.
        let height: f64 = svg
            .split("height=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|h| h.parse().ok())
            .unwrap();
        assert!(height >= NARROW_PLOT_HEIGHT + 5.0 * LEGEND_ROW, "{height}");
        // Wide and narrow draw the same series: the same labels appear.
        let wide = check_svg(&line_chart(&chart));
        for s in &chart.series {
            let label = s.label.trim();
            assert_eq!(wide.contains(label), text.contains(label), "{label}");
        }
    }

    #[test]
    fn noisy_step_series_with_bands_stay_small() {
        for (log_x, log_y) in [(false, false), (true, true)] {
            let mut chart = realistic(log_x, log_y);
            for (k, series) in chart.series.iter_mut().enumerate() {
                series.steps = true;
                series.dash = if k % 2 == 0 {
                    Dash::Dotted
                } else {
                    Dash::Solid
                };
                // Deterministic jitter of up to ±40%, different in every series.
                let jitter =
                    |i: usize| 1.0 + 0.4 * (((i * 7919 + k * 104_729) % 17) as f64 / 8.0 - 1.0);
                series.y = series
                    .y
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v * jitter(i))
                    .collect();
                let lower = series
                    .y
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v * 0.5 * jitter(i + 3))
                    .collect();
                let upper = series
                    .y
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v * 1.5 * jitter(i + 5))
                    .collect();
                series.band = Some((lower, upper));
            }
            let svg = line_chart(&chart);
            check_svg(&svg);
            assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
            eprintln!(
                "line chart 16×400 noisy steps with bands (log {log_x}): {} bytes",
                svg.len()
            );
        }
    }

    #[test]
    fn long_series_are_downsampled() {
        let x: Vec<f64> = (1..=100_000).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|t| 1.0 / t).collect();
        let mut chart = one(x, y);
        chart.log_x = true;
        chart.log_y = true;
        let svg = line_chart(&chart);
        check_svg(&svg);
        let points: usize = svg
            .lines()
            .filter(|l| l.starts_with("<polyline"))
            .map(|l| l.matches(',').count())
            .sum();
        assert!(points <= MAX_POINTS + 10, "{points} points");
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let cases = vec![
            one(vec![], vec![]),
            one(vec![1.0], vec![2.0]),
            one(vec![f64::NAN, f64::INFINITY], vec![1.0, 2.0]),
            one(vec![1.0, 2.0, 3.0], vec![f64::NAN; 3]),
            one(vec![1.0, 1.0, 1.0], vec![5.0, 5.0, 5.0]),
            one(vec![0.0, 1.0, 2.0], vec![1.0, f64::NEG_INFINITY, 3.0]),
            one(vec![1.0, 2.0], vec![1e308, -1e308]),
            one(vec![1.0, 2.0, 3.0], vec![1.0]),
        ];
        for chart in cases {
            let svg = line_chart(&chart);
            let text = check_svg(&svg);
            assert!(text.contains("Degenerate"));
        }
        let empty = LineChart {
            series: vec![],
            ..one(vec![], vec![])
        };
        let text = check_svg(&line_chart(&empty));
        assert!(text.contains(NO_FINITE_DATA));
    }

    #[test]
    fn log_axes_skip_non_positive_values() {
        let mut chart = one(
            vec![-1.0, 0.0, 1.0, 10.0, 100.0],
            vec![1.0, 0.0, -3.0, 0.1, 0.01],
        );
        chart.log_x = true;
        chart.log_y = true;
        let text = check_svg(&line_chart(&chart));
        assert!(text.contains("Degenerate"));
        chart.y_range = Some((-1.0, 1.0));
        check_svg(&line_chart(&chart));
        let mut all_negative = one(vec![1.0, 2.0], vec![-1.0, -2.0]);
        all_negative.log_y = true;
        let text = check_svg(&line_chart(&all_negative));
        assert!(text.contains(NO_FINITE_DATA));
    }

    #[test]
    fn fixed_range_clips_and_zero_width_range_is_padded() {
        let x: Vec<f64> = (0..50).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|t| (t * 0.3).sin() * 10.0).collect();
        let mut chart = one(x, y);
        chart.y_range = Some((-1.0, 1.0));
        let svg = line_chart(&chart);
        check_svg(&svg);
        // Every polyline point lies inside the frame (no line drawn over the labels).
        let frame_line = svg
            .lines()
            .find(|l| l.starts_with("<rect") && l.contains("fill=\"none\""))
            .expect("the frame");
        let attr = |name: &str| -> i32 {
            let start =
                frame_line.find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
            let rest = &frame_line[start..];
            rest[..rest.find('"').expect("quote")]
                .parse()
                .expect("number")
        };
        let (top, height) = (attr("y"), attr("height"));
        for line in svg
            .lines()
            .filter(|l| l.starts_with("<polyline") && l.contains("#D55E00"))
        {
            let points = line.split("points=\"").nth(1).expect("points");
            for pair in points.split_whitespace().filter(|p| p.contains(',')) {
                let y: i32 = pair
                    .split(',')
                    .nth(1)
                    .and_then(|v| v.trim_end_matches("/>").trim_end_matches('"').parse().ok())
                    .expect("y");
                assert!(
                    y >= top && y <= top + height,
                    "{y} outside {top}..{}",
                    top + height
                );
            }
        }
        chart.y_range = Some((2.0, 2.0));
        check_svg(&line_chart(&chart));
        chart.y_range = Some((f64::NAN, 2.0));
        check_svg(&line_chart(&chart));
    }

    #[test]
    fn bands_with_gaps_and_mismatched_lengths() {
        let mut chart = one(vec![1.0, 2.0, 3.0, 4.0], vec![1.0, 2.0, f64::NAN, 4.0]);
        chart.series[0].band = Some((vec![0.5, 1.0, 2.0, f64::NAN], vec![1.5, 2.5, 3.0, 5.0, 6.0]));
        chart.series[0].steps = true;
        let svg = line_chart(&chart);
        check_svg(&svg);
        assert!(svg.contains("<polygon"));
        chart.log_y = true;
        chart.series[0].band = Some((vec![-1.0, 0.0, 1.0, 2.0], vec![2.0, 3.0, 4.0, 5.0]));
        let svg = line_chart(&chart);
        check_svg(&svg);
        assert!(svg.contains("<polygon"));
    }

    // Snapshot test (insta): any change to the SVG this figure draws fails it, so every visible
    // change is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::figures`, then review the diff of
    // `src/report/figures/snapshots/` and commit it with the change.
    /// A small fixed chart: a line with a band, a dashed line, and a step function with a gap.
    #[test]
    fn small_chart_svg_matches_its_snapshot() {
        let x: Vec<f64> = (1..=8).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|t| 1.0 / t).collect();
        let chart = LineChart {
            title: "Convergence <small> & \"fixed\"".into(),
            x_label: "epoch".into(),
            y_label: "objective".into(),
            log_x: false,
            log_y: true,
            y_range: None,
            series: vec![
                Series {
                    label: "banded".into(),
                    color: Rgb(0x00, 0x72, 0xb2),
                    x: x.clone(),
                    y: y.clone(),
                    band: Some((
                        y.iter().map(|v| v * 0.8).collect(),
                        y.iter().map(|v| v * 1.25).collect(),
                    )),
                    steps: false,
                    dash: Dash::Solid,
                    marker: None,
                    context: false,
                },
                Series {
                    label: "dashed".into(),
                    color: Rgb(0xd5, 0x5e, 0x00),
                    x: x.clone(),
                    y: y.iter().map(|v| v * 2.0).collect(),
                    band: None,
                    steps: false,
                    dash: Dash::Dashed,
                    marker: Some(Marker::Circle),
                    context: false,
                },
                Series {
                    label: "steps with a gap".into(),
                    color: Rgb(0x00, 0x9e, 0x73),
                    x,
                    y: vec![0.9, 0.7, f64::NAN, 0.4, 0.3, 0.3, 0.2, 0.15],
                    band: None,
                    steps: true,
                    dash: Dash::Solid,
                    marker: None,
                    context: false,
                },
            ],
        };
        let svg = line_chart(&chart);
        check_svg(&svg);
        insta::assert_snapshot!("line_chart", svg);
    }
}
