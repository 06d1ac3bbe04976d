//! Bounded reads of input files: only regular files, never more than a size limit, UTF-8 text
//! with or without a byte-order mark.
//!
//! Every file eesim reads (a rounds feed, the cached feed, a scenario, a CRS profile, a
//! candidate or batch CSV) goes through [`read_text`] or [`read_bytes`], so a symlink to a
//! 1 GiB file or to `/dev/zero`, or a FIFO, is refused with a message instead of being read
//! whole (or forever). The limits: [`FEED_LIMIT`] (64 MiB) for rounds feeds, whose real size
//! is under 1 MB in 2026, and [`FILE_LIMIT`] (8 MiB) for every other input, far above any
//! real scenario, profile or list of candidates.
//!
//! # Example
//! ```
//! use eesim::input::{FILE_LIMIT, read_text};
//!
//! let path = std::env::temp_dir().join(format!("eesim-input-doc-{}.toml", std::process::id()));
//! std::fs::write(&path, "\u{feff}age = 29\n")?;
//! assert_eq!(read_text(&path, FILE_LIMIT)?, "age = 29\n");
//! let e = read_text(std::env::temp_dir(), FILE_LIMIT).unwrap_err();
//! assert_eq!(e.to_string(), "expected a regular file, found a directory");
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fs::{File, Metadata};
use std::io::{self, Read as _};
use std::path::Path;

/// The largest rounds feed read, from a file or a download: 64 MiB.
pub const FEED_LIMIT: u64 = 64 << 20;

/// The largest scenario, CRS profile, candidate or batch CSV read: 8 MiB.
pub const FILE_LIMIT: u64 = 8 << 20;

/// The bytes of the regular file at `path` (symlinks followed), when it has at most `limit`
/// of them.
///
/// # Errors
/// An [`io::Error`] whose message says what was expected and found: the file cannot be
/// opened, is not a regular file (a directory, a FIFO, a device), or is larger than `limit`.
pub fn read_bytes(path: impl AsRef<Path>, limit: u64) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    // Checked before opening: opening a FIFO would wait for a writer.
    regular(&std::fs::metadata(path)?)?;
    let file = File::open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    if meta.len() > limit {
        return Err(too_large(limit, meta.len()));
    }
    let mut bytes = Vec::new();
    // The file may grow after the check: never read more than one byte past the limit.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit, bytes.len() as u64));
    }
    Ok(bytes)
}

/// The text of the regular file at `path`, as [`read_bytes`] reads it and [`decode_text`]
/// decodes it (a UTF-8 byte-order mark is dropped).
///
/// # Errors
/// As [`read_bytes`], and [`io::ErrorKind::InvalidData`] for text that is not UTF-8.
pub fn read_text(path: impl AsRef<Path>, limit: u64) -> io::Result<String> {
    let bytes = read_bytes(path, limit)?;
    decode_text(&bytes)
        .map(str::to_string)
        .map_err(|m| io::Error::new(io::ErrorKind::InvalidData, m))
}

/// `bytes` as UTF-8 text without its byte-order mark, if it has one.
///
/// # Errors
/// What was expected and found: UTF-16 text (named by its byte-order mark), or the first
/// byte that is not UTF-8.
///
/// # Example
/// ```
/// use eesim::input::decode_text;
///
/// assert_eq!(decode_text(b"\xef\xbb\xbf{}"), Ok("{}"));
/// assert_eq!(
///     decode_text(b"\xff\xfe{\0}\0").unwrap_err(),
///     "expected UTF-8 text, found UTF-16 (little-endian, byte-order mark FF FE): save it as UTF-8"
/// );
/// ```
pub fn decode_text(bytes: &[u8]) -> Result<&str, String> {
    let utf16 = |order: &str, mark: &str| {
        format!(
            "expected UTF-8 text, found UTF-16 ({order}, byte-order mark {mark}): save it as UTF-8"
        )
    };
    if bytes.starts_with(&[0xff, 0xfe]) {
        return Err(utf16("little-endian", "FF FE"));
    }
    if bytes.starts_with(&[0xfe, 0xff]) {
        return Err(utf16("big-endian", "FE FF"));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "expected UTF-8 text, found {} bytes that are not (at byte {})",
            bytes.len(),
            e.valid_up_to()
        )
    })
}

fn regular(meta: &Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let found = if meta.is_dir() {
        "a directory"
    } else {
        "a device, a FIFO or a socket"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("expected a regular file, found {found}"),
    ))
}

fn too_large(limit: u64, found: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "expected a file of at most {} MiB, found {found} bytes or more",
            limit >> 20
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("eesim-input-{name}-{}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn err_files_over_the_limit_are_refused() {
        let path = temp("big", &[b'x'; 2 << 20]);
        let e = read_bytes(&path, 1 << 20).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a file of at most 1 MiB, found 2097152 bytes or more"
        );
        assert_eq!(read_bytes(&path, 2 << 20).unwrap().len(), 2 << 20);
        std::fs::remove_file(&path).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn err_devices_are_refused_before_reading() {
        let e = read_bytes("/dev/zero", FEED_LIMIT).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a regular file, found a device, a FIFO or a socket"
        );
    }

    #[test]
    fn byte_order_marks_are_dropped_or_named() {
        assert_eq!(decode_text(b"\xef\xbb\xbfa"), Ok("a"));
        assert_eq!(decode_text(b"a"), Ok("a"));
        assert!(
            decode_text(b"\xfe\xff\0a")
                .unwrap_err()
                .contains("big-endian")
        );
        assert_eq!(
            decode_text(b"ab\xff").unwrap_err(),
            "expected UTF-8 text, found 3 bytes that are not (at byte 2)"
        );
    }
}
