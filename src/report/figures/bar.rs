//! Bar charts: vertical bars in their colours, labels under them (rotated when they do not
//! fit), optional reference marks across the bars, and a legend line for the references.
//!
//! May use: the kit beside it (`palette`, `text`, `geometry`, `scale`, `svg`, `frame`, `legend`)
//! and plotters; nothing else of the crate.

use plotters::prelude::{RGBAColor, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Frame, TITLE_BAND, draw_axes, left_margin, widest_label, y_ticks};
use super::geometry::to_px;
use super::legend::{LegendEntry, Swatch, draw_legend, legend_width};
use super::palette::Rgb;
use super::scale::Scale;
use super::svg::{
    Area, DrawResult, HEIGHT, NO_FINITE_DATA, WIDTH, draw_line, draw_title, fill, note_svg, render,
    stroke,
};
use super::text::{INK, LEGEND_PX, fit_text, rotated, text_style, text_width};

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

/// Widest (rotated) bar label, in pixels.
const LABEL_MAX: f64 = 340.0;
/// Share of its slot a bar fills.
const BAR_SHARE: f64 = 0.7;
/// Share of its slot a reference mark spans.
const MARK_SHARE: f64 = 0.86;

/// Draws vertical bars (see [`BarChart`]) and returns the SVG document.
///
/// Bars grow from 0 on a linear axis (negative values downwards) and from the bottom of the
/// plot on a log axis, where values ≤ 0 are skipped. Non-finite values are skipped (the label
/// stays). With nothing finite the figure holds the title and a note.
pub fn bar_chart(chart: &BarChart) -> String {
    let log = chart.log_y;
    let values: Vec<f64> = chart
        .bars
        .iter()
        .flat_map(|bar| [Some(bar.value), bar.reference])
        .flatten()
        .filter_map(|v| Scale::axis(log, v))
        .collect();
    if values.is_empty() {
        return note_svg(WIDTH, HEIGHT, &chart.title, NO_FINITE_DATA);
    }
    let y = if log {
        Scale::fit(true, values, 0.06)
    } else {
        // Bars grow from 0, so the range holds 0 and is padded only away from it.
        Scale::fit(false, values.into_iter().chain([0.0]), 0.0).map(|s| {
            let span = s.hi - s.lo;
            let hi = if s.hi > 0.0 { s.hi + 0.06 * span } else { s.hi };
            let lo = if s.lo < 0.0 { s.lo - 0.06 * span } else { s.lo };
            Scale::between(false, lo, hi, 0.0)
        })
    };
    let Some(y) = y else {
        return note_svg(WIDTH, HEIGHT, &chart.title, NO_FINITE_DATA);
    };
    let labels: Vec<String> = chart
        .bars
        .iter()
        .map(|bar| fit_text(&bar.label, LEGEND_PX, LABEL_MAX))
        .collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, LEGEND_PX))
        .fold(0.0, f64::max);
    let slot_estimate = (f64::from(WIDTH) - 110.0) / chart.bars.len().max(1) as f64;
    let rotate = widest > slot_estimate - 6.0;
    let label_band = if rotate { widest + 20.0 } else { 30.0 };
    let height = (f64::from(HEIGHT) + (label_band - 30.0)).ceil().min(1e6) as u32;
    render(WIDTH, height, &chart.title, |root| {
        draw(
            root,
            chart,
            y,
            &labels,
            rotate,
            label_band,
            f64::from(height),
        )
    })
}

/// Draws the whole chart on `root`.
fn draw(
    root: &Area<'_>,
    chart: &BarChart,
    y: Scale,
    labels: &[String],
    rotate: bool,
    label_band: f64,
    height: f64,
) -> DrawResult {
    let width = f64::from(WIDTH);
    draw_title(root, &chart.title, width)?;
    let log = chart.log_y;
    let n = chart.bars.len().max(1);
    let has_reference = chart
        .bars
        .iter()
        .any(|bar| bar.reference.and_then(|r| Scale::axis(log, r)).is_some());
    let mut top = TITLE_BAND + 6.0;
    if has_reference {
        let label = if chart.reference_label.trim().is_empty() {
            "reference"
        } else {
            chart.reference_label.trim()
        };
        let entry = LegendEntry {
            label: label.to_string(),
            swatch: Swatch::Reference,
        };
        let entries = [entry];
        let max_text = width * 0.6;
        let x = width - 16.0 - legend_width(&entries, max_text);
        draw_legend(root, &entries, (x, max_text), top - 4.0, top + 16.0)?;
        top += 20.0;
    }
    let bottom = height - label_band;
    let yt = y_ticks(&y, bottom - top);
    let left = left_margin(widest_label(&yt), !chart.y_label.trim().is_empty());
    let right = width - 20.0;
    let x = Scale {
        log: false,
        lo: 0.0,
        hi: n as f64,
    };
    let frame = Frame {
        x,
        y,
        left,
        top,
        right,
        bottom,
    };
    draw_axes(root, &frame, &[], &yt, "", &chart.y_label)?;
    let base = if log { y.lo } else { 0.0 };
    let clamp = |v: f64| v.clamp(y.lo, y.hi);
    for (i, (bar, label)) in chart.bars.iter().zip(labels).enumerate() {
        let center = i as f64 + 0.5;
        if let Some(v) = Scale::axis(log, bar.value) {
            let (x0, y0) = frame.map(center - BAR_SHARE / 2.0, clamp(base));
            let (x1, y1) = frame.map(center + BAR_SHARE / 2.0, clamp(v));
            // At least one pixel wide and tall, so a zero bar is still visible.
            let (left_px, top_px) = (x0.min(x1), y0.min(y1));
            let right_px = x0.max(x1).max(left_px + 1.0);
            let bottom_px = y0.max(y1).max(top_px + 1.0);
            root.draw(&Rectangle::new(
                [
                    (to_px(left_px), to_px(top_px)),
                    (to_px(right_px), to_px(bottom_px)),
                ],
                fill(bar.color.alpha(1.0)),
            ))?;
        }
        if let Some(r) = bar.reference.and_then(|r| Scale::axis(log, r)) {
            let (x0, ry) = frame.map(center - MARK_SHARE / 2.0, clamp(r));
            let (x1, _) = frame.map(center + MARK_SHARE / 2.0, clamp(r));
            let mark_width = x1 - x0;
            draw_reference(root, (x0 + x1) / 2.0, ry, mark_width)?;
        }
        let (cx, _) = frame.map(center, y.lo);
        if rotate {
            let style = rotated(text_style(LEGEND_PX, INK, HPos::Right, VPos::Center));
            root.draw_text(label, &style, (to_px(cx), to_px(bottom + 8.0)))?;
        } else {
            let style = text_style(LEGEND_PX, INK, HPos::Center, VPos::Top);
            root.draw_text(label, &style, (to_px(cx), to_px(bottom + 8.0)))?;
        }
    }
    Ok(())
}

/// Draws a reference mark centred on `(cx, y)`, `width` pixels wide: a black line with a white
/// halo, visible on any bar colour (as its legend swatch).
fn draw_reference(root: &Area<'_>, cx: f64, y: f64, width: f64) -> DrawResult {
    let (a, b) = ((cx - width / 2.0, y), (cx + width / 2.0, y));
    draw_line(root, a, b, stroke(RGBAColor(0xff, 0xff, 0xff, 1.0), 5))?;
    draw_line(root, a, b, stroke(RGBAColor(0, 0, 0, 1.0), 2))
}

#[cfg(test)]
mod tests {
    use super::super::color_for;
    use super::super::testing::{MAX_BYTES, NAMES, NASTY, check_svg, label, maybe_write};
    use super::*;

    fn chart(log_y: bool) -> BarChart {
        BarChart {
            title: format!("Step cost per parameter {NASTY}"),
            y_label: "ns per parameter".into(),
            log_y,
            reference_label: format!("memory-bandwidth bound {NASTY}"),
            bars: NAMES[..13]
                .iter()
                .enumerate()
                .map(|(i, name)| Bar {
                    label: label(name, i == 4),
                    color: color_for(name),
                    value: 0.5 + (i as f64 * 0.9).sin().abs() * 3.0,
                    reference: (i % 3 != 2).then_some(0.4 + 0.1 * i as f64),
                })
                .collect(),
        }
    }

    #[test]
    fn realistic_charts_are_valid_and_small() {
        for log_y in [false, true] {
            let c = chart(log_y);
            let svg = bar_chart(&c);
            let text = check_svg(&svg);
            assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
            assert!(text.contains(&c.title));
            assert!(text.contains(&c.reference_label));
            assert!(text.contains(&format!("rmsprop {NASTY}")));
            assert!(text.contains("ns per parameter"));
            maybe_write(if log_y { "bar_log" } else { "bar_linear" }, &svg);
            eprintln!("bar chart 13 bars (log {log_y}): {} bytes", svg.len());
        }
    }

    #[test]
    fn short_labels_stay_horizontal_and_long_ones_rotate() {
        let mut c = chart(false);
        c.bars.truncate(4);
        for bar in &mut c.bars {
            bar.label = bar.label.chars().take(6).collect();
        }
        // The y axis label is always rotated; bar labels only when they do not fit.
        assert_eq!(bar_chart(&c).matches("rotate(270").count(), 1);
        c.bars[0].label = "a rather long optimizer label with settings".into();
        assert_eq!(bar_chart(&c).matches("rotate(270").count(), 5);
    }

    #[test]
    fn degenerate_bars_do_not_panic() {
        let mut c = chart(true);
        c.bars[0].value = -1.0;
        c.bars[1].value = 0.0;
        c.bars[2].value = f64::NAN;
        c.bars[3].reference = Some(f64::INFINITY);
        check_svg(&bar_chart(&c));
        let mut negative = chart(false);
        for (i, bar) in negative.bars.iter_mut().enumerate() {
            bar.value = -(i as f64);
            bar.reference = None;
        }
        let text = check_svg(&bar_chart(&negative));
        assert!(
            !text.contains(&negative.reference_label),
            "no reference, no legend"
        );
        let mut flat = chart(false);
        flat.bars.truncate(1);
        flat.bars[0].value = 0.0;
        flat.bars[0].reference = None;
        check_svg(&bar_chart(&flat));
        let mut nothing = chart(true);
        for bar in &mut nothing.bars {
            bar.value = -2.0;
            bar.reference = Some(0.0);
        }
        let text = check_svg(&bar_chart(&nothing));
        assert!(text.contains(NO_FINITE_DATA));
        nothing.bars.clear();
        check_svg(&bar_chart(&nothing));
        let mut huge = chart(false);
        huge.bars[0].value = 1e308;
        huge.bars[1].value = -1e308;
        check_svg(&bar_chart(&huge));
    }

    // Snapshot test (insta): any change to the SVG this figure draws fails it, so every visible
    // change is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::figures`, then review the diff of
    // `src/report/figures/snapshots/` and commit it with the change.
    /// A small fixed chart: three bars, two with reference marks.
    #[test]
    fn small_chart_svg_matches_its_snapshot() {
        let bar = |label: &str, color: Rgb, value: f64, reference: Option<f64>| Bar {
            label: label.into(),
            color,
            value,
            reference,
        };
        let chart = BarChart {
            title: "Step cost <per> parameter & bound".into(),
            y_label: "ns per parameter".into(),
            log_y: false,
            reference_label: "memory-bandwidth bound".into(),
            bars: vec![
                bar("sgd", Rgb(0xd5, 0x5e, 0x00), 0.4, Some(0.38)),
                bar("adam", Rgb(0x00, 0x72, 0xb2), 1.1, Some(0.9)),
                bar("ars", Rgb(0x00, 0x9e, 0x73), 2.5, None),
            ],
        };
        let svg = bar_chart(&chart);
        check_svg(&svg);
        insta::assert_snapshot!("bar_chart", svg);
    }
}
