//! Frames: the plot rectangle of a chart in pixels with the scales of its two axes, the margins
//! around it, its ticks thinned so their labels do not collide, and drawing its axes (grid
//! lines, frame, tick marks and labels, axis labels).
//!
//! May use: `ticks`, `scale`, `text`, `geometry`, `svg`; nothing else of the crate.

use plotters::prelude::{Color, RGBColor, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::geometry::{clip_polyline, pixel_path, simplify, to_px};
use super::scale::Scale;
use super::svg::{Area, DrawResult, draw_line, stroke};
use super::text::{AXIS_PX, INK, TICK_PX, fit_text, rotated, text_style, text_width};
use super::ticks::thin;

/// Height of the band at the top that holds the title.
pub(super) const TITLE_BAND: f64 = 34.0;
/// Colour of grid lines.
const GRID: RGBColor = RGBColor(0xe6, 0xe6, 0xe6);
/// Colour of the plot frame and tick marks.
const FRAME: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Largest distance, in pixels, between a drawn line and its simplified polyline.
const TOLERANCE_PX: f64 = 0.5;

/// Ticks of a horizontal axis `length` pixels long, thinned so their labels do not collide.
pub(super) fn x_ticks(scale: &Scale, length: f64) -> Vec<(f64, String)> {
    let ticks = scale.ticks((length / 90.0) as usize);
    let widest = ticks
        .iter()
        .map(|(_, label)| text_width(label, TICK_PX))
        .fold(0.0, f64::max);
    let fit = (length / (widest + 14.0)).floor().max(2.0) as usize;
    thin(ticks, fit)
}

/// Ticks of a vertical axis `length` pixels long.
pub(super) fn y_ticks(scale: &Scale, length: f64) -> Vec<(f64, String)> {
    let ticks = scale.ticks((length / 55.0) as usize);
    let fit = (length / (TICK_PX * 1.8)).floor().max(2.0) as usize;
    thin(ticks, fit)
}

/// Width of the widest tick label.
pub(super) fn widest_label(ticks: &[(f64, String)]) -> f64 {
    ticks
        .iter()
        .map(|(_, label)| text_width(label, TICK_PX))
        .fold(0.0, f64::max)
}

/// Tick positions with their labels.
type Ticks = Vec<(f64, String)>;

/// A plot rectangle in pixels with the scales of its two axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Frame {
    /// Horizontal axis.
    pub(super) x: Scale,
    /// Vertical axis.
    pub(super) y: Scale,
    /// Left edge in pixels.
    pub(super) left: f64,
    /// Top edge in pixels.
    pub(super) top: f64,
    /// Right edge in pixels.
    pub(super) right: f64,
    /// Bottom edge in pixels.
    pub(super) bottom: f64,
}

impl Frame {
    /// The plot of a `size` chart with a `legend`-wide legend on its right (0: none) and
    /// `bottom_band` pixels below it for tick and axis labels, with the ticks of both axes.
    pub(super) fn beside_legend(
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
    pub(super) fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let fx = (u - self.x.lo) / (self.x.hi - self.x.lo);
        let fy = (v - self.y.lo) / (self.y.hi - self.y.lo);
        (
            self.left + fx * (self.right - self.left),
            self.bottom - fy * (self.bottom - self.top),
        )
    }

    /// Whether axis-space point `(u, v)` lies inside the plot.
    pub(super) fn contains(&self, (u, v): (f64, f64)) -> bool {
        self.x.contains(u) && self.y.contains(v)
    }

    /// Pixel points of an axis-space path, simplified to `TOLERANCE_PX`, rounded, duplicates
    /// removed.
    pub(super) fn path(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        let pixels: Vec<(f64, f64)> = points.iter().map(|&(u, v)| self.map(u, v)).collect();
        pixel_path(simplify(&pixels, TOLERANCE_PX))
    }

    /// Clips an axis-space polyline to the plot and returns the visible pieces in pixels
    /// (simplified as in `path`).
    pub(super) fn clipped(&self, points: &[(f64, f64)]) -> Vec<Vec<(i32, i32)>> {
        clip_polyline(points, (self.x.lo, self.x.hi), (self.y.lo, self.y.hi))
            .iter()
            .map(|piece| self.path(piece))
            .filter(|piece| !piece.is_empty())
            .collect()
    }
}

/// Draws grid lines, the frame, tick marks and labels, and the axis labels.
pub(super) fn draw_axes(
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
pub(super) fn left_margin(tick_label_width: f64, has_axis_label: bool) -> f64 {
    let axis = if has_axis_label {
        8.0 + AXIS_PX + 8.0
    } else {
        8.0
    };
    axis + tick_label_width + 12.0
}
