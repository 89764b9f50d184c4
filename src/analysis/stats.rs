//! Statistics the analysis needs, written once: order statistics, a seeded bootstrap, the
//! paired t-test (Student's t from `statrs`) and Holm's step-down correction.

use rand::RngExt;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::rng;

/// The q-quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics (type 7, as
/// NumPy's default). +∞ values sort last; between −∞ or +∞ and a finite value the quantile is
/// that infinity (between −∞ and +∞ it is `NaN`); `NaN` for an empty slice.
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
    if v[lo] == f64::NEG_INFINITY && v[hi].is_finite() {
        // −∞ + t·(x − (−∞)) would be −∞ + ∞ = NaN.
        return f64::NEG_INFINITY;
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

/// Ranks of `values` (1 = smallest), ties get the average of their ranks; the same as
/// [`ranks_with_margin`] with margin 0.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    ranks_with_margin(values, 0.0)
}

/// Ranks of `values` (1 = smallest) where values within `margin` of each other are ties.
///
/// Rule: sort ascending; the smallest value not yet ranked opens a group, and every remaining
/// value `v` with `v − opener ≤ margin` (or `v == opener`) joins it. There is no chaining: a
/// value more than `margin` above the opener starts the next group even if it is within
/// `margin` of the group's last member. Every member of a group gets the average of the
/// positions the group covers. The groups depend on the multiset of values only, so
/// permuting the input permutes the output the same way.
///
/// `+∞` values tie with each other (and `−∞` likewise); `NaN`s sort after `+∞` and tie with
/// each other. A negative or `NaN` margin acts as 0, and margin 0 ranks exact ties only.
pub fn ranks_with_margin(values: &[f64], margin: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| rank_order(values[a], values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let opener = values[order[i]];
        let mut j = i;
        while j + 1 < order.len() && joins(values[order[j + 1]], opener, margin) {
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

/// The order of [`ranks_with_margin`]: numeric, `NaN` (of either sign) last.
fn rank_order(a: f64, b: f64) -> std::cmp::Ordering {
    match (a.is_nan(), b.is_nan()) {
        (false, false) => a.total_cmp(&b),
        (a_nan, b_nan) => a_nan.cmp(&b_nan),
    }
}

/// Whether `v` (not below `opener` in [`rank_order`]) joins the group `opener` opened. Written
/// as a difference, not `v ≤ opener + margin`, so a finite opener near `f64::MAX` cannot
/// overflow into taking in `+∞`.
fn joins(v: f64, opener: f64, margin: f64) -> bool {
    v == opener || v - opener <= margin || (v.is_nan() && opener.is_nan())
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
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// Reference values from SciPy, written by `tests/fixtures/generate_stats_fixtures.py`
    /// (see its docstring for how each case was computed).
    const FIXTURES: &str = include_str!("../../tests/fixtures/stats_fixtures.json");

    fn fixtures(section: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(FIXTURES).expect("fixture JSON parses");
        all[section].as_array().expect("fixture section").clone()
    }

    /// A fixture number: JSON numbers, or the strings "inf" / "-inf".
    fn num(v: &Value) -> f64 {
        match v {
            Value::Number(x) => x.as_f64().expect("f64"),
            Value::String(s) => s.parse().expect("inf or -inf"),
            _ => panic!("not a number: {v}"),
        }
    }

    fn nums(v: &Value) -> Vec<f64> {
        v.as_array().expect("array").iter().map(num).collect()
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.25), 2.0);
        assert_eq!(median(&[1.0, f64::INFINITY, f64::INFINITY]), f64::INFINITY);
        assert_eq!(median(&[0.0, 1.0, f64::INFINITY, 2.0]), 1.5);
        assert_eq!(
            median(&[0.0, 0.0, f64::INFINITY, f64::INFINITY]),
            f64::INFINITY
        );
        let neg_inf = f64::NEG_INFINITY;
        assert_eq!(median(&[0.0, 0.0, neg_inf, neg_inf]), neg_inf);
        assert!(median(&[neg_inf, f64::INFINITY]).is_nan());
        assert!(median(&[]).is_nan());
        assert_eq!(median_iqr(&[1.0, 2.0, 3.0]), (2.0, 1.5, 2.5));
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn ranks_with_margin_ties_values_within_the_margin_of_the_group_opener() {
        assert_eq!(
            ranks_with_margin(&[5.0, 1.0, 1.05, 3.0, 0.99], 0.1),
            vec![5.0, 2.0, 2.0, 4.0, 2.0]
        );
        // A value exactly `margin` above the opener still joins.
        assert_eq!(
            ranks_with_margin(&[1.0, 1.5, 3.0], 0.5),
            vec![1.5, 1.5, 3.0]
        );
    }

    #[test]
    fn ranks_with_margin_does_not_chain() {
        // 0.8 is within 1 of 0, 1.6 is within 1 of 0.8 but not of the opener 0.
        assert_eq!(
            ranks_with_margin(&[0.0, 0.8, 1.6, 2.4], 1.0),
            vec![1.5, 1.5, 3.5, 3.5]
        );
        assert_eq!(
            ranks_with_margin(&[2.4, 1.6, 0.8, 0.0], 1.0),
            vec![3.5, 3.5, 1.5, 1.5]
        );
    }

    #[test]
    fn ranks_with_margin_ties_infinities_only_with_each_other() {
        let inf = f64::INFINITY;
        assert_eq!(
            ranks_with_margin(&[inf, 2.0, inf, 1.0, 2.5], 1.0),
            vec![4.5, 1.5, 4.5, 1.5, 3.0]
        );
        // An infinite margin ties everything (∞ − 0 ≤ ∞), but a finite opener next to
        // f64::MAX does not overflow into taking in +∞.
        assert_eq!(ranks_with_margin(&[inf, 0.0], inf), vec![1.5, 1.5]);
        assert_eq!(
            ranks_with_margin(&[inf, f64::MAX, -inf, -inf], 1e300),
            vec![4.0, 3.0, 1.5, 1.5]
        );
    }

    #[test]
    fn ranks_with_margin_puts_nans_last_as_one_tie() {
        let nan = f64::NAN;
        assert_eq!(
            ranks_with_margin(&[nan, 1.0, -nan, f64::INFINITY], 0.0),
            vec![3.5, 1.0, 3.5, 2.0]
        );
    }

    #[test]
    fn ranks_with_a_negative_or_nan_margin_are_plain_ranks() {
        let v = [3.0, 1.0, 3.0, 2.0];
        assert_eq!(ranks_with_margin(&v, -1.0), ranks(&v));
        assert_eq!(ranks_with_margin(&v, f64::NAN), ranks(&v));
    }

    #[test]
    fn ranks_with_margin_match_the_fixture_rule() {
        for case in fixtures("ranks_with_margin") {
            let got = ranks_with_margin(&nums(&case["values"]), num(&case["margin"]));
            assert_eq!(got, nums(&case["ranks"]), "{}", case["name"]);
        }
    }

    /// Values on a coarse grid (so that margins make ties) and infinities.
    fn rankable() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => (-12i32..12).prop_map(|k| f64::from(k) / 4.0),
            2 => -3.0f64..3.0,
            1 => Just(f64::INFINITY),
        ]
    }

    /// `values` and a permutation of their indices.
    fn values_and_permutation() -> impl Strategy<Value = (Vec<f64>, Vec<usize>)> {
        proptest::collection::vec(rankable(), 0..24).prop_flat_map(|v| {
            let n = v.len();
            (Just(v), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn permuting_the_input_permutes_the_ranks(
            (values, perm) in values_and_permutation(),
            margin in prop_oneof![Just(0.0), 0.0f64..1.5],
        ) {
            let ranked = ranks_with_margin(&values, margin);
            let permuted: Vec<f64> = perm.iter().map(|&i| values[i]).collect();
            let expected: Vec<f64> = perm.iter().map(|&i| ranked[i]).collect();
            prop_assert_eq!(ranks_with_margin(&permuted, margin), expected);
        }

        #[test]
        fn margin_zero_gives_midranks(values in proptest::collection::vec(rankable(), 0..24)) {
            // The textbook definition: (values below) + (values equal, itself included + 1)/2.
            let midranks: Vec<f64> = values
                .iter()
                .map(|&v| {
                    let below = values.iter().filter(|&&w| w < v).count();
                    let equal = values.iter().filter(|&&w| w == v).count();
                    below as f64 + (equal + 1) as f64 / 2.0
                })
                .collect();
            prop_assert_eq!(ranks_with_margin(&values, 0.0), midranks.clone());
            prop_assert_eq!(ranks(&values), midranks);
        }

        #[test]
        fn margin_ranks_sum_to_the_plain_rank_sum(
            values in proptest::collection::vec(rankable(), 0..24),
            margin in 0.0f64..1.5,
        ) {
            let n = values.len() as f64;
            let total: f64 = ranks_with_margin(&values, margin).iter().sum();
            prop_assert_eq!(total, n * (n + 1.0) / 2.0);
        }
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
