//! Interval charts: one row per item, a horizontal line from the lower to the upper end of its
//! interval and a dot at the estimate, labels on the left.
//!
//! May use: the kit beside it (`palette`, `text`, `geometry`, `scale`, `svg`, `frame`) and
//! plotters; nothing else of the crate.

use plotters::prelude::{Circle, RGBAColor, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::{Frame, TITLE_BAND, draw_axes, x_ticks};
use super::geometry::to_px;
use super::palette::{Dash, Rgb};
use super::scale::Scale;
use super::svg::{
    Area, DrawResult, HEIGHT, NO_FINITE_DATA, WIDTH, draw_line, draw_title, fill, line_stroke,
    note_svg, render,
};
use super::text::{INK, LEGEND_PX, MUTED, TICK_PX, fit_label, text_style, text_width};

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

/// Height of one row when the figure grows beyond `HEIGHT`.
const ROW_HEIGHT: f64 = 26.0;
/// Widest row label, in pixels.
const LABEL_MAX: f64 = 220.0;
/// Background of every other row.
const STRIPE: RGBAColor = RGBAColor(0xf4, 0xf4, 0xf4, 1.0);

/// Draws horizontal intervals, one row per item top to bottom (see [`IntervalChart`]), and
/// returns the SVG document.
///
/// Non-finite ends or estimates are skipped (a row with nothing finite says "no data"); a
/// lower end above the upper end is swapped. With nothing finite at all the figure holds the
/// title and a note.
pub fn interval_chart(chart: &IntervalChart) -> String {
    let values = chart
        .items
        .iter()
        .flat_map(|item| [item.estimate, item.lower, item.upper]);
    let Some(x) = Scale::fit(false, values.filter_map(|v| Scale::axis(false, v)), 0.05) else {
        return note_svg(WIDTH, HEIGHT, &chart.title, NO_FINITE_DATA);
    };
    let n = chart.items.len();
    let height = (TITLE_BAND + 6.0 + n as f64 * ROW_HEIGHT + 56.0).max(f64::from(HEIGHT));
    let height = height.ceil().min(1e6) as u32;
    render(WIDTH, height, &chart.title, |root| {
        draw(root, chart, x, f64::from(height))
    })
}

/// Draws the whole chart on `root`.
fn draw(root: &Area<'_>, chart: &IntervalChart, x: Scale, height: f64) -> DrawResult {
    let width = f64::from(WIDTH);
    draw_title(root, &chart.title, width)?;
    let n = chart.items.len();
    let labels: Vec<String> = chart
        .items
        .iter()
        .map(|item| fit_label(&item.label, LEGEND_PX, LABEL_MAX))
        .collect();
    let widest = labels
        .iter()
        .map(|l| text_width(l, LEGEND_PX))
        .fold(0.0, f64::max);
    let (top, bottom) = (TITLE_BAND + 6.0, height - 50.0);
    let left = 12.0 + widest + 12.0;
    let right = width - 24.0;
    let y = Scale {
        log: false,
        lo: 0.0,
        hi: n.max(1) as f64,
    };
    let frame = Frame {
        x,
        y,
        left,
        top,
        right,
        bottom,
    };
    // Row i is centred on y = n − i − 0.5, so the first item is at the top.
    let row_center = |i: usize| frame.map(x.lo, n as f64 - i as f64 - 0.5).1;
    let row_height = (bottom - top) / n.max(1) as f64;
    for i in (1..n).step_by(2) {
        let cy = row_center(i);
        root.draw(&Rectangle::new(
            [
                (to_px(left), to_px(cy - row_height / 2.0)),
                (to_px(right), to_px(cy + row_height / 2.0)),
            ],
            fill(STRIPE),
        ))?;
    }
    let xt = x_ticks(&x, right - left);
    draw_axes(root, &frame, &xt, &[], &chart.x_label, "")?;
    let label_style = text_style(LEGEND_PX, INK, HPos::Right, VPos::Center);
    let cap = (row_height * 0.25).clamp(2.0, 6.0);
    for (i, (item, label)) in chart.items.iter().zip(&labels).enumerate() {
        let cy = row_center(i);
        root.draw_text(label, &label_style, (to_px(left - 10.0), to_px(cy)))?;
        let px = |v: f64| Scale::axis(false, v).map(|u| frame.map(u, 0.0).0);
        let (lower, upper, estimate) = (px(item.lower), px(item.upper), px(item.estimate));
        if let (Some(a), Some(b)) = (lower, upper) {
            let (a, b) = (a.min(b), a.max(b));
            let style = line_stroke(item.color, 2, Dash::Solid);
            draw_line(root, (a, cy), (b, cy), style)?;
            draw_line(root, (a, cy - cap), (a, cy + cap), style)?;
            draw_line(root, (b, cy - cap), (b, cy + cap), style)?;
        }
        if let Some(e) = estimate {
            let center = (to_px(e), to_px(cy));
            let white = RGBAColor(0xff, 0xff, 0xff, 1.0);
            root.draw(&Circle::new(center, 6, fill(white)))?;
            root.draw(&Circle::new(center, 5, fill(item.color.alpha(1.0))))?;
        }
        if lower.is_none() && upper.is_none() && estimate.is_none() {
            let style = text_style(TICK_PX, MUTED, HPos::Left, VPos::Center);
            root.draw_text("no data", &style, (to_px(left + 8.0), to_px(cy)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::color_for;
    use super::super::testing::{MAX_BYTES, NAMES, NASTY, check_svg, label, maybe_write};
    use super::*;

    fn chart(n: usize) -> IntervalChart {
        IntervalChart {
            title: format!("Mean rank {NASTY}"),
            x_label: "rank (95% bootstrap interval)".into(),
            items: (0..n)
                .map(|i| {
                    let name = NAMES[i % 13];
                    let estimate = 1.0 + i as f64 * 0.8 + (i as f64).sin();
                    Interval {
                        label: label(name, i == 2),
                        color: color_for(name),
                        estimate,
                        lower: estimate - 0.5 - 0.1 * i as f64,
                        upper: estimate + 0.7,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn realistic_chart_is_valid_and_small() {
        let c = chart(13);
        let svg = interval_chart(&c);
        let text = check_svg(&svg);
        assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
        assert!(text.contains(&c.title));
        assert!(text.contains(&format!("adagrad {NASTY}")));
        assert!(text.contains("rank (95% bootstrap interval)"));
        assert!(text.contains("lion"));
        maybe_write("interval", &svg);
        eprintln!("interval chart 13 rows: {} bytes", svg.len());
        let tall = interval_chart(&chart(60));
        check_svg(&tall);
        assert!(tall.len() < MAX_BYTES);
    }

    #[test]
    fn degenerate_intervals_do_not_panic() {
        let mut c = chart(3);
        c.items[0].estimate = f64::NAN;
        c.items[1].lower = f64::INFINITY;
        c.items[2] = Interval {
            lower: 5.0,
            upper: 1.0,
            ..c.items[2].clone()
        };
        check_svg(&interval_chart(&c));
        let mut single = chart(1);
        single.items[0].lower = 2.0;
        single.items[0].upper = 2.0;
        single.items[0].estimate = 2.0;
        check_svg(&interval_chart(&single));
        let mut none = chart(2);
        for item in &mut none.items {
            item.estimate = f64::NAN;
            item.lower = f64::NEG_INFINITY;
            item.upper = f64::NAN;
        }
        let text = check_svg(&interval_chart(&none));
        assert!(text.contains(NO_FINITE_DATA));
        let mut partly = chart(2);
        partly.items[1].estimate = f64::NAN;
        partly.items[1].lower = f64::NAN;
        partly.items[1].upper = f64::NAN;
        let text = check_svg(&interval_chart(&partly));
        assert!(text.contains("no data"));
        let text = check_svg(&interval_chart(&chart(0)));
        assert!(text.contains(NO_FINITE_DATA));
    }

    // Snapshot test (insta): any change to the SVG this figure draws fails it, so every visible
    // change is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::figures`, then review the diff of
    // `src/report/figures/snapshots/` and commit it with the change.
    /// A small fixed chart: three rows, one interval reaching past the others.
    #[test]
    fn small_chart_svg_matches_its_snapshot() {
        let row = |label: &str, color: Rgb, estimate: f64, lower: f64, upper: f64| Interval {
            label: label.into(),
            color,
            estimate,
            lower,
            upper,
        };
        let chart = IntervalChart {
            title: "Mean rank <tuned> & 95% interval".into(),
            x_label: "rank".into(),
            items: vec![
                row("adam", Rgb(0x00, 0x72, 0xb2), 1.4, 1.0, 2.1),
                row("sgd", Rgb(0xd5, 0x5e, 0x00), 2.2, 1.5, 3.0),
                row("rprop", Rgb(0x00, 0x9e, 0x73), 2.4, 1.2, 4.5),
            ],
        };
        let svg = interval_chart(&chart);
        check_svg(&svg);
        insta::assert_snapshot!("interval_chart", svg);
    }
}
