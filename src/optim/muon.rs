//! `muon`: `torch.optim.Muon` (torch 2.15) on every weight matrix of the problem's layout, and
//! `torch.optim.AdamW` on every other tensor (biases, a landscape's vector), as torch's
//! documentation prescribes (Muon only accepts 2-D parameters).
//!
//! Per matrix G (rows × cols), with lr the scheduled lr and μ the momentum:
//! ```text
//! B  = lerp(B, G, 1 − μ)                    (the momentum buffer, B₀ = 0)
//! U  = lerp(G, B, μ) if nesterov else B
//! O  = NS_k(U)                              (Newton–Schulz: k steps toward U's orthogonal factor)
//! x ← x·(1 − lr·weight_decay)
//! x ← x − adjust(lr, rows, cols)·O
//! ```
//! NS transposes a tall matrix, divides by max(‖X‖_F, eps), then repeats
//! `A = X·Xᵀ;  B = b·A + c·A·A;  X = a·X + B·X` with (a, b, c) = (ns_a, ns_b, ns_c).
//! `adjust`: `original` (torch's default) lr·√max(1, rows/cols); `match_rms_adamw`
//! 0.2·lr·√max(rows, cols); `spectral_unclamped` lr·√(rows/cols).
//!
//! torch runs NS in bfloat16 whatever the parameters' dtype. With `ns_bf16=true` (the
//! default) every NS result is rounded to bfloat16 as torch does (inputs rounded f64 → f32 →
//! bf16, products summed in f32 in order, each operation's result rounded once to bf16): on the
//! parity fixtures' matrices this reproduces torch's bfloat16 trajectories to 1e-9. On much
//! larger matrices torch's CPU matrix kernel sums in blocks of its own, and an element can
//! then land one bf16 step (2⁻⁸ relative) from torch's. `ns_bf16=false` runs the same
//! iteration in f64 (torch's algorithm at the parameters' precision; also checked to 1e-9).
//!
//! The other tensors get AdamW at `adamw_lr_ratio`·lr (torch's documentation pairs Muon at
//! 0.02 with AdamW at 3e-4: ratio 0.015), with the AdamW keys below; the canonical spec string
//! states them all.

use serde::{Deserialize, Serialize};

use super::adam::{Adam, AdamConfig};
use super::{Layout, Method, Objective, Optimizer, OptimizerConfig, UpdateRule, add_scaled, lerp};
use crate::spec::{EntryInfo, Key, Range};

const ADJUST: [&str; 3] = ["original", "match_rms_adamw", "spectral_unclamped"];

pub(super) const ENTRY: EntryInfo = EntryInfo {
    name: "muon",
    summary: "orthogonalized momentum on weight matrices (AdamW on the other tensors)",
    reference: "torch.optim.Muon; torch.optim.AdamW for non-matrix tensors",
    keys: &[
        Key::float("lr", 1e-3, Range::POSITIVE, "learning rate of the matrices"),
        Key::float(
            "weight_decay",
            0.1,
            Range::NON_NEGATIVE,
            "decoupled decay of the matrices: x is multiplied by 1 - lr·weight_decay",
        ),
        Key::float(
            "momentum",
            0.95,
            Range::UNIT_HALF_OPEN,
            "EMA coefficient of the momentum buffer",
        ),
        Key::bool("nesterov", true, "orthogonalize lerp(g, buffer, momentum)"),
        Key::int("ns_steps", 5, 1, 99, "Newton–Schulz iterations"),
        Key::float("ns_a", 3.4445, Range::REAL, "Newton–Schulz coefficient a"),
        Key::float("ns_b", -4.775, Range::REAL, "Newton–Schulz coefficient b"),
        Key::float("ns_c", 2.0315, Range::REAL, "Newton–Schulz coefficient c"),
        Key::float(
            "eps",
            1e-7,
            Range::NON_NEGATIVE,
            "floor of the Frobenius norm that NS divides by",
        ),
        Key::choice(
            "adjust_lr",
            "original",
            &ADJUST,
            "learning-rate scaling by the matrix shape",
        ),
        Key::bool(
            "ns_bf16",
            true,
            "round Newton–Schulz to bfloat16 as torch does (false: f64)",
        ),
        Key::float(
            "adamw_lr_ratio",
            0.015,
            Range::POSITIVE,
            "AdamW's lr on the non-matrix tensors, as a multiple of lr",
        ),
        Key::float(
            "adamw_beta1",
            0.9,
            Range::UNIT_HALF_OPEN,
            "AdamW's first-moment coefficient",
        ),
        Key::float(
            "adamw_beta2",
            0.999,
            Range::UNIT_HALF_OPEN,
            "AdamW's second-moment coefficient",
        ),
        Key::float("adamw_eps", 1e-8, Range::NON_NEGATIVE, "AdamW's eps"),
        Key::float(
            "adamw_weight_decay",
            0.01,
            Range::NON_NEGATIVE,
            "AdamW's decoupled weight decay",
        ),
    ],
};

/// How Muon scales its lr by the matrix shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustLr {
    /// lr·√max(1, rows/cols) (torch's default, Keller Jordan's original).
    Original,
    /// 0.2·lr·√max(rows, cols) (Moonshot's, to match AdamW's update RMS).
    MatchRmsAdamw,
    /// lr·√(rows/cols) (Bernstein's).
    SpectralUnclamped,
}

impl AdjustLr {
    fn apply(self, lr: f64, rows: usize, cols: usize) -> f64 {
        let (a, b) = (rows as f64, cols as f64);
        let ratio = match self {
            AdjustLr::Original => 1f64.max(a / b).sqrt(),
            AdjustLr::MatchRmsAdamw => 0.2 * a.max(b).sqrt(),
            AdjustLr::SpectralUnclamped => (a / b).sqrt(),
        };
        lr * ratio
    }
}

/// Configuration of [`Muon`]; Muon's defaults are torch's, AdamW's are torch's but for the
/// lr ratio, which follows torch's documentation example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuonConfig {
    /// Learning rate of the matrices, > 0 (default 1e-3).
    pub lr: f64,
    /// Decoupled weight decay of the matrices (default 0.1).
    pub weight_decay: f64,
    /// Momentum in [0, 1) (default 0.95).
    pub momentum: f64,
    /// Nesterov momentum (default true).
    pub nesterov: bool,
    /// Newton–Schulz iterations (default 5).
    pub ns_steps: usize,
    /// Newton–Schulz coefficients (defaults 3.4445, −4.775, 2.0315).
    pub ns_a: f64,
    /// See `ns_a`.
    pub ns_b: f64,
    /// See `ns_a`.
    pub ns_c: f64,
    /// Floor of the norm NS divides by (default 1e-7).
    pub eps: f64,
    /// Shape scaling of the lr (default original).
    pub adjust_lr: AdjustLr,
    /// Round NS to bfloat16 as torch does (default true).
    pub ns_bf16: bool,
    /// AdamW's lr as a multiple of lr (default 0.015).
    pub adamw_lr_ratio: f64,
    /// AdamW's β1 (default 0.9).
    pub adamw_beta1: f64,
    /// AdamW's β2 (default 0.999).
    pub adamw_beta2: f64,
    /// AdamW's eps (default 1e-8).
    pub adamw_eps: f64,
    /// AdamW's decoupled weight decay (default 0.01).
    pub adamw_weight_decay: f64,
}

impl OptimizerConfig for MuonConfig {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn method(&self, dim: usize, seed: u64) -> Method {
        self.method_for(&Layout::flat(dim), seed)
    }

    fn method_for(&self, layout: &Layout, _seed: u64) -> Method {
        Method::Custom(Box::new(Muon::new(self.clone(), layout)))
    }

    fn uses_shapes(&self) -> bool {
        true
    }
}

/// One tensor's part of the method.
enum Part {
    /// A matrix under Muon: its momentum buffer.
    Matrix {
        rows: usize,
        cols: usize,
        buffer: Vec<f64>,
    },
    /// Any other tensor under AdamW.
    Other(Box<Adam>),
}

/// Muon state: one `Part` per tensor of the layout, the gradient and NS work buffers.
pub struct Muon {
    config: MuonConfig,
    parts: Vec<(std::ops::Range<usize>, Part)>,
    grad: Vec<f64>,
    ns: NewtonSchulz,
}

impl Muon {
    /// Muon for parameters cut as `layout`.
    pub fn new(config: MuonConfig, layout: &Layout) -> Self {
        let adamw = AdamConfig {
            lr: config.lr * config.adamw_lr_ratio,
            beta1: config.adamw_beta1,
            beta2: config.adamw_beta2,
            eps: config.adamw_eps,
            weight_decay: config.adamw_weight_decay,
            amsgrad: false,
        };
        let mut largest = (0, 0);
        let parts = layout
            .groups()
            .iter()
            .map(|g| {
                let part = match g.matrix() {
                    Some((rows, cols)) => {
                        let (short, long) = (rows.min(cols), rows.max(cols));
                        largest = (largest.0.max(short), largest.1.max(long));
                        Part::Matrix {
                            rows,
                            cols,
                            buffer: vec![0.0; rows * cols],
                        }
                    }
                    None => Part::Other(Box::new(Adam::new(adamw.clone(), true, g.len()))),
                };
                (g.range(), part)
            })
            .collect();
        Muon {
            parts,
            grad: vec![0.0; layout.dim()],
            ns: NewtonSchulz::new(largest.0, largest.1),
            config,
        }
    }
}

impl Optimizer for Muon {
    fn step(&mut self, params: &mut [f64], objective: &mut dyn Objective, lr: f64) {
        objective.gradient(params, &mut self.grad);
        let c = &self.config;
        for (range, part) in &mut self.parts {
            let x = &mut params[range.clone()];
            let g = &mut self.grad[range.clone()];
            match part {
                Part::Other(adam) => adam.update(x, g, lr * c.adamw_lr_ratio),
                Part::Matrix { rows, cols, buffer } => {
                    let (rows, cols) = (*rows, *cols);
                    for (b, g) in buffer.iter_mut().zip(g.iter_mut()) {
                        *b = lerp(*b, *g, 1.0 - c.momentum);
                        // The update to orthogonalize, written over the gradient.
                        if c.nesterov {
                            *g = lerp(*g, *b, c.momentum);
                        } else {
                            *g = *b;
                        }
                    }
                    let o = self.ns.run(g, rows, cols, c);
                    let adjusted = c.adjust_lr.apply(lr, rows, cols);
                    let keep = 1.0 - lr * c.weight_decay;
                    for (x, &o) in x.iter_mut().zip(o) {
                        *x = add_scaled(*x * keep, -adjusted, o);
                    }
                }
            }
        }
    }
}

/// Rounds an f64 to bfloat16 the way torch converts a double (to f32 first, then to the
/// nearest bfloat16, ties to even), returned as f32.
fn bf16(x: f64) -> f32 {
    bf16_of_f32(x as f32)
}

/// Rounds an f32 to the nearest bfloat16 (ties to even), as f32.
fn bf16_of_f32(x: f32) -> f32 {
    if x.is_nan() {
        return x;
    }
    let bits = x.to_bits();
    let rounding = 0x7fff + ((bits >> 16) & 1);
    f32::from_bits(bits.wrapping_add(rounding) & 0xffff_0000)
}

/// Work buffers of the Newton–Schulz iteration, sized for the largest matrix (short × long
/// after the transpose of a tall one).
struct NewtonSchulz {
    x: Vec<f64>,
    next: Vec<f64>,
    gram: Vec<f64>,
    poly: Vec<f64>,
    out: Vec<f64>,
}

impl NewtonSchulz {
    fn new(short: usize, long: usize) -> Self {
        NewtonSchulz {
            x: vec![0.0; short * long],
            next: vec![0.0; short * long],
            gram: vec![0.0; short * short],
            poly: vec![0.0; short * short],
            out: vec![0.0; short * long],
        }
    }

    /// NS_k of the rows × cols matrix `u` (row-major), in `self.out` (row-major, same shape).
    fn run(&mut self, u: &[f64], rows: usize, cols: usize, c: &MuonConfig) -> &[f64] {
        let tall = rows > cols;
        let (m, n) = if tall { (cols, rows) } else { (rows, cols) };
        let x = &mut self.x[..m * n];
        for i in 0..m {
            for j in 0..n {
                x[i * n + j] = if tall { u[j * cols + i] } else { u[i * n + j] };
            }
        }
        if c.ns_bf16 {
            bf16_iteration(x, &mut self.next, &mut self.gram, &mut self.poly, m, n, c);
        } else {
            f64_iteration(x, &mut self.next, &mut self.gram, &mut self.poly, m, n, c);
        }
        let out = &mut self.out[..m * n];
        for i in 0..m {
            for j in 0..n {
                let v = self.x[i * n + j];
                if tall {
                    out[j * m + i] = v;
                } else {
                    out[i * n + j] = v;
                }
            }
        }
        &self.out[..rows * cols]
    }
}

/// The iteration in f64 on the m × n matrix `x` (m ≤ n), in place.
fn f64_iteration(
    x: &mut [f64],
    next: &mut [f64],
    gram: &mut [f64],
    poly: &mut [f64],
    m: usize,
    n: usize,
    c: &MuonConfig,
) {
    let norm = x.iter().map(|v| v * v).sum::<f64>().sqrt().max(c.eps);
    x.iter_mut().for_each(|v| *v /= norm);
    for _ in 0..c.ns_steps {
        // A = X·Xᵀ
        for i in 0..m {
            for j in 0..m {
                let mut s = 0.0;
                for k in 0..n {
                    s += x[i * n + k] * x[j * n + k];
                }
                gram[i * m + j] = s;
            }
        }
        // B = b·A + c·A·A
        for i in 0..m {
            for j in 0..m {
                let mut s = 0.0;
                for k in 0..m {
                    s += gram[i * m + k] * gram[k * m + j];
                }
                poly[i * m + j] = c.ns_b * gram[i * m + j] + c.ns_c * s;
            }
        }
        // X = a·X + B·X
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0;
                for k in 0..m {
                    s += poly[i * m + k] * x[k * n + j];
                }
                next[i * n + j] = c.ns_a * x[i * n + j] + s;
            }
        }
        x.copy_from_slice(&next[..m * n]);
    }
}

/// The iteration as torch runs it in bfloat16: values held in bf16, products summed in f32,
/// each operation's result rounded once to bf16. Kept in the f64 buffers (bf16 values are
/// exact there).
fn bf16_iteration(
    x: &mut [f64],
    next: &mut [f64],
    gram: &mut [f64],
    poly: &mut [f64],
    m: usize,
    n: usize,
    c: &MuonConfig,
) {
    let round = |v: f32| f64::from(bf16_of_f32(v));
    x.iter_mut().for_each(|v| *v = f64::from(bf16(*v)));
    // The norm of a bf16 tensor: squares summed in f32 (exact products), the root rounded
    // to bf16; the clamp and the division in bf16.
    let sq: f32 = x.iter().map(|&v| (v * v) as f32).sum();
    let norm = f64::from(bf16_of_f32(sq.sqrt())).max(f64::from(bf16(c.eps)));
    x.iter_mut()
        .for_each(|v| *v = round((*v as f32) / (norm as f32)));
    let (a, b, cc) = (c.ns_a as f32, c.ns_b as f32, c.ns_c as f32);
    for _ in 0..c.ns_steps {
        for i in 0..m {
            for j in 0..m {
                let mut s = 0f32;
                for k in 0..n {
                    s += (x[i * n + k] * x[j * n + k]) as f32;
                }
                gram[i * m + j] = round(s);
            }
        }
        for i in 0..m {
            for j in 0..m {
                let mut s = 0f32;
                for k in 0..m {
                    s += (gram[i * m + k] * gram[k * m + j]) as f32;
                }
                poly[i * m + j] = round(b * gram[i * m + j] as f32 + cc * s);
            }
        }
        for i in 0..m {
            for j in 0..n {
                let mut s = 0f32;
                for k in 0..m {
                    s += (poly[i * m + k] * x[k * n + j]) as f32;
                }
                next[i * n + j] = round(a * x[i * n + j] as f32 + s);
            }
        }
        x.copy_from_slice(&next[..m * n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::parse;

    fn defaults() -> MuonConfig {
        MuonConfig {
            lr: 1e-3,
            weight_decay: 0.1,
            momentum: 0.95,
            nesterov: true,
            ns_steps: 5,
            ns_a: 3.4445,
            ns_b: -4.775,
            ns_c: 2.0315,
            eps: 1e-7,
            adjust_lr: AdjustLr::Original,
            ns_bf16: true,
            adamw_lr_ratio: 0.015,
            adamw_beta1: 0.9,
            adamw_beta2: 0.999,
            adamw_eps: 1e-8,
            adamw_weight_decay: 0.01,
        }
    }

    #[test]
    fn bf16_rounds_to_nearest_even() {
        assert_eq!(bf16(1.0), 1.0);
        // 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties to the even 1.
        assert_eq!(bf16(1.0 + 2f64.powi(-8)), 1.0);
        assert_eq!(bf16(1.0 + 3.0 * 2f64.powi(-8)), 1.0 + 2f32.powi(-6));
        assert_eq!(bf16(-2.5e-3), -0.002_502_441_4);
    }

    /// NS drives the singular values of any full-rank matrix into a band around 1 (torch's
    /// coefficients overshoot to roughly [0.7, 1.2]), in f64 and in bf16.
    #[test]
    fn newton_schulz_orthogonalizes() {
        for bf16 in [false, true] {
            let c = MuonConfig {
                ns_bf16: bf16,
                ..defaults()
            };
            let (rows, cols) = (3, 5);
            let u: Vec<f64> = (0..rows * cols)
                .map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.3 + if i % 6 == 0 { 2.0 } else { 0.0 })
                .collect();
            let mut ns = NewtonSchulz::new(rows, cols);
            let o = ns.run(&u, rows, cols, &c).to_vec();
            // O·Oᵀ ≈ I up to the band: the diagonal near 1, the off-diagonal small.
            for i in 0..rows {
                for j in 0..rows {
                    let s: f64 = (0..cols).map(|k| o[i * cols + k] * o[j * cols + k]).sum();
                    if i == j {
                        assert!((0.4..1.6).contains(&s), "bf16 {bf16}: {s}");
                    } else {
                        assert!(s.abs() < 0.35, "bf16 {bf16}: ({i},{j}) {s}");
                    }
                }
            }
            // A tall matrix is its transpose's result, transposed.
            let ut: Vec<f64> = (0..cols * rows)
                .map(|i| u[(i % rows) * cols + i / rows])
                .collect();
            let ot = ns.run(&ut, cols, rows, &c).to_vec();
            for i in 0..rows {
                for j in 0..cols {
                    assert_eq!(o[i * cols + j], ot[j * rows + i]);
                }
            }
        }
    }

    #[test]
    fn lr_adjustments_follow_torch() {
        assert_eq!(AdjustLr::Original.apply(0.1, 8, 2), 0.1 * 2.0);
        assert_eq!(AdjustLr::Original.apply(0.1, 2, 8), 0.1);
        assert_eq!(AdjustLr::MatchRmsAdamw.apply(0.1, 4, 16), 0.1 * 0.2 * 4.0);
        assert_eq!(AdjustLr::SpectralUnclamped.apply(0.1, 2, 8), 0.1 * 0.5);
    }

    /// Without a matrix, muon is AdamW at adamw_lr_ratio·lr.
    #[test]
    fn vectors_get_adamw() {
        let muon = parse("muon:lr=0.5,adamw_lr_ratio=0.02").unwrap();
        let adamw = parse("adamw:lr=0.01").unwrap();
        let mut a = muon.config.build(3, 0);
        let mut b = adamw.config.build(3, 0);
        let (mut x, mut y) = (vec![1.0, -2.0, 0.5], vec![1.0, -2.0, 0.5]);
        let mut obj = crate::optim::testing::Quadratic(vec![1.0, 3.0, 9.0]);
        for _ in 0..10 {
            a.step(&mut x, &mut obj, 0.5);
            b.step(&mut y, &mut obj, 0.01);
        }
        assert_eq!(x, y);
    }
}
