//! Pixel geometry: rounding to the SVG's integer grid, clipping polylines to a rectangle
//! (Liang–Barsky), and simplifying them to what a viewer can see (Ramer–Douglas–Peucker).
//!
//! May use: nothing else of the crate.

/// Rounds a pixel coordinate to the backend's integer grid (saturating far outside).
pub(super) fn to_px(v: f64) -> i32 {
    if v.is_finite() {
        v.round().clamp(-1e6, 1e6) as i32
    } else {
        0
    }
}

/// Pixel points rounded to integers, with consecutive duplicates removed.
pub(super) fn pixel_path(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::new();
    for (x, y) in points {
        let p = (to_px(x), to_px(y));
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// The convex polygon `points` grown outwards by `d` pixels: every edge moved `d` along its
/// outward normal, each vertex to where its two moved edges meet (a miter). Either winding
/// works; fewer than three points come back unchanged.
pub(super) fn grown(points: &[(f64, f64)], d: f64) -> Vec<(f64, f64)> {
    let n = points.len();
    if n < 3 {
        return points.to_vec();
    }
    let twice_area: f64 = (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    let side = if twice_area > 0.0 { 1.0 } else { -1.0 };
    // The outward unit normal of the edge from vertex i to vertex i + 1.
    let normal = |i: usize| {
        let (a, b) = (points[i], points[(i + 1) % n]);
        let (ex, ey) = (b.0 - a.0, b.1 - a.1);
        let len = ex.hypot(ey).max(f64::MIN_POSITIVE);
        (side * ey / len, -side * ex / len)
    };
    (0..n)
        .map(|i| {
            let (n1, n2) = (normal((i + n - 1) % n), normal(i));
            let k = d / (1.0 + n1.0 * n2.0 + n1.1 * n2.1).max(1e-3);
            (
                points[i].0 + k * (n1.0 + n2.0),
                points[i].1 + k * (n1.1 + n2.1),
            )
        })
        .collect()
}

/// Liang–Barsky: the part of segment `p0`–`p1` inside the rectangle, if any. Returns the
/// original end points exactly when they are inside.
fn clip_segment(
    p0: (f64, f64),
    p1: (f64, f64),
    (xmin, xmax): (f64, f64),
    (ymin, ymax): (f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, p0.0 - xmin),
        (dx, xmax - p0.0),
        (-dy, p0.1 - ymin),
        (dy, ymax - p0.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                if r > t1 {
                    return None;
                }
                t0 = t0.max(r);
            } else {
                if r < t0 {
                    return None;
                }
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (p0.0 + t * dx, p0.1 + t * dy);
    let a = if t0 == 0.0 { p0 } else { at(t0) };
    let b = if t1 == 1.0 { p1 } else { at(t1) };
    Some((a, b))
}

/// The pieces of a polyline inside the rectangle (a single point is kept if inside).
pub(super) fn clip_polyline(
    points: &[(f64, f64)],
    xr: (f64, f64),
    yr: (f64, f64),
) -> Vec<Vec<(f64, f64)>> {
    let inside = |p: (f64, f64)| p.0 >= xr.0 && p.0 <= xr.1 && p.1 >= yr.0 && p.1 <= yr.1;
    if let [p] = points {
        return if inside(*p) {
            vec![vec![*p]]
        } else {
            Vec::new()
        };
    }
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], xr, yr) {
            Some((a, b)) => {
                let continues = a == pair[0] && !current.is_empty();
                if !continues {
                    if !current.is_empty() {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.push(a);
                }
                current.push(b);
                if b != pair[1] {
                    pieces.push(std::mem::take(&mut current));
                }
            }
            None => {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Ramer–Douglas–Peucker: the points of `line` needed to stay within `tolerance` of it
/// (in pixels: drops the points a viewer cannot see, which keeps long or smooth lines small).
pub(super) fn simplify(line: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let n = line.len();
    if n < 3 {
        return line.to_vec();
    }
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (p, q) = (line[a], line[b]);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let length = dx.hypot(dy);
        let distance = |r: (f64, f64)| {
            if length > 0.0 {
                ((r.0 - p.0) * dy - (r.1 - p.1) * dx).abs() / length
            } else {
                (r.0 - p.0).hypot(r.1 - p.1)
            }
        };
        let (far, d) = (a + 1..b)
            .map(|k| (k, distance(line[k])))
            .fold(
                (a, -1.0),
                |best, cur| if cur.1 > best.1 { cur } else { best },
            );
        if d > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    line.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grown_polygon_moves_every_edge_out_by_the_distance() {
        let square = [(-4.0, -4.0), (4.0, -4.0), (4.0, 4.0), (-4.0, 4.0)];
        let big = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        assert_eq!(grown(&square, 1.0), big);
        let mut reversed = square;
        reversed.reverse();
        let mut expected = big;
        expected.reverse();
        assert_eq!(
            grown(&reversed, 1.0),
            expected,
            "either winding grows outwards"
        );
        // A triangle (the marker's): each grown edge lies 1 px outside its original edge.
        let t = [(10.0, 5.0), (14.5, 13.5), (5.5, 13.5)];
        let g = grown(&t, 1.0);
        for i in 0..3 {
            let (a, b) = (g[i], g[(i + 1) % 3]);
            let (ex, ey) = (b.0 - a.0, b.1 - a.1);
            let distance =
                |p: (f64, f64)| ((p.0 - a.0) * ey - (p.1 - a.1) * ex).abs() / ex.hypot(ey);
            assert!(
                (distance(t[i]) - 1.0).abs() < 1e-9,
                "{i}: {}",
                distance(t[i])
            );
            assert!((distance(t[(i + 1) % 3]) - 1.0).abs() < 1e-9);
        }
        assert_eq!(grown(&t[..2], 1.0), t[..2].to_vec());
    }

    #[test]
    fn clips_polylines() {
        let pieces = clip_polyline(
            &[(0.0, 0.0), (2.0, 2.0), (3.0, 0.0), (3.5, 0.5)],
            (0.0, 4.0),
            (0.0, 1.0),
        );
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![(0.0, 0.0), (1.0, 1.0)]);
        assert_eq!(pieces[1][0], (2.5, 1.0));
        assert_eq!(pieces[1].last(), Some(&(3.5, 0.5)));
        assert!(clip_polyline(&[(5.0, 5.0)], (0.0, 1.0), (0.0, 1.0)).is_empty());
    }
}
