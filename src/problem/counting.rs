//! The one counting wrapper: every loss and gradient evaluation an optimizer makes goes through
//! [`BatchObjective`], which charges it per sample, so gradient-free `ars` and first-order
//! methods are compared on the same counters. Measurement (per-epoch evaluation on the
//! splits) is not charged to the optimizer.

use rand::RngExt;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use super::{Problem, Workspace};
use crate::optim::Objective;
use crate::rng::Rng;

/// Evaluations charged to an optimizer, per sample, and what its gradients looked like.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    /// Sample-gradients computed (a gradient over a batch of B samples counts B).
    pub gradient_evals: u64,
    /// Sample-losses computed without a gradient.
    pub loss_evals: u64,
    /// Gradient calls (one per batch gradient handed to the optimizer).
    pub gradient_calls: u64,
    /// Sum over those calls of ‖g‖², g as the optimizer received it (noise included).
    pub gradient_sq_norms: f64,
}

/// A problem restricted to one batch, as an optimizer's objective, counting every call.
/// Where the problem has gradient noise (analytic `noise=σ`), σ·N(0, 1) is added to every
/// gradient component from the run's `noise_rng`.
pub struct BatchObjective<'a> {
    problem: &'a dyn Problem,
    batch: &'a [usize],
    workspace: &'a mut Workspace,
    counters: &'a mut Counters,
    noise_rng: &'a mut Rng,
}

impl<'a> BatchObjective<'a> {
    /// The objective of `problem` on `batch`.
    pub fn new(
        problem: &'a dyn Problem,
        batch: &'a [usize],
        workspace: &'a mut Workspace,
        counters: &'a mut Counters,
        noise_rng: &'a mut Rng,
    ) -> Self {
        BatchObjective {
            problem,
            batch,
            workspace,
            counters,
            noise_rng,
        }
    }
}

impl Objective for BatchObjective<'_> {
    fn dim(&self) -> usize {
        self.problem.dim()
    }

    fn loss(&mut self, x: &[f64]) -> f64 {
        self.counters.loss_evals += self.batch.len() as u64;
        self.problem.loss(x, self.batch, self.workspace)
    }

    fn gradient(&mut self, x: &[f64], grad: &mut [f64]) {
        self.counters.gradient_evals += self.batch.len() as u64;
        self.problem.gradient(x, self.batch, grad, self.workspace);
        self.charge_gradient(grad);
    }

    /// The loss comes with the gradient (one pass over the batch), so only the gradient is
    /// charged.
    fn loss_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.counters.gradient_evals += self.batch.len() as u64;
        let loss = self.problem.loss_grad(x, self.batch, grad, self.workspace);
        self.charge_gradient(grad);
        loss
    }
}

impl BatchObjective<'_> {
    /// Adds the gradient noise, if any, and counts the call and its norm.
    fn charge_gradient(&mut self, grad: &mut [f64]) {
        let sigma = self.problem.gradient_noise();
        if sigma > 0.0 {
            for g in grad.iter_mut() {
                let z: f64 = self.noise_rng.sample(StandardNormal);
                *g += sigma * z;
            }
        }
        self.counters.gradient_calls += 1;
        self.counters.gradient_sq_norms += grad.iter().map(|g| g * g).sum::<f64>();
    }
}
