//! Compressed results files and the CSV export: a `.zst` results file holds the same records
//! as a plain one and every reader takes either (told by the first bytes, not the name); a
//! damaged one is exit 2 with one line naming it, and nothing is written; `export` writes one
//! row per run and recorded epoch.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use optbench::record::{compressed, encode_line, read_results};

use crate::io::optbench;
use crate::own_optimizer::files;

const GRID: &str = r#"
name = "compressed"
epochs = 3
tuning_seeds = 1
evaluation_seeds = 2
problems = ["logreg2d", "rosenbrock", "softmax:dataset=iris"]
optimizers = ["sgd", "adam"]
batch_modes = ["full"]
schedules = ["constant"]
[lr]
points = 3
max_decades = 1
"#;

/// Runs the grid into `dir/r.jsonl.zst`.
fn run(dir: &Path) -> PathBuf {
    fs::write(dir.join("g.toml"), GRID).unwrap();
    let (code, _, err) = optbench(
        dir,
        &["run", "--grid", "g.toml", "--out", "r.jsonl.zst", "--quiet"],
    );
    assert_eq!(code, 0, "{err}");
    dir.join("r.jsonl.zst")
}

#[test]
fn a_compressed_results_file_holds_the_same_records_and_renders_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let packed = run(d);
    let bytes = fs::read(&packed).unwrap();
    assert_eq!(compressed::Encoding::of(&bytes), compressed::Encoding::Zstd);
    // Decompressed, it is a plain results file, byte for byte what its records encode to.
    let (plain, _) = compressed::decode(bytes.clone()).unwrap();
    assert!(
        plain.len() > 3 * bytes.len(),
        "{} → {}",
        plain.len(),
        bytes.len()
    );
    let records = read_results(&packed).unwrap().records;
    let encoded: Vec<u8> = records
        .iter()
        .flat_map(|r| encode_line(r).unwrap())
        .collect();
    assert_eq!(encoded, plain);
    fs::write(d.join("plain.jsonl"), &plain).unwrap();
    assert_eq!(
        read_results(&d.join("plain.jsonl")).unwrap().records,
        records
    );

    // Rendered, both give the same report (the command line it records aside).
    for (input, out) in [("r.jsonl.zst", "a"), ("plain.jsonl", "b")] {
        let (code, _, err) = optbench(d, &["render", input, "--out", out, "--name", "same"]);
        assert_eq!(code, 0, "{err}");
    }
    let (a, b) = (files(&d.join("a")), files(&d.join("b")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if !["manifest.json", "methodology.html"].contains(&name.as_str()) {
            assert!(*bytes == b[name], "{name} differs");
        }
    }
    // The report's copy is the same records again, compressed.
    assert_eq!(
        read_results(&d.join("a.results.jsonl.zst"))
            .unwrap()
            .records,
        records
    );
    assert!(!d.join("a/results.jsonl").exists() && !d.join("a/results.csv").exists());

    // A finished compressed file resumes: nothing runs again, and it stays compressed with
    // the same records.
    let (code, out, err) = optbench(
        d,
        &[
            "run",
            "--grid",
            "g.toml",
            "--out",
            "r.jsonl.zst",
            "--resume",
            "--quiet",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(0 run now"), "{out}");
    assert_eq!(fs::read(&packed).unwrap(), bytes);
}

#[test]
fn a_damaged_compressed_file_is_exit_2_naming_it_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let packed = run(d);
    let bytes = fs::read(&packed).unwrap();
    let cases = [
        ("cut.jsonl.zst", bytes[..bytes.len() / 2].to_vec()),
        ("flipped.jsonl", {
            let mut b = bytes.clone();
            let mid = b.len() / 2;
            b[mid] ^= 0xff;
            b[mid + 1] ^= 0xff;
            b
        }),
    ];
    for (name, damaged) in cases {
        fs::write(d.join(name), &damaged).unwrap();
        let commands: [Vec<&str>; 4] = [
            vec!["render", name, "--out", "never"],
            vec!["compare", name, "r.jsonl.zst"],
            vec!["export", name, "--out", "never.csv.gz"],
            vec![
                "run", "--grid", "g.toml", "--out", name, "--resume", "--quiet",
            ],
        ];
        for args in commands {
            let (code, _, err) = optbench(d, &args);
            assert_eq!(code, 2, "{name}, {args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{name}, {args:?}: {err}");
            assert!(
                err.contains(name) && err.contains("not a complete zstd stream"),
                "{name}, {args:?}: {err}"
            );
        }
        assert!(!d.join("never").exists() && !d.join("never.csv.gz").exists());
        // The damaged file is left as it was (a resume did not rewrite it).
        assert_eq!(fs::read(d.join(name)).unwrap(), damaged);
    }
}

#[test]
fn export_writes_one_row_per_run_and_recorded_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let packed = run(d);
    let records = read_results(&packed).unwrap().records;
    let (code, out, err) = optbench(d, &["export", "r.jsonl.zst", "--out", "curves.csv.gz"]);
    assert_eq!(code, 0, "{err}");
    let epochs: usize = records.iter().map(|r| r.curves.len()).sum();
    assert!(
        out.contains(&format!("{epochs} rows from {} runs", records.len())),
        "{out}"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(fs::File::open(d.join("curves.csv.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut table = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        table.headers().unwrap().iter().collect::<Vec<_>>(),
        optbench::export::curves::HEADER
    );
    let rows: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), epochs);
    // Losses as recorded, to the last bit; a landscape's validation loss is its training loss.
    let at = |name: &str| {
        optbench::export::curves::HEADER
            .iter()
            .position(|h| *h == name)
            .unwrap()
    };
    let mut row = rows.iter();
    for r in &records {
        for i in 0..r.curves.len() {
            let cells = row.next().unwrap();
            assert_eq!(&cells[at("id")], r.spec.id);
            assert_eq!(&cells[at("optimizer")], r.spec.label);
            assert_eq!(
                cells[at("epoch")].parse::<usize>().unwrap(),
                r.curves.epoch[i]
            );
            let loss = |name: &str| cells[at(name)].parse::<f64>().unwrap().to_bits();
            assert_eq!(loss("train_loss"), r.curves.train_loss[i].to_bits());
            assert_eq!(loss("validation_loss"), r.curves.validation(i).to_bits());
            assert_eq!(loss("test_loss"), r.curves.test(i).to_bits());
        }
    }
    // Per run, plain CSV for a name without .gz.
    let (code, _, err) = optbench(
        d,
        &["export", "r.jsonl.zst", "--out", "runs.csv", "--per", "run"],
    );
    assert_eq!(code, 0, "{err}");
    let runs = fs::read_to_string(d.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), records.len() + 1);
    assert!(runs.starts_with("id,problem,optimizer,label,lr,"), "{runs}");
}
