//! Exit statuses and manual pages (issue 21): every bad argument exits 2 with a message naming
//! the option, whether clap or eesim refuses it; a failure of the run or its data exits 1;
//! `eesim man` prints a page per command with its environment, files, exit statuses and
//! examples, and `--out-dir` writes them all.

use std::path::PathBuf;
use std::process::{Command, Output};

fn eesim_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eesim"));
    c.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("EESIM_FEED_URL");
    // Never the user's own cache: estimates use the embedded scenario.
    c.env(
        "EESIM_CACHE_DIR",
        std::env::temp_dir().join(format!("eesim-exit-no-cache-{}", std::process::id())),
    );
    c.env("EESIM_TODAY", "2026-02-21");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn eesim(args: &[&str]) -> Output {
    eesim_env(args, &[])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first `error:` line of stderr.
fn error_line(out: &Output) -> String {
    stderr(out)
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default()
        .to_string()
}

/// Bad arguments, each with the option (or variable) its message must name. The first ones
/// clap refuses, the others eesim refuses once parsed: all exit 2.
/// A case: the arguments, the environment, what the error line must hold.
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

const BAD: &[Case] = &[
    // clap's, or our value parsers inside clap.
    (&["chance", "--runs", "0"], &[], "error: --runs: expected"),
    (&["chance", "--crs", "1300"], &[], "error: --crs: expected"),
    (
        &["chance", "--horizon-days", "soon"],
        &[],
        "error: --horizon-days: expected",
    ),
    (
        &["chance", "--programs", "cex"],
        &[],
        "error: --programs: expected",
    ),
    (&["chance", "--no-such-option"], &[], "--no-such-option"),
    (
        &["replay", "f.json", "--as-of", "2025-1-1"],
        &[],
        "error: --as-of: expected a date like 2026-12-01, found 2025-1-1",
    ),
    (
        &[
            "draw",
            "--candidates",
            "c.csv",
            "--target",
            "cec",
            "--size",
            "0",
        ],
        &[],
        "error: --size: expected",
    ),
    (&["fetch", "--timeout", "0"], &[], "--timeout"),
    (&["chance", "--by-score"], &[], "--plot"),
    // eesim's, after parsing.
    (
        &["chance", "--categories", "nope", "--runs", "10"],
        &[],
        "error: --categories: expected one of ",
    ),
    (
        &["chance", "--categories", "frnch"],
        &[],
        "(did you mean french?)",
    ),
    (
        &["chance", "--submitted", "2020-01-01"],
        &[],
        "error: --submitted: expected a date from 2025-02-22",
    ),
    (
        &["chance", "--submitted", "2030-01-01"],
        &[],
        "error: --submitted: expected a date from",
    ),
    (
        &[
            "chance",
            "--submitted",
            "2026-09-01",
            "--horizon-days",
            "90",
        ],
        &[],
        "error: --submitted: expected a date from",
    ),
    (
        &["chance", "--crs", "450", "--nominee"],
        &[],
        "error: --crs: expected a CRS score of at least 600 for a provincial nominee",
    ),
    (
        &["chance", "--programs", "pnp"],
        &[],
        "error: --crs: expected a CRS score of at least 600 for a provincial nominee (a nomination adds 600 points), found none given (the default is 500)",
    ),
    (
        &[
            "chance",
            "--profile",
            "examples/data/profile.toml",
            "--nominee",
        ],
        &[],
        "error: --nominee: expected a profile with a provincial nomination",
    ),
    (
        &["what-if", "examples/data/profile.toml", "--nominee"],
        &[],
        "error: --nominee: expected a profile with a provincial nomination",
    ),
    (
        &[
            "chance",
            "--batch",
            "no-such-batch.csv",
            "--categories",
            "nope",
        ],
        &[],
        "error: --categories: expected",
    ),
    (
        &[
            "what-if",
            "examples/data/profile.toml",
            "--categories",
            "nope",
        ],
        &[],
        "error: --categories: expected",
    ),
    (
        &[
            "what-if",
            "examples/data/profile.toml",
            "--submitted",
            "2020-01-01",
        ],
        &[],
        "error: --submitted: expected",
    ),
    (
        &[
            "backtest",
            "f.json",
            "--from",
            "2025-03-01",
            "--to",
            "2025-01-01",
        ],
        &[],
        "error: --to: expected a date after --from (2025-03-01), found 2025-01-01",
    ),
    (
        &[
            "backtest",
            "f.json",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-01",
        ],
        &[],
        "error: --to: expected a date after --from",
    ),
    (
        &["fetch", "--url", "ftp://example.invalid/feed.json"],
        &[],
        "error: --url: expected an http:// or https:// address, found a ftp: address",
    ),
    (
        &["fetch"],
        &[("EESIM_FEED_URL", "file:///tmp/feed.json")],
        "error: EESIM_FEED_URL: expected an http:// or https:// address",
    ),
    (
        &["chance", "--crs", "480"],
        &[("EESIM_TODAY", "03/12/2026")],
        "error: EESIM_TODAY: expected a date like 2026-12-01, found \"03/12/2026\"",
    ),
    (
        &["replay"],
        &[("EESIM_CACHE_DIR", "relative/cache")],
        "error: EESIM_CACHE_DIR: expected an absolute path",
    ),
    (
        &["man", "chanse"],
        &[],
        "error: COMMAND: expected a command, one of chance, ",
    ),
    (
        &["chance", "--crs", "480", "--plan", "nope=3000/14d"],
        &[],
        "error: --plan: nope: ",
    ),
    // A start the feed cannot calibrate from: two pool snapshots must lie before it.
    (
        &[
            "calibrate",
            "tests/data/feed/replay.json",
            "--as-of",
            "2024-03-10",
        ],
        &[],
        "error: --as-of: expected a date after 2024-03-10 (a scenario needs two of the feed's pool snapshots dated before it",
    ),
    (
        &[
            "chance",
            "--feed",
            "tests/data/feed/replay.json",
            "--as-of",
            "2024-03-01",
        ],
        &[],
        "error: --as-of: expected a date after 2024-03-10",
    ),
    (
        &[
            "backtest",
            "tests/data/feed/replay.json",
            "--from",
            "2024-03-01",
            "--to",
            "2024-04-01",
        ],
        &[],
        "error: --from: expected a date after 2024-03-10",
    ),
    (&["man", "chanse"], &[], "(did you mean chance?)"),
];

#[test]
fn err_every_bad_argument_exits_2_naming_the_option() {
    let mut wrong = Vec::new();
    for (args, env, needle) in BAD {
        let out = eesim_env(args, env);
        // clap's own messages may name the option on the line after `error:`.
        let line = error_line(&out);
        let named = line.contains(needle)
            || (!needle.starts_with("error:") && stderr(&out).contains(needle));
        if out.status.code() != Some(2) || line.is_empty() || !named || !out.stdout.is_empty() {
            wrong.push(format!(
                "{args:?} {env:?}: exit {:?}, expected 2 and {needle:?} in {line:?}\n{}",
                out.status.code(),
                stderr(&out)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn err_a_bad_argument_points_to_help_but_a_bad_variable_does_not() {
    let out = eesim(&["chance", "--categories", "nope"]);
    assert!(
        stderr(&out).ends_with("For more information, try '--help'.\n"),
        "{}",
        stderr(&out)
    );
    let out = eesim_env(&["chance"], &[("EESIM_TODAY", "soon")]);
    assert!(!stderr(&out).contains("--help"), "{}", stderr(&out));
}

#[test]
fn err_failures_of_the_run_or_its_data_exit_1() {
    let dir = std::env::temp_dir().join(format!("eesim-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache_file = dir.join("a-file");
    std::fs::write(&cache_file, "not a directory").unwrap();
    let cache_file = cache_file.to_str().unwrap();
    type Local<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Local<'_>] = &[
        // A file given that does not exist is an I/O failure, not a bad argument.
        (
            &["crs", "/nonexistent/p.toml"],
            &[],
            "error: CRS profile /nonexistent/p.toml",
        ),
        (
            &["chance", "--profile", "/nonexistent/p.toml"],
            &[],
            "error: CRS profile /nonexistent/p.toml",
        ),
        (
            &["replay", "/nonexistent/f.json"],
            &[],
            "error: reading feed /nonexistent/f.json",
        ),
        // A file whose contents are refused.
        (
            &["chance", "--scenario", "tests/data/feed/replay.json"],
            &[],
            "expected a scenario, found IRCC's rounds feed",
        ),
        (&["replay", "tests/data/feed/garbage.json"], &[], "error: "),
        // No data where it is needed.
        (&["replay"], &[], "error: no rounds feed"),
        // A file that cannot be written.
        (
            &["chance", "--plot", "/nonexistent/x.svg"],
            &[],
            "error: writing /nonexistent/x.svg",
        ),
        // The cache path is a file: the file system's state, not the variable's value.
        (
            &["chance", "--crs", "480"],
            &[("EESIM_CACHE_DIR", cache_file)],
            "expected a directory, found a file",
        ),
    ];
    for (args, env, needle) in cases {
        let out = eesim_env(args, env);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            error_line(&out).contains(needle),
            "{args:?}: {needle:?} in {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("--help"), "{}", stderr(&out));
    }
}

/// The commands with a page of their own, as `eesim --help` lists them.
fn commands() -> Vec<String> {
    let help = stdout(&eesim(&["--help"]));
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn man_prints_the_page_of_a_command_with_environment_files_exit_status_and_examples() {
    let out = eesim(&["man", "chance"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    for needle in [
        ".TH eesim-chance 1",
        ".SH OPTIONS",
        "\\-\\-categories",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        "EESIM_CACHE_DIR",
        "EESIM_TODAY",
        "NO_COLOR",
        ".SH FILES",
        "ee_rounds_123_en.previous.json",
        "fetch.lock",
        ".SH EXAMPLES",
        "eesim chance \\-\\-crs 480",
        ".SH \"SEE ALSO\"",
    ] {
        assert!(page.contains(needle), "{needle} missing from\n{page}");
    }
    // Only the variables a command reads.
    assert!(!page.contains("EESIM_FEED_URL"), "{page}");
    assert!(stdout(&eesim(&["man", "fetch"])).contains("EESIM_FEED_URL"));
    // Names in any case, as elsewhere.
    assert_eq!(stdout(&eesim(&["man", "CHANCE"])), page);
    // The top-level page names pages that exist, and no `help` page.
    let top = stdout(&eesim(&["man"]));
    assert!(
        top.contains(".TH eesim 1") && top.contains("eesim\\-chance(1)"),
        "{top}"
    );
    assert!(!top.contains("eesim\\-help(1)"), "{top}");
    for v in [
        "EESIM_CACHE_DIR",
        "EESIM_TODAY",
        "EESIM_FEED_URL",
        "NO_COLOR",
    ] {
        assert!(top.contains(v), "{v}");
    }
}

#[test]
fn man_out_dir_writes_a_page_per_command() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("eesim-man-pages-{}/man1", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = eesim(&["man", "--out-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names = commands();
    assert!(
        names.len() >= 10 && names.contains(&"what-if".to_string()),
        "{names:?}"
    );
    let mut expected: Vec<String> = names.iter().map(|c| format!("eesim-{c}.1")).collect();
    expected.push("eesim.1".into());
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, expected);
    // One path per page on stdout, and each file is the page `eesim man COMMAND` prints.
    assert_eq!(stdout(&out).lines().count(), expected.len());
    for c in &names {
        let file = std::fs::read_to_string(dir.join(format!("eesim-{c}.1"))).unwrap();
        assert_eq!(file, stdout(&eesim(&["man", c])), "{c}");
        for section in [
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH EXAMPLES",
        ] {
            assert!(file.contains(section), "{c}: {section}");
        }
    }
    // A command and --out-dir together are refused by clap.
    assert_eq!(
        eesim(&["man", "chance", "--out-dir", dir.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_examples_of_the_pages_that_need_no_feed_work() {
    for line in [
        "crs examples/data/profile.toml",
        "crs examples/data/profile.toml --json",
        "draw --candidates examples/data/candidates.csv --target cec --size 2",
        "draw --candidates examples/data/candidates.csv --target category:french --size 1 --at 2025-07-01T00:00:00Z --json",
        "man chance",
    ] {
        let page = stdout(&eesim(&["man", line.split(' ').next().unwrap()]));
        let shown = format!("eesim {line}").replace('-', "\\-");
        assert!(page.contains(&shown), "{shown} not an example");
        let args: Vec<&str> = line.split(' ').collect();
        let out = eesim(&args);
        assert!(out.status.success(), "{line}: {}", stderr(&out));
    }
}
