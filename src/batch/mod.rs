//! Batch modes: how an epoch's training samples are grouped into updates.
//!
//! | name | meaning |
//! |---|---|
//! | `full` | batch gradient descent: one update per epoch on the whole training set, in order |
//! | `minibatch:size=128` | reshuffled every epoch, consecutive batches of `size`, the last partial batch kept |
//! | `stochastic` | batch size 1, reshuffled every epoch |
//!
//! Shuffles come from the run's own PCG64 stream (`rand`'s Fisher–Yates `shuffle`, pinned by
//! Cargo.lock and by a test of its output), so the batch order is the same on every rerun.
//!
//! May use: `spec`, `rng`.

use std::sync::OnceLock;

use rand::seq::SliceRandom;

use crate::rng::{self, Rng};
use crate::spec::{EntryInfo, Key, Params, Registry, SpecError, Value};

/// How an epoch is cut into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// One batch: the whole training set.
    Full,
    /// Shuffled batches of `size`.
    MiniBatch {
        /// Samples per batch (the last batch of an epoch may be smaller).
        size: usize,
    },
    /// Shuffled single samples.
    Stochastic,
}

impl BatchMode {
    /// Samples per batch for a training set of `n` (the last batch may be smaller).
    pub fn batch_size(&self, n: usize) -> usize {
        match *self {
            BatchMode::Full => n.max(1),
            BatchMode::MiniBatch { size } => size.min(n.max(1)),
            BatchMode::Stochastic => 1,
        }
    }
}

const FULL: EntryInfo = EntryInfo {
    name: "full",
    summary: "batch gradient descent: one update per epoch on the whole training set",
    reference: "the lecture's batch GD",
    keys: &[],
};
const MINIBATCH: EntryInfo = EntryInfo {
    name: "minibatch",
    summary: "reshuffled each epoch; consecutive batches of size, last partial batch kept",
    reference: "the lecture's mini-batch GD",
    keys: &[Key::int("size", 128, 1, 1_000_000_000, "samples per batch")],
};
const STOCHASTIC: EntryInfo = EntryInfo {
    name: "stochastic",
    summary: "one randomly ordered sample per update, reshuffled each epoch",
    reference: "the lecture's SGD: \"pick one point randomly\"",
    keys: &[],
};

type Builder = fn(&Params) -> BatchMode;

/// The batch modes.
pub fn registry() -> &'static Registry<Builder> {
    static REGISTRY: OnceLock<Registry<Builder>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r: Registry<Builder> = Registry::new("batch mode");
        r.add(FULL, |_| BatchMode::Full)
            .add(MINIBATCH, |p| match p.get("size") {
                Some(Value::Int(size)) => BatchMode::MiniBatch {
                    size: size as usize,
                },
                _ => BatchMode::MiniBatch { size: 128 },
            })
            .add(STOCHASTIC, |_| BatchMode::Stochastic);
        r
    })
}

/// A parsed batch-mode spec.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSpec {
    /// Canonical values.
    pub params: Params,
    /// The mode.
    pub mode: BatchMode,
}

/// Parses `full`, `minibatch:size=N` or `stochastic`.
pub fn parse(text: &str) -> Result<BatchSpec, SpecError> {
    let (entry, params) = registry().parse(text)?;
    let mode = (entry.build)(&params);
    Ok(BatchSpec { params, mode })
}

/// The entry infos of every batch mode.
pub fn entries() -> impl Iterator<Item = &'static EntryInfo> {
    registry().entries().iter().map(|e| &e.info)
}

/// The batches of successive epochs over `n` training samples.
#[derive(Debug, Clone)]
pub struct Batches {
    mode: BatchMode,
    order: Vec<usize>,
    rng: Rng,
}

impl Batches {
    /// Batches over samples 0..n, shuffled (where the mode shuffles) from stream `seed`.
    pub fn new(mode: BatchMode, n: usize, seed: u64) -> Batches {
        Batches {
            mode,
            order: (0..n).collect(),
            rng: rng::from_seed(seed),
        }
    }

    /// Updates per epoch.
    pub fn per_epoch(&self) -> usize {
        self.order
            .len()
            .div_ceil(self.mode.batch_size(self.order.len()))
    }

    /// Starts the next epoch and returns its batches: the whole set in order for `full`, a
    /// fresh shuffle cut into batches otherwise.
    pub fn epoch(&mut self) -> std::slice::Chunks<'_, usize> {
        if self.mode != BatchMode::Full {
            self.order.shuffle(&mut self.rng);
        }
        let size = self.mode.batch_size(self.order.len());
        self.order.chunks(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epochs(mode: BatchMode, n: usize, seed: u64, count: usize) -> Vec<Vec<Vec<usize>>> {
        let mut b = Batches::new(mode, n, seed);
        (0..count)
            .map(|_| b.epoch().map(<[usize]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn every_sample_once_per_epoch_in_every_mode() {
        for mode in [
            BatchMode::Full,
            BatchMode::MiniBatch { size: 128 },
            BatchMode::MiniBatch { size: 7 },
            BatchMode::Stochastic,
        ] {
            for epoch in epochs(mode, 300, 5, 3) {
                let mut seen: Vec<usize> = epoch.concat();
                seen.sort_unstable();
                assert_eq!(seen, (0..300).collect::<Vec<_>>(), "{mode:?}");
                let size = mode.batch_size(300);
                assert!(epoch.iter().all(|b| b.len() <= size && !b.is_empty()));
                assert_eq!(epoch.len(), 300usize.div_ceil(size));
            }
        }
    }

    #[test]
    fn last_partial_batch_is_kept() {
        let e = &epochs(BatchMode::MiniBatch { size: 128 }, 300, 1, 1)[0];
        let sizes: Vec<usize> = e.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![128, 128, 44]);
        assert_eq!(
            Batches::new(BatchMode::MiniBatch { size: 128 }, 300, 1).per_epoch(),
            3
        );
    }

    #[test]
    fn shuffles_differ_between_epochs_and_repeat_across_reruns() {
        for mode in [BatchMode::MiniBatch { size: 16 }, BatchMode::Stochastic] {
            let a = epochs(mode, 100, 9, 3);
            assert_ne!(a[0], a[1]);
            assert_ne!(a[1], a[2]);
            assert_eq!(a, epochs(mode, 100, 9, 3));
            assert_ne!(a, epochs(mode, 100, 10, 3));
        }
        let full = epochs(BatchMode::Full, 10, 9, 2);
        assert_eq!(full[0], vec![(0..10).collect::<Vec<_>>()]);
        assert_eq!(full[0], full[1]);
    }

    /// The shuffle algorithm is pinned: a change in rand's Fisher–Yates would change every
    /// mini-batch run, so it must show up here.
    #[test]
    fn shuffle_is_pinned() {
        let e = &epochs(BatchMode::Stochastic, 8, 42, 1)[0];
        let order: Vec<usize> = e.iter().map(|b| b[0]).collect();
        assert_eq!(order, PINNED_ORDER);
    }

    const PINNED_ORDER: [usize; 8] = [3, 7, 0, 1, 2, 4, 6, 5];

    #[test]
    fn parses_modes() {
        assert_eq!(parse("full").unwrap().mode, BatchMode::Full);
        assert_eq!(
            parse("minibatch").unwrap().mode,
            BatchMode::MiniBatch { size: 128 }
        );
        assert_eq!(
            parse("minibatch:size=32").unwrap().mode,
            BatchMode::MiniBatch { size: 32 }
        );
        assert_eq!(parse("stochastic").unwrap().mode, BatchMode::Stochastic);
        assert!(
            parse("minibatch:size=0")
                .unwrap_err()
                .to_string()
                .contains("out of range")
        );
        assert!(
            parse("minibach")
                .unwrap_err()
                .to_string()
                .contains("did you mean minibatch")
        );
    }
}
