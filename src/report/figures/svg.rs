//! The SVG document: the figure size, drawing on a white page with plotters' SVG backend (used
//! only as the writer: every figure computes its own pixel geometry), final touches on its
//! output (dashes, font sizes), the hand-written note figure for when there is nothing to draw,
//! and the drawing primitives every figure uses: strokes, fills, lines, the title and a note.
//!
//! May use: `palette`, `text`, `number`, `geometry`; nothing else of the crate.

use plotters::coord::Shift;
use plotters::prelude::{
    DrawingArea, DrawingAreaErrorKind, FontStyle, IntoDrawingArea, PathElement, RGBAColor,
    RGBColor, SVGBackend, ShapeStyle, TextStyle,
};
use plotters::style::text_anchor::{HPos, VPos};

use super::geometry::{pixel_path, to_px};
use super::number::trim_zeros;
use super::palette::Rgb;
use super::text::{AXIS_PX, INK, MUTED, TITLE_PX, fit_text, text_style, xml_escape};

/// Width of every figure in pixels.
pub const WIDTH: u32 = 760;
/// Height of every figure in pixels (heatmaps grow with their rows).
pub const HEIGHT: u32 = 460;

/// A drawing area in pixels on the SVG backend.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What plotters' drawing calls return.
pub(super) type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// The opacity that marks a line to be dashed: `finish` turns it into a `stroke-dasharray`
/// (plotters' SVG backend has no dashes; drawing each dash as its own element is far larger).
const DASH_MARK: f64 = 0.999_001;

/// An outline style.
pub(super) fn stroke(color: RGBAColor, width: u32) -> ShapeStyle {
    ShapeStyle {
        color,
        filled: false,
        stroke_width: width,
    }
}

/// A fill style.
pub(super) fn fill(color: RGBAColor) -> ShapeStyle {
    ShapeStyle {
        color,
        filled: true,
        stroke_width: 0,
    }
}

/// The stroke of a line in `color`, dashed or solid.
pub(super) fn line_stroke(color: Rgb, width: u32, dashed: bool) -> ShapeStyle {
    stroke(color.alpha(if dashed { DASH_MARK } else { 1.0 }), width)
}

/// A figure with only its title and a centred note (for inputs with nothing to draw, or if
/// drawing fails). Written by hand, so it cannot fail.
pub(super) fn note_svg(width: u32, height: u32, title: &str, note: &str) -> String {
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
pub(super) const NO_FINITE_DATA: &str = "no finite data";

/// Runs `draw` on a white `width` × `height` SVG and returns the document; if any drawing call
/// fails, returns a note figure instead.
pub(super) fn render(
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
pub(super) fn draw_title(root: &Area<'_>, title: &str, width: f64) -> DrawResult {
    let text = fit_text(title, TITLE_PX * 1.06, width - 20.0);
    let style = text_style(TITLE_PX, INK, HPos::Center, VPos::Top);
    let style = TextStyle {
        font: style.font.style(FontStyle::Bold),
        ..style
    };
    root.draw_text(&text, &style, (to_px(width / 2.0), 9))
}

/// Draws a centred note (for example "no finite data") at `(x, y)`.
pub(super) fn draw_note(root: &Area<'_>, note: &str, x: f64, y: f64) -> DrawResult {
    let style = text_style(AXIS_PX, MUTED, HPos::Center, VPos::Center);
    root.draw_text(note, &style, (to_px(x), to_px(y)))
}

/// A straight line between two pixel points.
pub(super) fn draw_line(
    root: &Area<'_>,
    a: (f64, f64),
    b: (f64, f64),
    style: ShapeStyle,
) -> DrawResult {
    root.draw(&PathElement::new(pixel_path([a, b]), style))
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

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
}
