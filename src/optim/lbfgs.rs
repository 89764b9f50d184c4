//! `lbfgs`: exactly `torch.optim.LBFGS` (limited-memory BFGS, optionally with torch's
//! strong-Wolfe line search), single parameter group, `maximize=False`.
//!
//! One optbench [`Optimizer::step`] is one torch `opt.step(closure)`: up to `max_iter` inner
//! iterations and `max_eval` function evaluations.
//!
//! ```text
//! f, g = closure(x)                          (every step starts with one evaluation)
//! stop if max|g| ≤ tolerance_grad
//! repeat up to max_iter times:
//!   first iteration ever: d = −g, H = 1
//!   otherwise: y = g − g_prev, s = t·d; if y·s > 1e-10 keep (y, s) (at most history_size
//!              pairs) and set H = y·s / y·y; d = −(two-loop recursion)(g), scaled by H
//!   g_prev = g, f_prev = f
//!   t = lr·min(1, 1/Σ|g|) on the first iteration ever, lr otherwise
//!   stop if g·d > −tolerance_change
//!   line_search_fn=none:         x += t·d; f, g = closure(x) unless this is the last iteration
//!   line_search_fn=strong_wolfe: t, f, g = torch's _strong_wolfe from t (cubic interpolation,
//!                                c1 = 1e-4, c2 = 0.9, at most max_eval − evaluations so far
//!                                trials); x += t·d
//!   stop after max_iter iterations or max_eval evaluations, if max|g| ≤ tolerance_grad,
//!   max|t·d| ≤ tolerance_change or |f − f_prev| < tolerance_change
//! ```
//!
//! State carries over between steps as in torch (direction, step, curvature pairs, previous
//! gradient and loss), so a later step continues the quasi-Newton model; torch's quirks are
//! kept too (a step that stops on `g·d` still stores the unused direction, whose `t·d` enters
//! the next curvature pair).
//!
//! Evaluations: every closure call torch would make is one
//! [`Objective::loss_gradient`], so the counting objective charges exactly what a torch user's
//! closure would compute, including the evaluation at the start of each step at the point the
//! previous step ended on. The lr is read at the start of each step, so a schedule scales torch's
//! step length `t` (the first-iteration guess and every later one, which is the line search's
//! initial trial when `strong_wolfe` is on), as a torch scheduler changing `lr` would.
//!
//! Arithmetic follows torch's order of operations: `x + t·d` and the two-loop updates round once
//! (torch's fused `add(alpha=)`), and the line search and cubic interpolation evaluate torch's
//! formulas term by term with Python's `min`/`max` semantics. Dot products and sums are summed
//! in index order; torch hands them to BLAS, whose order for more than two coordinates is its
//! own, so those agree to rounding rather than bit for bit.
//!
//! L-BFGS assumes the same deterministic function at every evaluation: the grid runs it with
//! the full batch only ([`OptimizerConfig::full_batch_only`]). Its curvature pairs are allocated
//! as they arrive (up to `history_size` of them), then reused.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Method, Objective, Optimizer, OptimizerConfig, add_scaled};
use crate::spec::{EntryInfo, Key, Range};

/// Why the grid runs `lbfgs` with the full batch only.
pub(super) const FULL_BATCH: &str = "lbfgs is a full-batch method: its line search and curvature pairs assume one deterministic objective";

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "lbfgs",
    summary: "limited-memory BFGS: up to max_iter iterations per step, optional strong-Wolfe line search; full batch only",
    reference: "torch.optim.LBFGS",
    keys: &[
        Key::float(
            "lr",
            1.0,
            Range::POSITIVE,
            "learning rate: scales every step length t",
        ),
        Key::int(
            "max_iter",
            20,
            1,
            100_000,
            "inner iterations per step at most",
        ),
        Key::derived(
            "max_eval",
            "max_iter·5/4",
            Range::Int {
                min: 1,
                max: 1_000_000,
            },
            "function evaluations per step at most",
        ),
        Key::float(
            "tolerance_grad",
            1e-7,
            Range::NON_NEGATIVE,
            "stop when max|g| is at most this",
        ),
        Key::float(
            "tolerance_change",
            1e-9,
            Range::NON_NEGATIVE,
            "stop when the step, the loss change or g·d falls below this",
        ),
        Key::int("history_size", 100, 1, 100_000, "curvature pairs kept"),
        Key::choice(
            "line_search_fn",
            "none",
            &["none", "strong_wolfe"],
            "none: fixed step t; strong_wolfe: torch's strong-Wolfe line search",
        ),
    ],
};

/// torch's `line_search_fn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineSearchFn {
    /// `None` in torch: a fixed step of length t.
    #[serde(rename = "none")]
    Fixed,
    /// `"strong_wolfe"`.
    #[serde(rename = "strong_wolfe")]
    StrongWolfe,
}

/// Configuration of [`Lbfgs`]; defaults are torch's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbfgsConfig {
    /// Learning rate, > 0 (default 1).
    pub lr: f64,
    /// Inner iterations per step, ≥ 1 (default 20).
    pub max_iter: u32,
    /// Evaluations per step, ≥ 1 (default: max_iter·5/4, rounded down, as torch).
    pub max_eval: Option<u32>,
    /// First-order optimality tolerance (default 1e-7).
    pub tolerance_grad: f64,
    /// Tolerance on changes of x, f and the directional derivative (default 1e-9).
    pub tolerance_change: f64,
    /// Curvature pairs kept, ≥ 1 (default 100).
    pub history_size: u32,
    /// Line search (default none).
    pub line_search_fn: LineSearchFn,
}

impl Default for LbfgsConfig {
    fn default() -> Self {
        LbfgsConfig {
            lr: 1.0,
            max_iter: 20,
            max_eval: None,
            tolerance_grad: 1e-7,
            tolerance_change: 1e-9,
            history_size: 100,
            line_search_fn: LineSearchFn::Fixed,
        }
    }
}

impl LbfgsConfig {
    /// The evaluation budget of one step (torch: `max_iter * 5 // 4` when not given).
    pub fn max_eval(&self) -> usize {
        self.max_eval
            .map_or(self.max_iter as usize * 5 / 4, |m| m as usize)
    }
}

impl OptimizerConfig for LbfgsConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn full_batch_only(&self) -> Option<&'static str> {
        Some(FULL_BATCH)
    }

    fn method(&self, dim: usize, _seed: u64) -> Method {
        Method::Custom(Box::new(Lbfgs::new(self.clone(), dim)))
    }
}

/// L-BFGS state: torch's `state` (direction, step, curvature pairs, previous gradient and loss,
/// iteration count) and scratch buffers.
#[derive(Debug, Clone)]
pub struct Lbfgs {
    config: LbfgsConfig,
    /// torch's `state["n_iter"]`: inner iterations over all steps.
    n_iter: u64,
    d: Vec<f64>,
    t: f64,
    /// Curvature pairs (y, s, 1/y·s), oldest first.
    old_dirs: VecDeque<Vec<f64>>,
    old_stps: VecDeque<Vec<f64>>,
    ro: VecDeque<f64>,
    al: Vec<f64>,
    h_diag: f64,
    prev_flat_grad: Vec<f64>,
    prev_loss: f64,
    flat_grad: Vec<f64>,
    y: Vec<f64>,
    s: Vec<f64>,
    search: Search,
}

impl Lbfgs {
    /// L-BFGS for `dim` parameters.
    pub fn new(config: LbfgsConfig, dim: usize) -> Self {
        Lbfgs {
            al: vec![0.0; config.history_size as usize],
            config,
            n_iter: 0,
            d: vec![0.0; dim],
            t: 0.0,
            old_dirs: VecDeque::new(),
            old_stps: VecDeque::new(),
            ro: VecDeque::new(),
            h_diag: 1.0,
            prev_flat_grad: vec![0.0; dim],
            prev_loss: 0.0,
            flat_grad: vec![0.0; dim],
            y: vec![0.0; dim],
            s: vec![0.0; dim],
            search: Search::new(dim),
        }
    }

    /// Updates the curvature pairs from the last move and sets `d` to the two-loop direction.
    fn lbfgs_direction(&mut self) {
        let t = self.t;
        for i in 0..self.d.len() {
            self.y[i] = self.flat_grad[i] - self.prev_flat_grad[i];
            self.s[i] = self.d[i] * t;
        }
        let ys = dot(&self.y, &self.s);
        if ys > 1e-10 {
            let (mut y, mut s) = if self.old_dirs.len() == self.config.history_size as usize {
                self.ro.pop_front();
                let y = self.old_dirs.pop_front().expect("history is full");
                let s = self.old_stps.pop_front().expect("history is full");
                (y, s)
            } else {
                (vec![0.0; self.y.len()], vec![0.0; self.s.len()])
            };
            y.copy_from_slice(&self.y);
            s.copy_from_slice(&self.s);
            self.old_dirs.push_back(y);
            self.old_stps.push_back(s);
            self.ro.push_back(1.0 / ys);
            self.h_diag = ys / dot(&self.y, &self.y);
        }
        // The two-loop recursion with one buffer, as torch: q = −g, then r = H·q in place.
        let q = &mut self.d;
        for (q, g) in q.iter_mut().zip(&self.flat_grad) {
            *q = -g;
        }
        let num_old = self.old_dirs.len();
        for i in (0..num_old).rev() {
            let al = dot(&self.old_stps[i], q) * self.ro[i];
            self.al[i] = al;
            for (q, y) in q.iter_mut().zip(&self.old_dirs[i]) {
                *q = add_scaled(*q, -al, *y);
            }
        }
        for q in q.iter_mut() {
            *q *= self.h_diag;
        }
        for i in 0..num_old {
            let be_i = dot(&self.old_dirs[i], q) * self.ro[i];
            let alpha = self.al[i] - be_i;
            for (r, s) in q.iter_mut().zip(&self.old_stps[i]) {
                *r = add_scaled(*r, alpha, *s);
            }
        }
    }
}

impl Optimizer for Lbfgs {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        let LbfgsConfig {
            max_iter,
            tolerance_grad,
            tolerance_change,
            line_search_fn,
            ..
        } = self.config;
        let max_eval = self.config.max_eval();
        let mut loss = objective.loss_gradient(params, &mut self.flat_grad);
        let mut current_evals = 1;
        if abs_max(&self.flat_grad) <= tolerance_grad {
            return;
        }
        let mut n_iter = 0;
        while n_iter < max_iter {
            n_iter += 1;
            self.n_iter += 1;
            if self.n_iter == 1 {
                for (d, g) in self.d.iter_mut().zip(&self.flat_grad) {
                    *d = -g;
                }
                self.old_dirs.clear();
                self.old_stps.clear();
                self.ro.clear();
                self.h_diag = 1.0;
            } else {
                self.lbfgs_direction();
            }
            self.prev_flat_grad.copy_from_slice(&self.flat_grad);
            self.prev_loss = loss;

            self.t = if self.n_iter == 1 {
                // Python's min(1.0, 1/Σ|g|): 1 unless the other is smaller.
                let inv = 1.0 / self.flat_grad.iter().map(|g| g.abs()).sum::<f64>();
                (if inv < 1.0 { inv } else { 1.0 }) * lr
            } else {
                lr
            };
            let gtd = dot(&self.flat_grad, &self.d);
            if gtd > -tolerance_change {
                break;
            }

            let mut opt_cond = false;
            let ls_func_evals;
            match line_search_fn {
                LineSearchFn::StrongWolfe => {
                    let max_ls = max_eval - current_evals;
                    let found = self.search.strong_wolfe(
                        objective,
                        params,
                        self.t,
                        &self.d,
                        loss,
                        &mut self.flat_grad,
                        gtd,
                        tolerance_change,
                        max_ls,
                    );
                    (loss, self.t, ls_func_evals) = found;
                    for (x, d) in params.iter_mut().zip(&self.d) {
                        *x = add_scaled(*x, self.t, *d);
                    }
                    opt_cond = abs_max(&self.flat_grad) <= tolerance_grad;
                }
                LineSearchFn::Fixed => {
                    for (x, d) in params.iter_mut().zip(&self.d) {
                        *x = add_scaled(*x, self.t, *d);
                    }
                    if n_iter != max_iter {
                        loss = objective.loss_gradient(params, &mut self.flat_grad);
                        opt_cond = abs_max(&self.flat_grad) <= tolerance_grad;
                        ls_func_evals = 1;
                    } else {
                        ls_func_evals = 0;
                    }
                }
            }
            current_evals += ls_func_evals;

            if n_iter == max_iter || current_evals >= max_eval || opt_cond {
                break;
            }
            let t = self.t;
            if abs_max_by(&self.d, |d| d * t) <= tolerance_change {
                break;
            }
            if (loss - self.prev_loss).abs() < tolerance_change {
                break;
            }
        }
    }
}

/// Σ a_i·b_i in index order.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (a, b)| s + a * b)
}

/// torch's `v.abs().max()`: NaN if any value is NaN.
fn abs_max(v: &[f64]) -> f64 {
    abs_max_by(v, |x| x)
}

/// max |f(v_i)|, NaN if any is NaN.
fn abs_max_by(v: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    v.iter()
        .fold(f64::NEG_INFINITY, |m, &x| super::maximum(m, f(x).abs()))
}

/// Python's `max(a, b)`: `a` unless `b > a`.
fn py_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

/// Python's `min(a, b)`: `a` unless `b < a`.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// torch's `_cubic_interpolate`: the minimizer of the cubic through (x1, f1, g1) and
/// (x2, f2, g2), clamped to `bounds` (default: the interval between the points); the midpoint
/// of the bounds when the cubic has no real minimizer.
fn cubic_interpolate(
    (x1, f1, g1): (f64, f64, f64),
    (x2, f2, g2): (f64, f64, f64),
    bounds: Option<(f64, f64)>,
) -> f64 {
    let (xmin_bound, xmax_bound) = bounds.unwrap_or(if x1 <= x2 { (x1, x2) } else { (x2, x1) });
    let d1 = g1 + g2 - 3.0 * (f1 - f2) / (x1 - x2);
    let d2_square = d1 * d1 - g1 * g2;
    if d2_square >= 0.0 {
        let d2 = d2_square.sqrt();
        let min_pos = if x1 <= x2 {
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2.0 * d2))
        } else {
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2.0 * d2))
        };
        py_min(py_max(min_pos, xmin_bound), xmax_bound)
    } else {
        (xmin_bound + xmax_bound) / 2.0
    }
}

/// One end of the line-search bracket: step, loss, gradient (in `Search::bracket_g`) and
/// directional derivative.
#[derive(Debug, Clone, Copy)]
struct End {
    t: f64,
    f: f64,
    gtd: f64,
}

/// Buffers of torch's `_strong_wolfe`, allocated once.
#[derive(Debug, Clone)]
struct Search {
    probe: Vec<f64>,
    g_new: Vec<f64>,
    g_prev: Vec<f64>,
    bracket_g: [Vec<f64>; 2],
}

impl Search {
    fn new(dim: usize) -> Self {
        Search {
            probe: vec![0.0; dim],
            g_new: vec![0.0; dim],
            g_prev: vec![0.0; dim],
            bracket_g: [vec![0.0; dim], vec![0.0; dim]],
        }
    }

    /// f and its gradient (into `g_new`) at x + t·d, as torch's `_directional_evaluate`.
    fn evaluate(&mut self, objective: &mut dyn Objective, x: &[f64], t: f64, d: &[f64]) -> f64 {
        for ((p, x), d) in self.probe.iter_mut().zip(x).zip(d) {
            *p = add_scaled(*x, t, *d);
        }
        objective.loss_gradient(&self.probe, &mut self.g_new)
    }

    /// torch's `_strong_wolfe` (c1 = 1e-4, c2 = 0.9) from x along d, starting at step t, with
    /// f, g (overwritten with the result's gradient) and gtd = g·d at x. Returns the loss, the
    /// step and the number of evaluations.
    #[allow(clippy::too_many_arguments)]
    fn strong_wolfe(
        &mut self,
        objective: &mut dyn Objective,
        x: &[f64],
        mut t: f64,
        d: &[f64],
        f: f64,
        g: &mut [f64],
        gtd: f64,
        tolerance_change: f64,
        max_ls: usize,
    ) -> (f64, f64, usize) {
        const C1: f64 = 1e-4;
        const C2: f64 = 0.9;
        let d_norm = abs_max(d);
        let mut f_new = self.evaluate(objective, x, t, d);
        let mut ls_func_evals = 1;
        let mut gtd_new = dot(&self.g_new, d);

        let mut prev = End { t: 0.0, f, gtd };
        self.g_prev.copy_from_slice(g);
        let mut done = false;
        let mut ls_iter = 0;
        // The bracket; `single` when the first phase ended on a point meeting the conditions.
        let mut bracket = [prev, prev];
        let mut single = false;
        let mut bracketed = false;
        while ls_iter < max_ls {
            let new = End {
                t,
                f: f_new,
                gtd: gtd_new,
            };
            if f_new > f + C1 * t * gtd || (ls_iter > 1 && f_new >= prev.f) {
                bracketed = true;
            } else if gtd_new.abs() <= -C2 * gtd {
                bracket[0] = new;
                self.bracket_g[0].copy_from_slice(&self.g_new);
                single = true;
                done = true;
                break;
            } else if gtd_new >= 0.0 {
                bracketed = true;
            }
            if bracketed {
                bracket = [prev, new];
                self.bracket_g[0].copy_from_slice(&self.g_prev);
                self.bracket_g[1].copy_from_slice(&self.g_new);
                break;
            }
            // Interpolate beyond t.
            let min_step = t + 0.01 * (t - prev.t);
            let max_step = t * 10.0;
            t = cubic_interpolate(
                (prev.t, prev.f, prev.gtd),
                (t, f_new, gtd_new),
                Some((min_step, max_step)),
            );
            prev = new;
            self.g_prev.copy_from_slice(&self.g_new);
            f_new = self.evaluate(objective, x, t, d);
            ls_func_evals += 1;
            gtd_new = dot(&self.g_new, d);
            ls_iter += 1;
        }
        if ls_iter == max_ls {
            // torch: bracket = [0, t] (its derivatives are never read: no zoom follows).
            bracket = [
                End { t: 0.0, f, gtd },
                End {
                    t,
                    f: f_new,
                    gtd: gtd_new,
                },
            ];
            self.bracket_g[0].copy_from_slice(g);
            self.bracket_g[1].copy_from_slice(&self.g_new);
            single = false;
        }

        // Zoom.
        let mut insuf_progress = false;
        let order = |b: &[End; 2]| if b[0].f <= b[1].f { (0, 1) } else { (1, 0) };
        let (mut low, mut high) = if single { (0, 1) } else { order(&bracket) };
        while !done && ls_iter < max_ls {
            if (bracket[1].t - bracket[0].t).abs() * d_norm < tolerance_change {
                break;
            }
            t = cubic_interpolate(
                (bracket[0].t, bracket[0].f, bracket[0].gtd),
                (bracket[1].t, bracket[1].f, bracket[1].gtd),
                None,
            );
            // Python's max(bracket) and min(bracket) of the two-element list.
            let b_max = py_max(bracket[0].t, bracket[1].t);
            let b_min = py_min(bracket[0].t, bracket[1].t);
            let eps = 0.1 * (b_max - b_min);
            if py_min(b_max - t, t - b_min) < eps {
                if insuf_progress || t >= b_max || t <= b_min {
                    t = if (t - b_max).abs() < (t - b_min).abs() {
                        b_max - eps
                    } else {
                        b_min + eps
                    };
                    insuf_progress = false;
                } else {
                    insuf_progress = true;
                }
            } else {
                insuf_progress = false;
            }

            f_new = self.evaluate(objective, x, t, d);
            ls_func_evals += 1;
            gtd_new = dot(&self.g_new, d);
            ls_iter += 1;
            let new = End {
                t,
                f: f_new,
                gtd: gtd_new,
            };

            if f_new > f + C1 * t * gtd || f_new >= bracket[low].f {
                bracket[high] = new;
                self.bracket_g[high].copy_from_slice(&self.g_new);
                (low, high) = order(&bracket);
            } else {
                if gtd_new.abs() <= -C2 * gtd {
                    done = true;
                } else if gtd_new * (bracket[high].t - bracket[low].t) >= 0.0 {
                    bracket[high] = bracket[low];
                    let [a, b] = &mut self.bracket_g;
                    if high == 0 {
                        a.copy_from_slice(b);
                    } else {
                        b.copy_from_slice(a);
                    }
                }
                bracket[low] = new;
                self.bracket_g[low].copy_from_slice(&self.g_new);
            }
        }
        g.copy_from_slice(&self.bracket_g[low]);
        (bracket[low].f, bracket[low].t, ls_func_evals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::testing::{Quadratic, assert_close};

    /// Counts loss-gradient calls; L-BFGS asks for nothing else.
    struct Counted(Quadratic, usize);
    impl Objective for Counted {
        fn dim(&self) -> usize {
            self.0.dim()
        }
        fn loss(&mut self, _: &[f64]) -> f64 {
            panic!("lbfgs asks for losses with gradients")
        }
        fn gradient(&mut self, _: &[f64], _: &mut [f64]) {
            panic!("lbfgs asks for losses with gradients")
        }
        fn loss_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
            self.1 += 1;
            self.0.gradient(x, grad);
            self.0.loss(x)
        }
    }

    fn config(line_search_fn: LineSearchFn) -> LbfgsConfig {
        LbfgsConfig {
            line_search_fn,
            ..LbfgsConfig::default()
        }
    }

    /// f = ½x², x0 = 2, no line search: the first iteration steps t = min(1, 1/2) along −g = −2
    /// to x = 1; the second has y = −1, s = −1, H = 1, so d = −1 and t = 1 reaches 0, where the
    /// gradient vanishes and the step stops: three evaluations.
    #[test]
    fn one_dimensional_quadratic_by_hand() {
        let mut obj = Counted(Quadratic(vec![1.0]), 0);
        let mut opt = Lbfgs::new(config(LineSearchFn::Fixed), 1);
        let mut x = [2.0];
        opt.step(&mut x, &mut obj, 1.0);
        assert_eq!(x, [0.0]);
        assert_eq!(obj.1, 3);
        // At the optimum a step evaluates once and stops.
        opt.step(&mut x, &mut obj, 1.0);
        assert_eq!(obj.1, 4);
    }

    /// max_iter = 1 without line search: one move, no evaluation after it (torch skips the
    /// re-evaluation on the last iteration), so each step costs one evaluation.
    #[test]
    fn last_iteration_is_not_re_evaluated() {
        let mut obj = Counted(Quadratic(vec![1.0, 4.0]), 0);
        let c = LbfgsConfig {
            max_iter: 1,
            ..LbfgsConfig::default()
        };
        let mut opt = Lbfgs::new(c, 2);
        let mut x = [1.0, 1.0];
        for k in 1..=3 {
            opt.step(&mut x, &mut obj, 1.0);
            assert_eq!(obj.1, k);
        }
        assert!(x[0].abs() < 1.0 && x[1].abs() < 1.0, "{x:?}");
    }

    /// A quadratic's cubic interpolation is exact: from f(0) = 0, f'(0) = −1 and
    /// f(2) = 0, f'(2) = 1 (f = ½(t − 1)² − ½) the minimizer is 1.
    #[test]
    fn cubic_interpolation_finds_a_parabolas_minimum() {
        assert_close(
            cubic_interpolate((0.0, 0.0, -1.0), (2.0, 0.0, 1.0), None),
            1.0,
        );
        assert_close(
            cubic_interpolate((2.0, 0.0, 1.0), (0.0, 0.0, -1.0), None),
            1.0,
        );
        // Clamped to the bounds, and the midpoint when the cubic has no minimizer.
        assert_eq!(
            cubic_interpolate((0.0, 0.0, -1.0), (2.0, 0.0, 1.0), Some((1.5, 3.0))),
            1.5
        );
        assert_eq!(
            cubic_interpolate((0.0, 0.0, 1.0), (1.0, 0.5, 1.0), Some((2.0, 4.0))),
            3.0
        );
    }

    /// With the strong-Wolfe search, an ill-conditioned quadratic is solved in a few steps,
    /// each within about max_eval evaluations (torch's search may overrun by one).
    #[test]
    fn strong_wolfe_solves_a_quadratic() {
        let mut obj = Counted(Quadratic(vec![1.0, 10.0, 100.0]), 0);
        let mut opt = Lbfgs::new(config(LineSearchFn::StrongWolfe), 3);
        let mut x = [1.0, 1.0, 1.0];
        for _ in 0..3 {
            let before = obj.1;
            opt.step(&mut x, &mut obj, 1.0);
            assert!(obj.1 - before <= 26, "{}", obj.1 - before);
        }
        assert!(obj.0.loss(&x) < 1e-10, "{x:?} {}", obj.0.loss(&x));
    }

    #[test]
    fn max_eval_defaults_to_torchs() {
        assert_eq!(LbfgsConfig::default().max_eval(), 25);
        let c = LbfgsConfig {
            max_iter: 3,
            ..LbfgsConfig::default()
        };
        assert_eq!(c.max_eval(), 3);
    }
}
