//! The published package builds the binary: every file the sources embed at compile time
//! (`include_str!`, `include_bytes!`) and every file the build script hashes is in
//! `cargo package --list`, and the repository's test fixtures, reports and docs are not.
//! Asks cargo itself (no network, no build), so it checks the real `include` list.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The package's files, as `cargo package --list` prints them (relative, `/`-separated).
fn packaged() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline", "--quiet"])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo package --list failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8 file list")
        .lines()
        .map(|l| l.trim().replace('\\', "/"))
        .filter(|l| !l.is_empty())
        .collect()
}

/// `path` relative to the crate root, `..` resolved, `/`-separated.
fn relative(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.strip_prefix(root()).unwrap().components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every literal path embedded by a source file under src/, relative to the crate root.
fn embedded() -> Vec<(String, String)> {
    let mut sources = Vec::new();
    sources.extend(crate::report::walk(&root().join("src")));
    let mut found = Vec::new();
    for file in sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let text = fs::read_to_string(file).unwrap();
        // Code lines only: docs may show an include of a file of the reader's.
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for mac in ["include_str!(\"", "include_bytes!(\""] {
                for (at, _) in line.match_indices(mac) {
                    let rest = &line[at + mac.len()..];
                    let lit = &rest[..rest.find('"').unwrap()];
                    let target = relative(&file.parent().unwrap().join(lit));
                    found.push((relative(file), target));
                }
            }
        }
    }
    found
}

#[test]
fn every_file_the_sources_embed_is_in_the_package() {
    let package = packaged();
    let embedded = embedded();
    assert!(
        embedded.iter().any(|(_, t)| t.starts_with("templates/"))
            && embedded.iter().any(|(_, t)| t.starts_with("datasets/")),
        "the scan finds the templates and data sets: {embedded:?}"
    );
    for (source, target) in &embedded {
        // Unit tests' fixtures stay in the repository; only those tests need them.
        if target.starts_with("tests/") {
            continue;
        }
        assert!(
            root().join(target).is_file(),
            "{source} embeds {target}, which is missing"
        );
        assert!(
            package.contains(target),
            "{source} embeds {target}, which the package leaves out: add it to `include` in \
             Cargo.toml"
        );
    }
}

#[test]
fn the_package_holds_what_the_build_script_hashes_and_what_a_crate_needs() {
    let package = packaged();
    // build.rs hashes these into the result cache's code versions: a packaged build must see
    // the same files as the repository's to give the same keys.
    let mut hashed = Vec::new();
    for dir in ["src", "datasets"] {
        hashed.extend(crate::report::walk(&root().join(dir)));
    }
    for file in hashed.iter().map(|p| relative(p)) {
        assert!(package.contains(&file), "{file} is not in the package");
    }
    for file in [
        "build.rs",
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
    ] {
        assert!(package.contains(file), "{file} is not in the package");
    }
    assert!(package.contains("LICENSE-APACHE"));
}

#[test]
fn the_package_leaves_out_fixtures_reports_and_docs() {
    for file in packaged() {
        for dir in [
            "tests/",
            "reports/",
            "docs/",
            "benches/",
            "proptest-regressions/",
            "target/",
        ] {
            assert!(!file.starts_with(dir), "{file} is in the package");
        }
    }
}
