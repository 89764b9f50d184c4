//! `sparse_logreg`: logistic regression on high-dimensional sparse binary features, the
//! setting where the lecture says adaptive methods win.
//!
//! Data (from the seed's data stream): each row holds `nnz` distinct active features drawn
//! with Zipf frequencies, P(feature j) ∝ (j+1)^−1.1, so a few features are common and most are
//! rare. True weights w*_j ~ N(0, 1)·(0.5 + 2.5·j/(d−1)) grow with rarity, so rare features
//! carry the strongest signal; the bias centers the logits; y ~ Bernoulli(σ(x·w* + b*)).
//! Stored as compressed sparse rows; the gradient touches only a row's active features
//! (plus one pass over the weights for the penalty and the averaging).
//!
//! The optimum is solved by Newton-CG from θ = 0 (`solve`) on the first request; a
//! Hessian-vector product is one pass over the active features, with σ(z)(1 − σ(z)) per row.

use std::sync::OnceLock;

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::linear::{INIT_SCALE, mean_and_penalty, sigmoid, softplus, softplus_sigmoid};
use super::solve::{self, Curvature};
use super::{
    ConfigFn, Evaluation, Family, Optimum, Problem, ProblemConfig, Sizes, Workspace,
    config_from_params, streams,
};
use crate::data::{DataError, SparseMatrix, Split};
use crate::rng;
use crate::spec::{EntryInfo, Key, Range};

/// Zipf exponent of the feature frequencies.
pub const ZIPF_EXPONENT: f64 = 1.1;

const ENTRY: EntryInfo = EntryInfo {
    name: "sparse_logreg",
    summary: "logistic regression, sparse Zipf-frequent features, rare ones informative",
    reference: "logistic regression on CSR data (the lecture's case for adaptive methods)",
    keys: &[
        Key::int(
            "samples",
            4000,
            10,
            1_000_000,
            "training samples (validation and test: a quarter each)",
        ),
        Key::int("features", 5000, 2, 1_000_000, "feature dimension"),
        Key::int("nnz", 20, 1, 1000, "active features per sample"),
        Key::float(
            "l2",
            1e-4,
            Range::NON_NEGATIVE,
            "L2 penalty ½·l2·‖w‖² (bias not penalized)",
        ),
    ],
};

pub(super) fn entry() -> (EntryInfo, ConfigFn, Family) {
    (
        ENTRY,
        config_from_params::<SparseLogregConfig>,
        Family::SparseFeatures,
    )
}

/// Keys of `sparse_logreg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SparseLogregConfig {
    /// Training samples (default 4000).
    pub samples: usize,
    /// Features (default 5000).
    pub features: usize,
    /// Active features per row (default 20).
    pub nnz: usize,
    /// L2 penalty (default 1e-4).
    pub l2: f64,
}

impl ProblemConfig for SparseLogregConfig {
    fn build(&self, seed: u64) -> Result<Box<dyn Problem>, DataError> {
        Ok(Box::new(self.generate(seed)?))
    }

    fn check(&self) -> Result<(), String> {
        if self.nnz > self.features {
            return Err(format!(
                "nnz ({}) must not exceed features ({}): a row holds distinct features",
                self.nnz, self.features
            ));
        }
        Ok(())
    }
}

impl SparseLogregConfig {
    /// The data of `seed`, split.
    pub fn generate(&self, seed: u64) -> Result<SparseLogreg, DataError> {
        let mut rng = rng::from_seed(rng::derive_seed(seed, &[streams::DATA]));
        let d = self.features;
        // Cumulative Zipf weights for inverse-CDF sampling.
        let mut cumulative = Vec::with_capacity(d);
        let mut total = 0.0;
        for j in 0..d {
            total += ((j + 1) as f64).powf(-ZIPF_EXPONENT);
            cumulative.push(total);
        }
        let w_true: Vec<f64> = (0..d)
            .map(|j| {
                let z: f64 = rng.sample(StandardNormal);
                z * (0.5 + 2.5 * j as f64 / (d - 1) as f64)
            })
            .collect();
        let rows = self.samples + 2 * (self.samples / 4);
        let mut x = SparseMatrix::new(d);
        let mut logits = Vec::with_capacity(rows);
        let mut active: Vec<usize> = Vec::with_capacity(self.nnz);
        for _ in 0..rows {
            active.clear();
            while active.len() < self.nnz {
                let u: f64 = rng.random::<f64>() * total;
                let j = cumulative.partition_point(|&c| c <= u).min(d - 1);
                if !active.contains(&j) {
                    active.push(j);
                }
            }
            active.sort_unstable();
            logits.push(active.iter().map(|&j| w_true[j]).sum::<f64>());
            x.push_row(active.iter().map(|&j| (j, 1.0)));
        }
        let bias = -logits.iter().sum::<f64>() / rows as f64;
        let labels: Vec<bool> = logits
            .iter()
            .map(|&z| rng.random::<f64>() < sigmoid(z + bias))
            .collect();
        let held = self.samples / 4;
        let cut = |a: usize, b: usize| Part {
            x: x.slice_rows(a..b),
            y: labels[a..b].to_vec(),
        };
        Ok(SparseLogreg {
            train: cut(0, self.samples),
            validation: cut(self.samples, self.samples + held),
            test: cut(self.samples + held, self.samples + 2 * held),
            l2: self.l2,
            optimum: OnceLock::new(),
        })
    }
}

/// One split: sparse rows and binary labels.
#[derive(Debug, Clone)]
struct Part {
    x: SparseMatrix,
    y: Vec<bool>,
}

/// Sparse logistic regression: parameters are the weights, then the bias.
#[derive(Debug, Clone)]
pub struct SparseLogreg {
    train: Part,
    validation: Part,
    test: Part,
    l2: f64,
    /// The optimum, solved on first request.
    optimum: OnceLock<Optimum>,
}

impl SparseLogreg {
    fn part(&self, split: Split) -> &Part {
        match split {
            Split::Train => &self.train,
            Split::Validation => &self.validation,
            Split::Test => &self.test,
        }
    }

    /// Mean loss (and gradient) over `rows` of `part` plus the penalty; and the accuracy.
    /// With a gradient and without `want_loss`, the data part of the loss is skipped (0).
    fn mean_over(
        &self,
        params: &[f64],
        part: &Part,
        rows: impl ExactSizeIterator<Item = usize>,
        mut grad: Option<&mut [f64]>,
        want_loss: bool,
    ) -> (f64, f64) {
        let d = part.x.cols();
        let (w, b) = (&params[..d], params[d]);
        if let Some(g) = grad.as_deref_mut() {
            g.fill(0.0);
        }
        let count = rows.len().max(1) as f64;
        let (mut loss, mut correct) = (0.0, 0usize);
        for i in rows {
            let (cols, vals) = part.x.row(i);
            let z = b + cols
                .iter()
                .zip(vals)
                .map(|(&c, v)| w[c as usize] * v)
                .sum::<f64>();
            let y = part.y[i];
            let label = if y { z } else { 0.0 };
            correct += usize::from((z > 0.0) == y);
            if let Some(g) = grad.as_deref_mut() {
                let sigmoid = if want_loss {
                    let (softplus, sigmoid) = softplus_sigmoid(z);
                    loss += softplus - label;
                    sigmoid
                } else {
                    sigmoid(z)
                };
                let dz = sigmoid - f64::from(u8::from(y));
                for (&c, v) in cols.iter().zip(vals) {
                    g[c as usize] += dz * v;
                }
                g[d] += dz;
            } else {
                loss += softplus(z) - label;
            }
        }
        let penalty = if want_loss {
            0.5 * self.l2 * w.iter().map(|w| w * w).sum::<f64>()
        } else {
            0.0
        };
        if let Some(g) = grad {
            mean_and_penalty(g, d, w, count, self.l2);
        }
        (loss / count + penalty, correct as f64 / count)
    }
}

impl Problem for SparseLogreg {
    fn sizes(&self) -> Sizes {
        Sizes {
            train: self.train.y.len(),
            validation: self.validation.y.len(),
            test: self.test.y.len(),
            features: self.train.x.cols(),
            parameters: self.train.x.cols() + 1,
            classes: Some(2),
        }
    }

    fn has_data(&self) -> bool {
        true
    }

    /// `W` (1 × features) and `b` (1): torch's `nn.Linear` shapes.
    fn layout(&self) -> crate::optim::Layout {
        let d = self.train.x.cols();
        crate::optim::Layout::new([("W", vec![1, d]), ("b", vec![1])])
    }

    /// Weights N(0, 0.01²) from the seed, bias 0.
    fn initial_params(&self, seed: u64) -> Vec<f64> {
        let mut rng = rng::from_seed(seed);
        let d = self.train.x.cols();
        let mut p: Vec<f64> = (0..d)
            .map(|_| {
                let z: f64 = rng.sample(StandardNormal);
                INIT_SCALE * z
            })
            .collect();
        p.push(0.0);
        p
    }

    fn loss_grad(
        &self,
        params: &[f64],
        batch: &[usize],
        grad: &mut [f64],
        _: &mut Workspace,
    ) -> f64 {
        self.mean_over(params, &self.train, batch.iter().copied(), Some(grad), true)
            .0
    }

    fn gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64], _: &mut Workspace) {
        self.mean_over(
            params,
            &self.train,
            batch.iter().copied(),
            Some(grad),
            false,
        );
    }

    fn loss(&self, params: &[f64], batch: &[usize], _: &mut Workspace) -> f64 {
        self.mean_over(params, &self.train, batch.iter().copied(), None, true)
            .0
    }

    fn evaluate(&self, params: &[f64], split: Split, _: &mut Workspace) -> Evaluation {
        let part = self.part(split);
        let (loss, accuracy) = self.mean_over(params, part, 0..part.y.len(), None, true);
        Evaluation {
            loss,
            accuracy: Some(accuracy),
        }
    }

    /// Solved by Newton-CG from 0 on the first call.
    fn optimum(&self) -> Option<&Optimum> {
        Some(
            self.optimum.get_or_init(|| {
                solve::newton_cg(self, vec![0.0; self.dim()]).into_convex_optimum()
            }),
        )
    }
}

impl Curvature for SparseLogreg {
    /// σ(z)(1 − σ(z)) per training row.
    fn prepare_curvature(&self, params: &[f64], state: &mut Vec<f64>) {
        let x = &self.train.x;
        let (w, b) = params.split_at(x.cols());
        state.clear();
        state.extend((0..x.rows()).map(|i| {
            let (cols, vals) = x.row(i);
            let z = b[0]
                + cols
                    .iter()
                    .zip(vals)
                    .map(|(&c, v)| w[c as usize] * v)
                    .sum::<f64>();
            let p = sigmoid(z);
            p * (1.0 - p)
        }));
    }

    fn hessian_vector(&self, state: &[f64], v: &[f64], out: &mut [f64], _: &mut Workspace) {
        let x = &self.train.x;
        let d = x.cols();
        let (vw, vb) = v.split_at(d);
        out.fill(0.0);
        for (i, &s) in state.iter().enumerate() {
            let (cols, vals) = x.row(i);
            let u = vb[0]
                + cols
                    .iter()
                    .zip(vals)
                    .map(|(&c, val)| vw[c as usize] * val)
                    .sum::<f64>();
            let r = s * u;
            for (&c, val) in cols.iter().zip(vals) {
                out[c as usize] += r * val;
            }
            out[d] += r;
        }
        mean_and_penalty(out, d, vw, x.rows().max(1) as f64, self.l2);
    }

    /// ln 2/n without L2; `None` with it.
    fn separation_bound(&self) -> Option<f64> {
        (self.l2 == 0.0).then(|| std::f64::consts::LN_2 / self.train.y.len().max(1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::OptimumKind;
    use crate::problem::solve::testing::check_hessian_vector;
    use crate::problem::testing::{dense_newton, train_full_batch};

    /// The mean log-loss + ½·l2·‖w‖², its gradient and Hessian, on the training rows made
    /// dense, written out here.
    fn dense_objective(part: &Part, l2: f64, theta: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
        let d = part.x.cols();
        let (m, n) = (d + 1, part.y.len() as f64);
        let (mut f, mut g, mut h) = (0.0, vec![0.0; m], vec![0.0; m * m]);
        for (i, &y) in part.y.iter().enumerate() {
            let mut row = vec![0.0; m];
            let (cols, vals) = part.x.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                row[c as usize] = v;
            }
            row[d] = 1.0;
            let z: f64 = row.iter().zip(theta).map(|(a, t)| a * t).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = f64::from(u8::from(y));
            f += ((1.0 + z.exp()).ln() - y * z) / n;
            for a in 0..m {
                g[a] += (p - y) * row[a] / n;
                for b in 0..m {
                    h[a * m + b] += p * (1.0 - p) * row[a] * row[b] / n;
                }
            }
        }
        for j in 0..d {
            f += 0.5 * l2 * theta[j] * theta[j];
            g[j] += l2 * theta[j];
            h[j * m + j] += l2;
        }
        (f, g, h)
    }

    #[test]
    fn the_solved_optimum_matches_an_independent_dense_newton_solve() {
        for (samples, features, nnz, l2) in [(200, 30, 5, 0.01), (400, 60, 3, 1e-3)] {
            let config = SparseLogregConfig {
                samples,
                features,
                nnz,
                l2,
            };
            let problem = config.generate(5).unwrap();
            let optimum = problem.optimum().unwrap();
            assert_eq!(optimum.kind, OptimumKind::Solved, "{config:?}");
            assert!(optimum.gradient_norm.unwrap() <= 1e-8, "{optimum:?}");
            let (_, reference) = dense_newton(problem.dim(), 40, |t| {
                dense_objective(&problem.train, l2, t)
            });
            assert!(
                (optimum.loss - reference).abs() <= 1e-10 * reference,
                "{config:?}: f* {} vs dense Newton {reference}",
                optimum.loss
            );
            let trained = train_full_batch(&problem, "adam:lr=0.05", 3000, 5);
            let reached = problem
                .evaluate(&trained, Split::Train, &mut Workspace::new())
                .loss;
            assert!(
                optimum.loss <= reached * (1.0 + 1e-14),
                "{config:?}: f* {} above the reached {reached}",
                optimum.loss
            );
        }
    }

    #[test]
    fn more_features_than_samples_without_l2_separate_and_give_an_estimate() {
        let config = SparseLogregConfig {
            samples: 50,
            features: 300,
            nnz: 10,
            l2: 0.0,
        };
        let problem = config.generate(1).unwrap();
        let optimum = problem.optimum().unwrap();
        assert_eq!(optimum.kind, OptimumKind::Estimate);
        assert!(
            optimum.loss.is_finite() && optimum.loss <= 1e-14,
            "{optimum:?}"
        );
        let accuracy = problem
            .evaluate(
                optimum.params.as_ref().unwrap(),
                Split::Train,
                &mut Workspace::new(),
            )
            .accuracy;
        assert_eq!(accuracy, Some(1.0));
    }

    #[test]
    fn hessian_vector_products_match_differences_of_the_gradient() {
        for l2 in [0.0, 0.1] {
            let config = SparseLogregConfig {
                samples: 100,
                features: 40,
                nnz: 4,
                l2,
            };
            let problem = config.generate(2).unwrap();
            let params: Vec<f64> = (0..problem.dim()).map(|i| (i as f64 * 0.7).cos()).collect();
            check_hessian_vector(&problem, &params);
        }
    }

    #[test]
    fn frequencies_are_heavy_tailed_and_rows_sparse() {
        let config = SparseLogregConfig {
            samples: 2000,
            features: 1000,
            nnz: 10,
            l2: 0.0,
        };
        let problem = config.generate(3).unwrap();
        let sizes = problem.sizes();
        assert_eq!(
            (sizes.train, sizes.validation, sizes.test),
            (2000, 500, 500)
        );
        assert_eq!(sizes.parameters, 1001);
        // Feature occurrences in the training rows: the head is far more frequent than the
        // tail, and rows hold distinct sorted features.
        let train = &problem.train;
        let mut counts = vec![0usize; 1000];
        for i in 0..train.x.rows() {
            let (cols, vals) = train.x.row(i);
            assert_eq!(cols.len(), 10);
            assert!(vals.iter().all(|&v| v == 1.0));
            assert!(cols.windows(2).all(|w| w[0] < w[1]), "distinct, sorted");
            for &c in cols {
                counts[c as usize] += 1;
            }
        }
        let head: usize = counts[..10].iter().sum();
        let tail: usize = counts[500..].iter().sum();
        assert!(
            counts[0] > 50 * counts[900].max(1),
            "{} vs {}",
            counts[0],
            counts[900]
        );
        assert!(head > tail / 2, "head {head} tail {tail}");
        let positives = train.y.iter().filter(|&&y| y).count();
        assert!(
            (600..1400).contains(&positives),
            "labels balanced: {positives}"
        );
    }
}
