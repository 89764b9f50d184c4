//! Linear models on dense features: least squares, logistic regression and multinomial
//! (softmax) regression, each with an optional L2 penalty on the weights (not the biases).
//! Shared by `linreg`, `logreg2d`, `softmax` and `csv`.
//!
//! Parameters: the weights row-major (one row of `features` per output), then one bias per
//! output. Losses are means over the samples:
//!
//! ```text
//! squared:   ½(w·x + b − y)²
//! logistic:  log(1 + e^z) − y·z,           z = w·x + b, y ∈ {0, 1}
//! softmax:   log Σ_k e^{z_k} − z_y,        z_k = W_k·x + b_k
//! objective: mean loss + ½·l2·‖W‖²
//! ```
//!
//! The optimum: least squares from the normal equations (polished by a Newton step if needed),
//! the classifiers by Newton-CG from θ = 0 (`solve`), on the first request. Hessian-vector
//! products use the per-sample Hessian of the loss in the outputs z: 1 (squared),
//! σ(z)(1 − σ(z)) (logistic), diag(p) − p·pᵀ with p = softmax(z) (softmax).

use std::sync::OnceLock;

use rand::RngExt;
use rand_distr::StandardNormal;

use super::solve::{self, Curvature};
use super::{Evaluation, Optimum, Problem, Sizes, Workspace};
use crate::data::{Dataset, Split, SplitData, Target};
use crate::rng;

/// Standard deviation of the initial weights (biases start at 0).
pub const INIT_SCALE: f64 = 0.01;

/// Which linear model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinearLoss {
    /// Least squares on a real target.
    Squared,
    /// Logistic regression on two classes.
    Logistic,
    /// Multinomial logistic regression on `classes` classes.
    Softmax { classes: usize },
}

impl LinearLoss {
    /// The model for a target: real → squared, two classes → logistic, more → softmax.
    pub fn for_target(target: &Target) -> LinearLoss {
        match target {
            Target::Real(_) => LinearLoss::Squared,
            Target::Classes { classes: 2, .. } => LinearLoss::Logistic,
            Target::Classes { classes, .. } => LinearLoss::Softmax { classes: *classes },
        }
    }

    fn outputs(self) -> usize {
        match self {
            LinearLoss::Squared | LinearLoss::Logistic => 1,
            LinearLoss::Softmax { classes } => classes,
        }
    }
}

/// log(1 + e^z) without overflow.
#[inline]
pub(crate) fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// softplus(z) and sigmoid(z) from one exponential, e^−|z|: bit for bit the values of
/// [`softplus`] and [`sigmoid`], at one `exp` instead of two (the logistic losses' hot path).
#[inline]
pub(crate) fn softplus_sigmoid(z: f64) -> (f64, f64) {
    let e = (-z.abs()).exp();
    let sigmoid = if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (z.max(0.0) + e.ln_1p(), sigmoid)
}

/// Turns a summed gradient into the mean over `count` samples plus the L2 penalty's gradient
/// `l2·w` on the first `weights` entries, in one pass (the same roundings as dividing, then
/// adding; dividing by 1 is skipped, as it changes nothing).
#[inline]
pub(crate) fn mean_and_penalty(g: &mut [f64], weights: usize, w: &[f64], count: f64, l2: f64) {
    let (gw, rest) = g.split_at_mut(weights);
    if count != 1.0 {
        for gi in rest.iter_mut() {
            *gi /= count;
        }
    }
    match (count != 1.0, l2 != 0.0) {
        (true, true) => {
            for (gi, wi) in gw.iter_mut().zip(w) {
                *gi = *gi / count + l2 * wi;
            }
        }
        (true, false) => gw.iter_mut().for_each(|gi| *gi /= count),
        (false, true) => {
            for (gi, wi) in gw.iter_mut().zip(w) {
                *gi += l2 * wi;
            }
        }
        (false, false) => {}
    }
}

/// 1/(1 + e^−z) without overflow.
#[inline]
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// A linear model on split, standardized data.
#[derive(Debug, Clone)]
pub struct DenseLinear {
    loss: LinearLoss,
    data: SplitData,
    l2: f64,
    /// The optimum, solved on first request.
    optimum: OnceLock<Optimum>,
}

impl DenseLinear {
    /// The model `loss` on `data` with penalty `l2`.
    pub fn new(loss: LinearLoss, data: SplitData, l2: f64) -> DenseLinear {
        DenseLinear {
            loss,
            data,
            l2,
            optimum: OnceLock::new(),
        }
    }

    /// The optimum of the training objective: least squares from the normal equations, which
    /// Newton-CG then only confirms (or finishes, should the system be singular or rounding
    /// leave a gradient above the stopping tolerance); the classifiers by Newton-CG from 0.
    fn solve_optimum(&self) -> Optimum {
        let start = match self.loss {
            LinearLoss::Squared => self.normal_equations(),
            LinearLoss::Logistic | LinearLoss::Softmax { .. } => None,
        };
        let start = start.unwrap_or_else(|| vec![0.0; self.dim()]);
        solve::newton_cg(self, start).into_convex_optimum()
    }

    fn features(&self) -> usize {
        self.data.train.features.cols()
    }

    /// The split data.
    #[cfg(test)]
    pub fn data(&self) -> &SplitData {
        &self.data
    }

    /// Least-squares minimizer: (AᵀA/n + diag(l2,…,l2,0))θ = Aᵀy/n with A = [X 1], by
    /// Cholesky; `None` if the system is singular.
    fn normal_equations(&self) -> Option<Vec<f64>> {
        let train = &self.data.train;
        let Target::Real(y) = &train.target else {
            return None;
        };
        let d = self.features();
        let m = d + 1;
        let n = train.len() as f64;
        let mut a = vec![0.0; m * m];
        let mut rhs = vec![0.0; m];
        let mut row = vec![1.0; m];
        for (i, &yi) in y.iter().enumerate() {
            row[..d].copy_from_slice(train.features.row(i));
            for p in 0..m {
                rhs[p] += row[p] * yi / n;
                for q in 0..m {
                    a[p * m + q] += row[p] * row[q] / n;
                }
            }
        }
        for p in 0..d {
            a[p * m + p] += self.l2;
        }
        cholesky_solve(&mut a, &mut rhs, m)?;
        Some(rhs)
    }

    /// Adds one sample's loss to the running sum; with `grad`, also its gradient. Returns
    /// (loss, whether the prediction is right); without `want_loss` the loss may be 0 where
    /// it costs extra (logistic).
    #[inline]
    fn sample(
        &self,
        params: &[f64],
        x: &[f64],
        target: TargetValue,
        z: &mut [f64],
        grad: Option<&mut [f64]>,
        want_loss: bool,
    ) -> (f64, bool) {
        let d = x.len();
        let k = self.loss.outputs();
        let (w, b) = params.split_at(k * d);
        for (o, zo) in z.iter_mut().enumerate() {
            *zo = dot(&w[o * d..(o + 1) * d], x) + b[o];
        }
        // dz: derivative of the loss with respect to each output, written back into z.
        let (loss, correct) = match (self.loss, target) {
            (LinearLoss::Squared, TargetValue::Real(y)) => {
                let r = z[0] - y;
                z[0] = r;
                (0.5 * r * r, false)
            }
            (LinearLoss::Logistic, TargetValue::Class(c)) => {
                let (y, z0) = (c as f64, z[0]);
                let correct = (z0 > 0.0) == (c == 1);
                let loss = match (grad.is_some(), want_loss) {
                    (true, true) => {
                        let (softplus, sigmoid) = softplus_sigmoid(z0);
                        z[0] = sigmoid - y;
                        softplus - y * z0
                    }
                    (true, false) => {
                        z[0] = sigmoid(z0) - y;
                        0.0
                    }
                    (false, _) => softplus(z0) - y * z0,
                };
                (loss, correct)
            }
            (LinearLoss::Softmax { .. }, TargetValue::Class(c)) => {
                let (argmax, max) =
                    z.iter()
                        .enumerate()
                        .fold((0, f64::NEG_INFINITY), |(bi, bv), (i, &v)| {
                            if v > bv { (i, v) } else { (bi, bv) }
                        });
                let sum: f64 = z.iter().map(|&v| (v - max).exp()).sum();
                let lse = max + sum.ln();
                let loss = lse - z[c];
                for (o, zo) in z.iter_mut().enumerate() {
                    *zo = (*zo - lse).exp() - if o == c { 1.0 } else { 0.0 };
                }
                (loss, argmax == c)
            }
            _ => unreachable!("the loss matches the target type by construction"),
        };
        if let Some(grad) = grad {
            let (gw, gb) = grad.split_at_mut(k * d);
            for (o, &dz) in z.iter().enumerate() {
                for (g, &xi) in gw[o * d..(o + 1) * d].iter_mut().zip(x) {
                    *g += dz * xi;
                }
                gb[o] += dz;
            }
        }
        (loss, correct)
    }

    /// Mean loss (and gradient) over `rows` of `part`, plus the penalty; the loss only
    /// `want_loss`.
    fn mean_over(
        &self,
        params: &[f64],
        part: &Dataset,
        rows: impl ExactSizeIterator<Item = usize>,
        mut grad: Option<&mut [f64]>,
        want_loss: bool,
        ws: &mut Workspace,
    ) -> (f64, f64) {
        let [z] = ws.buffers([self.loss.outputs()]);
        if let Some(g) = grad.as_deref_mut() {
            g.fill(0.0);
        }
        let count = rows.len().max(1) as f64;
        let (mut loss, mut correct) = (0.0, 0usize);
        for i in rows {
            let target = TargetValue::of(&part.target, i);
            let (l, ok) = self.sample(
                params,
                part.features.row(i),
                target,
                z,
                grad.as_deref_mut(),
                want_loss,
            );
            loss += l;
            correct += usize::from(ok);
        }
        let weights = self.loss.outputs() * self.features();
        let penalty = if want_loss {
            0.5 * self.l2 * params[..weights].iter().map(|w| w * w).sum::<f64>()
        } else {
            0.0
        };
        if let Some(g) = grad {
            mean_and_penalty(g, weights, params, count, self.l2);
        }
        (loss / count + penalty, correct as f64 / count)
    }
}

/// One sample's target.
#[derive(Debug, Clone, Copy)]
enum TargetValue {
    Real(f64),
    Class(usize),
}

impl TargetValue {
    fn of(target: &Target, i: usize) -> TargetValue {
        match target {
            Target::Real(v) => TargetValue::Real(v[i]),
            Target::Classes { labels, .. } => TargetValue::Class(labels[i]),
        }
    }
}

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// Solves the symmetric positive definite system `a·x = b` in place (b becomes x) by
/// Cholesky; `None` if `a` is not positive definite.
pub(crate) fn cholesky_solve(a: &mut [f64], b: &mut [f64], m: usize) -> Option<()> {
    for j in 0..m {
        let mut diag = a[j * m + j];
        for k in 0..j {
            diag -= a[j * m + k] * a[j * m + k];
        }
        if diag <= 1e-12 * a[j * m + j].abs().max(1e-300) {
            return None;
        }
        let l_jj = diag.sqrt();
        a[j * m + j] = l_jj;
        for i in j + 1..m {
            let mut s = a[i * m + j];
            for k in 0..j {
                s -= a[i * m + k] * a[j * m + k];
            }
            a[i * m + j] = s / l_jj;
        }
    }
    for i in 0..m {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i * m + k] * b[k];
        }
        b[i] = s / a[i * m + i];
    }
    for i in (0..m).rev() {
        let mut s = b[i];
        for k in i + 1..m {
            s -= a[k * m + i] * b[k];
        }
        b[i] = s / a[i * m + i];
    }
    Some(())
}

impl Problem for DenseLinear {
    fn sizes(&self) -> Sizes {
        let d = self.features();
        Sizes {
            train: self.data.train.len(),
            validation: self.data.validation.len(),
            test: self.data.test.len(),
            features: d,
            parameters: self.loss.outputs() * (d + 1),
            classes: match self.loss {
                LinearLoss::Squared => None,
                LinearLoss::Logistic => Some(2),
                LinearLoss::Softmax { classes } => Some(classes),
            },
        }
    }

    fn has_data(&self) -> bool {
        true
    }

    /// `W` (outputs × features) and `b` (outputs): torch's `nn.Linear` shapes.
    fn layout(&self) -> crate::optim::Layout {
        let (k, d) = (self.loss.outputs(), self.features());
        crate::optim::Layout::new([("W", vec![k, d]), ("b", vec![k])])
    }

    /// Weights N(0, 0.01²) from the seed, biases 0.
    fn initial_params(&self, seed: u64) -> Vec<f64> {
        let mut rng = rng::from_seed(seed);
        let weights = self.loss.outputs() * self.features();
        (0..self.dim())
            .map(|i| {
                if i < weights {
                    let z: f64 = rng.sample(StandardNormal);
                    INIT_SCALE * z
                } else {
                    0.0
                }
            })
            .collect()
    }

    fn loss_grad(
        &self,
        params: &[f64],
        batch: &[usize],
        grad: &mut [f64],
        ws: &mut Workspace,
    ) -> f64 {
        let train = &self.data.train;
        self.mean_over(params, train, batch.iter().copied(), Some(grad), true, ws)
            .0
    }

    fn gradient(&self, params: &[f64], batch: &[usize], grad: &mut [f64], ws: &mut Workspace) {
        let train = &self.data.train;
        self.mean_over(params, train, batch.iter().copied(), Some(grad), false, ws);
    }

    fn loss(&self, params: &[f64], batch: &[usize], ws: &mut Workspace) -> f64 {
        let train = &self.data.train;
        self.mean_over(params, train, batch.iter().copied(), None, true, ws)
            .0
    }

    fn evaluate(&self, params: &[f64], split: Split, ws: &mut Workspace) -> Evaluation {
        let part = self.data.part(split);
        let (loss, accuracy) = self.mean_over(params, part, 0..part.len(), None, true, ws);
        Evaluation {
            loss,
            accuracy: (self.loss != LinearLoss::Squared).then_some(accuracy),
        }
    }

    /// Solved (see [`DenseLinear::solve_optimum`]) on the first call.
    fn optimum(&self) -> Option<&Optimum> {
        Some(self.optimum.get_or_init(|| self.solve_optimum()))
    }
}

impl Curvature for DenseLinear {
    /// Logistic: σ(z)(1 − σ(z)) per training row; softmax: the k probabilities per row;
    /// squared: nothing (the loss's Hessian in z is 1).
    fn prepare_curvature(&self, params: &[f64], state: &mut Vec<f64>) {
        let train = &self.data.train;
        let (d, k) = (self.features(), self.loss.outputs());
        let (w, b) = params.split_at(k * d);
        state.clear();
        if self.loss == LinearLoss::Squared {
            return;
        }
        let mut z = vec![0.0; k];
        for i in 0..train.len() {
            let x = train.features.row(i);
            for (o, zo) in z.iter_mut().enumerate() {
                *zo = dot(&w[o * d..(o + 1) * d], x) + b[o];
            }
            if self.loss == LinearLoss::Logistic {
                let p = sigmoid(z[0]);
                state.push(p * (1.0 - p));
            } else {
                let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let sum: f64 = z.iter().map(|&v| (v - max).exp()).sum();
                let lse = max + sum.ln();
                state.extend(z.iter().map(|&v| (v - lse).exp()));
            }
        }
    }

    fn hessian_vector(&self, state: &[f64], v: &[f64], out: &mut [f64], ws: &mut Workspace) {
        let train = &self.data.train;
        let (d, k) = (self.features(), self.loss.outputs());
        let (vw, vb) = v.split_at(k * d);
        let [u] = ws.buffers([k]);
        out.fill(0.0);
        for i in 0..train.len() {
            let x = train.features.row(i);
            // u = (directional change of z), then the loss's Hessian in z applied to it.
            for (o, uo) in u.iter_mut().enumerate() {
                *uo = dot(&vw[o * d..(o + 1) * d], x) + vb[o];
            }
            match self.loss {
                LinearLoss::Squared => {}
                LinearLoss::Logistic => u[0] *= state[i],
                LinearLoss::Softmax { .. } => {
                    let p = &state[i * k..(i + 1) * k];
                    let pu = dot(p, u);
                    for (uo, po) in u.iter_mut().zip(p) {
                        *uo = po * (*uo - pu);
                    }
                }
            }
            let (ow, ob) = out.split_at_mut(k * d);
            for (o, &r) in u.iter().enumerate() {
                for (oi, &xi) in ow[o * d..(o + 1) * d].iter_mut().zip(x) {
                    *oi += r * xi;
                }
                ob[o] += r;
            }
        }
        mean_and_penalty(out, k * d, vw, train.len().max(1) as f64, self.l2);
    }

    /// ln 2/n for the classifiers without L2; `None` otherwise.
    fn separation_bound(&self) -> Option<f64> {
        (self.loss != LinearLoss::Squared && self.l2 == 0.0)
            .then(|| std::f64::consts::LN_2 / self.data.train.len().max(1) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Matrix;
    use crate::problem::OptimumKind;
    use crate::problem::solve::SEPARATED_FLOOR;
    use crate::problem::solve::testing::check_hessian_vector;
    use crate::problem::split_in_order;

    /// Points of an 8×8 grid on [−½, ½]², labelled by the side of x₀ + x₁ = 0 (the diagonal
    /// itself left out): strictly separable. 40 training rows, 8 validation, 8 test.
    fn separable(loss: LinearLoss, l2: f64) -> DenseLinear {
        let (mut x, mut labels) = (Vec::new(), Vec::new());
        for i in 0..8 {
            for j in 0..8 {
                if i + j == 7 {
                    continue;
                }
                let (a, b) = (i as f64 / 7.0 - 0.5, j as f64 / 7.0 - 0.5);
                x.extend_from_slice(&[a, b]);
                labels.push(usize::from(i + j > 7));
            }
        }
        let data = Dataset {
            features: Matrix::new(labels.len(), 2, x),
            target: Target::Classes { labels, classes: 2 },
        };
        DenseLinear::new(loss, split_in_order(&data, 40), l2)
    }

    #[test]
    fn separable_classes_without_l2_give_an_estimate_near_zero() {
        for loss in [LinearLoss::Logistic, LinearLoss::Softmax { classes: 2 }] {
            let model = separable(loss, 0.0);
            let o = model.optimum().unwrap();
            assert_eq!(o.kind, OptimumKind::Estimate, "{loss:?}");
            assert!(
                o.loss.is_finite() && o.loss <= SEPARATED_FLOOR,
                "{loss:?}: {o:?}"
            );
            let params = o.params.as_ref().unwrap();
            assert!(params.iter().all(|p| p.is_finite()));
            let mut ws = Workspace::new();
            assert_eq!(model.evaluate(params, Split::Train, &mut ws).loss, o.loss);
            assert_eq!(
                model.evaluate(params, Split::Train, &mut ws).accuracy,
                Some(1.0)
            );
            // With a penalty the minimizer exists and is solved.
            let penalized = separable(loss, 0.01);
            let o = penalized.optimum().unwrap();
            assert_eq!(o.kind, OptimumKind::Solved, "{loss:?}: {o:?}");
            assert!(o.gradient_norm.unwrap() <= 1e-10, "{o:?}");
        }
    }

    #[test]
    fn the_optimum_is_solved_once_on_first_request() {
        let model = separable(LinearLoss::Logistic, 0.1);
        assert!(model.optimum.get().is_none(), "not solved at build");
        let first = model.optimum().unwrap();
        assert!(model.optimum.get().is_some());
        let second = model.optimum().unwrap();
        assert!(std::ptr::eq(first, second), "the same stored value");
    }

    #[test]
    fn hessian_vector_products_match_differences_of_the_gradient() {
        for loss in [LinearLoss::Logistic, LinearLoss::Softmax { classes: 2 }] {
            for l2 in [0.0, 0.3] {
                let model = separable(loss, l2);
                let params: Vec<f64> = (0..model.dim()).map(|i| 0.7 - 0.45 * i as f64).collect();
                check_hessian_vector(&model, &params);
            }
        }
        let iris = crate::problem::split_named_dataset("iris", 3).unwrap();
        let model = DenseLinear::new(LinearLoss::Softmax { classes: 3 }, iris, 0.01);
        check_hessian_vector(&model, &model.initial_params(1));
        let params: Vec<f64> = (0..model.dim()).map(|i| (i as f64 * 0.37).sin()).collect();
        check_hessian_vector(&model, &params);
        let wine = crate::problem::split_named_dataset("wine", 3).unwrap();
        let Target::Classes { labels, .. } = &wine.train.target else {
            unreachable!()
        };
        // Least squares on the class index, as a real target.
        let real = |part: &Dataset, y: Vec<f64>| Dataset {
            features: part.features.clone(),
            target: Target::Real(y),
        };
        let y: Vec<f64> = labels.iter().map(|&c| c as f64).collect();
        let data = SplitData {
            train: real(&wine.train, y),
            validation: real(&wine.validation, vec![0.0; wine.validation.len()]),
            test: real(&wine.test, vec![0.0; wine.test.len()]),
        };
        let model = DenseLinear::new(LinearLoss::Squared, data, 0.1);
        check_hessian_vector(&model, &model.initial_params(2));
    }

    /// One pass gives what dividing, then adding the penalty gave, bit for bit.
    #[test]
    fn mean_and_penalty_matches_two_passes() {
        let w = [0.3, -1.7, 2.25, 1e-3];
        for count in [1.0, 3.0, 7.0] {
            for l2 in [0.0, 1e-4, 0.5] {
                let sums = [1.1, -0.37, 5.5, 1e-9, 0.7, -2.0];
                let mut two = sums;
                for gi in two.iter_mut() {
                    *gi /= count;
                }
                if l2 != 0.0 {
                    for (gi, wi) in two[..4].iter_mut().zip(&w) {
                        *gi += l2 * wi;
                    }
                }
                let mut one = sums;
                mean_and_penalty(&mut one, 4, &w, count, l2);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&one), bits(&two), "count {count}, l2 {l2}");
            }
        }
    }

    #[test]
    fn softplus_sigmoid_is_bit_identical_to_the_two_functions() {
        for z in [
            0.0,
            -0.0,
            1e-300,
            -1e-300,
            0.5,
            -0.5,
            3.0,
            -3.0,
            37.0,
            -37.0,
            800.0,
            -800.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let (sp, sg) = softplus_sigmoid(z);
            assert_eq!(sp.to_bits(), softplus(z).to_bits(), "softplus({z})");
            assert_eq!(sg.to_bits(), sigmoid(z).to_bits(), "sigmoid({z})");
        }
        let (sp, sg) = softplus_sigmoid(f64::NAN);
        assert!(sp.is_nan() && sg.is_nan());
    }

    #[test]
    fn stable_logistic_helpers() {
        assert_eq!(softplus(1000.0), 1000.0);
        assert_eq!(softplus(-1000.0), 0.0);
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(sigmoid(0.0), 0.5);
    }

    #[test]
    fn cholesky_solves_spd_systems() {
        let mut a = vec![4.0, 2.0, 2.0, 3.0];
        let mut b = vec![2.0, 1.0];
        cholesky_solve(&mut a, &mut b, 2).unwrap();
        // 4x + 2y = 2, 2x + 3y = 1 → x = 0.5, y = 0.
        assert!((b[0] - 0.5).abs() < 1e-15 && b[1].abs() < 1e-15);
        let mut singular = vec![1.0, 1.0, 1.0, 1.0];
        assert!(cholesky_solve(&mut singular, &mut [1.0, 1.0], 2).is_none());
    }
}
