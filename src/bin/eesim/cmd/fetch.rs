//! `eesim fetch`: downloads IRCC's rounds feed over HTTPS into the cache, conditionally, and
//! says which rounds are new.

use std::time::Duration;

use eesim::ErrorKind;
use eesim::cache::{FeedInstall, FeedUpdate, Validators, redact_url};
use eesim::feed::DrawRecord;
use serde_json::{Value, json};

use crate::args::FetchArgs;
use crate::{Outcome, data};

/// IRCC's official address of the rounds feed.
pub(crate) const OFFICIAL_URL: &str =
    "https://www.canada.ca/content/dam/ircc/documents/json/ee_rounds_123_en.json";

/// The largest answer read: the feed is under 1 MB in 2026.
const MAX_BYTES: u64 = eesim::input::FEED_LIMIT;

/// Connecting takes at most this long (less when `--timeout` is shorter).
const CONNECT_SECS: u64 = 10;

/// What the download gave.
enum Answer {
    NotModified,
    Body(Vec<u8>, Validators),
}

pub(crate) fn fetch(a: &FetchArgs) -> Outcome {
    let url = feed_url(a.url.as_deref());
    check_scheme(&url).map_err(|e| {
        let from = if a.url.is_some() {
            "--url"
        } else {
            "EESIM_FEED_URL"
        };
        crate::bad::BadArgument::from_error(from, &e)
    })?;
    let shown = redact_url(&url);
    let how = FeedInstall::new(data::today()?)
        .accept_anomalies(a.accept_anomalies)
        .force(a.force);
    let update = update(&url, a.timeout, how)?;
    let path = data::cache()?.feed_path();
    for anomaly in &update.anomalies {
        eprintln!(
            "warning: installed an anomalous round (--accept-anomalies): {anomaly}; estimates leave it out"
        );
    }
    for problem in update.load.problems() {
        eprintln!("warning: the reader skipped a record of the download: {problem}");
    }
    if a.json {
        outln!("{}", to_json(&shown, &path, &update));
        return Ok(());
    }
    let last = update.last_round.as_ref().map_or_else(String::new, |d| {
        format!(", the newest No. {} of {}", d.number(), d.date())
    });
    match update.previous_rounds {
        Some(_) if update.changed && update.added.is_empty() => outln!(
            "Fetched {shown}: no new rounds (other records changed), {} in all{last}, into {}",
            update.rounds,
            path.display()
        ),
        _ if update.added.is_empty() => outln!(
            "Up to date: {} holds {} rounds{last} ({shown})",
            path.display(),
            update.rounds
        ),
        None => outln!(
            "Fetched {shown}: {} rounds{last}, into {}",
            update.rounds,
            path.display()
        ),
        Some(_) => {
            let n = update.added.len();
            outln!(
                "Fetched {shown}: {n} round{} added since the last fetch, {} in all, into {}",
                if n == 1 { "" } else { "s" },
                update.rounds,
                path.display()
            );
            rounds_table(update.added.iter());
        }
    }
    if let Some(newest) = &update.last_round {
        let today = data::today()?;
        let age = (today - newest.date()).get_days();
        note!(
            "the newest round is No. {} of {}, {age} day{} before today ({today})",
            newest.number(),
            newest.date(),
            if age == 1 { "" } else { "s" }
        );
        if update.added.is_empty() && age > eesim::report::STALE_DAYS {
            note!(
                "IRCC's feed itself has nothing newer: fetching again will not help until IRCC publishes a round (estimates say how old the data is)"
            );
        }
    }
    if !update.revised.is_empty() {
        outln!("Revised since the last fetch (before, then now):");
        rounds_table(update.revised.iter().flat_map(|(old, new)| [old, new]));
    }
    if !update.dropped.is_empty() {
        outln!("Dropped since the last fetch (no longer in the feed):");
        rounds_table(update.dropped.iter());
    }
    Ok(())
}

/// Rounds as a table: number, date, family, size, cut-off.
fn rounds_table<'a>(rounds: impl Iterator<Item = &'a DrawRecord>) {
    outln!("  number  date        family         size  cut-off");
    for d in rounds {
        outln!(
            "  {:>6}  {}  {:<12} {:>6}  {:>7}",
            d.number().to_string(),
            d.date(),
            d.family().to_string(),
            d.size(),
            d.cutoff().get()
        );
    }
}

/// Only HTTP and HTTPS addresses are downloaded.
fn check_scheme(url: &str) -> Result<(), eesim::Error> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https") => Ok(()),
        Some(s)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            let hint = if s == "file" {
                " (a feed file is read directly: give it to the command, as `eesim replay FILE` or `--feed FILE`)"
            } else {
                ""
            };
            Err(refused(
                url,
                "an http:// or https:// address",
                &format!("a {s}: address{hint}"),
            ))
        }
        _ => Err(refused(url, "an http:// or https:// address", "no scheme")),
    }
}

/// The library's refusals, with the option that waives them.
fn hint(e: eesim::Error) -> Box<dyn std::error::Error + Send + Sync> {
    match e.kind() {
        ErrorKind::FeedAnomalies { url, anomalies } => {
            let n = anomalies.len();
            let mut m = format!(
                "downloading {url}: expected plausible rounds, found {n} anomalous round{} (installed nothing; `eesim fetch --accept-anomalies` installs them, and estimates leave them out):",
                if n == 1 { "" } else { "s" }
            );
            for a in anomalies {
                m.push_str(&format!("\n  {a}"));
            }
            m.into()
        }
        ErrorKind::FeedOlder { .. } => {
            format!("{e} (installed nothing; `eesim fetch --force` installs it, keeping the cached feed as the previous copy)").into()
        }
        _ => e.into(),
    }
}

/// The address to download from: `given`, else `$EESIM_FEED_URL`, else IRCC's.
pub(crate) fn feed_url(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| {
            std::env::var("EESIM_FEED_URL")
                .ok()
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| OFFICIAL_URL.to_string())
}

/// Downloads `url` (conditionally, with the cache's validators) into the cache under the
/// cache's lock: what `eesim fetch` does before it prints, and what `eesim serve` does every
/// `--refresh`.
pub(crate) fn update(
    url: &str,
    timeout: u64,
    how: FeedInstall,
) -> Result<FeedUpdate, Box<dyn std::error::Error + Send + Sync>> {
    let cache = data::cache()?;
    // Held from the conditional request to the install: a second fetch waits, then sees
    // this one's result.
    let lock = cache.lock(Duration::from_secs(timeout))?;
    let validators = cache.validators(url);
    let update = match download(url, &validators, timeout)? {
        Answer::NotModified => {
            let Some((history, load)) = cache.load()? else {
                return Err(refused(
                    url,
                    "the feed (the cache has no copy to keep)",
                    "304 Not Modified",
                )
                .into());
            };
            FeedUpdate {
                rounds: history.draws().len(),
                previous_rounds: Some(history.draws().len()),
                added: Vec::new(),
                dropped: Vec::new(),
                revised: Vec::new(),
                anomalies: Vec::new(),
                load,
                last_round: history.draws().last().cloned(),
                changed: false,
            }
        }
        Answer::Body(body, validators) => {
            lock.install(url, &body, validators, how).map_err(hint)?
        }
    };
    drop(lock);
    Ok(update)
}

/// The download of `url`, conditional on `validators`.
fn download(url: &str, validators: &Validators, timeout: u64) -> Result<Answer, eesim::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(timeout.min(CONNECT_SECS))))
        .timeout_global(Some(Duration::from_secs(timeout)))
        .http_status_as_error(false)
        .user_agent(format!("eesim/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut request = agent.get(url);
    if let Some(etag) = &validators.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(modified) = &validators.last_modified {
        request = request.header("If-Modified-Since", modified);
    }
    let failed = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => refused(
            url,
            "an answer",
            &format!("none within {timeout} seconds (--timeout)"),
        ),
        other => refused(url, "an answer", &other.to_string()),
    };
    let mut response = request.call().map_err(failed)?;
    let status = response.status();
    if status.as_u16() == 304 {
        return Ok(Answer::NotModified);
    }
    if status.as_u16() != 200 {
        return Err(refused(
            url,
            "HTTP status 200 (or 304 Not Modified)",
            &status.to_string(),
        ));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => refused(
                url,
                "the whole feed",
                &format!("it unfinished after {timeout} seconds (--timeout)"),
            ),
            ureq::Error::BodyExceedsLimit(_) => {
                refused(url, "a feed under 64 MiB", "a larger answer")
            }
            other => refused(url, "the whole feed", &format!("a broken answer ({other})")),
        })?;
    Ok(Answer::Body(body, validators))
}

fn refused(url: &str, expected: &str, found: &str) -> eesim::Error {
    ErrorKind::FeedDownload {
        url: redact_url(url),
        expected: expected.to_string(),
        found: found.to_string(),
    }
    .into()
}

/// One round as JSON: `number`, `date`, `family`, `size`, `cutoff` (fetch and serve).
pub(crate) fn round_json(d: &DrawRecord) -> Value {
    json!({
        "number": d.number().to_string(),
        "date": d.date().to_string(),
        "family": d.family().to_string(),
        "size": d.size(),
        "cutoff": d.cutoff().get(),
    })
}

/// The fetch as one JSON document.
fn to_json(url: &str, path: &std::path::Path, u: &FeedUpdate) -> Value {
    json!({
        "url": url,
        "file": path.display().to_string(),
        "status": if u.changed { "updated" } else { "up to date" },
        "rounds": u.rounds,
        "previous_rounds": u.previous_rounds,
        "last_round": u.last_round.as_ref().map(round_json),
        "added": u.added.iter().map(round_json).collect::<Vec<_>>(),
        "dropped": u.dropped.iter().map(round_json).collect::<Vec<_>>(),
        "revised": u.revised.iter().map(|(old, new)| json!({"before": round_json(old), "now": round_json(new)})).collect::<Vec<_>>(),
        "anomalies": u.anomalies.iter().map(|a| json!({
            "number": a.number.to_string(),
            "date": a.date.to_string(),
            "family": a.family.to_string(),
            "field": a.field,
            "expected": a.expected,
            "found": a.found,
        })).collect::<Vec<_>>(),
        "skipped": u.load.problems().iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}
