//! Studies beyond one machine: `chance --shard K/N --tally-out FILE` writes a shard file,
//! `eesim merge FILE...` checks that the files belong together and prints the report of the
//! whole, byte for byte that of one unsharded run.
//!
//! A shard file is one JSON object:
//!
//! - `format` (`"eesim-shard"`) and `version` (1): what the file is;
//! - `shard` (`{"index": K, "count": N}`) and `runs` (`{"start", "end"}`): which run indices
//!   it tallied ([`Shard::runs`]);
//! - `study`: everything that shapes the answer and must be the same in every shard of one
//!   study: the eesim version, the kind (`chance` or `batch`), the request (score and its
//!   changes, membership, submission, today, horizon, runs, seed, engine, landing), the
//!   scenario's hash, the data the scenario came from as the report names it (`data`, its
//!   warnings and line), and the profile's score path or the batch's rows;
//! - `scenario`: the scenario as TOML, whose hash (FNV-1a 64 of the TOML, and of the start
//!   pool's candidates when it has a list) is the study's `scenario_hash`;
//! - `seconds`: how long the shard's runs took;
//! - `tally` (chance) or `counts` (batch): the integer counts of its runs.

use std::path::{Path, PathBuf};

use eesim::montecarlo::{JudgedCounts, Shard, Tally};
use eesim::report::{Batch, BatchEntry, ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, Scenario};
use eesim::{CrsScore, Membership};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Outcome;
use crate::args::{ChanceArgs, MergeArgs};
use crate::cmd::chance::{self, ChanceEstimate};
use crate::data::Data;
use crate::out::{check_writable, writing};

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The `format` of a shard file.
const FORMAT: &str = "eesim-shard";

/// The shard file layout this eesim writes and reads.
const VERSION: u32 = 1;

/// What produced a shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    /// `eesim chance`.
    Chance,
    /// `eesim chance --batch`.
    Batch,
}

/// A [`ChanceRequest`] as a shard file holds it: every field that shapes the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct RequestRecord {
    crs: CrsScore,
    changes: Vec<(Date, CrsScore)>,
    membership: Membership,
    #[serde(default)]
    dormant: Vec<eesim::Family>,
    submitted: Option<Date>,
    today: Option<Date>,
    horizon_days: u32,
    runs: u64,
    seed: u64,
    engine: String,
    to_landing: bool,
}

impl RequestRecord {
    fn of(r: &ChanceRequest) -> Self {
        RequestRecord {
            crs: r.crs,
            changes: r.changes.clone(),
            membership: r.membership.clone(),
            dormant: r.dormant.clone(),
            submitted: r.submitted,
            today: r.today,
            horizon_days: r.horizon_days,
            runs: r.runs,
            seed: r.seed,
            engine: match r.engine {
                Engine::Exact => "exact",
                _ => "fluid",
            }
            .into(),
            to_landing: r.to_landing,
        }
    }

    fn request(&self) -> Result<ChanceRequest, String> {
        let engine = match self.engine.as_str() {
            "fluid" => Engine::Fluid,
            "exact" => Engine::Exact,
            other => {
                return Err(format!(
                    "request.engine: expected fluid or exact, found {other:?}"
                ));
            }
        };
        Ok(ChanceRequest {
            crs: self.crs,
            changes: self.changes.clone(),
            membership: self.membership.clone(),
            dormant: self.dormant.clone(),
            submitted: self.submitted,
            today: self.today,
            horizon_days: self.horizon_days,
            runs: self.runs,
            seed: self.seed,
            engine,
            to_landing: self.to_landing,
        })
    }
}

/// The data a scenario came from, as the report names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct DataRecord {
    json: Value,
    warnings: Vec<String>,
    line: String,
}

/// Everything that must be the same in every shard of one study.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Study {
    eesim: String,
    kind: Kind,
    request: RequestRecord,
    scenario_hash: String,
    data: DataRecord,
    /// `chance`: the profile's score path, and its birth date.
    #[serde(default)]
    score_path: Vec<(Date, CrsScore)>,
    #[serde(default)]
    born: Option<Date>,
    /// `batch`: the rows, in file order, each a candidate or its error.
    #[serde(default)]
    rows: Vec<BatchEntry>,
    /// `batch`: the months of its windows.
    #[serde(default)]
    months: Vec<u32>,
}

/// Run indices `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Runs {
    start: u64,
    end: u64,
}

/// One shard file.
#[derive(Debug, Serialize, Deserialize)]
struct ShardFile {
    format: String,
    version: u32,
    shard: Shard,
    runs: Runs,
    study: Study,
    scenario: String,
    seconds: f64,
    /// `batch`: the batch file as named on the command line (its failed rows are named
    /// with it).
    #[serde(default)]
    batch_file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tally: Option<Tally>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counts: Option<JudgedCounts>,
}

impl ShardFile {
    /// The file of `shard` (its `runs`) of `study` on `scenario`, its runs having taken
    /// `seconds`, without its tally or counts yet.
    fn new(
        shard: Shard,
        runs: &std::ops::Range<u64>,
        study: Study,
        scenario: &Scenario,
        seconds: f64,
    ) -> Self {
        ShardFile {
            format: FORMAT.into(),
            version: VERSION,
            shard,
            runs: Runs {
                start: runs.start,
                end: runs.end,
            },
            study,
            scenario: scenario.to_toml(),
            seconds,
            batch_file: String::new(),
            tally: None,
            counts: None,
        }
    }
}

/// The scenario's hash: FNV-1a 64 of its TOML and, when the start pool is a list of
/// candidates (which the TOML only names), of those candidates as JSON. We use FNV-1a (as for
/// the feed cache's record) because it only guards against mixing shards of different
/// scenarios by mistake, not against forgery; the TOML itself travels in the file.
fn scenario_hash(scenario: &Scenario) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(scenario.to_toml().as_bytes());
    if let Some((_, list)) = &scenario.pool().candidates {
        feed(b"\0candidates\0");
        feed(serde_json::to_string(list).unwrap_or_default().as_bytes());
    }
    format!("fnv1a64:{hash:016x}")
}

/// The study of `request` on `data`, of `kind`.
fn study(kind: Kind, data: &Data, request: &ChanceRequest) -> Study {
    Study {
        eesim: env!("CARGO_PKG_VERSION").into(),
        kind,
        request: RequestRecord::of(request),
        scenario_hash: scenario_hash(&data.scenario),
        data: DataRecord {
            json: data.json.clone(),
            warnings: data.warnings.clone(),
            line: data.line.clone(),
        },
        score_path: Vec::new(),
        born: None,
        rows: Vec::new(),
        months: Vec::new(),
    }
}

/// Writes `file` to `path` whole or not at all (a temporary file renamed), and says so.
fn write_shard(path: &Path, file: &ShardFile) -> Outcome {
    let text = serde_json::to_string(file)?;
    let name = path
        .file_name()
        .map_or_else(|| "shard".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, text + "\n")
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            writing(path, e)
        })?;
    let Runs { start, end } = file.runs;
    let held = if start == end {
        format!(
            "no run of {} (more shards than runs)",
            file.study.request.runs
        )
    } else {
        format!(
            "runs {start} to {} of {} ({} runs) in {:.2} s",
            end - 1,
            file.study.request.runs,
            end - start,
            file.seconds
        )
    };
    note!(
        "shard {}: {held}, written to {}; `eesim merge` the {} shard files for the report",
        file.shard,
        path.display(),
        file.shard.count()
    );
    Ok(())
}

/// `chance --shard K/N --tally-out FILE`: the tally of shard `shard` of `request`.
pub(crate) fn write_chance_shard(
    data: &Data,
    request: &ChanceRequest,
    score_path: Vec<(Date, CrsScore)>,
    born: Option<Date>,
    shard: Shard,
    out: &Path,
) -> Outcome {
    for w in &data.warnings {
        eprintln!("{} {w}", crate::style::warning());
    }
    let runs = shard.runs(request.runs);
    let clock = std::time::Instant::now();
    let tally = ChanceReport::tally_runs(&data.scenario, request, runs.clone())?;
    let seconds = clock.elapsed().as_secs_f64();
    let file = ShardFile {
        tally: Some(tally),
        ..ShardFile::new(
            shard,
            &runs,
            Study {
                score_path,
                born,
                ..study(Kind::Chance, data, request)
            },
            &data.scenario,
            seconds,
        )
    };
    write_shard(out, &file)
}

/// `chance --batch FILE.csv --shard K/N --tally-out FILE`: the counts of shard `shard` of
/// the batch.
pub(crate) fn write_batch_shard(
    a: &ChanceArgs,
    batch: &Path,
    data: &Data,
    shard: Shard,
    out: &Path,
) -> Outcome {
    check_writable(Some(out))?;
    let scenario = &data.scenario;
    let request = chance::request(&a.estimate, scenario)?;
    let entries = Batch::read(batch, scenario, &request)?;
    let months = chance::batch_months(a, scenario, &request)?;
    let runs = shard.runs(request.runs);
    let clock = std::time::Instant::now();
    let counts = Batch::count_runs(scenario, entries.clone(), &request, &months, runs.clone())?;
    let seconds = clock.elapsed().as_secs_f64();
    let file = ShardFile {
        batch_file: batch.display().to_string(),
        counts: Some(counts),
        ..ShardFile::new(
            shard,
            &runs,
            Study {
                rows: entries,
                months,
                ..study(Kind::Batch, data, &request)
            },
            scenario,
            seconds,
        )
    };
    write_shard(out, &file)
}

/// Reads one shard file, saying what it is when it is not one.
fn read_shard(path: &Path) -> Result<ShardFile, Failure> {
    let name = path.display();
    let text = eesim::input::read_text(path, eesim::input::FILE_LIMIT)
        .map_err(|e| format!("reading {name}: {e}"))?;
    let not_shard = |found: &str| -> Failure {
        format!(
            "{name}: expected a shard file (written by `eesim chance --shard K/N --tally-out FILE`), found {found}"
        )
        .into()
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        not_shard(&format!(
            "text that is not JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        ))
    })?;
    match value.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => return Err(not_shard(&format!("\"format\": {other}"))),
        None if value.is_object() => return Err(not_shard("JSON without \"format\"")),
        None => return Err(not_shard("JSON that is not an object")),
    }
    match value.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        other => {
            return Err(format!(
                "{name}: expected a shard file of version {VERSION} (this eesim reads that one), found version {}",
                other.map_or_else(|| "none".to_string(), |v| v.to_string())
            )
            .into());
        }
    }
    let file: ShardFile =
        serde_json::from_value(value).map_err(|e| format!("{name}: shard file: {e}"))?;
    let found = match file.study.kind {
        Kind::Chance if file.tally.is_none() => Some("a chance shard without a tally"),
        Kind::Batch if file.counts.is_none() => Some("a batch shard without counts"),
        _ => None,
    };
    if let Some(found) = found {
        return Err(format!("{name}: shard file: expected its counts, found {found}").into());
    }
    Ok(file)
}

/// The first place where `a` and `b` differ, as `key.path: A here, B there`.
fn difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    let key = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                difference(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    &key(k),
                )
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => {
            let short = |v: &Value| {
                let s = v.to_string();
                if s.chars().count() > 80 {
                    format!("{}...", s.chars().take(77).collect::<String>())
                } else {
                    s
                }
            };
            Some(format!("{at}: {} here, {} there", short(b), short(a)))
        }
    }
}

/// `eesim merge FILE...`.
pub(crate) fn merge(a: &MergeArgs) -> Outcome {
    check_writable(a.plot.as_deref())?;
    let files = a
        .files
        .iter()
        .map(|p| read_shard(p).map(|f| (p.clone(), f)))
        .collect::<Result<Vec<(PathBuf, ShardFile)>, Failure>>()?;
    let (first_path, first) = &files[0];
    let first_study = serde_json::to_value(&first.study)?;
    let count = first.shard.count();
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (path, file) in &files {
        let name = path.display();
        if file.shard.count() != count {
            return Err(format!(
                "{name}: shard {} of a study in {} shards, but {} is shard {} of {count}: merge the shards of one split",
                file.shard,
                file.shard.count(),
                first_path.display(),
                first.shard
            )
            .into());
        }
        if let Some(d) = difference(&first_study, &serde_json::to_value(&file.study)?, "") {
            return Err(format!(
                "{name}: a shard of another study than {}: {d}",
                first_path.display()
            )
            .into());
        }
        let slot = &mut seen[file.shard.index() as usize - 1];
        if let Some(other) = slot {
            return Err(format!(
                "{name}: shard {} again ({} is shard {} too): give each shard once",
                file.shard,
                other.display(),
                file.shard
            )
            .into());
        }
        *slot = Some(path);
        let expected = file.shard.runs(file.study.request.runs);
        if (file.runs.start, file.runs.end) != (expected.start, expected.end) {
            return Err(format!(
                "{name}: shard {} holds runs {}..{}, expected {}..{} of {} runs",
                file.shard,
                file.runs.start,
                file.runs.end,
                expected.start,
                expected.end,
                file.study.request.runs
            )
            .into());
        }
        let tallied = file
            .tally
            .as_ref()
            .map_or_else(|| file.counts.as_ref().map_or(0, |c| c.runs), Tally::runs);
        if tallied != file.runs.end - file.runs.start {
            return Err(format!(
                "{name}: shard {} holds the counts of {tallied} runs, expected {}",
                file.shard,
                file.runs.end - file.runs.start
            )
            .into());
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{}/{count}", i + 1))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "shard{} {} missing: expected the {count} shard files 1/{count} to {count}/{count} of the study of {}, found {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            first_path.display(),
            files.len()
        )
        .into());
    }
    let scenario = Scenario::from_toml(&first.scenario).map_err(|e| {
        format!(
            "{}: the scenario in the shard file: {e} (a scenario whose start pool is a candidate file reads it relative to the merge's working directory)",
            first_path.display()
        )
    })?;
    let hash = scenario_hash(&scenario);
    if hash != first.study.scenario_hash {
        return Err(format!(
            "{}: the scenario in the shard file has hash {hash}, expected the study's {}: the file was edited or damaged",
            first_path.display(),
            first.study.scenario_hash
        )
        .into());
    }
    let study = &first.study;
    let request = study.request.request()?;
    let data = Data {
        scenario,
        warnings: study.data.warnings.clone(),
        json: study.data.json.clone(),
        line: study.data.line.clone(),
    };
    let seconds: f64 = files.iter().map(|(_, f)| f.seconds).sum();
    note!(
        "merged {count} shard{} of {} runs (seed {}), {seconds:.2} s of runs in all",
        if count == 1 { "" } else { "s" },
        request.runs,
        request.seed
    );
    match study.kind {
        Kind::Chance => {
            let tally = merged(&files, "a tally", |f| f.tally.as_ref(), Tally::merge)?;
            let report = ChanceReport::from_tally(&data.scenario, &request, tally)?;
            let estimate = ChanceEstimate {
                report,
                score_path: study.score_path.clone(),
                born: study.born,
            };
            chance::print_chance(&data, &estimate, a.json, a.plot.as_deref(), a.by_score)
        }
        Kind::Batch => {
            if a.plot.is_some() {
                return Err(crate::bad::BadArgument::new(
                    "--plot",
                    "expected the shards of a single chance, found those of a batch (a batch draws no chart)",
                )
                .into());
            }
            let counts = merged(&files, "counts", |f| f.counts.as_ref(), JudgedCounts::merge)?;
            let done = Batch::from_counts(
                &data.scenario,
                study.rows.clone(),
                &request,
                &study.months,
                counts,
            )?;
            chance::print_batch(&done, &data, &request, a.json, seconds, &first.batch_file)
        }
    }
}

/// The parts (`part` of each shard file: its tally, or its counts) merged into one; a file
/// without its part, or whose part does not merge, is named.
fn merged<T: Clone>(
    files: &[(PathBuf, ShardFile)],
    what: &str,
    part: impl Fn(&ShardFile) -> Option<&T>,
    merge: impl Fn(&mut T, &T) -> eesim::Result<()>,
) -> Result<T, String> {
    let mut whole: Option<T> = None;
    for (path, file) in files {
        let p = part(file).ok_or_else(|| {
            format!(
                "{}: expected a shard file with {what}, found none",
                path.display()
            )
        })?;
        match &mut whole {
            None => whole = Some(p.clone()),
            Some(w) => merge(w, p).map_err(|e| format!("{}: {e}", path.display()))?,
        }
    }
    whole.ok_or_else(|| "expected shard files, found none".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_difference_is_named_by_its_key_path() {
        let a = json!({"request": {"seed": 9, "runs": 400}, "rows": [1, 2]});
        let b = json!({"request": {"seed": 7, "runs": 400}, "rows": [1, 2]});
        assert_eq!(
            difference(&a, &b, "").unwrap(),
            "request.seed: 7 here, 9 there"
        );
        let c = json!({"request": {"seed": 9, "runs": 400}, "rows": [1, 3]});
        assert_eq!(difference(&a, &c, "").unwrap(), "rows[1]: 3 here, 2 there");
        assert_eq!(difference(&a, &a.clone(), ""), None);
    }

    #[test]
    fn the_scenario_hash_follows_the_scenario() {
        let s = Scenario::default_calibrated().unwrap();
        let again = Scenario::from_toml(&s.to_toml()).unwrap();
        assert_eq!(scenario_hash(&s), scenario_hash(&again));
        let other = s.clone().with_sizes_scaled(2.0);
        assert_ne!(scenario_hash(&s), scenario_hash(&other));
        assert!(scenario_hash(&s).starts_with("fnv1a64:"));
    }
}
