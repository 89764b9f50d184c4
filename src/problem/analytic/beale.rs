//! `beale`: f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)² (Beale 1958).
//! Flat regions and sharp walls; minimum f(3, 0.5) = 0; default start (1, 1).

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, Minimum, NOISE, SPREAD};
use crate::spec::EntryInfo;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "beale",
    summary: "flat regions and sharp walls; minimum at (3, 0.5)",
    reference: "Beale 1958",
    keys: &[NOISE, SPREAD],
};

/// The Beale function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beale {}

impl LandscapeConfig for Beale {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Beale {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, p: &[f64]) -> f64 {
        let mut g = [0.0; 2];
        self.gradient(p, &mut g)
    }

    fn gradient(&self, p: &[f64], grad: &mut [f64]) -> f64 {
        let (x, y) = (p[0], p[1]);
        let (y2, y3) = (y * y, y * y * y);
        let t1 = 1.5 - x + x * y;
        let t2 = 2.25 - x + x * y2;
        let t3 = 2.625 - x + x * y3;
        grad[0] = 2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y2 - 1.0) + 2.0 * t3 * (y3 - 1.0);
        grad[1] = 2.0 * t1 * x + 2.0 * t2 * (2.0 * x * y) + 2.0 * t3 * (3.0 * x * y2);
        t1 * t1 + t2 * t2 + t3 * t3
    }

    fn default_start(&self) -> Vec<f64> {
        vec![1.0, 1.0]
    }

    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            x: vec![3.0, 0.5],
            f: 0.0,
        }]
    }
}
