//! `plateau`: f(x, y) = 1 − exp(−(x² + y²)/2). Gradients vanish far from the minimum f(0) = 0;
//! default start (3, 2), where |∇f| ≈ 0.005.

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, Minimum, NOISE, SPREAD};
use crate::spec::EntryInfo;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "plateau",
    summary: "vanishing gradients far from the minimum at 0",
    reference: "1 - exp(-(x²+y²)/2)",
    keys: &[NOISE, SPREAD],
};

/// The plateau function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plateau {}

impl LandscapeConfig for Plateau {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Plateau {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, p: &[f64]) -> f64 {
        1.0 - (-(p[0] * p[0] + p[1] * p[1]) / 2.0).exp()
    }

    fn gradient(&self, p: &[f64], grad: &mut [f64]) -> f64 {
        let e = (-(p[0] * p[0] + p[1] * p[1]) / 2.0).exp();
        grad[0] = e * p[0];
        grad[1] = e * p[1];
        1.0 - e
    }

    fn default_start(&self) -> Vec<f64> {
        vec![3.0, 2.0]
    }

    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            x: vec![0.0, 0.0],
            f: 0.0,
        }]
    }
}
