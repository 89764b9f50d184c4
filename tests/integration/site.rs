//! `optbench site SITE`: the landing page of a published site, built from small report
//! folders: what it lists, in which order, with which figures, and that its links resolve;
//! bad input exits 2 and writes no page.

use std::fs;
use std::path::Path;

use super::compare::{optbench, run_ok};
use super::report::attributes;

/// A tiny grid of `problems` × `optimizers` (one seed, three epochs, three learning rates).
fn grid(name: &str, problems: &[&str], optimizers: &[&str]) -> String {
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|i| format!("{i:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "name = {name:?}\nepochs = 3\ntuning_seeds = 1\nevaluation_seeds = 1\n\
         problems = [{}]\noptimizers = [{}]\nbatch_modes = [\"full\"]\n\
         schedules = [\"constant\"]\n[lr]\npoints = 3\nmax_decades = 2\n",
        list(problems),
        list(optimizers)
    )
}

/// A report folder `site/folder` of `grid` (run, then rendered: no timing pass, so it is
/// fast), named `name`, dated `date` in its manifest; with trend charts when `history` is
/// given. Returns the number of runs.
fn report(
    site: &Path,
    folder: &str,
    name: &str,
    grid: &str,
    date: &str,
    history: Option<&Path>,
) -> usize {
    let work = site.parent().unwrap().join(format!("work-{folder}"));
    fs::create_dir_all(&work).unwrap();
    let grid_file = work.join("grid.toml");
    fs::write(&grid_file, grid).unwrap();
    let results = work.join("results.jsonl");
    run_ok(&[
        "run",
        "--grid",
        grid_file.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
        "--quiet",
    ]);
    let out = site.join(folder);
    let mut args = vec![
        "render".to_string(),
        results.to_str().unwrap().into(),
        "--out".into(),
        out.to_str().unwrap().into(),
        "--name".into(),
        name.into(),
    ];
    if let Some(h) = history {
        args.extend(["--history".into(), h.to_str().unwrap().into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(&args);
    let manifest_file = out.join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&manifest_file).unwrap()).unwrap();
    manifest["date"] = date.into();
    fs::write(&manifest_file, manifest.to_string()).unwrap();
    manifest["runs"].as_u64().unwrap() as usize
}

/// The rows of the dated-reports table: each row's cells, tags stripped.
fn rows(html: &str) -> Vec<Vec<String>> {
    html.split("<tr class=\"report\">")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap()];
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect()
        })
        .collect()
}

/// Two reports of different grids, the newer first although its folder name sorts first
/// alphabetically; the newer one has trend charts. The page lists both, newest first, with
/// each grid's figures from its manifest and grid files, and every link resolves.
#[test]
fn a_site_of_two_reports_lists_both_newest_first_with_working_links() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir_all(&site).unwrap();
    let history = dir.path().join("history.jsonl");
    let older = report(
        &site,
        "monday",
        "small",
        &grid(
            "small",
            &["rosenbrock", "logreg2d"],
            &["sgd", "adam", "rprop"],
        ),
        "2026-11-30T02:17:05Z",
        None,
    );
    let newer = report(
        &site,
        "friday",
        "tiny <b>",
        &grid("tiny", &["logreg2d"], &["sgd", "adam"]),
        "2026-12-04T02:17:59Z",
        Some(&history),
    );
    fs::copy(&history, site.join("history.jsonl")).unwrap();
    // Not reports: a folder without a manifest, a hidden folder, a file.
    fs::create_dir_all(site.join("figures")).unwrap();
    fs::create_dir_all(site.join(".old")).unwrap();
    fs::write(site.join("notes.txt"), "x").unwrap();

    let out = run_ok(&["site", site.to_str().unwrap()]);
    assert!(out.contains("2 dated report(s)"), "{out}");
    let html = fs::read_to_string(site.join("index.html")).unwrap();
    let commit = serde_json::from_str::<serde_json::Value>(
        &fs::read_to_string(site.join("friday/manifest.json")).unwrap(),
    )
    .unwrap()["git_revision"]
        .as_str()
        .unwrap()
        .to_string();
    let table = rows(&html);
    assert_eq!(
        table,
        vec![
            vec![
                "friday".to_string(),
                "tiny &lt;b&gt;".into(),
                "2026-12-04 02:17 UTC".into(),
                commit.clone(),
                "1".into(),
                "2".into(),
                newer.to_string(),
                "history".into(),
            ],
            vec![
                "monday".to_string(),
                "small".into(),
                "2026-11-30 02:17 UTC".into(),
                commit,
                "2".into(),
                "3".into(),
                older.to_string(),
                "–".into(),
            ],
        ]
    );
    // Without a latest/ folder the newest report is the latest; its trends are linked.
    assert!(html.contains("<strong>tiny &lt;b&gt;</strong>"), "{html}");
    assert!(!html.contains("<b>"), "the report's name is escaped");
    let links = attributes(&html, "href");
    assert!(
        links.contains(&"friday/history.html".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"history.jsonl".to_string()), "{links:?}");
    for link in &links {
        let path = link.split('#').next().unwrap();
        let target = if path.is_empty() { "index.html" } else { path };
        assert!(site.join(target).is_file(), "broken link {link}");
        if let Some(anchor) = link.strip_prefix('#') {
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "no anchor {link}"
            );
        }
    }

    // A latest/ folder is the latest whatever its date, and is not among the dated reports.
    let mut copy = std::process::Command::new("cp");
    copy.arg("-R")
        .arg(site.join("monday"))
        .arg(site.join("latest"));
    assert!(copy.status().unwrap().success());
    run_ok(&["site", site.to_str().unwrap()]);
    let html = fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(rows(&html).len(), 2);
    assert!(html.contains("<a href=\"latest&#x2f;index.html\"><strong>small</strong>"));
}

/// Not a folder, a folder without reports, a manifest or a grid file that does not parse:
/// exit 2, one line naming the path, and no page (nor a temporary file) left behind.
#[test]
fn bad_input_exits_2_and_writes_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    fs::write(&file, "x").unwrap();
    let empty = dir.path().join("empty");
    fs::create_dir_all(empty.join("not-a-report")).unwrap();
    let corrupt = dir.path().join("corrupt");
    fs::create_dir_all(corrupt.join("2026-12-01")).unwrap();
    fs::write(
        corrupt.join("2026-12-01/manifest.json"),
        "{\"tool\": \"optb",
    )
    .unwrap();
    let no_grid = dir.path().join("no-grid");
    fs::create_dir_all(no_grid.join("latest")).unwrap();
    fs::write(
        no_grid.join("latest/manifest.json"),
        r#"{"tool": "optbench", "runs": 3}"#,
    )
    .unwrap();
    for (site, named) in [
        (dir.path().join("missing"), "missing".to_string()),
        (file.clone(), "file".into()),
        (empty.clone(), "empty".into()),
        (corrupt.clone(), "2026-12-01/manifest.json".into()),
        (no_grid.clone(), "latest/grid.json".into()),
    ] {
        let o = optbench().arg("site").arg(&site).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{site:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&named), "{err}");
        if site.is_dir() {
            let left: Vec<_> = fs::read_dir(&site)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("index.html"))
                .collect();
            assert!(left.is_empty(), "{site:?}: {left:?}");
        }
    }
}
