//! The optimum f* of a problem's training objective, computed in the crate: solved to near
//! machine precision where the problem is convex, estimated where it is not. The benchmark
//! scores a run by its gap to f* down to a floor of 1e-8 of the starting gap, so f* must be
//! right far below that.
//!
//! Both solvers are full-batch on [`Problem::loss_grad`] over every training index: the
//! training objective (mean loss + ½·l2·‖W‖²). The value reported at the final point is that
//! objective as runs measure it, [`Problem::evaluate`] on the training split (the same up to
//! summation order).
//!
//! - [`newton_cg`], for the convex models (least squares, logistic, softmax, sparse logistic):
//!   truncated Newton (Nocedal & Wright, *Numerical Optimization*, Alg. 7.1). Each step solves
//!   H·d = −g by conjugate gradients to a relative residual min(½, √‖g‖), which makes the
//!   convergence superlinear, then backtracks from the full step (Armijo). The models provide
//!   Hessian-vector products through [`Curvature`]: one pass over the training rows with the
//!   per-sample second derivatives prepared once per step.
//!
//!   Why one Newton-CG rather than Newton with a dense Hessian up to ~600 parameters and
//!   L-BFGS above: a Hessian-vector product costs what a gradient costs and never forms a
//!   d×d matrix (sparse_logreg at 500 features would factor a 501×501 matrix, ~40 MFLOP, every
//!   step; softmax on digits would form a 650×650 Hessian over 1078 rows, ~450 MFLOP); CG
//!   takes at most d products, so small problems get the exact Newton step anyway; the singular
//!   Hessians of these models (softmax's shift of every class by the same vector, a rank-
//!   deficient feature matrix without L2) are harmless to CG, because the gradient is
//!   orthogonal to their null space, where a Cholesky factorization would fail; and Newton's
//!   quadratic end game reaches gradient norms of 1e-12 in a step or two where L-BFGS
//!   stalls once objective differences drop below rounding.
//!
//!   Near the optimum the objective's decrease falls below its rounding error, so a step is
//!   also accepted when the objective rose by no more than that (1e-12 relative) and the
//!   gradient norm fell. A solve stops when ‖∇f‖ ≤ 1e-10·max(1, |f|) ([`STOP_TOLERANCE`]) or
//!   no step is accepted; it counts as solved if ‖∇f‖ ≤ 1e-8·max(1, |f|)
//!   ([`SOLVED_TOLERANCE`]). Logistic and softmax regression without L2 on (strictly)
//!   separated data have no minimizer (the infimum is 0, approached as the weights grow): the
//!   model gives a bound, ln 2/n, below which the objective certifies that every sample is
//!   classified correctly; then the solver doubles the parameters until the objective is
//!   ≤ 1e-14 ([`SEPARATED_FLOOR`]) and reports the point reached as an estimate.
//!
//! - [`lbfgs`], for any problem: L-BFGS (N&W Alg. 7.5, memory [`LBFGS_MEMORY`]) with a line
//!   search satisfying the strong Wolfe conditions (N&W Alg. 3.5–3.6, c₁ = 1e-4, c₂ = 0.9),
//!   until ‖∇f‖ ≤ 1e-8·max(1, |f|) ([`LBFGS_TOLERANCE`]), no step decreases the objective, or
//!   an iteration cap.
//!   [`best_of`] runs it briefly from several starts and continues the lowest: the estimate
//!   used for the non-convex `mlp`, which is only an upper bound on its global minimum.
//!
//! May use: the problem interface (`Problem`, `Workspace`, `Optimum`) and `data::Split`.

use std::collections::VecDeque;

use super::{Optimum, OptimumKind, Problem, Workspace};
use crate::data::Split;

/// A solve stops once ‖∇f‖ ≤ STOP_TOLERANCE·max(1, |f|).
pub const STOP_TOLERANCE: f64 = 1e-10;
/// A convex solve that stopped counts as solved if ‖∇f‖ ≤ SOLVED_TOLERANCE·max(1, |f|).
pub const SOLVED_TOLERANCE: f64 = 1e-8;
/// Newton steps before a convex solve gives up (well-posed problems need under 30).
pub const NEWTON_ITERATIONS: usize = 100;
/// Most conjugate-gradient iterations per Newton step (at most twice the dimension).
pub const CG_ITERATIONS: usize = 1000;
/// Halvings of a Newton step before the solve counts as stalled.
const BACKTRACKS: usize = 60;
/// Objective increase, relative to |f|, accepted when the gradient norm falls: the rounding
/// error of a mean over many samples.
const ROUNDING_SLACK: f64 = 1e-12;
/// On separated data the parameters are doubled until the objective is at most this.
pub const SEPARATED_FLOOR: f64 = 1e-14;
/// L-BFGS stops once ‖∇f‖ ≤ LBFGS_TOLERANCE·max(1, |f|). Near a local minimum with
/// curvature λ the value is then within ‖∇f‖²/(2λ) of the minimum's, ~1e-12 relative for
/// λ ≳ 1e-4: far below the score's floor, while the last factor of 100 down to
/// [`STOP_TOLERANCE`] costs L-BFGS 10–25 % more iterations on the networks.
pub const LBFGS_TOLERANCE: f64 = 1e-8;
/// Pairs (s, y) L-BFGS remembers.
pub const LBFGS_MEMORY: usize = 20;
/// Sufficient decrease (Armijo) constant of both line searches.
const C1: f64 = 1e-4;
/// Curvature constant of the strong Wolfe conditions (the usual choice for quasi-Newton).
const C2: f64 = 0.9;
/// Trial steps of one Wolfe line search (bracketing and zoom together).
const WOLFE_TRIALS: usize = 40;

/// Second-order information of a convex model's full training objective.
pub(crate) trait Curvature: Problem {
    /// Writes into `state` what Hessian-vector products at `params` need (the per-sample
    /// second derivatives of the loss in the model's outputs).
    fn prepare_curvature(&self, params: &[f64], state: &mut Vec<f64>);

    /// `out = ∇²f(params)·v` for the full training objective, from the `state` that
    /// [`Curvature::prepare_curvature`] wrote for `params`.
    fn hessian_vector(&self, state: &[f64], v: &[f64], out: &mut [f64], ws: &mut Workspace);

    /// An objective value below which the training samples are certified strictly separated
    /// (every sample's loss is below ln 2, so every sample is classified correctly and the
    /// objective falls to 0 along the ray t·θ, t → ∞): no minimizer exists. `None` where one
    /// always exists (an L2 penalty, least squares).
    fn separation_bound(&self) -> Option<f64>;
}

/// Why a solve stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// ‖∇f‖ ≤ [`STOP_TOLERANCE`]·max(1, |f|) (Newton-CG) or [`LBFGS_TOLERANCE`]·max(1, |f|)
    /// (L-BFGS).
    Converged,
    /// No step decreased the objective (progress at rounding level, or a kink).
    Stalled,
    /// The iteration cap was reached.
    IterationCap,
    /// The data are separated: no minimizer; the point is far along a descent ray.
    Separated,
}

/// Where a solve ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The last point.
    pub params: Vec<f64>,
    /// The training objective there, as runs measure it ([`Problem::evaluate`] on the
    /// training split).
    pub loss: f64,
    /// ‖∇f‖ there.
    pub gradient_norm: f64,
    /// Why it stopped.
    pub stop: Stop,
    /// Newton or L-BFGS iterations taken.
    pub iterations: usize,
    /// Evaluations of the full training objective and gradient, over every start for
    /// [`best_of`] (Hessian-vector products not counted).
    pub evaluations: usize,
}

impl Solution {
    /// The solution at `params` (gradient `g` there), its loss measured as runs measure the
    /// training objective, [`Problem::evaluate`] on the training split (the objective
    /// `loss_grad` gave, up to summation order).
    fn at(
        params: Vec<f64>,
        g: &[f64],
        stop: Stop,
        iterations: usize,
        objective: &mut FullBatch,
    ) -> Solution {
        Solution {
            loss: objective.training_objective(&params),
            params,
            gradient_norm: norm(g),
            stop,
            iterations,
            evaluations: objective.evaluations,
        }
    }

    /// Whether the point is a minimizer to the solver's precision: converged, or stopped with
    /// ‖∇f‖ ≤ [`SOLVED_TOLERANCE`]·max(1, |f|) on data with a minimizer.
    pub fn solved(&self) -> bool {
        self.stop == Stop::Converged
            || (self.stop != Stop::Separated
                && self.gradient_norm <= SOLVED_TOLERANCE * self.loss.abs().max(1.0))
    }

    /// The optimum this solution gives, of `kind`.
    pub fn into_optimum(self, kind: OptimumKind) -> Optimum {
        Optimum {
            params: Some(self.params),
            loss: self.loss,
            kind,
            gradient_norm: Some(self.gradient_norm),
        }
    }

    /// The optimum of a convex solve: `Solved` if [`Solution::solved`], else `Estimate`.
    pub fn into_convex_optimum(self) -> Optimum {
        let kind = if self.solved() {
            OptimumKind::Solved
        } else {
            OptimumKind::Estimate
        };
        self.into_optimum(kind)
    }
}

/// The full training objective of a problem.
struct FullBatch<'a> {
    problem: &'a dyn Problem,
    all: Vec<usize>,
    ws: Workspace,
    evaluations: usize,
}

impl<'a> FullBatch<'a> {
    fn new(problem: &'a dyn Problem) -> FullBatch<'a> {
        FullBatch {
            problem,
            all: (0..problem.train_len()).collect(),
            ws: Workspace::new(),
            evaluations: 0,
        }
    }

    /// The training objective as runs measure it (not counted: once per solve).
    fn training_objective(&mut self, x: &[f64]) -> f64 {
        self.problem.evaluate(x, Split::Train, &mut self.ws).loss
    }

    fn loss_grad(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        self.evaluations += 1;
        self.problem.loss_grad(x, &self.all, g, &mut self.ws)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// `out = x + t·d`.
fn step_to(out: &mut [f64], x: &[f64], t: f64, d: &[f64]) {
    for ((o, xi), di) in out.iter_mut().zip(x).zip(d) {
        *o = xi + t * di;
    }
}

fn stop_tolerance(f: f64) -> f64 {
    STOP_TOLERANCE * f.abs().max(1.0)
}

/// Minimizes a convex model's full training objective from `start` by truncated Newton with
/// conjugate gradients (see the module doc).
pub(crate) fn newton_cg(problem: &dyn Curvature, start: Vec<f64>) -> Solution {
    let dim = start.len();
    let mut objective = FullBatch::new(problem);
    let mut ws = Workspace::new();
    let mut x = start;
    let mut g = vec![0.0; dim];
    let mut f = objective.loss_grad(&x, &mut g);
    let [mut x_new, mut g_new, mut d] = [(); 3].map(|_| vec![0.0; dim]);
    let mut scratch = Scratch::new(dim);
    let mut state = Vec::new();
    let bound = problem.separation_bound();
    let cg_iterations = (2 * dim).clamp(10, CG_ITERATIONS);
    for iteration in 0..NEWTON_ITERATIONS {
        let gn = norm(&g);
        if gn <= stop_tolerance(f) {
            return Solution::at(x, &g, Stop::Converged, iteration, &mut objective);
        }
        if bound.is_some_and(|b| f < b) {
            let x = push_along_ray(&mut objective, x, f, &mut g);
            return Solution::at(x, &g, Stop::Separated, iteration, &mut objective);
        }
        problem.prepare_curvature(&x, &mut state);
        let tolerance = gn.sqrt().min(0.5) * gn;
        scratch.conjugate_gradient(
            problem,
            &state,
            &g,
            tolerance,
            cg_iterations,
            &mut d,
            &mut ws,
        );
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            // Not a descent direction (rounding in CG): fall back to steepest descent.
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            slope = -gn * gn;
        }
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..BACKTRACKS {
            step_to(&mut x_new, &x, t, &d);
            let f_new = objective.loss_grad(&x_new, &mut g_new);
            let armijo = f_new <= f + C1 * t * slope;
            let rounding = f_new <= f + ROUNDING_SLACK * f.abs() && norm(&g_new) < gn;
            if f_new.is_finite() && (armijo || rounding) {
                accepted = Some(f_new);
                break;
            }
            t *= 0.5;
        }
        let Some(f_new) = accepted else {
            return Solution::at(x, &g, Stop::Stalled, iteration, &mut objective);
        };
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        f = f_new;
    }
    let stop = if norm(&g) <= stop_tolerance(f) {
        Stop::Converged
    } else {
        Stop::IterationCap
    };
    Solution::at(x, &g, stop, NEWTON_ITERATIONS, &mut objective)
}

/// Buffers of the conjugate-gradient solve.
struct Scratch {
    r: Vec<f64>,
    p: Vec<f64>,
    hp: Vec<f64>,
}

impl Scratch {
    fn new(dim: usize) -> Scratch {
        Scratch {
            r: vec![0.0; dim],
            p: vec![0.0; dim],
            hp: vec![0.0; dim],
        }
    }

    /// Solves H·d = −g by conjugate gradients from d = 0 until ‖H·d + g‖ ≤ `tolerance`,
    /// `iterations` products, or a direction without positive curvature. Falls back to
    /// d = −g if the first direction already has none.
    #[allow(clippy::too_many_arguments)]
    fn conjugate_gradient(
        &mut self,
        problem: &dyn Curvature,
        state: &[f64],
        g: &[f64],
        tolerance: f64,
        iterations: usize,
        d: &mut [f64],
        ws: &mut Workspace,
    ) {
        let Scratch { r, p, hp } = self;
        d.fill(0.0);
        r.iter_mut().zip(g).for_each(|(ri, gi)| *ri = -gi);
        p.copy_from_slice(r);
        let mut rr = dot(r, r);
        for i in 0..iterations {
            problem.hessian_vector(state, p, hp, ws);
            let curvature = dot(p, hp);
            if curvature.is_nan() || curvature <= 0.0 {
                if i == 0 {
                    d.copy_from_slice(r);
                }
                return;
            }
            let alpha = rr / curvature;
            for ((di, ri), (pi, hpi)) in d.iter_mut().zip(r.iter_mut()).zip(p.iter().zip(&*hp)) {
                *di += alpha * pi;
                *ri -= alpha * hpi;
            }
            let rr_new = dot(r, r);
            if rr_new.sqrt() <= tolerance {
                return;
            }
            let beta = rr_new / rr;
            for (pi, ri) in p.iter_mut().zip(r.iter()) {
                *pi = ri + beta * *pi;
            }
            rr = rr_new;
        }
    }
}

/// On separated data: doubles `x` (objective `f`) while the objective falls, until it is at
/// most [`SEPARATED_FLOOR`]; leaves the gradient at the returned point in `g`.
fn push_along_ray(
    objective: &mut FullBatch,
    mut x: Vec<f64>,
    mut f: f64,
    g: &mut [f64],
) -> Vec<f64> {
    let mut doubled = vec![0.0; x.len()];
    let mut g_doubled = vec![0.0; x.len()];
    for _ in 0..64 {
        if f <= SEPARATED_FLOOR {
            break;
        }
        doubled.iter_mut().zip(&x).for_each(|(d, xi)| *d = 2.0 * xi);
        let f_doubled = objective.loss_grad(&doubled, &mut g_doubled);
        if f_doubled.is_nan() || f_doubled >= f {
            break;
        }
        std::mem::swap(&mut x, &mut doubled);
        g.copy_from_slice(&g_doubled);
        f = f_doubled;
    }
    x
}

/// Minimizes the full training objective from `start` by L-BFGS with a strong-Wolfe line
/// search, for at most `iterations` iterations (see the module doc).
pub(crate) fn lbfgs(problem: &dyn Problem, start: Vec<f64>, iterations: usize) -> Solution {
    let dim = start.len();
    let mut objective = FullBatch::new(problem);
    let mut x = start;
    let mut g = vec![0.0; dim];
    let mut f = objective.loss_grad(&x, &mut g);
    let mut d = vec![0.0; dim];
    let mut trial = Trial::new(dim);
    let mut memory: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(LBFGS_MEMORY);
    let mut alphas = vec![0.0; LBFGS_MEMORY];
    let mut stop = Stop::IterationCap;
    let mut taken = iterations;
    for iteration in 0..iterations {
        let gn = norm(&g);
        if gn <= LBFGS_TOLERANCE * f.abs().max(1.0) {
            (stop, taken) = (Stop::Converged, iteration);
            break;
        }
        two_loop(&memory, &g, &mut d, &mut alphas);
        let mut slope = dot(&g, &d);
        if slope.is_nan() || slope >= 0.0 {
            memory.clear();
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
            slope = -gn * gn;
        }
        // The first step, without curvature information, moves by at most 1.
        let t0 = if memory.is_empty() {
            (1.0 / gn).min(1.0)
        } else {
            1.0
        };
        let Some(f_new) = trial.wolfe(&mut objective, &x, f, slope, &d, t0) else {
            (stop, taken) = (Stop::Stalled, iteration);
            break;
        };
        // s = x_new − x, y = g_new − g; kept only with positive curvature sᵀy.
        let (mut s, mut y) = if memory.len() == LBFGS_MEMORY {
            let (s, y, _) = memory.pop_front().unwrap_or_default();
            (s, y)
        } else {
            (vec![0.0; dim], vec![0.0; dim])
        };
        for i in 0..dim {
            s[i] = trial.x[i] - x[i];
            y[i] = trial.g[i] - g[i];
        }
        let sy = dot(&s, &y);
        if sy > 1e-12 * norm(&s) * norm(&y) {
            memory.push_back((s, y, 1.0 / sy));
        }
        x.copy_from_slice(&trial.x);
        g.copy_from_slice(&trial.g);
        f = f_new;
    }
    Solution::at(x, &g, stop, taken, &mut objective)
}

/// d = −H·g by the L-BFGS two-loop recursion over `memory` (oldest first); H₀ = γI with
/// γ = sᵀy/yᵀy of the newest pair.
fn two_loop(
    memory: &VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    g: &[f64],
    d: &mut [f64],
    alphas: &mut [f64],
) {
    d.iter_mut().zip(g).for_each(|(di, gi)| *di = -gi);
    for (k, (s, y, rho)) in memory.iter().enumerate().rev() {
        let a = rho * dot(s, d);
        alphas[k] = a;
        d.iter_mut().zip(y).for_each(|(di, yi)| *di -= a * yi);
    }
    if let Some((_, y, rho)) = memory.back() {
        let gamma = 1.0 / (rho * dot(y, y));
        d.iter_mut().for_each(|di| *di *= gamma);
    }
    for (k, (s, y, rho)) in memory.iter().enumerate() {
        let b = rho * dot(y, d);
        let a = alphas[k];
        d.iter_mut().zip(s).for_each(|(di, si)| *di += (a - b) * si);
    }
}

/// The line search's current trial point and its gradient.
struct Trial {
    x: Vec<f64>,
    g: Vec<f64>,
}

/// One end of a Wolfe bracket: step, objective, directional derivative.
#[derive(Debug, Clone, Copy)]
struct End {
    t: f64,
    f: f64,
    slope: f64,
}

impl Trial {
    fn new(dim: usize) -> Trial {
        Trial {
            x: vec![0.0; dim],
            g: vec![0.0; dim],
        }
    }

    /// Evaluates the objective at x + t·d into `self`.
    fn at(&mut self, objective: &mut FullBatch, x: &[f64], d: &[f64], t: f64) -> End {
        step_to(&mut self.x, x, t, d);
        let f = objective.loss_grad(&self.x, &mut self.g);
        End {
            t,
            f,
            slope: dot(&self.g, d),
        }
    }

    /// A step along `d` from `x` (objective `f0`, slope `slope0` < 0) satisfying the strong
    /// Wolfe conditions, starting from `t0` and doubling; leaves the point and its gradient in
    /// `self` and returns its objective. If the bracket shrinks to rounding before the
    /// curvature condition holds, settles for the lowest point with sufficient decrease;
    /// `None` if there is none.
    fn wolfe(
        &mut self,
        objective: &mut FullBatch,
        x: &[f64],
        f0: f64,
        slope0: f64,
        d: &[f64],
        t0: f64,
    ) -> Option<f64> {
        let armijo = |e: &End| e.f.is_finite() && e.f <= f0 + C1 * e.t * slope0;
        let curvature = |e: &End| e.slope.abs() <= -C2 * slope0;
        let origin = End {
            t: 0.0,
            f: f0,
            slope: slope0,
        };
        let mut previous = origin;
        let mut t = t0;
        let mut best: Option<End> = None;
        let mut trials = 0;
        // Bracketing: grow the step until it overshoots or the conditions hold.
        let (mut lo, mut hi) = loop {
            if trials == WOLFE_TRIALS {
                break (previous, previous);
            }
            trials += 1;
            let e = self.at(objective, x, d, t);
            if !armijo(&e) || (previous.t > 0.0 && e.f >= previous.f) {
                break (previous, e);
            }
            if curvature(&e) {
                return Some(e.f);
            }
            best = Some(e);
            if e.slope >= 0.0 {
                break (e, previous);
            }
            previous = e;
            t *= 2.0;
        };
        // Zoom: lo has sufficient decrease and the lowest value so far; hi bounds the step.
        while trials < WOLFE_TRIALS && (hi.t - lo.t).abs() > 1e-14 * lo.t.abs().max(hi.t.abs()) {
            trials += 1;
            let t = interpolate(lo, hi);
            let e = self.at(objective, x, d, t);
            if !armijo(&e) || e.f >= lo.f {
                hi = e;
            } else {
                if curvature(&e) {
                    return Some(e.f);
                }
                best = Some(e);
                if e.slope * (hi.t - lo.t) >= 0.0 {
                    hi = lo;
                }
                lo = e;
            }
        }
        let best = best?;
        Some(self.at(objective, x, d, best.t).f)
    }
}

/// The minimizer of the cubic through two bracket ends (values and slopes), kept inside the
/// middle 80 % of the bracket; the midpoint where the cubic gives nothing usable.
fn interpolate(a: End, b: End) -> f64 {
    let (lo, hi) = if a.t < b.t { (a, b) } else { (b, a) };
    let width = hi.t - lo.t;
    let mid = lo.t + 0.5 * width;
    let finite =
        lo.f.is_finite() && hi.f.is_finite() && lo.slope.is_finite() && hi.slope.is_finite();
    if !finite {
        return mid;
    }
    let d1 = lo.slope + hi.slope - 3.0 * (lo.f - hi.f) / (lo.t - hi.t);
    let disc = d1 * d1 - lo.slope * hi.slope;
    if disc.is_nan() || disc < 0.0 {
        return mid;
    }
    let d2 = disc.sqrt();
    let t = hi.t - width * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2.0 * d2);
    if t.is_finite() {
        t.clamp(lo.t + 0.1 * width, hi.t - 0.1 * width)
    } else {
        mid
    }
}

/// L-BFGS from each of `starts` for up to `screen` iterations; the lowest of them, unless it
/// already stopped, then continues for up to `polish` more (from its point, with a fresh
/// memory). `None` without a start or if no solve ends finite.
pub(crate) fn best_of(
    problem: &dyn Problem,
    starts: impl IntoIterator<Item = Vec<f64>>,
    screen: usize,
    polish: usize,
) -> Option<Solution> {
    let (mut best, mut evaluations): (Option<Solution>, usize) = (None, 0);
    for start in starts {
        let solution = lbfgs(problem, start, screen);
        evaluations += solution.evaluations;
        if solution.loss.is_finite() && best.as_ref().is_none_or(|b| solution.loss < b.loss) {
            best = Some(solution);
        }
    }
    let mut best = best?;
    if best.stop == Stop::IterationCap && polish > 0 {
        let polished = lbfgs(problem, best.params.clone(), polish);
        evaluations += polished.evaluations;
        if polished.loss <= best.loss {
            best = Solution {
                iterations: best.iterations + polished.iterations,
                ..polished
            };
        }
    }
    Some(Solution {
        evaluations,
        ..best
    })
}

/// Helpers for the convex models' own tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Curvature, Workspace, norm};

    /// H·v against central differences of the full gradient along v, at `params`, for a few
    /// directions v with entries in [−1, 1].
    pub fn check_hessian_vector(problem: &dyn Curvature, params: &[f64]) {
        let dim = params.len();
        let all: Vec<usize> = (0..problem.train_len()).collect();
        let mut ws = Workspace::new();
        let mut state = Vec::new();
        problem.prepare_curvature(params, &mut state);
        for k in 0..3 {
            let v: Vec<f64> = (0..dim)
                .map(|i| ((i * 7 + k * 13) % 17) as f64 / 8.0 - 1.0)
                .collect();
            let mut hv = vec![0.0; dim];
            problem.hessian_vector(&state, &v, &mut hv, &mut ws);
            let h = 1e-5;
            let shifted =
                |t: f64| -> Vec<f64> { params.iter().zip(&v).map(|(p, v)| p + t * v).collect() };
            let (mut up, mut down) = (vec![0.0; dim], vec![0.0; dim]);
            problem.loss_grad(&shifted(h), &all, &mut up, &mut ws);
            problem.loss_grad(&shifted(-h), &all, &mut down, &mut ws);
            let numeric: Vec<f64> = up
                .iter()
                .zip(&down)
                .map(|(u, d)| (u - d) / (2.0 * h))
                .collect();
            let error: Vec<f64> = hv.iter().zip(&numeric).map(|(a, b)| a - b).collect();
            assert!(
                norm(&error) <= 1e-6 * norm(&hv).max(1e-3),
                "H·v off by {:e} (|H·v| = {:e})",
                norm(&error),
                norm(&hv)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::parse;

    #[test]
    fn lbfgs_reaches_the_rosenbrock_minimum_in_several_dimensions() {
        for spec in ["rosenbrock", "rosenbrock:dim=6", "beale"] {
            let problem = parse(spec).unwrap().config.build(1).unwrap();
            let known = problem.optimum().unwrap();
            let s = lbfgs(problem.as_ref(), problem.initial_params(1), 2000);
            assert!(
                matches!(s.stop, Stop::Converged | Stop::Stalled),
                "{spec}: {s:?}"
            );
            assert!(s.gradient_norm <= 1e-8, "{spec}: {s:?}");
            assert!((s.loss - known.loss).abs() <= 1e-14, "{spec}: {s:?}");
            let x = known.params.as_ref().unwrap();
            for (a, b) in s.params.iter().zip(x) {
                assert!((a - b).abs() <= 1e-6, "{spec}: {:?} vs {x:?}", s.params);
            }
        }
    }

    #[test]
    fn wolfe_steps_satisfy_both_conditions() {
        // Along the steepest-descent line of rosenbrock from (−1.2, 1), for starting steps
        // too short, about right and far too long.
        let problem = parse("rosenbrock").unwrap().config.build(1).unwrap();
        let mut objective = FullBatch::new(problem.as_ref());
        let x = [-1.2, 1.0];
        let mut g = [0.0; 2];
        let f0 = objective.loss_grad(&x, &mut g);
        let d = [-g[0], -g[1]];
        let slope0 = dot(&g, &d);
        for t0 in [1e-6, 1e-3, 1.0, 100.0] {
            let mut trial = Trial::new(2);
            let f = trial.wolfe(&mut objective, &x, f0, slope0, &d, t0).unwrap();
            let t = (trial.x[0] - x[0]) / d[0];
            assert!(f <= f0 + C1 * t * slope0, "t0 {t0}: no sufficient decrease");
            assert!(
                dot(&trial.g, &d).abs() <= -C2 * slope0,
                "t0 {t0}: curvature"
            );
            assert_eq!(f, problem.loss(&trial.x, &[0], &mut Workspace::new()));
        }
    }

    #[test]
    fn best_of_keeps_the_lowest_start() {
        // Rastrigin: every start ends in a different local minimum.
        let problem = parse("rastrigin:dim=3").unwrap().config.build(1).unwrap();
        let starts: Vec<Vec<f64>> = (0..4).map(|k| problem.initial_params(k)).collect();
        let single: Vec<f64> = starts
            .iter()
            .map(|s| lbfgs(problem.as_ref(), s.clone(), 500).loss)
            .collect();
        let best = best_of(problem.as_ref(), starts, 500, 0).unwrap();
        let lowest = single.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(best.loss, lowest, "{single:?}");
        assert!(best_of(problem.as_ref(), Vec::<Vec<f64>>::new(), 10, 10).is_none());
    }

    #[test]
    fn solved_needs_a_small_gradient_and_a_minimizer() {
        let at = |gradient_norm, stop| Solution {
            params: vec![0.0],
            loss: 0.5,
            gradient_norm,
            stop,
            iterations: 1,
            evaluations: 1,
        };
        assert!(at(1e-3, Stop::Converged).solved());
        assert!(at(1e-9, Stop::Stalled).solved());
        assert!(!at(1e-6, Stop::Stalled).solved());
        assert!(!at(1e-6, Stop::IterationCap).solved());
        assert!(!at(0.0, Stop::Separated).solved());
        let o = at(1e-6, Stop::IterationCap).into_convex_optimum();
        assert_eq!(o.kind, OptimumKind::Estimate);
        assert_eq!(o.gradient_norm, Some(1e-6));
        assert_eq!(
            at(1e-12, Stop::Converged).into_convex_optimum().kind,
            OptimumKind::Solved
        );
    }
}
