//! Every input file is read through one size limit and only from a regular file: a cached
//! feed that is a symlink to a huge file or to `/dev/zero`, a FIFO, or an oversized profile,
//! scenario, candidate or batch file is refused at once with a message naming it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use eesim::cache::{FEED_FILE, PREVIOUS_FILE};

use crate::fetch::{Reply, Server, feeds, stderr, temp_cache};

/// `eesim ARGS` with this cache, killed if it has not finished within 60 seconds (an
/// unbounded read would otherwise hang the suite).
fn eesim_within(cache: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_CACHE_DIR", cache)
        .env("EESIM_TODAY", "2024-03-20")
        .env_remove("EESIM_FEED_URL")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("eesim {args:?} did not finish within 60 seconds");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A sparse file of `len` zero bytes (it takes no disk space).
fn sparse(dir: &Path, name: &str, len: u64) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().set_len(len).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn a_cached_feed_linked_to_a_huge_file_or_a_device_is_refused() {
    let cache = temp_cache("bounded-cache");
    let files = temp_cache("bounded-cache-files");
    let huge = sparse(&files, "huge.json", (64 << 20) + 1);
    std::fs::create_dir_all(&cache).unwrap();
    std::os::unix::fs::symlink(&huge, cache.join(FEED_FILE)).unwrap();
    let out = eesim_within(&cache, &["chance", "--crs", "500", "--runs", "100"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: reading feed {}: expected a file of at most 64 MiB, found 67108865 bytes or more",
            cache.join(FEED_FILE).display()
        )),
        "{}",
        stderr(&out)
    );

    // A link to /dev/zero: `fetch` neither reads it forever nor keeps it; the download
    // replaces the link.
    std::fs::remove_file(cache.join(FEED_FILE)).unwrap();
    std::os::unix::fs::symlink("/dev/zero", cache.join(FEED_FILE)).unwrap();
    let (four, _, _) = feeds();
    let body = four.clone();
    let server = Server::start(move |_| Reply::ok(body.clone()));
    let out = eesim_within(&cache, &["fetch", "--url", &server.url]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(cache.join(FEED_FILE)).unwrap(), four);
    assert!(
        !cache.join(FEED_FILE).is_symlink(),
        "the link is replaced, not followed"
    );
    assert!(
        !cache.join(PREVIOUS_FILE).exists(),
        "what could not be read is not copied as the previous copy"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = temp_cache("bounded-fifo");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("profile.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = eesim_within(&dir, &["crs", fifo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: CRS profile {}: expected a regular file, found a device, a FIFO or a socket\n",
            fifo.display()
        )
    );
}

#[test]
fn oversized_profiles_scenarios_candidates_and_batches_are_refused() {
    let dir = temp_cache("bounded-files");
    let big = (8 << 20) + 1;
    let profile = sparse(&dir, "profile.toml", big);
    let scenario = sparse(&dir, "scenario.toml", big);
    let candidates = sparse(&dir, "candidates.csv", big);
    let batch = sparse(&dir, "batch.csv", big);
    let too_big = "expected a file of at most 8 MiB, found 8388609 bytes or more";
    let cases: [(Vec<&str>, String); 4] = [
        (
            vec!["crs", profile.to_str().unwrap()],
            format!("error: CRS profile {}: {too_big}", profile.display()),
        ),
        (
            vec![
                "chance",
                "--scenario",
                scenario.to_str().unwrap(),
                "--runs",
                "100",
            ],
            format!("error: reading {}: {too_big}", scenario.display()),
        ),
        (
            vec![
                "draw",
                "--candidates",
                candidates.to_str().unwrap(),
                "--target",
                "all",
                "--size",
                "1",
            ],
            format!("error: reading {}: {too_big}", candidates.display()),
        ),
        (
            vec![
                "chance",
                "--batch",
                batch.to_str().unwrap(),
                "--runs",
                "100",
            ],
            format!("error: reading batch {}: {too_big}", batch.display()),
        ),
    ];
    let cache = temp_cache("bounded-files-cache");
    for (args, message) in cases {
        let out = eesim_within(&cache, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains(&message),
            "{args:?}: expected {message:?} in {}",
            stderr(&out)
        );
    }
}
