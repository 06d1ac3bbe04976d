//! Which data a command starts from (a feed file given, the cached feed, or the embedded
//! scenario), today's date, and the warnings when that data is old.

use std::path::{Path, PathBuf};

use eesim::cache::FeedCache;
use eesim::feed::{Anomaly, DrawRecord, FeedReader, History, LoadReport, plausible};
use eesim::scenario::Scenario;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::args::EstimateArgs;
use crate::bad::BadArgument;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Data older than this many days gets a warning.
const STALE_DAYS: i64 = eesim::report::STALE_DAYS as i64;

/// The command that refreshes the cached feed.
const REFRESH: &str = "run `eesim fetch` to download IRCC's newest rounds";

/// Today's date in the system's time zone; `EESIM_TODAY=YYYY-MM-DD` overrides it (for
/// reproducible runs and tests); a value that is not a date is a bad argument (exit 2).
pub(crate) fn today() -> Result<Date, BadArgument> {
    match std::env::var("EESIM_TODAY") {
        Ok(s) if !s.trim().is_empty() => s.trim().parse().map_err(|e| {
            BadArgument::new(
                "EESIM_TODAY",
                format!("expected a date like 2026-12-01, found {s:?} ({e})"),
            )
        }),
        _ => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// The feed cache: `EESIM_CACHE_DIR` (an absolute path), else the platform's user cache
/// directory; an error when the path exists and is not a directory.
pub(crate) fn cache() -> Result<FeedCache, Failure> {
    let dir = if let Some(dir) = std::env::var_os("EESIM_CACHE_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        if !dir.is_absolute() {
            return Err(BadArgument::new(
                "EESIM_CACHE_DIR",
                format!(
                    "expected an absolute path, found {:?} (the cache must not depend on the working directory)",
                    dir.display().to_string()
                ),
            )
            .into());
        }
        dir
    } else {
        directories::ProjectDirs::from("", "", "eesim")
            .map(|p| p.cache_dir().to_path_buf())
            .ok_or(
                "feed cache: expected a home directory for the user cache, found none (set EESIM_CACHE_DIR)",
            )?
    };
    if let Ok(meta) = std::fs::metadata(&dir)
        && !meta.is_dir()
    {
        return Err(format!(
            "feed cache {}: expected a directory, found a file (remove it, or set EESIM_CACHE_DIR to a directory)",
            dir.display()
        )
        .into());
    }
    Ok(FeedCache::new(dir))
}

/// A rounds feed read from a file.
pub(crate) struct Feed {
    pub(crate) path: PathBuf,
    pub(crate) cached: bool,
    /// The plausible rounds: anomalous ones are left out, with a warning.
    pub(crate) history: History,
    pub(crate) load: LoadReport,
    /// The rounds left out as implausible.
    pub(crate) anomalies: Vec<Anomaly>,
}

impl Feed {
    /// Reads the feed at `path`.
    /// Reads the feed at `path`, leaving its anomalous rounds out with a warning each.
    fn read(path: &Path, cached: bool) -> Result<Feed, Failure> {
        let (history, load) = FeedReader::new().read_path(path)?;
        let (history, anomalies) = plausible::screen(&history, today()?);
        for a in &anomalies {
            eprintln!(
                "warning: feed {}: an implausible round left out of the model: {a}",
                path.display()
            );
        }
        Ok(Feed {
            path: path.to_path_buf(),
            cached,
            history,
            load,
            anomalies,
        })
    }

    /// The newest round.
    pub(crate) fn last_round(&self) -> Result<&DrawRecord, Failure> {
        self.history.draws().last().ok_or_else(|| {
            format!(
                "feed {}: expected at least one readable round, found none",
                self.path.display()
            )
            .into()
        })
    }

    /// `the cached feed PATH (N rounds, the last of DATE)`.
    pub(crate) fn describe(&self) -> String {
        let what = if self.cached {
            "the cached feed"
        } else {
            "the feed"
        };
        let last = self.history.draws().last().map_or_else(String::new, |d| {
            format!(", the last No. {} of {}", d.number(), d.date())
        });
        format!(
            "{what} {} ({} rounds{last})",
            self.path.display(),
            self.history.draws().len()
        )
    }

    /// The feed as a JSON object: `file`, `cached`, `rounds`, `last_round`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "file": self.path.display().to_string(),
            "cached": self.cached,
            "rounds": self.history.draws().len(),
            "last_round": self.history.draws().last().map(|d| json!({
                "number": d.number().to_string(),
                "date": d.date().to_string(),
                "family": d.family().to_string(),
            })),
            "left_out": self.anomalies.iter().map(|a| json!({
                "number": a.number.to_string(),
                "date": a.date.to_string(),
                "field": a.field,
                "found": a.found,
            })).collect::<Vec<_>>(),
        })
    }

    /// Warns on stderr when the newest round is more than three weeks before `today`.
    pub(crate) fn warn_if_stale(&self, today: Date) {
        if let Some(last) = self.history.draws().last() {
            let gap = (today - last.date()).get_days();
            if i64::from(gap) > STALE_DAYS {
                eprintln!(
                    "warning: the newest round in {} is of {}, {gap} days before today ({today}); {REFRESH}",
                    self.path.display(),
                    last.date()
                );
            }
        }
    }
}

/// The feed given, else the cached one, else none.
pub(crate) fn find_feed(given: Option<&Path>) -> Result<Option<Feed>, Failure> {
    if let Some(path) = given {
        return Feed::read(path, false).map(Some);
    }
    let cache = cache()?;
    if !cache.has_feed() {
        return Ok(None);
    }
    Feed::read(&cache.feed_path(), true)
        .map(Some)
        .map_err(|e| format!("{e} (the cache is corrupt: run `eesim fetch` again)").into())
}

/// The feed given, else the cached one; an error when there is neither.
pub(crate) fn need_feed(given: Option<&Path>) -> Result<Feed, Failure> {
    match find_feed(given)? {
        Some(feed) => Ok(feed),
        None => Err(format!(
            "no rounds feed: expected a FEED file or a cached feed in {}, found neither; {REFRESH}, or give the file",
            cache()?.dir().display()
        )
        .into()),
    }
}

/// The scenario an estimate runs on, and what it was made from.
pub(crate) struct Data {
    pub(crate) scenario: Scenario,
    /// What the reader should know about the data, a sentence each (the estimate adds its
    /// own: data older than three weeks, families that hold no round, ...).
    pub(crate) warnings: Vec<String>,
    /// What it was made from, as JSON (the `data` object of the output).
    pub(crate) json: Value,
    /// The same as a line for people.
    pub(crate) line: String,
}

/// The scenario for `chance` and `what-if` ([`base_scenario`]) with the rounds of `--plan`
/// in place of those families' plans: fixed rounds from the scenario's start to well past
/// any window (rounds past the runs' end are not held).
pub(crate) fn scenario(e: &EstimateArgs) -> Result<Data, Failure> {
    let mut data = base_scenario(e)?;
    if e.plan.is_empty() {
        return Ok(data);
    }
    let as_of = data.scenario.as_of();
    let until = today()?
        .max(as_of)
        .checked_add(jiff::Span::new().days(i64::from(e.horizon_days) + 1830))
        .map_err(|err| {
            BadArgument::new(
                "--plan",
                format!("expected rounds that end before 9999-12-31: {err}"),
            )
        })?;
    let mut said = Vec::new();
    for change in &e.plan {
        let plan = change.plan(as_of, until);
        data.scenario = data
            .scenario
            .with_plan(&change.family, plan)
            .map_err(|err| BadArgument::new("--plan", format!("{}: {err}", change.family)))?;
        said.push(match change.rounds {
            Some((size, every)) => {
                format!("{}: {size} every {every} days from {as_of}", change.family)
            }
            None => format!("{}: no round", change.family),
        });
    }
    data.line
        .push_str(&format!("; rounds set by --plan ({})", said.join("; ")));
    data.json["plans"] = said.into();
    Ok(data)
}

/// The scenario for `chance` and `what-if` as the data gives it: `--scenario`; else
/// calibrated on the fly from `--feed` or the cached feed as of `--as-of` (default: the day
/// after its last round); else the embedded scenario, with a warning.
fn base_scenario(e: &EstimateArgs) -> Result<Data, Failure> {
    if let Some(path) = &e.scenario {
        let scenario = load_scenario(Some(path))?;
        let line = format!(
            "Data: the scenario file {}, as of {}",
            path.display(),
            scenario.as_of()
        );
        let json = json!({"kind": "scenario file", "file": path.display().to_string()});
        return Ok(Data {
            scenario,
            warnings: Vec::new(),
            json,
            line,
        });
    }
    let today = today()?;
    let mut warnings = Vec::new();
    if let Some(as_of) = e.as_of.filter(|d| *d > today) {
        warnings.push(format!(
            "--as-of {as_of} is after today ({today}): the scenario knows every round of the feed before {as_of}, and the windows start then"
        ));
    }
    let Some(feed) = find_feed(e.feed.as_deref())? else {
        let cache = cache()?;
        if e.as_of.is_some() {
            return Err(format!(
                "--as-of: expected a rounds feed to calibrate from (--feed FILE, or a cached feed in {}), found none; {REFRESH}",
                cache.dir().display()
            )
            .into());
        }
        let scenario = Scenario::default_calibrated()?;
        warnings.push(format!(
            "no cached feed in {}: using the embedded scenario as of {}; {REFRESH}",
            cache.dir().display(),
            scenario.as_of()
        ));
        let line = format!(
            "Data: the embedded scenario as of {} (`eesim fetch` gets IRCC's newest rounds)",
            scenario.as_of()
        );
        return Ok(Data {
            scenario,
            warnings,
            json: json!({"kind": "embedded"}),
            line,
        });
    };
    // How old the data is against today, the estimate says (`eesim::report::STALE_DAYS`).
    let as_of = match e.as_of {
        Some(d) => {
            check_start(&feed, "--as-of", d)?;
            d
        }
        None => day_after_last_round(&feed)?,
    };
    let scenario = calibrate(&feed, as_of, &eesim::forecast::ModelOptions::default())?;
    if e.as_of.is_some() {
        note_rounds_left_out(&feed.history, as_of);
    }
    let line = format!("Data: {}, calibrated as of {as_of}", feed.describe());
    let mut json = feed.to_json();
    json["kind"] = if feed.cached { "cached feed" } else { "feed" }.into();
    json["calibrated_as_of"] = as_of.to_string().into();
    Ok(Data {
        scenario,
        warnings,
        json,
        line,
    })
}

/// The scenario calibrated from `feed` as of `as_of` with `options`. The costly part, the
/// combination's record (the simulation scored at a year of weekly origins), is kept in the
/// cache directory under the feed's hash, so the next command on the same feed reuses it; a
/// cache that cannot be read or written only costs the time.
pub(crate) fn calibrate(
    feed: &Feed,
    as_of: Date,
    options: &eesim::forecast::ModelOptions,
) -> Result<Scenario, Failure> {
    let path = record_path(&feed.path);
    let mut records: eesim::forecast::Records = path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let before = records.clone();
    let scenario = Scenario::calibrated_with_records(&feed.history, as_of, options, &mut records)?;
    if records != before
        && let Some(path) = path
        && let Ok(text) = serde_json::to_vec(&records)
    {
        let tmp = path.with_extension("json.tmp");
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, text))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(scenario)
}

/// Where the combination's record of a feed is kept: `record-HASH.json` in the cache
/// directory, `HASH` the FNV-1a hash of the feed's bytes.
fn record_path(feed: &Path) -> Option<PathBuf> {
    let bytes = std::fs::read(feed).ok()?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Some(cache().ok()?.dir().join(format!("record-{hash:016x}.json")))
}

/// Notes on stderr how many of the feed's rounds a scenario as of `as_of` leaves out.
pub(crate) fn note_rounds_left_out(history: &History, as_of: Date) {
    let left: Vec<&DrawRecord> = history
        .draws()
        .iter()
        .filter(|d| d.date() >= as_of)
        .collect();
    if let (Some(first), Some(last)) = (left.first(), left.last()) {
        let n = left.len();
        eprintln!(
            "note: as of {as_of} the scenario leaves out {n} round{} of the feed, held from {} to {}",
            if n == 1 { "" } else { "s" },
            first.date(),
            last.date()
        );
    }
}

/// Refuses a start (`--as-of`, a backtest's first origin from `--from`) the feed cannot
/// calibrate from: a scenario needs two pool snapshots dated before it (for the arrivals).
/// A feed with fewer than two snapshots in all is the data's failure, which calibration says.
pub(crate) fn check_start(feed: &Feed, option: &str, start: Date) -> Result<(), BadArgument> {
    let mut dates: Vec<Date> = feed.history.snapshots().iter().map(|s| s.date()).collect();
    dates.sort_unstable();
    match dates.get(1) {
        Some(second) if start <= *second => Err(BadArgument::new(
            option,
            format!(
                "expected a date after {second} (a scenario needs two of the feed's pool snapshots dated before it; the second is of {second}), found {start}"
            ),
        )),
        _ => Ok(()),
    }
}

/// The default `--as-of`: the day after the feed's last round, so no round is left out.
pub(crate) fn day_after_last_round(feed: &Feed) -> Result<Date, Failure> {
    let last = feed.last_round()?.date();
    feed.history.day_after_last_round().ok_or_else(|| {
        format!(
            "feed {}: expected rounds dated before 9999-12-31, found one on {last}",
            feed.path.display()
        )
        .into()
    })
}

/// The scenario of `--scenario`, or the embedded one; IRCC's rounds feed given in its place
/// is recognised and named as such.
pub(crate) fn load_scenario(
    path: Option<&Path>,
) -> Result<Scenario, Box<dyn std::error::Error + Send + Sync>> {
    let Some(path) = path else {
        return Ok(Scenario::default_calibrated()?);
    };
    Scenario::from_path(path).map_err(|e| {
        let is_feed = eesim::input::read_text(path, eesim::input::FEED_LIMIT)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .is_some_and(|v| v.get("rounds").is_some_and(serde_json::Value::is_array));
        if is_feed {
            format!(
                "{}: expected a scenario, found IRCC's rounds feed: make a scenario from it with `eesim calibrate {} --out scenario.toml`",
                path.display(),
                path.display()
            )
            .into()
        } else {
            e.into()
        }
    })
}
