//! Number formatting shared by every text output.

/// The shortest decimal string that parses back to exactly `x` ("0.001", "1e-8", "100.0");
/// non-finite values print as `NaN`, `inf`, `-inf`.
pub fn shortest(x: f64) -> String {
    let mut buffer = ryu::Buffer::new();
    buffer.format(x).to_string()
}

#[cfg(test)]
mod tests {
    use super::shortest;

    #[test]
    fn round_trips_and_names_non_finite() {
        for x in [0.1, 1e-8, -1.2, 100.0, 1.0 / 3.0, 5e-324, f64::MAX] {
            assert_eq!(shortest(x).parse::<f64>().unwrap(), x);
        }
        assert_eq!(shortest(0.001), "0.001");
        assert_eq!(shortest(f64::NAN), "NaN");
        assert_eq!(shortest(f64::INFINITY), "inf");
        assert_eq!(shortest(f64::NEG_INFINITY), "-inf");
    }
}
