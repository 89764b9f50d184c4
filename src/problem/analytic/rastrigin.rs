//! `rastrigin`: f(x) = 10·dim + Σ (x_i² − 10·cos(2π·x_i)) (Rastrigin 1974). A regular grid of
//! local minima near the integers; global minimum f(0) = 0; default start (2.5, …, 2.5).

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, MAX_DIM, Minimum, NOISE, SPREAD};
use crate::spec::{EntryInfo, Key};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "rastrigin",
    summary: "many local minima on a grid; global minimum at 0",
    reference: "Rastrigin 1974",
    keys: &[
        Key::int("dim", 2, 1, MAX_DIM, "number of coordinates"),
        NOISE,
        SPREAD,
    ],
};

/// The Rastrigin function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rastrigin {
    /// Dimension ≥ 1 (default 2).
    pub dim: usize,
}

impl LandscapeConfig for Rastrigin {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Rastrigin {
    fn dim(&self) -> usize {
        self.dim
    }

    fn value(&self, x: &[f64]) -> f64 {
        10.0 * x.len() as f64
            + x.iter()
                .map(|x| x * x - 10.0 * (2.0 * PI * x).cos())
                .sum::<f64>()
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        for (g, x) in grad.iter_mut().zip(x) {
            *g = 2.0 * x + 20.0 * PI * (2.0 * PI * x).sin();
        }
        self.value(x)
    }

    fn default_start(&self) -> Vec<f64> {
        vec![2.5; self.dim]
    }

    fn minima(&self) -> Vec<Minimum> {
        vec![Minimum {
            x: vec![0.0; self.dim],
            f: 0.0,
        }]
    }
}
