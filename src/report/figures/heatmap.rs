//! Heatmaps: a grid of coloured cells with a text in each, row labels on the left, column
//! labels on top (rotated when they do not fit), and under the grid the legend text and a
//! colour bar from "better" to "worse" with round ticks in the quantity the values stand for
//! ([`ColourTicks`]).
//!
//! May use: the kit beside it (`palette`, `number`, `text`, `geometry`, `svg`, `frame`) and
//! plotters; nothing else of the crate.

use plotters::prelude::{Color, Rectangle};
use plotters::style::text_anchor::{HPos, VPos};

use super::frame::TITLE_BAND;
use super::geometry::to_px;
use super::number::{digits_label, fmt_sig, round_label};
use super::palette::{NO_DATA, Rgb};
use super::svg::{
    Area, DrawResult, HEIGHT, WIDTH, draw_line, draw_title, fill, note_svg, render, stroke,
};
use super::text::{
    GLYPH_EM, INK, LEGEND_PX, MUTED, TICK_PX, fit_label, fit_text, rotated, text_style, text_width,
    truncate,
};

/// A matrix of coloured cells with a number in each: optimizer × schedule, optimizer × batch
/// mode, pairwise win rates.
#[derive(Debug, Clone, Default, PartialEq)]
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

/// What a heatmap's values stand for, so that its colour bar's ticks read in the quantity a
/// reader knows: round numbers of at most two significant digits, labels of at most six
/// characters. The default is [`ColourTicks::Plain`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColourTicks {
    /// The values themselves: "0.2", "15", "-3e-4".
    #[default]
    Plain,
    /// log10 of a ratio: ticks at round ratios, "0.1×", "0.5×", "1×", "10×".
    Log10Ratio,
    /// log10 of a positive quantity (a gap): ticks at round quantities, "1e-4", "0.01", "2".
    Log10Value,
    /// Shares in [0, 1]: ticks in percent, "25%", "50%".
    Percent,
}

impl ColourTicks {
    /// Whether the values are log10 of the quantity shown.
    fn is_log(self) -> bool {
        matches!(self, ColourTicks::Log10Ratio | ColourTicks::Log10Value)
    }

    /// The quantity shown for value `v`.
    fn quantity(self, v: f64) -> f64 {
        match self {
            ColourTicks::Plain => v,
            ColourTicks::Percent => 100.0 * v,
            ColourTicks::Log10Ratio | ColourTicks::Log10Value => 10f64.powf(v),
        }
    }

    /// The value that quantity `q` stands for.
    fn value(self, q: f64) -> f64 {
        match self {
            ColourTicks::Plain => q,
            ColourTicks::Percent => q / 100.0,
            ColourTicks::Log10Ratio | ColourTicks::Log10Value => q.log10(),
        }
    }

    /// The tick label of a quantity whose number reads `number`.
    fn label(self, number: String) -> String {
        match self {
            ColourTicks::Plain | ColourTicks::Log10Value => number,
            ColourTicks::Percent => number + "%",
            ColourTicks::Log10Ratio => number + "×",
        }
    }
}

/// Longest colour bar tick label, in characters.
const MAX_TICK_CHARS: usize = 6;
/// Fewest ticks on the colour bar (for finite values).
const MIN_BAR_TICKS: usize = 3;

/// A family of round ticks, coarsest first in [`candidates`].
#[derive(Debug, Clone, Copy)]
enum Lattice {
    /// Multiples of `n` × 10^`p` (`n` = 1, 2 or 5) of the quantity shown.
    Step { n: i64, p: i32 },
    /// Every `stride`-th power of ten (log values only).
    Decades(i64),
    /// `m` × 10^e for these mantissas `m` (log values only).
    Mantissas(&'static [u32]),
}

/// Whether `q` has at most two significant digits.
fn two_digits(q: f64) -> bool {
    if q == 0.0 {
        return true;
    }
    let e = q.abs().log10().floor() as i32;
    let scaled = q.abs() / 10f64.powi(e - 1);
    (scaled - scaled.round()).abs() < 1e-6
}

/// The ticks of `lattice` with values in `a..=b`, as (value, label); `None` when a label would
/// have more than two significant digits or [`MAX_TICK_CHARS`] characters, or there are too
/// many to ever fit.
fn lattice_ticks(
    kind: ColourTicks,
    lattice: Lattice,
    a: f64,
    b: f64,
) -> Option<Vec<(f64, String)>> {
    const MOST: i64 = 60;
    let mut ticks: Vec<(f64, String)> = Vec::new();
    match lattice {
        Lattice::Step { n, p } => {
            let step = n as f64 * 10f64.powi(p);
            let (qa, qb) = (kind.quantity(a), kind.quantity(b));
            let (k0, k1) = ((qa / step).ceil(), (qb / step).floor());
            if !(k0.is_finite() && k1.is_finite()) || k1 - k0 >= MOST as f64 {
                return None;
            }
            for k in k0 as i64..=k1 as i64 {
                // k·n·10^p, divided by an exact power of ten so 0.3 reads 0.3.
                let i = (k * n) as f64;
                let q = if p >= 0 {
                    i * 10f64.powi(p)
                } else {
                    i / 10f64.powi(-p)
                };
                if kind.is_log() && q <= 0.0 {
                    continue;
                }
                if !two_digits(q) {
                    return None;
                }
                // q lies in qa..=qb, but its value may round an ulp outside a..=b.
                let v = kind.value(q).clamp(a, b);
                ticks.push((v, kind.label(round_label(q))));
            }
        }
        Lattice::Decades(stride) => {
            let (e0, e1) = (a.ceil(), b.floor());
            if !(e0.is_finite() && e1.is_finite()) || (e1 - e0) / stride as f64 >= MOST as f64 {
                return None;
            }
            for e in (e0 as i64..=e1 as i64).filter(|e| e.rem_euclid(stride) == 0) {
                let label = digits_label(false, 10, e as i32);
                ticks.push((e as f64, kind.label(label)));
            }
        }
        Lattice::Mantissas(mantissas) => {
            let (e0, e1) = (a.floor(), b.floor());
            if !(e0.is_finite() && e1.is_finite()) || e1 - e0 >= MOST as f64 / 3.0 {
                return None;
            }
            for e in e0 as i64..=e1 as i64 {
                for &m in mantissas {
                    let v = e as f64 + f64::from(m).log10();
                    if v >= a && v <= b {
                        let label = digits_label(false, i64::from(m) * 10, e as i32);
                        ticks.push((v, kind.label(label)));
                    }
                }
            }
        }
    }
    let short = ticks
        .iter()
        .all(|(v, l)| v.is_finite() && l.chars().count() <= MAX_TICK_CHARS);
    short.then_some(ticks)
}

/// The lattices to try for values `lo..=hi`, coarsest first.
fn candidates(kind: ColourTicks, lo: f64, hi: f64) -> Vec<Lattice> {
    let steps =
        |top: i32| (0..6).flat_map(move |d| [5, 2, 1].map(|n| Lattice::Step { n, p: top - d }));
    let magnitude = |q: f64| {
        if q > 0.0 && q.is_finite() {
            q.log10().floor() as i32
        } else {
            0
        }
    };
    if kind.is_log() {
        let mut out: Vec<Lattice> = [100, 50, 20, 10, 5, 2, 1].map(Lattice::Decades).to_vec();
        out.push(Lattice::Mantissas(&[1, 3]));
        out.push(Lattice::Mantissas(&[1, 2, 5]));
        out.push(Lattice::Mantissas(&[1, 2, 3, 4, 5, 6, 7, 8, 9]));
        out.extend(steps(magnitude(kind.quantity(hi))));
        out
    } else {
        let (qa, qb) = (kind.quantity(lo), kind.quantity(hi));
        let big = qa.abs().max(qb.abs()).max(qb - qa);
        steps(magnitude(big) + 1).collect()
    }
}

/// The range of values a colour bar shows and its ticks as (value, label).
type BarTicks = ((f64, f64), Vec<(f64, String)>);

/// Whether the labels of `ticks` on a bar showing values `domain` keep apart.
fn ticks_fit(ticks: &[(f64, String)], (a, b): (f64, f64)) -> bool {
    let width = BAR_STEPS as f64 * BAR_STEP_WIDTH;
    let labels: std::collections::HashSet<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
    labels.len() == ticks.len()
        && b > a
        && ticks.windows(2).all(|w| {
            let gap = (w[1].0 - w[0].0) / (b - a) * width;
            gap >= (text_width(&w[0].1, TICK_PX) + text_width(&w[1].1, TICK_PX)) / 2.0 + 6.0
        })
}

/// The ticks of `lattice` inside `lo..=hi`, and when fewer than [`MIN_BAR_TICKS`], the nearest
/// ones outside, with the range the bar must then show.
fn widened(kind: ColourTicks, lattice: Lattice, lo: f64, hi: f64) -> Option<BarTicks> {
    let (a, b) = match lattice {
        Lattice::Step { n, p } => {
            let reach = 3.0 * n as f64 * 10f64.powi(p);
            let (qa, qb) = (kind.quantity(lo) - reach, kind.quantity(hi) + reach);
            let qa = if kind.is_log() && qa <= 0.0 {
                reach / 3.0
            } else {
                qa
            };
            (kind.value(qa).min(lo), kind.value(qb).max(hi))
        }
        Lattice::Decades(stride) => (lo - 3.0 * stride as f64, hi + 3.0 * stride as f64),
        Lattice::Mantissas(_) => (lo - 2.0, hi + 2.0),
    };
    let ticks = lattice_ticks(kind, lattice, a, b)?;
    let inside: Vec<(f64, String)> = ticks
        .iter()
        .filter(|(v, _)| *v >= lo && *v <= hi)
        .cloned()
        .collect();
    let mut below = ticks.iter().filter(|(v, _)| *v < lo).rev().peekable();
    let mut above = ticks.iter().filter(|(v, _)| *v > hi).peekable();
    let (mut low, mut high) = (Vec::new(), Vec::new());
    while inside.len() + low.len() + high.len() < MIN_BAR_TICKS {
        let take_below = match (below.peek(), above.peek()) {
            (Some((vb, _)), Some((va, _))) => lo - vb <= va - hi,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        if take_below {
            low.extend(below.next().cloned());
        } else {
            high.extend(above.next().cloned());
        }
    }
    low.reverse();
    let all: Vec<(f64, String)> = low.into_iter().chain(inside).chain(high).collect();
    let first = all.first().map_or(lo, |t| t.0);
    let last = all.last().map_or(hi, |t| t.0);
    Some(((first.min(lo), last.max(hi)), all))
}

/// The colour bar for finite values `lo..=hi`: the range of values it shows (`lo..=hi`, or
/// wider when fewer than [`MIN_BAR_TICKS`] round ticks fit inside) and its ticks as (value,
/// label), increasing: the coarsest round ticks of which at least [`MIN_BAR_TICKS`] lie inside
/// and their labels keep apart, else those of the least widening.
fn bar_ticks(kind: ColourTicks, lo: f64, hi: f64) -> BarTicks {
    let lattices = candidates(kind, lo, hi);
    if hi > lo {
        for &lattice in &lattices {
            if let Some(ticks) = lattice_ticks(kind, lattice, lo, hi)
                && ticks.len() >= MIN_BAR_TICKS
                && ticks_fit(&ticks, (lo, hi))
            {
                return ((lo, hi), ticks);
            }
        }
    }
    let mut best: Option<BarTicks> = None;
    for &lattice in &lattices {
        let Some((domain, ticks)) = widened(kind, lattice, lo, hi) else {
            continue;
        };
        let narrower = best
            .as_ref()
            .is_none_or(|((a, b), _)| domain.1 - domain.0 < b - a);
        if narrower && ticks_fit(&ticks, domain) {
            best = Some((domain, ticks));
        }
    }
    best.unwrap_or_else(|| {
        // Values beyond what round ticks can label (near the largest doubles): the two ends.
        let mut ticks = vec![(lo, fmt_sig(lo))];
        if hi > lo {
            ticks.push((hi, fmt_sig(hi)));
        }
        ((lo, hi), ticks)
    })
}

/// Colour of the best value.
const GOOD: Rgb = Rgb(0x2c, 0x7b, 0xb6);
/// Colour of the middle of the range (and of every cell when all values are equal).
const MIDDLE: Rgb = Rgb(0xff, 0xff, 0xbf);
/// Colour of the worst value.
const BAD: Rgb = Rgb(0xd7, 0x19, 0x1c);
/// The good end's colour in words, for captions (a test checks it names `GOOD`).
pub const GOOD_COLOUR: &str = "blue";
/// The bad end's colour in words, for captions (a test checks it names `BAD`).
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
const BAR_STEPS: usize = 60;
/// Width of one colour bar step.
const BAR_STEP_WIDTH: f64 = 5.0;
/// Height of the colour bar's tick marks and labels under it.
const BAR_TICK_BAND: f64 = 18.0;

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

/// Draws a heatmap (see [`Heatmap`]) whose colour bar labels the values themselves
/// ([`ColourTicks::Plain`]) and returns the SVG document; see [`heatmap_with`].
pub fn heatmap(map: &Heatmap) -> String {
    heatmap_with(map, ColourTicks::Plain)
}

/// Draws a heatmap (see [`Heatmap`]) whose colour bar reads in the quantity `ticks` says the
/// values stand for, and returns the SVG document.
///
/// Colours run from blue (good) through pale yellow to red (bad) across the finite values
/// present (all equal: the middle colour); `None` and non-finite cells are grey. Under the
/// legend text, the colour bar runs from "better" to "worse" with at least three round ticks
/// (widened past the values, in their end colours, when fewer fit inside). The figure grows by
/// 28 pixels per row (plus room for the labels and the legend) and is at least `HEIGHT / 2`
/// high.
pub fn heatmap_with(map: &Heatmap, ticks: ColourTicks) -> String {
    let rows = map.rows.len().max(map.values.len());
    let widest_row = map.values.iter().map(Vec::len).max().unwrap_or(0);
    let columns = map.columns.len().max(widest_row);
    if rows == 0 || columns == 0 {
        return note_svg(WIDTH, HEIGHT / 2, &map.title, "no data");
    }
    let layout = layout(map, rows, columns);
    let height = layout.height.ceil().clamp(1.0, 1e6) as u32;
    render(WIDTH, height, &map.title, |root| {
        draw(root, map, ticks, &layout)
    })
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
    let below = 14.0 + legend.len() as f64 * LINE_HEIGHT + 8.0 + 16.0 + BAR_TICK_BAND + 12.0;
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
fn draw(root: &Area<'_>, map: &Heatmap, kind: ColourTicks, layout: &Layout) -> DrawResult {
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
    let bar = ColourBar {
        kind,
        values: (lo, hi),
        lower_is_better: map.lower_is_better,
        any_missing,
    };
    draw_colour_bar(root, y, &bar)
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

/// What the colour bar shows.
struct ColourBar {
    /// What the values stand for.
    kind: ColourTicks,
    /// The range of the finite values (`lo` ≤ `hi`).
    values: (f64, f64),
    /// Whether low values are good.
    lower_is_better: bool,
    /// Some cells have no value (a "no data" swatch follows the bar).
    any_missing: bool,
}

/// Draws "better [colour bar] worse" at height `y`, the bar's ticks under it, and a grey
/// "no data" swatch when some cells have no value. The bar runs from the good end on the left;
/// where it is widened past the values, it keeps their end colours.
fn draw_colour_bar(root: &Area<'_>, y: f64, bar: &ColourBar) -> DrawResult {
    let cy = y + 8.0;
    let (lo, hi) = bar.values;
    let ((a, b), ticks) = bar_ticks(bar.kind, lo, hi);
    let width = BAR_STEPS as f64 * BAR_STEP_WIDTH;
    // The value at fraction `f` of the bar, from its left (good) end.
    let at = |f: f64| {
        if bar.lower_is_better {
            a + f * (b - a)
        } else {
            b - f * (b - a)
        }
    };
    let badness = |v: f64| {
        if hi > lo && (hi - lo).is_finite() {
            let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
            if bar.lower_is_better { t } else { 1.0 - t }
        } else {
            0.5
        }
    };
    let before = "better";
    let start = 12.0 + text_width(before, LEGEND_PX) + 8.0;
    let right = text_style(LEGEND_PX, INK, HPos::Right, VPos::Center);
    root.draw_text(before, &right, (to_px(start - 8.0), to_px(cy)))?;
    for k in 0..BAR_STEPS {
        let x0 = start + k as f64 * BAR_STEP_WIDTH;
        let color = ramp(badness(at((k as f64 + 0.5) / BAR_STEPS as f64)));
        root.draw(&Rectangle::new(
            [
                (to_px(x0), to_px(cy - 6.0)),
                (to_px(x0 + BAR_STEP_WIDTH), to_px(cy + 6.0)),
            ],
            fill(color.alpha(1.0)),
        ))?;
    }
    let tick_style = text_style(TICK_PX, INK, HPos::Center, VPos::Top);
    for (v, label) in &ticks {
        // Fraction of the way from a to b (a range too wide for doubles: its two ends).
        let f = if b > a && (b - a).is_finite() {
            (v - a) / (b - a)
        } else if b > a {
            if *v == b { 1.0 } else { 0.0 }
        } else {
            0.5
        };
        let f = if bar.lower_is_better { f } else { 1.0 - f };
        let x = start + f * width;
        draw_line(root, (x, cy + 6.0), (x, cy + 9.0), stroke(INK.to_rgba(), 1))?;
        root.draw_text(label, &tick_style, (to_px(x), to_px(cy + 11.0)))?;
    }
    let end = start + width;
    let after = "worse";
    let left = text_style(LEGEND_PX, INK, HPos::Left, VPos::Center);
    root.draw_text(after, &left, (to_px(end + 8.0), to_px(cy)))?;
    if bar.any_missing {
        let x = end + 8.0 + text_width(after, LEGEND_PX) + 24.0;
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

    /// Ranges of values each kind meets, and awkward ones: equal values, tiny spans, spans
    /// at large offsets, ranges across zero.
    fn ranges(kind: ColourTicks) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        match kind {
            ColourTicks::Plain => {
                let offsets = [
                    -1e6, -123.4, -7.0, -1.0, -3.53e-4, 0.0, 1e-9, 2e-5, 0.3, 1.0, 7.7, 101.0, 1e5,
                    3e8,
                ];
                let spans = [
                    0.0, 1e-9, 1e-6, 1e-4, 3.3e-3, 0.02, 0.15, 0.5, 1.0, 2.7, 9.0, 18.0, 101.0,
                    1e3, 5e4, 1e7,
                ];
                for lo in offsets {
                    for span in spans {
                        out.push((lo, lo + span));
                        out.push((lo - span, lo));
                    }
                }
            }
            ColourTicks::Percent => {
                let spans = [0.0, 1e-4, 0.003, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 1.0];
                for k in 0..=33 {
                    let lo = 0.03 * f64::from(k);
                    for span in spans {
                        out.push((lo, (lo + span).min(1.0)));
                    }
                }
            }
            ColourTicks::Log10Ratio | ColourTicks::Log10Value => {
                let spans = [
                    0.0, 1e-6, 1e-4, 0.003, 0.02, 0.1, 0.2, 0.35, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0,
                    5.0, 8.0, 11.0, 16.0, 24.0,
                ];
                for k in 0..=70 {
                    let lo = -12.0 + 0.31 * f64::from(k);
                    for span in spans {
                        out.push((lo, lo + span));
                    }
                }
            }
        }
        out
    }

    /// The number a tick label reads, without its unit.
    fn number(label: &str) -> f64 {
        let digits = label.trim_end_matches(['%', '×']);
        digits
            .parse()
            .unwrap_or_else(|_| panic!("{label} is not a number"))
    }

    #[test]
    fn colour_bar_ticks_are_round_short_and_distinct() {
        let kinds = [
            ColourTicks::Plain,
            ColourTicks::Percent,
            ColourTicks::Log10Ratio,
            ColourTicks::Log10Value,
        ];
        for kind in kinds {
            for (lo, hi) in ranges(kind) {
                let ((a, b), ticks) = bar_ticks(kind, lo, hi);
                let context = || format!("{kind:?} {lo}..{hi}: {a}..{b} {ticks:?}");
                assert!(ticks.len() >= MIN_BAR_TICKS, "too few: {}", context());
                assert!(a <= lo && b >= hi, "range cut: {}", context());
                assert!(ticks_fit(&ticks, (a, b)), "labels collide: {}", context());
                for (v, label) in &ticks {
                    assert!(*v >= a && *v <= b, "outside: {}", context());
                    let chars = label.chars().count();
                    assert!(
                        (1..=MAX_TICK_CHARS).contains(&chars),
                        "{label}: {}",
                        context()
                    );
                    let q = number(label);
                    assert!(two_digits(q), "{label} has 3 digits: {}", context());
                    let shown = kind.value(q);
                    let tolerance = 1e-9 * (b - a).max(v.abs()).max(1e-300);
                    assert!(
                        (shown - v).abs() <= tolerance,
                        "{label} at {v}: {}",
                        context()
                    );
                }
                assert!(ticks.windows(2).all(|w| w[0].0 < w[1].0), "{}", context());
            }
        }
    }

    #[test]
    fn colour_bar_reads_in_the_quantity_shown() {
        let labels = |kind, lo, hi| -> Vec<String> {
            bar_ticks(kind, lo, hi)
                .1
                .into_iter()
                .map(|(_, l)| l)
                .collect()
        };
        let ratios = labels(ColourTicks::Log10Ratio, -1.2, 1.3);
        for want in ["0.1×", "1×", "10×"] {
            assert!(ratios.iter().any(|l| l == want), "{ratios:?}");
        }
        let near_one = labels(ColourTicks::Log10Ratio, -0.3, 0.4);
        assert!(near_one.iter().any(|l| l == "1×"), "{near_one:?}");
        let gaps = labels(ColourTicks::Log10Value, -8.0, 3.0);
        assert!(gaps.iter().any(|l| l == "1e-4"), "{gaps:?}");
        let shares = labels(ColourTicks::Percent, 0.05, 0.95);
        assert!(shares.iter().all(|l| l.ends_with('%')), "{shares:?}");
        assert!(shares.iter().any(|l| l == "40%"), "{shares:?}");
        // Today's raw label "−3.53e-4" becomes round ticks.
        let plain = labels(ColourTicks::Plain, -3.53e-4, 2e-4);
        assert!(plain.iter().any(|l| l == "-2e-4"), "{plain:?}");
        // Equal values: a few ticks around the value.
        let equal = labels(ColourTicks::Plain, 3.0, 3.0);
        assert!(equal.iter().any(|l| l == "3"), "{equal:?}");
    }

    #[test]
    fn heatmaps_show_ratios_gaps_and_shares() {
        let mut m = map(3, 3);
        m.values = vec![
            vec![Some(-1.0), Some(0.0), Some(0.5)],
            vec![Some(1.2), None, Some(-0.4)],
            vec![Some(0.1), Some(0.9), Some(-0.7)],
        ];
        m.lower_is_better = false;
        let text = check_svg(&heatmap_with(&m, ColourTicks::Log10Ratio));
        assert!(text.contains("10×") && text.contains("1×"), "{text}");
        assert!(text.contains("better") && text.contains("worse"));
        m.values = vec![vec![Some(-7.5), Some(-2.0), Some(2.0)]];
        m.lower_is_better = true;
        let text = check_svg(&heatmap_with(&m, ColourTicks::Log10Value));
        assert!(text.contains("1e-4") || text.contains("1e-6"), "{text}");
        m.values = vec![vec![Some(0.1), Some(0.5), Some(0.9)]];
        m.text = vec![vec!["10".into(), "50".into(), "90".into()]];
        m.rows.truncate(1);
        let svg = heatmap_with(&m, ColourTicks::Percent);
        let text = check_svg(&svg);
        assert!(text.contains("50%") || text.contains("40%"), "{text}");
        maybe_write("heatmap_percent", &svg);
        assert_eq!(ColourTicks::default(), ColourTicks::Plain);
        assert_eq!(heatmap(&m), heatmap_with(&m, ColourTicks::Plain));
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
