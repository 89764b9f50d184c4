//! Tick positions and labels: "nice" steps (1, 2 or 5 × 10^k) on linear axes, decades or
//! 1-2-5 mantissas on log axes, and thinning to a most count.
//!
//! Works in axis space (log10 of the value on a log axis) and knows nothing of pixels; the
//! frame thins ticks further to fit their labels.
//!
//! May use: `number`; nothing else of the crate.

use super::number::sci;

/// A "nice" step (1, 2 or 5 × 10^k) near `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let factor = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    factor * mag
}

/// The multiples of a nice step in `[lo, hi]`, with their step.
fn linear_positions(lo: f64, hi: f64, target: usize) -> Option<(Vec<f64>, f64)> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return None;
    }
    let step = nice_step(span / target as f64);
    let (k0, k1) = ((lo / step).ceil(), (hi / step).floor());
    if !(k0.is_finite() && k1.is_finite()) || k1 < k0 || k1 - k0 > 100.0 {
        return None;
    }
    let count = (k1 - k0) as usize + 1;
    let positions = (0..count)
        .map(|i| (k0 + i as f64) * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    Some((positions, step))
}

/// Labels for linear ticks `positions` spaced `step` apart: plain decimals with as many
/// decimals as the step needs, or scientific notation for very large or small values.
fn linear_labels(positions: &[f64], step: f64) -> Vec<String> {
    let max_abs = positions.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let step_exp = step.log10().floor() as i32;
    let scientific = max_abs >= 1e5 || (max_abs > 0.0 && max_abs < 1e-3);
    positions
        .iter()
        .map(|&v| {
            if v == 0.0 {
                String::from("0")
            } else if scientific {
                let v_exp = v.abs().log10().floor() as i32;
                sci(v, (v_exp - step_exp).clamp(0, 15) as usize)
            } else {
                let decimals = (-step_exp).clamp(0, 15) as usize;
                format!("{v:.decimals$}")
            }
        })
        .collect()
}

/// Ticks of a linear axis.
pub(super) fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    match linear_positions(lo, hi, target) {
        Some((positions, step)) => {
            let labels = linear_labels(&positions, step);
            positions.into_iter().zip(labels).collect()
        }
        None => Vec::new(),
    }
}

/// The label of `m` × 10^`e`: plain for moderate exponents ("0.02", "500"), else "2e-5".
fn log_label(m: u32, e: i32) -> String {
    match e {
        0..=4 => (u64::from(m) * 10u64.pow(e.unsigned_abs())).to_string(),
        -3..=-1 => format!("0.{}{m}", "0".repeat(e.unsigned_abs() as usize - 1)),
        _ => format!("{m}e{e}"),
    }
}

/// Ticks of a log axis spanning log10 values `lo..hi`: decades (every k-th when there are
/// many), else 1-2-5 or 1…9 mantissas within a decade, else linear ticks of the values.
pub(super) fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    // lo and hi are log10 of finite doubles, so within ±330: the casts are exact.
    let (e0, e1) = (lo.ceil() as i32, hi.floor() as i32);
    let decades: Vec<i32> = (e0..=e1).collect();
    if decades.len() >= 2 {
        let stride = decades.len().div_ceil(target + target / 2).max(1) as i32;
        return decades
            .into_iter()
            .filter(|e| e.rem_euclid(stride) == 0)
            .map(|e| (f64::from(e), log_label(1, e)))
            .collect();
    }
    for mantissas in [&[1u32, 2, 5][..], &[1, 2, 3, 4, 5, 6, 7, 8, 9][..]] {
        let ticks: Vec<(f64, String)> = (e0 - 1..=e1 + 1)
            .flat_map(|e| {
                mantissas
                    .iter()
                    .map(move |&m| (f64::from(e) + f64::from(m).log10(), log_label(m, e)))
            })
            .filter(|(u, _)| *u >= lo && *u <= hi)
            .collect();
        if ticks.len() >= 2 {
            return ticks;
        }
    }
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    match linear_positions(a, b, target) {
        Some((positions, step)) => {
            let labels = linear_labels(&positions, step);
            positions
                .into_iter()
                .zip(labels)
                .filter(|(v, _)| *v > 0.0)
                .map(|(v, label)| (v.log10(), label))
                .collect()
        }
        None => Vec::new(),
    }
}

/// Every k-th tick so that at most `max_count` remain.
pub(super) fn thin(ticks: Vec<(f64, String)>, max_count: usize) -> Vec<(f64, String)> {
    let max_count = max_count.max(1);
    if ticks.len() <= max_count {
        return ticks;
    }
    let k = ticks.len().div_ceil(max_count);
    ticks.into_iter().step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::super::scale::HUGE;
    use super::*;

    #[test]
    fn labels_log_ticks() {
        assert_eq!(log_label(1, -3), "0.001");
        assert_eq!(log_label(2, -1), "0.2");
        assert_eq!(log_label(5, 2), "500");
        assert_eq!(log_label(1, -7), "1e-7");
        assert_eq!(log_label(2, 9), "2e9");
    }

    #[test]
    fn linear_ticks_are_nice() {
        let ticks = linear_ticks(0.0, 1.0, 5);
        let labels: Vec<&str> = ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        let ticks = linear_ticks(0.0, 3e6, 4);
        assert!(ticks.iter().any(|(_, l)| l == "1e6"), "{ticks:?}");
        let ticks = linear_ticks(-1e-5, 1e-5, 4);
        assert!(ticks.iter().any(|(_, l)| l == "-1e-5"), "{ticks:?}");
        assert!(linear_ticks(1.0, 1.0, 4).is_empty());
        assert!(linear_ticks(f64::NAN, 1.0, 4).is_empty());
        assert!(linear_ticks(-HUGE, HUGE, 4).len() >= 2);
    }

    #[test]
    fn log_ticks_cover_small_and_large_ranges() {
        let wide = log_ticks(-12.0, 2.0, 6);
        assert!(wide.len() >= 2 && wide.len() <= 8, "{wide:?}");
        let narrow = log_ticks(0.3f64.log10(), 0.9f64.log10(), 5);
        assert!(narrow.len() >= 2, "{narrow:?}");
        assert!(narrow.iter().all(|(u, _)| u.is_finite()));
        let tiny = log_ticks(2.0f64.log10(), 2.05f64.log10(), 5);
        assert!(tiny.len() >= 2, "{tiny:?}");
    }
}
