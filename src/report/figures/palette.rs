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

/// A line's dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dash {
    #[default]
    /// A continuous line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
    /// Dashes and dots alternating.
    DashDot,
}

impl Dash {
    /// The pattern in words, as captions name it.
    pub fn word(self) -> &'static str {
        match self {
            Dash::Solid => "solid",
            Dash::Dashed => "dashed",
            Dash::Dotted => "dotted",
            Dash::DashDot => "dash-dotted",
        }
    }

    /// The SVG `stroke-dasharray` of the pattern (`None` for a solid line).
    pub fn dasharray(self) -> Option<&'static str> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some("7 4"),
            Dash::Dotted => Some("2 3"),
            Dash::DashDot => Some("8 3 2 3"),
        }
    }
}

/// The marker drawn at a few points of a line (and in its legend sample).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Marker {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// A filled triangle.
    Triangle,
    /// A filled diamond.
    Diamond,
}

/// How one series is drawn: a colour, a dash pattern and an optional marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// Line (and marker) colour.
    pub color: Rgb,
    /// Dash pattern.
    pub dash: Dash,
    /// Marker, if any.
    pub marker: Option<Marker>,
}

/// The families of optimizers, each one colour-blind-safe hue (Okabe–Ito, and Paul Tol's wine,
/// indigo and olive: Okabe–Ito's orange sits too close to the Adam family's vermillion once
/// darkened): plain, momentum and averaged SGD; the accumulators (AdaGrad, Adadelta); RMSprop;
/// the Adam family; the sign methods (Rprop, Lion); random search; the methods that use the
/// matrices or curvature (Muon, Adafactor, L-BFGS); the learning-rate-free and schedule-free
/// methods.
const FAMILIES: [(&[&str], Rgb); 8] = [
    (&["sgd", "momentum", "asgd"], Rgb(0x00, 0x72, 0xb2)),
    (&["adagrad", "adadelta"], Rgb(0x00, 0x9e, 0x73)),
    (&["rmsprop"], Rgb(0xcc, 0x79, 0xa7)),
    (
        &["adam", "adamw", "nadam", "radam", "adamax"],
        Rgb(0xd5, 0x5e, 0x00),
    ),
    (&["rprop", "lion"], Rgb(0x88, 0x22, 0x55)),
    (&["ars"], Rgb(0x44, 0x44, 0x44)),
    (&["muon", "adafactor", "lbfgs"], Rgb(0x33, 0x22, 0x88)),
    (
        &[
            "schedule_free_sgd",
            "schedule_free_adamw",
            "prodigy",
            "dadapt_sgd",
            "dadapt_adam",
        ],
        Rgb(0x99, 0x99, 0x33),
    ),
];

/// How much darker every other member of a family is drawn (only darker: a lighter shade of
/// one family's hue can come close to another family's hue).
const DARKER: f64 = 0.3;

/// The member styles of a family, in order (shade: 0 or darker, dash, marker): every two of
/// them differ in at least two of the three, and no two share both shade and dash.
const MEMBERS: [(bool, Dash, Marker); 6] = [
    (false, Dash::Solid, Marker::Circle),
    (true, Dash::Dashed, Marker::Square),
    (false, Dash::Dotted, Marker::Triangle),
    (true, Dash::DashDot, Marker::Diamond),
    (false, Dash::Dashed, Marker::Diamond),
    (true, Dash::Solid, Marker::Triangle),
];

/// The family of a registry name (an index into the families), if it has one.
pub fn family_of(name: &str) -> Option<usize> {
    let name = name.trim().to_ascii_lowercase();
    FAMILIES
        .iter()
        .position(|(names, _)| names.contains(&name.as_str()))
}

/// The place of a registry name in its family's list (plain SGD before momentum, Adam before
/// its variants); 0 outside the families.
pub fn place_in_family(name: &str) -> usize {
    let name = name.trim().to_ascii_lowercase();
    FAMILIES
        .iter()
        .find_map(|(names, _)| names.iter().position(|n| *n == name))
        .unwrap_or(0)
}

/// The style of the `member`-th optimizer (0-based, in a fixed order) of `name`'s family:
/// the family's hue, darker for every other member, with the member's dash and marker. Names
/// outside the families get their fallback colour ([`color_for`]). Past six members the
/// styles repeat with the family's hue shifted a little more.
pub fn style_of(name: &str, member: usize) -> Style {
    let (darker, dash, marker) = MEMBERS[member % MEMBERS.len()];
    let round = (member / MEMBERS.len()) as f64;
    let shade = if darker { DARKER } else { 0.0 } + 0.15 * round;
    Style {
        color: color_for(name).mix(Rgb(0, 0, 0), shade.min(0.7)),
        dash,
        marker: Some(marker),
    }
}

/// A categorical style by position (schedules, batch modes, problems): the Okabe–Ito colours
/// in turn, then again with the next dash pattern; markers cycle with the colours.
pub fn categorical(i: usize) -> Style {
    const COLOURS: [Rgb; 7] = [
        Rgb(0x00, 0x72, 0xb2),
        Rgb(0xd5, 0x5e, 0x00),
        Rgb(0x00, 0x9e, 0x73),
        Rgb(0xcc, 0x79, 0xa7),
        Rgb(0xe6, 0x9f, 0x00),
        Rgb(0x56, 0xb4, 0xe9),
        Rgb(0x00, 0x00, 0x00),
    ];
    const DASHES: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::DashDot];
    const MARKS: [Marker; 4] = [
        Marker::Circle,
        Marker::Square,
        Marker::Triangle,
        Marker::Diamond,
    ];
    Style {
        color: COLOURS[i % COLOURS.len()],
        dash: DASHES[(i / COLOURS.len()) % DASHES.len()],
        marker: Some(MARKS[i % MARKS.len()]),
    }
}

/// The grey of series drawn for context only (not emphasised).
pub const CONTEXT: Rgb = Rgb(0xbb, 0xbb, 0xbb);

/// Neutral grey for cells or items without data.
pub const NO_DATA: Rgb = Rgb(0xcc, 0xcc, 0xcc);

/// Colours for names outside the families (Tableau 10 without grey), chosen by hash.
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

/// The colour of an optimizer by its registry name (ASCII case ignored): its family's hue.
///
/// Any other name gets a colour from a fixed fallback list, chosen by a stable (FNV-1a) hash
/// of the name, so it is the same in every figure and every run.
pub fn color_for(name: &str) -> Rgb {
    if let Some(f) = family_of(name) {
        return FAMILIES[f].1;
    }
    let name = name.trim().to_ascii_lowercase();
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

    /// Euclidean RGB distance: a crude measure of how far apart two colours look.
    fn distance(a: Rgb, b: Rgb) -> f64 {
        [(a.0, b.0), (a.1, b.1), (a.2, b.2)]
            .iter()
            .map(|&(x, y)| (f64::from(x) - f64::from(y)).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn family_hues_are_fixed_and_far_apart() {
        assert_eq!(color_for("adam"), Rgb(0xd5, 0x5e, 0x00));
        assert_eq!(color_for("Adam"), color_for("adam"));
        assert_eq!(color_for("sgd").hex(), "#0072b2");
        assert_eq!(color_for("momentum"), color_for("sgd"));
        let hues: Vec<Rgb> = FAMILIES.iter().map(|f| f.1).collect();
        for (i, a) in hues.iter().enumerate() {
            assert_ne!(*a, NO_DATA);
            assert_ne!(*a, CONTEXT);
            for b in &hues[i + 1..] {
                assert!(distance(*a, *b) > 60.0, "{a:?} and {b:?} are too close");
            }
        }
    }

    #[test]
    fn the_same_member_of_two_families_differs_in_colour() {
        // Members at the same place share dash and marker, so their colours must differ.
        for member in 0..MEMBERS.len() {
            for (i, (a, _)) in FAMILIES.iter().enumerate() {
                for (b, _) in &FAMILIES[i + 1..] {
                    let (ca, cb) = (style_of(a[0], member).color, style_of(b[0], member).color);
                    assert!(distance(ca, cb) > 50.0, "{} and {} at {member}", a[0], b[0]);
                }
            }
        }
    }

    #[test]
    fn family_members_are_told_apart() {
        // Every two of a family's six member styles differ in at least two of shade, dash
        // and marker, and never share both colour and dash.
        for (i, a) in MEMBERS.iter().enumerate() {
            for (j, b) in MEMBERS.iter().enumerate().skip(i + 1) {
                let differ =
                    usize::from(a.0 != b.0) + usize::from(a.1 != b.1) + usize::from(a.2 != b.2);
                assert!(differ >= 2, "members {i} and {j}");
                let (sa, sb) = (style_of("adam", i), style_of("adam", j));
                assert!(sa.color != sb.color || sa.dash != sb.dash, "{i} and {j}");
            }
        }
        let (adam, adamw) = (style_of("adam", 0), style_of("adamw", 1));
        assert_ne!(adam.color, adamw.color);
        assert_ne!(adam.dash, adamw.dash);
        assert_ne!(adam.marker, adamw.marker);
        assert_eq!(family_of("NAdam"), family_of("adam"));
        assert_ne!(family_of("sgd"), family_of("adam"));
        assert_ne!(style_of("sgd", 0).color, style_of("adam", 0).color);
        // Past six members the styles go on, a shade darker.
        assert_ne!(style_of("adam", 6), style_of("adam", 0));
        assert_eq!(style_of("adam", 6).dash, style_of("adam", 0).dash);
    }

    #[test]
    fn categorical_styles_are_distinct() {
        let styles: HashSet<(Rgb, Dash)> = (0..28)
            .map(|i| (categorical(i).color, categorical(i).dash))
            .collect();
        assert_eq!(styles.len(), 28);
        assert_eq!(Dash::Solid.dasharray(), None);
        assert_eq!(Dash::Dashed.dasharray(), Some("7 4"));
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
