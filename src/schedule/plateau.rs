//! `plateau`: torch ReduceLROnPlateau (mode "min", relative threshold, no cooldown), fed the
//! validation loss after each epoch.
//!
//! ```text
//! better  = loss < best·(1 − threshold)          (best starts at +inf)
//! better: best = loss, bad = 0;  else bad += 1
//! bad > patience:  new = max(lr·factor, min_lr);  if lr − new > 1e-8: lr = new;  bad = 0
//! ```
//! As in torch, `min_lr` only limits reductions (an lr0 below min_lr is left as it is), and a
//! reduction smaller than torch's eps = 1e-8 is skipped.

use serde::{Deserialize, Serialize};

use super::{MIN_LR, Schedule, ScheduleConfig, WARMUP_EPOCHS, WARMUP_START_FACTOR};
use crate::spec::{EntryInfo, Key, Range};

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "plateau",
    summary: "cut the lr by factor when the validation loss stops improving",
    reference: "torch.optim.lr_scheduler.ReduceLROnPlateau (mode=min, threshold_mode=rel)",
    keys: &[
        Key::float(
            "factor",
            0.1,
            Range::UNIT_OPEN,
            "multiplier applied on a plateau",
        ),
        Key::int(
            "patience",
            10,
            0,
            1_000_000_000,
            "epochs without improvement tolerated before a cut",
        ),
        Key::float(
            "threshold",
            1e-4,
            Range::UNIT_HALF_OPEN,
            "relative improvement that counts: loss < best·(1 - threshold)",
        ),
        MIN_LR,
        WARMUP_EPOCHS,
        WARMUP_START_FACTOR,
    ],
};

/// torch's `eps`: reductions smaller than this are ignored.
const EPS: f64 = 1e-8;

/// Configuration of [`Plateau`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlateauConfig {
    /// Cut factor in (0, 1) (default 0.1).
    pub factor: f64,
    /// Bad epochs tolerated, ≥ 0 (default 10).
    pub patience: u64,
    /// Relative improvement threshold in [0, 1) (default 1e-4).
    pub threshold: f64,
    /// Lowest lr a cut may reach, ≥ 0 (default 0).
    pub min_lr: f64,
}

impl ScheduleConfig for PlateauConfig {
    fn build(&self, lr0: f64, _budget: usize) -> Box<dyn Schedule> {
        Box::new(Plateau {
            config: self.clone(),
            lr: lr0,
            best: f64::INFINITY,
            bad_epochs: 0,
        })
    }
}

/// Plateau schedule state.
#[derive(Debug, Clone)]
pub struct Plateau {
    config: PlateauConfig,
    lr: f64,
    best: f64,
    bad_epochs: u64,
}

impl Schedule for Plateau {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn end_epoch(&mut self, metric: f64) {
        if metric < self.best * (1.0 - self.config.threshold) {
            self.best = metric;
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }
        if self.bad_epochs > self.config.patience {
            let new = (self.lr * self.config.factor).max(self.config.min_lr);
            if self.lr - new > EPS {
                self.lr = new;
            }
            self.bad_epochs = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::schedule::parse;
    use crate::schedule::testing::assert_lrs;

    fn run(spec: &str, lr0: f64, metrics: &[f64]) -> Vec<f64> {
        let mut s = parse(spec).unwrap().config.build(lr0, 100);
        metrics
            .iter()
            .map(|&m| {
                let lr = s.lr();
                s.end_epoch(m);
                lr
            })
            .collect()
    }

    #[test]
    fn cuts_after_patience_bad_epochs() {
        // patience 1: the second non-improving epoch triggers a cut.
        let got = run(
            "plateau:patience=1,factor=0.5",
            1.0,
            &[3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0],
        );
        assert_lrs(&got, &[1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
        let got = run(
            "plateau:patience=1,factor=0.5",
            1.0,
            &[3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        );
        assert_eq!(got[8], 0.25);
    }

    #[test]
    fn threshold_is_relative_and_min_lr_limits_cuts() {
        // 0.99995 is not below 1·(1 − 1e-4): counts as bad.
        let got = run(
            "plateau:patience=0,factor=0.1,min_lr=0.05",
            1.0,
            &[1.0, 0.99995, 0.5, 0.5, 0.5],
        );
        assert_lrs(&got, &[1.0, 1.0, 0.1, 0.1, 0.05]);
    }

    #[test]
    fn ignores_cuts_below_eps_and_nan_is_bad() {
        let got = run("plateau:patience=0", 1e-8, &[1.0, 1.0, 1.0]);
        assert_eq!(got, vec![1e-8; 3]);
        let got = run("plateau:patience=0,factor=0.5", 1.0, &[f64::NAN, 1.0]);
        assert_eq!(got, vec![1.0, 0.5]);
    }
}
