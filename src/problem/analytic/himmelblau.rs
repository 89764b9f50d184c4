//! `himmelblau`: f(x, y) = (x² + y − 11)² + (x + y² − 7)² (Himmelblau 1972). Four minima with
//! f = 0: (3, 2) and three irrational ones; default start (0, 0).

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, Minimum, NOISE, SPREAD};
use crate::spec::EntryInfo;

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "himmelblau",
    summary: "four minima of equal value",
    reference: "Himmelblau 1972",
    keys: &[NOISE, SPREAD],
};

/// The Himmelblau function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Himmelblau {}

impl LandscapeConfig for Himmelblau {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Himmelblau {
    fn dim(&self) -> usize {
        2
    }

    fn value(&self, p: &[f64]) -> f64 {
        let (x, y) = (p[0], p[1]);
        (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
    }

    fn gradient(&self, p: &[f64], grad: &mut [f64]) -> f64 {
        let (x, y) = (p[0], p[1]);
        let a = x * x + y - 11.0;
        let b = x + y * y - 7.0;
        grad[0] = 4.0 * x * a + 2.0 * b;
        grad[1] = 2.0 * a + 4.0 * y * b;
        a * a + b * b
    }

    fn default_start(&self) -> Vec<f64> {
        vec![0.0, 0.0]
    }

    fn minima(&self) -> Vec<Minimum> {
        [
            [3.0, 2.0],
            [-2.805_118_086_952_745, 3.131_312_518_250_573],
            [-3.779_310_253_377_747, -3.283_185_991_286_17],
            [3.584_428_340_330_492, -1.848_126_526_964_404],
        ]
        .iter()
        .map(|m| Minimum {
            x: m.to_vec(),
            f: 0.0,
        })
        .collect()
    }
}
