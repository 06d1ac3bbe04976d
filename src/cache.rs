//! The local copy of IRCC's rounds feed: read it, and replace it only with a feed that reads,
//! is plausible and is not older, one writer at a time, keeping the cache intact on failure.
//!
//! [`FeedCache`] is a directory holding the newest good copy of the feed
//! ([`FEED_FILE`]), the copy it replaced ([`PREVIOUS_FILE`]), what the last download
//! said about itself ([`META_FILE`]: its address, `ETag` and `Last-Modified`, for a
//! conditional request next time) and a lock file ([`LOCK_FILE`]). The library does no
//! networking: the caller downloads (the `eesim fetch` command does it over HTTPS) and hands
//! the bytes to [`FeedCache::install`] (or [`CacheLock::install`] under a lock it holds).
//!
//! # The promise
//! 1. **Only a usable feed is installed**: UTF-8 JSON (a byte-order mark is allowed) that the
//!    lenient [`FeedReader`] reads, with at least one round; whose rounds that are new or
//!    changed since the cached copy pass the plausibility rules ([`crate::feed::plausible`];
//!    [`FeedInstall::accept_anomalies`] installs them anyway); and whose newest plausible
//!    round number is not older than the cached feed's ([`FeedInstall::force`] installs it
//!    anyway). Anomalous rounds of the cached feed never block an update.
//! 2. **Nothing is lost on failure**: the new feed, the metadata and the previous copy are
//!    written to temporary files in the cache directory and flushed first; only when all
//!    three are complete are they renamed over the old files (the previous copy first, the
//!    feed, then the metadata). A failure before that (a full disk, a kill) leaves the feed,
//!    the previous copy and [`META_FILE`] byte for byte as they were; temporary files left by
//!    a killed writer are removed by the next one.
//! 3. **One writer at a time**: writers hold an advisory lock on [`LOCK_FILE`] (the standard
//!    library's `File::try_lock`), waiting for it a bounded time ([`FeedCache::lock`]).
//!    Readers take no lock: a rename is atomic, so they see the old feed or the new one,
//!    never a torn one.
//!
//! # Example
//! ```
//! use eesim::cache::{FeedCache, FeedInstall, Validators};
//! use jiff::civil::date;
//!
//! let dir = std::env::temp_dir().join(format!("eesim-cache-doc-{}", std::process::id()));
//! let cache = FeedCache::new(&dir);
//! let how = FeedInstall::new(date(2024, 3, 6));
//! let feed = r#"{"rounds": [{"drawNumber": "1", "drawDate": "2024-03-05",
//!   "drawName": "Canadian Experience Class", "drawSize": "1,500", "drawCRS": "522"}]}"#;
//! let update = cache.install("https://example.invalid/feed.json", feed.as_bytes(), Validators::default(), how)?;
//! assert_eq!((update.rounds, update.previous_rounds), (1, None));
//! // An HTML page is refused and the cached feed stays as it was.
//! let e = cache.install("https://example.invalid/feed.json", b"<html></html>", Validators::default(), how);
//! assert!(e.unwrap_err().to_string().contains("found an HTML page"));
//! assert_eq!(std::fs::read(cache.feed_path()).unwrap(), feed.as_bytes());
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), eesim::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Cause, ErrorKind, Result};
use crate::feed::{Anomaly, DrawNumber, DrawRecord, FeedReader, History, LoadReport, plausible};
use crate::input::{FEED_LIMIT, decode_text, read_bytes};

/// The cached feed's file name, as IRCC names it.
pub const FEED_FILE: &str = "ee_rounds_123_en.json";
/// The copy the last successful download replaced.
pub const PREVIOUS_FILE: &str = "ee_rounds_123_en.previous.json";
/// What the last download said about itself (JSON): address, validators, size, checksum.
pub const META_FILE: &str = "fetch.json";
/// The file writers lock (empty).
pub const LOCK_FILE: &str = "fetch.lock";

/// How long [`FeedCache::install`] waits for another writer to finish.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

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

/// How [`FeedCache::install`] judges a download: the date the plausibility rules take as
/// today, and which refusals to waive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct FeedInstall {
    today: Date,
    accept_anomalies: bool,
    force: bool,
}

impl FeedInstall {
    /// Installs only plausible feeds not older than the cached one, as of `today`.
    pub fn new(today: Date) -> Self {
        FeedInstall {
            today,
            accept_anomalies: false,
            force: false,
        }
    }

    /// Whether new or changed rounds that break the plausibility rules are installed
    /// (they are listed in [`FeedUpdate::anomalies`]) instead of refused.
    pub fn accept_anomalies(mut self, yes: bool) -> Self {
        self.accept_anomalies = yes;
        self
    }

    /// Whether a readable feed is installed whatever the cache holds, even one older than
    /// the cached feed (which is kept as the previous copy).
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }
}

/// What [`FeedCache::install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUpdate {
    /// Rounds in the installed feed.
    pub rounds: usize,
    /// Rounds in the feed it replaced, or `None` when the cache held none it could read.
    pub previous_rounds: Option<usize>,
    /// Rounds whose draw number the replaced feed did not have, oldest first (every round
    /// when the cache held none).
    pub added: Vec<DrawRecord>,
    /// Rounds of the replaced feed whose draw number the installed one does not have.
    pub dropped: Vec<DrawRecord>,
    /// Rounds with the same draw number in both feeds whose record changed (date, name,
    /// size, cut-off, times or snapshot): the replaced one, then the installed one.
    pub revised: Vec<(DrawRecord, DrawRecord)>,
    /// The installed feed's anomalous rounds that are new or changed (only with
    /// [`FeedInstall::accept_anomalies`]; otherwise they are refused).
    pub anomalies: Vec<Anomaly>,
    /// What the reader found in the installed feed: the records it skipped and why.
    pub load: LoadReport,
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

/// The cache's writer lock, held until dropped: one [`CacheLock::install`] at a time.
#[derive(Debug)]
#[must_use = "the lock is released when dropped"]
pub struct CacheLock<'a> {
    cache: &'a FeedCache,
    file: File,
}

impl Drop for CacheLock<'_> {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first says so plainly.
        let _ = self.file.unlock();
    }
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
    /// As [`FeedReader::read_path`] for a cached file that cannot be read (among them one
    /// that is not a regular file or is larger than 64 MiB).
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
        let Ok(bytes) = read_bytes(self.feed_path(), FEED_LIMIT) else {
            return Validators::default();
        };
        if meta.url != redact_url(url)
            || meta.bytes != bytes.len() as u64
            || meta.fnv1a64 != fnv1a64(&bytes)
        {
            return Validators::default();
        }
        Validators {
            etag: meta.etag,
            last_modified: meta.last_modified,
        }
    }

    fn meta(&self) -> Option<Meta> {
        let text = read_bytes(self.dir.join(META_FILE), 1 << 20).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Whether [`META_FILE`] describes the cached feed: its size and checksum are those of
    /// the cached file (`false` when either is missing).
    #[must_use]
    pub fn meta_matches_feed(&self) -> bool {
        let (Some(meta), Ok(bytes)) = (self.meta(), read_bytes(self.feed_path(), FEED_LIMIT))
        else {
            return false;
        };
        meta.bytes == bytes.len() as u64 && meta.fnv1a64 == fnv1a64(&bytes)
    }

    /// Takes the writer lock, creating the directory if needed and waiting at most `wait`
    /// for another writer to finish; then removes the temporary files a killed writer left.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] naming the directory when it is not a directory or cannot be
    /// created, or when the lock cannot be had within `wait`.
    pub fn lock(&self, wait: Duration) -> Result<CacheLock<'_>> {
        if let Ok(meta) = std::fs::metadata(&self.dir)
            && !meta.is_dir()
        {
            return Err(ErrorKind::Io {
                context: format!("feed cache {}", self.dir.display()),
                source: Cause::new(std::io::Error::other("expected a directory, found a file")),
            }
            .into());
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| self.io("creating", &self.dir, e))?;
        let path = self.dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.io("locking", &path, e))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(ErrorKind::Io {
                        context: format!("locking the feed cache {}", self.dir.display()),
                        source: Cause::new(std::io::Error::other(format!(
                            "expected it free within {} seconds, found it held by another writer (another `eesim fetch`?)",
                            wait.as_secs()
                        ))),
                    }
                    .into());
                }
                Err(TryLockError::Error(e)) => return Err(self.io("locking", &path, e)),
            }
        }
        let lock = CacheLock { cache: self, file };
        lock.remove_temporaries();
        Ok(lock)
    }

    /// Takes the writer lock (waiting at most [`DEFAULT_WAIT`]) and installs `body`, as
    /// [`CacheLock::install`].
    ///
    /// # Errors
    /// As [`FeedCache::lock`] and [`CacheLock::install`].
    pub fn install(
        &self,
        url: &str,
        body: &[u8],
        validators: Validators,
        how: FeedInstall,
    ) -> Result<FeedUpdate> {
        self.lock(DEFAULT_WAIT)?.install(url, body, validators, how)
    }

    fn io(&self, doing: &str, path: &Path, e: std::io::Error) -> crate::error::Error {
        ErrorKind::Io {
            context: format!("{doing} the feed cache {}", path.display()),
            source: Cause::new(e),
        }
        .into()
    }
}

impl CacheLock<'_> {
    /// The cache this lock is on.
    #[must_use]
    pub fn cache(&self) -> &FeedCache {
        self.cache
    }

    /// Checks `body`, downloaded from `url`, and makes it the cached feed (see [the
    /// promise](self#the-promise)); `validators` are recorded for the next conditional
    /// request. A body with the same bytes as the cached feed replaces nothing.
    ///
    /// # Errors
    /// [`ErrorKind::FeedDownload`] naming `url` when the body is not a usable feed (not
    /// UTF-8, an HTML page, not JSON, no `rounds` array, no rounds);
    /// [`ErrorKind::FeedAnomalies`] when new or changed rounds are anomalous;
    /// [`ErrorKind::FeedOlder`] when the feed is older than the cached one;
    /// [`ErrorKind::Io`] when the cache cannot be written. On any error the cached feed,
    /// the previous copy and the metadata are as they were, and no temporary file is left.
    pub fn install(
        &self,
        url: &str,
        body: &[u8],
        validators: Validators,
        how: FeedInstall,
    ) -> Result<FeedUpdate> {
        let url = redact_url(url);
        let (history, load) = read_download(&url, body)?;
        let cache = self.cache;
        let old_bytes = read_bytes(cache.feed_path(), FEED_LIMIT).ok();
        let old = old_bytes
            .as_deref()
            .and_then(|b| decode_text(b).ok())
            .and_then(|t| FeedReader::new().read_str(t).ok())
            .map(|(h, _)| h);
        let old_rounds: BTreeMap<&DrawNumber, &DrawRecord> = old
            .iter()
            .flat_map(History::draws)
            .map(|d| (d.number(), d))
            .collect();
        let anomalies: Vec<Anomaly> = plausible::anomalies(&history, how.today)
            .into_iter()
            .filter(|a| {
                old_rounds.get(&a.number).is_none_or(|o| {
                    history
                        .draw(&a.number)
                        .is_none_or(|new| !same_round(o, new))
                })
            })
            .collect();
        if !anomalies.is_empty() && !how.accept_anomalies {
            return Err(ErrorKind::FeedAnomalies {
                url: url.clone(),
                anomalies: anomalies.iter().map(Anomaly::to_problem).collect(),
            }
            .into());
        }
        if !how.force
            && let Some(old) = &old
        {
            let cached = newest_plausible(old, how.today);
            let found = newest_plausible(&history, how.today);
            if let Some(cached) = cached
                && found.is_none_or(|f| f.number() < cached.number())
            {
                return Err(ErrorKind::FeedOlder {
                    url: url.clone(),
                    cache: cache.feed_path().display().to_string(),
                    cached: describe(cached),
                    found: found.map_or_else(|| "none".to_string(), describe),
                }
                .into());
            }
        }
        let new_numbers: BTreeSet<&DrawNumber> =
            history.draws().iter().map(DrawRecord::number).collect();
        let added = history
            .draws()
            .iter()
            .filter(|d| !old_rounds.contains_key(d.number()))
            .cloned()
            .collect();
        let dropped = old
            .iter()
            .flat_map(History::draws)
            .filter(|d| !new_numbers.contains(d.number()))
            .cloned()
            .collect();
        let revised = history
            .draws()
            .iter()
            .filter_map(|d| {
                let o = old_rounds.get(d.number())?;
                (!same_round(o, d)).then(|| ((*o).clone(), d.clone()))
            })
            .collect();
        let changed = old_bytes.as_deref() != Some(body);
        let meta = Meta {
            url,
            etag: validators.etag,
            last_modified: validators.last_modified,
            bytes: body.len() as u64,
            fnv1a64: fnv1a64(body),
        };
        let meta = serde_json::to_string_pretty(&meta).map_err(|e| ErrorKind::Io {
            context: "writing the fetch record".to_string(),
            source: crate::error::Cause::new(e),
        })?;
        let mut files: Vec<(&str, &[u8])> = Vec::new();
        if changed {
            if let Some(old_bytes) = &old_bytes {
                files.push((PREVIOUS_FILE, old_bytes));
            }
            files.push((FEED_FILE, body));
        }
        files.push((META_FILE, meta.as_bytes()));
        self.replace(&files)?;
        Ok(FeedUpdate {
            rounds: history.draws().len(),
            previous_rounds: old.as_ref().map(|h| h.draws().len()),
            added,
            dropped,
            revised,
            anomalies,
            load,
            last_round: history.draws().last().cloned(),
            changed,
        })
    }

    /// Writes every file to a temporary file first; only when all are complete are they
    /// renamed over their names, in order. On an error before the renames, every temporary
    /// file is removed and nothing was replaced.
    fn replace(&self, files: &[(&str, &[u8])]) -> Result<()> {
        let dir = self.cache.dir();
        let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (name, bytes) in files {
            let path = dir.join(name);
            let tmp = dir.join(temporary_name(name));
            let done =
                File::create(&tmp).and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
            if let Err(e) = done {
                let _ = std::fs::remove_file(&tmp);
                for (t, _) in &written {
                    let _ = std::fs::remove_file(t);
                }
                return Err(self.cache.io("writing", &path, e));
            }
            written.push((tmp, path));
        }
        // Renames within one directory need no space: after the writes they do not fail
        // for a full disk.
        for (i, (tmp, path)) in written.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                for (t, _) in written.iter().skip(i) {
                    let _ = std::fs::remove_file(t);
                }
                return Err(self.cache.io("writing", path, e));
            }
        }
        // Makes the renames durable where a directory can be synced (not on Windows).
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Removes the temporary files of writers that were killed: while we hold the lock, no
    /// other writer is writing one.
    fn remove_temporaries(&self) {
        let Ok(entries) = std::fs::read_dir(self.cache.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if is_temporary(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The downloaded body as a feed with at least one round.
fn read_download(url: &str, body: &[u8]) -> Result<(History, LoadReport)> {
    let refuse = |expected: &str, found: String| -> crate::error::Error {
        ErrorKind::FeedDownload {
            url: url.to_string(),
            expected: expected.to_string(),
            found,
        }
        .into()
    };
    let feed = "IRCC's rounds feed (a JSON object with a \"rounds\" array)";
    let text = decode_text(body).map_err(|e| {
        refuse(
            feed,
            e.strip_prefix("expected UTF-8 text, found ")
                .map_or(e.clone(), |found| {
                    found.replace("bytes that are not", "bytes that are not UTF-8 text")
                }),
        )
    })?;
    let head = text.trim_start();
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
    let (history, load) = FeedReader::new().read_str(text).map_err(|e| {
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
    Ok((history, load))
}

/// The round with the highest number among those that are not anomalous as of `today`.
fn newest_plausible(history: &History, today: Date) -> Option<&DrawRecord> {
    let bad: BTreeSet<DrawNumber> = plausible::anomalies(history, today)
        .into_iter()
        .map(|a| a.number)
        .collect();
    history
        .draws()
        .iter()
        .filter(|d| !bad.contains(d.number()))
        .max_by(|a, b| a.number().cmp(b.number()))
}

fn describe(d: &DrawRecord) -> String {
    format!("No. {} of {}", d.number(), d.date())
}

/// Whether two records of the same round say the same (their place in the feed aside).
fn same_round(a: &DrawRecord, b: &DrawRecord) -> bool {
    (
        a.date(),
        a.name(),
        a.size(),
        a.cutoff(),
        a.held_at(),
        a.tie_break(),
        a.snapshot_date(),
    ) == (
        b.date(),
        b.name(),
        b.size(),
        b.cutoff(),
        b.held_at(),
        b.tie_break(),
        b.snapshot_date(),
    )
}

/// `.NAME.PID.N.tmp`: unique within the process and across processes.
fn temporary_name(name: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{}.{n}.tmp", std::process::id())
}

/// Whether `name` is one of our temporary files (of this version or the one before, which
/// named them `.NAME.PID.tmp`).
fn is_temporary(name: &str) -> bool {
    name.ends_with(".tmp")
        && [FEED_FILE, PREVIOUS_FILE, META_FILE]
            .iter()
            .any(|f| name.starts_with(&format!(".{f}.")))
}

/// `url` with its user name and password replaced by `***`, to print and to store:
/// `https://me:secret@host/feed.json` becomes `https://***@host/feed.json`.
///
/// # Example
/// ```
/// use eesim::cache::redact_url;
///
/// assert_eq!(redact_url("https://me:secret@example.org/f.json"), "https://***@example.org/f.json");
/// assert_eq!(redact_url("https://example.org/a@b"), "https://example.org/a@b");
/// ```
#[must_use]
pub fn redact_url(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[start..];
    let authority = rest.find(['/', '?', '#']).map_or(rest, |end| &rest[..end]);
    match authority.rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_string(),
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
