//! Data you can trust (issue 20): implausible rounds are refused by `fetch` and left out by
//! readers, a bad cache never blocks an update, a failed write (a full disk) or a killed
//! writer leaves the cache as it was, and the smaller faults: byte-order marks, passwords in
//! addresses, unsupported schemes, a cache path that is not a directory, revised and dropped
//! rounds named, draw arguments, control characters, `--runs`. Every server is local.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use eesim::cache::{FEED_FILE, FeedCache, LOCK_FILE, META_FILE, PREVIOUS_FILE};
use serde_json::{Value, json};

use crate::fetch::{Reply, Server, eesim_env, feeds, snapshot, stderr, stdout, temp_cache};

/// The date the tests take as today: after the fixture's rounds (March 2024).
const TODAY: (&str, &str) = ("EESIM_TODAY", "2024-03-20");

/// `eesim fetch --url URL EXTRA` with [`TODAY`].
fn fetch_today(cache: &Path, url: &str, extra: &[&str]) -> Output {
    let mut args = vec!["fetch", "--url", url];
    args.extend_from_slice(extra);
    eesim_env(cache, &[TODAY], &args)
}

/// `feed` (JSON bytes) with a round added first, as IRCC lists the newest.
fn with_round(feed: &[u8], number: &str, date: &str, name: &str, size: &str) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(feed).unwrap();
    let round = json!({"drawNumber": number, "drawDate": date, "drawName": name,
        "drawSize": size, "drawCRS": "520"});
    v["rounds"].as_array_mut().unwrap().insert(0, round);
    serde_json::to_vec_pretty(&v).unwrap()
}

/// `feed` with `field` of round `number` set to `value` (`None` removes the round).
fn edit(feed: &[u8], number: &str, field: &str, value: Option<&str>) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(feed).unwrap();
    let rounds = v["rounds"].as_array_mut().unwrap();
    let i = rounds
        .iter()
        .position(|r| r["drawNumber"] == number)
        .unwrap();
    match value {
        Some(value) => rounds[i][field] = value.into(),
        None => {
            rounds.remove(i);
        }
    }
    serde_json::to_vec_pretty(&v).unwrap()
}

/// A server answering whatever `serving` holds now.
fn server(first: Vec<u8>) -> (Server, Arc<Mutex<Vec<u8>>>) {
    let serving = Arc::new(Mutex::new(first));
    let s = Arc::clone(&serving);
    (
        Server::start(move |_| Reply::ok(s.lock().unwrap().clone())),
        serving,
    )
}

/// A file in a fresh temporary folder of this test.
fn temp_file(test: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-files-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn fetch_refuses_anomalous_rounds_and_installs_nothing() {
    let (four, five, _) = feeds();
    let (server, serving) = server(four);
    let cache = temp_cache("anomalies");
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    let before = snapshot(&cache);
    let cases = [
        (
            with_round(
                &five,
                "5",
                "2024-03-14",
                "Canadian Experience Class",
                "400,000",
            ),
            "round 5 of 2024-03-14 (cec), field drawSize: expected at most 50,000 invitations, found 400,000",
        ),
        (
            with_round(
                &five,
                "5",
                "2062-03-14",
                "Canadian Experience Class",
                "1,000",
            ),
            "round 5 of 2062-03-14 (cec), field drawDate: expected a date no later than today (2024-03-20), found 2062-03-14",
        ),
        (
            // A known round changed: its new record is judged too.
            edit(&five, "2", "drawSize", Some("4,000,000,000")),
            "round 2 of 2024-03-02 (cec), field drawSize: expected at most 50,000 invitations, found 4,000,000,000",
        ),
    ];
    for (body, anomaly) in cases {
        *serving.lock().unwrap() = body.clone();
        let out = fetch_today(&cache, &server.url, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.starts_with(&format!(
                "error: downloading {}: expected plausible rounds, found 1 anomalous round (installed nothing; `eesim fetch --accept-anomalies` installs them",
                server.url
            )),
            "{err}"
        );
        assert!(err.contains(&format!("\n  {anomaly}\n")), "{err}");
        assert_eq!(snapshot(&cache), before, "{anomaly}: the cache changed");

        // Accepted on request, with a warning; estimates still leave it out.
        let accepted = temp_cache("anomalies-accepted");
        let out = fetch_today(&accepted, &server.url, &["--accept-anomalies"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "warning: installed an anomalous round (--accept-anomalies): {anomaly}"
            )),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(accepted.join(FEED_FILE)).unwrap(), body);
    }
}

#[test]
fn readers_leave_anomalous_rounds_out_with_a_warning() {
    let (_, five, _) = feeds();
    let good = temp_file("readers", "good.json", &five);
    let typo = with_round(
        &five,
        "5",
        "2024-03-14",
        "Canadian Experience Class",
        "400,000",
    );
    let bad = temp_file("readers", "bad.json", &typo);
    let cache = temp_cache("readers-cache");
    let chance = |feed: &Path| {
        let args = [
            "chance",
            "--feed",
            feed.to_str().unwrap(),
            "--crs",
            "480",
            "--runs",
            "400",
            "--json",
        ];
        eesim_env(&cache, &[TODAY], &args)
    };
    let (with_good, with_bad) = (chance(&good), chance(&bad));
    assert_eq!(with_bad.status.code(), Some(0), "{}", stderr(&with_bad));
    let warning = format!(
        "warning: feed {}: an implausible round left out of the model: round 5 of 2024-03-14 (cec), field drawSize: expected at most 50,000 invitations, found 400,000\n",
        bad.display()
    );
    assert_eq!(stderr(&with_bad), warning);
    let strip = |out: &Output| {
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("data");
        v
    };
    assert_eq!(
        strip(&with_bad),
        strip(&with_good),
        "the typo changes nothing"
    );

    // A round of four billion neither breaks the estimate nor goes unnamed.
    let huge = temp_file(
        "readers",
        "huge.json",
        &with_round(
            &five,
            "5",
            "2024-03-14",
            "Canadian Experience Class",
            "4,000,000,000",
        ),
    );
    let out = chance(&huge);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("found 4,000,000,000"),
        "{}",
        stderr(&out)
    );

    // Replay and calibrate name it too, and replay's JSON lists it.
    let out = eesim_env(
        &cache,
        &[TODAY],
        &["replay", bad.to_str().unwrap(), "--json"],
    );
    assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rounds"], 5);
    assert_eq!(
        v["feed"]["left_out"],
        json!([{"number": "5", "date": "2024-03-14", "field": "drawSize", "found": "400,000"}])
    );
    let out = eesim_env(&cache, &[TODAY], &["calibrate", bad.to_str().unwrap()]);
    assert!(stderr(&out).contains(&warning), "{}", stderr(&out));
}

#[test]
fn a_bad_cached_round_never_blocks_updates() {
    let (_, five, _) = feeds();
    let future = with_round(
        &five,
        "9",
        "2062-01-01",
        "Canadian Experience Class",
        "1,000",
    );
    let (server, serving) = server(future);
    let cache = temp_cache("never-blocked");
    let out = fetch_today(&cache, &server.url, &["--accept-anomalies"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The real feed, one round fewer: installed, and the round it dropped is named.
    *serving.lock().unwrap() = five.clone();
    let out = fetch_today(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(cache.join(FEED_FILE)).unwrap(), five);
    assert!(
        stdout(&out).ends_with(
            "Dropped since the last fetch (no longer in the feed):\n  \
             number  date        family         size  cut-off\n       \
             9  2062-01-01  cec            1000      520\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn fetch_force_installs_an_older_feed_keeping_the_cached_one_as_previous() {
    let (four, five, _) = feeds();
    let (server, serving) = server(five.clone());
    let cache = temp_cache("force");
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    *serving.lock().unwrap() = four.clone();
    let out = fetch_today(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).trim_end().ends_with(
            "found an older feed whose newest round is No. 3 of 2024-03-10 (installed nothing; `eesim fetch --force` installs it, keeping the cached feed as the previous copy)"
        ),
        "{}",
        stderr(&out)
    );
    let out = fetch_today(&cache, &server.url, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(cache.join(FEED_FILE)).unwrap(), four);
    assert_eq!(std::fs::read(cache.join(PREVIOUS_FILE)).unwrap(), five);
    assert!(FeedCache::new(&cache).meta_matches_feed());
}

/// `eesim fetch` writing at most `blocks` blocks a file (`ulimit -f`), as on a full disk;
/// `SIGXFSZ` is ignored, so a write past the limit fails instead of killing the process.
fn fetch_with_file_limit(cache: &Path, url: &str, blocks: u32) -> Output {
    Command::new("sh")
        .args([
            "-c",
            &format!("trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_eesim"),
            "fetch",
            "--url",
            url,
        ])
        .env("EESIM_CACHE_DIR", cache)
        .env(TODAY.0, TODAY.1)
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_failed_write_leaves_the_cache_and_its_previous_copy_as_they_were() {
    let (four, five, three) = feeds();
    let (server, serving) = server(three);
    let cache = temp_cache("full-disk");
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    *serving.lock().unwrap() = four;
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    let before = snapshot(&cache);
    // A new feed of 2 MB, padded with spaces: the disk "fills" while it is written.
    let mut big = five;
    big.extend(std::iter::repeat_n(b' ', 2 << 20));
    *serving.lock().unwrap() = big;
    let out = fetch_with_file_limit(&cache, &server.url, 512);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: writing the feed cache {}",
            cache.join(FEED_FILE).display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        snapshot(&cache),
        before,
        "the feed, the previous copy and fetch.json as they were, no temporary file"
    );
}

#[test]
fn stale_temporary_files_are_removed_by_the_next_fetch() {
    let (four, _, _) = feeds();
    let (server, _) = server(four);
    let cache = temp_cache("stale-temporaries");
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    let before = snapshot(&cache);
    // What a writer killed mid-way leaves, in this version's names and the last one's.
    for name in [
        ".ee_rounds_123_en.json.99999.0.tmp",
        ".ee_rounds_123_en.previous.json.99999.1.tmp",
        ".fetch.json.12345.tmp",
    ] {
        std::fs::write(cache.join(name), b"half a fe").unwrap();
    }
    std::fs::write(cache.join("notes.txt"), b"mine").unwrap();
    let out = fetch_today(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_file(cache.join("notes.txt")).unwrap();
    assert_eq!(snapshot(&cache), before);
}

#[test]
fn a_waiting_fetch_gives_up_with_a_clear_error() {
    let (four, _, _) = feeds();
    let (server, _) = server(four);
    let dir = temp_cache("lock-wait");
    let cache = FeedCache::new(&dir);
    let lock = cache.lock(Duration::ZERO).unwrap();
    let out = fetch_today(&dir, &server.url, &["--timeout", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: locking the feed cache {}: expected it free within 1 seconds, found it held by another writer (another `eesim fetch`?)\n",
            dir.display()
        )
    );
    assert!(
        server.heads().is_empty(),
        "nothing downloaded while waiting"
    );
    drop(lock);
    assert!(fetch_today(&dir, &server.url, &[]).status.success());
    assert!(dir.join(LOCK_FILE).exists());
}

#[test]
fn fetch_accepts_a_feed_with_a_byte_order_mark() {
    let (four, _, _) = feeds();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&four);
    let (server, _) = server(bom.clone());
    let cache = temp_cache("bom");
    let out = fetch_today(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(": 4 rounds"), "{}", stdout(&out));
    let file = temp_file("bom", "feed.json", &bom);
    let out = eesim_env(
        &cache,
        &[TODAY],
        &["replay", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_password_in_an_address_is_never_printed_or_stored() {
    let (four, _, _) = feeds();
    let (server, serving) = server(four);
    let cache = temp_cache("userinfo");
    let url = server.url.replace("http://", "http://me:s3cret@");
    let shown = server.url.replace("http://", "http://***@");
    let out = fetch_today(&cache, &url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&shown), "{}", stdout(&out));
    let meta = std::fs::read_to_string(cache.join(META_FILE)).unwrap();
    assert!(meta.contains(&shown), "{meta}");
    // Refused downloads name the address without it too.
    *serving.lock().unwrap() = b"<html></html>".to_vec();
    let out = fetch_today(&cache, &url, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("error: downloading {shown}: ")),
        "{}",
        stderr(&out)
    );
    for text in [stdout(&out), stderr(&out), meta] {
        assert!(!text.contains("s3cret"), "{text}");
    }
}

#[test]
fn unsupported_schemes_are_named() {
    let cache = temp_cache("schemes");
    // A bad argument (exit 2), named as given: --url, or EESIM_FEED_URL.
    let out = fetch_today(&cache, "file:///tmp/ee_rounds_123_en.json", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --url: expected an http:// or https:// address, found a file: address (a feed file is read directly: give it to the command, as `eesim replay FILE` or `--feed FILE`)\nFor more information, try '--help'.\n"
    );
    let out = eesim_env(
        &cache,
        &[
            TODAY,
            ("EESIM_FEED_URL", "file:///tmp/ee_rounds_123_en.json"),
        ],
        &["fetch"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: EESIM_FEED_URL: expected an http:// or https:// address, found a file: address"
        ),
        "{}",
        stderr(&out)
    );
    let out = fetch_today(&cache, "ftp://example.invalid/feed.json", &[]);
    assert!(
        stderr(&out).contains("expected an http:// or https:// address, found a ftp: address"),
        "{}",
        stderr(&out)
    );
    assert!(!cache.exists(), "nothing created");
}

#[test]
fn a_cache_path_that_is_not_a_directory_is_named() {
    let file = temp_file("cache-is-a-file", "cache", b"not a directory");
    for args in [
        &["fetch", "--url", "http://127.0.0.1:9/feed.json"][..],
        &["chance", "--crs", "500", "--runs", "100"][..],
    ] {
        let out = eesim_env(&file, &[TODAY], args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: feed cache {}: expected a directory, found a file (remove it, or set EESIM_CACHE_DIR to a directory)\n",
                file.display()
            )
        );
    }
    let args = ["fetch", "--url", "http://127.0.0.1:9/feed.json"];
    let out = eesim_env(Path::new("relative/cache"), &[TODAY], &args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a refused value of the variable"
    );
    assert_eq!(
        stderr(&out),
        "error: EESIM_CACHE_DIR: expected an absolute path, found \"relative/cache\" (the cache must not depend on the working directory)\n"
    );
}

#[test]
fn fetch_names_the_rounds_revised_and_dropped() {
    let (_, five, _) = feeds();
    let (server, serving) = server(five.clone());
    let cache = temp_cache("revised");
    assert!(fetch_today(&cache, &server.url, &[]).status.success());
    let next = edit(&edit(&five, "2", "drawSize", Some("650")), "1", "", None);
    *serving.lock().unwrap() = next;
    let out = fetch_today(&cache, &server.url, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = "  number  date        family         size  cut-off\n";
    assert_eq!(
        stdout(&out),
        format!(
            "Fetched {}: no new rounds (other records changed), 4 in all, the newest No. 4 of 2024-03-12, into {}\n\
             Revised since the last fetch (before, then now):\n{table}\
             \x20      2  2024-03-02  cec             600      945\n\
             \x20      2  2024-03-02  cec             650      945\n\
             Dropped since the last fetch (no longer in the feed):\n{table}\
             \x20      1  2024-03-01  cec            1500      901\n",
            server.url,
            cache.join(FEED_FILE).display()
        )
    );
}

#[test]
fn draw_arguments_name_the_option_and_ignore_case() {
    let cache = temp_cache("draw-args");
    let draw = |extra: &[&str]| {
        let mut args = vec![
            "draw",
            "--candidates",
            "examples/data/candidates.csv",
            "--size",
            "2",
        ];
        args.extend_from_slice(extra);
        eesim_env(&cache, &[], &args)
    };
    let out = draw(&["--target", "all", "--at", "2025-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: --at: expected a time like 2025-05-01T00:00:00Z (RFC 3339, in UTC or with an offset), found 2025-13-01\n"
        ),
        "{}",
        stderr(&out)
    );
    let lower = draw(&["--target", "cec", "--json"]);
    let upper = draw(&["--target", "CEC", "--json"]);
    assert_eq!(upper.status.code(), Some(0), "{}", stderr(&upper));
    assert_eq!(upper.stdout, lower.stdout);
    let out = draw(&["--target", "cex"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --target: expected all, a program (cec, fsw, fst, pnp; several joined by ';') or category:NAME, found \"cex\" (did you mean cec?)"),
        "{}",
        stderr(&out)
    );
    let out = draw(&["--target", "category:Frnch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("(did you mean french?)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn control_characters_in_candidate_ids_are_escaped_in_tables() {
    let csv = "id,crs,submitted_at,programs,categories\n\
               \"evil\x1b[2J\x07\",512,2025-06-01T12:00:00Z,cec,\n\
               plain,500,2025-06-01T12:00:00Z,cec,\n";
    let file = temp_file("control", "candidates.csv", csv.as_bytes());
    let cache = temp_cache("control-cache");
    let args = [
        "draw",
        "--candidates",
        file.to_str().unwrap(),
        "--target",
        "all",
        "--size",
        "2",
    ];
    let out = eesim_env(&cache, &[], &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("evil\\u{1b}[2J\\u{7}"), "{text}");
}

#[test]
fn runs_have_a_documented_maximum() {
    let cache = temp_cache("runs-max");
    for args in [
        &["chance", "--crs", "500", "--runs", "18446744073709551615"][..],
        &["chance", "--crs", "500", "--runs", "10000001"][..],
    ] {
        let out = eesim_env(&cache, &[], args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).starts_with(
                "error: --runs: expected a whole number of runs from 1 to 10000000, found "
            ),
            "{}",
            stderr(&out)
        );
    }
}
