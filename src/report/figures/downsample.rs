//! Downsampling: which points of a long series are drawn, spread evenly along x, first and last
//! kept, so every series stays below `MAX_POINTS`.
//!
//! May use: nothing else of the crate.

/// Most points drawn per series.
pub const MAX_POINTS: usize = 400;

/// `max` positions of `0..n` spread evenly, first and last included.
pub(super) fn even_positions(n: usize, max: usize) -> Vec<usize> {
    if n <= max || n == 0 {
        return (0..n).collect();
    }
    if max < 2 {
        return vec![0];
    }
    (0..max)
        .map(|k| (k * (n - 1) + (max - 1) / 2) / (max - 1))
        .collect()
}

/// Positions of at most `max` of the points with axis-space x values `us`, spread evenly
/// along x (one per x bucket), first and last kept. The same `us` always gives the same
/// positions, so a line and its band computed from the same points stay aligned.
pub(super) fn downsample(us: &[f64], max: usize) -> Vec<usize> {
    let n = us.len();
    if n <= max {
        return (0..n).collect();
    }
    let (lo, hi) = us
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &u| {
            (lo.min(u), hi.max(u))
        });
    let buckets = max.saturating_sub(2).max(1);
    if hi <= lo || !(hi - lo).is_finite() {
        return even_positions(n, max);
    }
    let bucket =
        |u: f64| (((u - lo) / (hi - lo) * buckets as f64).floor() as usize).min(buckets - 1);
    let mut kept = vec![0];
    let mut last = bucket(us[0]);
    for (p, &u) in us.iter().enumerate().take(n - 1).skip(1) {
        let b = bucket(u);
        if b != last {
            kept.push(p);
            last = b;
        }
    }
    kept.push(n - 1);
    if kept.len() > max {
        kept = even_positions(kept.len(), max)
            .into_iter()
            .map(|q| kept[q])
            .collect();
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsamples_evenly() {
        assert_eq!(even_positions(10, 4), vec![0, 3, 6, 9]);
        let us: Vec<f64> = (1..=100_000).map(|i| f64::from(i).log10()).collect();
        let kept = downsample(&us, MAX_POINTS);
        assert!(kept.len() <= MAX_POINTS && kept.len() > MAX_POINTS / 2);
        assert_eq!(kept.first(), Some(&0));
        assert_eq!(kept.last(), Some(&(us.len() - 1)));
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
    }
}
