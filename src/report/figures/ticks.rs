//! Tick positions and labels: "nice" steps (1, 2 or 5 × 10^k) on linear axes, decades or
//! 1-2-5 mantissas on log axes, at least four labelled ticks on any non-empty range, and
//! thinning to a most count.
//!
//! Works in axis space (log10 of the value on a log axis) and knows nothing of pixels; the
//! frame thins ticks further to fit their labels.
//!
//! May use: `number`; nothing else of the crate.

use super::number::{digits_label, sci};

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

/// Fewest labelled ticks an axis gets (when its range is not empty).
pub(super) const MIN_TICKS: usize = 4;

/// The next smaller nice step below `step` (5 → 2 → 1 → 0.5 …).
fn smaller_step(step: f64) -> f64 {
    let mag = 10f64.powf(step.log10().floor());
    let norm = (step / mag).round();
    if norm >= 5.0 {
        2.0 * mag
    } else if norm >= 2.0 {
        mag
    } else {
        0.5 * mag
    }
}

/// The multiples of a nice step in `[lo, hi]`, with their step: about `target` of them and
/// never fewer than [`MIN_TICKS`].
fn linear_positions(lo: f64, hi: f64, target: usize) -> Option<(Vec<f64>, f64)> {
    let span = hi - lo;
    if !(lo.is_finite() && hi.is_finite() && span.is_finite() && span > 0.0) {
        return None;
    }
    let mut step = nice_step(span / target.max(1) as f64);
    let bounds = |step: f64| ((lo / step).ceil(), (hi / step).floor());
    let (mut k0, mut k1) = bounds(step);
    // A nice step shrinks by at most 2.5 at a time, so a few rounds reach MIN_TICKS.
    for _ in 0..8 {
        if k1 - k0 + 1.0 >= MIN_TICKS as f64 {
            break;
        }
        step = smaller_step(step);
        (k0, k1) = bounds(step);
    }
    if !(k0.is_finite() && k1.is_finite()) || k1 < k0 || k1 - k0 > 100.0 {
        return None;
    }
    let count = (k1 - k0) as usize + 1;
    // (k0 + i) × step may round an ulp outside the range: clamp it back.
    let positions = (0..count)
        .map(|i| ((k0 + i as f64) * step).clamp(lo, hi))
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

/// Ticks of a linear axis: multiples of a nice step, at least [`MIN_TICKS`] of them.
pub(super) fn linear_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    match linear_positions(lo, hi, target) {
        Some((positions, step)) => {
            let labels = linear_labels(&positions, step);
            positions.into_iter().zip(labels).collect()
        }
        None => Vec::new(),
    }
}

/// The label of `m` × 10^`e` for a digit `m`: plain from 0.001 to 500 ("0.02", "500"), else
/// scientific ("2e-5", "1e3").
fn log_label(m: u32, e: i32) -> String {
    digits_label(false, i64::from(m) * 10, e)
}

/// The ticks m × 10^e inside `lo..hi` (log10 values) for the mantissas `m` given.
fn mantissa_ticks(lo: f64, hi: f64, mantissas: &[u32]) -> Vec<(f64, String)> {
    let (e0, e1) = (lo.floor() as i32, hi.floor() as i32);
    (e0..=e1)
        .flat_map(|e| {
            mantissas
                .iter()
                .map(move |&m| (f64::from(e) + f64::from(m).log10(), log_label(m, e)))
        })
        .filter(|(u, _)| *u >= lo && *u <= hi)
        .collect()
}

/// Ticks of a log axis spanning log10 values `lo..hi`, at least [`MIN_TICKS`] of them (for a
/// non-empty range), all labels short and distinct: decades when there are at least
/// [`MIN_TICKS`] (every 2nd, 5th, 10th… when there are many more than `target`), else 1-2-5
/// mantissas (1-3 when 1-2-5 gives too many), else 1…9, else evenly spaced values labelled with
/// as many digits as their step needs.
pub(super) fn log_ticks(lo: f64, hi: f64, target: usize) -> Vec<(f64, String)> {
    if !(lo.is_finite() && hi.is_finite() && hi > lo) {
        return Vec::new();
    }
    let most = (target + target / 2).max(MIN_TICKS);
    // lo and hi are log10 of doubles, so within about ±330: the casts are exact.
    let (e0, e1) = (lo.ceil() as i64, hi.floor() as i64);
    let count = |stride: i64| e1.div_euclid(stride) - (e0 + stride - 1).div_euclid(stride) + 1;
    if e1 - e0 + 1 >= MIN_TICKS as i64 {
        let mut stride = 1;
        for s in [1, 2, 5, 10, 20, 50, 100, 200] {
            if count(s) < MIN_TICKS as i64 {
                break;
            }
            stride = s;
            if count(s) <= most as i64 {
                break;
            }
        }
        return (e0..=e1)
            .filter(|e| e.rem_euclid(stride) == 0)
            .map(|e| (e as f64, log_label(1, e as i32)))
            .collect();
    }
    let one_two_five = mantissa_ticks(lo, hi, &[1, 2, 5]);
    if one_two_five.len() > most {
        let one_three = mantissa_ticks(lo, hi, &[1, 3]);
        if one_three.len() >= MIN_TICKS {
            return one_three;
        }
    }
    if one_two_five.len() >= MIN_TICKS {
        return one_two_five;
    }
    let nine = mantissa_ticks(lo, hi, &[1, 2, 3, 4, 5, 6, 7, 8, 9]);
    if nine.len() >= MIN_TICKS {
        return nine;
    }
    let (a, b) = (10f64.powf(lo), 10f64.powf(hi));
    let Some((positions, step)) = linear_positions(a, b, target) else {
        return Vec::new();
    };
    // log10 of a value at the edge may land an ulp outside the range: clamp those.
    let slack = (hi - lo) * 1e-6;
    let labels = linear_labels(&positions, step);
    positions
        .into_iter()
        .zip(labels)
        .filter(|(v, _)| *v > 0.0)
        .map(|(v, label)| (v.log10(), label))
        .filter(|(u, _)| *u >= lo - slack && *u <= hi + slack)
        .map(|(u, label)| (u.clamp(lo, hi), label))
        .collect()
}

/// Every k-th tick so that at most `max_count` remain, but never fewer than [`MIN_TICKS`] (or
/// all of them when there are fewer): a short axis may then hold a few more than `max_count`.
pub(super) fn thin(ticks: Vec<(f64, String)>, max_count: usize) -> Vec<(f64, String)> {
    let max_count = max_count.max(1);
    if ticks.len() <= max_count {
        return ticks;
    }
    let mut k = ticks.len().div_ceil(max_count);
    while k > 1 && ticks.len().div_ceil(k) < MIN_TICKS {
        k -= 1;
    }
    ticks.into_iter().step_by(k).collect()
}

#[cfg(test)]
mod tests {
    use super::super::frame::{x_ticks, y_ticks};
    use super::super::scale::{HUGE, Scale};
    use super::*;

    #[test]
    fn labels_log_ticks() {
        assert_eq!(log_label(1, -3), "0.001");
        assert_eq!(log_label(2, -1), "0.2");
        assert_eq!(log_label(5, 2), "500");
        assert_eq!(log_label(1, -7), "1e-7");
        assert_eq!(log_label(2, 9), "2e9");
        assert_eq!(log_label(2, 3), "2e3");
        assert_eq!(log_label(1, 0), "1");
    }

    /// Spans from a millionth of a decade to 30 decades, at many offsets.
    fn log_ranges() -> Vec<(f64, f64)> {
        let mut spans = vec![1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.03];
        spans.extend((1..=60).map(|k| 0.05 * f64::from(k)));
        spans.extend([
            3.3, 3.7, 4.0, 4.5, 5.0, 6.0, 7.5, 9.0, 12.0, 15.0, 20.0, 25.0, 30.0,
        ]);
        let mut ranges = Vec::new();
        for span in spans {
            for k in 0..=97 {
                let lo = -14.0 + 0.29 * f64::from(k);
                ranges.push((lo, lo + span));
            }
            ranges.push((-span / 2.0, span / 2.0));
            ranges.push((0.0, span));
            ranges.push((-span, 0.0));
        }
        ranges
    }

    /// Asserts at least MIN_TICKS ticks inside `lo..hi`, increasing, with distinct non-empty
    /// labels at most `max_chars` long.
    fn assert_enough(ticks: &[(f64, String)], (lo, hi): (f64, f64), max_chars: usize) {
        let context = || format!("{lo}..{hi}: {ticks:?}");
        assert!(ticks.len() >= MIN_TICKS, "too few ticks on {}", context());
        assert!(
            ticks.iter().all(|(u, _)| *u >= lo && *u <= hi),
            "a tick outside {}",
            context()
        );
        assert!(
            ticks.windows(2).all(|w| w[0].0 < w[1].0),
            "not increasing: {}",
            context()
        );
        let labels: std::collections::HashSet<&str> =
            ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels.len(),
            ticks.len(),
            "repeated labels on {}",
            context()
        );
        assert!(
            ticks
                .iter()
                .all(|(_, l)| !l.is_empty() && l.chars().count() <= max_chars),
            "a label empty or longer than {max_chars} on {}",
            context()
        );
    }

    #[test]
    fn every_log_axis_gets_four_short_distinct_labels() {
        for (lo, hi) in log_ranges() {
            // Decades and mantissas read like "1e-4", "0.005", "200", "2e3"; only a range
            // narrower than 2 … 5 needs the digits of evenly spaced values.
            let max_chars = if hi - lo >= 0.75 { 5 } else { 24 };
            for target in 2..=10 {
                assert_enough(&log_ticks(lo, hi, target), (lo, hi), max_chars);
                let scale = Scale { log: true, lo, hi };
                assert_enough(&scale.ticks(target), (lo, hi), max_chars);
            }
            for length in [200.0, 330.0, 520.0, 700.0] {
                let scale = Scale { log: true, lo, hi };
                assert_enough(&x_ticks(&scale, length), (lo, hi), max_chars);
                assert_enough(&y_ticks(&scale, length), (lo, hi), max_chars);
            }
        }
    }

    fn log_labels(lo: f64, hi: f64) -> Vec<String> {
        log_ticks(lo, hi, 6).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn many_decades_are_thinned_but_keep_four() {
        let ticks = log_ticks(-15.0, 15.0, 6);
        assert!(ticks.len() >= MIN_TICKS && ticks.len() <= 9, "{ticks:?}");
        assert_eq!(log_labels(-0.1, 3.1), ["1", "10", "100", "1e3"]);
        assert_eq!(log_labels(-0.1, 1.1), ["1", "2", "5", "10"]);
        assert_eq!(log_labels(2f64.log10(), 5f64.log10()), ["2", "3", "4", "5"]);
    }

    #[test]
    fn every_linear_axis_gets_four_distinct_labels() {
        let mut spans: Vec<f64> = (-9..=9).map(|k| 10f64.powi(k)).collect();
        spans.extend([0.3, 0.7, 1.5, 2.2, 3.0, 4.4, 6.5, 8.0, 13.0, 37.0, 75.0]);
        for span in spans {
            for offset in [
                -1e6f64, -123.4, -3.0, -0.7, 0.0, 0.3, 1.0, 2.9, 17.0, 1e3, 4.2e5,
            ] {
                // Keep the span above a billionth of the offset, so doubles still tell the
                // ticks apart.
                if span < offset.abs() * 1e-9 {
                    continue;
                }
                for (lo, hi) in [(offset, offset + span), (offset - span / 2.0, offset)] {
                    for target in 2..=10 {
                        assert_enough(&linear_ticks(lo, hi, target), (lo, hi), 24);
                        let scale = Scale { log: false, lo, hi };
                        assert_enough(&scale.ticks(target), (lo, hi), 24);
                    }
                    let scale = Scale { log: false, lo, hi };
                    assert_enough(&x_ticks(&scale, 520.0), (lo, hi), 24);
                    assert_enough(&y_ticks(&scale, 330.0), (lo, hi), 24);
                }
            }
        }
    }

    #[test]
    fn thinning_keeps_four() {
        let ticks: Vec<(f64, String)> = (0..5).map(|k| (f64::from(k), k.to_string())).collect();
        assert_eq!(thin(ticks.clone(), 4).len(), 5);
        assert_eq!(thin(ticks.clone(), 2).len(), 5);
        let many: Vec<(f64, String)> = (0..30).map(|k| (f64::from(k), k.to_string())).collect();
        let thinned = thin(many, 3);
        assert!(
            thinned.len() >= MIN_TICKS && thinned.len() <= 8,
            "{thinned:?}"
        );
        assert_eq!(thin(ticks[..2].to_vec(), 1).len(), 2);
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
