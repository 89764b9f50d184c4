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
