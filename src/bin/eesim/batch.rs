//! `eesim chance --batch FILE.csv`: many candidates judged on the same simulated futures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use eesim::crs::Profile;
use eesim::montecarlo::{Judged, MonteCarlo, Point, RunModel};
use eesim::report::ChanceRequest;
use eesim::scenario::{Scenario, ScenarioRun};
use eesim::{CrsScore, Eligibility, Program, Target, Timestamp};

use crate::parse;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The columns of a batch file, in any order; `crs` or `profile` on each row.
const COLUMNS: [&str; 7] = [
    "id",
    "crs",
    "profile",
    "programs",
    "categories",
    "nominee",
    "submitted",
];

/// One candidate of the file.
#[derive(Debug)]
pub(crate) struct Row {
    /// The row's id.
    pub(crate) id: String,
    /// The score (from `crs`, or the profile scored on its own `assessed_on`).
    pub(crate) crs: u16,
    /// A provincial nominee.
    pub(crate) nominee: bool,
    /// Program names.
    pub(crate) programs: Vec<String>,
    /// Category names, as the scenario spells them.
    pub(crate) categories: Vec<String>,
    /// Submission.
    pub(crate) submitted: Timestamp,
}

/// Every candidate's estimate.
#[derive(Debug)]
pub(crate) struct Batch {
    /// The rows, in file order.
    pub(crate) rows: Vec<Row>,
    /// The counts.
    pub(crate) counts: eesim::montecarlo::JudgedCounts,
    /// Families with a target, in name order.
    pub(crate) families: Vec<(String, Target)>,
    /// The eligibility of each row.
    eligibility: Vec<Eligibility>,
    /// Seconds the runs took.
    pub(crate) seconds: f64,
}

/// `at line N, field F: ...`.
fn at(path: &Path, line: u64, field: &str, message: impl std::fmt::Display) -> Error {
    format!(
        "batch {}, line {line}, field {field}: {message}",
        path.display()
    )
    .into()
}

/// Reads the batch file, with the command line's programs, categories, nominee and
/// submission as defaults for empty cells.
pub(crate) fn read(
    path: &Path,
    scenario: &Scenario,
    defaults: &ChanceRequest,
) -> Result<Vec<Row>, Error> {
    let text = eesim::input::read_text(path, eesim::input::FILE_LIMIT)
        .map_err(|e| format!("reading batch {}: {e}", path.display()))?;
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
        parse::known(
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
    let names: Vec<&str> = scenario.categories().names().collect();
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
        let mut programs = match cell("programs") {
            Some(p) => {
                parse::programs(p)
                    .map_err(|m| at(path, line, "programs", m))?
                    .0
            }
            None => defaults.programs.clone(),
        };
        let mut categories = match cell("categories") {
            Some(c) => parse::list(c)
                .map_err(|m| at(path, line, "categories", m))?
                .0
                .iter()
                .map(|c| {
                    parse::known(c, &names, &format!("one of {}", names.join(", ")))
                        .map(str::to_string)
                        .map_err(|m| at(path, line, "categories", m))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => defaults.categories.clone(),
        };
        let mut nominee = match cell("nominee").map(str::to_lowercase).as_deref() {
            None => defaults.nominee,
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
        let crs = match (cell("crs"), cell("profile")) {
            (Some(c), None) => parse::crs(c).map_err(|m| at(path, line, "crs", m))?,
            (None, Some(p)) => {
                let file: PathBuf = base.join(p);
                let profile =
                    Profile::from_path(&file).map_err(|e| at(path, line, "profile", e))?;
                nominee |= profile.provincial_nomination;
                if eesim::crs::qualifies_for_french(&profile)
                    && !categories.iter().any(|c| c == "french")
                {
                    categories.push("french".into());
                }
                profile
                    .breakdown()
                    .map_err(|e| at(path, line, "profile", e))?
                    .total
                    .get()
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
        if programs.iter().any(|p| p == "pnp") {
            nominee = true;
            programs.retain(|p| p != "pnp");
        }
        if nominee && crs < 600 {
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
            Some(s) => {
                Timestamp::start_of_day(parse::date(s).map_err(|m| at(path, line, "submitted", m))?)
            }
            None => defaults
                .submitted
                .map_or(start.plus_days(-30), Timestamp::start_of_day),
        };
        rows.push(Row {
            id,
            crs,
            nominee,
            programs,
            categories,
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

/// Judges every row on the same runs.
pub(crate) fn run(
    scenario: &Scenario,
    rows: Vec<Row>,
    request: &ChanceRequest,
    progress: impl FnMut(u64),
) -> Result<Batch, Error> {
    let model = ScenarioRun::new(scenario, None, request.horizon_days)?;
    let validity = model.profile_validity();
    let mut candidates = Vec::with_capacity(rows.len());
    let mut eligibility = Vec::with_capacity(rows.len());
    for r in &rows {
        let mut e = Program::ALL
            .into_iter()
            .filter(|p| r.programs.iter().any(|n| n == p.name()))
            .fold(Eligibility::none(), Eligibility::with_program);
        if r.nominee {
            e = e.with_nomination();
        }
        for c in &r.categories {
            e = e.with_category(model.categories().id(c)?);
        }
        if validity.after(r.submitted) <= model.start() {
            return Err(format!(
                "batch row {}: submission: expected within {validity} before the start {}, found {}",
                r.id,
                model.start(),
                r.submitted
            )
            .into());
        }
        eligibility.push(e);
        candidates.push(Judged {
            point: Point {
                eligibility: e,
                score: CrsScore::new(r.crs)?,
            },
            submitted: r.submitted,
        });
    }
    let clock = Instant::now();
    let counts = MonteCarlo::new(request.runs, request.seed).judge(
        &model,
        &candidates,
        request.horizon_days,
        progress,
    );
    let seconds = clock.elapsed().as_secs_f64();
    let mut families: Vec<(String, Target)> = counts
        .with_round
        .keys()
        .map(|t| {
            let name = match *t {
                Target::Category(c) => model.categories().name(c).to_string(),
                other => scenario.family_of(other).unwrap_or_else(|| "other".into()),
            };
            (name, *t)
        })
        .collect();
    families.sort();
    Ok(Batch {
        rows,
        counts,
        families,
        eligibility,
        seconds,
    })
}

impl Batch {
    /// The families that can reach row `i`.
    fn reaching(&self, i: usize) -> impl Iterator<Item = &(String, Target)> {
        let e = self.eligibility[i];
        self.families.iter().filter(move |(_, t)| t.matches(e))
    }

    /// One CSV row per candidate: `id,crs,nominee,p,lo,hi`, then `no_round_FAMILY` for each
    /// family seen (empty where it cannot reach the candidate).
    pub(crate) fn to_csv(&self) -> String {
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
                r.crs, r.nominee, c.p, c.lo, c.hi
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

    /// One JSON document: `runs`, `seed`, `horizon_days`, `as_of`, `seconds`, and
    /// `candidates` [{`id`, `crs`, `nominee`, `programs`, `categories`, `submitted`, `p`, `lo`,
    /// `hi`, `no_round` {FAMILY: {`p`, `lo`, `hi`}} for the families that can reach it}].
    pub(crate) fn to_json(
        &self,
        scenario: &Scenario,
        request: &ChanceRequest,
    ) -> serde_json::Value {
        let candidates: Vec<serde_json::Value> = self
            .rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let c = self.counts.chance(i)?;
                let no_round: serde_json::Map<String, serde_json::Value> = self
                    .reaching(i)
                    .map(|(f, t)| {
                        let n = self.counts.no_round(*t);
                        (
                            f.clone(),
                            serde_json::json!({"p": n.p, "lo": n.lo, "hi": n.hi}),
                        )
                    })
                    .collect();
                Some(serde_json::json!({
                    "id": r.id, "crs": r.crs, "nominee": r.nominee, "programs": r.programs,
                    "categories": r.categories, "submitted": r.submitted.date().to_string(),
                    "p": c.p, "lo": c.lo, "hi": c.hi, "no_round": no_round,
                }))
            })
            .collect();
        serde_json::json!({
            "runs": self.counts.runs, "seed": request.seed, "horizon_days": request.horizon_days,
            "as_of": scenario.as_of().to_string(), "seconds": self.seconds,
            "candidates": candidates,
        })
    }
}
