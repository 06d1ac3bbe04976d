//! The local copy of IRCC's rounds feed: read it, and replace it only with a feed that reads.
//!
//! [`FeedCache`] is a directory holding the newest good copy of the feed
//! ([`FEED_FILE`]), the copy it replaced ([`PREVIOUS_FILE`]) and what the last download
//! said about itself ([`META_FILE`]: its address, `ETag` and `Last-Modified`, for a
//! conditional request next time). The library does no networking: the caller downloads
//! (the `eesim fetch` command does it over HTTPS) and hands the bytes to
//! [`FeedCache::install`], which checks them with the [`FeedReader`] before anything is
//! replaced and then replaces the file atomically (a temporary file in the same directory,
//! renamed over the old one), so a reader never sees a half-written feed.
//!
//! # Example
//! ```
//! use eesim::cache::{FeedCache, Validators};
//!
//! let dir = std::env::temp_dir().join(format!("eesim-cache-doc-{}", std::process::id()));
//! let cache = FeedCache::new(&dir);
//! let feed = r#"{"rounds": [{"drawNumber": "1", "drawDate": "2024-03-05",
//!   "drawName": "Canadian Experience Class", "drawSize": "1,500", "drawCRS": "522"}]}"#;
//! let update = cache.install("https://example.invalid/feed.json", feed.as_bytes(), Validators::default())?;
//! assert_eq!((update.rounds, update.previous_rounds), (1, None));
//! // An HTML page is refused and the cached feed stays as it was.
//! let e = cache.install("https://example.invalid/feed.json", b"<html></html>", Validators::default());
//! assert!(e.unwrap_err().to_string().contains("found an HTML page"));
//! assert_eq!(std::fs::read(cache.feed_path()).unwrap(), feed.as_bytes());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), eesim::Error>(())
//! ```

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::feed::{DrawRecord, FeedReader, History, LoadReport};

/// The cached feed's file name, as IRCC names it.
pub const FEED_FILE: &str = "ee_rounds_123_en.json";
/// The copy the last successful download replaced.
pub const PREVIOUS_FILE: &str = "ee_rounds_123_en.previous.json";
/// What the last download said about itself (JSON): address, validators, size, checksum.
pub const META_FILE: &str = "fetch.json";

/// The HTTP validators of a download, sent back on the next request so that an unchanged
/// feed is answered with `304 Not Modified` instead of being downloaded again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    /// The `ETag` header, as sent.
    pub etag: Option<String>,
    /// The `Last-Modified` header, as sent.
    pub last_modified: Option<String>,
}

/// What the cache's meta file records about the cached feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Meta {
    url: String,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    bytes: u64,
    fnv1a64: String,
}

/// What [`FeedCache::install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUpdate {
    /// Rounds in the installed feed.
    pub rounds: usize,
    /// Rounds in the feed it replaced, or `None` when the cache held none.
    pub previous_rounds: Option<usize>,
    /// Rounds whose draw number the replaced feed did not have, oldest first (every round
    /// when the cache held none).
    pub added: Vec<DrawRecord>,
    /// The installed feed's newest round.
    pub last_round: Option<DrawRecord>,
    /// Whether the feed file changed (`false` when the download had the same bytes).
    pub changed: bool,
}

/// A directory holding the newest good copy of IRCC's rounds feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCache {
    dir: PathBuf,
}

impl FeedCache {
    /// The cache in `dir` (created on the first install).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        FeedCache { dir: dir.into() }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cached feed's path (it may not exist yet).
    #[must_use]
    pub fn feed_path(&self) -> PathBuf {
        self.dir.join(FEED_FILE)
    }

    /// The previous copy's path (it may not exist).
    #[must_use]
    pub fn previous_path(&self) -> PathBuf {
        self.dir.join(PREVIOUS_FILE)
    }

    /// Whether the cache holds a feed.
    #[must_use]
    pub fn has_feed(&self) -> bool {
        self.feed_path().is_file()
    }

    /// Reads the cached feed, or `None` when there is none.
    ///
    /// # Errors
    /// As [`FeedReader::read_path`] for a cached file that cannot be read.
    pub fn load(&self) -> Result<Option<(History, LoadReport)>> {
        if !self.has_feed() {
            return Ok(None);
        }
        FeedReader::new().read_path(self.feed_path()).map(Some)
    }

    /// The validators to send when downloading `url` again: those of the last download,
    /// when it was from the same address and the cached file is still exactly what it
    /// downloaded; otherwise none (an unconditional request).
    #[must_use]
    pub fn validators(&self, url: &str) -> Validators {
        let Some(meta) = self.meta() else {
            return Validators::default();
        };
        let Ok(bytes) = std::fs::read(self.feed_path()) else {
            return Validators::default();
        };
        if meta.url != url || meta.bytes != bytes.len() as u64 || meta.fnv1a64 != fnv1a64(&bytes) {
            return Validators::default();
        }
        Validators {
            etag: meta.etag,
            last_modified: meta.last_modified,
        }
    }

    fn meta(&self) -> Option<Meta> {
        let text = std::fs::read_to_string(self.dir.join(META_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Checks `body`, downloaded from `url`, and makes it the cached feed: it must be UTF-8
    /// JSON that the (lenient) [`FeedReader`] reads, with at least one round and at least as
    /// many rounds as the cached feed. The cached feed is then kept as the previous copy and
    /// replaced atomically; `validators` are recorded for the next conditional request.
    /// A body with the same bytes as the cached feed replaces nothing.
    ///
    /// # Errors
    /// [`ErrorKind::FeedDownload`] naming `url` when the body is not a usable feed (not
    /// UTF-8, an HTML page, not JSON, no `rounds` array, no rounds, fewer rounds than the
    /// cached feed); [`ErrorKind::Io`] when the cache cannot be written. On any error the
    /// cached files are as they were.
    pub fn install(&self, url: &str, body: &[u8], validators: Validators) -> Result<FeedUpdate> {
        let refuse = |expected: &str, found: String| -> crate::Error {
            ErrorKind::FeedDownload {
                url: url.to_string(),
                expected: expected.to_string(),
                found,
            }
            .into()
        };
        let feed = "IRCC's rounds feed (a JSON object with a \"rounds\" array)";
        let text = std::str::from_utf8(body).map_err(|e| {
            refuse(
                feed,
                format!(
                    "{} bytes that are not UTF-8 text (at byte {})",
                    body.len(),
                    e.valid_up_to()
                ),
            )
        })?;
        let head = text.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with('<') {
            let html = head.get(..200).unwrap_or(head).to_ascii_lowercase();
            let what = if html.contains("<html") || html.contains("<!doctype html") {
                "an HTML page"
            } else {
                "XML or HTML markup"
            };
            return Err(refuse(feed, format!("{what} ({} bytes)", body.len())));
        }
        if head.is_empty() {
            return Err(refuse(
                feed,
                format!("an empty answer ({} bytes)", body.len()),
            ));
        }
        let (history, _) = FeedReader::new().read_str(text).map_err(|e| {
            let found = match e.kind() {
                ErrorKind::FeedShape { found, .. } => found.clone(),
                _ => e.to_string(),
            };
            refuse(feed, found)
        })?;
        if history.draws().is_empty() {
            return Err(refuse(
                "a feed with at least one readable round",
                "none".to_string(),
            ));
        }
        let old_bytes = std::fs::read(self.feed_path()).ok();
        let old = old_bytes
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| FeedReader::new().read_str(t).ok())
            .map(|(h, _)| h);
        if let Some(old) = &old
            && history.draws().len() < old.draws().len()
        {
            return Err(refuse(
                &format!(
                    "at least the {} rounds of the cached feed {}",
                    old.draws().len(),
                    self.feed_path().display()
                ),
                format!("{} rounds", history.draws().len()),
            ));
        }
        let known: BTreeSet<_> = old
            .iter()
            .flat_map(|h| h.draws())
            .map(|d| d.number().clone())
            .collect();
        let added = history
            .draws()
            .iter()
            .filter(|d| !known.contains(d.number()))
            .cloned()
            .collect();
        let changed = old_bytes.as_deref() != Some(body);
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io("creating", &self.dir, e))?;
        if changed {
            if let Some(old_bytes) = &old_bytes {
                self.write_atomically(PREVIOUS_FILE, old_bytes)?;
            }
            self.write_atomically(FEED_FILE, body)?;
        }
        let meta = Meta {
            url: url.to_string(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            bytes: body.len() as u64,
            fnv1a64: fnv1a64(body),
        };
        let meta = serde_json::to_string_pretty(&meta).map_err(|e| ErrorKind::Io {
            context: "writing the fetch record".to_string(),
            source: crate::error::Cause::new(e),
        })?;
        self.write_atomically(META_FILE, meta.as_bytes())?;
        Ok(FeedUpdate {
            rounds: history.draws().len(),
            previous_rounds: old.as_ref().map(|h| h.draws().len()),
            added,
            last_round: history.draws().last().cloned(),
            changed,
        })
    }

    /// Writes `bytes` to `name` in the cache: a temporary file in the same directory,
    /// flushed to disk, then renamed over `name`.
    fn write_atomically(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&tmp, &path));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.io("writing", &path, e)
        })
    }

    fn io(&self, doing: &str, path: &Path, e: std::io::Error) -> crate::Error {
        ErrorKind::Io {
            context: format!("{doing} the feed cache {}", path.display()),
            source: crate::error::Cause::new(e),
        }
        .into()
    }
}

/// The 64-bit FNV-1a hash of `bytes`, as 16 hex digits: a stable fingerprint of the cached
/// file (not for security).
fn fnv1a64(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_values() {
        assert_eq!(fnv1a64(b""), "cbf29ce484222325");
        assert_eq!(fnv1a64(b"a"), "af63dc4c8601ec8c");
        assert_eq!(fnv1a64(b"foobar"), "85944171f73967e8");
    }
}
