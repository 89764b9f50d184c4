//! Learning-rate sensitivity ("how forgiving is it?"): for each optimizer's tuned batch mode
//! and schedule on a problem, the median score at every lr its bracketed sweep tried (tuning
//! seeds), and the width in decades of the lr range whose score is within
//! [`FORGIVENESS_DECADES`] of the best (a factor of 2 in the relative gap), in the sweep's own
//! resolution (a multiple of its step).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Analysis, SCORE_CEILING, run_score, stats};
use crate::grid::SeedRole;
use crate::record::Status;

/// How far above the best score an lr may be and still count as good: log10(2), a factor of
/// 2 in the relative gap.
pub const FORGIVENESS_DECADES: f64 = std::f64::consts::LOG10_2;

/// The sweep of one optimizer on one problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepCurve {
    /// lr factors (lr / default), increasing.
    pub factors: Vec<f64>,
    /// Median score at each (tuning seeds).
    pub scores: Vec<f64>,
    /// Share of runs at each lr that diverged.
    pub diverged: Vec<f64>,
    /// Width of the good range in decades (0 when one lr or none is good).
    pub width: f64,
}

/// Sensitivity of every optimizer on every problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// `curves[p][o]` (None when the optimizer has no sweep there).
    pub curves: Vec<Vec<Option<SweepCurve>>>,
    /// Per optimizer, the median width over problems.
    pub forgiveness: Vec<f64>,
    /// Decades the sweep spans (largest factor over smallest).
    pub sweep_decades: f64,
}

/// Sensitivity curves and widths, from each tuned configuration's sweep on its tuning seeds
/// (the evaluation seeds ran at the pick only).
pub fn sensitivity(a: &Analysis) -> Sensitivity {
    let mut curves = Vec::new();
    let mut span = 0.0f64;
    for p in &a.problems {
        let mut row = Vec::new();
        for choice in &p.tuned {
            let mut by_lr: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
            for &i in &p.run_indices {
                let s = &a.records[i].spec;
                if s.role == SeedRole::Tuning
                    && s.label == choice.label
                    && s.batch == choice.batch
                    && s.schedule == choice.schedule
                {
                    by_lr
                        .entry((s.lr / s.base_lr).to_bits())
                        .or_default()
                        .push(i);
                }
            }
            if by_lr.is_empty() {
                row.push(None);
                continue;
            }
            let mut factors: Vec<f64> = by_lr.keys().map(|b| f64::from_bits(*b)).collect();
            factors.sort_by(f64::total_cmp);
            let cells: Vec<&Vec<usize>> = factors.iter().map(|f| &by_lr[&f.to_bits()]).collect();
            let scores: Vec<f64> = cells
                .iter()
                .map(|runs| {
                    let v: Vec<f64> = runs.iter().map(|&i| run_score(&a.records[i])).collect();
                    stats::median(&v)
                })
                .collect();
            let diverged = cells
                .iter()
                .map(|runs| {
                    runs.iter()
                        .filter(|&&i| a.records[i].status == Status::Diverged)
                        .count() as f64
                        / runs.len() as f64
                })
                .collect();
            let best = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let good: Vec<f64> = factors
                .iter()
                .zip(&scores)
                .filter(|(_, s)| **s <= best + FORGIVENESS_DECADES && **s < SCORE_CEILING)
                .map(|(f, _)| *f)
                .collect();
            let width = match (good.first(), good.last()) {
                (Some(lo), Some(hi)) => (hi / lo).log10(),
                _ => 0.0,
            };
            if let (Some(lo), Some(hi)) = (factors.first(), factors.last()) {
                span = span.max((hi / lo).log10());
            }
            row.push(Some(SweepCurve {
                factors,
                scores,
                diverged,
                width,
            }));
        }
        curves.push(row);
    }
    let forgiveness = (0..a.optimizers.len())
        .map(|o| {
            let w: Vec<f64> = curves
                .iter()
                .filter_map(|row: &Vec<Option<SweepCurve>>| row[o].as_ref().map(|c| c.width))
                .collect();
            if w.is_empty() { 0.0 } else { stats::median(&w) }
        })
        .collect();
    Sensitivity {
        curves,
        forgiveness,
        sweep_decades: span,
    }
}
