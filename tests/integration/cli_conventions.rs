//! The `eesim` binary as people use it (issue 13): messages for every bad argument, names in
//! any case with a "did you mean", nominees, honest output, completions, the man page,
//! colour, files written before a closed pipe can cut the output short.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn eesim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eesim"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    // Never the user's own cache: estimates use the embedded scenario.
    c.env(
        "EESIM_CACHE_DIR",
        std::env::temp_dir().join(format!("eesim-conventions-no-cache-{}", std::process::id())),
    );
    // The embedded scenario's date unless a test says otherwise: windows start on it.
    c.env("EESIM_TODAY", "2026-02-21");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn eesim(args: &[&str]) -> Output {
    eesim_env(args, &[])
}

/// Stderr without the warning that the embedded scenario is in use (no cached feed).
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning: no cached feed"))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "stderr: {}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-cli13-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The first line of stderr of a refused argument, and its exit status (2, as clap's).
fn refused(args: &[&str]) -> String {
    let out = eesim(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    stderr(&out).lines().next().unwrap_or_default().to_string()
}

#[test]
fn err_every_argument_says_what_it_expected_and_found() {
    assert_eq!(
        refused(&["chance", "--horizon-days", "-5"]),
        "error: --horizon-days: expected a whole number of days from 1 to 3650, found -5"
    );
    assert_eq!(
        refused(&["chance", "--runs", "0"]),
        "error: --runs: expected a whole number of runs from 1 to 10000000, found 0"
    );
    assert_eq!(
        refused(&["chance", "--submitted", "2026-11-15T10:00:00Z"]),
        "error: --submitted: expected a date like 2026-12-01 (a day, without a time of day), found 2026-11-15T10:00:00Z"
    );
    assert_eq!(
        refused(&["calibrate", "feed.json", "--as-of", "01/12/2026"]),
        "error: --as-of: expected a date like 2026-12-01, found 01/12/2026"
    );
    assert_eq!(
        refused(&["chance", "--crs", "-5"]),
        "error: --crs: expected a CRS score from 0 to 1200, found -5"
    );
    assert_eq!(
        refused(&["chance", "--programs", "CEX"]),
        "error: --programs: expected one of cec, fsw, fst, pnp, found \"CEX\" (did you mean cec?)"
    );
    assert_eq!(
        refused(&[
            "backtest",
            "f.json",
            "--from",
            "2025-1-1",
            "--to",
            "2025-03-01"
        ]),
        "error: --from: expected a date like 2026-12-01, found 2025-1-1"
    );
}

#[test]
fn names_are_case_insensitive_with_a_did_you_mean_for_near_misses() {
    let v = json(&eesim(&[
        "chance",
        "--crs",
        "480",
        "--programs",
        "CEC",
        "--categories",
        "French",
        "--runs",
        "100",
        "--json",
    ]));
    assert_eq!(v["candidate"]["programs"], serde_json::json!(["cec"]));
    assert_eq!(v["candidate"]["categories"], serde_json::json!(["french"]));
    let out = eesim(&[
        "chance",
        "--crs",
        "480",
        "--categories",
        "frnch",
        "--runs",
        "10",
    ]);
    // Refused after parsing, yet a bad argument as clap's: exit 2.
    assert_eq!(out.status.code(), Some(2));
    // The scenario's categories with rounds planned; the others of IRCC's are dormant.
    let scenario = eesim::scenario::Scenario::default_calibrated().unwrap();
    let names: Vec<String> = scenario
        .categories()
        .names()
        .filter(|n| scenario.plan(&eesim::Family::new(n).unwrap()).is_some())
        .map(str::to_string)
        .collect();
    assert_eq!(
        stderr(&out).lines().next().unwrap_or_default(),
        format!(
            "error: --categories: expected one of the scenario's categories ({}) or another of IRCC's ({}), found \"frnch\" (did you mean french?)",
            names.join(", "),
            eesim::Family::IRCC_CATEGORIES
                .iter()
                .map(eesim::Family::as_str)
                .filter(|f| !names.iter().any(|n| n == f))
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    // Both separators, on the command line as in the files.
    let v = json(&eesim(&[
        "chance",
        "--crs",
        "480",
        "--programs",
        "cec;fsw",
        "--categories",
        "french,healthcare",
        "--runs",
        "100",
        "--json",
    ]));
    assert_eq!(
        v["candidate"]["programs"],
        serde_json::json!(["cec", "fsw"])
    );
    assert_eq!(
        v["candidate"]["categories"],
        serde_json::json!(["french", "healthcare"])
    );
}

#[test]
fn err_a_misspelt_profile_field_gets_a_did_you_mean() {
    let dir = temp_dir("field");
    let path = dir.join("p.toml");
    let profile = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml"),
    )
    .unwrap()
    .replace("education = \"masters\"", "eduction = \"masters\"")
    .replace("spouse = \"none\"", "spouse = \"nope\"");
    std::fs::write(&path, profile).unwrap();
    let out = eesim(&["crs", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.starts_with("  eduction: expected one of the fields ")
                && l.ends_with("found an unknown field (did you mean education?)")),
        "{err}"
    );
    assert!(
        err.contains(
            "spouse: expected one of none, accompanying, found \"nope\" (did you mean none?)"
        ),
        "{err}"
    );
}

#[test]
fn err_a_clb_level_given_as_a_test_score_is_named() {
    let dir = temp_dir("tef");
    let path = dir.join("p.toml");
    let profile = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml"),
    )
    .unwrap()
    .replace(
        "second_language = { test = \"clb\", listening = 5, reading = 5, writing = 5, speaking = 5 }",
        "second_language = { test = \"tef\", scale = \"current\", listening = 7, reading = 400, writing = 400, speaking = 400 }",
    )
    .replace("listening = 8.0, reading", "listening = 11, reading");
    std::fs::write(&path, profile).unwrap();
    let out = eesim(&["crs", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("second_language.listening: expected a TEF Canada score from 0 to 699, found 7, which looks like an NCLC level (for levels, give test = \"clb\", language = \"french\")"),
        "{err}"
    );
    assert!(
        err.contains("first_language.listening: expected an IELTS band from 0 to 9 in steps of 0.5, found 11, which looks like a CLB level"),
        "{err}"
    );
}

#[test]
fn err_a_feed_given_as_a_scenario_is_recognised() {
    let out = eesim(&["chance", "--scenario", "tests/data/feed/replay.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "error: tests/data/feed/replay.json: expected a scenario, found IRCC's rounds feed: make a scenario from it with `eesim calibrate tests/data/feed/replay.json --out scenario.toml`"
    );
}

#[test]
fn nominees_are_probed_over_the_nominee_range_and_said_in_json() {
    for extra in [
        &["--nominee", "--programs", "cec"][..],
        &["--programs", "pnp", "--seed", "7"],
    ] {
        let mut args = vec!["chance", "--crs", "750", "--runs", "300", "--json"];
        args.extend(extra);
        let v = json(&eesim(&args));
        assert_eq!(v["candidate"]["nominee"], true, "{extra:?}");
        let scores: Vec<u64> = v["by_score"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["crs"].as_u64().unwrap())
            .collect();
        assert_eq!(
            (scores.first(), scores.last(), scores.len()),
            (Some(&600), Some(&1200), 601)
        );
        let p50 = v["score_for"]["p50"].as_u64().unwrap();
        assert!((600..=1200).contains(&p50), "{p50}");
        assert!(
            v["p"].as_f64().unwrap() > 0.5,
            "a nominee at 750 is invited"
        );
    }
    let v = json(&eesim(&[
        "chance", "--crs", "480", "--runs", "100", "--json",
    ]));
    assert_eq!(v["candidate"]["nominee"], false);
    assert_eq!(v["by_score"][0]["crs"], 300);
    let help = stdout(&eesim(&["chance", "--help"]));
    assert!(help.contains("pnp") && help.contains("--nominee"), "{help}");
    let out = eesim(&["chance", "--crs", "400", "--nominee"]);
    assert!(stderr(&out).contains("provincial nominee"));
}

#[test]
fn honest_output_says_what_is_missing_in_words() {
    let out = eesim(&[
        "chance",
        "--crs",
        "430",
        "--programs",
        "fsw",
        "--runs",
        "200",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("No round in this scenario reaches a candidate with programs fsw, categories none within 182 days"),
        "{text}"
    );
    assert!(!text.contains("above 600"), "{text}");
    // The default score is never silent.
    let out = eesim(&["chance", "--runs", "100", "--json"]);
    assert_eq!(
        stderr(&out),
        "note: no --crs or --profile given: estimating for a CRS score of 500\n"
    );
    let out = eesim(&[
        "chance",
        "--crs",
        "505",
        "--runs",
        "200",
        "--horizon-days",
        "540",
        "--to-landing",
    ]);
    let text = stdout(&out);
    let as_of = eesim::scenario::Scenario::default_calibrated()
        .unwrap()
        .as_of();
    let submitted = as_of.checked_sub(jiff::Span::new().days(30)).unwrap();
    let expires = submitted.checked_add(jiff::Span::new().months(12)).unwrap();
    assert!(
        text.contains(&format!(
            "your profile, submitted {submitted}, expires {expires}"
        )),
        "{text}"
    );
    let stand = text
        .lines()
        .find(|l| l.contains("where you stand at the horizon"))
        .unwrap();
    assert!(!stand.contains('_'), "stage names read as words: {stand}");
}

#[test]
fn options_act_where_they_are_given() {
    let out = eesim(&["crs", "examples/data/profile.toml", "--threads", "2"]);
    assert_eq!(out.status.code(), Some(2), "crs runs no simulation");
    let out = eesim(&["--threads", "2", "chance"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        eesim(&[
            "what-if",
            "examples/data/profile.toml",
            "--threads",
            "1",
            "--runs",
            "100",
            "--quiet"
        ])
        .status
        .success()
    );
}

#[test]
fn version_completions_and_man_page() {
    let out = eesim(&["--version"]);
    assert_eq!(
        stdout(&out).trim(),
        format!(
            "eesim {} (embedded scenario as of {})",
            env!("CARGO_PKG_VERSION"),
            eesim::scenario::Scenario::default_calibrated()
                .unwrap()
                .as_of()
        )
    );
    let out = eesim(&["completions", "bash"]);
    assert!(out.status.success());
    let script = stdout(&out);
    assert!(script.contains("_eesim()") && script.contains("complete -F _eesim"));
    for word in [
        "chance",
        "what-if",
        "--horizon-days",
        "--nominee",
        "completions",
    ] {
        assert!(script.contains(word), "{word}");
    }
    let out = eesim(&["man"]);
    assert!(out.status.success());
    let page = stdout(&out);
    assert!(
        page.starts_with(".ie") || page.contains(".TH eesim"),
        "{page}"
    );
    let as_of = eesim::scenario::Scenario::default_calibrated()
        .unwrap()
        .as_of()
        .to_string();
    assert!(page.contains(&as_of.replace('-', "\\-")) || page.contains(&as_of));
    assert!(page.contains("what\\-if") || page.contains("what-if"));
}

#[test]
fn colour_only_when_asked_for_and_never_with_no_color() {
    let args = ["chance", "--crs", "1300"];
    // Off a terminal: no colour.
    assert!(!stderr(&eesim(&args)).contains('\x1b'));
    let forced = eesim_env(&args, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        stderr(&forced).contains("\x1b[1;31merror:\x1b[0m"),
        "{}",
        stderr(&forced)
    );
    let no_color = eesim_env(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!stderr(&no_color).contains('\x1b'));
    // Our errors past parsing too.
    let forced = eesim_env(&["crs", "/nonexistent.toml"], &[("CLICOLOR_FORCE", "1")]);
    assert!(stderr(&forced).starts_with("\x1b[1;31merror:"));
    let no_color = eesim_env(
        &["crs", "/nonexistent.toml"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(stderr(&no_color).starts_with("error: CRS profile /nonexistent.toml: "));
}

#[test]
fn replay_writes_its_csv_before_a_closed_pipe_cuts_the_table() {
    let dir = temp_dir("pipe");
    let csv = dir.join("out.csv");
    let _ = std::fs::remove_file(&csv);
    let mut child = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args([
            "replay",
            "tests/data/feed/replay.json",
            "--csv",
            csv.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // as `eesim replay ... | head -0` would
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let written = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        written.lines().next(),
        Some("draw,date,family,size,actual,predicted")
    );
    assert!(written.lines().count() > 1, "{written}");
    // The reader's summary is on stderr, not in the table.
    let out = eesim(&["replay", "tests/data/feed/replay.json"]);
    assert!(stderr(&out).contains("records,"), "{}", stderr(&out));
    assert!(!stdout(&out).contains("records,"));
}

#[test]
fn err_output_paths_are_checked_before_the_run() {
    for args in [
        vec![
            "chance",
            "--runs",
            "10000000",
            "--plot",
            "/nonexistent/x.svg",
        ],
        vec![
            "replay",
            "tests/data/feed/replay.json",
            "--csv",
            "/nonexistent/x.csv",
        ],
        vec![
            "backtest",
            "tests/data/feed/replay.json",
            "--from",
            "2020-01-01",
            "--to",
            "2026-01-01",
            "--plot",
            "/nonexistent/x.svg",
        ],
    ] {
        let out = eesim(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr(&out).starts_with("error: writing /nonexistent/x."),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn err_backtest_with_nothing_scored_exits_non_zero() {
    let Some(feed) = std::env::var("EESIM_FEED").ok() else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let out = eesim(&[
        "backtest",
        &feed,
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-01",
        "--runs",
        "50",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("backtest: no scored origins from 2026-02-01 to 2026-03-01"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn calibrate_names_broken_records_on_stderr() {
    let out = eesim(&["calibrate", "tests/data/feed/broken.json"]);
    let err = stderr(&out);
    assert!(
        err.contains("failed") && err.contains("problem: feed record"),
        "{err}"
    );
}

#[test]
fn chance_scores_a_profile_on_its_own_date_as_crs_does() {
    let dir = temp_dir("profile-date");
    let path = dir.join("p.toml");
    // Assessed on 2026-11-01, aged 30; on the scenario's start (2026-02-16) 29, five points
    // more. A birthday on 2027-05-10 costs points during a long wait.
    let profile = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml"),
    )
    .unwrap()
    .replace(
        "assessed_on = \"2026-03-01\"",
        "assessed_on = \"2026-11-01\"",
    )
    .replace("age = 29 ", "birth_date = \"1996-05-10\" ");
    std::fs::write(&path, profile).unwrap();
    let p = path.to_str().unwrap();
    let crs = json(&eesim(&["crs", p, "--json"]));
    let v = json(&eesim(&[
        "chance",
        "--profile",
        p,
        "--runs",
        "100",
        "--horizon-days",
        "540",
        "--json",
    ]));
    assert_eq!(v["candidate"]["crs"], crs["total"]);
    let later = json(&eesim(&["crs", p, "--until", "2027-08-10", "--json"]));
    assert_eq!(v["score_path"], later["path"]);
    assert_eq!(
        v["score_path"].as_array().unwrap().len(),
        2,
        "{}",
        v["score_path"]
    );
    let text = stdout(&eesim(&[
        "chance",
        "--profile",
        p,
        "--runs",
        "100",
        "--horizon-days",
        "540",
    ]));
    let total = crs["total"].as_u64().unwrap();
    assert!(
        text.contains(&format!(
            "Score path simulated: {total} as assessed on 2026-11-01\n  from 2027-05-10: "
        )) && text.contains("(a birthday)"),
        "{text}"
    );
}
