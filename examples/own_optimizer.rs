//! Your own optimizer, from outside the crate: Signum (sign-SGD with momentum; Bernstein et
//! al. 2018) with a twist, a per-coordinate step cap, registered at run time and then
//! benchmarked by the usual command line, beside the built-ins.
//!
//! ```text
//! cargo run --release --example own_optimizer -- report --grid examples/own_optimizer.toml
//! # edit this file, then rerun only its runs (every other record comes from the cache):
//! cargo run --release --example own_optimizer -- report --grid examples/own_optimizer.toml --only mysgd
//! ```
//!
//! The version given to `register` keys the result cache: here it is a hash of this very
//! file, so editing it makes its cached records stale by itself.

use std::process::ExitCode;

use optbench::optim::{
    Method, OptimizerConfig, UpdateRule, config_from_params, keys, register, source_version,
};
use optbench::spec::{EntryInfo, Key, Range};
use serde::{Deserialize, Serialize};

/// The optimizer's self-description: its name in specs and grids, and its keys with their
/// defaults, ranges and meaning (what `optbench list optimizers` shows).
const ENTRY: EntryInfo = EntryInfo {
    name: "mysgd",
    summary: "Signum: the sign of a momentum buffer, each step capped at max_step",
    reference: "Bernstein et al. 2018 (signSGD), with a step cap",
    keys: &[
        keys::lr(0.01),
        Key::float(
            "beta",
            0.9,
            Range::UNIT_HALF_OPEN,
            "EMA coefficient of the gradient (0: plain sign-SGD)",
        ),
        Key::float(
            "max_step",
            1.0,
            Range::POSITIVE,
            "largest move of one coordinate in one update",
        ),
    ],
};

/// The validated configuration: its fields are the entry's keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MySgdConfig {
    lr: f64,
    beta: f64,
    max_step: f64,
}

impl OptimizerConfig for MySgdConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::FirstOrder(Box::new(MySgd {
            config: self.clone(),
            momentum: vec![0.0; dim],
        }))
    }
}

/// The state: one momentum buffer.
struct MySgd {
    config: MySgdConfig,
    momentum: Vec<f64>,
}

impl UpdateRule for MySgd {
    fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let (beta, cap) = (self.config.beta, self.config.max_step);
        for ((x, g), m) in params.iter_mut().zip(grad).zip(&mut self.momentum) {
            *m = beta * *m + (1.0 - beta) * g;
            // The sign of the buffer (0 stays 0), the step capped.
            let sign = if *m > 0.0 {
                1.0
            } else if *m < 0.0 {
                -1.0
            } else {
                0.0
            };
            *x -= (lr * sign).clamp(-cap, cap);
        }
    }

    fn state_vectors(&self) -> usize {
        1
    }
}

fn main() -> ExitCode {
    let version = source_version(include_str!("own_optimizer.rs"));
    if let Err(e) = register(ENTRY, config_from_params::<MySgdConfig>, &version) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    optbench::cli::run(std::env::args_os())
}
