//! Compressed results files. A finished results file whose name ends in `.zst` is written as
//! one zstd stream (level [`LEVEL`] with long-distance matching: a quick-preset file of 264 MB
//! compresses to 63 MB in about two seconds on two cores, where gzip -6 takes ten for 74 MB).
//! Readers decide by the first bytes, not the name: zstd and gzip streams are decompressed,
//! anything else is read as plain JSON lines.
//!
//! A compressed file is never appended to: runs in flight write plain lines (a killed run
//! leaves a file `--resume` can read and extend), and a finished file is compressed whole,
//! atomically.

use std::io::Read;
use std::path::Path;

/// zstd's compression level for results files: fast (about 200 MB/s per thread) at a ratio
/// within 15% of level 9.
pub const LEVEL: i32 = 3;

/// log2 of the window for long-distance matching: 128 MiB, the most a zstd decoder accepts by
/// default.
const WINDOW_LOG: u32 = 27;

/// The first four bytes of a zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The first two bytes of a gzip member.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How a file's bytes are encoded, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Plain text (JSON lines).
    Plain,
    /// A zstd stream.
    Zstd,
    /// A gzip stream.
    Gzip,
}

impl Encoding {
    /// The encoding of `bytes`, from their first bytes.
    pub fn of(bytes: &[u8]) -> Encoding {
        if bytes.starts_with(&ZSTD_MAGIC) {
            Encoding::Zstd
        } else if bytes.starts_with(&GZIP_MAGIC) {
            Encoding::Gzip
        } else {
            Encoding::Plain
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Plain => "plain",
            Encoding::Zstd => "zstd",
            Encoding::Gzip => "gzip",
        }
    }
}

/// Whether a file named `path` is written compressed: its name ends in `.zst`.
pub fn compresses(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// `bytes` as one zstd stream at [`LEVEL`] with a checksum of the content, compressed on up
/// to four threads (the stream is the same whatever the thread count).
pub fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as u32;
    let mut encoder = zstd::stream::Encoder::new(Vec::with_capacity(bytes.len() / 4), LEVEL)?;
    encoder.multithread(threads)?;
    // Matches as far back as 128 MiB: records of one configuration repeat their spec strings
    // and most numbers far apart (11% smaller for 0.3 s more on a quick-preset file). Any
    // zstd reader takes a 2^27 window without being told.
    encoder.long_distance_matching(true)?;
    encoder.window_log(WINDOW_LOG)?;
    // A checksum of the content, so that a damaged byte is an error, not a changed record.
    encoder.include_checksum(true)?;
    std::io::Write::write_all(&mut encoder, bytes)?;
    encoder.finish()
}

/// The content of a file's `bytes`: decompressed when they start as a zstd or gzip stream
/// (every frame or member, concatenated), as they are otherwise. A stream cut short or
/// damaged is an error saying so.
pub fn decode(bytes: Vec<u8>) -> Result<(Vec<u8>, Encoding), String> {
    let encoding = Encoding::of(&bytes);
    let mut out = Vec::new();
    let result = match encoding {
        Encoding::Plain => return Ok((bytes, encoding)),
        Encoding::Zstd => {
            zstd::stream::Decoder::new(bytes.as_slice()).and_then(|mut d| d.read_to_end(&mut out))
        }
        Encoding::Gzip => flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out),
    };
    result.map_err(|e| {
        format!(
            "not a complete {} stream ({e}): the file is cut short or damaged",
            encoding.name()
        )
    })?;
    Ok((out, encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_bytes_decode_to_the_same_bytes_and_plain_ones_pass_through() {
        let text = b"{\"a\":1}\n{\"b\":2}\n".repeat(1000);
        let packed = compress(&text).unwrap();
        assert!(packed.len() < text.len() / 10);
        assert_eq!(
            decode(packed.clone()).unwrap(),
            (text.clone(), Encoding::Zstd)
        );
        assert_eq!(
            decode(text.clone()).unwrap(),
            (text.clone(), Encoding::Plain)
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &text).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(decode(gz).unwrap(), (text, Encoding::Gzip));
        // Cut short: an error naming the encoding, never the part that decoded.
        let err = decode(packed[..packed.len() / 2].to_vec()).unwrap_err();
        assert!(err.contains("not a complete zstd stream"), "{err}");
    }

    #[test]
    fn only_names_ending_in_zst_are_written_compressed() {
        assert!(compresses(Path::new("r/results.jsonl.zst")));
        assert!(!compresses(Path::new("r/results.jsonl")));
        assert!(!compresses(Path::new("zst")));
    }
}
