//! The report end to end: a tiny grid run and rendered into a temp folder; every page and
//! figure exists, every SVG is well-formed XML without NaN, every relative link and image
//! resolves (anchors included), nothing comes from the network, labels with HTML show as text,
//! merged shards render the same pages as the whole run, an all-diverged grid renders, and
//! `render` draws the timing pass from its record alone (it measures nothing).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use optbench::record::read_results;

/// Small but complete: a 2-D landscape (trajectories), a data problem with classes, every
/// batch mode, two schedules, a label with HTML in it.
const GRID: &str = r#"
name = "report <test> & co"
epochs = 4
tuning_seeds = 1
evaluation_seeds = 2
problems = [{ spec = "rosenbrock", epochs = 30 }, "logreg2d", "sparse_logreg:samples=60,features=40,nnz=3"]
optimizers = [
    "sgd",
    { spec = "sgd:momentum=0.9", label = "<b>momentum</b> & \"friends\"" },
    "adagrad", "adagrad:sqrt=false", "adadelta", "rmsprop", "adam", "rprop", "ars",
]
batch_modes = ["full", "minibatch:size=16", "stochastic"]
schedules = ["constant", "cosine"]
[lr]
points = 3
max_decades = 2
"#;

fn optbench() -> Command {
    Command::cargo_bin("optbench").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// Runs `optbench report` on `grid` into `dir/report`.
fn report(dir: &Path, grid: &str) -> PathBuf {
    let grid = write(dir, "grid.toml", grid);
    let out = dir.join("report");
    let o = optbench()
        .args([
            "report",
            "--grid",
            &grid,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("index.html"), "{stdout}");
    // One copy of the records per report, compressed, beside the folder (what gets
    // published holds their table, not their curves); the working files the runs were
    // appended to are gone.
    for working in ["report.results.jsonl", "report.claims.jsonl"] {
        assert!(
            !dir.join(working).exists(),
            "{working} left beside the report"
        );
    }
    for kept in [
        "report.results.jsonl.zst",
        "report.claims.jsonl.zst",
        "report.timing.json",
    ] {
        assert!(dir.join(kept).exists(), "{kept} not kept beside the report");
    }
    let copies: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("jsonl"))
        .collect();
    assert!(
        copies.is_empty(),
        "records in the report folder: {copies:?}"
    );
    out
}

/// The report's records decompressed into a plain results file at `to` (what a resumable
/// working file holds).
fn plain_copy(folder: &Path, to: &Path) {
    let (bytes, _) = optbench::record::compressed::decode(
        fs::read(optbench::record::records_beside(folder)).unwrap(),
    )
    .unwrap();
    fs::write(to, bytes).unwrap();
}

/// Every `attr="..."` value in `html`, entities decoded.
pub(crate) fn attributes(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            rest[..rest.find('"').unwrap()]
                .replace("&#x2f;", "/")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

fn check_links(folder: &Path, page: &str, pages: &BTreeMap<String, String>) {
    let html = &pages[page];
    for link in attributes(html, "href")
        .into_iter()
        .chain(attributes(html, "src"))
    {
        assert!(
            !link.starts_with("http://")
                && !link.starts_with("https://")
                && !link.starts_with("//"),
            "{page} references the network: {link}"
        );
        let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
        let target = if path.is_empty() { page } else { path };
        assert!(folder.join(target).exists(), "{page}: broken link {link}");
        if !fragment.is_empty() {
            let target_html = pages
                .get(target)
                .unwrap_or_else(|| panic!("{page}: {link} is not a page"));
            assert!(
                target_html.contains(&format!("id=\"{fragment}\"")),
                "{page}: anchor {link} does not exist"
            );
        }
    }
}

fn read_pages(folder: &Path) -> BTreeMap<String, String> {
    fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_string(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// The text of column `header` in every row of the first table of `html` that has it.
fn column(html: &str, header: &str) -> Vec<String> {
    let cell = |row: &str| -> Vec<String> {
        row.split("<t")
            .skip(1)
            .filter(|c| c.starts_with('d') || c.starts_with('h'))
            .map(|c| {
                let text = c.split_once('>').map_or("", |x| x.1);
                text.split("</t").next().unwrap_or("").trim().to_string()
            })
            .collect()
    };
    for table in html.split("<table>").skip(1) {
        let table = table.split("</table>").next().unwrap_or("");
        let rows: Vec<Vec<String>> = table.split("<tr>").skip(1).map(cell).collect();
        let Some(at) = rows
            .first()
            .and_then(|h| h.iter().position(|c| c.contains(header)))
        else {
            continue;
        };
        return rows[1..]
            .iter()
            .filter_map(|r| r.get(at).cloned())
            .collect();
    }
    Vec::new()
}

/// Significant digits shown by each number in `text` ("3.0e-4" → 2, "0.0018" → 2, "3" → 1).
fn significant_digits(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let mantissa = &tail[..end];
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let significant = digits.trim_start_matches('0');
        let count = if mantissa.contains('.') {
            significant.len()
        } else {
            significant
                .trim_end_matches('0')
                .len()
                .max(significant.len().min(2))
        };
        if !significant.is_empty() {
            out.push(count);
        }
        // Skip an exponent ("e-4").
        let after = &tail[end..];
        rest = match after.strip_prefix('e') {
            Some(exp) => exp
                .trim_start_matches(['-', '+'])
                .trim_start_matches(|c: char| c.is_ascii_digit()),
            None => after,
        };
    }
    out
}

fn well_formed(svg: &str, name: &str) {
    let mut reader = quick_xml::Reader::from_str(svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{name} is not well-formed XML: {e}"),
        }
    }
}

#[test]
fn significant_digits_are_counted() {
    assert_eq!(significant_digits("3.0e-4"), vec![2]);
    assert_eq!(significant_digits("3e-4"), vec![1]);
    assert_eq!(significant_digits("1.9 (1.2–3.0)"), vec![2, 2, 2]);
    assert_eq!(significant_digits("1.9 (1.2–3)"), vec![2, 2, 1]);
    assert_eq!(significant_digits("0.0018"), vec![2]);
    assert_eq!(significant_digits("41"), vec![2]);
    assert_eq!(significant_digits("2100"), vec![2]);
    assert_eq!(significant_digits("div."), Vec::<usize>::new());
    assert_eq!(significant_digits("5.0e-5–div."), vec![2]);
}

#[test]
fn report_pages_figures_links_and_escaping() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(dir.path(), GRID);
    for f in [
        "index.html",
        "methodology.html",
        "claims.html",
        "findings.json",
        "runs.csv.gz",
        "claim-runs.csv.gz",
        "grid.json",
        "manifest.json",
        "timing.json",
    ] {
        assert!(folder.join(f).exists(), "{f} missing");
    }
    // `report` ran every claim's experiment: each claim has its verdict from measures with an
    // interval, a threshold and where it would flip, and a figure on the claims page.
    let findings: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("findings.json")).unwrap()).unwrap();
    let claims = findings["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 13);
    for c in claims {
        assert_ne!(c["verdict"], "not tested", "{c}");
        assert!(!c["grid"].as_str().unwrap().is_empty(), "{c}");
        let measures = c["measures"].as_array().unwrap();
        assert!(!measures.is_empty(), "{c}");
        for m in measures {
            let (lo, est, hi) = (
                m["low"].as_f64().unwrap(),
                m["estimate"].as_f64().unwrap(),
                m["high"].as_f64().unwrap(),
            );
            assert!(lo <= est && est <= hi, "{m}");
            assert!(
                m["threshold"].is_number() && m["flip"].as_str().unwrap().len() > 10,
                "{m}"
            );
        }
        assert!(
            folder
                .join(format!("figures/claim-{}.svg", c["id"]))
                .exists(),
            "claim {} has no figure",
            c["id"]
        );
    }
    // The timing pass `report` measured is recorded beside its working results file, and the
    // report's timing.json is that record.
    let recorded = dir.path().join("report.timing.json");
    assert_eq!(
        fs::read_to_string(&recorded).unwrap(),
        fs::read_to_string(folder.join("timing.json")).unwrap()
    );
    let pages = read_pages(&folder);
    let problem_pages: Vec<&String> = pages.keys().filter(|p| p.starts_with("problem-")).collect();
    assert_eq!(problem_pages.len(), 3, "{problem_pages:?}");
    for page in pages.keys() {
        check_links(&folder, page, &pages);
    }
    // Every figure file is referenced by a page, well-formed, finite and small.
    let figures: Vec<PathBuf> = fs::read_dir(folder.join("figures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(figures.len() >= 8 + 3 * 5, "{} figures", figures.len());
    let all_html: String = pages
        .values()
        .cloned()
        .collect::<String>()
        .replace("&#x2f;", "/");
    for f in &figures {
        let name = f.file_name().unwrap().to_str().unwrap();
        let svg = fs::read_to_string(f).unwrap();
        well_formed(&svg, name);
        assert!(!svg.contains("NaN"), "{name} contains NaN");
        assert!(svg.len() < 300_000, "{name} is {} bytes", svg.len());
        assert!(
            !svg.contains("href=\"http"),
            "{name} references the network"
        );
        assert!(
            all_html.contains(&format!("figures/{name}")),
            "{name} is not shown on any page"
        );
    }
    assert!(folder.join("figures/rosenbrock-trajectories.svg").exists());
    // No figure's title is cut: long titles wrap (titles are the bold text).
    for f in &figures {
        let svg = fs::read_to_string(f).unwrap();
        for title in svg.split("font-weight=\"bold\">").skip(1) {
            let text = title.split("</text>").next().unwrap_or("");
            assert!(!text.contains('…'), "{}: title cut: {text}", f.display());
        }
    }
    // A problem page draws each line chart once, in the narrow layout (legend below) that
    // serves phones and, two to a row, desktops; the first page's line charts also have a
    // phone layout of their own.
    let convergence =
        fs::read_to_string(folder.join("figures/rosenbrock-convergence.svg")).unwrap();
    assert!(
        convergence.starts_with("<svg width=\"420\""),
        "{}",
        &convergence[..80]
    );
    for variant in ["narrow", "all"] {
        let file = format!("figures/rosenbrock-convergence-{variant}.svg");
        assert!(!folder.join(&file).exists(), "{file} written");
    }
    let problem = &pages["problem-rosenbrock.html"];
    assert!(problem.contains("class=\"figure-grid\""), "{problem}");
    assert!(folder.join("figures/profile-evals-narrow.svg").exists());
    assert!(
        pages["index.html"].contains("media=\"screen and (max-width: 640px)\""),
        "no phone layout"
    );
    // The first screen answers, and the claims are all there with a verdict.
    let index = &pages["index.html"];
    assert!(
        index.contains("the one to pick") && index.contains("Pick "),
        "no answer"
    );
    for n in 1..=13 {
        assert!(
            index.contains(&format!("id=\"claim-{n}\"")),
            "claim {n} missing"
        );
    }
    // Labels with HTML are text, never markup.
    assert!(
        index.contains("&lt;b&gt;momentum&lt;&#x2f;b&gt;")
            || index.contains("&lt;b&gt;momentum&lt;/b&gt;"),
        "label not escaped"
    );
    assert!(!index.contains("<b>momentum</b>"));
    assert!(index.contains("report &lt;test&gt; &amp; co"));
    // Ranking-relevant numbers show two significant digits: the leaderboard's gap ratios and
    // median gaps, and each problem table's training gap and its interquartile range.
    let mut checked = 0;
    let tables = [
        ("index.html", "gap ratio"),
        ("index.html", "median training gap"),
        ("problem-rosenbrock.html", "training gap"),
        ("problem-rosenbrock.html", "IQR"),
    ];
    for (page, header) in tables {
        let cells = column(&pages[page], header);
        assert!(!cells.is_empty(), "{page}: no column {header}");
        for cell in cells {
            for digits in significant_digits(&cell) {
                assert!(
                    digits >= 2,
                    "{page}, {header}: {cell:?} shows {digits} digit"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "{checked} numbers checked");
    // The data files hold the runs.
    let records = read_results(&optbench::record::records_beside(&folder))
        .unwrap()
        .records;
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], records.len());
    assert!(manifest["command"].as_str().unwrap().contains("report"));
}

#[test]
fn merged_shards_render_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(dir.path(), GRID);
    let whole = optbench::record::records_beside(&folder);
    // The same records, cut into three shard files the way --shard cuts them.
    let records = read_results(&whole).unwrap().records;
    let mut shards = vec![String::new(); 3];
    for r in &records {
        let i = (u64::from_str_radix(&r.spec.id, 16).unwrap() % 3) as usize;
        shards[i].push_str(&serde_json::to_string(r).unwrap());
        shards[i].push('\n');
    }
    let files: Vec<String> = (0..3)
        .map(|i| write(dir.path(), &format!("shard{i}.jsonl"), &shards[i]))
        .collect();
    // The claims' records come from one file either way (the report's, beside its folder).
    let claims = optbench::record::claim_records_beside(&folder);
    assert!(claims.exists(), "report writes the claims' records");
    let render = |inputs: &[String], out: &Path| {
        let mut args: Vec<String> = vec!["render".into()];
        args.extend(inputs.iter().cloned());
        args.extend([
            "--out".into(),
            out.to_str().unwrap().into(),
            "--name".into(),
            "same".into(),
            "--claims".into(),
            claims.to_str().unwrap().into(),
        ]);
        let o = optbench().args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (a, b) = (dir.path().join("single"), dir.path().join("merged"));
    render(&[whole.to_str().unwrap().to_string()], &a);
    render(&files, &b);
    let mut compared = 0;
    for entry in walk(&a) {
        let rel = entry
            .strip_prefix(&a)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        // Timing of the render itself: the manifest's durations and the timing pass.
        if ["manifest.json", "timing.json", "figures/step-cost.svg"].contains(&rel.as_str()) {
            continue;
        }
        let (x, y) = (
            fs::read(&entry).unwrap(),
            fs::read(b.join(&rel)).unwrap_or_default(),
        );
        if rel == "methodology.html" {
            // The last sections quote each command line and the timing pass.
            let cut = |v: Vec<u8>| {
                let s = String::from_utf8(v).unwrap();
                let (head, tail) = s.split_once("id=\"reproduce\"").unwrap();
                assert!(tail.contains("id=\"machine\""));
                head.to_string()
            };
            assert_eq!(cut(x), cut(y), "{rel}");
        } else {
            if x != y {
                let (x, y) = (String::from_utf8_lossy(&x), String::from_utf8_lossy(&y));
                let at = x
                    .bytes()
                    .zip(y.bytes())
                    .position(|(p, q)| p != q)
                    .unwrap_or(0);
                panic!(
                    "{rel} differs between the single and the merged render at byte {at}:\n{}\n---\n{}",
                    &x[at.saturating_sub(200)..(at + 200).min(x.len())],
                    &y[at.saturating_sub(200)..(at + 200).min(y.len())]
                );
            }
        }
        compared += 1;
    }
    assert!(compared > 20);
}

/// Every file under `dir`, recursively (full paths).
pub(crate) fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn an_all_diverged_grid_still_renders_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(
        dir.path(),
        r#"
epochs = 5
tuning_seeds = 1
evaluation_seeds = 2
problems = ["rosenbrock", "quadratic:kappa=100"]
optimizers = ["sgd:lr=1000000", "momentum:lr=1000000"]
[lr]
points = 3
"#,
    );
    let pages = read_pages(&folder);
    assert!(pages["index.html"].contains("Every run of this grid diverged"));
    assert!(pages["index.html"].contains("diverged: no optimizer"));
    for page in pages.keys() {
        check_links(&folder, page, &pages);
    }
    for f in walk(&folder.join("figures")) {
        let svg = fs::read_to_string(&f).unwrap();
        well_formed(&svg, f.to_str().unwrap());
        assert!(!svg.contains("NaN"));
    }
}

/// `--history` appends one entry per render, the report draws trend charts from all of them,
/// and a history file that does not parse stops the render before anything is written.
#[test]
fn history_appends_and_draws_trends() {
    let dir = tempfile::tempdir().unwrap();
    let results = optbench::record::records_beside(&report(dir.path(), GRID));
    let history = dir.path().join("history.jsonl");
    let out = dir.path().join("with-history");
    let render = |out: &Path| {
        optbench()
            .args(["render", results.to_str().unwrap(), "--out"])
            .arg(out)
            .arg("--history")
            .arg(&history)
            .output()
            .unwrap()
    };
    for n in 1..=2 {
        let o = render(&out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let lines = fs::read_to_string(&history).unwrap();
        assert_eq!(lines.lines().count(), n);
    }
    let first: serde_json::Value = serde_json::from_str(
        fs::read_to_string(&history)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let adam = &first["optimizers"]["adam"];
    assert!(adam["step_cost_ns"].as_f64().unwrap() > 0.0);
    assert_eq!(adam["best_loss"].as_object().unwrap().len(), 3);
    let pages = read_pages(&out);
    let page = &pages["history.html"];
    assert_eq!(page.matches("<tr><td>").count(), 2, "two history rows");
    assert!(pages["index.html"].contains("href=\"history.html\""));
    for name in pages.keys() {
        check_links(&out, name, &pages);
    }
    let trends: Vec<String> = attributes(page, "src");
    // Step cost and one loss chart per problem; no wall-time chart, since entries made by
    // `render` have no run time.
    assert_eq!(trends.len(), 1 + 3, "{trends:?}");
    assert!(
        !trends.iter().any(|t| t.contains("wall-time")),
        "{trends:?}"
    );
    for src in &trends {
        well_formed(&fs::read_to_string(out.join(src)).unwrap(), src);
    }

    // A report without --history has no history page.
    let plain = dir.path().join("plain");
    let o = optbench()
        .args(["render", results.to_str().unwrap(), "--out"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(!plain.join("history.html").exists());
    assert!(!read_pages(&plain)["index.html"].contains("history.html"));

    // A corrupt history: exit 2, naming the file and line; nothing written or appended.
    fs::write(&history, "{\"date\": \"x\"}\n").unwrap();
    let fresh = dir.path().join("never");
    let o = render(&fresh);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("history.jsonl") && err.contains("line 1"),
        "{err}"
    );
    assert!(!fresh.exists());
    assert_eq!(fs::read_to_string(&history).unwrap(), "{\"date\": \"x\"}\n");

    // A history that could not be appended to (a folder, or a file in a missing folder) is
    // refused before the report is rendered, not after.
    for bad in [dir.path().to_path_buf(), dir.path().join("missing/h.jsonl")] {
        let o = optbench()
            .args(["render", results.to_str().unwrap(), "--out"])
            .arg(&fresh)
            .arg("--history")
            .arg(&bad)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("history file"), "{err}");
        assert!(!fresh.exists(), "{bad:?}: rendered before failing");
    }
}

/// A grid small enough to run in a moment: what the timing tests need is records.
const SMALL: &str = r#"
epochs = 3
tuning_seeds = 1
evaluation_seeds = 1
problems = ["rosenbrock"]
optimizers = ["sgd", "adam"]
[lr]
points = 1
"#;

/// A hand-made timing pass whose numbers no machine would measure: if `render` drew a pass
/// it measured, none of them would show.
const HAND_MADE: &str = r#"{
  "dim": 4242,
  "repeats": 7,
  "bandwidth": { "bytes_per_second": 1325534281728.0 },
  "costs": [
    { "spec": "adam", "name": "adam", "bytes_per_param": 56, "ns_per_param": 7.125, "bound_ns_per_param": 3.5 },
    { "spec": "sgd", "name": "sgd", "bytes_per_param": 24, "ns_per_param": 0.375, "bound_ns_per_param": 1.5 }
  ],
  "machine": "hand-made test machine 9000"
}"#;

/// `render` with no timing file anywhere: no timing.json, no step-cost figure, and the
/// methodology page says plainly that no timing pass was recorded and how to record one.
#[test]
fn render_without_a_recorded_timing_pass_measures_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(dir.path(), SMALL);
    // The same records under a name with no timing file beside it (compressed under a plain
    // name: read by its first bytes).
    let results = dir.path().join("runs.jsonl");
    fs::copy(optbench::record::records_beside(&folder), &results).unwrap();
    let out = dir.path().join("untimed");
    let history = dir.path().join("history.jsonl");
    let o = optbench()
        .arg("render")
        .arg(&results)
        .arg("--out")
        .arg(&out)
        .arg("--history")
        .arg(&history)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(stdout.contains("no timing pass recorded"), "{stdout}");
    assert!(!out.join("timing.json").exists());
    assert!(!out.join("figures/step-cost.svg").exists());
    let pages = read_pages(&out);
    let methodology = &pages["methodology.html"];
    assert!(
        methodology.contains("No timing pass was recorded for this report"),
        "{methodology}"
    );
    assert!(methodology.contains("optbench timing --out FILE"));
    assert!(methodology.contains("--timing FILE"));
    assert!(!methodology.contains("GiB/s"));
    for page in pages.keys() {
        check_links(&out, page, &pages);
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["bandwidth_gib_s"].is_null(), "{manifest}");
    // The history entry keeps the losses and records no bandwidth or step cost.
    let entry: serde_json::Value =
        serde_json::from_str(fs::read_to_string(&history).unwrap().trim()).unwrap();
    assert!(entry["bandwidth_gib_s"].is_null(), "{entry}");
    assert!(
        entry["optimizers"]["adam"]["step_cost_ns"].is_null(),
        "{entry}"
    );
    assert!(
        entry["optimizers"]["adam"]["best_loss"]
            .as_object()
            .unwrap()
            .len()
            == 1
    );

    // Rendered over the report, without its claims or timing pass: what is beside the folder
    // is what the new report was drawn from (the stale claims and timing files go), and its
    // table has one row per record.
    let beside = |suffix: &str| optbench::record::beside_folder(&folder, suffix);
    assert!(beside(".timing.json").exists());
    let o = optbench()
        .arg("render")
        .arg(&results)
        .arg("--out")
        .arg(&folder)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!beside(".timing.json").exists());
    assert!(!beside(".claims.jsonl.zst").exists());
    let records = read_results(&beside(".results.jsonl.zst")).unwrap().records;
    assert_eq!(records, read_results(&results).unwrap().records);
    let mut table = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(fs::File::open(folder.join("runs.csv.gz")).unwrap()),
        &mut table,
    )
    .unwrap();
    assert_eq!(table.lines().count(), records.len() + 1, "{table}");
    assert!(!folder.join("claim-runs.csv.gz").exists());
}

/// `render --timing FILE`, and a FILE beside the results found without `--timing`: the
/// report's timing.json, figure and methodology table hold exactly the recorded numbers.
#[test]
fn render_draws_exactly_the_recorded_timing_pass() {
    let dir = tempfile::tempdir().unwrap();
    report(dir.path(), SMALL);
    let hand_made: serde_json::Value = serde_json::from_str(HAND_MADE).unwrap();
    let check = |out: &Path, history: &Path| {
        let written: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("timing.json")).unwrap()).unwrap();
        assert_eq!(written, hand_made);
        let methodology = &read_pages(out)["methodology.html"];
        for needle in [
            "1234.5 GiB/s",
            "at 4242 parameters",
            "median of 7 steps",
            "hand-made test machine 9000",
            "<td class=\"num\">7.125</td><td class=\"num\">3.500</td><td class=\"num\">49</td>",
            "<td class=\"num\">0.375</td><td class=\"num\">1.500</td><td class=\"num\">400</td>",
        ] {
            assert!(methodology.contains(needle), "methodology lacks {needle}");
        }
        assert!(!methodology.contains("No timing pass was recorded"));
        let svg = fs::read_to_string(out.join("figures/step-cost.svg")).unwrap();
        assert!(
            svg.contains("adam 49%") && svg.contains("sgd 400%"),
            "{svg}"
        );
        assert!(svg.contains("4242 parameters"));
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["bandwidth_gib_s"], 1234.5);
        let entry: serde_json::Value =
            serde_json::from_str(fs::read_to_string(history).unwrap().lines().last().unwrap())
                .unwrap();
        assert_eq!(entry["bandwidth_gib_s"], 1234.5);
        assert_eq!(entry["optimizers"]["adam"]["step_cost_ns"], 7.125);
        assert_eq!(entry["machine"], "hand-made test machine 9000");
    };
    let history = dir.path().join("history.jsonl");
    let render = |results: &Path, out: &Path, extra: &[&Path]| {
        let o = optbench()
            .arg("render")
            .arg(results)
            .arg("--out")
            .arg(out)
            .arg("--history")
            .arg(&history)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };

    // Given with --timing (the results' own recorded pass, beside them, is not used then).
    let file = dir.path().join("hand-made.json");
    fs::write(&file, HAND_MADE).unwrap();
    let results = dir.path().join("report.results.jsonl");
    plain_copy(&dir.path().join("report"), &results);
    let out = dir.path().join("explicit");
    let stdout = render(&results, &out, &[Path::new("--timing"), &file]);
    assert!(stdout.contains("timing pass from"), "{stdout}");
    assert!(stdout.contains("hand-made.json"), "{stdout}");
    check(&out, &history);

    // Found beside a results file by the naming convention.
    let results = dir.path().join("night.results.jsonl.zst");
    fs::copy(dir.path().join("report.results.jsonl.zst"), &results).unwrap();
    fs::write(dir.path().join("night.timing.json"), HAND_MADE).unwrap();
    let out = dir.path().join("beside");
    let stdout = render(&results, &out, &[]);
    assert!(stdout.contains("night.timing.json"), "{stdout}");
    check(&out, &history);

    // A report's records, beside its folder, find the timing pass written beside them:
    // re-rendering a report keeps its timing pass.
    let again = dir.path().join("again");
    render(&optbench::record::records_beside(&out), &again, &[]);
    check(&again, &history);
}

/// A timing file that cannot be used stops `render` before anything is written: exit 2, one
/// line naming the file and what is wrong; the old report and the history stay as they were.
#[test]
fn a_bad_timing_file_stops_render_with_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = report(dir.path(), SMALL);
    let results = dir.path().join("report.results.jsonl");
    plain_copy(&folder, &results);
    let index_before = fs::read(folder.join("index.html")).unwrap();
    let history = dir.path().join("history.jsonl");
    let fresh = dir.path().join("never");
    let bad = |name: &str, text: &str| {
        let p = dir.path().join(name);
        fs::write(&p, text).unwrap();
        p
    };
    let no_adam_time = HAND_MADE.replace("7.125", "0");
    let cases: Vec<(PathBuf, &str)> = vec![
        (bad("truncated.json", &HAND_MADE[..40]), "not a timing pass"),
        (bad("results.json", "{\"spec\": {}}"), "missing field"),
        (bad("zero.json", &no_adam_time), "adam: ns_per_param is 0"),
        (dir.path().join("missing.json"), "cannot read"),
    ];
    for out in [&fresh, &folder] {
        for (file, what) in &cases {
            let o = optbench()
                .arg("render")
                .arg(&results)
                .arg("--out")
                .arg(out)
                .arg("--history")
                .arg(&history)
                .arg("--timing")
                .arg(file)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{file:?}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(&file.display().to_string()), "{err}");
            assert!(err.contains(what), "{what}: {err}");
        }
    }
    assert!(!fresh.exists());
    assert_eq!(fs::read(folder.join("index.html")).unwrap(), index_before);
    assert!(!history.exists());

    // The same for a bad file found beside the results, and for two files beside two
    // results files (which one to draw is the user's choice).
    fs::write(dir.path().join("report.timing.json"), "[]").unwrap();
    let o = optbench()
        .arg("render")
        .arg(&results)
        .arg("--out")
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("report.timing.json"), "{err}");
    fs::write(dir.path().join("report.timing.json"), HAND_MADE).unwrap();
    let other = dir.path().join("other.results.jsonl");
    fs::copy(&results, &other).unwrap();
    fs::write(dir.path().join("other.timing.json"), HAND_MADE).unwrap();
    let o = optbench()
        .arg("render")
        .arg(&results)
        .arg(&other)
        .arg("--out")
        .arg(&fresh)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("other.timing.json") && err.contains("--timing FILE"),
        "{err}"
    );
    assert!(!fresh.exists());
}
