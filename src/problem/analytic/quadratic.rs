//! `quadratic`: f(x) = ½·Σ λ_i·x_i² with λ_i = kappa^(i/(dim−1)), i = 0..dim−1: eigenvalues
//! spread log-evenly from 1 to kappa (the condition number). An ill-conditioned ravine;
//! minimum f(0) = 0; default start (1, …, 1).

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, MAX_DIM, Minimum, NOISE, SPREAD};
use crate::spec::{Bound, EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "quadratic",
    summary: "ill-conditioned ravine: ½Σλ_i x_i², λ from 1 to kappa",
    reference: "convex quadratic with condition number kappa",
    keys: &[
        Key::float(
            "kappa",
            10.0,
            Range::Float {
                lo: Bound::Incl(1.0),
                hi: Bound::Open,
            },
            "condition number: largest over smallest curvature",
        ),
        Key::int("dim", 2, 2, MAX_DIM, "number of coordinates"),
        NOISE,
        SPREAD,
    ],
};

/// The ill-conditioned quadratic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quadratic {
    /// Condition number ≥ 1 (default 10).
    pub kappa: f64,
    /// Dimension ≥ 2 (default 2).
    pub dim: usize,
}

impl Quadratic {
    /// The curvature λ_i of coordinate i.
    pub fn curvature(&self, i: usize) -> f64 {
        self.kappa.powf(i as f64 / (self.dim - 1) as f64)
    }
}

impl LandscapeConfig for Quadratic {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(QuadraticLandscape {
            lambda: (0..self.dim).map(|i| self.curvature(i)).collect(),
        })
    }
}

/// The quadratic with its curvatures computed once.
#[derive(Debug, Clone)]
struct QuadraticLandscape {
    lambda: Vec<f64>,
}

impl Landscape for QuadraticLandscape {
    fn dim(&self) -> usize {
        self.lambda.len()
    }

    fn value(&self, x: &[f64]) -> f64 {
        0.5 * x
            .iter()
            .zip(&self.lambda)
            .map(|(x, l)| l * x * x)
            .sum::<f64>()
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        for ((g, x), l) in grad.iter_mut().zip(x).zip(&self.lambda) {
            *g = l * x;
        }
        self.value(x)
    }

    fn default_start(&self) -> Vec<f64> {
        vec![1.0; self.dim()]
    }

    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            x: vec![0.0; self.dim()],
            f: 0.0,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curvatures_span_one_to_kappa() {
        let q = Quadratic {
            kappa: 100.0,
            dim: 3,
        };
        assert_eq!(q.curvature(0), 1.0);
        assert!((q.curvature(1) - 10.0).abs() < 1e-12);
        assert!((q.curvature(2) - 100.0).abs() < 1e-12);
    }
}
