//! Build-time facts the binary cannot find out at run time (an installed binary has no
//! sources):
//!
//! - the git revision it was built from (for the report's manifest): in a git checkout, its
//!   HEAD; in a published package, the commit `cargo package` recorded in
//!   `.cargo_vcs_info.json`; "unknown" otherwise;
//! - the code versions the result cache keys its records with (`$OUT_DIR/code_versions.rs`):
//!   a SHA-256 of each optimizer's file (`src/optim/<name>.rs`, together with the sibling
//!   optimizer files it uses), and one of the shared code that computes every record (the
//!   harness, problems, schedules, batch modes, data, the embedded data sets, spec parsing,
//!   random streams, numerics, records, and the files of `src/optim/` that define no
//!   optimizer). Editing one optimizer's file makes only its cached records stale; editing
//!   any shared part makes all of them stale. Only files inside the package are read.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The shared parts: every record depends on them.
const SHARED: &[&str] = &[
    "src/run",
    "src/problem",
    "src/schedule",
    "src/batch",
    "src/data",
    "src/spec",
    "src/record",
    "src/rng.rs",
    "src/num.rs",
    "datasets",
];

fn main() {
    let revision = packaged_revision()
        .or_else(|| {
            Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=OPTBENCH_GIT_REVISION={revision}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
    println!("cargo:rerun-if-changed=build.rs");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("code_versions.rs"), code_versions()).expect("OUT_DIR is writable");
}

/// The commit a published package was made from: `cargo package` writes it to
/// `.cargo_vcs_info.json` (`{"git": {"sha1": "..."}, ...}`); a checkout has no such file. Read
/// first, because a package unpacked inside another checkout (cargo's own verify build) would
/// otherwise report that checkout's HEAD.
fn packaged_revision() -> Option<String> {
    let info = fs::read_to_string(".cargo_vcs_info.json").ok()?;
    println!("cargo:rerun-if-changed=.cargo_vcs_info.json");
    let sha = info.split("\"sha1\"").nth(1)?.split('"').nth(1)?;
    (sha.len() >= 12 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha[..12].to_string())
}

/// Every file under `path` (or `path` itself), sorted.
fn files(path: &Path, into: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            files(&e, into);
        }
    } else if path.is_file() {
        into.push(path.to_path_buf());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The names `EntryInfo { name: "...", ... }` declares in an optimizer file (the name a
/// literal, the first field, as every optimizer file writes it). A file that declares none
/// is a shared part: editing it makes every cached record stale.
fn entry_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("EntryInfo {") {
        rest = &rest[at + "EntryInfo {".len()..];
        if let Some(after) = rest.trim_start().strip_prefix("name:")
            && let Some(quoted) = after.trim_start().strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            names.push(quoted[..end].to_string());
        }
    }
    names
}

fn code_versions() -> String {
    // The optimizer files: stem → (contents, entry names).
    let mut optim: BTreeMap<String, (Vec<u8>, Vec<String>)> = BTreeMap::new();
    let mut shared = Sha256::new();
    shared.update(b"optbench-code-v1\0");
    shared.update(env!("CARGO_PKG_VERSION").as_bytes());
    let mut list = Vec::new();
    files(Path::new("src/optim"), &mut list);
    println!("cargo:rerun-if-changed=src/optim");
    for path in list {
        let Ok(bytes) = fs::read(&path) else { continue };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let names = entry_names(&String::from_utf8_lossy(&bytes));
        if path.extension().is_some_and(|e| e == "rs") && stem != "mod" && !names.is_empty() {
            optim.insert(stem.to_string(), (bytes, names));
        } else {
            // mod.rs, helpers: shared by every optimizer.
            shared.update(path.to_string_lossy().as_bytes());
            shared.update([0]);
            shared.update(&bytes);
        }
    }
    for part in SHARED {
        println!("cargo:rerun-if-changed={part}");
        let mut list = Vec::new();
        files(Path::new(part), &mut list);
        for path in list {
            if let Ok(bytes) = fs::read(&path) {
                shared.update(path.to_string_lossy().replace('\\', "/").as_bytes());
                shared.update([0]);
                shared.update(&bytes);
            }
        }
    }
    let shared = hex(&shared.finalize()[..16]);

    // Each optimizer file with the sibling optimizer files it uses (`super::adam::...`),
    // transitively.
    let uses = |text: &str, stem: &str| -> Vec<String> {
        optim
            .keys()
            .filter(|other| {
                other.as_str() != stem
                    && (text.contains(&format!("super::{other}::"))
                        || text.contains(&format!("crate::optim::{other}::")))
            })
            .cloned()
            .collect()
    };
    let mut table = String::new();
    for (stem, (_, names)) in &optim {
        let mut closure = vec![stem.clone()];
        let mut i = 0;
        while i < closure.len() {
            let text = String::from_utf8_lossy(&optim[&closure[i]].0).into_owned();
            for other in uses(&text, &closure[i]) {
                if !closure.contains(&other) {
                    closure.push(other);
                }
            }
            i += 1;
        }
        closure[1..].sort();
        let mut h = Sha256::new();
        for file in &closure {
            h.update(file.as_bytes());
            h.update([0]);
            h.update(&optim[file].0);
        }
        let hash = hex(&h.finalize()[..16]);
        for name in names {
            let _ = writeln!(table, "    ({name:?}, {hash:?}),");
        }
    }
    format!(
        "/// The shared code every record depends on, hashed at build time.\n\
         pub const SHARED: &str = {shared:?};\n\
         /// Each built-in optimizer's name and the hash of its file(s), at build time.\n\
         pub const OPTIMIZERS: &[(&str, &str)] = &[\n{table}];\n"
    )
}
