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
pub use heatmap::heatmap;
pub use interval::interval_chart;
pub use line::line_chart;
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
