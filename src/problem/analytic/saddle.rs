//! `saddle`: f(x, y) = x² + y⁴/4 − y²/2. A saddle at the origin, minima f(0, ±1) = −1/4;
//! default start (1, 0.01), close to the saddle's stable manifold y = 0.

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, Minimum, NOISE, SPREAD};
use crate::spec::EntryInfo;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "saddle",
    summary: "saddle at the origin, minima at (0, ±1)",
    reference: "x² + y⁴/4 - y²/2",
    keys: &[NOISE, SPREAD],
};

/// The saddle function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saddle {}

impl LandscapeConfig for Saddle {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Saddle {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, p: &[f64]) -> f64 {
        let (x, y) = (p[0], p[1]);
        x * x + y.powi(4) / 4.0 - y * y / 2.0
    }

    fn gradient(&self, p: &[f64], grad: &mut [f64]) -> f64 {
        let (x, y) = (p[0], p[1]);
        grad[0] = 2.0 * x;
        grad[1] = y * y * y - y;
        self.value(p)
    }

    fn default_start(&self) -> Vec<f64> {
        vec![1.0, 0.01]
    }

    fn minima(&self) -> Vec<Minimum> {
        [1.0, -1.0]
            .iter()
            .map(|&y| Minimum {
                x: vec![0.0, y],
                f: -0.25,
            })
            .collect()
    }
}
