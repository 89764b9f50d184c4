//! Text: the sizes and colours of every text in a figure, plotters text styles, estimated text
//! widths, fitting text into a width (truncated with "…"), and escaping for XML.
//!
//! No fonts are embedded: text is set in the browser's sans-serif (named once on the `<svg>`), so
//! widths are estimates from the number of characters.
//!
//! May use: plotters' text styles; nothing else of the crate.

use plotters::prelude::{
    Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, TextStyle,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Plotters writes `font-size` as the requested size ÷ 1.24, so requested = rendered × 1.24.
const FONT_SCALE: f64 = 1.24;
/// Rendered size of titles, in pixels.
pub(super) const TITLE_PX: f64 = 16.0;
/// Rendered size of axis labels.
pub(super) const AXIS_PX: f64 = 14.0;
/// Rendered size of tick labels.
pub(super) const TICK_PX: f64 = 12.0;
/// Rendered size of legend text and row labels.
pub(super) const LEGEND_PX: f64 = 13.0;
/// Estimated average advance of a sans-serif glyph, in em (a little generous).
pub(super) const GLYPH_EM: f64 = 0.6;
/// Labels longer than this many characters are truncated with "…".
const LABEL_CHARS: usize = 28;
/// Text colour.
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Colour of notes and secondary text.
pub(super) const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);

/// A text style with a rendered size of `px` pixels.
pub(super) fn text_style(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::SansSerif, px * FONT_SCALE, FontStyle::Normal),
        color: color.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// The same style rotated a quarter turn counter-clockwise (reads bottom to top).
pub(super) fn rotated(style: TextStyle<'static>) -> TextStyle<'static> {
    style.transform(FontTransform::Rotate270)
}

/// Estimated width of `text` at `px` pixels.
pub(super) fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * GLYPH_EM
}

/// `text` cut to at most `max_chars` characters, ending in "…" when cut.
pub(super) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` truncated until it fits `max_width` pixels at `px` (for titles and axis labels).
pub(super) fn fit_text(text: &str, px: f64, max_width: f64) -> String {
    let per_char = (px * GLYPH_EM).max(1.0);
    let fits = (max_width / per_char).floor().max(1.0) as usize;
    truncate(text.trim(), fits)
}

/// `text` broken into lines of at most `max_chars` characters at spaces (a word longer than a
/// line gets a line of its own); nothing is cut.
pub(super) fn wrap_words(text: &str, max_chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > max_chars {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A label (legend entry, row or column name) truncated to `LABEL_CHARS` and further until it
/// fits `max_width` pixels at `px`.
pub(super) fn fit_label(text: &str, px: f64, max_width: f64) -> String {
    truncate(&fit_text(text, px, max_width), LABEL_CHARS)
}

/// `text` with the five XML special characters escaped.
pub(super) fn xml_escape(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn wraps_words_without_cutting() {
        assert_eq!(wrap_words("aaa bbbb cc", 8), vec!["aaa bbbb", "cc"]);
        assert_eq!(
            wrap_words("averyverylongword x", 5),
            vec!["averyverylongword", "x"]
        );
        assert!(wrap_words("  ", 5).is_empty());
        let text = "word ".repeat(50);
        let lines = wrap_words(&text, 23);
        assert_eq!(lines.join(" "), text.trim());
        assert!(lines.iter().all(|l| l.chars().count() <= 23));
    }
}
