//! The data the server answers from, loaded by the command line's own code (`data.rs`), and
//! its background refresh through `eesim fetch`'s download into the same cache.

use std::hash::{Hash as _, Hasher as _};
use std::path::PathBuf;
use std::sync::Arc;

use eesim::scenario::Scenario;
use jiff::civil::Date;
use serde_json::Value;

use super::api::App;
use super::{Refresh, ServeArgs};
use crate::args::{EstimateArgs, RunArgs};
use crate::data;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Data older than this many days gets a warning (as on the command line).
const STALE_DAYS: i32 = 21;

/// Seconds a background download may take.
const FETCH_TIMEOUT: u64 = 60;

/// Where the data comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The cached feed (refreshed every `--refresh`), else the embedded scenario.
    Cache,
    /// A feed file named on the command line.
    Feed(PathBuf),
    /// A scenario file named on the command line.
    Scenario(PathBuf),
}

impl Source {
    pub(crate) fn of(a: &ServeArgs) -> Source {
        match (&a.feed, &a.scenario) {
            (Some(f), _) => Source::Feed(f.clone()),
            (None, Some(s)) => Source::Scenario(s.clone()),
            (None, None) => Source::Cache,
        }
    }
}

/// One loaded version of the data.
#[derive(Debug)]
pub(crate) struct DataState {
    /// The scenario every estimate runs on.
    pub(crate) scenario: Scenario,
    /// The `data` object of `chance --json`.
    pub(crate) json: Value,
    /// The command line's `Data: ...` line.
    pub(crate) line: String,
    /// A short ASCII description for the `x-eesim-data` header.
    pub(crate) header: String,
    /// A hash of the scenario and its description: the answers' cache key starts with it.
    pub(crate) hash: u64,
    /// The feed's rounds, newest first (none for a scenario file or the embedded scenario).
    pub(crate) rounds: Vec<Value>,
    /// The newest round's date.
    pub(crate) last_round: Option<Date>,
    /// What the feed reader noticed (records left out, odd values).
    pub(crate) problems: Vec<String>,
    /// Whether this is the embedded scenario.
    pub(crate) embedded: bool,
}

impl DataState {
    /// The warnings to show above every answer on `today`.
    pub(crate) fn warnings(&self, today: Date) -> Vec<String> {
        let mut out = Vec::new();
        if self.embedded {
            out.push(format!(
                "no cached feed: these answers use the scenario embedded in eesim, as of {}, {} days before today ({today})",
                self.scenario.as_of(),
                (today - self.scenario.as_of()).get_days()
            ));
        }
        if let Some(last) = self.last_round {
            let gap = (today - last).get_days();
            if gap > STALE_DAYS {
                out.push(format!(
                    "the newest round in the data is of {last}, {gap} days before today ({today}): newer rounds may be missing"
                ));
            }
        }
        out.extend(self.problems.iter().cloned());
        out
    }
}

/// Loads the data of `source` as `eesim chance` would.
pub(crate) fn load(source: &Source) -> Result<DataState, Failure> {
    let (feed, scenario) = match source {
        Source::Cache => (None, None),
        Source::Feed(f) => (Some(f.clone()), None),
        Source::Scenario(s) => (None, Some(s.clone())),
    };
    let args = EstimateArgs {
        programs: Vec::new(),
        categories: Vec::new(),
        nominee: false,
        submitted: None,
        horizon_days: 182,
        runs: 10_000,
        seed: 42,
        scenario,
        feed: feed.clone(),
        as_of: None,
        plan: Vec::new(),
        json: true,
        run: RunArgs {
            threads: None,
            quiet: true,
        },
    };
    let data::Data {
        scenario,
        json,
        line,
        warnings: _,
    } = data::scenario(&args)?;
    let feed = match source {
        Source::Scenario(_) => None,
        _ => data::find_feed(feed.as_deref())?,
    };
    let (rounds, last_round, problems) = match &feed {
        Some(feed) => (
            feed.history
                .draws()
                .iter()
                .rev()
                .map(crate::cmd::fetch::round_json)
                .collect(),
            feed.history.draws().last().map(|d| d.date()),
            feed.load
                .problems()
                .iter()
                .map(|p| format!("the feed: {p}"))
                .collect(),
        ),
        None => (Vec::new(), None, Vec::new()),
    };
    let kind = json["kind"].as_str().unwrap_or("data").to_string();
    let header = if kind == "embedded" {
        format!("embedded scenario as of {}", scenario.as_of())
    } else if json.get("calibrated_as_of").is_some() {
        format!("{kind}, calibrated as of {}", scenario.as_of())
    } else {
        format!("{kind} as of {}", scenario.as_of())
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    scenario.to_json().hash(&mut hasher);
    json.to_string().hash(&mut hasher);
    Ok(DataState {
        embedded: kind == "embedded",
        scenario,
        json,
        line,
        header,
        hash: hasher.finish(),
        rounds,
        last_round,
        problems,
    })
}

/// What the last background refresh did.
#[derive(Clone, Debug, Default)]
pub(crate) struct RefreshStatus {
    /// When it ran (RFC 3339).
    pub(crate) at: Option<String>,
    /// Its error, when it failed.
    pub(crate) error: Option<String>,
}

/// Every `--refresh`, downloads the feed into the cache as `eesim fetch` does, and reloads
/// the data when it changed. Only when serving from the cache; a first download at once when
/// the cache holds no feed or a stale one.
pub(crate) async fn refresh_loop(app: Arc<App>) {
    let Refresh::Every(every) = app.refresh else {
        return;
    };
    if app.source != Source::Cache {
        return;
    }
    let stale = {
        let data = app.data();
        let today = data::today().unwrap_or_else(|_| jiff::ZonedDateTime::now().date());
        data.embedded || data.last_round.is_none_or(|d| (today - d).get_days() > 1)
    };
    if !stale {
        tokio::time::sleep(every).await;
    }
    loop {
        refresh_once(&app).await;
        tokio::time::sleep(every).await;
    }
}

async fn refresh_once(app: &Arc<App>) {
    let url = crate::cmd::fetch::feed_url(None);
    let fetched = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let how =
                eesim::cache::FeedInstall::new(crate::data::today().map_err(|e| e.to_string())?);
            crate::cmd::fetch::update(&url, FETCH_TIMEOUT, how).map_err(|e| e.to_string())
        }
    })
    .await
    .unwrap_or_else(|e| Err(format!("the download stopped: {e}")));
    let at = jiff::Timestamp::now().to_string();
    let error = match fetched {
        Ok(update) if update.changed || app.data().embedded => {
            let reloaded = tokio::task::spawn_blocking(|| load(&Source::Cache))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            match reloaded {
                Ok(data) => {
                    tracing::info!(
                        "refresh: {} rounds ({} new); now answering from {}",
                        update.rounds,
                        update.added.len(),
                        data.header
                    );
                    app.replace_data(data);
                    None
                }
                Err(e) => Some(format!("the downloaded feed could not be used: {e}")),
            }
        }
        Ok(update) => {
            tracing::info!("refresh: {url} unchanged ({} rounds)", update.rounds);
            None
        }
        Err(e) => Some(e),
    };
    if let Some(e) = &error {
        tracing::warn!("refresh failed, still answering from the data loaded before: {e}");
    }
    if let Ok(mut status) = app.refreshed.lock() {
        *status = RefreshStatus {
            at: Some(at),
            error,
        };
    }
}
