//! The SVG document: the figure size, drawing on a white page with plotters' SVG backend (used
//! only as the writer: every figure computes its own pixel geometry), final touches on its
//! output (dashes, font sizes), the hand-written note figure for when there is nothing to draw,
//! and the drawing primitives every figure uses: strokes, fills, lines, the title and a note.
//!
//! May use: `palette`, `text`, `number`, `geometry`; nothing else of the crate.

use plotters::coord::Shift;
use plotters::prelude::{
    Circle, DrawingArea, DrawingAreaErrorKind, FontStyle, IntoDrawingArea, PathElement, Polygon,
    RGBAColor, RGBColor, SVGBackend, ShapeStyle, TextStyle,
};
use plotters::style::text_anchor::{HPos, VPos};

use super::geometry::{grown, pixel_path, to_px};
use super::number::trim_zeros;
use super::palette::{Dash, Marker, Rgb};
use super::text::{
    AXIS_PX, GLYPH_EM, INK, MUTED, TITLE_PX, fit_text, text_style, text_width, wrap_words,
    xml_escape,
};

/// Width of every figure in pixels.
pub const WIDTH: u32 = 760;
/// Height of every figure in pixels (heatmaps grow with their rows).
pub const HEIGHT: u32 = 460;

/// A drawing area in pixels on the SVG backend.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What plotters' drawing calls return.
pub(super) type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// The opacities that mark a line to be dashed, one per pattern: `finish` turns each into its
/// `stroke-dasharray` (plotters' SVG backend has no dashes; drawing each dash as its own
/// element is far larger).
const DASH_MARKS: [(Dash, f64); 3] = [
    (Dash::Dashed, 0.999_001),
    (Dash::Dotted, 0.999_002),
    (Dash::DashDot, 0.999_003),
];

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

/// The stroke of a line in `color` with a dash pattern.
pub(super) fn line_stroke(color: Rgb, width: u32, dash: Dash) -> ShapeStyle {
    let mark = DASH_MARKS
        .iter()
        .find(|(d, _)| *d == dash)
        .map_or(1.0, |(_, mark)| *mark);
    stroke(color.alpha(mark), width)
}

/// Draws `marker` centred on the pixel point `(x, y)`, filled with `color` and outlined in
/// white so that it stays visible over lines.
pub(super) fn draw_marker(
    root: &Area<'_>,
    marker: Marker,
    (x, y): (f64, f64),
    color: Rgb,
) -> DrawResult {
    const R: f64 = 4.0;
    let points: Vec<(f64, f64)> = match marker {
        Marker::Circle => {
            let centre = (to_px(x), to_px(y));
            root.draw(&Circle::new(centre, 5, fill(RGBAColor(255, 255, 255, 1.0))))?;
            return root.draw(&Circle::new(centre, 4, fill(color.alpha(1.0))));
        }
        Marker::Square => vec![
            (x - R, y - R),
            (x + R, y - R),
            (x + R, y + R),
            (x - R, y + R),
        ],
        Marker::Triangle => vec![
            (x, y - R - 1.0),
            (x + R + 0.5, y + R - 0.5),
            (x - R - 0.5, y + R - 0.5),
        ],
        Marker::Diamond => vec![
            (x, y - R - 1.0),
            (x + R + 1.0, y),
            (x, y + R + 1.0),
            (x - R - 1.0, y),
        ],
    };
    // The white halo: the shape grown by a pixel, under it (as the circle's radius 5 under 4;
    // plotters fills every polygon, so an outline stroke would not show).
    root.draw(&Polygon::new(
        pixel_path(grown(&points, 1.0)),
        fill(RGBAColor(255, 255, 255, 1.0)),
    ))?;
    root.draw(&Polygon::new(
        pixel_path(points.iter().copied()),
        fill(color.alpha(1.0)),
    ))
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

/// What plotters writes on elements that SVG assumes anyway (full opacity, no stroke), and
/// the space it leaves after the last point of a line: removed, a fifth of a figure's bytes.
const REDUNDANT: [(&str, &str); 4] = [
    (" opacity=\"1\"", ""),
    (" stroke=\"none\" stroke-width=\"0\"", ""),
    (" stroke=\"none\"", ""),
    (" \"/>", "\"/>"),
];

/// The font every text is set in, written once on the `<svg>` element (texts inherit it).
const FONT: &str = " font-family=\"sans-serif\"";

/// Final touches on plotters' output: dashed lines get a `stroke-dasharray`, font sizes
/// (written as requested size ÷ 1.24, so "13.000000000000002") are rounded to 0.01, the font
/// is named once on the root, text content loses the newlines around it (SVG drops them
/// anyway), and the [`REDUNDANT`] attributes go. Text content is escaped by plotters (`"`
/// becomes `&quot;`, `<` `&lt;`), so labels cannot match any of these patterns.
fn finish(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut svg = svg.to_string();
    for (dash, mark) in DASH_MARKS {
        if let Some(array) = dash.dasharray() {
            svg = svg.replace(
                &format!(" opacity=\"{mark}\""),
                &format!(" stroke-dasharray=\"{array}\""),
            );
        }
    }
    for (from, to) in REDUNDANT {
        svg = svg.replace(from, to);
    }
    if svg.contains(FONT) {
        svg = svg.replace(FONT, "").replacen(
            "xmlns=\"http://www.w3.org/2000/svg\">",
            &format!("xmlns=\"http://www.w3.org/2000/svg\"{FONT}>"),
            1,
        );
    }
    let svg = trim_text_newlines(&svg);
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

/// `svg` with the newline plotters writes after each `<text …>` and before each `</text>`
/// removed.
fn trim_text_newlines(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("<text") {
        let Some(close) = rest[at..].find('>') else {
            break;
        };
        let (head, tail) = rest.split_at(at + close + 1);
        out.push_str(head);
        rest = tail.strip_prefix('\n').unwrap_or(tail);
    }
    out.push_str(rest);
    out.replace("\n</text>", "</text>")
}

/// The font size and lines of a title on a figure `width` pixels wide: one line at the title
/// size when it fits, else wrapped onto two smaller lines (both fit the title band). Only a
/// title too long for two lines at the smallest size is cut, on its second line.
pub(super) fn title_lines(title: &str, width: f64) -> (f64, Vec<String>) {
    let title = title.trim();
    let room = width - 20.0;
    if text_width(title, TITLE_PX * 1.06) <= room {
        return (TITLE_PX, vec![title.to_string()]);
    }
    let chars = |px: f64| (room / (px * 1.06 * GLYPH_EM)).floor().max(8.0) as usize;
    for px in [TITLE_PX - 3.0, TITLE_PX - 4.5] {
        let lines = wrap_words(title, chars(px));
        if lines.len() <= 2 {
            return (px, lines);
        }
    }
    let px = TITLE_PX - 4.5;
    let mut lines = wrap_words(title, chars(px));
    let rest = lines.split_off(1).join(" ");
    lines.push(fit_text(&rest, px * 1.06, room));
    (px, lines)
}

/// Draws the title centred at the top of a figure `width` pixels wide (see [`title_lines`]).
pub(super) fn draw_title(root: &Area<'_>, title: &str, width: f64) -> DrawResult {
    let (px, lines) = title_lines(title, width);
    let style = text_style(px, INK, HPos::Center, VPos::Top);
    let style = TextStyle {
        font: style.font.style(FontStyle::Bold),
        ..style
    };
    let first = if lines.len() > 1 { 3.0 } else { 9.0 };
    for (i, line) in lines.iter().enumerate() {
        let y = first + i as f64 * (px + 2.5);
        root.draw_text(line, &style, (to_px(width / 2.0), to_px(y)))?;
    }
    Ok(())
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
    fn long_titles_wrap_instead_of_being_cut() {
        let (px, lines) = title_lines("Short title", 760.0);
        assert_eq!((px, lines), (TITLE_PX, vec!["Short title".to_string()]));
        let long = "Sparse logistic regression, 300 samples × 2000 features, 5 nonzeros per sample: training gap to the best value, tuned (median and IQR over evaluation seeds)";
        let (px, lines) = title_lines(long, 760.0);
        assert_eq!(lines.len(), 2);
        assert!(px < TITLE_PX);
        assert_eq!(lines.join(" "), long);
        assert!(lines.iter().all(|l| text_width(l, px * 1.06) <= 740.0));
        // Only a title too long for two lines is cut.
        let (_, lines) = title_lines(&"word ".repeat(200), 760.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
    }

    /// Every polygon marker is drawn over a white halo larger than itself, as the circle is
    /// (plotters fills every polygon: a same-size white shape under it would not show).
    #[test]
    fn polygon_markers_have_a_halo_that_shows() {
        for marker in [Marker::Square, Marker::Triangle, Marker::Diamond] {
            let svg = render(100, 100, "m", |root| {
                draw_marker(root, marker, (50.3, 49.6), Rgb(0x00, 0x72, 0xB2))
            });
            let shapes: Vec<(String, Vec<(i32, i32)>)> = svg
                .lines()
                .filter(|l| l.starts_with("<polygon"))
                .map(|l| {
                    let attr = |name: &str| {
                        let from = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                        l[from..from + l[from..].find('"').unwrap()].to_string()
                    };
                    let points = attr("points")
                        .split_whitespace()
                        .map(|p| {
                            let (x, y) = p.split_once(',').unwrap();
                            (x.parse().unwrap(), y.parse().unwrap())
                        })
                        .collect();
                    (attr("fill"), points)
                })
                .collect();
            assert_eq!(shapes.len(), 2, "{marker:?}: {svg}");
            let (halo, shape) = (&shapes[0], &shapes[1]);
            assert_eq!((halo.0.as_str(), shape.0.as_str()), ("#FFFFFF", "#0072B2"));
            // The halo's bounding box holds the shape's with room on every side.
            let bounds = |p: &[(i32, i32)]| {
                let xs = p.iter().map(|q| q.0);
                let ys = p.iter().map(|q| q.1);
                (
                    xs.clone().min().unwrap(),
                    xs.max().unwrap(),
                    ys.clone().min().unwrap(),
                    ys.max().unwrap(),
                )
            };
            let (h, m) = (bounds(&halo.1), bounds(&shape.1));
            assert!(
                h.0 < m.0 && h.1 > m.1 && h.2 < m.2 && h.3 > m.3,
                "{marker:?}: {h:?} {m:?}"
            );
        }
    }

    #[test]
    fn finish_rounds_font_sizes_and_dashes_lines() {
        let raw = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\
             <text font-family=\"sans-serif\" font-size=\"13.000000000000002\" opacity=\"1\">\na\n</text>\
             <text font-size=\"10.783333333333333\">&quot;font-size=&quot; opacity=&quot;1&quot;</text>\
             <polyline opacity=\"{}\" points=\"1,2 3,4 \"/><polyline opacity=\"{}\"/>\
             <circle r=\"5\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\" stroke-width=\"0\"/></svg>",
            DASH_MARKS[0].1, DASH_MARKS[1].1
        );
        assert_eq!(
            finish(&raw),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\">\
             <text font-size=\"13\">a</text>\
             <text font-size=\"10.78\">&quot;font-size=&quot; opacity=&quot;1&quot;</text>\
             <polyline stroke-dasharray=\"7 4\" points=\"1,2 3,4\"/>\
             <polyline stroke-dasharray=\"2 3\"/>\
             <circle r=\"5\" fill=\"#FFFFFF\"/></svg>"
        );
    }
}
