//! Synthetic classification datasets for the MLP: `moons` and `spirals` (2 features,
//! 2 classes, 1000 samples), drawn from a PCG64 stream of the seed.

use std::f64::consts::PI;

use rand::RngExt;
use rand_distr::StandardNormal;

use super::{Dataset, Matrix, Target};
use crate::rng::Rng;

/// Samples in each synthetic dataset (half per class).
pub const SAMPLES: usize = 1000;

/// Two interleaving half circles (as scikit-learn's `make_moons`), Gaussian noise σ = 0.2:
/// class 0 at (cos t, sin t), class 1 at (1 − cos t, 0.5 − sin t), t evenly spaced on [0, π].
pub fn moons(rng: &mut Rng) -> Dataset {
    let half = SAMPLES / 2;
    let mut points = Vec::with_capacity(2 * SAMPLES);
    let mut labels = Vec::with_capacity(SAMPLES);
    for class in 0..2 {
        for i in 0..half {
            let t = PI * i as f64 / (half - 1) as f64;
            let (x, y) = if class == 0 {
                (t.cos(), t.sin())
            } else {
                (1.0 - t.cos(), 0.5 - t.sin())
            };
            let nx: f64 = rng.sample(StandardNormal);
            let ny: f64 = rng.sample(StandardNormal);
            points.extend_from_slice(&[x + 0.2 * nx, y + 0.2 * ny]);
            labels.push(class);
        }
    }
    Dataset {
        features: Matrix::new(SAMPLES, 2, points),
        target: Target::Classes { labels, classes: 2 },
    }
}

/// Two interleaved spirals of one and a half turns: for s evenly spaced on [0, 1), the point
/// (0.1 + 2s)·(cos φ, sin φ) with φ = 3π·s + π·class, plus Gaussian noise σ = 0.1.
pub fn spirals(rng: &mut Rng) -> Dataset {
    let half = SAMPLES / 2;
    let mut points = Vec::with_capacity(2 * SAMPLES);
    let mut labels = Vec::with_capacity(SAMPLES);
    for class in 0..2 {
        for i in 0..half {
            let s = i as f64 / half as f64;
            let r = 0.1 + 2.0 * s;
            let phi = 3.0 * PI * s + PI * class as f64;
            let nx: f64 = rng.sample(StandardNormal);
            let ny: f64 = rng.sample(StandardNormal);
            points.extend_from_slice(&[r * phi.cos() + 0.1 * nx, r * phi.sin() + 0.1 * ny]);
            labels.push(class);
        }
    }
    Dataset {
        features: Matrix::new(SAMPLES, 2, points),
        target: Target::Classes { labels, classes: 2 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng;

    #[test]
    fn balanced_and_seeded() {
        for make in [moons, spirals] {
            let a = make(&mut rng::from_seed(1));
            assert_eq!(a.features.rows(), SAMPLES);
            assert_eq!(a.target.class_counts(), vec![500, 500]);
            assert_eq!(a, make(&mut rng::from_seed(1)));
            assert_ne!(a, make(&mut rng::from_seed(2)));
        }
    }
}
