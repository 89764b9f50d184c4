//! Contour charts: isolines of a function on a grid (marching squares, joined into long
//! polylines and simplified so the SVG stays small), trajectories drawn over them with a dot at
//! the start and an arrowhead at the end, and known minima as crosses.
//!
//! May use: the kit beside it (`palette`, `number`, `geometry`, `downsample`, `scale`, `svg`,
//! `frame`, `legend`) and plotters; nothing else of the crate.

use std::collections::HashMap;

use plotters::prelude::{Circle, Cross, PathElement, Polygon, RGBAColor};

use super::downsample::{MAX_POINTS, even_positions};
use super::frame::{Frame, draw_axes};
use super::geometry::{pixel_path, to_px};
use super::legend::{LEGEND_TEXT_MAX, LegendEntry, Swatch, draw_legend, legend_width};
use super::number::fmt_sig;
use super::palette::{Dash, Rgb};
use super::scale::Scale;
use super::svg::{
    Area, DrawResult, HEIGHT, NO_FINITE_DATA, WIDTH, draw_title, fill, line_stroke, note_svg,
    render, stroke,
};

/// A path drawn over a contour plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// Legend text.
    pub label: String,
    /// Line colour.
    pub color: Rgb,
    /// Dash pattern of the line (and its legend sample).
    pub dash: Dash,
    /// Points in order (x, y).
    pub points: Vec<(f64, f64)>,
}

/// Isolines of a 2-D function with trajectories over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Contour {
    /// Title above the plot.
    pub title: String,
    /// X range drawn.
    pub x_range: (f64, f64),
    /// Y range drawn.
    pub y_range: (f64, f64),
    /// Function values on a regular grid: `z[j][i]` at x = x0 + i·dx, y = y0 + j·dy, covering
    /// the ranges (at least 2×2).
    pub z: Vec<Vec<f64>>,
    /// The levels to draw as isolines (increasing); with no finite level, the
    /// [`DEFAULT_LEVELS`] levels [`contour_levels`] picks from `z`.
    pub levels: Vec<f64>,
    /// Trajectories.
    pub paths: Vec<Path>,
    /// Known minima, drawn as crosses.
    pub minima: Vec<(f64, f64)>,
}

/// Number of levels [`contour_chart`] draws when it is given none.
pub const DEFAULT_LEVELS: usize = 16;
/// Share of the grid's values above the highest level chosen by [`contour_levels`]: the
/// steepest walls get no isolines, so they do not crowd out the rest.
const TOP_SHARE: f64 = 0.05;
/// Share of the grid's values (above the minimum) below the lowest level chosen by
/// [`contour_levels`]: a level sits just above the floor without landing on single cells.
const FLOOR_SHARE: f64 = 0.002;

/// About `count` isoline levels (strictly increasing, finite) that show the valleys of the
/// function sampled on the grid `z`: spaced geometrically in f − f_min, from just above the
/// minimum (the value that a `FLOOR_SHARE` of the cells above the minimum lie under) to the
/// value all but a `TOP_SHARE` of the cells lie under, so a narrow curved valley (Rosenbrock)
/// gets several nested isolines along its floor while the walls keep theirs.
///
/// Non-finite values are skipped; a grid with fewer than two distinct finite values gets no
/// levels.
pub fn contour_levels(z: &[Vec<f64>], count: usize) -> Vec<f64> {
    let mut values: Vec<f64> = z
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    values.sort_by(f64::total_cmp);
    let (Some(&lo), Some(&hi)) = (values.first(), values.last()) else {
        return Vec::new();
    };
    if !(hi > lo && (hi - lo).is_finite()) {
        return Vec::new();
    }
    let at = |share: f64, sorted: &[f64]| {
        let last = sorted.len().saturating_sub(1);
        sorted[((share * last as f64).round() as usize).min(last)]
    };
    // Not empty, as hi > lo; every entry is positive.
    let above: Vec<f64> = values.iter().map(|v| v - lo).filter(|d| *d > 0.0).collect();
    let top = at(1.0 - TOP_SHARE, &above);
    let floor = at(FLOOR_SHARE, &above).clamp(top * 1e-6, top * 0.1);
    let count = count.clamp(2, 100);
    let ratio = (top / floor).powf(1.0 / (count - 1) as f64);
    let mut levels: Vec<f64> = Vec::with_capacity(count);
    for k in 0..count {
        let level = lo + floor * ratio.powi(k as i32);
        // A level that rounds onto the minimum or onto the one below is dropped.
        if level.is_finite() && level > lo && levels.last().is_none_or(|&last| level > last) {
            levels.push(level);
        }
    }
    levels
}

/// Colour of the lowest isoline.
const LOW_LEVEL: Rgb = Rgb(0x6f, 0x87, 0xab);
/// Colour of the highest isoline.
const HIGH_LEVEL: Rgb = Rgb(0xcf, 0xd7, 0xe4);
/// Colour of minima crosses.
const MINIMUM: Rgb = Rgb(0x11, 0x11, 0x11);

/// Draws isolines, trajectories and minima (see [`Contour`]) and returns the SVG document.
///
/// Isolines are computed by marching squares over `z` (cells with a non-finite corner are
/// skipped) at the given levels (none given: [`contour_levels`]) and joined into polylines; paths are downsampled to [`MAX_POINTS`] points, skip
/// non-finite points and are clipped to the ranges. Ranges that are not finite are fitted to
/// the paths and minima; with nothing to draw the figure holds the title and a note.
pub fn contour_chart(contour: &Contour) -> String {
    let finite_range = |(a, b): (f64, f64)| (a.is_finite() && b.is_finite()).then_some((a, b));
    let (x_range, y_range) = (finite_range(contour.x_range), finite_range(contour.y_range));
    let points = || {
        contour
            .paths
            .iter()
            .flat_map(|p| p.points.iter().copied())
            .chain(contour.minima.iter().copied())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let x = match x_range {
        Some((a, b)) => Some(Scale::between(false, a, b, 0.0)),
        None => Scale::fit(false, points().map(|p| p.0), 0.05),
    };
    let y = match y_range {
        Some((a, b)) => Some(Scale::between(false, a, b, 0.0)),
        None => Scale::fit(false, points().map(|p| p.1), 0.05),
    };
    let levels = if contour.levels.iter().any(|l| l.is_finite()) {
        contour.levels.clone()
    } else {
        contour_levels(&contour.z, DEFAULT_LEVELS)
    };
    let isolines = match (x_range, y_range) {
        (Some(xr), Some(yr)) => isolines(&contour.z, &levels, xr, yr),
        _ => Vec::new(),
    };
    let (Some(x), Some(y)) = (x, y) else {
        return note_svg(WIDTH, HEIGHT, &contour.title, NO_FINITE_DATA);
    };
    let nothing = isolines.is_empty() && points().next().is_none();
    if nothing {
        return note_svg(WIDTH, HEIGHT, &contour.title, NO_FINITE_DATA);
    }
    render(WIDTH, HEIGHT, &contour.title, |root| {
        draw(root, contour, (&levels, &isolines), x, y)
    })
}

/// One isoline: its level's position among the levels (0 lowest, 1 highest) and its points
/// in data coordinates.
struct Isoline {
    /// Position of the level in `[0, 1]`, for its colour.
    shade: f64,
    /// Points `(x, y)`.
    points: Vec<(f64, f64)>,
}

/// Marching squares over `z` for every finite level, segments joined into polylines.
fn isolines(
    z: &[Vec<f64>],
    levels: &[f64],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Vec<Isoline> {
    let ny = z.len();
    let nx = z.iter().map(Vec::len).min().unwrap_or(0);
    if nx < 2 || ny < 2 {
        return Vec::new();
    }
    let dx = (x1 - x0) / (nx - 1) as f64;
    let dy = (y1 - y0) / (ny - 1) as f64;
    if !(dx.is_finite() && dy.is_finite()) || dx == 0.0 || dy == 0.0 {
        return Vec::new();
    }
    let finite: Vec<f64> = levels.iter().copied().filter(|l| l.is_finite()).collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &l| {
            (lo.min(l), hi.max(l))
        });
    let mut out = Vec::new();
    for &level in &finite {
        let shade = if hi > lo {
            (level - lo) / (hi - lo)
        } else {
            0.5
        };
        for chain in level_chains(z, nx, level) {
            let points = chain
                .into_iter()
                .map(|(gi, gj)| (x0 + gi * dx, y0 + gj * dy))
                .collect();
            out.push(Isoline { shade, points });
        }
    }
    out
}

/// Identifies a grid edge: the horizontal edge from node `(i, j)` to `(i + 1, j)`, or the
/// vertical edge from `(i, j)` to `(i, j + 1)`.
fn edge_key(i: usize, j: usize, nx: usize, vertical: bool) -> usize {
    2 * (j * nx + i) + usize::from(vertical)
}

/// The isoline segments of one level in grid coordinates, joined into chains.
fn level_chains(z: &[Vec<f64>], nx: usize, level: f64) -> Vec<Vec<(f64, f64)>> {
    let ny = z.len();
    let mut points: HashMap<usize, (f64, f64)> = HashMap::new();
    let mut segments: Vec<(usize, usize)> = Vec::new();
    // Where the level crosses the edge from node a to node b (values va, vb), in grid units.
    let crossing = |a: (f64, f64), b: (f64, f64), va: f64, vb: f64| {
        let t = ((level - va) / (vb - va)).clamp(0.0, 1.0);
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    };
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let v = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]];
            if v.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let above = v.map(|v| v > level);
            let corner = [
                (i as f64, j as f64),
                ((i + 1) as f64, j as f64),
                ((i + 1) as f64, (j + 1) as f64),
                (i as f64, (j + 1) as f64),
            ];
            // Edge k runs from corner k to corner k + 1: bottom, right, top, left.
            let keys = [
                edge_key(i, j, nx, false),
                edge_key(i + 1, j, nx, true),
                edge_key(i, j + 1, nx, false),
                edge_key(i, j, nx, true),
            ];
            let crossed: Vec<usize> = (0..4).filter(|&k| above[k] != above[(k + 1) % 4]).collect();
            for &k in &crossed {
                let (a, b) = (k, (k + 1) % 4);
                points
                    .entry(keys[k])
                    .or_insert_with(|| crossing(corner[a], corner[b], v[a], v[b]));
            }
            match crossed.as_slice() {
                [a, b] => segments.push((keys[*a], keys[*b])),
                [_, _, _, _] => {
                    // A saddle: cut off the two corners on the other side than the centre.
                    let center_above = v.iter().sum::<f64>() / 4.0 > level;
                    for c in (0..4).filter(|&c| above[c] != center_above) {
                        // Corner c touches edges c − 1 (ending at it) and c (starting at it).
                        segments.push((keys[(c + 3) % 4], keys[c]));
                    }
                }
                _ => {}
            }
        }
    }
    join(&segments)
        .into_iter()
        .map(|keys| keys.iter().filter_map(|k| points.get(k).copied()).collect())
        .collect()
}

/// Joins segments sharing end points into chains of end points.
fn join(segments: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let mut touching: HashMap<usize, Vec<usize>> = HashMap::new();
    for (s, &(a, b)) in segments.iter().enumerate() {
        touching.entry(a).or_default().push(s);
        touching.entry(b).or_default().push(s);
    }
    let mut used = vec![false; segments.len()];
    let mut chains = Vec::new();
    for start in 0..segments.len() {
        if used[start] {
            continue;
        }
        used[start] = true;
        let (a, b) = segments[start];
        let mut forward = vec![b];
        extend(&mut forward, segments, &touching, &mut used);
        let mut backward = vec![a];
        extend(&mut backward, segments, &touching, &mut used);
        backward.reverse();
        backward.extend(forward);
        chains.push(backward);
    }
    chains
}

/// Follows unused segments from the last point of `chain`, appending their far ends.
fn extend(
    chain: &mut Vec<usize>,
    segments: &[(usize, usize)],
    touching: &HashMap<usize, Vec<usize>>,
    used: &mut [bool],
) {
    while let Some(&end) = chain.last() {
        let next = touching
            .get(&end)
            .and_then(|list| list.iter().copied().find(|&s| !used[s]));
        let Some(s) = next else { break };
        used[s] = true;
        let (a, b) = segments[s];
        chain.push(if a == end { b } else { a });
    }
}

/// The finite points of a path, downsampled to `MAX_POINTS`, split into runs where points
/// were skipped.
fn path_runs(path: &Path) -> Vec<Vec<(f64, f64)>> {
    let valid: Vec<(usize, (f64, f64))> = path
        .points
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, (x, y))| x.is_finite() && y.is_finite())
        .collect();
    let mut runs = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let mut previous: Option<usize> = None;
    for q in even_positions(valid.len(), MAX_POINTS) {
        if let Some(p) = previous
            && valid[q].0 - valid[p].0 != q - p
            && !current.is_empty()
        {
            runs.push(std::mem::take(&mut current));
        }
        current.push(valid[q].1);
        previous = Some(q);
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Draws the whole chart on `root`.
fn draw(
    root: &Area<'_>,
    contour: &Contour,
    (levels, isolines): (&[f64], &[Isoline]),
    x: Scale,
    y: Scale,
) -> DrawResult {
    let (width, height) = (f64::from(WIDTH), f64::from(HEIGHT));
    draw_title(root, &contour.title, width)?;
    let mut entries: Vec<LegendEntry> = contour
        .paths
        .iter()
        .filter(|p| !p.label.trim().is_empty())
        .map(|p| LegendEntry {
            label: p.label.trim().to_string(),
            swatch: Swatch::Path(p.color, p.dash),
        })
        .collect();
    if !contour.minima.is_empty() {
        entries.push(LegendEntry {
            label: String::from("minimum"),
            swatch: Swatch::Cross(MINIMUM),
        });
    }
    let finite_levels = levels.iter().copied().filter(|l| l.is_finite());
    let (lo, hi) = finite_levels.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), l| {
        (lo.min(l), hi.max(l))
    });
    if !isolines.is_empty() {
        let label = if hi > lo {
            format!("isolines {} … {}", fmt_sig(lo), fmt_sig(hi))
        } else {
            format!("isoline {}", fmt_sig(lo))
        };
        entries.push(LegendEntry {
            label,
            swatch: Swatch::Thin(LOW_LEVEL.mix(HIGH_LEVEL, 0.3)),
        });
    }
    let legend = legend_width(&entries, LEGEND_TEXT_MAX);
    let (frame, xt, yt) = Frame::beside_legend(x, y, (width, height), legend, 34.0, false);
    let Frame { top, right, .. } = frame;
    draw_axes(root, &frame, &xt, &yt, "", "")?;
    for line in isolines {
        let color = LOW_LEVEL.mix(HIGH_LEVEL, line.shade);
        for piece in frame.clipped(&line.points) {
            if piece.len() >= 2 {
                root.draw(&PathElement::new(piece, line_stroke(color, 1, Dash::Solid)))?;
            }
        }
    }
    let halo = stroke(RGBAColor(0xff, 0xff, 0xff, 1.0), 4);
    for &(mx, my) in &contour.minima {
        if mx.is_finite() && my.is_finite() && frame.contains((mx, my)) {
            let (px, py) = frame.map(mx, my);
            let center = (to_px(px), to_px(py));
            root.draw(&Cross::new(center, 6, halo))?;
            root.draw(&Cross::new(center, 6, stroke(MINIMUM.alpha(1.0), 2)))?;
        }
    }
    // Paths last, so their end markers stay visible where they reach a minimum.
    for path in &contour.paths {
        draw_path(root, &frame, path)?;
    }
    draw_legend(
        root,
        &entries,
        (right + 18.0, LEGEND_TEXT_MAX),
        top,
        height - 8.0,
    )
}

/// Draws one trajectory: its line, a dot at its start and an arrowhead (or, without a
/// direction, a larger dot) at its end.
fn draw_path(root: &Area<'_>, frame: &Frame, path: &Path) -> DrawResult {
    let runs = path_runs(path);
    let style = line_stroke(path.color, 2, path.dash);
    let white = fill(RGBAColor(0xff, 0xff, 0xff, 1.0));
    let color = fill(path.color.alpha(1.0));
    let mut last_piece: Vec<(i32, i32)> = Vec::new();
    for run in &runs {
        for piece in frame.clipped(run) {
            if piece.len() >= 2 {
                root.draw(&PathElement::new(piece.clone(), style))?;
            }
            last_piece = piece;
        }
    }
    let first = runs.first().and_then(|r| r.first()).copied();
    let last = runs.last().and_then(|r| r.last()).copied();
    if let Some(start) = first.filter(|p| frame.contains(*p)) {
        let (px, py) = frame.map(start.0, start.1);
        let center = (to_px(px), to_px(py));
        root.draw(&Circle::new(center, 5, white))?;
        root.draw(&Circle::new(center, 4, color))?;
    }
    let Some(end) = last.filter(|p| frame.contains(*p)) else {
        return Ok(());
    };
    let (ex, ey) = frame.map(end.0, end.1);
    // Direction of the last visible step, from the last two distinct pixels.
    let direction = match last_piece.as_slice() {
        [.., a, b] => {
            let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let length = dx.hypot(dy);
            (length > 0.0).then(|| (dx / length, dy / length))
        }
        _ => None,
    };
    match direction {
        Some((ux, uy)) => {
            let tip = (ex + 3.0 * ux, ey + 3.0 * uy);
            let base = (ex - 8.0 * ux, ey - 8.0 * uy);
            let corners = [
                tip,
                (base.0 - 5.0 * uy, base.1 + 5.0 * ux),
                (base.0 + 5.0 * uy, base.1 - 5.0 * ux),
            ];
            root.draw(&Polygon::new(pixel_path(corners), color))
        }
        None => {
            let center = (to_px(ex), to_px(ey));
            root.draw(&Circle::new(center, 7, white))?;
            root.draw(&Circle::new(center, 6, color))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::color_for;
    use super::super::testing::{MAX_BYTES, NAMES, NASTY, check_svg, label, maybe_write};
    use super::*;

    /// A bumpy function with many closed isolines over [-3, 3]², on an n × n grid.
    fn grid(n: usize) -> Vec<Vec<f64>> {
        (0..n)
            .map(|j| {
                let y = -3.0 + 6.0 * j as f64 / (n - 1) as f64;
                (0..n)
                    .map(|i| {
                        let x = -3.0 + 6.0 * i as f64 / (n - 1) as f64;
                        (2.0 * x).sin() * (2.0 * y).cos() + 0.15 * (x * x + y * y)
                    })
                    .collect()
            })
            .collect()
    }

    fn realistic() -> Contour {
        let paths = NAMES
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let phase = k as f64 * 0.39;
                let points = (0..200)
                    .map(|t| {
                        let r = 2.8 * (-(t as f64) / 60.0).exp();
                        let a = phase + t as f64 * 0.12;
                        (r * a.cos(), r * a.sin())
                    })
                    .collect();
                Path {
                    label: label(name, k == 2),
                    color: color_for(name),
                    dash: Dash::Solid,
                    points,
                }
            })
            .collect();
        Contour {
            title: format!("Trajectories {NASTY}"),
            x_range: (-3.0, 3.0),
            y_range: (-3.0, 3.0),
            z: grid(120),
            levels: (0..12).map(|k| -0.8 + 0.25 * k as f64).collect(),
            paths,
            minima: vec![(0.0, 0.0), (-0.75, 0.0)],
        }
    }

    #[test]
    fn realistic_contour_is_valid_and_small() {
        let c = realistic();
        let svg = contour_chart(&c);
        let text = check_svg(&svg);
        assert!(svg.len() < MAX_BYTES, "{} bytes", svg.len());
        assert!(text.contains(&c.title));
        assert!(text.contains(&format!("adagrad {NASTY}")));
        assert!(text.contains("minimum") && text.contains("isolines"));
        let polylines = svg.matches("<polyline").count();
        assert!(
            polylines < 1500,
            "{polylines} polylines: segments were not joined"
        );
        maybe_write("contour", &svg);
        eprintln!(
            "contour 120×120, 12 levels, 16 paths × 200: {} bytes, {polylines} polylines",
            svg.len()
        );
    }

    #[test]
    fn isolines_are_joined_and_closed() {
        // A bowl: every level inside the range is one closed loop.
        let n = 50;
        let z: Vec<Vec<f64>> = (0..n)
            .map(|j| {
                (0..n)
                    .map(|i| ((i as f64 - 24.5).powi(2) + (j as f64 - 24.5).powi(2)).sqrt())
                    .collect()
            })
            .collect();
        let lines = isolines(&z, &[5.0, 10.0, 20.0], (0.0, 1.0), (0.0, 1.0));
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert_eq!(line.points.first(), line.points.last(), "a closed loop");
        }
        let simplified = super::super::geometry::simplify(
            &lines[2]
                .points
                .iter()
                .map(|p| (p.0 * 400.0, p.1 * 400.0))
                .collect::<Vec<_>>(),
            0.7,
        );
        assert!(simplified.len() < lines[2].points.len());
    }

    #[test]
    fn saddles_and_ties_do_not_panic() {
        let z = vec![
            vec![1.0, 0.0, 1.0],
            vec![0.0, 1.0, 0.0],
            vec![1.0, 0.0, 1.0],
        ];
        for level in [0.5, 0.0, 1.0, 0.25] {
            let lines = isolines(&z, &[level], (0.0, 2.0), (0.0, 2.0));
            for line in lines {
                assert!(
                    line.points
                        .iter()
                        .all(|p| p.0.is_finite() && p.1.is_finite())
                );
            }
        }
    }

    #[test]
    fn degenerate_contours_do_not_panic() {
        let base = realistic();
        let cases = vec![
            Contour {
                z: vec![],
                levels: vec![],
                paths: vec![],
                minima: vec![],
                ..base.clone()
            },
            Contour {
                z: vec![vec![1.0]],
                ..base.clone()
            },
            Contour {
                z: vec![vec![1.0, 2.0], vec![3.0]],
                ..base.clone()
            },
            Contour {
                z: vec![vec![f64::NAN; 5]; 5],
                ..base.clone()
            },
            Contour {
                levels: vec![f64::NAN, f64::INFINITY],
                ..base.clone()
            },
            Contour {
                x_range: (1.0, 1.0),
                y_range: (f64::NAN, 2.0),
                ..base.clone()
            },
            Contour {
                x_range: (3.0, -3.0),
                ..base.clone()
            },
            Contour {
                paths: vec![
                    Path {
                        label: "one".into(),
                        color: color_for("adam"),
                        dash: Dash::Solid,
                        points: vec![(0.5, 0.5)],
                    },
                    Path {
                        label: "wild".into(),
                        color: color_for("sgd"),
                        dash: Dash::Solid,
                        points: vec![
                            (0.0, 0.0),
                            (f64::NAN, 1.0),
                            (1e308, -1e308),
                            (10.0, 10.0),
                            (1.0, 1.0),
                        ],
                    },
                    Path {
                        label: String::new(),
                        color: color_for("x"),
                        dash: Dash::Solid,
                        points: vec![],
                    },
                ],
                minima: vec![(f64::NAN, 0.0), (100.0, 100.0)],
                ..base.clone()
            },
        ];
        for c in cases {
            let text = check_svg(&contour_chart(&c));
            assert!(text.contains("Trajectories"));
        }
        let nothing = Contour {
            x_range: (f64::NAN, f64::NAN),
            y_range: (f64::NAN, f64::NAN),
            paths: vec![],
            minima: vec![],
            ..base
        };
        let text = check_svg(&contour_chart(&nothing));
        assert!(text.contains(NO_FINITE_DATA));
    }

    /// `f` sampled as the report samples a landscape: `n` × `n` points over the window.
    fn sample(f: impl Fn(f64, f64) -> f64, (x0, x1): (f64, f64), (y0, y1): (f64, f64)) -> Grid {
        let n = 120;
        (0..n)
            .map(|j| {
                let y = y0 + (y1 - y0) * j as f64 / (n - 1) as f64;
                (0..n)
                    .map(|i| f(x0 + (x1 - x0) * i as f64 / (n - 1) as f64, y))
                    .collect()
            })
            .collect()
    }

    type Grid = Vec<Vec<f64>>;

    fn rosenbrock(x: f64, y: f64) -> f64 {
        (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
    }

    /// The report's Rosenbrock window: the start (−1.2, 1), the minimum (1, 1) and paths along
    /// the valley floor y = x² (down to y ≈ 0), padded by 15 % of the width on each side; and
    /// the textbook window [−2, 2] × [−1, 3].
    const ROSENBROCK_WINDOWS: [((f64, f64), (f64, f64)); 2] =
        [((-1.53, 1.33), (-0.22, 1.66)), ((-2.0, 2.0), (-1.0, 3.0))];

    fn assert_levels_are_sound(levels: &[f64]) {
        assert!(levels.iter().all(|l| l.is_finite()), "{levels:?}");
        assert!(
            levels.windows(2).all(|w| w[0] < w[1]),
            "not increasing: {levels:?}"
        );
    }

    #[test]
    fn rosenbrock_levels_show_the_curved_valley() {
        for (xr, yr) in ROSENBROCK_WINDOWS {
            let z = sample(rosenbrock, xr, yr);
            let levels = contour_levels(&z, DEFAULT_LEVELS);
            assert_levels_are_sound(&levels);
            assert!((12..=20).contains(&levels.len()), "{levels:?}");
            // Along the floor y = x² from (−1, 1) to (1, 1), f = (1 − x)² ≤ 4.
            let below = |f: f64| levels.iter().filter(|&&l| l < f).count();
            assert!(below(1.0) >= 3, "{} levels below 1: {levels:?}", below(1.0));
            assert!(below(4.0) >= 5, "{} levels below 4: {levels:?}", below(4.0));
            // Those levels are drawn, and one of them follows the floor round its bend: from
            // left of x = −0.5 to right of x = 1, over y ≈ x².
            let lines = isolines(&z, &levels, xr, yr);
            let floor_levels: Vec<f64> = levels.iter().copied().filter(|&l| l < 4.0).collect();
            let banana = floor_levels.iter().any(|&level| {
                let lines = isolines(&z, &[level], xr, yr);
                let points = || lines.iter().flat_map(|l| l.points.iter());
                points().any(|p| p.0 < -0.5) && points().any(|p| p.0 > 1.0)
            });
            assert!(banana, "no isoline follows the valley: {floor_levels:?}");
            let drawn = lines.iter().filter(|l| l.shade < 0.5).count();
            assert!(drawn >= 5, "{drawn} low isolines drawn");
        }
    }

    #[test]
    fn every_landscape_gets_levels_near_its_minimum() {
        use std::f64::consts::PI;
        type Landscape = (
            &'static str,
            fn(f64, f64) -> f64,
            (f64, f64),
            (f64, f64),
            f64,
        );
        let landscapes: [Landscape; 7] = [
            (
                "quadratic",
                |x, y| x * x + 10.0 * y * y,
                (-3.0, 3.0),
                (-3.0, 3.0),
                0.0,
            ),
            ("rosenbrock", rosenbrock, (-1.53, 1.33), (-0.22, 1.66), 0.0),
            (
                "rastrigin",
                |x, y| {
                    20.0 + x * x - 10.0 * (2.0 * PI * x).cos() + y * y - 10.0 * (2.0 * PI * y).cos()
                },
                (-0.7, 3.2),
                (-0.7, 3.2),
                0.0,
            ),
            (
                "beale",
                |x, y| {
                    (1.5 - x + x * y).powi(2)
                        + (2.25 - x + x * y * y).powi(2)
                        + (2.625 - x + x * y.powi(3)).powi(2)
                },
                (0.3, 3.6),
                (-0.5, 1.2),
                0.0,
            ),
            (
                "himmelblau",
                |x, y| (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2),
                (-0.6, 3.6),
                (-0.4, 2.4),
                0.0,
            ),
            (
                "saddle",
                |x, y| x * x + y.powi(4) / 4.0 - y * y / 2.0,
                (-0.3, 1.3),
                (-1.5, 1.5),
                -0.25,
            ),
            (
                "plateau",
                |x, y| 1.0 - (-(x * x + y * y) / 2.0).exp(),
                (-0.6, 3.6),
                (-0.4, 2.4),
                0.0,
            ),
        ];
        for (name, f, xr, yr, f_min) in landscapes {
            let z = sample(f, xr, yr);
            let levels = contour_levels(&z, DEFAULT_LEVELS);
            assert_levels_are_sound(&levels);
            assert!((12..=20).contains(&levels.len()), "{name}: {levels:?}");
            let hi = z.iter().flatten().copied().fold(f64::MIN, f64::max);
            // A few levels in the lowest tenth of the range, so the basin shows.
            let low = levels
                .iter()
                .filter(|&&l| l < f_min + 0.1 * (hi - f_min))
                .count();
            assert!(low >= 4, "{name}: {low} low levels: {levels:?}");
            assert!(
                levels[0] > f_min && levels[levels.len() - 1] <= hi,
                "{name}"
            );
            assert!(!isolines(&z, &levels, xr, yr).is_empty(), "{name}");
            let chart = Contour {
                title: format!("{name}, levels chosen from the grid"),
                x_range: xr,
                y_range: yr,
                z,
                levels: vec![],
                paths: vec![],
                minima: vec![],
            };
            maybe_write(&format!("contour_{name}"), &contour_chart(&chart));
        }
    }

    #[test]
    fn awkward_grids_get_sound_levels() {
        let constant = vec![vec![3.0; 10]; 10];
        assert!(contour_levels(&constant, 16).is_empty());
        assert!(contour_levels(&[], 16).is_empty());
        assert!(contour_levels(&vec![vec![f64::NAN; 4]; 4], 16).is_empty());
        let mut holes = sample(rosenbrock, (-2.0, 2.0), (-1.0, 3.0));
        holes[3][7] = f64::NAN;
        holes[50][50] = f64::INFINITY;
        holes[80][2] = f64::NEG_INFINITY;
        let levels = contour_levels(&holes, 16);
        assert_levels_are_sound(&levels);
        assert!(levels.len() >= 12, "{levels:?}");
        // Two values only; values near the largest doubles; a huge offset.
        let two = vec![vec![0.0, 1.0], vec![1.0, 1.0]];
        assert_levels_are_sound(&contour_levels(&two, 16));
        let huge = vec![vec![-1e308, 1e308], vec![0.0, 1.0]];
        assert_levels_are_sound(&contour_levels(&huge, 16));
        let offset = sample(|x, y| 1e12 + x * x + y * y, (-1.0, 1.0), (-1.0, 1.0));
        assert_levels_are_sound(&contour_levels(&offset, 16));
        for count in [0, 1, 2, 500] {
            let levels = contour_levels(&sample(rosenbrock, (-2.0, 2.0), (-1.0, 3.0)), count);
            assert_levels_are_sound(&levels);
            assert!(levels.len() >= 2 && levels.len() <= 100);
        }
    }

    #[test]
    fn a_contour_without_levels_draws_its_own() {
        let (xr, yr) = ROSENBROCK_WINDOWS[0];
        let c = Contour {
            title: "Rosenbrock".into(),
            x_range: xr,
            y_range: yr,
            z: sample(rosenbrock, xr, yr),
            levels: vec![],
            paths: vec![],
            minima: vec![(1.0, 1.0)],
        };
        let svg = contour_chart(&c);
        let text = check_svg(&svg);
        assert!(text.contains("isolines"), "{text}");
        assert!(svg.matches("<polyline").count() >= DEFAULT_LEVELS);
        maybe_write("contour_rosenbrock", &svg);
    }

    // Snapshot test (insta): any change to the SVG this figure draws fails it, so every visible
    // change is seen in review. To accept an intended change:
    // `INSTA_UPDATE=always cargo test --release --lib report::figures`, then review the diff of
    // `src/report/figures/snapshots/` and commit it with the change.
    /// A small fixed contour: an elongated bowl on a 9 × 9 grid, three levels, one path
    /// and its minimum.
    #[test]
    fn small_contour_svg_matches_its_snapshot() {
        let z = (0..9)
            .map(|j| {
                (0..9)
                    .map(|i| {
                        let (x, y) = (-2.0 + 0.5 * i as f64, -1.0 + 0.25 * j as f64);
                        x * x + 4.0 * y * y
                    })
                    .collect()
            })
            .collect();
        let contour = Contour {
            title: "Paths <over> x² + 4y² & minimum".into(),
            x_range: (-2.0, 2.0),
            y_range: (-1.0, 1.0),
            z,
            levels: vec![0.25, 1.0, 2.5],
            paths: vec![Path {
                label: "gradient descent".into(),
                color: Rgb(0x00, 0x72, 0xb2),
                dash: Dash::Solid,
                points: vec![
                    (-1.8, 0.9),
                    (-1.2, -0.5),
                    (-0.7, 0.3),
                    (-0.3, -0.1),
                    (0.0, 0.0),
                ],
            }],
            minima: vec![(0.0, 0.0)],
        };
        let svg = contour_chart(&contour);
        check_svg(&svg);
        insta::assert_snapshot!("contour_chart", svg);
    }
}
