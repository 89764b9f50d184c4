//! `rosenbrock`: f(x) = Σ_{i<d−1} (a − x_i)² + b·(x_{i+1} − x_i²)² (Rosenbrock 1960; chained for
//! dim > 2). A curved ravine; minimum (a, a²) in 2-D and (1, …, 1) for a = 1; default start
//! (−1.2, 1, −1.2, 1, …).

use serde::{Deserialize, Serialize};

use super::{Landscape, LandscapeConfig, MAX_DIM, Minimum, NOISE, SPREAD};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "rosenbrock",
    summary: "curved ravine: (a-x)² + b(y-x²)², chained for dim > 2",
    reference: "Rosenbrock 1960; chained form of Moré, Garbow, Hillstrom 1981",
    keys: &[
        Key::float(
            "a",
            1.0,
            Range::REAL,
            "the valley floor passes through x = a",
        ),
        Key::float("b", 100.0, Range::POSITIVE, "steepness of the ravine walls"),
        Key::int("dim", 2, 2, MAX_DIM, "number of coordinates"),
        NOISE,
        SPREAD,
    ],
};

/// The Rosenbrock function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rosenbrock {
    /// Valley position a (default 1).
    pub a: f64,
    /// Wall steepness b > 0 (default 100).
    pub b: f64,
    /// Dimension ≥ 2 (default 2).
    pub dim: usize,
}

impl LandscapeConfig for Rosenbrock {
    fn build(&self) -> Box<dyn Landscape> {
        Box::new(self.clone())
    }
}

impl Landscape for Rosenbrock {
    fn dim(&self) -> usize {
        self.dim
    }

    fn value(&self, x: &[f64]) -> f64 {
        let mut f = 0.0;
        for w in x.windows(2) {
            let r = self.a - w[0];
            let s = w[1] - w[0] * w[0];
            f += r * r + self.b * s * s;
        }
        f
    }

    fn gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        grad.fill(0.0);
        let mut f = 0.0;
        for i in 0..x.len() - 1 {
            let (u, v) = (x[i], x[i + 1]);
            let r = self.a - u;
            let s = v - u * u;
            f += r * r + self.b * s * s;
            grad[i] += -2.0 * r - 4.0 * self.b * u * s;
            grad[i + 1] += 2.0 * self.b * s;
        }
        f
    }

    fn default_start(&self) -> Vec<f64> {
        (0..self.dim)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect()
    }

    fn minima(&self) -> Vec<Minimum> {
        if self.dim == 2 {
            vec![Minimum {
                x: vec![self.a, self.a * self.a],
                f: 0.0,
            }]
        } else if self.a == 1.0 {
            vec![Minimum {
                x: vec![1.0; self.dim],
                f: 0.0,
            }]
        } else {
            Vec::new()
        }
    }
}
