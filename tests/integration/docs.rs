//! The repository's documentation against the code it describes: the reference is the
//! registry's own listing, current.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

/// `docs/reference.md` is what `optbench list --markdown` prints now: an optimizer, key,
/// default or preset added or changed without regenerating it fails here.
#[test]
fn the_reference_is_current() {
    let out = Command::cargo_bin("optbench")
        .unwrap()
        .args(["list", "--markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reference.md");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/reference.md is not current: regenerate it with \
         `cargo run --release -- list --markdown > docs/reference.md`"
    );
    // It names every optimizer of the registry.
    for e in optbench::optim::entries() {
        assert!(
            generated.contains(&format!("### `{}`", e.name)),
            "{}",
            e.name
        );
    }
}

/// The Markdown files a user reads: the README and `docs/`.
fn markdown_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for e in fs::read_dir(root.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files
}

/// The project stands alone: its README, docs and sources cite no document outside the
/// repository and no issue numbers.
#[test]
fn the_docs_and_sources_cite_nothing_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = markdown_files();
    files.extend(
        crate::report::walk(&root.join("src"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "rs")),
    );
    let mut found = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let issue = line.match_indices("Issue ").any(|(i, _)| {
                line[i + 6..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            });
            if line.contains("SPEC §") || line.contains("shared/") || issue {
                found.push(format!("{}:{}: {line}", f.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Every relative link of the README and `docs/` points at a file of the repository.
#[test]
fn every_relative_link_in_the_docs_resolves() {
    let mut broken = Vec::new();
    let mut links = 0;
    for f in markdown_files() {
        let text = fs::read_to_string(&f).unwrap();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            if target.is_empty()
                || target.starts_with('#')
                || target.contains("://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            links += 1;
            let path = target.split('#').next().unwrap();
            if !f.parent().unwrap().join(path).exists() {
                broken.push(format!("{}: {target}", f.display()));
            }
        }
    }
    assert!(
        links > 10,
        "only {links} relative links found: the scan is broken"
    );
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
