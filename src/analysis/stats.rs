//! Statistics the analysis needs, written once: order statistics, ranks (with an equivalence
//! margin inside which results tie), a seeded bootstrap (flat and hierarchical: instances,
//! then seeds within each) with percentile intervals, the paired t-test, the Wilcoxon
//! signed-rank test, Friedman's test and Holm's step-down correction.
//!
//! Problem instances are the unit of inference and seeds are repeated measures within them;
//! a diverged run is +∞ and compares as worse than any finite result rather than being
//! dropped. The Wilcoxon and Friedman tests are checked against SciPy
//! (`tests/fixtures/generate_stats_fixtures.py`).
//!
//! May use: `rng` of this crate; `statrs` (Student's t, chi-square, erfc) and `rand`.

use rand::RngExt;
use statrs::distribution::{ChiSquared, ContinuousCDF, StudentsT};

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

    /// One hierarchical bootstrap replicate of a two-level sample (Saravanan, Berman & Sober
    /// 2020): as many instances as there are, drawn with replacement, and within each drawn
    /// instance `i` as many of its `seeds_per_instance[i]` seeds, drawn with replacement.
    /// Returns (instance index, drawn seed indices) in draw order; an instance drawn twice
    /// appears twice, each time with its own seed draw. An instance with no seeds gets an
    /// empty draw. Each instance draw is followed by its seed draws, all from this stream.
    pub fn hierarchical(&mut self, seeds_per_instance: &[usize]) -> Vec<(usize, Vec<usize>)> {
        let n = seeds_per_instance.len();
        (0..n)
            .map(|_| {
                let instance = self.rng.random_range(0..n);
                (instance, self.resample(seeds_per_instance[instance]))
            })
            .collect()
    }
}

/// The equal-tailed percentile interval of bootstrap `replicates` at confidence `level`
/// (0.95 gives the 2.5% and 97.5% [`quantile`]s). `level` is clamped to [0, 1]; `NaN`s for no
/// replicates or a `NaN` level.
pub fn percentile_interval(replicates: &[f64], level: f64) -> (f64, f64) {
    if level.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    let tail = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    (quantile(replicates, tail), quantile(replicates, 1.0 - tail))
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

/// Largest number of non-zero differences for which [`wilcoxon_signed_rank`] enumerates the
/// exact null distribution; above it the normal approximation is used.
pub const WILCOXON_EXACT_MAX: usize = 50;

/// Result of [`wilcoxon_signed_rank`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignedRankTest {
    /// Pairs whose difference counted as non-zero (the sample size of the test).
    pub n_used: usize,
    /// min(W⁺, W⁻), the smaller of the rank sums of the positive and negative differences
    /// (SciPy's two-sided statistic); 0 when `n_used` is 0.
    pub statistic: f64,
    /// Rank sums of the positive and of the negative differences (their direction: W⁺ > W⁻
    /// means a tends to exceed b).
    pub w_plus: f64,
    /// Rank sum of the negative differences.
    pub w_minus: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Median of the differences a − b over all compared pairs, those within the margin
    /// included at their value (a [`quantile`], so it can be ±∞); `NaN` when no pair was
    /// compared, or when the two middle differences are −∞ and +∞.
    pub median_difference: f64,
}

/// The difference a − b of one pair as the signed-rank test sees it: 0 when `a == b` (so two
/// diverged runs, +∞ and +∞, tie), else `a − b` (so +∞ against a finite value is +∞, larger
/// than any finite difference, and a finite value against +∞ is −∞). `NaN` if either is `NaN`.
fn paired_difference(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { a - b }
}

/// Two-sided Wilcoxon signed-rank test of the paired differences d = a − b (pairs beyond the
/// shorter slice are ignored).
///
/// - Margin: a difference with |d| ≤ `margin` counts as zero (practically equivalent).
/// - Zeros are dropped before ranking (Wilcoxon's zero method, SciPy's
///   `zero_method="wilcox"`); `n_used` counts what is left. With `n_used` = 0, p = 1.
/// - Non-finite values are compared, not dropped: +∞ (a diverged run) is worse than any finite
///   value, so d = +∞ − x is a positive difference of the highest rank, and +∞ − +∞ = 0 is a
///   tie; likewise for −∞. Pairs with a `NaN` are dropped.
/// - Ties among |d| get averaged ranks.
/// - p-value: for `n_used` ≤ [`WILCOXON_EXACT_MAX`], exact under the conditional null
///   distribution (each sign ± with probability ½ given the ranks), enumerated by dynamic
///   programming over doubled ranks (integers even with averaged ties):
///   p = min(1, 2·min(P(W⁺ ≤ w⁺), P(W⁺ ≥ w⁺))); this equals SciPy's `method="exact"` when
///   there are no ties. Above, the normal approximation with tie correction
///   (Var W⁺ = n(n+1)(2n+1)/24 − Σ(t³ − t)/48) and continuity correction (½ towards the
///   mean), as SciPy's `method="asymptotic", correction=True`.
pub fn wilcoxon_signed_rank(a: &[f64], b: &[f64], margin: f64) -> SignedRankTest {
    let compared: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| paired_difference(x, y))
        .filter(|d| !d.is_nan())
        .collect();
    let median_difference = median(&compared);
    let d: Vec<f64> = compared
        .into_iter()
        .filter(|&d| !(d == 0.0 || d.abs() <= margin))
        .collect();
    let n_used = d.len();
    if n_used == 0 {
        return SignedRankTest {
            n_used,
            statistic: 0.0,
            w_plus: 0.0,
            w_minus: 0.0,
            p_value: 1.0,
            median_difference,
        };
    }
    let r = ranks(&d.iter().map(|x| x.abs()).collect::<Vec<_>>());
    let rank_sum = |positive: bool| -> f64 {
        d.iter()
            .zip(&r)
            .filter(|&(&x, _)| (x > 0.0) == positive)
            .map(|(_, &r)| r)
            .sum()
    };
    let (w_plus, w_minus) = (rank_sum(true), rank_sum(false));
    let p_value = if n_used <= WILCOXON_EXACT_MAX {
        signed_rank_exact_p(&r, w_plus)
    } else {
        signed_rank_normal_p(&r, w_plus)
    };
    SignedRankTest {
        n_used,
        statistic: w_plus.min(w_minus),
        w_plus,
        w_minus,
        p_value,
        median_difference,
    }
}

/// Exact two-sided p-value of the rank sum `w_plus` of the positive differences, given the
/// (possibly averaged) ranks of all |d|. Doubled ranks are integers, so the 2ⁿ equally likely
/// sign patterns are counted by subset-sum dynamic programming; counts fit a u64 for
/// n ≤ [`WILCOXON_EXACT_MAX`] < 64.
fn signed_rank_exact_p(ranks: &[f64], w_plus: f64) -> f64 {
    let doubled: Vec<usize> = ranks.iter().map(|r| (2.0 * r).round() as usize).collect();
    let total: usize = doubled.iter().sum();
    // counts[s]: sign patterns whose positive doubled ranks sum to s.
    let mut counts = vec![0u64; total + 1];
    counts[0] = 1;
    for &r in &doubled {
        for s in (r..=total).rev() {
            counts[s] += counts[s - r];
        }
    }
    let w = ((2.0 * w_plus).round() as usize).min(total);
    let at_most: u64 = counts[..=w].iter().sum();
    let at_least: u64 = counts[w..].iter().sum();
    let patterns = (ranks.len() as f64).exp2();
    (2.0 * at_most.min(at_least) as f64 / patterns).min(1.0)
}

/// Two-sided p-value of `w_plus` from the normal approximation with tie and continuity
/// corrections, computed in the order SciPy computes it.
fn signed_rank_normal_p(ranks: &[f64], w_plus: f64) -> f64 {
    let n = ranks.len() as f64;
    let mean = n * (n + 1.0) * 0.25;
    let ties: f64 = tie_sizes(ranks).map(|t| t * t * t - t).sum();
    let se = ((n * (n + 1.0) * (2.0 * n + 1.0) - ties / 2.0) / 24.0).sqrt();
    let z = (w_plus - mean) / se;
    let sign = if z > 0.0 {
        1.0
    } else if z < 0.0 {
        -1.0
    } else {
        0.0
    };
    let z = z - sign * 0.5 / se;
    (2.0 * standard_normal_sf(z.abs())).min(1.0)
}

/// P(Z > x) for a standard normal Z.
fn standard_normal_sf(x: f64) -> f64 {
    statrs::function::erf::erfc(x / std::f64::consts::SQRT_2) / 2.0
}

/// Sizes of the groups of equal values in `ranks` (ranks from [`ranks_with_margin`], where
/// distinct groups never share an averaged rank), as f64.
fn tie_sizes(ranks: &[f64]) -> impl Iterator<Item = f64> {
    let mut sorted = ranks.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut sizes = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&r| r == sorted[i]).count();
        sizes.push(j as f64);
        i += j;
    }
    sizes.into_iter()
}

/// Result of [`friedman`].
#[derive(Debug, Clone, PartialEq)]
pub struct FriedmanTest {
    /// Friedman's chi-square statistic, tie-corrected; 0 when the test does not apply.
    pub statistic: f64,
    /// Degrees of freedom, k − 1 for k treatments.
    pub df: usize,
    /// p-value, P(χ²(df) ≥ statistic).
    pub p_value: f64,
    /// Each treatment's (column's) rank averaged over the blocks (rows); 1 is best.
    pub mean_ranks: Vec<f64>,
}

/// Friedman's test that k treatments (columns, e.g. optimizers) do equally well over n blocks
/// (rows, e.g. problem instances).
///
/// Each row is ranked by [`ranks_with_margin`] (so values within `margin` tie, and +∞ ranks
/// last); with rank sums Rⱼ, the statistic is
/// (12/(n·k·(k+1))·Σ Rⱼ² − 3·n·(k+1)) / C with the tie correction
/// C = 1 − Σ(t³ − t)/(n·k·(k² − 1)) over every group of t tied values in every row, and p
/// comes from the chi-square distribution with k − 1 degrees of freedom; with margin 0 this is
/// `scipy.stats.friedmanchisquare`. With fewer than 2 rows or columns, or every row one tie,
/// the statistic is 0 and p = 1.
///
/// # Panics
/// If the rows differ in length (a table built wrongly, not a property of the data).
pub fn friedman(table: &[Vec<f64>], margin: f64) -> FriedmanTest {
    let n = table.len();
    let k = table.first().map_or(0, Vec::len);
    assert!(
        table.iter().all(|row| row.len() == k),
        "friedman: rows of unequal length"
    );
    let mut rank_sums = vec![0.0; k];
    let mut ties = 0.0;
    for row in table {
        let r = ranks_with_margin(row, margin);
        for (sum, r) in rank_sums.iter_mut().zip(&r) {
            *sum += r;
        }
        ties += tie_sizes(&r).map(|t| t * (t * t - 1.0)).sum::<f64>();
    }
    let mean_ranks = rank_sums.iter().map(|s| s / n as f64).collect();
    let df = k.saturating_sub(1);
    let (nf, kf) = (n as f64, k as f64);
    let correction = 1.0 - ties / (kf * (kf * kf - 1.0) * nf);
    if n < 2 || k < 2 || correction <= 0.0 {
        return FriedmanTest {
            statistic: 0.0,
            df,
            p_value: 1.0,
            mean_ranks,
        };
    }
    let ssbn: f64 = rank_sums.iter().map(|s| s * s).sum();
    let statistic = (12.0 / (kf * nf * (kf + 1.0)) * ssbn - 3.0 * nf * (kf + 1.0)) / correction;
    let p_value = match ChiSquared::new(df as f64) {
        Ok(dist) => dist.sf(statistic).clamp(0.0, 1.0),
        Err(_) => 1.0,
    };
    FriedmanTest {
        statistic,
        df,
        p_value,
        mean_ranks,
    }
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

    /// Equal within 1e-10 relative (exactly equal for infinities); the 1e-15 absolute floor
    /// only matters for expected values at or next to 0.
    fn assert_close(actual: f64, expected: f64, what: &str) {
        let ok = actual == expected || (actual - expected).abs() <= 1e-10 * expected.abs() + 1e-15;
        assert!(ok, "{what}: got {actual:e}, SciPy {expected:e}");
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
    fn wilcoxon_matches_scipy() {
        for case in fixtures("wilcoxon") {
            let name = case["name"].as_str().expect("name");
            let method = case["method"].as_str().expect("method");
            let t =
                wilcoxon_signed_rank(&nums(&case["a"]), &nums(&case["b"]), num(&case["margin"]));
            let n_used = case["n_used"].as_u64().expect("n_used") as usize;
            assert_eq!(t.n_used, n_used, "{name}");
            // The fixture's method is the one stats.rs must have used.
            assert_eq!(
                method == "asymptotic",
                n_used > WILCOXON_EXACT_MAX,
                "{name}"
            );
            assert_close(t.statistic, num(&case["statistic"]), name);
            assert_close(t.p_value, num(&case["p_value"]), name);
            assert_close(t.median_difference, num(&case["median_difference"]), name);
        }
    }

    /// The exact p-value by listing all 2ⁿ sign patterns of the (averaged) ranks.
    fn brute_force_p(d: &[f64]) -> f64 {
        let r = ranks(&d.iter().map(|x| x.abs()).collect::<Vec<_>>());
        let w = |mask: u32| -> f64 {
            (0..d.len())
                .filter(|&i| mask >> i & 1 == 1)
                .map(|i| r[i])
                .sum()
        };
        let observed: f64 = (0..d.len()).filter(|&i| d[i] > 0.0).map(|i| r[i]).sum();
        let patterns = 1u32 << d.len();
        let at_most = (0..patterns).filter(|&m| w(m) <= observed).count();
        let at_least = (0..patterns).filter(|&m| w(m) >= observed).count();
        (2.0 * at_most.min(at_least) as f64 / f64::from(patterns)).min(1.0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn exact_wilcoxon_p_equals_brute_force_enumeration(
            // Half-integers in [-3, 3] without 0: many ties among |d|, no zeros.
            d in proptest::collection::vec(
                (1i32..=6, any::<bool>()).prop_map(|(k, neg)| {
                    let x = f64::from(k) / 2.0;
                    if neg { -x } else { x }
                }),
                1..=14,
            )
        ) {
            let zeros = vec![0.0; d.len()];
            let t = wilcoxon_signed_rank(&d, &zeros, 0.0);
            prop_assert_eq!(t.n_used, d.len());
            prop_assert_eq!(t.p_value, brute_force_p(&d));
        }

        #[test]
        fn swapping_the_samples_keeps_the_test_and_negates_the_median(
            pairs in proptest::collection::vec((rankable(), rankable()), 0..60),
            margin in prop_oneof![Just(0.0), 0.0f64..1.0],
        ) {
            let (a, b): (Vec<f64>, Vec<f64>) = pairs.into_iter().unzip();
            let ab = wilcoxon_signed_rank(&a, &b, margin);
            let ba = wilcoxon_signed_rank(&b, &a, margin);
            prop_assert_eq!(ab.n_used, ba.n_used);
            prop_assert_eq!(ab.statistic, ba.statistic);
            prop_assert_eq!(ab.p_value, ba.p_value);
            prop_assert!(ab.p_value > 0.0 && ab.p_value <= 1.0);
            // Equal up to the rounding of the interpolating median (NaN when the middle pair is
            // −∞ and +∞).
            let (m, n) = (ab.median_difference, ba.median_difference);
            prop_assert!(
                m == -n || (m + n).abs() <= 1e-12 * m.abs() || (m.is_nan() && n.is_nan()),
                "{} vs {}", m, n
            );
        }
    }

    #[test]
    fn wilcoxon_without_differences_has_p_one() {
        let t = wilcoxon_signed_rank(&[1.0, 2.0, 3.0], &[1.0, 2.2, 2.9], 0.25);
        assert_eq!((t.n_used, t.statistic, t.p_value), (0, 0.0, 1.0));
        assert!((t.median_difference - 0.0).abs() < 1e-15);
        let t = wilcoxon_signed_rank(&[], &[], 0.0);
        assert_eq!((t.n_used, t.p_value), (0, 1.0));
        assert!(t.median_difference.is_nan());
    }

    #[test]
    fn wilcoxon_ranks_a_diverged_run_as_the_largest_difference_and_drops_nan() {
        let inf = f64::INFINITY;
        // d = (+∞, 0 [∞ − ∞, dropped], −1, 2, [NaN, dropped]): ranks of |d| are 3, 1, 2.
        let t = wilcoxon_signed_rank(
            &[inf, inf, 0.0, 3.0, f64::NAN],
            &[5.0, inf, 1.0, 1.0, 0.0],
            0.0,
        );
        assert_eq!(t.n_used, 3);
        assert_eq!(t.statistic, 1.0); // W⁻ = 1, W⁺ = 5
        // Of the 8 sign patterns only {3, 2} and {3, 2, 1} reach W⁺ ≥ 5: p = 2·2/8.
        assert_eq!(t.p_value, 2.0 * 2.0 / 8.0);
        // Median of (−1, 0, 2, +∞): the tie is compared, only the NaN pair is not.
        assert_eq!(t.median_difference, 1.0);
    }

    #[test]
    fn swapping_the_samples_of_a_diverged_pair_negates_the_median() {
        // Two cases proptest found: rounding of the interpolating median, and −∞ as the lower
        // middle value (which once gave NaN).
        let t = |a: &[f64], b: &[f64]| wilcoxon_signed_rank(a, b, 0.0).median_difference;
        let (a, b) = ([0.0, 0.25], [1.0816581940297378, -0.75]);
        assert!((t(&a, &b) + t(&b, &a)).abs() < 1e-15);
        let inf = f64::INFINITY;
        let (a, b) = ([inf, 0.0, 0.0, inf], [0.0, 0.0, 0.0, 0.0]);
        assert_eq!((t(&a, &b), t(&b, &a)), (inf, -inf));
    }

    #[test]
    fn wilcoxon_switches_to_the_normal_approximation_above_fifty_pairs() {
        // All positive, distinct: the exact p is 2/2ⁿ; the approximation is far larger.
        let d: Vec<f64> = (1..=51).map(f64::from).collect();
        let zeros = vec![0.0; 51];
        let exact = wilcoxon_signed_rank(&d[..50], &zeros[..50], 0.0);
        assert_eq!(exact.p_value, 2.0 / 2f64.powi(50));
        let approx = wilcoxon_signed_rank(&d, &zeros, 0.0);
        assert!(
            approx.p_value > 1e3 * 2.0 / 2f64.powi(51),
            "{}",
            approx.p_value
        );
    }

    #[test]
    fn friedman_matches_scipy() {
        for case in fixtures("friedman") {
            let name = case["name"].as_str().expect("name");
            let table: Vec<Vec<f64>> = case["table"]
                .as_array()
                .expect("rows")
                .iter()
                .map(nums)
                .collect();
            let t = friedman(&table, num(&case["margin"]));
            assert_eq!(t.df, case["df"].as_u64().expect("df") as usize, "{name}");
            assert_close(t.statistic, num(&case["statistic"]), name);
            assert_close(t.p_value, num(&case["p_value"]), name);
            for (got, want) in t.mean_ranks.iter().zip(nums(&case["mean_ranks"])) {
                assert_close(*got, want, name);
            }
        }
    }

    #[test]
    fn friedman_without_enough_data_or_differences_has_p_one() {
        let one_row = friedman(&[vec![1.0, 2.0, 3.0]], 0.0);
        assert_eq!(
            (one_row.statistic, one_row.df, one_row.p_value),
            (0.0, 2, 1.0)
        );
        assert_eq!(one_row.mean_ranks, vec![1.0, 2.0, 3.0]);
        let one_column = friedman(&[vec![1.0], vec![2.0]], 0.0);
        assert_eq!((one_column.df, one_column.p_value), (0, 1.0));
        let empty = friedman(&[], 0.0);
        assert_eq!((empty.df, empty.p_value), (0, 1.0));
        assert!(empty.mean_ranks.is_empty());
        // Every row one tie within the margin: no evidence either way.
        let tied = friedman(&[vec![1.0, 1.1, 1.2], vec![5.0, 5.0, 4.9]], 0.5);
        assert_eq!((tied.statistic, tied.p_value), (0.0, 1.0));
        assert_eq!(tied.mean_ranks, vec![2.0, 2.0, 2.0]);
    }

    #[test]
    fn friedman_with_two_treatments_follows_the_formula() {
        // Column 0 wins 4 of 4 rows: R = (4, 8), statistic 12/(2·4·3)·80 − 3·4·3 = 4, df 1.
        let table = vec![vec![0.0, 1.0]; 4];
        let t = friedman(&table, 0.0);
        assert!((t.statistic - 4.0).abs() < 1e-12, "{}", t.statistic);
        assert_eq!(t.mean_ranks, vec![1.0, 2.0]);
        assert!(
            (t.p_value - 0.0455002638963584).abs() < 1e-12,
            "{}",
            t.p_value
        );
    }

    #[test]
    #[should_panic(expected = "rows of unequal length")]
    fn friedman_rejects_a_ragged_table() {
        friedman(&[vec![1.0, 2.0], vec![1.0]], 0.0);
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

    #[test]
    fn hierarchical_bootstrap_draws_instances_then_their_own_seeds() {
        let seeds = [3, 1, 0, 5, 2];
        let mut boot = Bootstrap::new(7);
        let mut drawn = [0usize; 5];
        for _ in 0..200 {
            let replicate = boot.hierarchical(&seeds);
            assert_eq!(replicate.len(), seeds.len());
            for (instance, draw) in &replicate {
                assert!(*instance < seeds.len());
                assert_eq!(draw.len(), seeds[*instance]);
                assert!(draw.iter().all(|&s| s < seeds[*instance]));
                drawn[*instance] += 1;
            }
        }
        // Drawn with replacement: every instance turns up, 200 on average.
        assert!(drawn.iter().all(|&c| c > 100), "{drawn:?}");
        assert!(Bootstrap::new(7).hierarchical(&[]).is_empty());
    }

    #[test]
    fn hierarchical_bootstrap_is_seeded() {
        let seeds = [4, 2, 6, 1];
        let draw = |seed| {
            let mut boot = Bootstrap::new(seed);
            (boot.hierarchical(&seeds), boot.hierarchical(&seeds))
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
        let (first, second) = draw(3);
        assert_ne!(first, second, "consecutive replicates differ");
    }

    #[test]
    fn percentile_interval_takes_the_equal_tails() {
        let r: Vec<f64> = (0..=100).map(f64::from).collect();
        // 0.95 is not exact in binary: (1 − 0.95)/2 = 0.025000000000000022.
        let (lo, hi) = percentile_interval(&r, 0.95);
        assert!(
            (lo - 2.5).abs() < 1e-12 && (hi - 97.5).abs() < 1e-12,
            "{lo} {hi}"
        );
        assert_eq!(percentile_interval(&r, 0.5), (25.0, 75.0));
        assert_eq!(percentile_interval(&r, 1.0), (0.0, 100.0));
        assert_eq!(percentile_interval(&r, 0.0), (50.0, 50.0));
        assert_eq!(percentile_interval(&[2.0, 1.0], 2.0), (1.0, 2.0));
        let (lo, hi) = percentile_interval(&[], 0.95);
        assert!(lo.is_nan() && hi.is_nan());
        let (lo, hi) = percentile_interval(&r, f64::NAN);
        assert!(lo.is_nan() && hi.is_nan());
    }
}
