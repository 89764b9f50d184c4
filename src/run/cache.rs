//! The result cache: a folder of run records, each stored under the record's *key*, so
//! `--only` can rerun some optimizers' runs and take every other record from earlier runs.
//!
//! A key is the first 32 hex digits of SHA-256 over
//! - the run's canonical spec ([`RunSpec`] as JSON: canonical problem, optimizer, batch and
//!   schedule specs, lr, seed index and role, epochs, grid seed, label, ...) and the record
//!   layout version;
//! - the code that computes the record: a hash of the shared code (harness, problems,
//!   schedules, batch modes, data, spec parsing, random streams, records), the optimizer's
//!   own version (for a built-in, a hash of its file made at build time; for one registered
//!   from outside the crate, the version it was registered with);
//! - the contents of a data file the problem reads (a `path` key), so an edited CSV file is
//!   a different run.
//!
//! The grid's fingerprint is not part of the key (a record's results do not depend on the
//! rest of the grid); a record taken from the cache gets the fingerprint of the grid being
//! run.
//!
//! Records are kept in *packs*: JSON-lines files whose lines are `KEY<TAB>RECORD`. A grid
//! run (one shard of it) writes every record it ends with (executed, resumed or taken from
//! the cache) to a pack of its own, `pack-<grids and shard>.jsonl`, which replaces the pack
//! of the previous run of the same grid and shard when the run ends, so the folder holds at
//! most one pack per grid and shard run into it, never a growing pile. Until it ends, the
//! pack is a `.partial` file that is already read (a crashed run's records are not lost).
//! One sequential file per run instead of one file per record: writing 100,000 small files
//! cost more than the runs. A line that cannot be read, is not a valid record, or holds
//! another run is ignored (the run is executed again), never an error.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::grid::RunSpec;
use crate::record::{RunRecord, SCHEMA_VERSION};

/// Build-time hashes of the code (see `build.rs`).
mod code {
    include!(concat!(env!("OUT_DIR"), "/code_versions.rs"));
}

/// The hash of the code every record depends on (harness, problems, schedules, ...), made
/// at build time.
pub fn shared_code_version() -> &'static str {
    code::SHARED
}

/// The code version of optimizer `name`: the build-time hash of a built-in's file, or the
/// version an optimizer registered from outside the crate was given.
pub fn optimizer_code_version(name: &str) -> String {
    code::OPTIMIZERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
        .or_else(|| crate::optim::registered_version(name).map(|v| format!("registered:{v}")))
        .unwrap_or_else(|| format!("unversioned:{name}"))
}

/// Where a key's line is: pack file, byte offset, length (without the newline).
type Place = (usize, u64, usize);

/// The packs' contents by key, read once on the first lookup.
#[derive(Debug, Default)]
struct Index {
    packs: Vec<PathBuf>,
    lines: HashMap<String, Place>,
}

/// The pack this process writes.
#[derive(Debug)]
struct Pack {
    partial: PathBuf,
    writer: BufWriter<File>,
}

/// A cache folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Digest of the data file of each problem spec (empty: the problem reads none).
    data: Mutex<HashMap<String, String>>,
    index: OnceLock<Index>,
    /// The pack being written (`None` until the first record, or after a failed write).
    pack: Mutex<Option<Pack>>,
    /// This run's pack name (set by [`Cache::start`]).
    name: Mutex<String>,
    /// Whether a failed write was reported (once per cache).
    warned: AtomicBool,
}

impl Clone for Cache {
    fn clone(&self) -> Cache {
        Cache::new(self.dir.clone())
    }
}

/// A unique suffix for the partial packs of this process.
static PARTIAL: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache in folder `dir` (created when the first record is stored).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            data: Mutex::new(HashMap::new()),
            index: OnceLock::new(),
            pack: Mutex::new(None),
            name: Mutex::new("pack-default".into()),
            warned: AtomicBool::new(false),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Names the pack this run writes after what it runs (`what`: the grids' fingerprints
    /// and the shard), so the next run of the same grid and shard replaces it.
    pub fn start(&self, what: &str) {
        let d = Sha256::digest(what.as_bytes());
        let hex: String = d[..8].iter().map(|b| format!("{b:02x}")).collect();
        *self.name.lock().unwrap_or_else(|p| p.into_inner()) = format!("pack-{hex}");
    }

    /// The key of `spec`'s record.
    pub fn key(&self, spec: &RunSpec) -> String {
        let mut h = Sha256::new();
        let mut part = |p: &[u8]| {
            h.update(p);
            h.update([0u8]);
        };
        part(b"optbench-cache-v1");
        part(SCHEMA_VERSION.to_string().as_bytes());
        part(&serde_json::to_vec(spec).expect("a spec serializes"));
        part(code::SHARED.as_bytes());
        part(optimizer_code_version(&spec.optimizer_name).as_bytes());
        part(self.data_digest(&spec.problem).as_bytes());
        let d = h.finalize();
        d[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The digest of the file a problem reads (its `path` key), "" for none.
    fn data_digest(&self, problem: &str) -> String {
        let mut known = self.data.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(d) = known.get(problem) {
            return d.clone();
        }
        let digest = crate::problem::parse(problem)
            .ok()
            .and_then(|p| match p.params.get("path") {
                Some(crate::spec::Value::Text(path)) => Some(path.to_string()),
                _ => None,
            })
            .map(|path| match fs::read(&path) {
                Ok(bytes) => Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                Err(e) => format!("unreadable {path}: {}", e.kind()),
            })
            .unwrap_or_default();
        known.insert(problem.to_string(), digest.clone());
        digest
    }

    /// The packs in the folder (finished and partial), oldest first, so a later pack's
    /// record of a key wins; this process's own partial pack is left out.
    fn packs(&self) -> Vec<PathBuf> {
        let own = self
            .pack
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|p| p.partial.clone());
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut packs: Vec<(std::time::SystemTime, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                (name.starts_with("pack-") && name.ends_with(".jsonl"))
                    || (name.starts_with(".pack-") && name.ends_with(".partial"))
            })
            .filter(|p| Some(p) != own.as_ref())
            .map(|p| {
                let modified = fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                (modified, p)
            })
            .collect();
        packs.sort();
        packs.into_iter().map(|(_, p)| p).collect()
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index {
                packs: self.packs(),
                lines: HashMap::new(),
            };
            for (i, path) in index.packs.iter().enumerate() {
                let Ok(file) = File::open(path) else { continue };
                let mut reader = BufReader::with_capacity(1 << 20, file);
                let mut offset = 0u64;
                let mut line = Vec::new();
                loop {
                    line.clear();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            // A torn last line (no newline) is left out.
                            if line.last() == Some(&b'\n')
                                && let Some(tab) = line.iter().position(|&b| b == b'\t')
                                && let Ok(key) = std::str::from_utf8(&line[..tab])
                            {
                                let at = (i, offset + tab as u64 + 1, n - tab - 2);
                                index.lines.insert(key.to_string(), at);
                            }
                            offset += n as u64;
                        }
                    }
                }
            }
            index
        })
    }

    /// The cached record of `spec`, carrying `grid` as its grid fingerprint; `None` when there
    /// is none or the stored line is not a valid record of this run.
    pub fn get(&self, spec: &RunSpec, grid: &str) -> Option<RunRecord> {
        let index = self.index();
        let &(pack, offset, len) = index.lines.get(&self.key(spec))?;
        let mut file = File::open(&index.packs[pack]).ok()?;
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut bytes = vec![0u8; len];
        file.read_exact(&mut bytes).ok()?;
        let mut record: RunRecord = serde_json::from_slice(&bytes).ok()?;
        record.validate().ok()?;
        if record.spec != *spec {
            return None;
        }
        record.grid = grid.to_string();
        Some(record)
    }

    /// Stores `line` (a record of `spec` as written to a results file, newline-ended) in
    /// this run's pack. A failure is reported once on stderr and otherwise ignored: the cache
    /// only saves time.
    pub fn put(&self, spec: &RunSpec, line: &[u8]) {
        let key = self.key(spec);
        let mut pack = self.pack.lock().unwrap_or_else(|p| p.into_inner());
        let written = match pack.as_mut() {
            Some(p) => Ok(p),
            None => self.open_pack().map(|p| pack.insert(p)),
        }
        .and_then(|p| {
            let w = &mut p.writer;
            w.write_all(key.as_bytes())
                .and_then(|()| w.write_all(b"\t"))
                .and_then(|()| w.write_all(line))
                .map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            *pack = None;
            self.warn(&e);
        }
    }

    fn open_pack(&self) -> Result<Pack, String> {
        if self.warned.load(Ordering::Relaxed) {
            return Err("an earlier write failed".into());
        }
        fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let name = self.name.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let partial = self.dir.join(format!(
            ".{name}.{}-{}.partial",
            std::process::id(),
            PARTIAL.fetch_add(1, Ordering::Relaxed)
        ));
        let file = File::create(&partial).map_err(|e| e.to_string())?;
        Ok(Pack {
            partial,
            writer: BufWriter::with_capacity(1 << 20, file),
        })
    }

    fn warn(&self, e: &str) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            eprintln!(
                "warning: cannot write to the result cache {}: {e}; records are not cached",
                self.dir.display()
            );
        }
    }

    /// Ends this run's pack: it replaces the pack of the previous run of the same grid and
    /// shard, and partial packs of that name left by crashed runs are removed. No fsync: a
    /// line torn by a crash fails validation on read and its run is executed again.
    pub fn finish(&self) {
        let Some(mut pack) = self.pack.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return;
        };
        let name = self.name.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let done = self.dir.join(format!("{name}.jsonl"));
        let result = pack
            .writer
            .flush()
            .and_then(|()| fs::rename(&pack.partial, &done));
        if let Err(e) = result {
            let _ = fs::remove_file(&pack.partial);
            self.warn(&e.to_string());
            return;
        }
        let stale = format!(".{name}.");
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for e in entries.filter_map(|e| e.ok()) {
                let n = e.file_name();
                let n = n.to_string_lossy();
                if n.starts_with(&stale) && n.ends_with(".partial") {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Grid, plan};
    use crate::record::encode_line;

    const GRID: &str = r#"
epochs = 3
tuning_seeds = 1
evaluation_seeds = 1
problems = ["quadratic:kappa=10"]
optimizers = ["sgd", "adam"]
[lr]
points = 1
"#;

    fn specs() -> (Vec<RunSpec>, String) {
        let p = plan(&Grid::from_toml(GRID, "g").unwrap());
        let specs = p
            .configurations
            .iter()
            .map(|c| c.run(c.sweep.own(), 0))
            .collect();
        (specs, p.fingerprint)
    }

    fn record(spec: &RunSpec, grid: &str) -> RunRecord {
        let inst = crate::run::instance(spec).unwrap();
        crate::run::execute(spec, &inst, grid).unwrap()
    }

    fn store(cache: &Cache, r: &RunRecord) {
        cache.put(&r.spec, &encode_line(r).unwrap());
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn keys_follow_the_spec_and_the_optimizer_version() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let (specs, _) = specs();
        let (a, b) = (&specs[0], &specs[1]);
        assert_ne!(cache.key(a), cache.key(b));
        assert_eq!(cache.key(a), Cache::new("elsewhere").key(a));
        assert_eq!(cache.key(a).len(), 32);
        let mut other = a.clone();
        other.lr *= 2.0;
        assert_ne!(cache.key(a), cache.key(&other));
        // Built-ins have a build-time hash each; the two differ.
        let (sgd, adam) = (
            optimizer_code_version("sgd"),
            optimizer_code_version("adam"),
        );
        assert_eq!(sgd.len(), 32);
        assert_ne!(sgd, adam);
        // adamw uses adam's file: its version is not adam's.
        assert_ne!(optimizer_code_version("adamw"), adam);
        assert_eq!(shared_code_version().len(), 32);
    }

    #[test]
    fn a_stored_record_comes_back_with_the_grid_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        let cache = Cache::new(&c);
        cache.start("g");
        let (specs, fingerprint) = specs();
        let spec = &specs[0];
        assert!(cache.get(spec, &fingerprint).is_none());
        let r = record(spec, &fingerprint);
        store(&cache, &r);
        cache.finish();
        // One pack, no partial file left.
        assert_eq!(files(&c).len(), 1, "{:?}", files(&c));
        let reader = Cache::new(&c);
        assert_eq!(reader.get(spec, &fingerprint), Some(r.clone()));
        let mut moved = r.clone();
        moved.grid = "0123456789abcdef".into();
        assert_eq!(reader.get(spec, "0123456789abcdef"), Some(moved));
        assert!(reader.get(&specs[1], &fingerprint).is_none());
    }

    #[test]
    fn the_next_run_of_a_grid_replaces_its_pack_and_a_crashed_run_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        let (specs, fingerprint) = specs();
        let (a, b) = (
            record(&specs[0], &fingerprint),
            record(&specs[1], &fingerprint),
        );
        let first = Cache::new(c);
        first.start("g");
        store(&first, &a);
        first.finish();
        // A run of another grid keeps its own pack.
        let other = Cache::new(c);
        other.start("h");
        store(&other, &b);
        other.finish();
        assert_eq!(files(c).len(), 2);
        // The same grid again: its pack is replaced, holding only what this run stored.
        let again = Cache::new(c);
        again.start("g");
        store(&again, &b);
        again.finish();
        assert_eq!(files(c).len(), 2);
        let reader = Cache::new(c);
        assert!(reader.get(&specs[0], &fingerprint).is_none());
        assert_eq!(reader.get(&specs[1], &fingerprint), Some(b.clone()));
        // A run that never finishes (a crash) leaves a partial pack, which is read, and
        // which the next finished run of its grid removes.
        let crashed = Cache::new(c);
        crashed.start("g");
        store(&crashed, &a);
        crashed
            .pack
            .lock()
            .unwrap()
            .as_mut()
            .unwrap()
            .writer
            .flush()
            .unwrap();
        assert_eq!(files(c).len(), 3);
        assert_eq!(Cache::new(c).get(&specs[0], &fingerprint), Some(a.clone()));
        let next = Cache::new(c);
        next.start("g");
        store(&next, &a);
        next.finish();
        assert_eq!(files(c).len(), 2, "{:?}", files(c));
    }

    #[test]
    fn a_corrupt_torn_or_foreign_line_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path();
        let (specs, fingerprint) = specs();
        let r = record(&specs[0], &fingerprint);
        let cache = Cache::new(c);
        cache.start("g");
        store(&cache, &r);
        cache.finish();
        let pack = c.join(&files(c)[0]);
        let text = fs::read_to_string(&pack).unwrap();
        let (key, line) = text.trim_end().split_once('\t').unwrap();
        assert_eq!(Cache::new(c).get(&specs[0], &fingerprint), Some(r.clone()));
        // Torn, not JSON, an invalid record, another run's record: all ignored.
        for bad in [
            format!("{key}\t{}", &line[..line.len() / 2]),
            format!("{key}\t{}\n", &line[..line.len() / 2]),
            format!("{key}\tnot json\n"),
            format!("{key}\t{}\n", line.replace("\"schema\":2", "\"schema\":1")),
            format!(
                "{key}\t{}",
                String::from_utf8(encode_line(&record(&specs[1], &fingerprint)).unwrap()).unwrap()
            ),
        ] {
            fs::write(&pack, bad).unwrap();
            assert!(Cache::new(c).get(&specs[0], &fingerprint).is_none());
        }
    }

    #[test]
    fn a_data_file_is_part_of_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("d.csv");
        fs::write(&csv, "x,label\n1,0\n2,1\n").unwrap();
        let (specs, _) = specs();
        let mut spec = specs[0].clone();
        spec.problem = format!("csv:path={}", csv.display());
        let before = Cache::new(dir.path()).key(&spec);
        fs::write(&csv, "x,label\n1,0\n3,1\n").unwrap();
        assert_ne!(before, Cache::new(dir.path()).key(&spec));
    }
}
