//! Deterministic train / validation / test splits: 60% / 20% / 20%, stratified by class for
//! classification (each class is cut in the same proportions), shuffled by a PCG64 stream
//! derived from the seed.

use rand::seq::SliceRandom;

use super::Target;
use crate::rng;

/// Row indices of each part, each list in increasing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splits {
    /// Training rows.
    pub train: Vec<usize>,
    /// Validation rows.
    pub validation: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

/// Share of each group that goes to validation and to test (the rest is training).
const HELD_OUT: f64 = 0.2;

/// Cuts the rows of `target` 60/20/20, stratified by class, from the stream `seed`.
/// Within a class of n rows, round(0.2·n) go to validation and as many to test.
pub fn split_rows(target: &Target, seed: u64) -> Splits {
    let groups: Vec<Vec<usize>> = match target {
        Target::Classes { labels, classes } => {
            let mut groups = vec![Vec::new(); *classes];
            for (i, &l) in labels.iter().enumerate() {
                groups[l].push(i);
            }
            groups
        }
        Target::Real(values) => vec![(0..values.len()).collect()],
    };
    let mut rng = rng::from_seed(seed);
    let mut splits = Splits {
        train: Vec::new(),
        validation: Vec::new(),
        test: Vec::new(),
    };
    for mut group in groups {
        group.shuffle(&mut rng);
        let held = (HELD_OUT * group.len() as f64).round() as usize;
        splits.validation.extend_from_slice(&group[..held]);
        splits.test.extend_from_slice(&group[held..2 * held]);
        splits.train.extend_from_slice(&group[2 * held..]);
    }
    for part in [&mut splits.train, &mut splits.validation, &mut splits.test] {
        part.sort_unstable();
    }
    splits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stratified_partition_is_complete_and_seeded() {
        let labels: Vec<usize> = (0..150).map(|i| i / 50).collect();
        let target = Target::Classes { labels, classes: 3 };
        let s = split_rows(&target, 7);
        assert_eq!(
            (s.train.len(), s.validation.len(), s.test.len()),
            (90, 30, 30)
        );
        let mut all: Vec<usize> = [&s.train[..], &s.validation[..], &s.test[..]].concat();
        all.sort_unstable();
        assert_eq!(all, (0..150).collect::<Vec<_>>());
        for part in [&s.validation, &s.test] {
            for class in 0..3 {
                assert_eq!(part.iter().filter(|&&i| i / 50 == class).count(), 10);
            }
        }
        assert_eq!(s, split_rows(&target, 7));
        assert_ne!(s, split_rows(&target, 8));
    }

    #[test]
    fn real_targets_split_60_20_20() {
        let s = split_rows(&Target::Real(vec![0.0; 10]), 1);
        assert_eq!((s.train.len(), s.validation.len(), s.test.len()), (6, 2, 2));
    }
}
