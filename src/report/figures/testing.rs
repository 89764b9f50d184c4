//! Test helpers shared by the figure tests (and the report's): checking that an SVG document is
//! well-formed and legible, writing figures out to look at them, and awkward labels.
//!
//! May use: `quick_xml` (a dev-dependency); nothing else of the crate.

use quick_xml::XmlVersion;
use quick_xml::events::Event;

/// Largest SVG accepted for realistic inputs.
pub const MAX_BYTES: usize = 300_000;

/// Checks an SVG document: starts with `<svg`, parses as well-formed XML (attribute values
/// and entity references included), holds no "NaN" or "inf", and every font size is legible.
/// Returns all text content, unescaped.
pub fn check_svg(svg: &str) -> String {
    assert!(
        svg.starts_with("<svg"),
        "not an SVG: {}",
        &svg[..svg.len().min(80)]
    );
    assert!(!svg.contains("NaN"), "SVG contains NaN");
    assert!(!svg.contains("inf"), "SVG contains inf");
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut text = String::new();
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
                check_attributes(&e);
            }
            Ok(Event::Empty(e)) => check_attributes(&e),
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match &*r.xml10_content() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity &{other};"),
                    },
                    Err(e) => panic!("bad character reference: {e}"),
                };
                text.push_str(&resolved);
            }
            Ok(_) => {}
            Err(e) => panic!("malformed XML at {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    assert_eq!(roots, 1, "one root element");
    text
}

/// Every attribute parses and unescapes; font sizes are legible.
fn check_attributes(e: &quick_xml::events::BytesStart<'_>) {
    for attribute in e.attributes() {
        let attribute = attribute.unwrap_or_else(|err| panic!("bad attribute: {err}"));
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .unwrap_or_else(|err| panic!("bad attribute value: {err}"));
        if attribute.key.as_ref() == "font-size" {
            let size: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("font-size {value}"));
            assert!((6.5..=17.0).contains(&size), "font-size {size}");
        }
    }
}

/// Writes `svg` to `$OPTBENCH_FIGURES_DIR/<name>.svg` when that variable is set (to look at
/// the figures: `OPTBENCH_FIGURES_DIR=/tmp/figures cargo test --lib report::figures`).
pub fn maybe_write(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("OPTBENCH_FIGURES_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create the figures folder");
        std::fs::write(dir.join(format!("{name}.svg")), svg).expect("write a figure");
    }
}

/// Optimizer names and three more, for charts with many series.
pub const NAMES: [&str; 16] = [
    "sgd", "momentum", "adagrad", "adadelta", "rmsprop", "rprop", "adam", "adamw", "nadam",
    "radam", "adamax", "lion", "ars", "extra-1", "extra-2", "extra-3",
];

/// A label with XML special characters, to check escaping.
pub const NASTY: &str = "a<b & \"c\" 'd'>";

/// `name`, with [`NASTY`] appended when `nasty`: the one series of a test chart whose
/// label must come out escaped.
pub fn label(name: &str, nasty: bool) -> String {
    if nasty {
        format!("{name} {NASTY}")
    } else {
        name.to_string()
    }
}
