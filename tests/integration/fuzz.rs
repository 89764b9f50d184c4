//! Fuzz targets on the stable toolchain: proptest feeds the input parsers arbitrary text and
//! bytes, and valid inputs with random edits, and asserts they never panic (errors are fine).
//!
//! Targets: `spec_parsers` (optimizer, schedule, batch and problem spec strings),
//! `grid_toml` (the grid loader), `csv_loader` (the CSV data loader) and `results_reader`
//! (the JSON-lines results reader).
//!
//! Cases per target come from `OPTBENCH_FUZZ_CASES` (default 64, a second or two each); a run
//! of a chosen length is `tests/fuzz/run.sh` (10 minutes per target by default). A failing
//! case proptest finds is kept in `proptest-regressions/integration/fuzz.txt` and replayed
//! first on every run: commit that file.

use std::io::Write;
use std::sync::OnceLock;

use optbench::grid::Grid;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The proptest configuration of every target: `OPTBENCH_FUZZ_CASES` cases; failures are
/// saved where proptest saves them by default (under `proptest-regressions/`).
fn config() -> Config {
    let cases = std::env::var("OPTBENCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    Config {
        cases,
        max_shrink_iters: 2000,
        ..Config::default()
    }
}

/// One random edit of a text: delete, duplicate, insert or replace a slice.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, String),
    Replace(usize, usize, String),
}

/// Fragments that matter to these parsers: separators, numbers at the edges of f64, keywords.
const FRAGMENTS: &[&str] = &[
    ",",
    ":",
    "=",
    "\n",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "#",
    "\r\n",
    "\0",
    "-",
    "e",
    ".",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "1.7e308",
    "-0",
    "0",
    "1e-400",
    "18446744073709551616",
    "99999999999999999999",
    "true",
    "lr",
    "epochs",
    "dim",
    "samples",
    "=1e12",
    "ñ",
    "€",
    "\u{feff}",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        "\\PC{0,8}",
        any::<u64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| v.to_string()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..16).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0usize..32).prop_map(|(a, n)| Edit::Duplicate(a, n)),
        (any::<usize>(), fragment()).prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), 0usize..8, fragment()).prop_map(|(a, n, s)| Edit::Replace(a, n, s)),
    ]
}

/// Applies edits to `text` at char boundaries.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let at = |a: usize, len: usize| if len == 0 { 0 } else { a % (len + 1) };
        match e {
            Edit::Delete(a, n) => {
                let s = at(*a, chars.len());
                let end = (s + n).min(chars.len());
                chars.drain(s..end);
            }
            Edit::Duplicate(a, n) => {
                let s = at(*a, chars.len());
                let end = (s + n).min(chars.len());
                let copy: Vec<char> = chars[s..end].to_vec();
                chars.splice(end..end, copy);
            }
            Edit::Insert(a, f) => {
                let s = at(*a, chars.len());
                chars.splice(s..s, f.chars());
            }
            Edit::Replace(a, n, f) => {
                let s = at(*a, chars.len());
                let end = (s + n).min(chars.len());
                chars.splice(s..end, f.chars());
            }
        }
    }
    chars.into_iter().collect()
}

/// Valid spec strings of every kind.
const SPECS: &[&str] = &[
    "sgd:lr=0.1",
    "momentum:lr=0.01,momentum=0.9,nesterov=true",
    "adam:lr=0.001,beta1=0.9,beta2=0.999",
    "adamw:weight_decay=0.01",
    "rprop",
    "ars:directions=8",
    "cosine:t_max=100",
    "constant",
    "step:gamma=0.5",
    "full",
    "minibatch:size=32",
    "stochastic",
    "rosenbrock:dim=10,a=1.0",
    "quadratic:kappa=1000,dim=50",
    "linreg:samples=100,features=5",
    "sparse_logreg:samples=100,features=50,nnz=5",
    "mlp:dataset=moons,hidden=8",
    "softmax:dataset=iris",
    "csv:path=/nonexistent.csv,target=y",
];

/// Every spec parser on `text`: none may panic. A parsed problem spec is also canonicalized
/// again (what grids do) and must parse.
fn parse_all_specs(text: &str) {
    let _ = optbench::optim::parse(text);
    let _ = optbench::schedule::parse(text);
    let _ = optbench::batch::parse(text);
    if let Ok(p) = optbench::problem::parse(text) {
        let canonical = p.params.to_string();
        optbench::problem::parse(&canonical).expect("a canonical spec parses");
    }
    if let Ok(o) = optbench::optim::parse(text) {
        let lr = o.config.lr();
        assert!(lr.is_finite() && lr > 0.0, "{text}: lr {lr}");
    }
}

/// A small valid grid.
const GRID: &str = r#"name = "fuzz"
seed = 3
epochs = 5
tuning_seeds = 1
evaluation_seeds = 2
problems = ["rosenbrock", { spec = "linreg:samples=100", epochs = 7, set = "holdout" }, "logreg2d"]
optimizers = ["sgd", { spec = "adam:lr=0.01", label = "Adam" }]
batch_modes = ["full", "minibatch:size=32"]
schedules = ["constant", "cosine"]
record_updates = false
[lr]
step = 0.5
points = 5
bracket = true
max_decades = 6
"#;

/// A small valid CSV file.
fn csv_text() -> String {
    let mut s = String::from("a,b,c,y\n");
    for i in 0..14 {
        s.push_str(&format!(
            "{},{},{}.5,{}\n",
            i,
            (i * 7) % 5,
            i as f64 * -0.25,
            i % 2
        ));
    }
    s
}

/// Loads `bytes` as a CSV file (with target `y`): must not panic.
fn load_csv_bytes(bytes: &[u8]) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    let path = f.path().to_str().unwrap();
    if let Ok(d) = optbench::data::load_csv(path, "y") {
        let (mean, std) = d.features.column_stats();
        assert!(
            mean.iter().chain(&std).all(|v| v.is_finite()),
            "loaded data with non-finite statistics"
        );
    }
}

/// Reads `bytes` as a results file: must not panic.
fn read_results_bytes(bytes: &[u8]) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    let _ = optbench::record::read_results(f.path());
}

/// Lines of a real results file, made once by running a tiny grid.
fn results_lines() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let grid = dir.path().join("g.toml");
        std::fs::write(
            &grid,
            "epochs = 2\ntuning_seeds = 1\nevaluation_seeds = 1\nproblems = [\"beale\", \"linreg:samples=20\"]\noptimizers = [\"sgd\", \"adam\"]\n[lr]\npoints = 1\nbracket = false\n",
        )
        .unwrap();
        let out = dir.path().join("r.jsonl");
        let status = assert_cmd::Command::cargo_bin("optbench")
            .unwrap()
            .args(["run", "--quiet", "--jobs", "1", "--grid"])
            .arg(&grid)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        std::fs::read_to_string(out).unwrap()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spec_parsers_take_any_text(text in "\\PC{0,64}") {
        parse_all_specs(&text);
    }

    #[test]
    fn spec_parsers_take_edited_specs(
        base in prop::sample::select(SPECS),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        parse_all_specs(&mutate(base, &edits));
    }

    #[test]
    fn grid_loader_takes_any_text(text in "\\PC{0,400}") {
        let _ = Grid::from_toml(&text, "fuzz.toml");
    }

    #[test]
    fn grid_loader_takes_edited_grids(edits in prop::collection::vec(edit(), 1..8)) {
        let text = mutate(GRID, &edits);
        if let Ok(g) = Grid::from_toml(&text, "fuzz.toml") {
            // A grid that validates is within the caps and plans without panicking.
            assert!(optbench::grid::limits::check(&g).is_none());
            let _ = optbench::grid::plan(&g);
        }
    }

    #[test]
    fn csv_loader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        load_csv_bytes(&bytes);
    }

    #[test]
    fn csv_loader_takes_edited_files(edits in prop::collection::vec(edit(), 1..8)) {
        load_csv_bytes(mutate(&csv_text(), &edits).as_bytes());
    }

    #[test]
    fn results_reader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        read_results_bytes(&bytes);
    }

    #[test]
    fn results_reader_takes_edited_files(
        edits in prop::collection::vec(edit(), 1..8),
        keep in 1usize..4,
    ) {
        let text: String = results_lines().split_inclusive('\n').take(keep).collect();
        read_results_bytes(mutate(&text, &edits).as_bytes());
    }
}
