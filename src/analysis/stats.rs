//! Statistics the analysis needs, written once: order statistics, a seeded bootstrap, the
//! paired t-test (Student's t from `statrs`) and Holm's step-down correction.

use rand::RngExt;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::rng;

/// The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (type 7, as
/// NumPy's default). +∞ values sort last; `NaN` for an empty slice.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    if lo == hi || v[lo] == v[hi] {
        return v[lo];
    }
    v[lo] + (pos - lo as f64) * (v[hi] - v[lo])
}

/// The median (`quantile(·, 0.5)`).
pub fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

/// Median and interquartile range bounds (25th and 75th percentiles).
pub fn median_iqr(values: &[f64]) -> (f64, f64, f64) {
    (
        quantile(values, 0.5),
        quantile(values, 0.25),
        quantile(values, 0.75),
    )
}

/// Arithmetic mean; `NaN` for an empty slice.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// Ranks of `values` (1 = smallest), ties get the average of their ranks.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// A seeded stream of bootstrap resampling indices.
pub struct Bootstrap {
    rng: rng::Rng,
}

impl Bootstrap {
    /// Replicates drawn from `seed` (the analysis uses a fixed seed, so reports are
    /// reproducible).
    pub fn new(seed: u64) -> Bootstrap {
        Bootstrap {
            rng: rng::from_seed(seed),
        }
    }

    /// `n` indices drawn with replacement from 0..n.
    pub fn resample(&mut self, n: usize) -> Vec<usize> {
        (0..n).map(|_| self.rng.random_range(0..n.max(1))).collect()
    }
}

/// Result of a paired test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedTest {
    /// Mean difference (a − b).
    pub mean_difference: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Pairs used.
    pub n: usize,
}

/// Two-sided paired t-test of mean(a − b) = 0 over the pairs where both are finite. With no
/// variance, p is 0 when the mean difference is non-zero and 1 otherwise; with fewer than two
/// pairs, p = 1.
pub fn paired_t_test(a: &[f64], b: &[f64]) -> PairedTest {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| x - y)
        .filter(|d| d.is_finite())
        .collect();
    let n = d.len();
    if n < 2 {
        return PairedTest {
            mean_difference: if n == 1 { d[0] } else { 0.0 },
            p_value: 1.0,
            n,
        };
    }
    let m = mean(&d);
    let var = d.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
    let p_value = if var <= 0.0 {
        if m == 0.0 { 1.0 } else { 0.0 }
    } else {
        let t = m / (var / n as f64).sqrt();
        match StudentsT::new(0.0, 1.0, (n - 1) as f64) {
            Ok(dist) => (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0),
            Err(_) => 1.0,
        }
    };
    PairedTest {
        mean_difference: m,
        p_value,
        n,
    }
}

/// Holm–Bonferroni adjusted p-values (same order as given): step-down, monotone, capped at 1.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (k, &i) in order.iter().enumerate() {
        running = running.max(((m - k) as f64 * p_values[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), 2.0);
        assert_eq!(median(&[1.0, f64::INFINITY, f64::INFINITY]), f64::INFINITY);
        assert!(median(&[]).is_nan());
        assert_eq!(median_iqr(&[1.0, 2.0, 3.0]), (2.0, 1.5, 2.5));
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn paired_t_test_matches_a_hand_computation() {
        // d = (1, 2, 3): mean 2, sd 1, t = 2·√3 = 3.4641, df 2 → two-sided p = 0.07418.
        let t = paired_t_test(&[2.0, 4.0, 6.0], &[1.0, 2.0, 3.0]);
        assert_eq!(t.mean_difference, 2.0);
        assert!((t.p_value - 0.074180).abs() < 1e-5, "{}", t.p_value);
        assert_eq!(paired_t_test(&[1.0, 1.0], &[1.0, 1.0]).p_value, 1.0);
        assert_eq!(paired_t_test(&[2.0, 2.0], &[1.0, 1.0]).p_value, 0.0);
        assert_eq!(paired_t_test(&[1.0], &[0.0]).p_value, 1.0);
    }

    #[test]
    fn holm_is_step_down_and_monotone() {
        let adj = holm(&[0.01, 0.04, 0.03, 0.2]);
        // Sorted 0.01·4 = 0.04, 0.03·3 = 0.09, 0.04·2 = 0.08 → 0.09 (monotone), 0.2·1 = 0.2.
        assert_eq!(adj, vec![0.04, 0.09, 0.09, 0.2]);
    }

    #[test]
    fn bootstrap_is_seeded() {
        let a = Bootstrap::new(1).resample(10);
        assert_eq!(a, Bootstrap::new(1).resample(10));
        assert!(a.iter().all(|&i| i < 10));
    }
}
