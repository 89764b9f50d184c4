//! `optbench site SITE`: writes the landing page of a published site, `SITE/index.html`, an
//! index of the report folders in SITE (the latest, then the dated ones, newest first) with
//! the grid each ran, and a link to the trend charts. Exit 2 when SITE is not a folder, holds
//! no report, or a report's manifest or grid does not parse; no page is written then.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::stdout_error;
use crate::error::Error;
use crate::site;

#[derive(Debug, Args)]
pub(super) struct SiteArgs {
    /// The site folder: report folders (each with its `manifest.json`), such as `latest/` and
    /// dated ones, and `history.jsonl`.
    #[arg(value_name = "SITE")]
    site: PathBuf,
}

pub(super) fn run(args: &SiteArgs, out: &mut impl Write) -> Result<(), Error> {
    let (page, listed) = site::write(&args.site)?;
    writeln!(
        out,
        "wrote {}: {} dated report(s), the latest {} ({})",
        page.display(),
        listed.dated.len(),
        listed.latest.folder,
        listed.latest.shown_date
    )
    .map_err(stdout_error)
}
