//! The tuning protocol (`docs/methodology.md`), shared by the harness, which runs it, and the analysis,
//! which reports it: how a run is scored, when two results count as equal, and how the
//! learning rate of a configuration is bracketed and picked on its tuning seeds.
//!
//! - **Score.** The final training objective's gap to the instance's optimum f*, relative to
//!   the start: r = (f_T − f*)/(f_0 − f*); score = log10 r, clamped to
//!   [[`SCORE_FLOOR`], [`SCORE_CEILING`]]. A diverged run scores +∞ in decisions and
//!   [`SCORE_CEILING`] in statistics. One unit is a factor of 10 in the gap; f* is a property
//!   of the instance (exact, solved, or a labelled estimate), never of the grid, so a score does
//!   not move when the grid changes.
//! - **Equivalence.** Two results within [`MARGIN`] (0.1 decade, a factor of 1.26 in the gap)
//!   are equal.
//! - **Bracketing.** Each learning rate's evidence is its median score over the tuning seeds.
//!   The *near-best* rates are those within [`MARGIN`] of the best. While the highest rate
//!   tried is near-best, the sweep extends one step upwards; while the lowest is near-best and
//!   either made progress (closed more than [`MARGIN`] of the gap: a rate too small to move
//!   stalls, and lower ones stall too) or beats its neighbour by more than [`MARGIN`] (the
//!   results still improve downwards), one step downwards; until neither holds or the sweep's
//!   cap is reached. A diverged rate is never near-best, so a sweep stops growing upwards at the first
//!   rate that diverges; when every rate diverged, the sweep extends downwards only.
//! - **Pick.** The middle of the near-best rates (the lower middle of an even count): where the
//!   best results lie in a plateau, the pick keeps away from its edges.
//!
//! May use: `record`, `grid`, `problem`.

use crate::record::{RunRecord, Status};

/// Lowest score: a relative gap of 1e-8.
pub const SCORE_FLOOR: f64 = -8.0;
/// Highest score: a relative gap of 1e3; diverged runs score this in statistics.
pub const SCORE_CEILING: f64 = 3.0;
/// Results within this many decades of relative gap are equal.
pub const MARGIN: f64 = 0.1;

/// The relative gap (f − f*)/(f_0 − f*), at least 0; +∞ for a non-finite `f`. A start at the
/// optimum has no gap to close: every finite `f` is then at gap 0.
pub fn relative_gap(f: f64, start: f64, optimum: f64) -> f64 {
    if !f.is_finite() {
        return f64::INFINITY;
    }
    let room = start - optimum;
    if room.is_nan() || room <= 0.0 {
        return 0.0;
    }
    ((f - optimum) / room).max(0.0)
}

/// log10 of a relative gap, clamped to [[`SCORE_FLOOR`], [`SCORE_CEILING`]]; +∞ stays +∞.
pub fn score_of_gap(gap: f64) -> f64 {
    if gap.is_infinite() {
        return f64::INFINITY;
    }
    gap.max(10f64.powf(SCORE_FLOOR))
        .log10()
        .clamp(SCORE_FLOOR, SCORE_CEILING)
}

/// The relative gap of a run's training objective at curve entry `i`.
pub fn gap_at(record: &RunRecord, i: usize) -> f64 {
    relative_gap(
        record.curves.train_loss[i],
        record.curves.train_loss[0],
        record.optimum.loss,
    )
}

/// A run's score: +∞ when it diverged, else the score of its final training objective.
pub fn score(record: &RunRecord) -> f64 {
    if record.status == Status::Diverged {
        return f64::INFINITY;
    }
    score_of_gap(gap_at(record, record.last()))
}

/// A score made fit for statistics: +∞ (diverged) becomes [`SCORE_CEILING`].
pub fn bounded(score: f64) -> f64 {
    score.min(SCORE_CEILING)
}

/// The evidence at one learning rate of a configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The learning rate.
    pub lr: f64,
    /// Median score over the tuning seeds (+∞ when the median run diverged).
    pub score: f64,
}

/// The median of scores (+∞ sorts last); +∞ for none.
pub fn median(scores: &[f64]) -> f64 {
    if scores.is_empty() {
        return f64::INFINITY;
    }
    let mut v = scores.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 || v[n / 2 - 1] == v[n / 2] {
        v[n / 2]
    } else {
        v[n / 2 - 1] + 0.5 * (v[n / 2] - v[n / 2 - 1])
    }
}

/// Positions (in `points`, sorted by lr) of the near-best rates: finite and within [`MARGIN`]
/// of the best. Empty when every rate diverged.
pub fn near_best(points: &[Point]) -> Vec<usize> {
    let best = points.iter().map(|p| p.score).fold(f64::INFINITY, f64::min);
    if !best.is_finite() {
        return Vec::new();
    }
    (0..points.len())
        .filter(|&i| points[i].score <= best + MARGIN)
        .collect()
}

/// Which sides of a sweep to extend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extend {
    /// Below the lowest rate tried.
    pub lower: bool,
    /// Above the highest rate tried.
    pub upper: bool,
}

/// Whether a score shows no progress: less than [`MARGIN`] of the gap closed (or worse).
pub fn stalled(score: f64) -> bool {
    score > -MARGIN
}

/// Where the sweep `points` (sorted by lr, at least one) must grow: upwards when its highest
/// rate is near-best; downwards when its lowest is near-best and either not stalled or better
/// than its neighbour by more than the margin, or when every rate diverged.
pub fn extend(points: &[Point]) -> Extend {
    let near = near_best(points);
    if near.is_empty() {
        return Extend {
            lower: !points.is_empty(),
            upper: false,
        };
    }
    Extend {
        lower: near[0] == 0
            && (!stalled(points[0].score)
                || points
                    .get(1)
                    .is_some_and(|next| points[0].score < next.score - MARGIN)),
        upper: near[near.len() - 1] == points.len() - 1,
    }
}

/// The position of the picked rate in `points` (sorted by lr): the middle of the near-best
/// rates; the lowest rate when every rate diverged; `None` for no points.
pub fn pick(points: &[Point]) -> Option<usize> {
    if points.is_empty() {
        return None;
    }
    let near = near_best(points);
    Some(if near.is_empty() {
        0
    } else {
        near[(near.len() - 1) / 2]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(scores: &[f64]) -> Vec<Point> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &score)| Point {
                lr: 10f64.powi(i as i32),
                score,
            })
            .collect()
    }

    #[test]
    fn scores_are_log_gaps_with_a_floor_and_a_ceiling() {
        assert_eq!(relative_gap(1.0, 3.0, 1.0), 0.0);
        assert_eq!(relative_gap(2.0, 3.0, 1.0), 0.5);
        assert_eq!(relative_gap(0.5, 3.0, 1.0), 0.0, "below an estimated f*");
        assert_eq!(relative_gap(f64::NAN, 3.0, 1.0), f64::INFINITY);
        assert_eq!(relative_gap(2.0, 1.0, 1.0), 0.0, "a start at the optimum");
        assert_eq!(score_of_gap(0.01), -2.0);
        assert_eq!(score_of_gap(0.0), SCORE_FLOOR);
        assert_eq!(score_of_gap(1e9), SCORE_CEILING);
        assert_eq!(score_of_gap(f64::INFINITY), f64::INFINITY);
        assert_eq!(bounded(f64::INFINITY), SCORE_CEILING);
    }

    #[test]
    fn a_best_rate_on_an_edge_extends_that_side() {
        let inf = f64::INFINITY;
        // Falling to the right: extend upwards.
        assert_eq!(
            extend(&points(&[-1.0, -2.0, -3.0])),
            Extend {
                lower: false,
                upper: true
            }
        );
        // Interior best: done.
        assert_eq!(
            extend(&points(&[-1.0, -3.0, -2.0])),
            Extend {
                lower: false,
                upper: false
            }
        );
        // Best at the low edge: extend downwards.
        assert!(extend(&points(&[-4.0, -3.0, inf])).lower);
        // An edge within the margin of an interior best counts as near-best.
        assert_eq!(
            extend(&points(&[-2.0, -3.0, -2.95])),
            Extend {
                lower: false,
                upper: true
            }
        );
        // A diverged edge stops the growth on its side.
        assert!(!extend(&points(&[-1.0, -3.0, inf])).upper);
        // Stalled, but still improving downwards: extend down.
        assert!(extend(&points(&[0.0, 0.5, inf])).lower);
        // Every rate too small to move: upwards only.
        assert_eq!(
            extend(&points(&[-0.01, -0.02, -0.05])),
            Extend {
                lower: false,
                upper: true
            }
        );
        // Everything diverged: downwards only.
        assert_eq!(
            extend(&points(&[inf, inf])),
            Extend {
                lower: true,
                upper: false
            }
        );
    }

    #[test]
    fn the_pick_is_the_middle_of_the_near_best_rates() {
        let inf = f64::INFINITY;
        assert_eq!(pick(&points(&[-1.0, -3.0, -2.0])), Some(1));
        // A plateau at the floor from 1 to 4: the middle (lower middle of four).
        assert_eq!(
            pick(&points(&[-2.0, -8.0, -8.0, -8.0, -7.95, inf])),
            Some(2)
        );
        assert_eq!(pick(&points(&[inf, inf])), Some(0));
        assert_eq!(pick(&[]), None);
    }

    #[test]
    fn medians_treat_divergence_as_worst() {
        assert_eq!(median(&[1.0, 3.0]), 2.0);
        assert_eq!(median(&[1.0, f64::INFINITY]), f64::INFINITY);
        assert_eq!(median(&[1.0, f64::INFINITY, 2.0]), 2.0);
        assert_eq!(median(&[]), f64::INFINITY);
    }
}
