//! Dependencies point one way (STYLE.md): a module may use only modules listed before it.

use std::fs;
use std::path::Path;

/// The order of src/: each module may depend only on modules earlier in this list.
const ORDER: &[&str] = &[
    "num", "rng", "spec", "batch", "data", "optim", "schedule", "problem", "grid", "record",
    "tuning", "error", "trace", "run", "timing", "analysis", "history", "compare", "export",
    "report", "site", "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_only_use_modules_before_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs");
        let Some(rank) = ORDER.iter().position(|m| *m == module) else {
            assert!(
                ["lib", "main"].contains(&module),
                "{}: module {module} is not in the layout order",
                rel.display()
            );
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("crate::") {
            let used: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if let Some(used_rank) = ORDER.iter().position(|m| *m == used) {
                assert!(
                    used_rank <= rank,
                    "{} ({module}) uses crate::{used}, which comes after it",
                    rel.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "found only {checked} crate:: paths");
}
