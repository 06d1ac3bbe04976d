//! A batch: many candidates of a CSV file judged on the same simulated futures.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::ChanceRequest;
use crate::crs::Profile;
use crate::draw::Target;
use crate::error::{Error, ErrorKind, Result};
use crate::family::{Family, Membership};
use crate::montecarlo::{Judged, JudgedCounts, MonteCarlo, Point, RunModel};
use crate::scenario::{Scenario, ScenarioRun};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// The columns of a batch file, in any order; `crs` or `profile` on each row.
pub(crate) const COLUMNS: [&str; 7] = [
    "id",
    "crs",
    "profile",
    "programs",
    "categories",
    "nominee",
    "submitted",
];

/// One candidate of a batch file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchRow {
    /// The row's id.
    pub id: String,
    /// The score (from `crs`, or the profile scored on its own `assessed_on`).
    pub crs: CrsScore,
    /// Programs, categories and nomination (a profile adds French and its nomination).
    pub membership: Membership,
    /// Submission.
    pub submitted: Timestamp,
}

/// Every candidate's estimate, on the same runs.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The rows, in file order.
    pub rows: Vec<BatchRow>,
    /// The counts.
    pub counts: JudgedCounts,
    /// The families that held a round in some run, by name, with their round target.
    pub families: Vec<(Family, Target)>,
    /// The eligibility of each row.
    eligibility: Vec<crate::candidate::Eligibility>,
}

/// An error on one line and field of the batch file `file`.
fn at(file: &Path, line: u64, field: &str, message: impl std::fmt::Display) -> Error {
    ErrorKind::Batch {
        file: file.display().to_string(),
        line,
        field: field.to_string(),
        message: message.to_string(),
    }
    .into()
}

/// Names separated by `,` or `;`, trimmed and lower-cased; empty names left out.
fn names(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

impl Batch {
    /// Reads the batch file at `path`: a header naming some of the columns `id`, `crs`, `profile`, `programs`,
    /// `categories`, `nominee`, `submitted` (`id` among
    /// them), then one candidate per line with `crs` or `profile` (a CRS profile file,
    /// relative to the batch file). Empty cells take the programs, categories, nominee and
    /// submission of `defaults`; categories must be the scenario's.
    ///
    /// # Errors
    /// [`ErrorKind::Batch`] naming the line and field of the first problem, or
    /// [`ErrorKind::Io`] when the file cannot be read.
    pub fn read(
        path: &Path,
        scenario: &Scenario,
        defaults: &ChanceRequest,
    ) -> Result<Vec<BatchRow>> {
        let text =
            crate::input::read_text(path, crate::input::FILE_LIMIT).map_err(|e| ErrorKind::Io {
                context: format!("reading batch {}", path.display()),
                source: crate::error::Cause::new(e),
            })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| at(path, 1, "header", e))?
            .iter()
            .map(str::to_lowercase)
            .collect();
        for h in &headers {
            crate::suggest::one_of(
                h,
                &COLUMNS,
                &format!("one of the columns {}", COLUMNS.join(", ")),
            )
            .map_err(|m| at(path, 1, h, m))?;
        }
        if !headers.iter().any(|h| h == "id") {
            return Err(at(path, 1, "id", "expected an id column, found none"));
        }
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let start = Timestamp::start_of_day(scenario.as_of());
        let known: Vec<&str> = scenario.categories().names().collect();
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let record = record.map_err(|e| at(path, line, "row", e))?;
            let cell = |name: &str| {
                headers
                    .iter()
                    .position(|h| h == name)
                    .and_then(|k| record.get(k))
                    .filter(|v| !v.is_empty())
            };
            let id = cell("id")
                .ok_or_else(|| at(path, line, "id", "expected an id, found nothing"))?
                .to_string();
            let programs: Vec<String> = match cell("programs") {
                Some(p) => {
                    let list = names(p);
                    for name in &list {
                        crate::suggest::one_of(
                            name,
                            &["cec", "fsw", "fst", "pnp"],
                            "one of cec, fsw, fst, pnp",
                        )
                        .map_err(|m| at(path, line, "programs", m))?;
                    }
                    list
                }
                None => super::chance::program_names(defaults.membership.programs()),
            };
            let categories: Vec<String> = match cell("categories") {
                Some(c) => names(c)
                    .iter()
                    .map(|name| {
                        crate::suggest::one_of(
                            name,
                            &known,
                            &format!("one of {}", known.join(", ")),
                        )
                        .map(str::to_string)
                        .map_err(|m| at(path, line, "categories", m))
                    })
                    .collect::<Result<_>>()?,
                None => defaults
                    .membership
                    .categories()
                    .iter()
                    .map(Family::to_string)
                    .collect(),
            };
            let nominee = match cell("nominee").map(str::to_lowercase).as_deref() {
                None => defaults.membership.nominee(),
                Some("true" | "yes" | "1") => true,
                Some("false" | "no" | "0") => false,
                Some(other) => {
                    return Err(at(
                        path,
                        line,
                        "nominee",
                        format!("expected true or false, found {other:?}"),
                    ));
                }
            };
            // `pnp` among the programs makes a nominee whatever the nominee cell says.
            let mut membership = Membership::from_names(&programs, &categories)
                .map_err(|e| at(path, line, "programs", e))?;
            membership = membership
                .clone()
                .with_nominee(membership.nominee() || nominee);
            let crs = match (cell("crs"), cell("profile")) {
                (Some(c), None) => c
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .and_then(|n| CrsScore::new(n).ok())
                    .ok_or_else(|| {
                        at(
                            path,
                            line,
                            "crs",
                            format!("expected a CRS score from 0 to 1200, found {}", c.trim()),
                        )
                    })?,
                (None, Some(p)) => {
                    let file: PathBuf = base.join(p);
                    let profile =
                        Profile::from_path(&file).map_err(|e| at(path, line, "profile", e))?;
                    membership = profile.membership(membership);
                    profile
                        .breakdown()
                        .map_err(|e| at(path, line, "profile", e))?
                        .total
                }
                (Some(_), Some(_)) => {
                    return Err(at(path, line, "crs", "expected crs or profile, found both"));
                }
                (None, None) => {
                    return Err(at(
                        path,
                        line,
                        "crs",
                        "expected crs or profile, found neither",
                    ));
                }
            };
            if membership.nominee() && crs.get() < 600 {
                return Err(at(
                    path,
                    line,
                    "crs",
                    format!(
                        "expected a score of at least 600 for a provincial nominee (a nomination adds 600 points), found {crs}"
                    ),
                ));
            }
            let submitted = match cell("submitted") {
                Some(s) => Timestamp::start_of_day(
                    crate::time::parse_date(s).map_err(|m| at(path, line, "submitted", m))?,
                ),
                None => defaults
                    .submitted
                    .map_or(start.plus_days(-30), Timestamp::start_of_day),
            };
            rows.push(BatchRow {
                id,
                crs,
                membership,
                submitted,
            });
        }
        if rows.is_empty() {
            return Err(at(
                path,
                2,
                "row",
                "expected at least one candidate, found none",
            ));
        }
        Ok(rows)
    }

    /// Judges every row on the same runs ([`MonteCarlo::judge`]), with the runs, seed and
    /// horizon of `request`; `progress` gets the runs done after each batch of runs.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a row whose profile has expired at the start,
    /// and as [`ScenarioRun::new`].
    pub fn run(
        scenario: &Scenario,
        rows: Vec<BatchRow>,
        request: &ChanceRequest,
        progress: impl FnMut(&crate::montecarlo::Progress),
    ) -> Result<Batch> {
        let mc = MonteCarlo::new(request.runs, request.seed);
        Batch::build(scenario, rows, request, |model, candidates| {
            Ok(mc.judge(model, candidates, request.horizon_days, progress))
        })
    }

    /// The counts of the runs with indices in `runs` only: one shard
    /// ([`crate::montecarlo::Shard`]) of the judgement [`Batch::run`] makes. The counts of
    /// shards that cover `0..request.runs` merge ([`JudgedCounts::merge`]) into those of the
    /// whole batch, and [`Batch::from_counts`] reads the batch from them.
    ///
    /// # Errors
    /// As [`Batch::run`], or [`ErrorKind::InvalidSimulation`] when `runs` is not within
    /// `0..request.runs`.
    pub fn count_runs(
        scenario: &Scenario,
        rows: Vec<BatchRow>,
        request: &ChanceRequest,
        runs: std::ops::Range<u64>,
    ) -> Result<JudgedCounts> {
        super::chance::within_runs(&runs, request.runs)?;
        let mc = MonteCarlo::new(request.runs, request.seed);
        let batch = Batch::build(scenario, rows, request, |model, candidates| {
            Ok(mc.judge_runs(model, candidates, request.horizon_days, runs))
        })?;
        Ok(batch.counts)
    }

    /// The batch of `rows` read from `counts`, the merged counts of all the runs of
    /// `request`: the same, bit for bit, as [`Batch::run`] gives.
    ///
    /// # Errors
    /// As [`Batch::run`], or [`ErrorKind::InvalidSimulation`] when the counts are not of as
    /// many candidates as rows, or not of all the request's runs.
    pub fn from_counts(
        scenario: &Scenario,
        rows: Vec<BatchRow>,
        request: &ChanceRequest,
        counts: JudgedCounts,
    ) -> Result<Batch> {
        Batch::build(scenario, rows, request, |_, candidates| {
            let mut whole = JudgedCounts {
                invited: vec![0; candidates.len()],
                ..JudgedCounts::default()
            };
            whole.merge(&counts)?;
            if whole.runs != request.runs {
                return Err(crate::error::invalid_simulation(
                    "batch counts",
                    format!("the counts of all {} runs of the request", request.runs),
                    format!("counts of {} runs", whole.runs),
                ));
            }
            Ok(whole)
        })
    }

    /// The batch of `rows` with the counts `count` makes on the request's model and judged
    /// candidates.
    fn build(
        scenario: &Scenario,
        rows: Vec<BatchRow>,
        request: &ChanceRequest,
        count: impl FnOnce(&ScenarioRun<'_>, &[Judged]) -> Result<JudgedCounts>,
    ) -> Result<Batch> {
        let model = ScenarioRun::new(scenario, None, request.horizon_days)?;
        let validity = model.profile_validity();
        let mut candidates = Vec::with_capacity(rows.len());
        let mut eligibility = Vec::with_capacity(rows.len());
        for r in &rows {
            let e = r.membership.eligibility(model.categories())?;
            if validity.after(r.submitted) <= model.start() {
                return Err(ErrorKind::InvalidSimulation {
                    what: "submission",
                    expected: format!(
                        "batch row {}: within {validity} before the start {}",
                        r.id,
                        model.start()
                    ),
                    found: r.submitted.to_string(),
                }
                .into());
            }
            eligibility.push(e);
            candidates.push(Judged {
                point: Point {
                    eligibility: e,
                    score: r.crs,
                },
                submitted: r.submitted,
            });
        }
        let counts = count(&model, &candidates)?;
        let mut families: Vec<(Family, Target)> = counts
            .with_round
            .keys()
            .map(|t| {
                (
                    Family::of_target(*t, model.categories()).unwrap_or(Family::OTHER),
                    *t,
                )
            })
            .collect();
        families.sort();
        Ok(Batch {
            rows,
            counts,
            families,
            eligibility,
        })
    }

    /// The families that can reach row `i`.
    fn reaching(&self, i: usize) -> impl Iterator<Item = &(Family, Target)> {
        let e = self.eligibility[i];
        self.families.iter().filter(move |(_, t)| t.matches(e))
    }

    /// One CSV row per candidate: `id,crs,nominee,p,lo,hi`, then `no_round_FAMILY` for each
    /// family seen (empty where it cannot reach the candidate).
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("id,crs,nominee,p,lo,hi");
        for (f, _) in &self.families {
            out.push_str(&format!(",no_round_{f}"));
        }
        out.push('\n');
        for (i, r) in self.rows.iter().enumerate() {
            let Some(c) = self.counts.chance(i) else {
                continue;
            };
            let id = if r.id.contains([',', '"', '\n']) {
                format!("\"{}\"", r.id.replace('"', "\"\""))
            } else {
                r.id.clone()
            };
            out.push_str(&format!(
                "{id},{},{},{:.4},{:.4},{:.4}",
                r.crs,
                r.membership.nominee(),
                c.p,
                c.lo,
                c.hi
            ));
            let reaching: Vec<Target> = self.reaching(i).map(|(_, t)| *t).collect();
            for (_, t) in &self.families {
                if reaching.contains(t) {
                    out.push_str(&format!(",{:.4}", self.counts.no_round(*t).p));
                } else {
                    out.push(',');
                }
            }
            out.push('\n');
        }
        out
    }

    /// One JSON document: `runs`, `seed`, `horizon_days`, `as_of`, and `candidates` [{`id`,
    /// `crs`, `nominee`, `programs`, `categories`, `submitted`, `p`, `lo`, `hi`, `no_round`
    /// {FAMILY: {`p`, `lo`, `hi`}} for the families that can reach it}].
    #[must_use]
    pub fn to_json(&self, scenario: &Scenario, request: &ChanceRequest) -> Value {
        let candidates: Vec<Value> = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let c = self.counts.chance(i)?;
                let no_round: serde_json::Map<String, Value> = self
                    .reaching(i)
                    .map(|(f, t)| {
                        let n = self.counts.no_round(*t);
                        (f.to_string(), json!({"p": n.p, "lo": n.lo, "hi": n.hi}))
                    })
                    .collect();
                Some(json!({
                    "id": r.id, "crs": r.crs.get(), "nominee": r.membership.nominee(),
                    "programs": super::chance::program_names(r.membership.programs()),
                    "categories": r.membership.categories(), "submitted": r.submitted.date().to_string(),
                    "p": c.p, "lo": c.lo, "hi": c.hi, "no_round": no_round,
                }))
            })
            .collect();
        json!({
            "runs": self.counts.runs, "seed": request.seed, "horizon_days": request.horizon_days,
            "as_of": scenario.as_of().to_string(),
            "candidates": candidates,
        })
    }
}
