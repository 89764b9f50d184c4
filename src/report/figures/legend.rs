//! Legends: a column of rows, each a small swatch (line, band, trajectory, isoline, cross or
//! reference mark) and its text, truncated to fit; rows that do not fit become "+k more".
//!
//! May use: `palette`, `text`, `geometry`, `svg`; nothing else of the crate.

use plotters::prelude::{Circle, Cross, RGBAColor, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::geometry::to_px;
use super::palette::{Dash, Marker, Rgb};
use super::svg::{Area, DrawResult, draw_line, draw_marker, fill, line_stroke, stroke};
use super::text::{INK, LEGEND_PX, MUTED, fit_text, text_style, text_width};

/// Height of one legend row.
pub(super) const LEGEND_ROW: f64 = 19.0;
/// Widest legend text before it is truncated.
pub(super) const LEGEND_TEXT_MAX: f64 = 220.0;

/// The small drawing left of a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Swatch {
    /// A line with a dash pattern and an optional marker, optionally over a translucent band.
    Line {
        /// Colour.
        color: Rgb,
        /// Dash pattern.
        dash: Dash,
        /// Marker at the middle of the sample.
        marker: Option<Marker>,
        /// Translucent band behind the line.
        band: bool,
    },
    /// A line with a dot at its start (a trajectory), with its dash pattern.
    Path(Rgb, Dash),
    /// A thin line (an isoline).
    Thin(Rgb),
    /// A cross (a minimum).
    Cross(Rgb),
    /// A short thick black line with a white halo (a reference mark).
    Reference,
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LegendEntry {
    /// Text.
    pub(super) label: String,
    /// Drawing left of the text.
    pub(super) swatch: Swatch,
}

/// Width of a legend column holding `entries` whose text is at most `max_text` pixels wide
/// (0 when empty).
pub(super) fn legend_width(entries: &[LegendEntry], max_text: f64) -> f64 {
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
            dash,
            marker,
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
            draw_line(root, a, b, line_stroke(color, 2, dash))?;
            match marker {
                Some(marker) => draw_marker(root, marker, (x + 13.0, y), color),
                None => Ok(()),
            }
        }
        Swatch::Path(color, dash) => {
            draw_line(root, a, b, line_stroke(color, 2, dash))?;
            root.draw(&Circle::new(
                (to_px(x + 3.0), to_px(y)),
                3,
                fill(color.alpha(1.0)),
            ))
        }
        Swatch::Thin(color) => draw_line(root, a, b, line_stroke(color, 1, Dash::Solid)),
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
pub(super) fn draw_legend(
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
