//! `eesim man`: the manual pages, eesim(1) and one eesim-COMMAND(1) per command. clap_mangen
//! renders the name, synopsis, description, options and commands from the same clap types as
//! `--help`; this file adds the sections clap knows nothing of: EXIT STATUS, ENVIRONMENT,
//! FILES, EXAMPLES and SEE ALSO, each page with the variables, files and examples of its
//! command.

use std::path::Path;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::Outcome;
use crate::args::ManArgs;
use crate::bad::BadArgument;

/// An environment variable the binary reads: its name, what it does, and the commands it
/// acts on (empty: every command).
struct Variable {
    name: &'static str,
    text: &'static str,
    commands: &'static [&'static str],
}

/// The commands that read IRCC's feed from the cache when none is given.
const CACHED: &[&str] = &[
    "chance",
    "what-if",
    "replay",
    "calibrate",
    "backtest",
    "fetch",
    "serve",
];

/// The commands that read today's date.
const DATED: &[&str] = &[
    "chance",
    "what-if",
    "replay",
    "calibrate",
    "backtest",
    "fetch",
    "serve",
];

const VARIABLES: &[Variable] = &[
    Variable {
        name: "EESIM_CACHE_DIR",
        text: "The feed cache directory, an absolute path (a relative one is refused, exit 2): where `eesim fetch` installs IRCC's feed and where the other commands find it when no feed file is given. Unset or empty: the platform's user cache directory (see FILES).",
        commands: CACHED,
    },
    Variable {
        name: "EESIM_TODAY",
        text: "Today's date, as 2026-12-03, instead of the system clock's (in the local time zone): the windows of `chance` and `what-if` start on it, and so do the chances read from it (among the simulated futures with no invitation before it); data older than 21 days before it gets a warning; rounds dated after it are left out of the feed as implausible. For reproducible runs and tests. A value that is not a date is refused (exit 2).",
        commands: DATED,
    },
    Variable {
        name: "EESIM_FEED_URL",
        text: "The address `eesim fetch` (and `eesim serve --refresh`) downloads the feed from when --url is not given, an http:// or https:// address (another scheme is refused, exit 2). Unset or empty: IRCC's official address.",
        commands: &["fetch", "serve"],
    },
    Variable {
        name: "XDG_CACHE_HOME",
        text: "On Linux, the user cache directory the feed cache lies in (as eesim/) when EESIM_CACHE_DIR is unset; unset: ~/.cache.",
        commands: CACHED,
    },
    Variable {
        name: "EESIM_LOG",
        text: "The request log's filter of `eesim serve`, in tracing's env-filter syntax (as info, or eesim=debug); unset or invalid: info.",
        commands: &["serve"],
    },
    Variable {
        name: "NO_COLOR",
        text: "Set and not empty (nor 0): errors, warnings and notes on stderr are never coloured.",
        commands: &[],
    },
    Variable {
        name: "CLICOLOR_FORCE",
        text: "Set and not empty (nor 0), and NO_COLOR unset: errors, warnings and notes on stderr are coloured even off a terminal (by default only on one).",
        commands: &[],
    },
];

/// What the cache directory holds, for FILES.
const CACHE_FILES: &[(&str, &str)] = &[
    (
        eesim::cache::FEED_FILE,
        "The cached feed: IRCC's rounds as `eesim fetch` downloaded them last. Commands read it when no feed file is given; `chance` and `what-if` then calibrate their scenario from it, else they fall back to the embedded scenario, with a warning.",
    ),
    (
        eesim::cache::PREVIOUS_FILE,
        "The previous copy: the feed the last install replaced, kept so that a bad download never loses the last good feed.",
    ),
    (
        eesim::cache::META_FILE,
        "The download's address and validators (ETag, Last-Modified), so that the next fetch asks only for a newer feed.",
    ),
    (
        eesim::cache::LOCK_FILE,
        "The writers' lock (an empty file): one fetch installs at a time; another waits for it up to --timeout seconds. Readers take no lock.",
    ),
    (
        "record-HASH.json",
        "The combination's record of a feed (HASH: the hash of the feed's bytes), kept by `chance`, `what-if`, `calibrate` and `serve` so that calibrating from the same feed again is quick. Safe to delete.",
    ),
];

/// Examples for each command: the command line, then what it does.
fn examples(command: &str) -> &'static [(&'static str, &'static str)] {
    match command {
        "chance" => &[
            (
                "eesim chance --crs 480 --programs cec --categories french",
                "The chance of a CEC candidate at CRS 480 in the French category, by 1, 3 and 6 months from today, with 95% intervals.",
            ),
            (
                "eesim chance --profile examples/data/profile.toml --horizon-days 540 --plot chance.svg",
                "The score from a profile file, following its birthdays over 540 days, with a chart of the chance over time.",
            ),
            (
                "eesim chance --crs 720 --nominee --json",
                "A provincial nominee (the score includes the nomination's 600 points), as one JSON document.",
            ),
            (
                "eesim chance --crs 480 --submitted 2026-01-15 --to-landing --horizon-days 540",
                "Also the chance of landing as a permanent resident, for a profile submitted on 2026-01-15.",
            ),
            (
                "eesim chance --batch clients.csv --months 3,6,12 --runs 20000",
                "Many candidates on the same simulated futures (a CSV with columns id, crs or profile, and optionally programs, categories, nominee, submitted): one row each, with the chance within 3, 6 and 12 months.",
            ),
            (
                "eesim chance --crs 480 --plan cec=3000/14d --plan french=none",
                "What if CEC held a round of 3,000 every 14 days, and French none.",
            ),
            (
                "eesim chance --crs 480 --runs 1000000 --shard 1/4 --tally-out s1.json",
                "The first of four shards of a large study (the others with 2/4, 3/4, 4/4, on other machines); `eesim merge` prints their report.",
            ),
        ],
        "merge" => &[
            (
                "eesim merge s1.json s2.json s3.json s4.json",
                "The report of one unsharded run, from the four shards `eesim chance ... --shard K/4 --tally-out sK.json` wrote.",
            ),
            (
                "eesim merge s1.json s2.json --json --plot chance.svg",
                "The same as JSON, with the chart.",
            ),
        ],
        "crs" => &[
            (
                "eesim crs examples/data/profile.toml",
                "The CRS points of a profile, factor by factor.",
            ),
            (
                "eesim crs examples/data/profile.toml --json",
                "The same as one JSON document.",
            ),
        ],
        "what-if" => &[
            (
                "eesim what-if examples/data/profile.toml",
                "Which improvements (a language test retaken, a year of work, a French test, ...) would raise the chance most, on the same simulated futures.",
            ),
            (
                "eesim what-if examples/data/profile.toml --categories french --horizon-days 365 --json",
                "The same for a candidate in the French category over a year, as JSON.",
            ),
        ],
        "replay" => &[
            (
                "eesim replay",
                "Every round of the cached feed nowcast from the rounds before it: the errors by family and year beside the baselines.",
            ),
            (
                "eesim replay ee_rounds_123_en.json --as-of 2025-01-01 --plot replay.svg --csv nowcasts.csv",
                "Only the rounds before 2025 of a feed file, with a chart and one CSV row per round.",
            ),
        ],
        "calibrate" => &[
            (
                "eesim calibrate --out scenario.toml",
                "A scenario calibrated from the cached feed as of the day after its last round, to edit and give to `eesim chance --scenario scenario.toml`.",
            ),
            (
                "eesim calibrate ee_rounds_123_en.json --as-of 2025-06-01 --json",
                "The scenario as it would have been made on 2025-06-01, as JSON on stdout.",
            ),
        ],
        "backtest" => &[
            (
                "eesim backtest --from 2025-01-01 --to 2026-01-01 --plot reliability.svg",
                "Month-by-month 90-day forecasts of 2025 from the cached feed, scored against the rounds IRCC held, with a reliability diagram.",
            ),
            (
                "eesim backtest ee_rounds_123_en.json --from 2024-01-01 --to 2026-01-01 --split 2025-01-01 --runs 500",
                "Choose on the windows that closed by 2025 and judge on the later ones.",
            ),
        ],
        "draw" => &[
            (
                "eesim draw --candidates examples/data/candidates.csv --target cec --size 2",
                "One CEC round of 2 invitations on a list of candidates, with IRCC's tie-break.",
            ),
            (
                "eesim draw --candidates examples/data/candidates.csv --target category:french --size 1 --at 2025-07-01T00:00:00Z --json",
                "A French-category round held on 2025-07-01 (profiles expired by then removed first), as JSON.",
            ),
        ],
        "fetch" => &[
            (
                "eesim fetch",
                "Downloads IRCC's feed into the cache (only when it changed), and says which rounds are new and how old the newest is.",
            ),
            (
                "EESIM_FEED_URL=https://mirror.example.org/ee_rounds_123_en.json eesim fetch --json",
                "From a mirror, with the result as JSON.",
            ),
        ],
        "serve" => &[
            (
                "eesim serve",
                "The web page and JSON API on http://127.0.0.1:8080/, refreshing the cached feed every 6 hours.",
            ),
            (
                "eesim serve --bind 127.0.0.1:0 --refresh off --max-runs 20000",
                "On a free port (printed), never downloading, at most 20,000 runs a request.",
            ),
        ],
        "completions" => &[
            (
                "eesim completions bash > ~/.local/share/bash-completion/completions/eesim",
                "Installs bash's completions for the current user.",
            ),
            (
                "eesim completions zsh > ~/.zfunc/_eesim",
                "The same for zsh (with ~/.zfunc in fpath).",
            ),
        ],
        "man" => &[
            (
                "eesim man chance | man -l -",
                "Reads the page of `eesim chance`.",
            ),
            (
                "eesim man --out-dir ~/.local/share/man/man1",
                "Writes eesim.1 and every eesim-COMMAND.1 where man finds them.",
            ),
        ],
        _ => &[
            (
                "eesim fetch && eesim chance --crs 480 --categories french",
                "Downloads IRCC's newest rounds, then estimates from them.",
            ),
            (
                "eesim crs examples/data/profile.toml && eesim what-if examples/data/profile.toml",
                "A profile's points, then what would raise its chance most.",
            ),
            (
                "eesim man --out-dir ~/.local/share/man/man1",
                "Writes every manual page; then `man eesim-chance`.",
            ),
        ],
    }
}

/// The command line as clap sees it for the pages: without clap's `help` command, which has
/// no page.
fn for_pages(cmd: clap::Command) -> clap::Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The commands that have a page of their own.
fn commands(cmd: &clap::Command) -> Vec<&str> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(clap::Command::get_name)
        .collect()
}

pub(crate) fn man(a: &ManArgs, cmd: clap::Command) -> Outcome {
    let cmd = for_pages(cmd);
    if let Some(dir) = &a.out_dir {
        for path in write_all(&cmd, dir)? {
            outln!("{}", path.display());
        }
        return Ok(());
    }
    let page = match &a.command {
        None => page(&cmd, None)?,
        Some(name) => {
            let names = commands(&cmd);
            let name = eesim::suggest::one_of(
                name,
                &names,
                &format!("a command, one of {}", names.join(", ")),
            )
            .map_err(|m| BadArgument::new("COMMAND", m))?;
            page(&cmd, Some(name))?
        }
    };
    out!("{page}");
    Ok(())
}

/// Writes eesim.1 and every eesim-COMMAND.1 into `dir`; the paths written.
fn write_all(
    cmd: &clap::Command,
    dir: &Path,
) -> Result<Vec<std::path::PathBuf>, Box<dyn std::error::Error + Send + Sync>> {
    std::fs::create_dir_all(dir).map_err(|e| crate::out::writing(dir, e))?;
    let mut written = Vec::new();
    let names: Vec<Option<&str>> = std::iter::once(None)
        .chain(commands(cmd).into_iter().map(Some))
        .collect();
    for name in names {
        let file = name.map_or_else(|| "eesim.1".to_string(), |n| format!("eesim-{n}.1"));
        let path = dir.join(file);
        std::fs::write(&path, page(cmd, name)?).map_err(|e| crate::out::writing(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// The page of `command` (`None`: of eesim itself) as roff.
fn page(
    top: &clap::Command,
    command: Option<&str>,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let cmd = match command {
        Some(name) => top
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| format!("man: no command {name}"))?,
        None => top.clone(),
    };
    let man = Man::new(cmd)
        .source(format!(
            "eesim {}",
            top.get_version().unwrap_or(env!("CARGO_PKG_VERSION"))
        ))
        .manual("eesim manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if command.is_none() {
        man.render_subcommands_section(&mut out)?;
    }
    let mut roff = Roff::new();
    exit_status(&mut roff, command);
    environment(&mut roff, command);
    files(&mut roff, command);
    examples_section(&mut roff, command);
    see_also(&mut roff, top, command);
    roff.to_writer(&mut out)?;
    if command.is_none() {
        man.render_version_section(&mut out)?;
    }
    Ok(String::from_utf8(out)?)
}

/// A paragraph of running text, with `code` in backquotes set in bold.
fn paragraph(roff: &mut Roff, text: &str) {
    let mut inlines = Vec::new();
    for (i, part) in text.split('`').enumerate() {
        if part.is_empty() {
            continue;
        }
        inlines.push(if i % 2 == 1 { bold(part) } else { roman(part) });
    }
    roff.text(inlines);
}

/// A tagged paragraph: `tag` in bold, then its text.
fn item(roff: &mut Roff, tag: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(tag)]);
    paragraph(roff, text);
}

fn exit_status(roff: &mut Roff, command: Option<&str>) {
    roff.control("SH", ["EXIT STATUS"]);
    item(roff, "0", "Success.");
    let failure = match command {
        Some("backtest") => {
            "A failure of the run or of its data: a file that cannot be read or written (a FEED, --profile, --scenario or --csv file given that does not exist is such a failure, not a bad argument), a file whose contents are refused, no cached feed, a feed that cannot be calibrated as of an origin, or no origin that could be scored."
        }
        Some("fetch") => {
            "A failure of the run or of its data: the download failed or timed out, the answer is not a readable feed, it breaks the plausibility rules (see --accept-anomalies), it is older than the cached feed (see --force), or the cache cannot be locked or written."
        }
        Some("chance") => {
            "A failure of the run or of its data: a file that cannot be read or written (a --profile, --scenario, --feed, --batch or --plot file that does not exist or cannot be written is such a failure, not a bad argument), a file whose contents are refused (a profile or scenario with problems, each on its own line), a feed that cannot be calibrated, or, with --batch, a row that failed (every row is printed first, with its status, and the failed ones are listed on stderr)."
        }
        _ => {
            "A failure of the run or of its data: a file that cannot be read or written (a file given that does not exist is such a failure, not a bad argument), a file whose contents are refused, no cached feed where one is needed, or a download that failed."
        }
    };
    item(roff, "1", failure);
    // The variables of this page whose values can be refused.
    let refused: Vec<&str> = variables(command)
        .into_iter()
        .map(|v| v.name)
        .filter(|n| ["EESIM_TODAY", "EESIM_CACHE_DIR", "EESIM_FEED_URL"].contains(n))
        .collect();
    let variables = match refused.split_last() {
        None => String::new(),
        Some((last, [])) => format!(", and a refused value of {last}"),
        Some((last, rest)) => format!(", and a refused value of {} or {last}", rest.join(", ")),
    };
    item(
        roff,
        "2",
        &format!(
            "A bad argument, whoever finds it: clap (an unknown option, a missing value, a number out of range, a malformed date) or eesim after parsing (an unknown category or command, a submission date outside the window the scenario can follow, a provincial nominee below 600 points, an --as-of or --from before the feed's second pool snapshot, --from not before --to, a download address that is not http:// or https://){variables}. The message names the option: error: --OPTION: expected ..., found ... (with a \"did you mean\" for a near miss)."
        ),
    );
}

/// The variables `command` reads (`None`: every variable).
fn variables(command: Option<&str>) -> Vec<&'static Variable> {
    VARIABLES
        .iter()
        .filter(|v| command.is_none_or(|c| v.commands.is_empty() || v.commands.contains(&c)))
        .collect()
}

fn environment(roff: &mut Roff, command: Option<&str>) {
    roff.control("SH", ["ENVIRONMENT"]);
    for v in variables(command) {
        item(roff, v.name, v.text);
    }
}

fn files(roff: &mut Roff, command: Option<&str>) {
    roff.control("SH", ["FILES"]);
    if command.is_some_and(|c| !CACHED.contains(&c)) {
        paragraph(
            roff,
            "This command uses only the files named on its command line; it neither reads nor writes the feed cache.",
        );
        return;
    }
    paragraph(
        roff,
        "The feed cache directory: $EESIM_CACHE_DIR when set; else the platform's user cache directory: $XDG_CACHE_HOME/eesim or ~/.cache/eesim on Linux, ~/Library/Caches/eesim on macOS, %LOCALAPPDATA%\\eesim\\cache on Windows. It holds:",
    );
    for (name, text) in CACHE_FILES {
        roff.control("TP", []);
        roff.text([italic("CACHE/"), bold(*name)]);
        paragraph(roff, text);
    }
    roff.control("PP", []);
    paragraph(
        roff,
        "Writers install through temporary files renamed into place, so a reader sees the old feed or the new one, never half of one.",
    );
}

fn examples_section(roff: &mut Roff, command: Option<&str>) {
    roff.control("SH", ["EXAMPLES"]);
    for (line, text) in examples(command.unwrap_or("")) {
        roff.control("TP", []);
        roff.text([bold(*line)]);
        paragraph(roff, text);
    }
}

fn see_also(roff: &mut Roff, top: &clap::Command, command: Option<&str>) {
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<String> = Vec::new();
    if command.is_some() {
        refs.push("eesim(1)".into());
    }
    refs.extend(
        commands(top)
            .into_iter()
            .filter(|c| Some(*c) != command)
            .map(|c| format!("eesim-{c}(1)")),
    );
    roff.text([roman(refs.join(", "))]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example is a command line clap accepts, for a command that exists.
    #[test]
    fn every_example_parses() {
        let top = for_pages(crate::command());
        let mut names: Vec<&str> = commands(&top);
        names.push("");
        for name in names {
            let list = examples(name);
            assert!(list.len() >= 2, "{name}: at least two examples");
            for (line, _) in list {
                for part in line.split("&&") {
                    let words: Vec<&str> = part
                        .split_whitespace()
                        // An environment assignment before the command.
                        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
                        .take_while(|w| !matches!(*w, ">" | "|"))
                        .collect();
                    assert_eq!(words.first(), Some(&"eesim"), "{line}");
                    if !name.is_empty() {
                        assert_eq!(words.get(1), Some(&name), "{line}");
                    }
                    crate::command()
                        .try_get_matches_from(&words)
                        .unwrap_or_else(|e| panic!("{line}: {e}"));
                }
            }
        }
    }

    #[test]
    fn each_page_has_its_sections_and_only_its_variables() {
        let top = for_pages(crate::command());
        let fetch = page(&top, Some("fetch")).unwrap();
        for needle in [
            ".TH eesim-fetch 1",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            "EESIM_FEED_URL",
            "EESIM_CACHE_DIR",
            ".SH FILES",
            "fetch.lock",
            ".SH EXAMPLES",
            "eesim(1)",
        ] {
            assert!(fetch.contains(needle), "{needle} in\n{fetch}");
        }
        let crs = page(&top, Some("crs")).unwrap();
        assert!(
            !crs.contains("EESIM_CACHE_DIR") && crs.contains("NO_COLOR"),
            "{crs}"
        );
        let eesim = page(&top, None).unwrap();
        assert!(
            eesim.contains("eesim\\-chance(1)") && !eesim.contains("eesim\\-help"),
            "{eesim}"
        );
        for v in VARIABLES {
            assert!(eesim.contains(v.name), "{}", v.name);
        }
    }
}
