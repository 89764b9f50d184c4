//! The result cache: a folder of run records, one file per record, each named by the
//! record's *key*, so `--only` can rerun some optimizers' runs and take every other record
//! from earlier runs.
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
//! run. A cache file is written atomically (a temporary file renamed into place) and read
//! with the checks of a results file ([`RunRecord::validate`]); one that cannot be read, is
//! not a valid record, or holds another run is ignored (the run is executed again and the
//! file replaced), never an error.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::grid::RunSpec;
use crate::record::{RunRecord, SCHEMA_VERSION, encode_line};

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

/// A cache folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Digest of the data file of each problem spec (empty: the problem reads none).
    data: Mutex<HashMap<String, String>>,
    /// Whether a failed write was reported (once per cache).
    warned: AtomicBool,
}

impl Clone for Cache {
    fn clone(&self) -> Cache {
        Cache::new(self.dir.clone())
    }
}

/// A unique suffix for temporary files within this process.
static TEMP: AtomicU64 = AtomicU64::new(0);

impl Cache {
    /// The cache in folder `dir` (created when the first record is stored).
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache {
            dir: dir.into(),
            data: Mutex::new(HashMap::new()),
            warned: AtomicBool::new(false),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// The file of `spec`'s record.
    pub fn path(&self, spec: &RunSpec) -> PathBuf {
        self.dir.join(format!("{}.json", self.key(spec)))
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

    /// The cached record of `spec`, carrying `grid` as its grid fingerprint; `None` when there
    /// is none or the file is not a valid record of this run.
    pub fn get(&self, spec: &RunSpec, grid: &str) -> Option<RunRecord> {
        let bytes = fs::read(self.path(spec)).ok()?;
        let mut record: RunRecord = serde_json::from_slice(&bytes).ok()?;
        record.validate().ok()?;
        if record.spec != *spec {
            return None;
        }
        record.grid = grid.to_string();
        Some(record)
    }

    /// Stores `record` under its spec's key, atomically. A failure is reported once on stderr
    /// and otherwise ignored: the cache only saves time.
    pub fn put(&self, record: &RunRecord) {
        if let Err(e) = self.write(record)
            && !self.warned.swap(true, Ordering::Relaxed)
        {
            eprintln!(
                "warning: cannot write to the result cache {}: {e}; records are not cached",
                self.dir.display()
            );
        }
    }

    fn write(&self, record: &RunRecord) -> Result<(), String> {
        let line = encode_line(record).map_err(|e| e.to_string())?;
        fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let path = self.path(&record.spec);
        let temp = self.dir.join(format!(
            ".{}.{}-{}.tmp",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("record"),
            std::process::id(),
            TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        // No fsync: a file torn by a crash fails validation on read and is recomputed, and
        // one fsync per record would cost more than the runs themselves.
        let written = fs::File::create(&temp)
            .and_then(|mut f| f.write_all(&line))
            .and_then(|()| fs::rename(&temp, &path));
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(e.to_string());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Grid, plan};

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
        let cache = Cache::new(dir.path().join("c"));
        let (specs, fingerprint) = specs();
        let spec = &specs[0];
        assert!(cache.get(spec, &fingerprint).is_none());
        let r = record(spec, &fingerprint);
        cache.put(&r);
        assert_eq!(cache.get(spec, &fingerprint), Some(r.clone()));
        let mut moved = r.clone();
        moved.grid = "0123456789abcdef".into();
        assert_eq!(cache.get(spec, "0123456789abcdef"), Some(moved));
        // Nothing else is left in the folder (the temporary file was renamed).
        assert_eq!(fs::read_dir(cache.dir()).unwrap().count(), 1);
        assert!(cache.get(&specs[1], &fingerprint).is_none());
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        let (specs, fingerprint) = specs();
        let spec = &specs[0];
        let r = record(spec, &fingerprint);
        cache.put(&r);
        let path = cache.path(spec);
        let text = fs::read_to_string(&path).unwrap();
        // Torn, not JSON, an invalid record, another run's record: all ignored.
        for bad in [
            text[..text.len() / 2].to_string(),
            "not json".to_string(),
            text.replace("\"schema\":2", "\"schema\":1"),
            String::from_utf8(encode_line(&record(&specs[1], &fingerprint)).unwrap()).unwrap(),
        ] {
            fs::write(&path, bad).unwrap();
            assert!(cache.get(spec, &fingerprint).is_none());
        }
        // A new store replaces it.
        cache.put(&r);
        assert_eq!(cache.get(spec, &fingerprint), Some(r));
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
