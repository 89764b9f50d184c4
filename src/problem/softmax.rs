//! `softmax`: multinomial logistic regression on a named dataset (default iris), split 60/20/20
//! by class and standardized with training statistics. Smooth and convex.

use serde::{Deserialize, Serialize};

use super::linear::{DenseLinear, LinearLoss};
use super::{ConfigFn, Family, Problem, ProblemConfig, config_from_params, split_named_dataset};
use crate::data::{DataError, NAMED_DATASETS};
use crate::spec::{EntryInfo, Key, Range};

const ENTRY: EntryInfo = EntryInfo {
    name: "softmax",
    summary: "multinomial logistic regression on a real dataset (smooth convex)",
    reference: "softmax regression, cross-entropy loss",
    keys: &[
        Key::choice(
            "dataset",
            "iris",
            &NAMED_DATASETS,
            "data (see datasets/README.md)",
        ),
        Key::float(
            "l2",
            1e-4,
            Range::NON_NEGATIVE,
            "L2 penalty ½·l2·‖W‖² (biases not penalized)",
        ),
    ],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (ENTRY, config_from_params::<Softmax>, Family::SmoothConvex)
}

/// Softmax regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Softmax {
    /// Dataset name (default iris).
    pub dataset: String,
    /// L2 penalty (default 1e-4).
    pub l2: f64,
}

impl ProblemConfig for Softmax {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        let split = split_named_dataset(&self.dataset, seed)?;
        let loss = match LinearLoss::for_target(&split.train.target) {
            // Two classes are still written as a K = 2 softmax here.
            LinearLoss::Logistic => LinearLoss::Softmax { classes: 2 },
            other => other,
        };
        Ok(Box::new(DenseLinear::new(loss, split, self.l2)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, Split, Target};
    use crate::problem::testing::{dense_newton, train_full_batch};
    use crate::problem::{OptimumKind, Workspace};

    /// Mean cross-entropy + ½·l2·‖W‖² on the raw training data, its gradient and Hessian,
    /// written out here, in θ = (W row-major, b) with the last class's bias held at 0 (the
    /// objective does not change when every bias moves together, so that one is free).
    fn reduced_objective(data: &Dataset, l2: f64, theta: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
        let Target::Classes { labels, classes } = &data.target else {
            unreachable!()
        };
        let (k, d, n) = (*classes, data.features.cols(), data.len() as f64);
        let m = k * (d + 1);
        // Index of the coefficient of input a (a = d: the bias) for class o.
        let idx = |o: usize, a: usize| if a < d { o * d + a } else { k * d + o };
        let mut full = theta.to_vec();
        full.push(0.0);
        let (mut f, mut g, mut h) = (0.0, vec![0.0; m], vec![0.0; m * m]);
        for (i, &y) in labels.iter().enumerate() {
            let mut x = data.features.row(i).to_vec();
            x.push(1.0);
            let z: Vec<f64> = (0..k)
                .map(|o| (0..=d).map(|a| full[idx(o, a)] * x[a]).sum())
                .collect();
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            let p: Vec<f64> = z.iter().map(|v| (v - lse).exp()).collect();
            f += (lse - z[y]) / n;
            for o in 0..k {
                let r = p[o] - f64::from(u8::from(o == y));
                for a in 0..=d {
                    g[idx(o, a)] += r * x[a] / n;
                    for q in 0..k {
                        let c = p[o] * (f64::from(u8::from(o == q)) - p[q]);
                        for b in 0..=d {
                            h[idx(o, a) * m + idx(q, b)] += c * x[a] * x[b] / n;
                        }
                    }
                }
            }
        }
        for j in 0..k * d {
            f += 0.5 * l2 * full[j] * full[j];
            g[j] += l2 * full[j];
            h[j * m + j] += l2;
        }
        // Drop the held bias (the last coordinate).
        g.pop();
        let h = (0..m - 1)
            .flat_map(|r| h[r * m..r * m + m - 1].to_vec())
            .collect();
        (f, g, h)
    }

    #[test]
    fn the_solved_optimum_matches_an_independent_newton_solve() {
        for (dataset, l2, seed) in [("iris", 1e-4, 1), ("iris", 0.1, 2), ("wine", 1e-3, 3)] {
            let config = Softmax {
                dataset: dataset.into(),
                l2,
            };
            let problem = config.build(seed).unwrap();
            let optimum = problem.optimum().unwrap();
            assert_eq!(optimum.kind, OptimumKind::Solved, "{dataset}");
            assert!(optimum.gradient_norm.unwrap() <= 1e-8, "{optimum:?}");
            let train = split_named_dataset(dataset, seed).unwrap().train;
            let (_, reference) = dense_newton(problem.dim() - 1, 40, |theta| {
                reduced_objective(&train, l2, theta)
            });
            assert!(
                (optimum.loss - reference).abs() <= 1e-10 * reference,
                "{dataset}, l2 = {l2}: f* {} vs Newton {reference}",
                optimum.loss
            );
            // No optimizer run from the start gets below it (beyond rounding).
            let mut ws = Workspace::new();
            for optimizer in ["rprop:lr=0.01,step_min=1e-12", "adam:lr=0.02"] {
                let trained = train_full_batch(problem.as_ref(), optimizer, 4000, seed);
                let reached = problem.evaluate(&trained, Split::Train, &mut ws).loss;
                assert!(
                    optimum.loss <= reached * (1.0 + 1e-14),
                    "{dataset} {optimizer}: f* {} above the reached {reached}",
                    optimum.loss
                );
            }
        }
    }
}
