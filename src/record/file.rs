//! Results files: JSON lines, one [`RunRecord`] per line. Records are appended and flushed as
//! runs finish, so a killed run loses nothing finished; a torn tail (a write cut short) is
//! reported and ignored when the file is read back (and removed by `--resume`), while a line
//! that is not a valid record anywhere else is an error. When
//! a grid completes, the file is rewritten in run-id order (atomically), so a finished results
//! file is the same bytes whatever the thread count.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use super::RunRecord;

/// A results file that cannot be read, written or merged.
#[derive(Debug, Error)]
pub enum RecordError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    /// The file cannot be written.
    #[error("{path}: cannot write: {reason}")]
    Write { path: String, reason: String },
    /// A line in the middle of the file is not a record.
    #[error("{path}, line {line}: not a run record ({reason}); the file is left as it is")]
    Corrupt {
        path: String,
        line: usize,
        reason: String,
    },
    /// Two files hold different records under one run id.
    #[error("run {id} differs between {first} and {second}")]
    Conflict {
        id: String,
        first: String,
        second: String,
    },
    /// The file holds runs of another grid.
    #[error(
        "{path} holds runs of another grid (fingerprint {found}, this grid is {expected}); use another --out or remove the file"
    )]
    ForeignGrid {
        path: String,
        found: String,
        expected: String,
    },
    /// One file holds two different records under one run id.
    #[error(
        "{path}: run {id} appears on line {first} and again, with different results, on line {second}; a run id names one run"
    )]
    Duplicate {
        path: String,
        id: String,
        first: usize,
        second: usize,
    },
    /// A record that cannot be written as it is.
    #[error(
        "run {id}: {field} is not finite (NaN or infinite); a results file holds finite numbers only"
    )]
    NonFinite { id: String, field: &'static str },
    /// The files hold runs of several grids.
    #[error("{files} hold runs of {count} grids ({grids}); give the runs of one grid at a time")]
    MixedGrids {
        files: String,
        count: usize,
        grids: String,
    },
    /// The file holds no records.
    #[error("{path}: no run records")]
    Empty { path: String },
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
}

/// Reads a results file. What a killed writer leaves at the end (NUL bytes, or a last line
/// without its newline that does not parse) is ignored with a warning on stderr naming the
/// file and the line; any other line that is not a valid record ([`RunRecord::validate`]) is
/// [`RecordError::Corrupt`], and two different records under one run id are
/// [`RecordError::Duplicate`]. Lines are parsed in parallel (a quick-preset file is 70 MB);
/// the outcome is the same as reading them one by one: the first bad line decides.
pub fn read_results(path: &Path) -> Result<ResultsRead, RecordError> {
    let display = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| RecordError::Read {
        path: display.clone(),
        reason: e.to_string(),
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

/// Writes `records` sorted by run id to `path`, through a temporary file renamed into place.
/// Lines are encoded in parallel and written in order.
pub fn write_sorted(path: &Path, records: &[RunRecord]) -> Result<(), RecordError> {
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
        for line in &lines {
            out.write_all(line).map_err(write)?;
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

/// Appends records to a results file, one flushed line each.
#[derive(Debug)]
pub struct ResultsWriter {
    path: PathBuf,
    file: File,
}

impl ResultsWriter {
    /// Opens `path` for appending. With `existing` (a resumed file whose tail was torn, or
    /// whose last line lacks its newline), the file is first rewritten with those records
    /// only, so the next line starts cleanly, and a message on stderr says so. Without
    /// `existing`, the file is created empty (replacing any old one).
    pub fn open(path: &Path, existing: Option<&ResultsRead>) -> Result<ResultsWriter, RecordError> {
        let display = path.display().to_string();
        let write = |e: std::io::Error| RecordError::Write {
            path: display.clone(),
            reason: e.to_string(),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(write)?;
        }
        match existing {
            Some(read) if read.torn_tail || !read.ends_cleanly => {
                write_sorted(path, &read.records)?;
                if let Some(what) = &read.ignored {
                    eprintln!(
                        "{display}: repaired for --resume: removed what a write cut short ({what}); {} records kept",
                        read.records.len()
                    );
                }
            }
            Some(_) => {}
            None => {
                File::create(path).map_err(write)?;
            }
        }
        let file = OpenOptions::new().append(true).open(path).map_err(write)?;
        Ok(ResultsWriter {
            path: path.to_path_buf(),
            file,
        })
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
