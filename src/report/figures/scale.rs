//! Scales: one axis, linear or base-10 logarithmic, with its range in axis space; fitting a
//! range to data (padded, degenerate ranges widened) and its ticks.
//!
//! May use: `ticks`; nothing else of the crate.

use super::ticks::{MIN_TICKS, linear_ticks, log_ticks, thin};

/// Values beyond this magnitude are clamped so range arithmetic stays finite.
pub(super) const HUGE: f64 = 1e300;

/// One axis: linear or base-10 logarithmic, with its range in axis space (log10 of the value
/// on a log axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scale {
    /// Logarithmic axis.
    pub(super) log: bool,
    /// Low end, in axis space.
    pub(super) lo: f64,
    /// High end, in axis space (greater than `lo`).
    pub(super) hi: f64,
}

impl Scale {
    /// The axis-space position of data value `v`: `None` when not finite, or ≤ 0 on a log axis.
    pub(super) fn axis(log: bool, v: f64) -> Option<f64> {
        if !v.is_finite() {
            None
        } else if log {
            (v > 0.0).then(|| v.log10())
        } else {
            Some(v.clamp(-HUGE, HUGE))
        }
    }

    /// The scale spanning the finite axis-space `values`, padded by `pad` × span on each side
    /// (a zero span is widened); `None` when there is no finite value.
    pub(super) fn fit(log: bool, values: impl IntoIterator<Item = f64>, pad: f64) -> Option<Scale> {
        let (lo, hi) = values.into_iter().filter(|v| v.is_finite()).fold(
            None,
            |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        )?;
        Some(Scale::between(log, lo, hi, pad))
    }

    /// The scale from axis-space `a` to `b` (either order, finite), padded by `pad` × span.
    pub(super) fn between(log: bool, a: f64, b: f64, pad: f64) -> Scale {
        let (lo, hi) = (a.min(b).clamp(-HUGE, HUGE), a.max(b).clamp(-HUGE, HUGE));
        let span = hi - lo;
        let (lo, hi) = if span > 0.0 && (hi + span * pad) > (lo - span * pad) {
            (lo - span * pad, hi + span * pad)
        } else {
            let d = if log {
                0.5
            } else if lo == 0.0 {
                1.0
            } else {
                lo.abs() * 0.1
            };
            (lo - d, hi + d)
        };
        if hi > lo && (hi - lo).is_finite() {
            Scale { log, lo, hi }
        } else {
            Scale {
                log,
                lo: -1.0,
                hi: 1.0,
            }
        }
    }

    /// Whether axis-space `u` lies in the range.
    pub(super) fn contains(&self, u: f64) -> bool {
        u >= self.lo && u <= self.hi
    }

    /// About `target` ticks (2 to 10) as (axis-space position, label), inside the range; at
    /// least [`MIN_TICKS`] on any range.
    pub(super) fn ticks(&self, target: usize) -> Vec<(f64, String)> {
        let target = target.clamp(2, 10);
        let ticks = if self.log {
            log_ticks(self.lo, self.hi, target)
        } else {
            linear_ticks(self.lo, self.hi, target)
        };
        thin(ticks, (target + target / 2).max(MIN_TICKS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_pad_degenerate_ranges() {
        let s = Scale::fit(false, [3.0, 3.0], 0.05).expect("a scale");
        assert!(s.lo < 3.0 && s.hi > 3.0);
        let s = Scale::fit(false, [0.0], 0.05).expect("a scale");
        assert!(s.lo < 0.0 && s.hi > 0.0);
        assert!(Scale::fit(false, [f64::NAN], 0.05).is_none());
        let s = Scale::between(false, -HUGE, HUGE, 0.05);
        assert!(s.hi > s.lo && (s.hi - s.lo).is_finite());
        assert_eq!(Scale::axis(true, -1.0), None);
        assert_eq!(Scale::axis(true, 100.0), Some(2.0));
    }
}
