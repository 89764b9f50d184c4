//! Tables made from run records, for pandas, polars, R or a spreadsheet: each exporter is a
//! pure function from records to CSV bytes, and [`gzip`] compresses them for a `.gz` file.
//!
//! - [`runs::csv`]: one row per run, its final values and cost.
//! - [`curves::csv`]: long format, one row per run and recorded epoch.
//!
//! May use: `record`, `grid`, `num`, `error`.

pub mod curves;
pub mod runs;

use std::io::Write;

use crate::error::Error;

/// `bytes` as one gzip member at `level`, which pandas and polars read directly: a published
/// table at [`flate2::Compression::best`] (3% smaller than the default level for twice the
/// time, on the quick report's runs table), a table written on request at the default.
pub fn gzip(bytes: &[u8], level: flate2::Compression) -> Result<Vec<u8>, Error> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4), level);
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|source| Error::Io {
            context: "compressing the table".into(),
            source,
        })
}

/// The lower-case name of a serde enum value (`SeedRole::Tuning` → `tuning`).
fn lower(value: impl std::fmt::Debug) -> String {
    format!("{value:?}").to_lowercase()
}

/// A csv error while writing `what`.
fn csv_error(what: &'static str) -> impl Fn(csv::Error) -> Error {
    move |e| Error::Usage(format!("writing {what}: {e}"))
}
