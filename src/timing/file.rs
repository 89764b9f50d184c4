//! A timing pass on disk: the JSON that `optbench timing --out FILE` and `optbench report`
//! write where the pass is measured, and that `render` reads instead of measuring. The same
//! serialization is a report's `timing.json`.
//!
//! Naming convention: a results file whose name ends in `results.jsonl` has its timing file
//! beside it, named the same with `results.jsonl` replaced by `timing.json`
//! (`reports/latest.results.jsonl` → `reports/latest.timing.json`, a report folder's
//! `results.jsonl` → its `timing.json`).
//!
//! May use: `error` (only to turn [`TimingError`] into the crate's error).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::TimingPass;

/// A timing file that cannot be read, used or written; every one is bad input (exit 2).
#[derive(Debug, Error)]
pub enum TimingError {
    /// The file cannot be read.
    #[error("timing file {path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The file is not a timing pass (JSON or its fields).
    #[error(
        "timing file {path}: not a timing pass ({reason}); record one with `optbench timing --out FILE`"
    )]
    Parse {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The file parses but a number in it cannot be a measurement.
    #[error("timing file {path}: {reason}; record one with `optbench timing --out FILE`")]
    Invalid {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The file cannot be written where asked.
    #[error("timing file {path}: cannot write: {reason}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// Several results files have a timing file beside them and none was picked.
    #[error(
        "the results files have {} timing files beside them ({}); pick one with --timing FILE",
        .paths.len(),
        .paths.join(", ")
    )]
    Ambiguous {
        /// The timing files found.
        paths: Vec<String>,
    },
}

impl From<TimingError> for crate::error::Error {
    fn from(e: TimingError) -> Self {
        crate::error::Error::Usage(e.to_string())
    }
}

/// The timing pass as JSON, pretty-printed with a closing newline: what `timing --json`
/// prints, `timing --out` and `report` record, and a report's `timing.json` holds.
pub fn to_json(pass: &TimingPass) -> String {
    serde_json::to_string_pretty(pass).expect("a timing pass is plain numbers and strings") + "\n"
}

/// The timing file beside a results file by the naming convention (see the module doc), or
/// `None` when the results file's name does not end in `results.jsonl` (or, compressed,
/// `results.jsonl.zst` or `.gz`). The file need not exist.
pub fn beside(results: &Path) -> Option<PathBuf> {
    let name = results.file_name()?.to_str()?;
    let name = [".zst", ".gz"]
        .iter()
        .find_map(|z| name.strip_suffix(z))
        .unwrap_or(name);
    let stem = name.strip_suffix("results.jsonl")?;
    Some(results.with_file_name(format!("{stem}timing.json")))
}

/// The recorded timing files beside `results` (see [`beside`]): none, or exactly one, which is
/// read; several different ones are an error asking for `--timing`.
pub fn find_beside(results: &[PathBuf]) -> Result<Option<(PathBuf, TimingPass)>, TimingError> {
    let mut found: Vec<PathBuf> = results
        .iter()
        .filter_map(|r| beside(r))
        .filter(|t| t.is_file())
        .collect();
    found.sort();
    found.dedup();
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((one.clone(), read(one)?))),
        many => Err(TimingError::Ambiguous {
            paths: many.iter().map(|p| p.display().to_string()).collect(),
        }),
    }
}

/// Reads and checks a timing file.
pub fn read(path: &Path) -> Result<TimingPass, TimingError> {
    let shown = || path.display().to_string();
    let text = fs::read_to_string(path).map_err(|e| TimingError::Read {
        path: shown(),
        reason: e.to_string(),
    })?;
    let pass: TimingPass = serde_json::from_str(&text).map_err(|e| TimingError::Parse {
        path: shown(),
        reason: e.to_string(),
    })?;
    check(&pass).map_err(|reason| TimingError::Invalid {
        path: shown(),
        reason,
    })?;
    Ok(pass)
}

/// What is wrong with a parsed pass, if anything: every count at least 1, every bandwidth and
/// time finite and positive (the figure divides by them).
fn check(pass: &TimingPass) -> Result<(), String> {
    let positive = |what: &str, x: f64| {
        if x.is_finite() && x > 0.0 {
            Ok(())
        } else {
            Err(format!("{what} is {x}, not a positive number"))
        }
    };
    if pass.dim == 0 {
        return Err("dim is 0, not a number of parameters".into());
    }
    if pass.repeats == 0 {
        return Err("repeats is 0, not a number of steps".into());
    }
    positive(
        "bandwidth.bytes_per_second",
        pass.bandwidth.bytes_per_second,
    )?;
    for c in &pass.costs {
        if c.bytes_per_param == 0 {
            return Err(format!("{}: bytes_per_param is 0", c.spec));
        }
        positive(&format!("{}: ns_per_param", c.spec), c.ns_per_param)?;
        positive(
            &format!("{}: bound_ns_per_param", c.spec),
            c.bound_ns_per_param,
        )?;
    }
    Ok(())
}

/// Checks, before anything is measured, that [`write()`] can put a file at `path`: not a
/// folder, and its folder exists.
pub fn check_writable(path: &Path) -> Result<(), TimingError> {
    let refuse = |reason: String| TimingError::Write {
        path: path.display().to_string(),
        reason,
    };
    if path.is_dir() {
        return Err(refuse("it is a folder".into()));
    }
    let folder = folder_of(path);
    if !folder.is_dir() {
        return Err(refuse(format!(
            "the folder {} does not exist",
            folder.display()
        )));
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `pass` to `path` ([`to_json`]) through a temporary file in the same folder renamed
/// into place, so `path` holds either its old content or the whole new pass.
pub fn write(path: &Path, pass: &TimingPass) -> Result<(), TimingError> {
    check_writable(path)?;
    let fail = |e: std::io::Error| TimingError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = folder_of(path).join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(to_json(pass).as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timing::{Bandwidth, StepCost};

    fn pass() -> TimingPass {
        TimingPass {
            dim: 1234,
            repeats: 3,
            bandwidth: Bandwidth {
                bytes_per_second: 12.5e9,
            },
            costs: vec![StepCost {
                spec: "adam".into(),
                name: "adam".into(),
                bytes_per_param: 56,
                ns_per_param: 4.321,
                bound_ns_per_param: 4.48,
            }],
            machine: Some("test machine".into()),
        }
    }

    #[test]
    fn the_timing_file_sits_beside_a_results_file_named_results_jsonl() {
        let b = |p: &str| beside(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(
            b("reports/latest.results.jsonl").as_deref(),
            Some("reports/latest.timing.json")
        );
        assert_eq!(
            b("reports/latest/results.jsonl").as_deref(),
            Some("reports/latest/timing.json")
        );
        assert_eq!(b("results.jsonl").as_deref(), Some("timing.json"));
        assert_eq!(b("results.jsonl.zst").as_deref(), Some("timing.json"));
        assert_eq!(
            b("night.results.jsonl.gz").as_deref(),
            Some("night.timing.json")
        );
        assert_eq!(
            b("night-results.jsonl").as_deref(),
            Some("night-timing.json")
        );
        assert_eq!(b("shards/shard-1.jsonl"), None);
        assert_eq!(b("results.jsonl.bak"), None);
    }

    #[test]
    fn a_written_pass_reads_back_equal_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.timing.json");
        write(&path, &pass()).unwrap();
        assert_eq!(read(&path).unwrap(), pass());
        assert_eq!(fs::read_to_string(&path).unwrap(), to_json(&pass()));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    /// A pass written before the machine was recorded still reads (the report's `timing.json`
    /// of older reports, which `compare` reads too).
    #[test]
    fn a_pass_without_a_machine_reads() {
        let mut json: serde_json::Value = serde_json::from_str(&to_json(&pass())).unwrap();
        json.as_object_mut().unwrap().remove("machine");
        let old: TimingPass = serde_json::from_value(json).unwrap();
        assert_eq!(old.machine, None);
        assert!(check(&old).is_ok());
    }

    #[test]
    fn writing_into_a_missing_folder_or_onto_a_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [dir.path().join("missing/t.json"), dir.path().to_path_buf()] {
            let err = write(&bad, &pass()).unwrap_err().to_string();
            assert!(err.contains(&bad.display().to_string()), "{err}");
            assert!(err.contains("cannot write"), "{err}");
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_bad_file_is_named_with_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        let err = |text: &str| {
            fs::write(&path, text).unwrap();
            let e = read(&path).unwrap_err().to_string();
            assert!(e.contains(&path.display().to_string()), "{e}");
            e
        };
        assert!(err("{").contains("not a timing pass"));
        assert!(err("{\"dim\": 3}").contains("missing field"));
        let mut bad = pass();
        bad.bandwidth.bytes_per_second = 0.0;
        assert!(err(&to_json(&bad)).contains("bandwidth.bytes_per_second is 0"));
        let mut bad = pass();
        bad.costs[0].ns_per_param = -1.0;
        assert!(err(&to_json(&bad)).contains("adam: ns_per_param is -1"));
        let mut bad = pass();
        bad.dim = 0;
        assert!(err(&to_json(&bad)).contains("dim is 0"));
        let missing = dir.path().join("nowhere.json");
        let e = read(&missing).unwrap_err().to_string();
        assert!(
            e.contains("nowhere.json") && e.contains("cannot read"),
            "{e}"
        );
    }

    #[test]
    fn one_timing_file_beside_the_results_is_found_and_two_are_ambiguous() {
        let dir = tempfile::tempdir().unwrap();
        let results = |n: &str| dir.path().join(format!("{n}.results.jsonl"));
        let (a, b) = (results("a"), results("b"));
        assert!(find_beside(&[a.clone(), b.clone()]).unwrap().is_none());
        write(&dir.path().join("a.timing.json"), &pass()).unwrap();
        let (found, read) = find_beside(&[a.clone(), b.clone()]).unwrap().unwrap();
        assert_eq!(found, dir.path().join("a.timing.json"));
        assert_eq!(read, pass());
        // The same file named twice is still one.
        assert!(find_beside(&[a.clone(), a.clone()]).unwrap().is_some());
        write(&dir.path().join("b.timing.json"), &pass()).unwrap();
        let err = find_beside(&[a, b]).unwrap_err().to_string();
        assert!(
            err.contains("a.timing.json") && err.contains("b.timing.json"),
            "{err}"
        );
        assert!(err.contains("--timing FILE"), "{err}");
    }
}
