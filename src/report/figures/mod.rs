//! Figures: pure functions from plain data to SVG text (plotters' SVG backend, no fonts
//! embedded: text is `<text font-family="sans-serif">`, drawn by the browser).
//!
//! Every function takes its input struct, skips non-finite values (they never reach the SVG),
//! downsamples long series, and returns the SVG document as a `String`. One file per figure
//! kind; the report decides which data goes into which figure.
//!
//! May use: nothing else of the crate (figures know nothing of records or the analysis).

mod bar;
mod contour;
mod heatmap;
mod interval;
mod line;
mod palette;

pub use bar::bar_chart;
pub use contour::contour_chart;
pub use heatmap::{BAD_COLOUR, GOOD_COLOUR, heatmap};
pub use interval::interval_chart;
pub use line::line_chart;
/// Neutral grey for cells or items without data.
pub use palette::NO_DATA;
pub use palette::{Rgb, color_for};

/// Width and height of every figure in pixels.
pub const WIDTH: u32 = 760;
/// Height of every figure in pixels (heatmaps grow with their rows).
pub const HEIGHT: u32 = 460;
/// Most points drawn per series.
pub const MAX_POINTS: usize = 400;

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
    /// Dashed line.
    pub dashed: bool,
}

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

/// A matrix of coloured cells with a number in each: optimizer × schedule, optimizer × batch
/// mode, pairwise win rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Title above the plot.
    pub title: String,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Column labels, left to right.
    pub columns: Vec<String>,
    /// `values[r][c]`; `None` draws an empty (grey) cell.
    pub values: Vec<Vec<Option<f64>>>,
    /// Text printed in each cell (same shape as `values`; empty string for none).
    pub text: Vec<Vec<String>>,
    /// Whether low values are good (drawn in the "good" colour).
    pub lower_is_better: bool,
    /// What the colour means, printed under the plot.
    pub legend: String,
}

/// One estimate with an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Row label.
    pub label: String,
    /// Colour of the marker.
    pub color: Rgb,
    /// The estimate.
    pub estimate: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// Horizontal intervals, one row per item, sorted as given (ranks with bootstrap intervals).
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalChart {
    /// Title above the plot.
    pub title: String,
    /// Label of the value axis.
    pub x_label: String,
    /// The rows, top to bottom.
    pub items: Vec<Interval>,
}

/// One bar, with an optional reference mark (a bound) drawn across it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Label under the bar.
    pub label: String,
    /// Bar colour.
    pub color: Rgb,
    /// Bar height.
    pub value: f64,
    /// A reference value drawn as a horizontal tick on the bar (for example a bound).
    pub reference: Option<f64>,
}

/// Vertical bars (step cost per parameter against the memory-bandwidth bound).
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Title above the plot.
    pub title: String,
    /// Y axis label.
    pub y_label: String,
    /// Logarithmic Y axis.
    pub log_y: bool,
    /// What the reference ticks mean (legend text).
    pub reference_label: String,
    /// The bars, left to right.
    pub bars: Vec<Bar>,
}

/// A path drawn over a contour plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Legend text.
    pub label: String,
    /// Line colour.
    pub color: Rgb,
    /// Points in order (x, y).
    pub points: Vec<(f64, f64)>,
}

/// Isolines of a 2-D function with trajectories over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    /// Title above the plot.
    pub title: String,
    /// X range drawn.
    pub x_range: (f64, f64),
    /// Y range drawn.
    pub y_range: (f64, f64),
    /// Function values on a regular grid: `z[j][i]` at x = x0 + i·dx, y = y0 + j·dy, covering
    /// the ranges (at least 2×2).
    pub z: Vec<Vec<f64>>,
    /// The levels to draw as isolines (increasing).
    pub levels: Vec<f64>,
    /// Trajectories.
    pub paths: Vec<Path>,
    /// Known minima, drawn as crosses.
    pub minima: Vec<(f64, f64)>,
}

// ---------------------------------------------------------------------------------------------
// Shared drawing helpers for the figure files: text, layout, scales and axes, clipping,
// downsampling, legends, and the SVG document itself. All pixel geometry is computed here
// (plotters is used as the SVG writer), so every figure controls its own layout and clipping.

use plotters::coord::Shift;
use plotters::prelude::{
    Circle, Color, Cross, DrawingArea, DrawingAreaErrorKind, FontDesc, FontFamily, FontStyle,
    FontTransform, IntoDrawingArea, PathElement, RGBAColor, RGBColor, Rectangle, SVGBackend,
    ShapeStyle, TextStyle,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A drawing area in pixels on the SVG backend.
type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// What plotters' drawing calls return.
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// Plotters writes `font-size` as the requested size ÷ 1.24, so requested = rendered × 1.24.
const FONT_SCALE: f64 = 1.24;
/// Rendered size of titles, in pixels.
const TITLE_PX: f64 = 16.0;
/// Rendered size of axis labels.
const AXIS_PX: f64 = 14.0;
/// Rendered size of tick labels.
const TICK_PX: f64 = 12.0;
/// Rendered size of legend text and row labels.
const LEGEND_PX: f64 = 13.0;
/// Estimated average advance of a sans-serif glyph, in em (a little generous).
const GLYPH_EM: f64 = 0.6;
/// Height of the band at the top that holds the title.
const TITLE_BAND: f64 = 34.0;
/// Labels longer than this many characters are truncated with "…".
const LABEL_CHARS: usize = 28;
/// Values beyond this magnitude are clamped so range arithmetic stays finite.
const HUGE: f64 = 1e300;
/// The opacity that marks a line to be dashed: `finish` turns it into a `stroke-dasharray`
/// (plotters' SVG backend has no dashes; drawing each dash as its own element is far larger).
const DASH_MARK: f64 = 0.999_001;
/// Text colour.
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Colour of notes and secondary text.
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
/// Colour of grid lines.
const GRID: RGBColor = RGBColor(0xe6, 0xe6, 0xe6);
/// Colour of the plot frame and tick marks.
const FRAME: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Height of one legend row.
const LEGEND_ROW: f64 = 19.0;
/// Widest legend text before it is truncated.
const LEGEND_TEXT_MAX: f64 = 190.0;
/// Largest distance, in pixels, between a drawn line and its simplified polyline.
const TOLERANCE_PX: f64 = 0.5;

/// A text style with a rendered size of `px` pixels.
fn text_style(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::SansSerif, px * FONT_SCALE, FontStyle::Normal),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// The same style rotated a quarter turn counter-clockwise (reads bottom to top).
fn rotated(style: TextStyle<'static>) -> TextStyle<'static> {
    style.transform(FontTransform::Rotate270)
}

/// Estimated width of `text` at `px` pixels.
fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * GLYPH_EM
}

/// `text` cut to at most `max_chars` characters, ending in "…" when cut.
fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` truncated until it fits `max_width` pixels at `px` (for titles and axis labels).
fn fit_text(text: &str, px: f64, max_width: f64) -> String {
    let per_char = (px * GLYPH_EM).max(1.0);
    let fits = (max_width / per_char).floor().max(1.0) as usize;
    truncate(text.trim(), fits)
}

/// A label (legend entry, row or column name) truncated to `LABEL_CHARS` and further until it
/// fits `max_width` pixels at `px`.
fn fit_label(text: &str, px: f64, max_width: f64) -> String {
    truncate(&fit_text(text, px, max_width), LABEL_CHARS)
}

/// Rounds a pixel coordinate to the backend's integer grid (saturating far outside).
fn to_px(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(-1e6, 1e6) as i32
    } else {
        0
    }
}

/// Pixel points rounded to integers, with consecutive duplicates removed.
fn pixel_path(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for (x, y) in points {
        let p = (to_px(x), to_px(y));
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// An outline style.
fn stroke(color: RGBAColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color,
        filled: false,
        stroke_width: width,
    }
}

/// A fill style.
fn fill(color: RGBAColor) -> ShapeStyle {
    ShapeStyle {
        color,
        filled: true,
        stroke_width: 0,
    }
}

/// The stroke of a line in `color`, dashed or solid.
fn line_stroke(color: Rgb, width: u32, dashed: bool) -> ShapeStyle {
    stroke(color.alpha(if dashed { DASH_MARK } else { 1.0 }), width)
}

/// `text` with the five XML special characters escaped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A figure with only its title and a centred note (for inputs with nothing to draw, or if
/// drawing fails). Written by hand, so it cannot fail.
fn note_svg(width: u32, height: u32, title: &str, note: &str) -> String {
    let (w, h) = (width.max(1), height.max(1));
    let title = xml_escape(&fit_text(title, TITLE_PX, f64::from(w) - 20.0));
    let note = xml_escape(note);
    let cx = w / 2;
    let cy = h / 2;
    format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\" stroke=\"none\"/>\n\
         <text x=\"{cx}\" y=\"24\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"{TITLE_PX}\" font-weight=\"bold\" fill=\"#222222\">{title}</text>\n\
         <text x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"{AXIS_PX}\" fill=\"#666666\">{note}</text>\n</svg>\n"
    )
}

/// Note shown when a figure has no finite value to draw.
const NO_FINITE_DATA: &str = "no finite data";

/// Runs `draw` on a white `width` × `height` SVG and returns the document; if any drawing call
/// fails, returns a note figure instead.
fn render(
    width: u32,
    height: u32,
    title: &str,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&RGBColor(0xff, 0xff, 0xff))
            .and_then(|()| draw(&root))
            .and_then(|()| root.present())
    };
    match drawn {
        Ok(()) => finish(&svg),
        Err(_) => note_svg(width, height, title, "the figure could not be drawn"),
    }
}

/// Final touches on plotters' output: dashed lines get a `stroke-dasharray`, and font sizes
/// (written as requested size ÷ 1.24, so "13.000000000000002") are rounded to 0.01. Text
/// content is escaped by plotters (`"` becomes `&quot;`), so labels cannot match either pattern.
fn finish(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let svg = svg.replace(
        &format!("opacity=\"{DASH_MARK}\""),
        "opacity=\"1\" stroke-dasharray=\"7 4\"",
    );
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg.as_str();
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let value = &tail[..end];
        match value.parse::<f64>() {
            Ok(size) if size.is_finite() => out.push_str(&trim_zeros(&format!("{size:.2}"))),
            _ => out.push_str(value),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Draws the title centred at the top of a figure `width` pixels wide.
fn draw_title(root: &Area<'_>, title: &str, width: f64) -> DrawResult {
    let text = fit_text(title, TITLE_PX * 1.06, width - 20.0);
    let style = text_style(TITLE_PX, INK, HPos::Center, VPos::Top);
    let style = TextStyle {
        font: style.font.style(FontStyle::Bold),
        ..style
    };
    root.draw_text(&text, &style, (to_px(width / 2.0), 9))
}

/// Draws a centred note (for example "no finite data") at `(x, y)`.
fn draw_note(root: &Area<'_>, note: &str, x: f64, y: f64) -> DrawResult {
    let style = text_style(AXIS_PX, MUTED, HPos::Center, VPos::Center);
    root.draw_text(note, &style, (to_px(x), to_px(y)))
}

/// A straight line between two pixel points.
fn draw_line(root: &Area<'_>, a: (f64, f64), b: (f64, f64), style: ShapeStyle) -> DrawResult {
    root.draw(&PathElement::new(pixel_path([a, b]), style))
}

// ---------------------------------------------------------------------------------------------
// Number formatting.

/// `v` with about three significant digits ("0.0123", "45.6", "1.2e-5", "3e6").
fn fmt_sig(v: f64) -> String {
    if !v.is_finite() {
        return String::from("–");
    }
    if v == 0.0 {
        return String::from("0");
    }
    let mag = v.abs();
    if (1e-3..1e5).contains(&mag) {
        let decimals = (2 - mag.log10().floor() as i32).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    } else {
        sci(v, 2)
    }
}

/// `v` in scientific notation with `digits` mantissa decimals, trailing zeros dropped ("1.5e-7").
fn sci(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
        None => s,
    }
}

/// Drops trailing zeros after a decimal point, and the point if nothing follows it.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Scales, ticks and axes.

/// One axis: linear or base-10 logarithmic, with its range in axis space (log10 of the value
/// on a log axis).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    /// Logarithmic axis.
    log: bool,
    /// Low end, in axis space.
    lo: f64,
    /// High end, in axis space (greater than `lo`).
    hi: f64,
}

impl Scale {
    /// The axis-space position of data value `v`: `None` when not finite, or ≤ 0 on a log axis.
    fn axis(log: bool, v: f64) -> Option<f64> {
        if !v.is_finite() {
            None
        } else if log {
            (v > 0.0).then(|| v.log10())
        } else {
            Some(v.clamp(-HUGE, HUGE))
        }
    }

    /// The scale spanning the finite axis-space `values`, padded by `pad` × span on each side
    /// (a zero span is widened); `None` when there is no finite value.
    fn fit(log: bool, values: impl IntoIterator<Item = f64>, pad: f64) -> Option<Scale> {
        let (lo, hi) = values.into_iter().filter(|v| v.is_finite()).fold(
            None,
            |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        )?;
        Some(Scale::between(log, lo, hi, pad))
    }

    /// The scale from axis-space `a` to `b` (either order, finite), padded by `pad` × span.
    fn between(log: bool, a: f64, b: f64, pad: f64) -> Scale {
        let (lo, hi) = (a.min(b).clamp(-HUGE, HUGE), a.max(b).clamp(-HUGE, HUGE));
        let span = hi - lo;
        let (lo, hi) = if span > 0.0 && (hi + span * pad) > (lo - span * pad) {
            (lo - span * pad, hi + span * pad)
        } else {
            let d = if log {
                0.5
            } else if lo == 0.0 {
                1.0
            } else {
                lo.abs() * 0.1
            };
            (lo - d, hi + d)
        };
        if hi > lo && (hi - lo).is_finite() {
            Scale { log, lo, hi }
        } else {
            Scale {
                log,
                lo: -1.0,
                hi: 1.0,
            }
        }
    }

    /// Whether axis-space `u` lies in the range.
    fn contains(&self, u: f64) -> bool {
        u >= self.lo && u <= self.hi
    }

    /// About `target` ticks (2 to 10) as (axis-space position, label), inside the range.
    fn ticks(&self, target: usize) -> Vec<(f64, String)> {
        let target = target.clamp(2, 10);
        let ticks = if self.log {
            log_ticks(self.lo, self.hi, target)
        } else {
            linear_ticks(self.lo, self.hi, target)
        };
        thin(ticks, target + target / 2)
    }
}

/// A "nice" step (1, 2 or 5 × 10^k) near `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let factor = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    factor * mag
}

/// The multiples of a nice step in `[lo, hi]`, with their step.
fn linear_positions(lo: f64, hi: f64, target: usize) -> Option<(Vec<f64>, f64)> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return None;
    }
    let step = nice_step(span / target as f64);
    let (k0, k1) = ((lo / step).ceil(), (hi / step).floor());
    if !(k0.is_finite() && k1.is_finite()) || k1 < k0 || k1 - k0 > 100.0 {
        return None;
    }
    let count = (k1 - k0) as usize + 1;
    let positions = (0..count)
        .map(|i| (k0 + i as f64) * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    Some((positions, step))
}

/// Labels for linear ticks `positions` spaced `step` apart: plain decimals with as many
/// decimals as the step needs, or scientific notation for very large or small values.
fn linear_labels(positions: &[f64], step: f64) -> Vec<String> {
    let max_abs = positions.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let step_exp = step.log10().floor() as i32;
    let scientific = max_abs >= 1e5 || (max_abs > 0.0 && max_abs < 1e-3);
    positions
        .iter()
        .map(|&v| {
            if v == 0.0 {
                String::from("0")
            } else if scientific {
                let v_exp = v.abs().log10().floor() as i32;
                sci(v, (v_exp - step_exp).clamp(0, 15) as usize)
            } else {
                let decimals = (-step_exp).clamp(0, 15) as usize;
                format!("{v:.decimals$}")
            }
        })
        .collect()
}

/// Ticks of a linear axis.
fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    match linear_positions(lo, hi, target) {
        Some((positions, step)) => {
            let labels = linear_labels(&positions, step);
            positions.into_iter().zip(labels).collect()
        }
        None => Vec::new(),
    }
}

/// The label of `m` × 10^`e`: plain for moderate exponents ("0.02", "500"), else "2e-5".
fn log_label(m: u32, e: i32) -> String {
    match e {
        0..=4 => (u64::from(m) * 10u64.pow(e.unsigned_abs())).to_string(),
        -3..=-1 => format!("0.{}{m}", "0".repeat(e.unsigned_abs() as usize - 1)),
        _ => format!("{m}e{e}"),
    }
}

/// Ticks of a log axis spanning log10 values `lo..hi`: decades (every k-th when there are
/// many), else 1-2-5 or 1…9 mantissas within a decade, else linear ticks of the values.
fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    // lo and hi are log10 of finite doubles, so within ±330: the casts are exact.
    let (e0, e1) = (lo.ceil() as i32, hi.floor() as i32);
    let decades: Vec<i32> = (e0..=e1).collect();
    if decades.len() >= 2 {
        let stride = decades.len().div_ceil(target + target / 2).max(1) as i32;
        return decades
            .into_iter()
            .filter(|e| e.rem_euclid(stride) == 0)
            .map(|e| (f64::from(e), log_label(1, e)))
            .collect();
    }
    for mantissas in [&[1u32, 2, 5][..], &[1, 2, 3, 4, 5, 6, 7, 8, 9][..]] {
        let ticks: Vec<(f64, String)> = (e0 - 1..=e1 + 1)
            .flat_map(|e| {
                mantissas
                    .iter()
                    .map(move |&m| (f64::from(e) + f64::from(m).log10(), log_label(m, e)))
            })
            .filter(|(u, _)| *u >= lo && *u <= hi)
            .collect();
        if ticks.len() >= 2 {
            return ticks;
        }
    }
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    match linear_positions(a, b, target) {
        Some((positions, step)) => {
            let labels = linear_labels(&positions, step);
            positions
                .into_iter()
                .zip(labels)
                .filter(|(v, _)| *v > 0.0)
                .map(|(v, label)| (v.log10(), label))
                .collect()
        }
        None => Vec::new(),
    }
}

/// Every k-th tick so that at most `max_count` remain.
fn thin(ticks: Vec<(f64, String)>, max_count: usize) -> Vec<(f64, String)> {
    let max_count = max_count.max(1);
    if ticks.len() <= max_count {
        return ticks;
    }
    let k = ticks.len().div_ceil(max_count);
    ticks.into_iter().step_by(k).collect()
}

/// Ticks of a horizontal axis `length` pixels long, thinned so their labels do not collide.
fn x_ticks(scale: &Scale, length: f64) -> Vec<(f64, String)> {
    let ticks = scale.ticks((length / 90.0) as usize);
    let widest = ticks
        .iter()
        .map(|(_, label)| text_width(label, TICK_PX))
        .fold(0.0, f64::max);
    let fit = (length / (widest + 14.0)).floor().max(2.0) as usize;
    thin(ticks, fit)
}

/// Ticks of a vertical axis `length` pixels long.
fn y_ticks(scale: &Scale, length: f64) -> Vec<(f64, String)> {
    let ticks = scale.ticks((length / 55.0) as usize);
    let fit = (length / (TICK_PX * 1.8)).floor().max(2.0) as usize;
    thin(ticks, fit)
}

/// Width of the widest tick label.
fn widest_label(ticks: &[(f64, String)]) -> f64 {
    ticks
        .iter()
        .map(|(_, label)| text_width(label, TICK_PX))
        .fold(0.0, f64::max)
}

/// Tick positions with their labels.
type Ticks = Vec<(f64, String)>;

/// A plot rectangle in pixels with the scales of its two axes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    /// Horizontal axis.
    x: Scale,
    /// Vertical axis.
    y: Scale,
    /// Left edge in pixels.
    left: f64,
    /// Top edge in pixels.
    top: f64,
    /// Right edge in pixels.
    right: f64,
    /// Bottom edge in pixels.
    bottom: f64,
}

impl Frame {
    /// The plot of a `size` chart with a `legend`-wide legend on its right (0: none) and
    /// `bottom_band` pixels below it for tick and axis labels, with the ticks of both axes.
    fn beside_legend(
        x: Scale,
        y: Scale,
        (width, height): (f64, f64),
        legend: f64,
        bottom_band: f64,
        has_y_label: bool,
    ) -> (Frame, Ticks, Ticks) {
        let top = TITLE_BAND + 6.0;
        let bottom = height - bottom_band;
        let right = width - 16.0 - if legend > 0.0 { legend + 10.0 } else { 0.0 };
        let yt = y_ticks(&y, bottom - top);
        let left = left_margin(widest_label(&yt), has_y_label);
        let xt = x_ticks(&x, right - left);
        let frame = Frame {
            x,
            y,
            left,
            top,
            right,
            bottom,
        };
        (frame, xt, yt)
    }

    /// The pixel position of axis-space point `(u, v)`.
    fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let fx = (u - self.x.lo) / (self.x.hi - self.x.lo);
        let fy = (v - self.y.lo) / (self.y.hi - self.y.lo);
        (
            self.left + fx * (self.right - self.left),
            self.bottom - fy * (self.bottom - self.top),
        )
    }

    /// Whether axis-space point `(u, v)` lies inside the plot.
    fn contains(&self, (u, v): (f64, f64)) -> bool {
        self.x.contains(u) && self.y.contains(v)
    }

    /// Pixel points of an axis-space path, simplified to `TOLERANCE_PX`, rounded, duplicates
    /// removed.
    fn path(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        let pixels: Vec<(f64, f64)> = points.iter().map(|&(u, v)| self.map(u, v)).collect();
        pixel_path(simplify(&pixels, TOLERANCE_PX))
    }

    /// Clips an axis-space polyline to the plot and returns the visible pieces in pixels
    /// (simplified as in `path`).
    fn clipped(&self, points: &[(f64, f64)]) -> Vec<Vec<(i32, i32)>> {
        clip_polyline(points, (self.x.lo, self.x.hi), (self.y.lo, self.y.hi))
            .iter()
            .map(|piece| self.path(piece))
            .filter(|piece| !piece.is_empty())
            .collect()
    }
}

/// Draws grid lines, the frame, tick marks and labels, and the axis labels.
fn draw_axes(
    root: &Area<'_>,
    frame: &Frame,
    x_ticks: &[(f64, String)],
    y_ticks: &[(f64, String)],
    x_label: &str,
    y_label: &str,
) -> DrawResult {
    let grid = stroke(GRID.to_rgba(), 1);
    let edge = stroke(FRAME.to_rgba(), 1);
    let (l, t, r, b) = (frame.left, frame.top, frame.right, frame.bottom);
    for (u, _) in x_ticks {
        let (x, _) = frame.map(*u, frame.y.lo);
        draw_line(root, (x, t), (x, b), grid)?;
    }
    for (v, _) in y_ticks {
        let (_, y) = frame.map(frame.x.lo, *v);
        draw_line(root, (l, y), (r, y), grid)?;
    }
    root.draw(&Rectangle::new(
        [(to_px(l), to_px(t)), (to_px(r), to_px(b))],
        edge,
    ))?;
    let below = text_style(TICK_PX, INK, HPos::Center, VPos::Top);
    for (u, label) in x_ticks {
        let (x, _) = frame.map(*u, frame.y.lo);
        draw_line(root, (x, b), (x, b + 4.0), edge)?;
        root.draw_text(label, &below, (to_px(x), to_px(b + 7.0)))?;
    }
    let beside = text_style(TICK_PX, INK, HPos::Right, VPos::Center);
    for (v, label) in y_ticks {
        let (_, y) = frame.map(frame.x.lo, *v);
        draw_line(root, (l - 4.0, y), (l, y), edge)?;
        root.draw_text(label, &beside, (to_px(l - 7.0), to_px(y)))?;
    }
    if !x_label.trim().is_empty() {
        let text = fit_text(x_label, AXIS_PX, r - l);
        let style = text_style(AXIS_PX, INK, HPos::Center, VPos::Top);
        root.draw_text(&text, &style, (to_px((l + r) / 2.0), to_px(b + 27.0)))?;
    }
    if !y_label.trim().is_empty() {
        let text = fit_text(y_label, AXIS_PX, b - t);
        let style = rotated(text_style(AXIS_PX, INK, HPos::Center, VPos::Top));
        root.draw_text(&text, &style, (8, to_px((t + b) / 2.0)))?;
    }
    Ok(())
}

/// Pixels left of the plot needed for a rotated axis label and tick labels of `width`.
fn left_margin(tick_label_width: f64, has_axis_label: bool) -> f64 {
    let axis = if has_axis_label {
        8.0 + AXIS_PX + 8.0
    } else {
        8.0
    };
    axis + tick_label_width + 12.0
}

// ---------------------------------------------------------------------------------------------
// Geometry: clipping and downsampling.

/// Liang–Barsky: the part of segment `p0`–`p1` inside the rectangle, if any. Returns the
/// original end points exactly when they are inside.
fn clip_segment(
    p0: (f64, f64),
    p1: (f64, f64),
    (xmin, xmax): (f64, f64),
    (ymin, ymax): (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, p0.0 - xmin),
        (dx, xmax - p0.0),
        (-dy, p0.1 - ymin),
        (dy, ymax - p0.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (p0.0 + t * dx, p0.1 + t * dy);
    let a = if t0 == 0.0 { p0 } else { at(t0) };
    let b = if t1 == 1.0 { p1 } else { at(t1) };
    Some((a, b))
}

/// The pieces of a polyline inside the rectangle (a single point is kept if inside).
fn clip_polyline(points: &[(f64, f64)], xr: (f64, f64), yr: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let inside = |p: (f64, f64)| p.0 >= xr.0 && p.0 <= xr.1 && p.1 >= yr.0 && p.1 <= yr.1;
    if let [p] = points {
        return if inside(*p) {
            vec![vec![*p]]
        } else {
            Vec::new()
        };
    }
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], xr, yr) {
            Some((a, b)) => {
                let continues = a == pair[0] && !current.is_empty();
                if !continues {
                    if !current.is_empty() {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.push(a);
                }
                current.push(b);
                if b != pair[1] {
                    pieces.push(std::mem::take(&mut current));
                }
            }
            None => {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Ramer–Douglas–Peucker: the points of `line` needed to stay within `tolerance` of it
/// (in pixels: drops the points a viewer cannot see, which keeps long or smooth lines small).
fn simplify(line: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let n = line.len();
    if n < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (p, q) = (line[a], line[b]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let length = dx.hypot(dy);
        let distance = |r: (f64, f64)| {
            if length > 0.0 {
                ((r.0 - p.0) * dy - (r.1 - p.1) * dx).abs() / length
            } else {
                (r.0 - p.0).hypot(r.1 - p.1)
            }
        };
        let (far, d) = (a + 1..b)
            .map(|k| (k, distance(line[k])))
            .fold(
                (a, -1.0),
                |best, cur| if cur.1 > best.1 { cur } else { best },
            );
        if d > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    line.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// `max` positions of `0..n` spread evenly, first and last included.
fn even_positions(n: usize, max: usize) -> Vec<usize> {
    if n <= max || n == 0 {
        return (0..n).collect();
    }
    if max < 2 {
        return vec![0];
    }
    (0..max)
        .map(|k| (k * (n - 1) + (max - 1) / 2) / (max - 1))
        .collect()
}

/// Positions of at most `max` of the points with axis-space x values `us`, spread evenly
/// along x (one per x bucket), first and last kept. The same `us` always gives the same
/// positions, so a line and its band computed from the same points stay aligned.
fn downsample(us: &[f64], max: usize) -> Vec<usize> {
    let n = us.len();
    if n <= max {
        return (0..n).collect();
    }
    let (lo, hi) = us
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &u| {
            (lo.min(u), hi.max(u))
        });
    let buckets = max.saturating_sub(2).max(1);
    if hi <= lo || !(hi - lo).is_finite() {
        return even_positions(n, max);
    }
    let bucket =
        |u: f64| (((u - lo) / (hi - lo) * buckets as f64).floor() as usize).min(buckets - 1);
    let mut kept = vec![0];
    let mut last = bucket(us[0]);
    for (p, &u) in us.iter().enumerate().take(n - 1).skip(1) {
        let b = bucket(u);
        if b != last {
            kept.push(p);
            last = b;
        }
    }
    kept.push(n - 1);
    if kept.len() > max {
        kept = even_positions(kept.len(), max)
            .into_iter()
            .map(|q| kept[q])
            .collect();
    }
    kept
}

// ---------------------------------------------------------------------------------------------
// Legends.

/// The small drawing left of a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Swatch {
    /// A line, optionally dashed, optionally over a translucent band.
    Line {
        /// Colour.
        color: Rgb,
        /// Dashed line.
        dashed: bool,
        /// Translucent band behind the line.
        band: bool,
    },
    /// A line with a dot at its start (a trajectory).
    Path(Rgb),
    /// A thin line (an isoline).
    Thin(Rgb),
    /// A cross (a minimum).
    Cross(Rgb),
    /// A short thick black line with a white halo (a reference mark).
    Reference,
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
struct LegendEntry {
    /// Text.
    label: String,
    /// Drawing left of the text.
    swatch: Swatch,
}

/// Width of a legend column holding `entries` whose text is at most `max_text` pixels wide
/// (0 when empty).
fn legend_width(entries: &[LegendEntry], max_text: f64) -> f64 {
    if entries.is_empty() {
        return 0.0;
    }
    let widest = entries
        .iter()
        .map(|e| text_width(&fit_text(&e.label, LEGEND_PX, max_text), LEGEND_PX))
        .fold(0.0, f64::max);
    (widest + 44.0).ceil()
}

/// Draws one swatch whose left edge is `x`, centred vertically on `y`, 26 pixels wide.
fn draw_swatch(root: &Area<'_>, swatch: Swatch, x: f64, y: f64) -> DrawResult {
    let (a, b) = ((x, y), (x + 26.0, y));
    match swatch {
        Swatch::Line {
            color,
            dashed,
            band,
        } => {
            if band {
                root.draw(&Rectangle::new(
                    [
                        (to_px(x), to_px(y - 6.0)),
                        (to_px(x + 26.0), to_px(y + 6.0)),
                    ],
                    fill(color.alpha(0.2)),
                ))?;
            }
            draw_line(root, a, b, line_stroke(color, 2, dashed))
        }
        Swatch::Path(color) => {
            draw_line(root, a, b, line_stroke(color, 2, false))?;
            root.draw(&Circle::new(
                (to_px(x + 3.0), to_px(y)),
                3,
                fill(color.alpha(1.0)),
            ))
        }
        Swatch::Thin(color) => draw_line(root, a, b, line_stroke(color, 1, false)),
        Swatch::Cross(color) => root.draw(&Cross::new(
            (to_px(x + 13.0), to_px(y)),
            5,
            stroke(color.alpha(1.0), 2),
        )),
        Swatch::Reference => {
            draw_line(
                root,
                (x + 4.0, y),
                (x + 22.0, y),
                stroke(RGBAColor(255, 255, 255, 1.0), 5),
            )?;
            draw_line(
                root,
                (x + 4.0, y),
                (x + 22.0, y),
                stroke(RGBAColor(0, 0, 0, 1.0), 2),
            )
        }
    }
}

/// Draws `entries` as rows from `top` down to at most `bottom`, left edge `x`, text truncated
/// to `max_text` pixels; rows that do not fit are summarised as "+k more".
fn draw_legend(
    root: &Area<'_>,
    entries: &[LegendEntry],
    (x, max_text): (f64, f64),
    top: f64,
    bottom: f64,
) -> DrawResult {
    let rows = (((bottom - top) / LEGEND_ROW).floor().max(1.0)) as usize;
    let shown = if entries.len() > rows {
        rows.saturating_sub(1)
    } else {
        entries.len()
    };
    let style = text_style(LEGEND_PX, INK, HPos::Left, VPos::Center);
    for (i, entry) in entries.iter().take(shown).enumerate() {
        let y = top + (i as f64 + 0.5) * LEGEND_ROW;
        draw_swatch(root, entry.swatch, x, y)?;
        let text = fit_text(&entry.label, LEGEND_PX, max_text);
        root.draw_text(&text, &style, (to_px(x + 32.0), to_px(y)))?;
    }
    if shown < entries.len() {
        let y = top + (shown as f64 + 0.5) * LEGEND_ROW;
        let more = format!("+{} more", entries.len() - shown);
        let style = text_style(LEGEND_PX, MUTED, HPos::Left, VPos::Center);
        root.draw_text(&more, &style, (to_px(x + 32.0), to_px(y)))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Test helpers shared by the figure tests.

#[cfg(test)]
pub(crate) mod testing {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;

    /// Largest SVG accepted for realistic inputs.
    pub const MAX_BYTES: usize = 300_000;

    /// Checks an SVG document: starts with `<svg`, parses as well-formed XML (attribute values
    /// and entity references included), holds no "NaN" or "inf", and every font size is legible.
    /// Returns all text content, unescaped.
    pub fn check_svg(svg: &str) -> String {
        assert!(
            svg.starts_with("<svg"),
            "not an SVG: {}",
            &svg[..svg.len().min(80)]
        );
        assert!(!svg.contains("NaN"), "SVG contains NaN");
        assert!(!svg.contains("inf"), "SVG contains inf");
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut text = String::new();
        let mut depth = 0usize;
        let mut roots = 0usize;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(e)) => {
                    if depth == 0 {
                        roots += 1;
                    }
                    depth += 1;
                    check_attributes(&e);
                }
                Ok(Event::Empty(e)) => check_attributes(&e),
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match &*r.xml10_content() {
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "amp" => "&".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => panic!("unknown entity &{other};"),
                        },
                        Err(e) => panic!("bad character reference: {e}"),
                    };
                    text.push_str(&resolved);
                }
                Ok(_) => {}
                Err(e) => panic!("malformed XML at {}: {e}", reader.buffer_position()),
            }
        }
        assert_eq!(depth, 0, "unclosed elements");
        assert_eq!(roots, 1, "one root element");
        text
    }

    /// Every attribute parses and unescapes; font sizes are legible.
    fn check_attributes(e: &quick_xml::events::BytesStart<'_>) {
        for attribute in e.attributes() {
            let attribute = attribute.unwrap_or_else(|err| panic!("bad attribute: {err}"));
            let value = attribute
                .normalized_value(XmlVersion::Implicit1_0)
                .unwrap_or_else(|err| panic!("bad attribute value: {err}"));
            if attribute.key.as_ref() == "font-size" {
                let size: f64 = value
                    .parse()
                    .unwrap_or_else(|_| panic!("font-size {value}"));
                assert!((6.5..=17.0).contains(&size), "font-size {size}");
            }
        }
    }

    /// Writes `svg` to `$OPTBENCH_FIGURES_DIR/<name>.svg` when that variable is set (to look at
    /// the figures: `OPTBENCH_FIGURES_DIR=/tmp/figures cargo test --lib report::figures`).
    pub fn maybe_write(name: &str, svg: &str) {
        if let Some(dir) = std::env::var_os("OPTBENCH_FIGURES_DIR") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).expect("create the figures folder");
            std::fs::write(dir.join(format!("{name}.svg")), svg).expect("write a figure");
        }
    }

    /// Optimizer names and three more, for charts with many series.
    pub const NAMES: [&str; 16] = [
        "sgd", "momentum", "adagrad", "adadelta", "rmsprop", "rprop", "adam", "adamw", "nadam",
        "radam", "adamax", "lion", "ars", "extra-1", "extra-2", "extra-3",
    ];

    /// A label with XML special characters, to check escaping.
    pub const NASTY: &str = "a<b & \"c\" 'd'>";

    /// `name`, with [`NASTY`] appended when `nasty`: the one series of a test chart whose
    /// label must come out escaped.
    pub fn label(name: &str, nasty: bool) -> String {
        if nasty {
            format!("{name} {NASTY}")
        } else {
            name.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(fmt_sig(0.012345), "0.0123");
        assert_eq!(fmt_sig(45.67), "45.7");
        assert_eq!(fmt_sig(1234.0), "1234");
        assert_eq!(fmt_sig(1.5e-7), "1.5e-7");
        assert_eq!(fmt_sig(-3e6), "-3e6");
        assert_eq!(fmt_sig(0.0), "0");
        assert_eq!(fmt_sig(f64::NAN), "–");
        assert_eq!(log_label(1, -3), "0.001");
        assert_eq!(log_label(2, -1), "0.2");
        assert_eq!(log_label(5, 2), "500");
        assert_eq!(log_label(1, -7), "1e-7");
        assert_eq!(log_label(2, 9), "2e9");
    }

    #[test]
    fn linear_ticks_are_nice() {
        let ticks = linear_ticks(0.0, 1.0, 5);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let ticks = linear_ticks(0.0, 3e6, 4);
        assert!(ticks.iter().any(|(_, l)| l == "1e6"), "{ticks:?}");
        let ticks = linear_ticks(-1e-5, 1e-5, 4);
        assert!(ticks.iter().any(|(_, l)| l == "-1e-5"), "{ticks:?}");
        assert!(linear_ticks(1.0, 1.0, 4).is_empty());
        assert!(linear_ticks(f64::NAN, 1.0, 4).is_empty());
        assert!(linear_ticks(-HUGE, HUGE, 4).len() >= 2);
    }

    #[test]
    fn log_ticks_cover_small_and_large_ranges() {
        let wide = log_ticks(-12.0, 2.0, 6);
        assert!(wide.len() >= 2 && wide.len() <= 8, "{wide:?}");
        let narrow = log_ticks(0.3f64.log10(), 0.9f64.log10(), 5);
        assert!(narrow.len() >= 2, "{narrow:?}");
        assert!(narrow.iter().all(|(u, _)| u.is_finite()));
        let tiny = log_ticks(2.0f64.log10(), 2.05f64.log10(), 5);
        assert!(tiny.len() >= 2, "{tiny:?}");
    }

    #[test]
    fn scales_pad_degenerate_ranges() {
        let s = Scale::fit(false, [3.0, 3.0], 0.05).expect("a scale");
        assert!(s.lo < 3.0 && s.hi > 3.0);
        let s = Scale::fit(false, [0.0], 0.05).expect("a scale");
        assert!(s.lo < 0.0 && s.hi > 0.0);
        assert!(Scale::fit(false, [f64::NAN], 0.05).is_none());
        let s = Scale::between(false, -HUGE, HUGE, 0.05);
        assert!(s.hi > s.lo && (s.hi - s.lo).is_finite());
        assert_eq!(Scale::axis(true, -1.0), None);
        assert_eq!(Scale::axis(true, 100.0), Some(2.0));
    }

    #[test]
    fn clipping_and_downsampling() {
        let pieces = clip_polyline(
            &[(0.0, 0.0), (2.0, 2.0), (3.0, 0.0), (3.5, 0.5)],
            (0.0, 4.0),
            (0.0, 1.0),
        );
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![(0.0, 0.0), (1.0, 1.0)]);
        assert_eq!(pieces[1][0], (2.5, 1.0));
        assert_eq!(pieces[1].last(), Some(&(3.5, 0.5)));
        assert!(clip_polyline(&[(5.0, 5.0)], (0.0, 1.0), (0.0, 1.0)).is_empty());
        assert_eq!(even_positions(10, 4), vec![0, 3, 6, 9]);
        let us: Vec<f64> = (1..=100_000).map(|i| f64::from(i).log10()).collect();
        let kept = downsample(&us, MAX_POINTS);
        assert!(kept.len() <= MAX_POINTS && kept.len() > MAX_POINTS / 2);
        assert_eq!(kept.first(), Some(&0));
        assert_eq!(kept.last(), Some(&(us.len() - 1)));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
    }

    /// A tiny deterministic generator of awkward values (xorshift64).
    struct Awkward(u64);

    impl Awkward {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }

        fn value(&mut self) -> f64 {
            const SPECIAL: [f64; 12] = [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                0.0,
                -0.0,
                1e-320,
                1e308,
                -1e308,
                1.0,
                -1.0,
                1e-12,
                1e12,
            ];
            let r = self.next();
            if r.is_multiple_of(4) {
                SPECIAL[self.below(SPECIAL.len())]
            } else {
                let unit = (r >> 11) as f64 / (1u64 << 53) as f64 - 0.3;
                unit * 10f64.powi(self.below(9) as i32 - 4)
            }
        }

        fn values(&mut self, max_len: usize) -> Vec<f64> {
            let n = self.below(max_len + 1);
            (0..n).map(|_| self.value()).collect()
        }

        fn label(&mut self) -> String {
            const WORDS: [&str; 6] = ["adam", "", "a<b&c>", "'q\"", "long label ", "é…"];
            (0..self.below(4))
                .map(|_| WORDS[self.below(WORDS.len())])
                .collect()
        }

        fn flag(&mut self) -> bool {
            self.next().is_multiple_of(2)
        }
    }

    #[test]
    fn awkward_inputs_never_panic_or_leak_non_finite_values() {
        let mut g = Awkward(0x2545_f491_4f6c_dd1d);
        for _ in 0..300 {
            let series = (0..g.below(4))
                .map(|_| {
                    let x = g.values(12);
                    let y = g.values(12);
                    let band = g.flag().then(|| (g.values(12), g.values(12)));
                    Series {
                        label: g.label(),
                        color: color_for(&g.label()),
                        x,
                        y,
                        band,
                        steps: g.flag(),
                        dashed: g.flag(),
                    }
                })
                .collect();
            let y_range = g.flag().then(|| (g.value(), g.value()));
            let chart = LineChart {
                title: g.label(),
                x_label: g.label(),
                y_label: g.label(),
                log_x: g.flag(),
                log_y: g.flag(),
                y_range,
                series,
            };
            testing::check_svg(&line_chart(&chart));

            let rows = g.below(4);
            let columns = g.below(4);
            let values = (0..g.below(5))
                .map(|_| {
                    (0..g.below(5))
                        .map(|_| g.flag().then(|| g.value()))
                        .collect()
                })
                .collect();
            let text = (0..g.below(5))
                .map(|_| (0..g.below(5)).map(|_| g.label()).collect())
                .collect();
            let map = Heatmap {
                title: g.label(),
                rows: (0..rows).map(|_| g.label()).collect(),
                columns: (0..columns).map(|_| g.label()).collect(),
                values,
                text,
                lower_is_better: g.flag(),
                legend: g.label(),
            };
            testing::check_svg(&heatmap(&map));

            let items = (0..g.below(5))
                .map(|_| Interval {
                    label: g.label(),
                    color: color_for("adam"),
                    estimate: g.value(),
                    lower: g.value(),
                    upper: g.value(),
                })
                .collect();
            let intervals = IntervalChart {
                title: g.label(),
                x_label: g.label(),
                items,
            };
            testing::check_svg(&interval_chart(&intervals));

            let bars = (0..g.below(5))
                .map(|_| Bar {
                    label: g.label(),
                    color: color_for("sgd"),
                    value: g.value(),
                    reference: g.flag().then(|| g.value()),
                })
                .collect();
            let chart = BarChart {
                title: g.label(),
                y_label: g.label(),
                log_y: g.flag(),
                reference_label: g.label(),
                bars,
            };
            testing::check_svg(&bar_chart(&chart));

            let n = g.below(6);
            let z = (0..n).map(|_| g.values(6)).collect();
            let paths = (0..g.below(3))
                .map(|_| Path {
                    label: g.label(),
                    color: color_for("lion"),
                    points: (0..g.below(8)).map(|_| (g.value(), g.value())).collect(),
                })
                .collect();
            let contour = Contour {
                title: g.label(),
                x_range: (g.value(), g.value()),
                y_range: (g.value(), g.value()),
                z,
                levels: g.values(4),
                paths,
                minima: (0..g.below(3)).map(|_| (g.value(), g.value())).collect(),
            };
            testing::check_svg(&contour_chart(&contour));
        }
    }

    #[test]
    fn note_figure_is_valid() {
        let svg = note_svg(WIDTH, HEIGHT, testing::NASTY, NO_FINITE_DATA);
        let text = testing::check_svg(&svg);
        assert!(text.contains(testing::NASTY));
        assert!(text.contains(NO_FINITE_DATA));
    }

    #[test]
    fn finish_rounds_font_sizes_and_dashes_lines() {
        let raw = format!(
            "<svg><text font-size=\"13.000000000000002\">a</text>\
             <text font-size=\"10.783333333333333\">&quot;font-size=&quot;</text>\
             <polyline opacity=\"{DASH_MARK}\"/></svg>"
        );
        assert_eq!(
            finish(&raw),
            "<svg><text font-size=\"13\">a</text>\
             <text font-size=\"10.78\">&quot;font-size=&quot;</text>\
             <polyline opacity=\"1\" stroke-dasharray=\"7 4\"/></svg>"
        );
    }

    #[test]
    fn truncates_long_labels() {
        let long = "x".repeat(40);
        let cut = fit_label(&long, LEGEND_PX, 1000.0);
        assert_eq!(cut.chars().count(), LABEL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(fit_label("short", LEGEND_PX, 1000.0), "short");
        assert_eq!(fit_text(&long, LEGEND_PX, 1000.0), long);
        let narrow = fit_text(&long, 10.0, 61.0);
        assert_eq!(narrow.chars().count(), 10);
    }
}
