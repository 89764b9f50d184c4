//! Results files: JSON lines, one [`RunRecord`] per line. Records are appended and flushed as
//! runs finish, so a killed run loses nothing finished; a torn tail (a write cut short) is
//! reported and ignored when the file is read back (and removed by `--resume`), while a line
//! that is not a valid record anywhere else is an error. When
//! a grid completes, the file is rewritten in run-id order (atomically), so a finished results
//! file is the same bytes whatever the thread count.
//!
//! A results file is read the same whether it is plain or compressed (zstd or gzip, told by its
//! first bytes, see [`super::compressed`]); a finished file whose name ends in `.zst` is
//! written compressed. Runs in flight always append plain lines, so a compressed file that
//! is resumed is first rewritten plain, and compressed again when the grid completes.
//!
//! A fresh run never touches an existing results file before it completes (it writes
//! `.NAME.partial` beside it and renames it in), so a failed run leaves the old file byte for
//! byte; one run at a time writes a results file, held to it by an advisory lock on
//! `.NAME.lock` beside it (the lock file stays; the lock ends with the process).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use super::RunRecord;
use super::compressed::{self, Encoding};

/// A results file that cannot be read, written or merged.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The file cannot be written.
    #[error("{path}: cannot write: {reason}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A compressed file whose stream is cut short or damaged.
    #[error("{path}: {reason}; nothing was read from it")]
    Damaged {
        /// The file.
        path: String,
        /// What is wrong with its stream.
        reason: String,
    },
    /// A line in the middle of the file is not a record.
    #[error("{path}, line {line}: not a run record ({reason}); the file is left as it is")]
    Corrupt {
        /// The file.
        path: String,
        /// The line (1-based).
        line: usize,
        /// What went wrong.
        reason: String,
    },
    /// Two files hold different records under one run id.
    #[error("run {id} differs between {first} and {second}")]
    Conflict {
        /// The run id.
        id: String,
        /// The first file (or line) holding the run.
        first: String,
        /// The second file (or line) holding the run.
        second: String,
    },
    /// The file holds runs of another grid.
    #[error(
        "{path} holds runs of another grid (fingerprint {found}, this grid is {expected}); use another --out or remove the file"
    )]
    ForeignGrid {
        /// The file.
        path: String,
        /// The file's grid fingerprint.
        found: String,
        /// This grid's fingerprint.
        expected: String,
    },
    /// One file holds two different records under one run id.
    #[error(
        "{path}: run {id} appears on line {first} and again, with different results, on line {second}; a run id names one run"
    )]
    Duplicate {
        /// The file.
        path: String,
        /// The run id.
        id: String,
        /// The first file (or line) holding the run.
        first: usize,
        /// The second file (or line) holding the run.
        second: usize,
    },
    /// A record that cannot be written as it is.
    #[error(
        "run {id}: {field} is not finite (NaN or infinite); a results file holds finite numbers only"
    )]
    NonFinite {
        /// The run id.
        id: String,
        /// The field that is not finite.
        field: &'static str,
    },
    /// The files hold runs of several grids.
    #[error("{files} hold runs of {count} grids ({grids}); give the runs of one grid at a time")]
    MixedGrids {
        /// The files, listed.
        files: String,
        /// How many grids.
        count: usize,
        /// Their fingerprints, listed.
        grids: String,
    },
    /// The file holds no records.
    #[error("{path}: no run records")]
    Empty {
        /// The file.
        path: String,
    },
    /// Another optbench process holds the file's lock (it is writing the file now).
    #[error(
        "{path} is being written by another optbench run (it holds {lock}); wait for it to finish or use another --out"
    )]
    Busy {
        /// The file.
        path: String,
        /// The lock file.
        lock: String,
    },
}

/// Records read back from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsRead {
    /// The records, in file order (a run id found twice with identical records, wall-clock
    /// fields aside, is kept once).
    pub records: Vec<RunRecord>,
    /// Whether the file ends in a torn write (a last line without its newline that is not a
    /// record, or NUL bytes) that was ignored: `--resume` drops it before appending.
    pub torn_tail: bool,
    /// What was ignored at the end of the file, for a warning (`None`: nothing).
    pub ignored: Option<String>,
    /// Whether the file is empty or ends with a newline (else an append must start a line).
    pub ends_cleanly: bool,
    /// Whether the file is compressed (it cannot be appended to as it is).
    pub compressed: bool,
}

/// Reads a results file. What a killed writer leaves at the end (NUL bytes, or a last line
/// without its newline that does not parse) is ignored with a warning on stderr naming the
/// file and the line; any other line that is not a valid record ([`RunRecord::validate`]) is
/// [`RecordError::Corrupt`], and two different records under one run id are
/// [`RecordError::Duplicate`]. Lines are parsed in parallel (a quick-preset file is 70 MB);
/// the outcome is the same as reading them one by one: the first bad line decides. A
/// compressed file is decompressed first (a stream cut short is [`RecordError::Damaged`]:
/// a compressed file is written whole, so it has no torn tail to ignore).
pub fn read_results(path: &Path) -> Result<ResultsRead, RecordError> {
    let display = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| RecordError::Read {
        path: display.clone(),
        reason: e.to_string(),
    })?;
    let (bytes, encoding) = compressed::decode(bytes).map_err(|reason| RecordError::Damaged {
        path: display.clone(),
        reason,
    })?;
    // NUL bytes at the end: space a crash allocated but never wrote.
    let written = bytes.len() - bytes.iter().rev().take_while(|&&b| b == 0).count();
    let nuls = bytes.len() - written;
    let bytes = &bytes[..written];
    // (1-based line number, the line without its ending, ended by a newline)
    let lines: Vec<(usize, &[u8], bool)> = bytes
        .split_inclusive(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| {
            let complete = l.ends_with(b"\n");
            let l = l.strip_suffix(b"\n").unwrap_or(l);
            (i + 1, l.strip_suffix(b"\r").unwrap_or(l), complete)
        })
        .filter(|(_, l, _)| !l.trim_ascii().is_empty())
        .collect();
    let parsed: Vec<Result<RunRecord, String>> = lines
        .par_iter()
        .map(|(_, l, _)| {
            let record = serde_json::from_slice::<RunRecord>(l)
                .map_err(|e| other_schema(l).unwrap_or_else(|| e.to_string()))?;
            record.validate()?;
            Ok(record)
        })
        .collect();
    let mut records: Vec<RunRecord> = Vec::with_capacity(parsed.len());
    let mut ignored = Vec::new();
    // The line each run id was first read from.
    let mut seen: std::collections::HashMap<String, (usize, usize)> = Default::default();
    let last_line = lines.last().map(|l| l.0);
    for ((number, line, complete), result) in lines.iter().zip(parsed) {
        match result {
            Ok(record) => match seen.get(&record.spec.id) {
                Some(&(first, at)) => {
                    if records[at].without_timing() != record.without_timing() {
                        return Err(RecordError::Duplicate {
                            path: display,
                            id: record.spec.id.clone(),
                            first,
                            second: *number,
                        });
                    }
                }
                None => {
                    seen.insert(record.spec.id.clone(), (*number, records.len()));
                    records.push(record);
                }
            },
            // Only the last line can be a write cut short.
            Err(_) if !complete && Some(*number) == last_line => {
                ignored.push(format!(
                    "line {number} is torn (a write cut short: {} bytes without a newline)",
                    line.len()
                ));
            }
            Err(reason) => {
                return Err(RecordError::Corrupt {
                    path: display,
                    line: *number,
                    reason,
                });
            }
        }
    }
    if nuls > 0 {
        ignored.push(format!(
            "{nuls} NUL bytes end the file (space a crash allocated but never wrote)"
        ));
    }
    let ignored = (!ignored.is_empty()).then(|| ignored.join("; "));
    if let Some(what) = &ignored {
        eprintln!(
            "warning: {display}: {what}; ignored (`optbench run --resume` removes it from the file)"
        );
    }
    Ok(ResultsRead {
        records,
        torn_tail: ignored.is_some(),
        ignored,
        ends_cleanly: nuls == 0 && (bytes.is_empty() || bytes.ends_with(b"\n")),
        compressed: encoding != Encoding::Plain,
    })
}

/// For a line that is a record of another layout version, what to say instead of the parse
/// error.
fn other_schema(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Version {
        schema: u32,
    }
    let v: Version = serde_json::from_slice(line).ok()?;
    (v.schema != super::SCHEMA_VERSION).then(|| super::other_version(v.schema))
}

/// One record as its results-file line (JSON and a newline). A record holding NaN or an
/// infinity is refused ([`RecordError::NonFinite`]): JSON would write it as `null`, which no
/// reader accepts.
pub fn encode_line(record: &RunRecord) -> Result<Vec<u8>, RecordError> {
    if let Some(field) = record.non_finite() {
        return Err(RecordError::NonFinite {
            id: record.spec.id.clone(),
            field,
        });
    }
    let mut line = serde_json::to_vec(record).map_err(|e| RecordError::Write {
        path: format!("run {}", record.spec.id),
        reason: e.to_string(),
    })?;
    line.push(b'\n');
    Ok(line)
}

/// Checks that `records` (read from `files`) belong to one grid.
pub fn check_one_grid(records: &[RunRecord], files: &str) -> Result<(), RecordError> {
    let grids: std::collections::BTreeSet<&str> = records.iter().map(|r| r.grid.as_str()).collect();
    if grids.len() > 1 {
        return Err(RecordError::MixedGrids {
            files: files.to_string(),
            count: grids.len(),
            grids: grids.into_iter().collect::<Vec<_>>().join(", "),
        });
    }
    Ok(())
}

/// Writes `records` sorted by run id to `path`, through a temporary file renamed into place,
/// compressed when the name ends in `.zst` ([`compressed::compresses`]). Lines are encoded in
/// parallel and written in order.
pub fn write_sorted(path: &Path, records: &[RunRecord]) -> Result<(), RecordError> {
    write_sorted_as(path, records, compressed::compresses(path))
}

/// [`write_sorted`], compressed or plain as `compress` says.
fn write_sorted_as(path: &Path, records: &[RunRecord], compress: bool) -> Result<(), RecordError> {
    let mut sorted: Vec<&RunRecord> = records.iter().collect();
    sorted.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
    let tmp = temporary(path);
    let write = |e: std::io::Error| RecordError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let lines: Vec<Vec<u8>> = sorted
        .par_iter()
        .map(|r| encode_line(r))
        .collect::<Result<_, _>>()?;
    {
        let mut out = std::io::BufWriter::new(File::create(&tmp).map_err(write)?);
        if compress {
            out.write_all(&compressed::compress(&lines.concat()).map_err(write)?)
                .map_err(write)?;
        } else {
            for line in &lines {
                out.write_all(line).map_err(write)?;
            }
        }
        out.flush().map_err(write)?;
        out.get_ref().sync_all().map_err(write)?;
    }
    fs::rename(&tmp, path).map_err(write)
}

fn temporary(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Rewrites a results file in run-id order (atomically).
pub fn finalize(path: &Path) -> Result<(), RecordError> {
    let read = read_results(path)?;
    write_sorted(path, &read.records)
}

/// `path` with its name turned into `.NAME{suffix}` (a hidden file beside it).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(suffix);
    path.with_file_name(name)
}

/// The lock file of a results file: `.NAME.lock` beside it (the results file itself is
/// replaced by a rename when a run completes, so it cannot carry the lock).
pub fn lock_path(path: &Path) -> PathBuf {
    beside(path, ".lock")
}

/// The file a fresh run writes while an older results file is still at `path`: `.NAME.partial`
/// beside it, renamed over `path` when the run completes.
pub fn partial_path(path: &Path) -> PathBuf {
    beside(path, ".partial")
}

/// The exclusive advisory lock on a results file, held while a run writes it; released when
/// dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub struct ResultsLock {
    _file: File,
}

/// Takes the lock on the results file `path` at once, or fails with [`RecordError::Busy`]
/// naming the file. Refuses a `path` that is a folder. Creates the folder `path` is in.
pub fn lock_results(path: &Path) -> Result<ResultsLock, RecordError> {
    let display = path.display().to_string();
    let write = |reason: String| RecordError::Write {
        path: display.clone(),
        reason,
    };
    if path.is_dir() {
        return Err(write(
            "is a folder, not a results file; give a file name such as results.jsonl".into(),
        ));
    }
    if path.file_name().is_none() {
        return Err(write(
            "not a file name; give one such as results.jsonl".into(),
        ));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| write(e.to_string()))?;
    }
    let lock = lock_path(path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .map_err(|e| write(format!("cannot create its lock {}: {e}", lock.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(ResultsLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(RecordError::Busy {
            path: display,
            lock: lock.display().to_string(),
        }),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(write(format!("cannot lock {}: {e}", lock.display())))
        }
    }
}

/// Appends records to a results file, one flushed line each.
///
/// A resumed run appends to the results file itself. A fresh run never touches an existing
/// results file until it completes: it writes `.NAME.partial` beside it, and [`finish`]
/// renames that over the old file (a failed or killed run leaves the old file as it was, and
/// the next fresh run starts the partial file again). Where no results file exists yet, a
/// fresh run writes it directly, so a killed run can be resumed.
///
/// [`finish`]: ResultsWriter::finish
#[derive(Debug)]
pub struct ResultsWriter {
    /// The results file.
    out: PathBuf,
    /// Where the records go: `out`, or its partial file.
    path: PathBuf,
    file: File,
}

impl ResultsWriter {
    /// Opens the results file `out` for writing. With `existing` (a resumed file), records are
    /// appended to it; a torn tail is first cut off by rewriting the file (atomically) with
    /// the records read, and so is a compressed file (it is written plain until the run
    /// completes). Without `existing`, a fresh file is started: `out` itself when there
    /// is none yet, else its partial file (see [`ResultsWriter`]). Call after every input has
    /// been validated, holding the file's [`lock_results`] lock.
    pub fn open(out: &Path, existing: Option<&ResultsRead>) -> Result<ResultsWriter, RecordError> {
        let write = |path: &Path, e: std::io::Error| RecordError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| write(out, e))?;
        }
        let path = match existing {
            Some(read) => {
                if read.compressed {
                    write_sorted_as(out, &read.records, false)?;
                } else if read.torn_tail || !read.ends_cleanly {
                    write_sorted_as(out, &read.records, false)?;
                    if let Some(what) = &read.ignored {
                        eprintln!(
                            "{}: repaired for --resume: removed what a write cut short ({what}); {} records kept",
                            out.display(),
                            read.records.len()
                        );
                    }
                }
                out.to_path_buf()
            }
            None if out.exists() => partial_path(out),
            None => out.to_path_buf(),
        };
        let file = if path == out && existing.is_some() {
            OpenOptions::new().append(true).open(&path)
        } else {
            OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&path)
        }
        .map_err(|e| write(&path, e))?;
        Ok(ResultsWriter {
            out: out.to_path_buf(),
            path,
            file,
        })
    }

    /// Where the records are written now.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a line made by [`encode_line`] and flushes it to the file. Workers encode their
    /// records in parallel and hold the writer only for this.
    pub fn append_line(&mut self, line: &[u8]) -> Result<(), RecordError> {
        self.file
            .write_all(line)
            .and_then(|()| self.file.flush())
            .map_err(|e| RecordError::Write {
                path: self.path.display().to_string(),
                reason: e.to_string(),
            })
    }

    /// The run completed: the records, sorted by run id, replace the results file atomically.
    pub fn finish(self) -> Result<(), RecordError> {
        drop(self.file);
        let read = read_results(&self.path)?;
        write_sorted(&self.out, &read.records)?;
        if self.path != self.out {
            let _ = fs::remove_file(&self.path);
        }
        Ok(())
    }

    /// The run failed: a partial file beside an existing results file is removed (the results
    /// file is as it was); records written directly to a new results file are kept, for
    /// `--resume`.
    pub fn abandon(self) {
        drop(self.file);
        if self.path != self.out {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Reads and merges results files: records deduplicated by run id (identical records,
/// wall-clock fields aside, are one record); two different records with one id are an error
/// naming both files. Sorted by run id.
pub fn merge_files(paths: &[PathBuf]) -> Result<Vec<RunRecord>, RecordError> {
    let mut by_id: BTreeMap<String, (RunRecord, String)> = BTreeMap::new();
    for path in paths {
        let read = read_results(path)?;
        // A shard may hold no configuration of a small grid; the files together may not be
        // empty.
        for record in read.records {
            let here = path.display().to_string();
            match by_id.get(&record.spec.id) {
                Some((seen, first)) => {
                    if seen.without_timing() != record.without_timing() {
                        return Err(RecordError::Conflict {
                            id: record.spec.id.clone(),
                            first: first.clone(),
                            second: here,
                        });
                    }
                }
                None => {
                    by_id.insert(record.spec.id.clone(), (record, here));
                }
            }
        }
    }
    if by_id.is_empty() {
        return Err(RecordError::Empty {
            path: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(by_id.into_values().map(|(r, _)| r).collect())
}

/// `folder` with `suffix` appended to its name: `reports/latest` → `reports/latest{suffix}`.
pub fn beside_folder(folder: &Path, suffix: &str) -> PathBuf {
    let mut name = folder
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    folder.with_file_name(name)
}

/// Where a report folder's records are kept: beside it, not in it (`reports/latest` →
/// `reports/latest.results.jsonl.zst`). The folder is what gets published; the records hold
/// every run's curves, many times the folder's size, and are what `--resume`, `render`,
/// `compare` and `export` read.
pub fn records_beside(folder: &Path) -> PathBuf {
    beside_folder(folder, ".results.jsonl.zst")
}

/// Where a report folder's timing pass is kept: `reports/latest` → `reports/latest.timing.json`
/// (the file `timing::file::beside` names for its records).
pub fn timing_beside(folder: &Path) -> PathBuf {
    beside_folder(folder, ".timing.json")
}

/// Where a report folder's claims' records are kept: `reports/latest` →
/// `reports/latest.claims.jsonl.zst` (where `render` looks beside the results).
pub fn claim_records_beside(folder: &Path) -> PathBuf {
    beside_folder(folder, ".claims.jsonl.zst")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh run over an existing results file writes beside it; abandoning it leaves the
    /// old file byte for byte as it was, finishing replaces it.
    #[test]
    fn a_fresh_run_replaces_an_existing_file_only_when_it_completes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.jsonl");
        fs::write(&out, b"old bytes\n").unwrap();
        let mut w = ResultsWriter::open(&out, None).unwrap();
        assert_eq!(w.path(), partial_path(&out));
        w.append_line(b"\n").unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"old bytes\n");
        w.abandon();
        assert_eq!(fs::read(&out).unwrap(), b"old bytes\n");
        assert!(!partial_path(&out).exists());
        let w = ResultsWriter::open(&out, None).unwrap();
        w.finish().unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"");
        assert!(!partial_path(&out).exists());
        // No file yet: written in place (a killed run can be resumed).
        let new = dir.path().join("new.jsonl");
        let w = ResultsWriter::open(&new, None).unwrap();
        assert_eq!(w.path(), new);
    }

    #[test]
    fn a_second_writer_is_refused_while_the_lock_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sub/r.jsonl");
        let held = lock_results(&out).unwrap();
        let err = lock_results(&out).unwrap_err();
        assert!(matches!(err, RecordError::Busy { .. }), "{err}");
        assert!(
            err.to_string().contains("r.jsonl is being written"),
            "{err}"
        );
        drop(held);
        lock_results(&out).unwrap();
        let err = lock_results(dir.path()).unwrap_err().to_string();
        assert!(err.contains("is a folder"), "{err}");
    }
}
