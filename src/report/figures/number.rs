//! Number formatting for text in figures: about three significant digits, scientific notation
//! without trailing zeros; short two-digit labels for ticks.
//!
//! May use: nothing else of the crate.

/// `v` with about three significant digits ("0.0123", "45.6", "1.2e-5", "3e6").
pub(super) fn fmt_sig(v: f64) -> String {
    if !v.is_finite() {
        return String::from("–");
    }
    if v == 0.0 {
        return String::from("0");
    }
    let mag = v.abs();
    if (1e-3..1e5).contains(&mag) {
        let decimals = (2 - mag.log10().floor() as i32).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    } else {
        sci(v, 2)
    }
}

/// `v` in scientific notation with `digits` mantissa decimals, trailing zeros dropped ("1.5e-7").
pub(super) fn sci(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
        None => s,
    }
}

/// `v` rounded to two significant digits, written short: plain from 0.001 to below 1000
/// ("0.002", "0.25", "5", "120"), else scientific ("2e3", "1.5e-4"); "0" for zero.
pub(super) fn round_label(v: f64) -> String {
    if !v.is_finite() {
        return String::from("–");
    }
    if v == 0.0 {
        return String::from("0");
    }
    // v ≈ n × 10^(e − 1) with n in 10..=99.
    let mut e = v.abs().log10().floor() as i32;
    let mut n = (v.abs() / 10f64.powi(e - 1)).round() as i64;
    // log10 may land one ulp off: n is then 100 (or just below 10).
    if n >= 100 {
        n = (n + 5) / 10;
        e += 1;
    } else if n < 10 {
        n *= 10;
        e -= 1;
    }
    digits_label(v < 0.0, n, e)
}

/// The label of ±`n` × 10^(`e` − 1) for `n` in 10..=99: plain for `e` in −3..=2, else
/// scientific; trailing zeros dropped.
pub(super) fn digits_label(negative: bool, n: i64, e: i32) -> String {
    let sign = if negative { "-" } else { "" };
    let (d1, d2) = (n / 10, n % 10);
    let mantissa = if d2 == 0 {
        d1.to_string()
    } else {
        format!("{d1}.{d2}")
    };
    match e {
        1 | 2 => format!("{sign}{}", n * 10i64.pow((e - 1).unsigned_abs())),
        0 => format!("{sign}{mantissa}"),
        -3..=-1 => {
            let zeros = "0".repeat(e.unsigned_abs() as usize - 1);
            let digits = if d2 == 0 {
                d1.to_string()
            } else {
                n.to_string()
            };
            format!("{sign}0.{zeros}{digits}")
        }
        _ => format!("{sign}{mantissa}e{e}"),
    }
}

/// Drops trailing zeros after a decimal point, and the point if nothing follows it.
pub(super) fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_labels_to_two_digits() {
        let cases = [
            (0.0, "0"),
            (1.0, "1"),
            (0.25, "0.25"),
            (0.2, "0.2"),
            (0.001, "0.001"),
            (0.0015, "0.0015"),
            (3e-5, "3e-5"),
            (1.5e-4, "1.5e-4"),
            (5.0, "5"),
            (12.0, "12"),
            (120.0, "120"),
            (999.6, "1e3"),
            (1000.0, "1e3"),
            (2000.0, "2e3"),
            (2.5e9, "2.5e9"),
            (-0.3, "-0.3"),
            (-4.4e-7, "-4.4e-7"),
            (0.30000000000000004, "0.3"),
            (99.96, "100"),
            (9.96, "10"),
        ];
        for (v, label) in cases {
            assert_eq!(round_label(v), label, "{v}");
        }
        assert_eq!(round_label(f64::INFINITY), "–");
    }

    #[test]
    fn labels_two_digit_values() {
        assert_eq!(digits_label(false, 10, 0), "1");
        assert_eq!(digits_label(false, 25, -1), "0.25");
        assert_eq!(digits_label(false, 20, -3), "0.002");
        assert_eq!(digits_label(false, 15, -4), "1.5e-4");
        assert_eq!(digits_label(false, 12, 2), "120");
        assert_eq!(digits_label(false, 20, 3), "2e3");
        assert_eq!(digits_label(true, 30, -1), "-0.3");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(fmt_sig(0.012345), "0.0123");
        assert_eq!(fmt_sig(45.67), "45.7");
        assert_eq!(fmt_sig(1234.0), "1234");
        assert_eq!(fmt_sig(1.5e-7), "1.5e-7");
        assert_eq!(fmt_sig(-3e6), "-3e6");
        assert_eq!(fmt_sig(0.0), "0");
        assert_eq!(fmt_sig(f64::NAN), "–");
    }
}
