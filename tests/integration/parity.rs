//! What every parity test against a reference implementation shares: the tolerance on whole
//! trajectories, the relative error it is measured in, and the fixtures' encoding of
//! non-finite numbers.

use serde::Deserialize;

/// Relative tolerance on every number of a trajectory: lr, loss and each coordinate.
pub const RTOL: f64 = 1e-9;
/// Absolute floor for numbers that pass through zero (relative error is meaningless there).
const ATOL: f64 = 1e-12;

/// Relative error of `a` against the reference `b`, with the absolute floor; 0 when both are
/// non-finite (a diverged row: the two may overflow to inf or NaN differently), infinite
/// when only one is.
pub fn error(a: f64, b: f64) -> f64 {
    if !a.is_finite() || !b.is_finite() {
        return if !a.is_finite() && !b.is_finite() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (a - b).abs() / b.abs().max(a.abs()).max(ATOL / RTOL)
}

/// A JSON number, or one of the strings "inf", "-inf", "NaN" (JSON has no non-finite numbers).
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub enum Num {
    Finite(f64),
    NonFinite(NonFinite),
}

/// The non-finite values, as the fixtures write them.
#[derive(Deserialize, Clone, Copy)]
pub enum NonFinite {
    #[serde(rename = "inf")]
    Inf,
    #[serde(rename = "-inf")]
    NegInf,
    #[serde(rename = "NaN")]
    NaN,
}

impl Num {
    /// The number it stands for.
    pub fn value(self) -> f64 {
        match self {
            Num::Finite(v) => v,
            Num::NonFinite(NonFinite::Inf) => f64::INFINITY,
            Num::NonFinite(NonFinite::NegInf) => f64::NEG_INFINITY,
            Num::NonFinite(NonFinite::NaN) => f64::NAN,
        }
    }
}

#[test]
fn errors_are_relative_with_a_floor_and_non_finite_rows_agree_only_with_each_other() {
    assert_eq!(error(2.0, 1.0), 0.5);
    assert_eq!(error(1e-4, 0.0), 1e-4 / 1e-3);
    assert_eq!(error(f64::INFINITY, f64::NAN), 0.0);
    assert_eq!(error(1.0, f64::NAN), f64::INFINITY);
    assert_eq!(error(f64::NAN, 1.0), f64::INFINITY);
}
