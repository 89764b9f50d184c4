//! The report's data files and the atomic replacement of the report folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::Analysis;
use crate::error::Error;
use crate::record::RunRecord;

fn io(context: String) -> impl FnOnce(std::io::Error) -> Error {
    move |source| Error::Io { context, source }
}

/// The records as a compressed results file named `name`: one zstd stream of JSON lines, the
/// lines byte for byte those of a plain results file.
pub fn compressed_jsonl(name: &str, records: &[RunRecord]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r)
            .map_err(|e| Error::Usage(format!("writing {name}: {e}")))?;
        out.push(b'\n');
    }
    crate::record::compressed::compress(&out).map_err(io(format!("compressing {name}")))
}

/// Removes the file at `path` if there is one; `what` names it in the error ("the working
/// file", "the stale").
pub fn remove_file_if_present(path: &Path, what: &str) -> Result<(), Error> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(io(format!("removing {what} {}", path.display()))(e))
        }
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` through `.NAME.tmp` beside it, renamed into place: a reader sees
/// the old file or the new one, never half of one.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let context = || format!("writing {}", path.display());
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io(context()))?;
    }
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".tmp");
    let tmp = path.with_file_name(name);
    fs::write(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io(context())(e)
        })
}

/// The effective grid, reconstructed from the records alone.
#[derive(Debug, Serialize)]
pub struct EffectiveGrid<'a> {
    pub fingerprint: &'a str,
    pub runs: usize,
    pub problems: Vec<GridProblemView<'a>>,
    pub optimizers: Vec<(&'a str, &'a str)>,
    pub batch_modes: &'a [String],
    pub schedules: &'a [String],
    pub lr_factors: Vec<f64>,
    pub tuning_seeds: &'a [usize],
    pub evaluation_seeds: &'a [usize],
    pub grid_seed: u64,
}

/// One problem of the effective grid.
#[derive(Debug, Serialize)]
pub struct GridProblemView<'a> {
    pub spec: &'a str,
    pub family: &'static str,
    pub set: crate::grid::InstanceSet,
    pub epochs: usize,
    pub configurations: usize,
}

/// The grid the records came from, as far as the records tell.
pub fn effective_grid(a: &Analysis) -> EffectiveGrid<'_> {
    let mut factors: Vec<f64> = a
        .records
        .iter()
        .map(|r| r.spec.lr / r.spec.base_lr)
        .collect();
    factors.sort_by(f64::total_cmp);
    factors.dedup_by(|x, y| (*x / *y - 1.0).abs() < 1e-9);
    EffectiveGrid {
        fingerprint: &a.grid,
        runs: a.runs,
        problems: a
            .problems
            .iter()
            .map(|p| {
                let epochs = p
                    .run_indices
                    .first()
                    .map_or(0, |&i| a.records[i].spec.epochs);
                GridProblemView {
                    spec: p.problem.as_str(),
                    family: p.family.describe(),
                    set: p.set,
                    epochs,
                    configurations: p.configurations.iter().map(Vec::len).sum(),
                }
            })
            .collect(),
        optimizers: a
            .optimizers
            .iter()
            .map(|o| (o.label.as_str(), o.spec.as_str()))
            .collect(),
        batch_modes: &a.batch_modes,
        schedules: &a.schedules,
        lr_factors: factors,
        tuning_seeds: &a.tuning_seeds,
        evaluation_seeds: &a.evaluation_seeds,
        grid_seed: a.records.first().map_or(0, |r| r.spec.grid_seed),
    }
}

/// The folder `out` is in, and its name.
fn split(out: &Path) -> Result<(PathBuf, String), Error> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            Error::Usage(format!(
                "--out {}: not a folder name; give one such as reports/latest",
                out.display()
            ))
        })?;
    Ok((parent, name))
}

/// `path` made absolute with symbolic links and `..` resolved, as far as it exists; the part
/// that does not exist yet is appended as written (`..` there drops a component).
fn resolve(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut out = real;
            for c in rest.iter().rev() {
                match c {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::CurDir => {}
                    c => out.push(c),
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(up), Some(last)) => {
                rest.push(last);
                existing = up;
            }
            _ => return path.clone(),
        }
    }
}

/// Checks a report folder `out` before any work is done: it must name a folder of its own (not
/// `/`, not the current folder or one holding it, not one holding any of `inputs`); an
/// existing `out` must be a report folder (never a file, never another kind of folder); the
/// nearest existing folder above it must be writable. Then restores a report an interrupted
/// swap left aside and removes the temporaries of dead processes (see `recover`).
pub fn check_out(out: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let refuse = |what: String| Error::Usage(format!("--out {}: {what}", out.display()));
    let (parent, name) = split(out)?;
    if name == "." || name == ".." {
        return Err(refuse(
            "not a folder name; give one such as reports/latest".into(),
        ));
    }
    let real = resolve(out);
    if real.parent().is_none() {
        return Err(refuse(
            "is the root folder; give a folder of its own such as reports/latest".into(),
        ));
    }
    if let Ok(cwd) = std::env::current_dir().map(|c| resolve(&c))
        && cwd.starts_with(&real)
    {
        return Err(refuse(
            "is the current folder or holds it; give a folder of its own such as reports/latest"
                .into(),
        ));
    }
    match fs::symlink_metadata(out) {
        Ok(m) if !m.is_dir() => {}
        _ => {
            for input in inputs {
                if resolve(input).starts_with(&real) {
                    return Err(refuse(format!(
                        "holds the input {}; the report would replace it: give another folder name",
                        input.display()
                    )));
                }
            }
        }
    }
    recover(&parent, &name)?;
    match fs::symlink_metadata(out) {
        Ok(m) if !m.is_dir() => {
            return Err(refuse(
                "is a file, not a report folder; the report would replace it: give another folder name"
                    .into(),
            ));
        }
        Ok(_) => {
            let empty = fs::read_dir(out)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty && !out.join("manifest.json").is_file() {
                return Err(refuse(
                    "is a folder but not an optbench report (no manifest.json); the report would replace it: give a new folder name"
                        .into(),
                ));
            }
        }
        Err(_) => {}
    }
    // The nearest existing folder above `out` must take new entries.
    let mut above = real.parent().map(Path::to_path_buf).unwrap_or_default();
    while !above.is_dir() {
        if !above.pop() {
            break;
        }
    }
    let probe = above.join(format!(".{name}.probe-{}", std::process::id()));
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| refuse(format!("cannot write in {}: {e}", above.display())))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// The two kinds of temporary folder a report swap leaves beside `out` when interrupted.
const TMP: &str = "tmp";
const OLD: &str = "old";

/// `.NAME.KIND-PID` beside `out`.
fn temporary(parent: &Path, name: &str, kind: &str, pid: u32) -> PathBuf {
    parent.join(format!(".{name}.{kind}-{pid}"))
}

/// Whether process `pid` is alive (on other systems than Unix: assumed alive).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        if pid <= 0 {
            return false;
        }
        // SAFETY: signal 0 sends nothing; it only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Makes good what an interrupted swap of the report `parent/name` left: when `name` is
/// missing and a dead process's `.NAME.old-PID` (a complete report moved aside) exists, it is
/// moved back; then every `.NAME.tmp-PID` and `.NAME.old-PID` of a dead process is removed.
pub fn recover(parent: &Path, name: &str) -> Result<(), Error> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let prefix = format!(".{name}.");
    let mut stale: Vec<(String, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some((kind, pid)) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once('-'))
        else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if (kind == TMP || kind == OLD) && !alive(pid) {
            stale.push((kind.to_string(), entry.path()));
        }
    }
    let out = parent.join(name);
    if fs::symlink_metadata(&out).is_err()
        && let Some((_, old)) = stale.iter().find(|(kind, _)| kind == OLD)
    {
        fs::rename(old, &out).map_err(io(format!(
            "restoring the report {} from {}",
            out.display(),
            old.display()
        )))?;
    }
    for (_, path) in &stale {
        if path.exists() {
            let _ = fs::remove_dir_all(path);
        }
    }
    Ok(())
}

/// Step 1 of a report swap: writes `files` into `.NAME.tmp-PID` beside `out` and returns it.
fn stage(out: &Path, pid: u32, files: &[(String, Vec<u8>)]) -> Result<PathBuf, Error> {
    let (parent, name) = split(out)?;
    fs::create_dir_all(&parent).map_err(io(format!("creating {}", parent.display())))?;
    let tmp = temporary(&parent, &name, TMP, pid);
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), Error> {
        for (rel, bytes) in files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))?;
            }
            let mut f =
                fs::File::create(&path).map_err(io(format!("writing {}", path.display())))?;
            f.write_all(bytes)
                .map_err(io(format!("writing {}", path.display())))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// Exchanges two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); `Ok(false)` where the
/// system or file system cannot.
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        let (a, b) = (c(a)?, c(b)?);
        // SAFETY: both are valid NUL-terminated paths, relative to the current folder.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Step 2: puts the staged report `tmp` at `out`. Where `out` holds a report, the two are
/// exchanged in one step, so `out` holds the old or the new report at every instant, and the
/// old one, now at `tmp`, is removed. Where the system cannot exchange, the old report is
/// first moved to `.NAME.old-PID` (step 2a, [`move_aside`]) and the new one moved in (step
/// 2b); [`recover`] moves the old one back if a process dies between the two.
fn swap_in(out: &Path, tmp: &Path, pid: u32) -> Result<(), Error> {
    if fs::symlink_metadata(out).is_err() {
        return fs::rename(tmp, out)
            .map_err(io(format!("moving the new report to {}", out.display())));
    }
    if exchange(tmp, out).map_err(io(format!(
        "swapping the new report in at {}",
        out.display()
    )))? {
        // `tmp` now holds the old report.
        let _ = fs::remove_dir_all(tmp);
        return Ok(());
    }
    let old = move_aside(out, pid)?;
    if let Err(e) = fs::rename(tmp, out) {
        // Put the old report back.
        let _ = fs::rename(&old, out);
        return Err(io(format!("moving the new report to {}", out.display()))(e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Step 2a of the swap without exchange: moves the old report to `.NAME.old-PID`.
fn move_aside(out: &Path, pid: u32) -> Result<PathBuf, Error> {
    let (parent, name) = split(out)?;
    let old = temporary(&parent, &name, OLD, pid);
    fs::rename(out, &old).map_err(io(format!("moving the old {} aside", out.display())))?;
    Ok(old)
}

/// Writes `files` (relative path, bytes) into a fresh folder and swaps it in for `out`: the
/// old report stays intact until the new one is complete, and `out` holds one or the other at
/// every instant (see [`swap_in`]). Leftovers of interrupted swaps by dead processes are
/// cleaned up first ([`recover`]).
pub fn write_atomically(out: &Path, files: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let (parent, name) = split(out)?;
    recover(&parent, &name)?;
    let pid = std::process::id();
    let tmp = stage(out, pid, files)?;
    let result = swap_in(out, &tmp, pid);
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pid of a process that has ended.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        child.wait().expect("wait");
        assert!(!alive(pid));
        pid
    }

    fn report(text: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            ("manifest.json".into(), b"{}".to_vec()),
            ("index.html".into(), text.as_bytes().to_vec()),
        ]
    }

    fn index(out: &Path) -> String {
        fs::read_to_string(out.join("index.html")).expect("a report at --out")
    }

    /// Names beside `out` other than `out` itself.
    fn leftovers(out: &Path) -> Vec<String> {
        let name = out.file_name().unwrap().to_string_lossy().into_owned();
        let mut v: Vec<String> = fs::read_dir(out.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| *n != name)
            .collect();
        v.sort();
        v
    }

    /// A process killed at each step of a swap leaves a report at `--out` (the old or the new
    /// one), and the next writer restores or cleans up what it left.
    #[test]
    fn an_interrupted_swap_is_recovered_at_every_step() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("latest");
        let (parent, name) = (dir.path(), "latest");
        write_atomically(&out, &report("old")).unwrap();
        assert!(leftovers(&out).is_empty());

        // Killed while staging (or after staging, before the swap): the old report stays;
        // the staged folder is removed by the next writer.
        let dead = dead_pid();
        let tmp = stage(&out, dead, &report("new")).unwrap();
        assert_eq!(index(&out), "old");
        recover(parent, name).unwrap();
        assert_eq!(index(&out), "old");
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
        assert!(!tmp.exists());

        // Killed after the exchange: the new report is in place, the old one at `tmp`.
        let tmp = stage(&out, dead, &report("new")).unwrap();
        assert!(
            exchange(&tmp, &out).unwrap(),
            "this test needs RENAME_EXCHANGE"
        );
        assert_eq!(index(&out), "new");
        assert_eq!(index(&tmp), "old");
        recover(parent, name).unwrap();
        assert_eq!(index(&out), "new");
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));

        // Without exchange, killed between moving the old report aside and moving the new
        // one in: nothing at `out` until the next writer moves the old one back.
        let tmp = stage(&out, dead, &report("newer")).unwrap();
        let old = move_aside(&out, dead).unwrap();
        assert!(!out.exists());
        recover(parent, name).unwrap();
        assert_eq!(index(&out), "new");
        assert!(!old.exists() && !tmp.exists());
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));

        // The same interruption, then a full write: it restores, cleans and swaps.
        stage(&out, dead, &report("lost")).unwrap();
        move_aside(&out, dead).unwrap();
        write_atomically(&out, &report("newest")).unwrap();
        assert_eq!(index(&out), "newest");
        assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));

        // A live process's temporaries are left alone.
        let live = temporary(parent, name, TMP, std::process::id());
        fs::create_dir(&live).unwrap();
        recover(parent, name).unwrap();
        assert!(live.exists());
    }

    /// The swap leaves no moment without a report at `--out`: a watcher sees one throughout.
    #[test]
    fn the_swap_always_leaves_a_report_at_out() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        write_atomically(&out, &report("0")).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = {
            let (out, stop) = (out.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut misses = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    misses += usize::from(!out.join("index.html").exists());
                }
                misses
            })
        };
        for i in 1..200 {
            write_atomically(&out, &report(&i.to_string())).unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(watcher.join().unwrap(), 0);
        assert_eq!(index(&out), "199");
    }

    #[test]
    fn check_out_refuses_what_it_must_not_replace() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let file = d.join("results.jsonl");
        fs::write(&file, "x").unwrap();
        let err = |out: &Path, inputs: &[&Path]| check_out(out, inputs).unwrap_err().to_string();
        assert!(
            err(&file, &[&file]).contains("is a file"),
            "{}",
            err(&file, &[&file])
        );
        assert!(err(Path::new("/"), &[]).contains("--out /:"));
        assert!(err(Path::new("."), &[]).contains("not a folder name"));
        let cwd = std::env::current_dir().unwrap();
        assert!(
            err(&cwd, &[]).contains("current folder"),
            "{}",
            err(&cwd, &[])
        );
        assert!(
            err(d, &[&file]).contains("holds the input"),
            "{}",
            err(d, &[&file])
        );
        let other = d.join("src");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("main.rs"), "").unwrap();
        assert!(err(&other, &[]).contains("not an optbench report"));
        // A new folder, an empty one and a report are fine.
        check_out(&d.join("new/report"), &[&file]).unwrap();
        fs::create_dir(d.join("empty")).unwrap();
        check_out(&d.join("empty"), &[&file]).unwrap();
        write_atomically(&d.join("rep"), &report("x")).unwrap();
        check_out(&d.join("rep"), &[&file]).unwrap();
        assert!(!d.join("new").exists(), "checking creates nothing");
    }
}
