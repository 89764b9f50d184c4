//! Heatmaps: a grid of coloured cells with a text in each, row labels on the left, column
//! labels on top (rotated when they do not fit), and under the grid the legend text and a
//! colour bar from "better" to "worse".
//!
//! May use: the kit beside it (`palette`, `number`, `text`, `geometry`, `svg`, `frame`) and
//! plotters; nothing else of the crate.

use plotters::prelude::Rectangle;
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::TITLE_BAND;
use super::geometry::to_px;
use super::number::fmt_sig;
use super::palette::{NO_DATA, Rgb};
use super::svg::{Area, DrawResult, HEIGHT, WIDTH, draw_title, fill, note_svg, render};
use super::text::{
    GLYPH_EM, INK, LEGEND_PX, MUTED, fit_label, fit_text, rotated, text_style, text_width, truncate,
};

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

/// Colour of the best value.
const GOOD: Rgb = Rgb(0x2c, 0x7b, 0xb6);
/// Colour of the middle of the range (and of every cell when all values are equal).
const MIDDLE: Rgb = Rgb(0xff, 0xff, 0xbf);
/// Colour of the worst value.
const BAD: Rgb = Rgb(0xd7, 0x19, 0x1c);
/// The good end's colour in words, for captions (a test checks it names [`GOOD`]).
pub const GOOD_COLOUR: &str = "blue";
/// The bad end's colour in words, for captions (a test checks it names [`BAD`]).
pub const BAD_COLOUR: &str = "red";
/// Height of one row of cells.
const ROW_HEIGHT: f64 = 28.0;
/// Widest row or column label, in pixels.
const LABEL_MAX: f64 = 220.0;
/// Rendered size of the text in cells (shrunk to fit narrow cells, never below `CELL_MIN_PX`).
const CELL_PX: f64 = 12.0;
/// Smallest cell text.
const CELL_MIN_PX: f64 = 7.0;
/// Height of one line of legend text.
const LINE_HEIGHT: f64 = 18.0;
/// Most lines of legend text.
const LEGEND_LINES: usize = 4;
/// Number of steps drawn in the colour bar.
const BAR_STEPS: usize = 24;
/// Width of one colour bar step.
const BAR_STEP_WIDTH: f64 = 7.0;

/// The colour of a cell whose value sits at `badness` in `[0, 1]` (0 best, 1 worst).
fn ramp(badness: f64) -> Rgb {
    if badness <= 0.5 {
        GOOD.mix(MIDDLE, badness * 2.0)
    } else {
        MIDDLE.mix(BAD, (badness - 0.5) * 2.0)
    }
}

/// Black or white, whichever reads better on `background`.
fn ink_on(background: Rgb) -> Rgb {
    if background.brightness() < 150.0 {
        Rgb(0xff, 0xff, 0xff)
    } else {
        Rgb(0x11, 0x11, 0x11)
    }
}

/// Words of `text` wrapped into lines of at most `width` characters, at most `max_lines`
/// lines (the last one ends in "…" when text was left out).
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(8);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word = truncate(word, width);
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = format!(
                "{}…",
                truncate(last, width.saturating_sub(1)).trim_end_matches('…')
            );
        }
    }
    lines
}

/// The layout of a heatmap, in pixels.
struct Layout {
    /// Number of rows and columns of cells.
    rows: usize,
    /// Number of columns.
    columns: usize,
    /// Left edge of the grid.
    left: f64,
    /// Top edge of the grid.
    top: f64,
    /// Width of one cell.
    cell_width: f64,
    /// Column labels are rotated (read bottom to top).
    rotate_columns: bool,
    /// Row labels, truncated.
    row_labels: Vec<String>,
    /// Column labels, truncated.
    column_labels: Vec<String>,
    /// Legend text lines.
    legend: Vec<String>,
    /// Figure height.
    height: f64,
}

/// Draws a heatmap (see [`Heatmap`]) and returns the SVG document.
///
/// Colours run from blue (good) through pale yellow to red (bad) across the finite values
/// present (all equal: the middle colour); `None` and non-finite cells are grey. The figure
/// grows by 28 pixels per row (plus room for the labels and the legend) and is at least
/// `HEIGHT / 2` high.
pub fn heatmap(map: &Heatmap) -> String {
    let rows = map.rows.len().max(map.values.len());
    let widest_row = map.values.iter().map(Vec::len).max().unwrap_or(0);
    let columns = map.columns.len().max(widest_row);
    if rows == 0 || columns == 0 {
        return note_svg(WIDTH, HEIGHT / 2, &map.title, "no data");
    }
    let layout = layout(map, rows, columns);
    let height = layout.height.ceil().clamp(1.0, 1e6) as u32;
    render(WIDTH, height, &map.title, |root| draw(root, map, &layout))
}

/// Computes label sizes and the grid position.
fn layout(map: &Heatmap, rows: usize, columns: usize) -> Layout {
    let width = f64::from(WIDTH);
    let label = |labels: &[String], i: usize| {
        labels
            .get(i)
            .map(|l| fit_label(l, LEGEND_PX, LABEL_MAX))
            .unwrap_or_default()
    };
    let row_labels: Vec<String> = (0..rows).map(|r| label(&map.rows, r)).collect();
    let column_labels: Vec<String> = (0..columns).map(|c| label(&map.columns, c)).collect();
    let widest = |labels: &[String]| {
        labels
            .iter()
            .map(|l| text_width(l, LEGEND_PX))
            .fold(0.0, f64::max)
    };
    let left = 12.0 + widest(&row_labels) + 10.0;
    let cell_width = ((width - left - 16.0) / columns as f64).max(1.0);
    let widest_column = widest(&column_labels);
    let rotate_columns = widest_column > cell_width - 6.0;
    let column_band = if rotate_columns {
        widest_column + 14.0
    } else {
        LEGEND_PX + 12.0
    };
    let top = TITLE_BAND + column_band;
    let chars_per_line = ((width - 24.0) / (LEGEND_PX * GLYPH_EM)).floor() as usize;
    let legend = wrap(&map.legend, chars_per_line, LEGEND_LINES);
    let grid_bottom = top + rows as f64 * ROW_HEIGHT;
    let below = 14.0 + legend.len() as f64 * LINE_HEIGHT + 8.0 + 16.0 + 12.0;
    let height = (grid_bottom + below).max(f64::from(HEIGHT / 2));
    Layout {
        rows,
        columns,
        left,
        top,
        cell_width,
        rotate_columns,
        row_labels,
        column_labels,
        legend,
        height,
    }
}

/// The finite value of cell `(r, c)`, if any.
fn value(map: &Heatmap, r: usize, c: usize) -> Option<f64> {
    map.values
        .get(r)
        .and_then(|row| row.get(c))
        .copied()
        .flatten()
        .filter(|v| v.is_finite())
}

/// Draws the whole heatmap on `root`.
fn draw(root: &Area<'_>, map: &Heatmap, layout: &Layout) -> DrawResult {
    let width = f64::from(WIDTH);
    draw_title(root, &map.title, width)?;
    let finite: Vec<f64> = (0..layout.rows)
        .flat_map(|r| (0..layout.columns).filter_map(move |c| value(map, r, c)))
        .collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let badness = |v: f64| {
        let t = if hi > lo && (hi - lo).is_finite() {
            (v - lo) / (hi - lo)
        } else {
            0.5
        };
        if map.lower_is_better { t } else { 1.0 - t }
    };
    let (left, top, cw) = (layout.left, layout.top, layout.cell_width);
    let cell_px = cell_text_px(map, cw);
    let mut any_missing = false;
    for r in 0..layout.rows {
        let y0 = top + r as f64 * ROW_HEIGHT;
        for c in 0..layout.columns {
            let x0 = left + c as f64 * cw;
            let v = value(map, r, c);
            any_missing |= v.is_none();
            let color = v.map_or(NO_DATA, |v| ramp(badness(v)));
            let (inset_x, inset_y) = (if cw > 4.0 { 1.0 } else { 0.0 }, 1.0);
            root.draw(&Rectangle::new(
                [
                    (to_px(x0 + inset_x), to_px(y0 + inset_y)),
                    (to_px(x0 + cw - inset_x), to_px(y0 + ROW_HEIGHT - inset_y)),
                ],
                fill(color.alpha(1.0)),
            ))?;
            let text = map
                .text
                .get(r)
                .and_then(|row| row.get(c))
                .map(|t| t.trim())
                .unwrap_or("");
            if !text.is_empty() {
                let center = (x0 + cw / 2.0, y0 + ROW_HEIGHT / 2.0);
                draw_cell_text(root, (text, cell_px), color, center, cw)?;
            }
        }
        let style = text_style(LEGEND_PX, INK, HPos::Right, VPos::Center);
        let label = &layout.row_labels[r];
        root.draw_text(
            label,
            &style,
            (to_px(left - 8.0), to_px(y0 + ROW_HEIGHT / 2.0)),
        )?;
    }
    for (c, label) in layout.column_labels.iter().enumerate() {
        let x = left + (c as f64 + 0.5) * cw;
        if layout.rotate_columns {
            let style = rotated(text_style(LEGEND_PX, INK, HPos::Left, VPos::Center));
            root.draw_text(label, &style, (to_px(x), to_px(top - 6.0)))?;
        } else {
            let style = text_style(LEGEND_PX, INK, HPos::Center, VPos::Bottom);
            root.draw_text(label, &style, (to_px(x), to_px(top - 6.0)))?;
        }
    }
    let mut y = top + layout.rows as f64 * ROW_HEIGHT + 14.0;
    let style = text_style(LEGEND_PX, INK, HPos::Left, VPos::Top);
    for line in &layout.legend {
        root.draw_text(line, &style, (12, to_px(y)))?;
        y += LINE_HEIGHT;
    }
    y += 8.0;
    if finite.is_empty() {
        let style = text_style(LEGEND_PX, MUTED, HPos::Left, VPos::Center);
        return root.draw_text("no finite values", &style, (12, to_px(y + 6.0)));
    }
    let (good, bad) = if map.lower_is_better {
        (lo, hi)
    } else {
        (hi, lo)
    };
    draw_colour_bar(root, y, good, bad, any_missing)
}

/// One text size for every cell: the largest (up to `CELL_PX`) at which the longest cell
/// text fits a cell `width` pixels wide, never below `CELL_MIN_PX`.
fn cell_text_px(map: &Heatmap, width: f64) -> f64 {
    let longest = map
        .text
        .iter()
        .flatten()
        .map(|t| t.trim().chars().count())
        .max()
        .unwrap_or(0)
        .max(1);
    ((width - 4.0).max(1.0) / (longest as f64 * GLYPH_EM)).clamp(CELL_MIN_PX, CELL_PX)
}

/// Draws the text of one cell at `px` centred on `center`, truncated to fit `width`.
fn draw_cell_text(
    root: &Area<'_>,
    (text, px): (&str, f64),
    background: Rgb,
    center: (f64, f64),
    width: f64,
) -> DrawResult {
    let text = fit_text(text, px, (width - 4.0).max(1.0));
    let style = text_style(px, ink_on(background).rgb(), HPos::Center, VPos::Center);
    root.draw_text(&text, &style, (to_px(center.0), to_px(center.1)))
}

/// Draws "better `good` [colour bar] `bad` worse" at height `y`, and a grey "no data"
/// swatch when some cells have no value.
fn draw_colour_bar(root: &Area<'_>, y: f64, good: f64, bad: f64, any_missing: bool) -> DrawResult {
    let cy = y + 8.0;
    let before = format!("better  {}", fmt_sig(good));
    let after = format!("{}  worse", fmt_sig(bad));
    let start = 12.0 + text_width(&before, LEGEND_PX) + 8.0;
    let right = text_style(LEGEND_PX, INK, HPos::Right, VPos::Center);
    root.draw_text(&before, &right, (to_px(start - 8.0), to_px(cy)))?;
    for k in 0..BAR_STEPS {
        let x0 = start + k as f64 * BAR_STEP_WIDTH;
        let color = ramp(k as f64 / (BAR_STEPS - 1) as f64);
        root.draw(&Rectangle::new(
            [
                (to_px(x0), to_px(cy - 6.0)),
                (to_px(x0 + BAR_STEP_WIDTH), to_px(cy + 6.0)),
            ],
            fill(color.alpha(1.0)),
        ))?;
    }
    let end = start + BAR_STEPS as f64 * BAR_STEP_WIDTH;
    let left = text_style(LEGEND_PX, INK, HPos::Left, VPos::Center);
    root.draw_text(&after, &left, (to_px(end + 8.0), to_px(cy)))?;
    if any_missing {
        let x = end + 8.0 + text_width(&after, LEGEND_PX) + 24.0;
        root.draw(&Rectangle::new(
            [
                (to_px(x), to_px(cy - 6.0)),
                (to_px(x + 18.0), to_px(cy + 6.0)),
            ],
            fill(NO_DATA.alpha(1.0)),
        ))?;
        root.draw_text("no data", &left, (to_px(x + 24.0), to_px(cy)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{MAX_BYTES, NASTY, check_svg, maybe_write};
    use super::*;

    fn map(rows: usize, columns: usize) -> Heatmap {
        let values: Vec<Vec<Option<f64>>> = (0..rows)
            .map(|r| {
                (0..columns)
                    .map(|c| {
                        let v = (r as f64 * 0.7).sin() + (c as f64 * 0.3).cos();
                        ((r + c) % 7 != 3).then_some(v)
                    })
                    .collect()
            })
            .collect();
        let text = values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v| v.map(|v| format!("{v:.2}")).unwrap_or_default())
                    .collect()
            })
            .collect();
        Heatmap {
            title: format!("Final loss {NASTY}"),
            rows: (0..rows)
                .map(|r| {
                    if r == 1 {
                        format!("row {NASTY}")
                    } else {
                        format!("optimizer-{r}")
                    }
                })
                .collect(),
            columns: (0..columns).map(|c| format!("schedule {c}")).collect(),
            values,
            text,
            lower_is_better: true,
            legend: "Median final loss across seeds; blue is better. Grey cells have no run \
                     that finished."
                .into(),
        }
    }

    #[test]
    fn realistic_heatmap_is_valid_and_small() {
        let m = map(16, 16);
        let svg = heatmap(&m);
        let text = check_svg(&svg);
        assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
        assert!(text.contains(&m.title));
        assert!(text.contains(&format!("row {NASTY}")));
        assert!(text.contains("schedule 15"));
        assert!(text.contains("Median final loss"));
        assert!(text.contains("better") && text.contains("no data"));
        assert!(
            svg.contains("transform=\"rotate(270"),
            "long column labels are rotated"
        );
        maybe_write("heatmap_16x16", &svg);
        eprintln!("heatmap 16×16: {} bytes", svg.len());
        let small = map(4, 3);
        let svg = heatmap(&small);
        check_svg(&svg);
        assert!(!svg.contains("rotate(270"), "short labels stay horizontal");
        maybe_write("heatmap_4x3", &svg);
    }

    #[test]
    fn height_grows_with_rows() {
        let height = |svg: &str| -> u32 {
            let rest = &svg[svg.find("height=\"").expect("height") + 8..];
            rest[..rest.find('"').expect("quote")]
                .parse()
                .expect("number")
        };
        assert_eq!(height(&heatmap(&map(2, 2))), HEIGHT / 2);
        assert!(height(&heatmap(&map(40, 2))) > 40 * 28);
    }

    #[test]
    fn colours_follow_the_direction() {
        let mut m = map(1, 2);
        m.values = vec![vec![Some(1.0), Some(2.0)]];
        m.text = vec![vec!["1".into(), "2".into()]];
        let svg = heatmap(&m);
        check_svg(&svg);
        let first = svg.find(&GOOD.hex().to_uppercase()).expect("good colour");
        let second = svg.find(&BAD.hex().to_uppercase()).expect("bad colour");
        assert!(first < second, "low value drawn first, in the good colour");
        m.lower_is_better = false;
        let svg = heatmap(&m);
        let first = svg.find(&BAD.hex().to_uppercase()).expect("bad colour");
        let second = svg.find(&GOOD.hex().to_uppercase()).expect("good colour");
        assert!(first < second);
        m.values = vec![vec![Some(3.0), Some(3.0)]];
        let svg = heatmap(&m);
        assert!(svg.contains(&MIDDLE.hex().to_uppercase()));
    }

    #[test]
    fn degenerate_heatmaps_do_not_panic() {
        let empty = Heatmap {
            title: "Empty".into(),
            rows: vec![],
            columns: vec![],
            values: vec![],
            text: vec![],
            lower_is_better: true,
            legend: String::new(),
        };
        let text = check_svg(&heatmap(&empty));
        assert!(text.contains("Empty"));
        let all_none = Heatmap {
            rows: vec!["a".into(), "b".into()],
            columns: vec!["x".into()],
            values: vec![vec![None], vec![Some(f64::NAN)]],
            text: vec![vec!["".into()]],
            ..empty.clone()
        };
        let text = check_svg(&heatmap(&all_none));
        assert!(text.contains("no finite values"));
        let ragged = Heatmap {
            rows: vec!["only".into()],
            columns: vec![],
            values: vec![
                vec![Some(1.0), Some(f64::INFINITY)],
                vec![],
                vec![Some(-2.0)],
            ],
            text: vec![vec!["a very long cell text that cannot fit".into()]],
            legend: "word ".repeat(200),
            ..empty.clone()
        };
        check_svg(&heatmap(&ragged));
        let wide = Heatmap {
            rows: vec!["r".repeat(60)],
            columns: (0..80)
                .map(|c| format!("column {c} with a long name"))
                .collect(),
            values: vec![(0..80).map(|c| Some(f64::from(c))).collect()],
            text: vec![(0..80).map(|c| format!("{c}.000")).collect()],
            ..empty
        };
        check_svg(&heatmap(&wide));
    }

    #[test]
    fn wraps_legend_text() {
        assert_eq!(wrap("aaa bbbb cc", 8, 3), vec!["aaa bbbb", "cc"]);
        let lines = wrap(&"word ".repeat(100), 20, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(wrap("", 10, 2).is_empty());
    }

    /// Captions name the heatmap's colours by these words: they must be the colours drawn.
    #[test]
    fn the_colour_words_name_the_colours_drawn() {
        let hue = |c: Rgb| {
            let (r, g, b) = (f64::from(c.0), f64::from(c.1), f64::from(c.2));
            if b > r && b > g {
                "blue"
            } else if r > g && r > b {
                "red"
            } else {
                "other"
            }
        };
        assert_eq!(hue(GOOD), GOOD_COLOUR);
        assert_eq!(hue(BAD), BAD_COLOUR);
    }

    // Snapshot test (insta): any change to the SVG this figure draws fails it, so every visible
    // change is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::figures`, then review the diff of
    // `src/report/figures/snapshots/` and commit it with the change.
    /// A small fixed heatmap: 3 × 3, one cell without data, lower is better.
    #[test]
    fn small_heatmap_svg_matches_its_snapshot() {
        let values = vec![
            vec![Some(0.01), Some(0.1), Some(1.0)],
            vec![Some(0.5), None, Some(0.02)],
            vec![Some(2.0), Some(0.3), Some(0.05)],
        ];
        let text = values
            .iter()
            .map(|row| {
                row.iter()
                    .map(|v: &Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default())
                    .collect()
            })
            .collect();
        let map = Heatmap {
            title: "Final objective <by> schedule & optimizer".into(),
            rows: vec!["sgd".into(), "adam".into(), "rprop".into()],
            columns: vec!["constant".into(), "cosine".into(), "step".into()],
            values,
            text,
            lower_is_better: true,
            legend: "Median final objective across seeds; grey: no run finished.".into(),
        };
        let svg = heatmap(&map);
        check_svg(&svg);
        insta::assert_snapshot!("heatmap", svg);
    }
}
