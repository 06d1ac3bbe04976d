//! Several `eesim fetch` processes at once, against a local server (127.0.0.1, an ephemeral
//! port) that alternates a newer and an older feed: while they run, a reader never sees a torn
//! feed; after every try the cache is readable,
//! holds the newest feed any process said it installed, `fetch.json` describes it and no
//! temporary file is left. The property: any sequence of good, bad, truncated and concurrent
//! fetches keeps those promises.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use eesim::cache::{FEED_FILE, FeedCache, LOCK_FILE, META_FILE, PREVIOUS_FILE};
use proptest::prelude::*;
use serde_json::Value;

use crate::fetch::{Reply, Server, feeds, temp_cache};

/// `eesim fetch --json` started, not waited for.
fn spawn_fetch(cache: &Path, url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(["fetch", "--url", url, "--json", "--timeout", "30"])
        .env("EESIM_CACHE_DIR", cache)
        .env("EESIM_TODAY", "2024-03-20")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The newest round number a fetch said the cache holds, or `None` when it failed (as it
/// may, only for a feed older than the cached one, a refused body or a broken answer).
fn finish(child: Child) -> Option<u64> {
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    match out.status.code() {
        Some(0) => {
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            v["last_round"]["number"].as_str().unwrap().parse().ok()
        }
        Some(1) => {
            assert!(err.starts_with("error: downloading "), "{err}");
            None
        }
        other => panic!("exit status {other:?}: {err}"),
    }
}

/// The cache's promises: a readable feed whose newest round is at least `newest`, metadata
/// describing it, and only the cache's own files.
fn check_cache(dir: &Path, newest: Option<u64>) -> Result<(), String> {
    let cache = FeedCache::new(dir);
    let Some((history, _)) = cache.load().map_err(|e| e.to_string())? else {
        return if newest.is_none() {
            Ok(())
        } else {
            Err("no cached feed".into())
        };
    };
    let cached = history
        .draws()
        .iter()
        .map(|d| u64::from(d.number().number()))
        .max();
    if cached < newest {
        return Err(format!(
            "the cache's newest round is {cached:?}, a fetch installed {newest:?}"
        ));
    }
    if !cache.meta_matches_feed() {
        return Err("fetch.json describes another feed than the cached one".into());
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if ![FEED_FILE, PREVIOUS_FILE, META_FILE, LOCK_FILE].contains(&name.as_str()) {
            return Err(format!("a stray file {name}"));
        }
    }
    Ok(())
}

/// `processes` fetches at once, `tries` times, against a server alternating the feeds of
/// 5 and 4 rounds.
fn race(name: &str, processes: usize, tries: usize) {
    let (four, five, _) = feeds();
    let count = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&count);
    let server = Server::start(move |_| {
        if c.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
            Reply::ok(five.clone())
        } else {
            Reply::ok(four.clone())
        }
    });
    for t in 0..tries {
        let dir = temp_cache(&format!("{name}-{t}"));
        let mut children: Vec<Child> = (0..processes)
            .map(|_| spawn_fetch(&dir, &server.url))
            .collect();
        // Meanwhile a reader never sees a torn feed: no feed yet, or one that reads.
        let reader = FeedCache::new(&dir);
        while children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
            if let Err(e) = reader.load() {
                panic!("try {t}: a reader saw a torn feed: {e}");
            }
        }
        let newest = children.into_iter().filter_map(finish).max();
        assert!(newest.is_some(), "try {t}: every fetch failed");
        if let Err(e) = check_cache(&dir, newest) {
            panic!("try {t}: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn concurrent_fetches_never_lose_a_round_and_fetch_json_describes_the_feed() {
    race("race", 4, 6);
}

/// The heavier loop, in release by `.ci/run`'s last line.
#[test]
#[ignore = "heavy: run with --release -- --ignored"]
fn concurrent_fetches_many_times() {
    race("race-many", 8, 40);
}

/// One step of a sequence of fetches.
#[derive(Clone, Debug)]
enum Step {
    /// The fixture feed without its `k` newest rounds (0 to 2).
    Good(usize),
    /// An HTML page.
    Bad,
    /// A good feed cut short.
    Truncated(usize),
    /// Two fetches at once, each answered a good feed.
    Concurrent(usize, usize),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        (0..3usize).prop_map(Step::Good),
        Just(Step::Bad),
        (0..3usize).prop_map(Step::Truncated),
        (0..3usize, 0..3usize).prop_map(|(a, b)| Step::Concurrent(a, b)),
    ];
    proptest::collection::vec(step, 1..5)
}

/// The fixture without its `k` newest rounds.
fn good(k: usize) -> Vec<u8> {
    let (four, five, three) = feeds();
    vec![five, four, three].swap_remove(k)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Any sequence of good, bad, truncated and concurrent fetches leaves a readable cache
    /// with at least the rounds of the newest good feed installed.
    #[test]
    fn prop_any_sequence_of_fetches_keeps_the_newest_good_feed(steps in steps()) {
        let queue: Arc<Mutex<Vec<Vec<u8>>>> = Arc::new(Mutex::new(Vec::new()));
        let q = Arc::clone(&queue);
        let server = Server::start(move |_| {
            let body = q.lock().unwrap().pop().unwrap_or_default();
            Reply::ok(body)
        });
        let dir = temp_cache("prop-sequence");
        let mut newest: Option<u64> = None;
        for step in &steps {
            let bodies: Vec<Vec<u8>> = match step {
                Step::Good(k) => vec![good(*k)],
                Step::Bad => vec![b"<html>maintenance</html>".to_vec()],
                Step::Truncated(k) => {
                    let g = good(*k);
                    vec![g[..g.len() / 2].to_vec()]
                }
                Step::Concurrent(a, b) => vec![good(*a), good(*b)],
            };
            *queue.lock().unwrap() = bodies.clone();
            let children: Vec<Child> = bodies.iter().map(|_| spawn_fetch(&dir, &server.url)).collect();
            for installed in children.into_iter().map(finish) {
                newest = newest.max(installed);
            }
            let checked = check_cache(&dir, newest);
            prop_assert!(checked.is_ok(), "after {:?}: {:?}", step, checked);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
