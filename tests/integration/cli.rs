//! The `eesim` binary: every subcommand, JSON output, errors, charts, no progress text in logs.

use std::process::{Command, Output};

fn eesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_CACHE_DIR", no_cache())
        // The embedded scenario's date: windows start on it, as before `today` existed.
        .env("EESIM_TODAY", "2026-02-21")
        .output()
        .unwrap()
}

/// A cache directory that holds no feed (never the user's own cache): estimates use the
/// embedded scenario.
fn no_cache() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("eesim-cli-no-cache-{}", std::process::id()))
}

/// Stderr without the warning that the embedded scenario is in use.
fn stderr_past_warning(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning: no cached feed"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn chance_prints_json_with_the_documented_fields_and_no_progress_text() {
    let out = eesim(&["chance", "--crs", "505", "--runs", "300", "--json"]);
    let v = json(&out);
    for key in [
        "p",
        "lo",
        "hi",
        "runs",
        "seed",
        "by_month",
        "curve",
        "fans",
        "score_for",
        "by_score",
    ] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    assert_eq!(v["runs"], 300);
    assert!(v["lo"].as_f64().unwrap() <= v["p"].as_f64().unwrap());
    // stderr is a pipe here: no progress bar, only the warning that no feed is cached.
    assert!(
        stderr_past_warning(&out).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn chance_is_the_same_on_one_thread_and_two() {
    let one = eesim(&["chance", "--threads", "1", "--runs", "400", "--json"]);
    let two = eesim(&["chance", "--threads", "2", "--runs", "400", "--json"]);
    assert_eq!(json(&one), json(&two));
}

#[test]
fn chance_draws_well_formed_svg_charts() {
    let dir = std::env::temp_dir().join(format!("eesim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, extra) in [
        ("time.svg", vec!["--to-landing", "--horizon-days", "400"]),
        ("score.svg", vec!["--by-score"]),
    ] {
        let path = dir.join(name);
        let mut args = vec!["chance", "--runs", "200", "--plot", path.to_str().unwrap()];
        args.extend(extra);
        let out = eesim(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(
            svg.trim_start().starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{name}"
        );
        assert_eq!(
            svg.matches("<text").count(),
            svg.matches("</text>").count(),
            "{name}"
        );
        assert!(
            svg.contains("chance (%)") && svg.contains("2026-02-21"),
            "{name}: labelled axes and a dated title"
        );
    }
}

#[test]
fn chance_takes_a_crs_profile() {
    let v = json(&eesim(&[
        "chance",
        "--profile",
        "examples/data/profile.toml",
        "--runs",
        "200",
        "--json",
    ]));
    assert_eq!(v["candidate"]["crs"], 513);
}

#[test]
fn crs_what_if_and_draw() {
    let v = json(&eesim(&["crs", "examples/data/profile.toml", "--json"]));
    assert_eq!(v["total"], 513);
    for key in ["core", "spouse", "transferability", "additional"] {
        assert!(v.get(key).is_some());
    }
    let v = json(&eesim(&[
        "what-if",
        "examples/data/profile.toml",
        "--runs",
        "200",
        "--json",
    ]));
    assert!(!v["improvements"].as_array().unwrap().is_empty());
    let v = json(&eesim(&[
        "draw",
        "--candidates",
        "examples/data/candidates.csv",
        "--target",
        "all",
        "--size",
        "4",
        "--json",
    ]));
    assert_eq!(
        v,
        serde_json::json!({"cutoff": 512, "tie_break": "2025-06-01T12:00:00Z", "invited": ["gia", "chen", "ana", "eva"]})
    );
    let table = eesim(&[
        "draw",
        "--candidates",
        "examples/data/candidates.csv",
        "--target",
        "all",
        "--size",
        "4",
    ]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("Invited 4 of 4 (cut-off 512"));
}

#[test]
fn err_bad_arguments_and_files_are_named() {
    let out = eesim(&["chance", "--crs", "1300"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().next(),
        Some("error: --crs: expected a CRS score from 0 to 1200, found 1300")
    );
    let out = eesim(&["crs", "/nonexistent/profile.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/profile.toml"));
    let out = eesim(&[
        "draw",
        "--candidates",
        "examples/data/candidates.csv",
        "--target",
        "category:nope",
        "--size",
        "1",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("found \"nope\""));
    let out = eesim(&["chance", "--scenario", "/nonexistent.toml"]);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: reading /nonexistent.toml"));
    let out = eesim(&["nonsense"]);
    assert_eq!(out.status.code(), Some(2), "clap's usage error");
}

/// Subcommands over the shared feed, when `EESIM_FEED` points at it.
#[test]
fn replay_calibrate_and_backtest_on_the_feed() {
    let Some(feed) = std::env::var("EESIM_FEED").ok() else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let v = json(&eesim(&["replay", &feed, "--json"]));
    assert_eq!(
        (v["rounds"].as_u64(), v["failed"].as_u64()),
        (Some(399), Some(0))
    );
    let out = eesim(&["calibrate", &feed]);
    assert!(out.status.success());
    let s = eesim::scenario::Scenario::from_toml(&String::from_utf8_lossy(&out.stdout)).unwrap();
    assert_eq!(s, eesim::scenario::Scenario::default_calibrated().unwrap());
    let v = json(&eesim(&[
        "backtest",
        &feed,
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-01",
        "--runs",
        "100",
        "--json",
    ]));
    assert_eq!(v["forecasts"], 2 * 4 * 31);
    assert!(v["all"]["model"]["brier"].as_f64().unwrap() < 0.3);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(["chance", "--runs", "200"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_CACHE_DIR", no_cache())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // as `eesim chance | head -0` would
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn err_a_scenario_problem_is_listed_under_one_heading() {
    // A feed of one round holds one pool snapshot: no scenario can be calibrated from it, a
    // failure of the data (exit 1).
    let mut feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/data/feed/replay.json").unwrap())
            .unwrap();
    let rounds = feed["rounds"].as_array_mut().unwrap();
    let oldest = rounds.pop().unwrap();
    *rounds = vec![oldest];
    let dir = std::env::temp_dir().join(format!("eesim-cli-one-round-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("one.json");
    std::fs::write(&path, feed.to_string()).unwrap();
    let out = eesim(&["calibrate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning: the newest round"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        err,
        "error: scenario: 1 problem\n  pool: expected a snapshot dated before 2024-02-21, found none\n"
    );
    // A start before the feed's second snapshot is the argument's fault (exit 2).
    let Some(feed) = std::env::var("EESIM_FEED").ok() else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let out = eesim(&["calibrate", &feed, "--as-of", "2015-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: --as-of: expected a date after "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Regressions from the second review.
#[test]
fn err_second_review_cases() {
    let out = eesim(&["chance", "--runs", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let out = eesim(&[
        "chance",
        "--crs",
        "505",
        "--profile",
        "examples/data/profile.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = eesim(&["chance", "--runs", "100", "--plot", "/nonexistent/x.svg"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_past_warning(&out).starts_with("error: writing /nonexistent/x.svg: "));
    assert!(
        out.stdout.is_empty(),
        "the chart's path is checked before the run, so nothing is printed"
    );
    let out = eesim(&[
        "what-if",
        "examples/data/profile.toml",
        "--submitted",
        "2020-01-01",
    ]);
    assert_eq!(out.status.code(), Some(2), "a bad argument");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("error: --submitted: expected a date from ")
    );
    let out = eesim(&["chance", "--programs", "cec,pnp", "--crs", "400"]);
    assert_eq!(out.status.code(), Some(2), "a bad argument");
    assert!(String::from_utf8_lossy(&out.stderr).contains("provincial nominee"));
    let v = json(&eesim(&[
        "draw",
        "--candidates",
        "examples/data/candidates.csv",
        "--target",
        "all",
        "--size",
        "9",
        "--at",
        "2025-05-01T00:00:00Z",
        "--json",
    ]));
    // Only the three submitted by midnight on 2025-05-01 can be invited (ben came at 08:00).
    assert_eq!(v["invited"], serde_json::json!(["chen", "hugo", "farid"]));
}

#[test]
fn calibrate_writes_json_for_a_json_file_and_backtest_needs_an_order() {
    let Some(feed) = std::env::var("EESIM_FEED").ok() else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let path = std::env::temp_dir().join(format!("eesim-cal-{}.json", std::process::id()));
    assert!(
        eesim(&["calibrate", &feed, "--out", path.to_str().unwrap()])
            .status
            .success()
    );
    let s = eesim::scenario::Scenario::from_path(&path).unwrap();
    assert_eq!(s, eesim::scenario::Scenario::default_calibrated().unwrap());
    let out = eesim(&[
        "backtest",
        &feed,
        "--from",
        "2025-01-01",
        "--to",
        "2024-01-01",
    ]);
    assert_eq!(out.status.code(), Some(2), "a bad argument");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "error: --to: expected a date after --from (2025-01-01), found 2024-01-01"
        )
    );
}
