//! Fixed colours: one per optimizer registry name, so every figure draws an optimizer in the
//! same colour, plus a deterministic fallback for other names and a grey for "no data".
//!
//! The 13 registry colours mix the Okabe–Ito palette with Paul Tol's colour-blind-safe
//! "muted" and "vibrant" schemes and a ColorBrewer brown; the fallback list is Tableau 10 without its grey.

use plotters::style::{RGBAColor, RGBColor};

/// A colour as 8-bit red, green and blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// The colour as `#rrggbb` (lower-case hex).
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The colour as plotters' opaque colour.
    pub(super) fn rgb(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }

    /// The colour with an opacity in `[0, 1]`.
    pub(super) fn alpha(self, alpha: f64) -> RGBAColor {
        RGBAColor(self.0, self.1, self.2, alpha.clamp(0.0, 1.0))
    }

    /// Relative brightness in `[0, 255]` (ITU-R BT.601 weights), to choose black or white text.
    pub(super) fn brightness(self) -> f64 {
        0.299 * f64::from(self.0) + 0.587 * f64::from(self.1) + 0.114 * f64::from(self.2)
    }

    /// Linear interpolation between two colours, `t` in `[0, 1]`.
    pub(super) fn mix(self, other: Rgb, t: f64) -> Rgb {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let channel = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * t;
            // In [0, 255] by construction; the cast cannot wrap.
            v.round().clamp(0.0, 255.0) as u8
        };
        Rgb(
            channel(self.0, other.0),
            channel(self.1, other.1),
            channel(self.2, other.2),
        )
    }
}

/// Neutral grey for cells or items without data.
pub const NO_DATA: Rgb = Rgb(0xcc, 0xcc, 0xcc);

/// The fixed colour of each optimizer in the registry.
const REGISTRY: [(&str, Rgb); 13] = [
    ("sgd", Rgb(0x00, 0x72, 0xb2)),      // blue (Okabe–Ito)
    ("momentum", Rgb(0x56, 0xb4, 0xe9)), // sky blue (Okabe–Ito)
    ("adagrad", Rgb(0x00, 0x9e, 0x73)),  // bluish green (Okabe–Ito)
    ("adadelta", Rgb(0x99, 0x99, 0x33)), // olive (Tol muted)
    ("rmsprop", Rgb(0xcc, 0x79, 0xa7)),  // reddish purple (Okabe–Ito)
    ("rprop", Rgb(0x88, 0x22, 0x55)),    // wine (Tol muted)
    ("adam", Rgb(0xd5, 0x5e, 0x00)),     // vermillion (Okabe–Ito)
    ("adamw", Rgb(0xe6, 0x9f, 0x00)),    // orange (Okabe–Ito)
    ("nadam", Rgb(0x33, 0x22, 0x88)),    // indigo (Tol muted)
    ("radam", Rgb(0x11, 0x77, 0x33)),    // green (Tol muted)
    ("adamax", Rgb(0x8c, 0x51, 0x0a)),   // brown (ColorBrewer BrBG)
    ("lion", Rgb(0xee, 0x33, 0x77)),     // magenta (Tol vibrant)
    ("ars", Rgb(0x4d, 0x4d, 0x4d)),      // dark grey
];

/// Colours for names outside the registry (Tableau 10 without grey), chosen by hash.
const FALLBACK: [Rgb; 9] = [
    Rgb(0x4e, 0x79, 0xa7),
    Rgb(0xf2, 0x8e, 0x2b),
    Rgb(0xe1, 0x57, 0x59),
    Rgb(0x76, 0xb7, 0xb2),
    Rgb(0x59, 0xa1, 0x4f),
    Rgb(0xed, 0xc9, 0x48),
    Rgb(0xb0, 0x7a, 0xa1),
    Rgb(0xff, 0x9d, 0xa7),
    Rgb(0x9c, 0x75, 0x5f),
];

/// The colour of an optimizer by its registry name (ASCII case ignored).
///
/// Registry names have fixed, distinct colours; any other name gets a colour from a fixed
/// fallback list, chosen by a stable (FNV-1a) hash of the name, so it is the same in every
/// figure and every run.
pub fn color_for(name: &str) -> Rgb {
    let name = name.trim().to_ascii_lowercase();
    if let Some((_, color)) = REGISTRY.iter().find(|(known, _)| *known == name) {
        return *color;
    }
    let index = fnv1a(name.as_bytes()) % FALLBACK.len() as u64;
    // The index is below FALLBACK.len(), so the cast is lossless.
    FALLBACK[index as usize]
}

/// 64-bit FNV-1a: a tiny hash that never changes between Rust versions or runs.
fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn registry_colours_are_fixed_and_distinct() {
        let colours: HashSet<Rgb> = REGISTRY.iter().map(|(_, c)| *c).collect();
        assert_eq!(colours.len(), REGISTRY.len());
        assert!(!colours.contains(&NO_DATA));
        assert_eq!(color_for("adam"), Rgb(0xd5, 0x5e, 0x00));
        assert_eq!(color_for("Adam"), color_for("adam"));
        assert_eq!(color_for("sgd").hex(), "#0072b2");
        for (name, colour) in REGISTRY {
            assert_eq!(color_for(name), colour);
        }
    }

    #[test]
    fn registry_colours_are_far_apart() {
        // Euclidean RGB distance: a crude check that no two colours are near-duplicates.
        for (i, (a, ca)) in REGISTRY.iter().enumerate() {
            for (b, cb) in &REGISTRY[i + 1..] {
                let d = [(ca.0, cb.0), (ca.1, cb.1), (ca.2, cb.2)]
                    .iter()
                    .map(|&(x, y)| (f64::from(x) - f64::from(y)).powi(2))
                    .sum::<f64>()
                    .sqrt();
                assert!(d > 60.0, "{a} and {b} are too close ({d:.0})");
            }
        }
    }

    #[test]
    fn fallback_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let c = color_for("my-new-optimizer");
        assert_eq!(c, color_for("my-new-optimizer"));
        assert!(FALLBACK.contains(&c));
        assert!(FALLBACK.contains(&color_for("")));
    }

    #[test]
    fn hex_and_mix() {
        assert_eq!(Rgb(0, 15, 255).hex(), "#000fff");
        assert_eq!(
            Rgb(0, 0, 0).mix(Rgb(255, 255, 255), 0.5),
            Rgb(128, 128, 128)
        );
        assert_eq!(
            Rgb(0, 0, 0).mix(Rgb(255, 255, 255), f64::NAN),
            Rgb(128, 128, 128)
        );
        assert_eq!(
            Rgb(10, 20, 30).mix(Rgb(255, 255, 255), -1.0),
            Rgb(10, 20, 30)
        );
    }
}
