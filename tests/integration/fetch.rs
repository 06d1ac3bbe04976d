//! `eesim fetch` against a local HTTP server on 127.0.0.1 (never the internet): a feed is
//! stored with its validators, an unchanged one is answered 304, new rounds are listed, and
//! every failed download leaves the cache byte for byte as it was.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eesim::cache::{
    FEED_FILE, FeedCache, FeedInstall, LOCK_FILE, META_FILE, PREVIOUS_FILE, Validators,
};
use proptest::prelude::*;

use crate::feed_reader::fixture;

/// What the test server answers.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    /// A complete HTTP/1.1 answer (with its true Content-Length) and the connection closed.
    Http {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// These bytes as they are, then the connection closed.
    Raw(Vec<u8>),
    /// The connection accepted and held open, never answered.
    Silent,
}

impl Reply {
    pub(crate) fn ok(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status: "200 OK",
            headers: vec![("Content-Type", "application/json".into())],
            body: body.into(),
        }
    }

    pub(crate) fn status(status: &'static str, body: &str) -> Reply {
        Reply::Http {
            status,
            headers: vec![("Content-Type", "text/html".into())],
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A local server on an ephemeral port, answering each request with `handler(request head)`.
pub(crate) struct Server {
    pub(crate) url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(handler: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/content/dam/ircc/documents/json/ee_rounds_123_en.json",
            listener.local_addr().unwrap()
        );
        let heads = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let seen = Arc::clone(&heads);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || answer(stream, &*handler, &seen));
            }
        });
        Server { url, heads }
    }

    /// The request heads received so far.
    pub(crate) fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, handler: &dyn Fn(&str) -> Reply, seen: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    seen.lock().unwrap().push(head.clone());
    match handler(&head) {
        Reply::Http {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("Connection: close\r\n\r\n");
            let _ = stream.write_all(out.as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes);
        }
        Reply::Silent => std::thread::sleep(Duration::from_secs(30)),
    }
}

/// A fresh, empty cache directory for one test.
pub(crate) fn temp_cache(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `eesim ARGS` with this cache, no proxy, and no address from the environment.
pub(crate) fn eesim_with_cache(cache: &Path, args: &[&str]) -> Output {
    eesim_env(cache, &[], args)
}

/// The same with these environment variables too (such as `EESIM_TODAY`).
pub(crate) fn eesim_env(cache: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eesim"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_CACHE_DIR", cache)
        .env_remove("EESIM_FEED_URL")
        .env_remove("EESIM_TODAY")
        .envs(env.iter().copied());
    for proxy in [
        "ALL_PROXY",
        "all_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
    ] {
        command.env_remove(proxy);
    }
    command.output().unwrap()
}

pub(crate) fn fetch(cache: &Path, url: &str, extra: &[&str]) -> Output {
    let mut args = vec!["fetch", "--url", url];
    args.extend_from_slice(extra);
    eesim_with_cache(cache, &args)
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The fixture feed of 5 rounds, and the same without its newest round(s).
pub(crate) fn feeds() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let full = std::fs::read_to_string(fixture("replay.json")).unwrap();
    let drop_newest = |n: usize| {
        let mut v: serde_json::Value = serde_json::from_str(&full).unwrap();
        let rounds = v["rounds"].as_array_mut().unwrap();
        // The fixture lists the newest round first, as IRCC does.
        rounds.drain(..n);
        serde_json::to_vec_pretty(&v).unwrap()
    };
    (drop_newest(1), full.clone().into_bytes(), drop_newest(2))
}

/// Every file of the cache directory, name and bytes.
pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn fetch_stores_the_feed_and_an_unchanged_one_is_answered_304() {
    let (four, _, _) = feeds();
    let body = four.clone();
    let server = Server::start(move |head| {
        if head.contains("if-none-match: \"v1\"") || head.contains("If-None-Match: \"v1\"") {
            Reply::Http {
                status: "304 Not Modified",
                headers: vec![("ETag", "\"v1\"".into())],
                body: Vec::new(),
            }
        } else {
            Reply::Http {
                status: "200 OK",
                headers: vec![
                    ("ETag", "\"v1\"".into()),
                    ("Last-Modified", "Tue, 12 Mar 2024 15:00:00 GMT".into()),
                ],
                body: body.clone(),
            }
        }
    });
    let cache = temp_cache("etag");
    let out = fetch(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Fetched {}: 4 rounds, the newest No. 3 of 2024-03-10, into {}\n",
            server.url,
            cache.join(FEED_FILE).display()
        )
    );
    assert_eq!(std::fs::read(cache.join(FEED_FILE)).unwrap(), four);
    assert!(!cache.join(PREVIOUS_FILE).exists(), "nothing was replaced");
    let before = snapshot(&cache);

    let out = fetch(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Up to date: "), "{}", stdout(&out));
    let heads = server.heads();
    assert_eq!(heads.len(), 2);
    let second = heads[1].to_ascii_lowercase();
    assert!(second.contains("if-none-match: \"v1\""), "{second}");
    assert!(
        second.contains("if-modified-since: tue, 12 mar 2024 15:00:00 gmt"),
        "{second}"
    );
    assert!(
        !heads[0].to_ascii_lowercase().contains("if-none-match"),
        "the first request is unconditional"
    );
    assert_eq!(snapshot(&cache), before, "a 304 changes nothing");

    let v: serde_json::Value =
        serde_json::from_slice(&fetch(&cache, &server.url, &["--json"]).stdout).unwrap();
    assert_eq!(v["status"], "up to date");
    assert_eq!(
        (v["rounds"].as_u64(), v["previous_rounds"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(v["added"], serde_json::json!([]));
    assert_eq!(v["url"], server.url.as_str());
}

#[test]
fn fetch_lists_the_rounds_added_and_keeps_the_previous_copy() {
    let (four, five, _) = feeds();
    let current = Arc::new(Mutex::new(four.clone()));
    let serving = Arc::clone(&current);
    let server = Server::start(move |_| Reply::ok(serving.lock().unwrap().clone()));
    let cache = temp_cache("added");
    assert!(fetch(&cache, &server.url, &[]).status.success());
    // The same bytes again, with no validators: up to date.
    let out = fetch(&cache, &server.url, &[]);
    assert!(stdout(&out).starts_with("Up to date: "), "{}", stdout(&out));
    *current.lock().unwrap() = five.clone();
    let out = fetch(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Fetched {}: 1 round added since the last fetch, 5 in all, into {}\n  \
             number  date        family         size  cut-off\n       \
             4  2024-03-12  pnp             100     1100\n",
            server.url,
            cache.join(FEED_FILE).display()
        )
    );
    assert_eq!(std::fs::read(cache.join(FEED_FILE)).unwrap(), five);
    assert_eq!(std::fs::read(cache.join(PREVIOUS_FILE)).unwrap(), four);
    // JSON: the same document, for the same change.
    let cache = temp_cache("added-json");
    *current.lock().unwrap() = four.clone();
    assert!(fetch(&cache, &server.url, &[]).status.success());
    *current.lock().unwrap() = five;
    let out = fetch(&cache, &server.url, &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "updated");
    assert_eq!(
        (v["rounds"].as_u64(), v["previous_rounds"].as_u64()),
        (Some(5), Some(4))
    );
    assert_eq!(
        v["added"],
        serde_json::json!([{"number": "4", "date": "2024-03-12", "family": "pnp", "size": 100, "cutoff": 1100}])
    );
    assert_eq!(v["last_round"]["number"], "4");
    assert_eq!(v["file"], cache.join(FEED_FILE).display().to_string());
}

/// Every way a download can fail: exit status 1, a message naming the address and what was
/// wrong, and the cache exactly as it was.
#[test]
fn err_a_failed_download_leaves_the_cache_as_it_was() {
    let (four, _, three) = feeds();
    let good = four.clone();
    let case: Arc<Mutex<Reply>> = Arc::new(Mutex::new(Reply::ok(good)));
    let serving = Arc::clone(&case);
    let server = Server::start(move |_| serving.lock().unwrap().clone());
    let cache = temp_cache("failures");
    assert!(fetch(&cache, &server.url, &[]).status.success());
    let before = snapshot(&cache);
    assert_eq!(
        before.len(),
        3,
        "the feed, its fetch record and the lock file"
    );
    let truncated = four[..four.len() / 2].to_vec();
    let mut cut_short = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        four.len()
    )
    .into_bytes();
    cut_short.extend_from_slice(&four[..100]);
    let cases: Vec<(&str, Reply, &str)> = vec![
        (
            "404",
            Reply::status("404 Not Found", "<html>gone</html>"),
            "found 404 Not Found",
        ),
        (
            "500",
            Reply::status("500 Internal Server Error", "oops"),
            "found 500 Internal Server Error",
        ),
        (
            "html",
            Reply::ok("<!DOCTYPE html>\n<html><body>Maintenance</body></html>"),
            "found an HTML page",
        ),
        (
            "truncated",
            Reply::ok(truncated),
            "found invalid JSON (EOF while parsing",
        ),
        (
            "cut short",
            Reply::Raw(cut_short),
            "expected the whole feed, found a broken answer",
        ),
        (
            "an older feed",
            Reply::ok(three),
            "up to No. 3 of 2024-03-10, found an older feed whose newest round is No. 2 of 2024-03-02",
        ),
        (
            "not a feed",
            Reply::ok("{\"classes\": []}"),
            "found no \"rounds\" array",
        ),
        (
            "no rounds",
            Reply::ok("{\"rounds\": []}"),
            "expected a feed with at least one readable round, found none",
        ),
        ("empty", Reply::ok(""), "found an empty answer"),
        (
            "binary",
            Reply::ok(vec![0x7b, 0xff, 0x00, 0x7b]),
            "found 4 bytes that are not UTF-8 text (at byte 1)",
        ),
        (
            "utf-16",
            Reply::ok(vec![0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
            "found UTF-16 (little-endian, byte-order mark FF FE): save it as UTF-8",
        ),
        (
            "timeout",
            Reply::Silent,
            "found none within 1 seconds (--timeout)",
        ),
    ];
    for (name, reply, message) in cases {
        *case.lock().unwrap() = reply;
        let started = std::time::Instant::now();
        let out = fetch(&cache, &server.url, &["--timeout", "1"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.starts_with(&format!("error: downloading {}: expected ", server.url)),
            "{name}: {err}"
        );
        assert!(
            err.contains(message),
            "{name}: expected {message:?} in {err}"
        );
        assert!(out.stdout.is_empty(), "{name}");
        assert_eq!(snapshot(&cache), before, "{name}: the cache changed");
        assert!(started.elapsed() < Duration::from_secs(20), "{name}");
    }
    // Nobody listening at all.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/feed.json", l.local_addr().unwrap())
    };
    let out = fetch(&cache, &closed, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: downloading {closed}: expected an answer, found "
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&cache), before);
}

#[test]
fn the_address_comes_from_the_flag_then_the_environment() {
    let (four, _, _) = feeds();
    let server = Server::start(move |_| Reply::ok(four.clone()));
    let cache = temp_cache("env-url");
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(["fetch", "--json"])
        .env("EESIM_CACHE_DIR", &cache)
        .env("EESIM_FEED_URL", &server.url)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["url"], server.url.as_str());
    assert_eq!(server.heads().len(), 1);
    assert!(
        server.heads()[0]
            .starts_with("GET /content/dam/ircc/documents/json/ee_rounds_123_en.json HTTP/1.1\r\n")
    );
}

/// Bodies for the property tests: any bytes, a good feed cut anywhere, a good feed with one
/// byte changed.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let (_, five, _) = feeds();
    let (cut, flip) = (five.clone(), five);
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (0..cut.len()).prop_map(move |n| cut[..n].to_vec()),
        (0..flip.len(), any::<u8>()).prop_map(move |(i, b)| {
            let mut v = flip.clone();
            v[i] = b;
            v
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The library: whatever the body, the cache holds either the old feed or exactly the
    /// body, and the previous copy is the old feed.
    #[test]
    fn install_never_corrupts_the_cache(body in bodies()) {
        let (four, _, _) = feeds();
        let dir = temp_cache("prop-lib");
        let cache = FeedCache::new(&dir);
        let how = FeedInstall::new(jiff::civil::date(2026, 12, 1));
        cache.install("http://127.0.0.1/feed", &four, Validators::default(), how).unwrap();
        let before = snapshot(&dir);
        match cache.install("http://127.0.0.1/feed", &body, Validators::default(), how) {
            Ok(update) => {
                prop_assert!(update.rounds >= 4);
                prop_assert_eq!(std::fs::read(cache.feed_path()).unwrap(), body.clone());
                if update.changed {
                    prop_assert_eq!(std::fs::read(cache.previous_path()).unwrap(), four);
                }
                prop_assert!(cache.load().unwrap().is_some());
            }
            Err(e) => {
                prop_assert!(e.to_string().starts_with("downloading http://127.0.0.1/feed: expected "), "{}", e);
                prop_assert_eq!(snapshot(&dir), before);
            }
        }
        let names: Vec<String> = snapshot(&dir).into_iter().map(|(n, _)| n).collect();
        prop_assert!(names.iter().all(|n| [FEED_FILE, PREVIOUS_FILE, META_FILE, LOCK_FILE].contains(&n.as_str())), "{:?}", names);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The command over HTTP: never a panic; exit 0 with the body cached, or exit 1 with the
    /// cache as it was.
    #[test]
    fn fetch_never_panics_or_corrupts_the_cache(body in bodies()) {
        let (four, _, _) = feeds();
        let serving = Arc::new(Mutex::new(four.clone()));
        let s = Arc::clone(&serving);
        let server = Server::start(move |_| Reply::ok(s.lock().unwrap().clone()));
        let dir = temp_cache("prop-cli");
        prop_assert!(fetch(&dir, &server.url, &[]).status.success());
        let before = snapshot(&dir);
        *serving.lock().unwrap() = body.clone();
        let out = fetch(&dir, &server.url, &["--timeout", "5"]);
        prop_assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
        match out.status.code() {
            Some(0) => prop_assert_eq!(std::fs::read(dir.join(FEED_FILE)).unwrap(), body),
            Some(1) => prop_assert_eq!(snapshot(&dir), before),
            other => prop_assert!(false, "exit status {:?}: {}", other, stderr(&out)),
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
