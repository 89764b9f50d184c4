//! The published site's landing page: an index of the report folders in a site folder (the
//! latest, then the dated ones, newest first), each with the grid it ran, read from the
//! report's own `manifest.json` and `grid.json`; and a link to the latest report's trend
//! charts. Rendered from the embedded `templates/site.html` (autoescaped) and written
//! atomically as `SITE/index.html`.
//!
//! The nightly flow (`examples/nightly/steps.sh publish`) keeps a site of this shape:
//!
//! ```text
//! SITE/index.html        this page
//! SITE/history.jsonl     the series the trend charts are drawn from
//! SITE/latest/           the newest report
//! SITE/2026-12-02/ ...   the dated reports kept
//! ```
//!
//! May use: `error`. It reads report folders as files, never the report's types.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The folder of the newest report, shown as the latest whatever its date.
pub const LATEST: &str = "latest";

/// One report folder of the site, as the landing page lists it (numbers formatted here).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Listed {
    /// The folder's name (a child of the site folder).
    pub folder: String,
    /// The link to its `index.html`, relative to the site folder.
    pub href: String,
    /// The report's name (`render --name`), or the folder's name for a report that predates
    /// the manifest's `name`.
    pub name: String,
    /// When the report was made (UTC, RFC 3339); empty when the manifest has no date.
    pub date: String,
    /// The date as shown: `2026-12-02 02:17 UTC`, or "unknown".
    pub shown_date: String,
    /// The git revision optbench was built from.
    pub commit: String,
    /// The grid's fingerprint.
    pub grid: String,
    /// Problems in the grid.
    pub problems: usize,
    /// Optimizers in the grid.
    pub optimizers: usize,
    /// Runs in the report.
    pub runs: usize,
    /// The link to its trend charts (`history.html`), when the report has them.
    pub history_href: Option<String>,
}

/// What the landing page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// The latest report: the `latest` folder, else the newest of the others.
    pub latest: Listed,
    /// Every report folder but `latest` (the dated reports kept), newest first.
    pub dated: Vec<Listed>,
    /// Whether the site holds the series file, `history.jsonl`.
    pub series: bool,
}

/// The fields of a report's `manifest.json` the page reads.
#[derive(Debug, Deserialize)]
struct Manifest {
    tool: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    git_revision: String,
    #[serde(default)]
    grid_fingerprint: String,
    runs: usize,
}

/// The fields of a report's `grid.json` the page reads.
#[derive(Debug, Deserialize)]
struct Grid {
    problems: Vec<serde_json::Value>,
    optimizers: Vec<serde_json::Value>,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{}: {what}", path.display()))
}

/// Reads `path` as JSON of type `T`, naming the file in any error.
fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, kind: &str) -> Result<T, Error> {
    let text = fs::read_to_string(path).map_err(|e| bad(path, format!("cannot read it ({e})")))?;
    serde_json::from_str(&text).map_err(|e| bad(path, format!("not a report's {kind} ({e})")))
}

/// `name` made safe in a URL path: bytes other than `A-Z a-z 0-9 - . _ ~` percent-encoded.
fn url_segment(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `2026-12-02T02:17:45Z` → `2026-12-02 02:17 UTC`; any other text as it is.
fn shown_date(date: &str) -> String {
    match (date.get(..10), date.get(11..16)) {
        (Some(day), Some(time)) if date.len() == 20 && date.ends_with('Z') => {
            format!("{day} {time} UTC")
        }
        _ if date.is_empty() => "unknown".to_string(),
        _ => date.to_string(),
    }
}

/// The report in `folder` (a child of the site folder named `name`), or `None` when the
/// folder holds no `manifest.json` (not a report).
fn listed(folder: &Path, name: &str) -> Result<Option<Listed>, Error> {
    let manifest_file = folder.join("manifest.json");
    if !manifest_file.is_file() {
        return Ok(None);
    }
    let manifest: Manifest = read_json(&manifest_file, "manifest")?;
    if manifest.tool != "optbench" {
        return Err(bad(
            &manifest_file,
            format!("made by {:?}, not optbench", manifest.tool),
        ));
    }
    let grid: Grid = read_json(&folder.join("grid.json"), "grid")?;
    let segment = url_segment(name);
    let date = manifest.date.unwrap_or_default();
    Ok(Some(Listed {
        folder: name.to_string(),
        href: format!("{segment}/index.html"),
        name: manifest.name.unwrap_or_else(|| name.to_string()),
        shown_date: shown_date(&date),
        date,
        commit: manifest.git_revision,
        grid: manifest.grid_fingerprint,
        problems: grid.problems.len(),
        optimizers: grid.optimizers.len(),
        runs: manifest.runs,
        history_href: folder
            .join("history.html")
            .is_file()
            .then(|| format!("{segment}/history.html")),
    }))
}

/// The reports in `site`: its child folders that hold a `manifest.json` (hidden ones aside):
/// `latest/` (else the newest), and the others newest first by date (then by folder name, for
/// dated folders of reports that predate the manifest's date). Bad input (not a folder, no
/// report in it, a manifest or grid that does not parse) is an error naming the path.
pub fn scan(site: &Path) -> Result<Site, Error> {
    if !site.is_dir() {
        return Err(bad(site, "not a folder (give the site folder)"));
    }
    let entries = fs::read_dir(site).map_err(|e| bad(site, format!("cannot list it ({e})")))?;
    let mut reports = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| bad(site, format!("cannot list it ({e})")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        if let Some(report) = listed(&path, &name)? {
            reports.push(report);
        }
    }
    reports.sort_by(|a, b| (&b.date, &b.folder).cmp(&(&a.date, &a.folder)));
    let latest = match reports.iter().position(|r| r.folder == LATEST) {
        Some(i) => reports.remove(i),
        None => reports.first().cloned().ok_or_else(|| {
            bad(
                site,
                "holds no report (no child folder with a manifest.json)",
            )
        })?,
    };
    Ok(Site {
        latest,
        dated: reports,
        series: site.join("history.jsonl").is_file(),
    })
}

/// The landing page of `site`, as bytes.
pub fn page(site: &Site) -> Result<Vec<u8>, Error> {
    let mut env = Environment::new();
    env.add_template("site.html", include_str!("../../templates/site.html"))
        .map_err(|e| Error::Usage(format!("the site template: {e}")))?;
    env.get_template("site.html")
        .and_then(|t| {
            t.render(context! {
                latest => Serde(&site.latest),
                dated => Serde(&site.dated),
                series => site.series,
                version => env!("CARGO_PKG_VERSION"),
                revision => env!("OPTBENCH_GIT_REVISION"),
            })
        })
        .map(String::into_bytes)
        .map_err(|e| Error::Usage(format!("rendering site.html: {e}")))
}

/// Writes `bytes` to `path` through a temporary file beside it renamed into place: `path`
/// holds its old content or the whole new page, never part of it.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|source| Error::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}

/// Scans `site` ([`scan`]) and writes its landing page, `site/index.html`; returns the page's
/// path and what it lists. On any error no page is written (an old one stays as it was).
pub fn write(site: &Path) -> Result<(PathBuf, Site), Error> {
    let listed = scan(site)?;
    let bytes = page(&listed)?;
    let path = site.join("index.html");
    write_atomically(&path, &bytes)?;
    Ok((path, listed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_to_the_minute_in_utc() {
        assert_eq!(shown_date("2026-12-02T02:17:45Z"), "2026-12-02 02:17 UTC");
        assert_eq!(shown_date(""), "unknown");
        assert_eq!(shown_date("yesterday"), "yesterday");
    }

    #[test]
    fn folder_names_are_escaped_in_links() {
        assert_eq!(url_segment("2026-12-02"), "2026-12-02");
        assert_eq!(url_segment("a b/\"c"), "a%20b%2F%22c");
    }
}
