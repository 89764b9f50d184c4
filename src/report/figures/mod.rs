//! Figures: pure functions from plain data to SVG text (plotters' SVG backend, no fonts
//! embedded: text is set in the browser's sans-serif, named once on the `<svg>`).
//!
//! Every function takes its input struct, skips non-finite values (they never reach the SVG),
//! downsamples long series, and returns the SVG document as a `String`. One file per figure
//! kind, its input struct beside it; the report decides which data goes into which figure.
//!
//! The kit the figures share, one file per concept, each using only those listed before it:
//! `palette` (colours), `number` (number formatting), `text` (text sizes, styles, widths,
//! fitting, escaping), `geometry` (pixel rounding, clipping, simplification), `downsample`,
//! `ticks` (nice steps, linear and log ticks, thinning), `scale` (one axis), `svg` (the
//! document, strokes and fills, drawing primitives), `frame` (the plot rectangle, margins,
//! axes), `legend`. All pixel geometry is computed by the kit; plotters only writes the SVG, so
//! every figure controls its own layout and clipping.
//!
//! May use: nothing else of the crate (figures know nothing of records or the analysis).

mod downsample;
mod frame;
mod geometry;
mod legend;
mod number;
mod palette;
mod scale;
mod svg;
mod text;
mod ticks;

mod bar;
mod contour;
mod heatmap;
mod interval;
mod line;

#[cfg(test)]
mod awkward;
#[cfg(test)]
pub(crate) mod testing;

pub use bar::{Bar, BarChart, bar_chart};
pub use contour::{Contour, DEFAULT_LEVELS, Path, contour_chart, contour_levels};
pub use downsample::MAX_POINTS;
pub use heatmap::{BAD_COLOUR, ColourTicks, GOOD_COLOUR, Heatmap, heatmap, heatmap_with};
pub use interval::{Interval, IntervalChart, interval_chart};
pub use line::{Layout, LineChart, NARROW_WIDTH, Series, line_chart, line_chart_in};
/// Neutral grey for cells or items without data.
pub use palette::NO_DATA;
pub use palette::{
    CONTEXT, Dash, Marker, Rgb, Style, categorical, color_for, family_of, place_in_family, style_of,
};
pub use svg::{HEIGHT, WIDTH};
