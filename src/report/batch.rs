//! A batch: many candidates of a CSV file judged on the same simulated futures. A row's
//! problem is that row's status, never the batch's end.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::{Value, json};

use super::{ChanceRequest, Window};
use crate::crs::Profile;
use crate::error::{Error, ErrorKind, Result};
use crate::family::{Family, Membership};
use crate::montecarlo::{Interval, Judged, JudgedCounts, MonteCarlo, Point, RunModel, Windows};
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchRow {
    /// The row's id.
    pub id: String,
    /// The score (from `crs`, or the profile scored on its own `assessed_on`).
    pub crs: CrsScore,
    /// Programs, categories and nomination (a profile adds French and its nomination).
    pub membership: Membership,
    /// IRCC categories of the row the scenario holds no round for: assumed to hold none.
    pub dormant: Vec<Family>,
    /// Submission.
    pub submitted: Timestamp,
}

/// One line of a batch file: its candidate, or what is wrong with it (`line N, field F:
/// expected ..., found ...`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchEntry {
    /// The 1-based line of the file (the header is line 1).
    pub line: u64,
    /// The row's id as written (empty when it has none).
    pub id: String,
    /// The candidate, or the row's error.
    pub row: std::result::Result<BatchRow, String>,
}

/// One judged row: its entry, and where its counts are.
#[derive(Clone, Debug)]
struct Judgement {
    /// The candidate's index in the counts.
    index: usize,
    /// When its profile expires.
    expires: Date,
    /// Its families (those it can be invited by), each with its round target, or none for a
    /// dormant category.
    families: Vec<(Family, Option<crate::draw::Target>)>,
}

/// Every row's estimate, on the same runs: each row's chance in each window from today, or
/// its error.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The rows, in file order; an entry that failed when judged (an expired profile) carries
    /// that error.
    pub entries: Vec<BatchEntry>,
    /// The counts of the rows judged.
    pub counts: JudgedCounts,
    /// The windows from today: the months asked for, then the horizon.
    pub windows: Vec<Window>,
    /// The day the rows ask on.
    pub today: Date,
    /// The scenario's date.
    pub as_of: Date,
    /// Where the scenario's figures come from.
    pub source: String,
    /// The families of the rows, in eesim's order: the CSV's `no_round_FAMILY` columns.
    pub families: Vec<Family>,
    judged: Vec<Option<Judgement>>,
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

/// A row's own error: `line N, field F: message`.
fn row_error(line: u64, field: &str, message: impl std::fmt::Display) -> String {
    format!("line {line}, field {field}: {message}")
}

/// Names separated by `,` or `;`, trimmed and lower-cased; empty names left out.
fn names(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The `3m` of a window's columns (`p_3m`), or nothing for the horizon (`p`).
fn suffix(w: &Window) -> String {
    w.months.map_or_else(String::new, |m| format!("_{m}m"))
}

/// The families in eesim's display order: the program families, then categories by name.
fn family_order(f: &Family) -> (usize, String) {
    let rank = Family::NOT_CATEGORIES
        .iter()
        .position(|g| g == f)
        .unwrap_or(Family::NOT_CATEGORIES.len());
    (rank, f.to_string())
}

impl Batch {
    /// Reads the batch file at `path`: a header naming some of the columns `id`, `crs`,
    /// `profile`, `programs`, `categories`, `nominee`, `submitted` (`id` among them), then
    /// one candidate per line with `crs` or `profile` (a CRS profile file, relative to the
    /// batch file). Empty cells take the programs, categories, nominee and submission of
    /// `defaults`; categories must be the scenario's or another of IRCC's (dormant in the
    /// scenario: [`super::split_categories`]).
    ///
    /// A row's problem (an unknown program or category, a bad score, a profile that cannot
    /// be read, an id that another row has too) is that row's entry, and the other rows are
    /// read on.
    ///
    /// # Errors
    /// [`ErrorKind::Batch`] for a problem of the whole file (its header, a file of
    /// semicolon-separated columns, no row), [`ErrorKind::Io`] when it cannot be read.
    pub fn read(
        path: &Path,
        scenario: &Scenario,
        defaults: &ChanceRequest,
    ) -> Result<Vec<BatchEntry>> {
        let text =
            crate::input::read_text(path, crate::input::FILE_LIMIT).map_err(|e| ErrorKind::Io {
                context: format!("reading batch {}", path.display()),
                source: crate::error::Cause::new(e),
            })?;
        let first = text.lines().next().unwrap_or("");
        if !first.contains(',') && first.contains(';') {
            return Err(at(
                path,
                1,
                "header",
                format!(
                    "expected columns separated by commas, found semicolons ({first:?}): save the sheet as CSV with commas (in a spreadsheet, \"CSV UTF-8 (comma delimited)\"); lists inside a cell may use ;"
                ),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
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
        let mut entries = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    entries.push(BatchEntry {
                        line,
                        id: String::new(),
                        row: Err(row_error(line, "row", e)),
                    });
                    continue;
                }
            };
            let cell = |name: &str| {
                headers
                    .iter()
                    .position(|h| h == name)
                    .and_then(|k| record.get(k))
                    .filter(|v| !v.is_empty())
            };
            let id = cell("id").unwrap_or("").to_string();
            let row = if record.len() != headers.len() {
                Err(row_error(
                    line,
                    "row",
                    format!(
                        "expected {} fields as in the header, found {}",
                        headers.len(),
                        record.len()
                    ),
                ))
            } else {
                read_row(&cell, line, &base, scenario, defaults)
            };
            entries.push(BatchEntry { line, id, row });
        }
        if entries.is_empty() {
            return Err(at(
                path,
                2,
                "row",
                "expected at least one candidate, found none",
            ));
        }
        // An id on two rows is an error on each: which of them is the client is not known.
        for k in 0..entries.len() {
            let id = entries[k].id.clone();
            if id.is_empty() {
                continue;
            }
            let others: Vec<String> = entries
                .iter()
                .enumerate()
                .filter(|(j, e)| *j != k && e.id == id)
                .map(|(_, e)| e.line.to_string())
                .collect();
            if !others.is_empty() && entries[k].row.is_ok() {
                let line = entries[k].line;
                entries[k].row = Err(row_error(
                    line,
                    "id",
                    format!(
                        "expected an id of its own, found {id:?}, also on line {}",
                        others.join(", ")
                    ),
                ));
            }
        }
        Ok(entries)
    }

    /// Judges every readable row on the same runs ([`MonteCarlo::judge`]), with the runs,
    /// seed, today and horizon of `request`: each row's chance within each of `months`
    /// calendar months from today and within the horizon, among the runs with no invitation
    /// of it before today. The runs go on to the longest window. A row whose profile has
    /// expired by today, or that was submitted after the runs end, gets that error as its
    /// entry. `progress` gets the runs done after each batch of runs.
    ///
    /// # Errors
    /// As [`ScenarioRun::new`] and [`Window::months`].
    pub fn run(
        scenario: &Scenario,
        entries: Vec<BatchEntry>,
        request: &ChanceRequest,
        months: &[u32],
        progress: impl FnMut(&crate::montecarlo::Progress),
    ) -> Result<Batch> {
        let mc = MonteCarlo::new(request.runs, request.seed);
        Batch::build(
            scenario,
            entries,
            request,
            months,
            |model, candidates, windows| Ok(mc.judge(model, candidates, windows, progress)),
        )
    }

    /// The counts of the runs with indices in `runs` only, for the batch [`Batch::run`]
    /// judges: one shard ([`crate::montecarlo::Shard`]). The counts of shards that cover
    /// `0..request.runs` merge ([`JudgedCounts::merge`]) into those of the whole batch, bit
    /// for bit, and [`Batch::from_counts`] reads the batch from them.
    ///
    /// # Errors
    /// As [`Batch::run`], or [`ErrorKind::InvalidSimulation`] when `runs` is not within
    /// `0..request.runs`.
    pub fn count_runs(
        scenario: &Scenario,
        entries: Vec<BatchEntry>,
        request: &ChanceRequest,
        months: &[u32],
        runs: std::ops::Range<u64>,
    ) -> Result<JudgedCounts> {
        super::chance::within_runs(&runs, request.runs)?;
        let mc = MonteCarlo::new(request.runs, request.seed);
        let batch = Batch::build(
            scenario,
            entries,
            request,
            months,
            |model, candidates, windows| Ok(mc.judge_runs(model, candidates, windows, runs)),
        )?;
        Ok(batch.counts)
    }

    /// The batch [`Batch::run`] gives, read from `counts`, the merged counts of all its runs.
    ///
    /// # Errors
    /// As [`Batch::run`], or [`ErrorKind::InvalidSimulation`] when the counts are not those
    /// of this batch (other windows, another number of rows judged, or of runs).
    pub fn from_counts(
        scenario: &Scenario,
        entries: Vec<BatchEntry>,
        request: &ChanceRequest,
        months: &[u32],
        counts: JudgedCounts,
    ) -> Result<Batch> {
        Batch::build(
            scenario,
            entries,
            request,
            months,
            |_, candidates, windows| {
                if counts.windows != *windows
                    || counts.before.len() != candidates.len()
                    || counts.runs != request.runs
                {
                    return Err(crate::error::invalid_simulation(
                        "judged counts",
                        format!(
                            "the counts of all {} runs of {} rows over the windows {:?}",
                            request.runs,
                            candidates.len(),
                            windows.ends()
                        ),
                        format!(
                            "counts of {} runs of {} rows over the windows {:?}",
                            counts.runs,
                            counts.before.len(),
                            counts.windows.ends()
                        ),
                    ));
                }
                Ok(counts)
            },
        )
    }

    /// The batch of `entries` with the counts `count` makes on the request's model, the rows
    /// judged and the windows.
    fn build(
        scenario: &Scenario,
        mut entries: Vec<BatchEntry>,
        request: &ChanceRequest,
        months: &[u32],
        count: impl FnOnce(&ScenarioRun<'_>, &[Judged], &Windows) -> Result<JudgedCounts>,
    ) -> Result<Batch> {
        let today = request.today_on(scenario);
        let lead = request.lead_days(scenario);
        let mut windows = Vec::new();
        for m in months {
            windows.push(Window::months(today, *m)?);
        }
        windows.sort_by_key(|w| w.days);
        windows.dedup();
        let longest = windows.last().map_or(0, |w| w.days);
        let horizon = request.horizon_days.max(longest);
        if windows.last().is_none_or(|w| w.days != horizon) {
            windows.push(Window::days(today, horizon)?);
        }
        let model = ScenarioRun::new(scenario, None, lead.saturating_add(horizon))?;
        let validity = model.profile_validity();
        let asked = Timestamp::start_of_day(today).max(model.start());
        let end = model
            .start()
            .plus_days(i64::from(lead.saturating_add(horizon)));
        let mut candidates = Vec::new();
        let mut judged = Vec::with_capacity(entries.len());
        for entry in &mut entries {
            let Ok(r) = &entry.row else {
                judged.push(None);
                continue;
            };
            let expires = validity.after(r.submitted);
            let problem = if expires <= asked {
                Some(format!(
                    "expected a profile still in the pool on {} (a profile stays {validity}), found one submitted {} that expired on {}",
                    asked.date(),
                    r.submitted.date(),
                    expires.date()
                ))
            } else if r.submitted > end {
                Some(format!(
                    "expected a submission by {} (today plus the horizon), found {}",
                    end.date(),
                    r.submitted.date()
                ))
            } else {
                None
            };
            let eligibility = r.membership.eligibility(model.categories());
            let (Ok(eligibility), None) = (&eligibility, &problem) else {
                let message = problem.unwrap_or_else(|| match eligibility {
                    Err(e) => e.to_string(),
                    Ok(_) => String::new(),
                });
                entry.row = Err(row_error(entry.line, "submitted", message));
                judged.push(None);
                continue;
            };
            let mut families = Vec::new();
            for f in r.membership.families() {
                families.push((f.clone(), Some(f.target(model.categories())?)));
            }
            families.extend(r.dormant.iter().map(|f| (f.clone(), None)));
            judged.push(Some(Judgement {
                index: candidates.len(),
                expires: expires.date(),
                families,
            }));
            candidates.push(Judged {
                point: Point {
                    eligibility: *eligibility,
                    score: r.crs,
                },
                submitted: r.submitted,
            });
        }
        let ends = windows.iter().map(|w| lead + w.days).collect();
        let counts = count(&model, &candidates, &Windows::new(lead, ends)?)?;
        let mut families: Vec<Family> = judged
            .iter()
            .flatten()
            .flat_map(|j| j.families.iter().map(|f| f.0.clone()))
            .collect();
        families.sort_by_key(family_order);
        families.dedup();
        Ok(Batch {
            entries,
            counts,
            windows,
            today,
            as_of: scenario.as_of(),
            source: scenario.source().to_string(),
            families,
            judged,
        })
    }

    /// The rows that failed, as `(line, id, error)`, in file order.
    #[must_use]
    pub fn failures(&self) -> Vec<(u64, &str, &str)> {
        self.entries
            .iter()
            .filter_map(|e| {
                e.row
                    .as_ref()
                    .err()
                    .map(|m| (e.line, e.id.as_str(), m.as_str()))
            })
            .collect()
    }

    /// The chance of no round within the horizon of a family of judged row `j`.
    fn no_round(&self, family: &(Family, Option<crate::draw::Target>)) -> Interval {
        match family.1 {
            Some(t) => self.counts.no_round(t),
            None => Interval::wilson(self.counts.runs, self.counts.runs),
        }
    }

    /// One CSV row per line of the file, in order: `id,status,crs,nominee,programs,
    /// categories,submitted,in_pool_from,expires,conditioned_runs`, then `p_Nm,lo_Nm,hi_Nm`
    /// for each month window and `p,lo,hi` for the horizon, then `no_round_FAMILY` for each
    /// family of the rows (empty where the family is not the row's). A failed row has its
    /// id, its status (the error) and empty figures.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "id,status,crs,nominee,programs,categories,submitted,in_pool_from,expires,conditioned_runs",
        );
        for w in &self.windows {
            let x = suffix(w);
            out.push_str(&format!(",p{x},lo{x},hi{x}"));
        }
        for f in &self.families {
            out.push_str(&format!(",no_round_{f}"));
        }
        out.push('\n');
        let blank = 8 + 3 * self.windows.len() + self.families.len();
        for (e, j) in self.entries.iter().zip(&self.judged) {
            out.push_str(&csv_cell(&e.id));
            let (Ok(r), Some(j)) = (&e.row, j) else {
                let status = e.row.as_ref().err().map_or("", String::as_str);
                out.push(',');
                out.push_str(&csv_cell(status));
                out.push_str(&",".repeat(blank));
                out.push('\n');
                continue;
            };
            let categories: Vec<String> = r
                .membership
                .categories()
                .iter()
                .chain(&r.dormant)
                .map(ToString::to_string)
                .collect();
            out.push_str(&format!(
                ",ok,{},{},{},{},{},{},{},{}",
                r.crs,
                r.membership.nominee(),
                csv_cell(&super::chance::program_names(r.membership.programs()).join(";")),
                csv_cell(&categories.join(";")),
                r.submitted.date(),
                r.submitted.date().max(self.as_of),
                j.expires,
                self.counts.conditioned_runs(j.index).unwrap_or(0),
            ));
            for w in 0..self.windows.len() {
                let c = self
                    .counts
                    .chance(j.index, w)
                    .unwrap_or(Interval::wilson(0, 0));
                out.push_str(&format!(",{:.4},{:.4},{:.4}", c.p, c.lo, c.hi));
            }
            for f in &self.families {
                match j.families.iter().find(|g| g.0 == *f) {
                    Some(g) => out.push_str(&format!(",{:.4}", self.no_round(g).p)),
                    None => out.push(','),
                }
            }
            out.push('\n');
        }
        out
    }

    /// One JSON document: `today`, `as_of`, `source`, `runs`, `seed`, `horizon_days`,
    /// `windows` [{`months`, `days`, `until`}], and `rows` [{`line`, `id`, `status` (`ok` or
    /// the row's error), and for a row judged: `crs`, `nominee`, `programs`, `categories`,
    /// `dormant_categories`, `submitted`, `in_pool_from`, `expires`, `conditioned_runs`,
    /// `p`, `lo`, `hi` (the horizon), `by_month` [{`months`, `days`, `until`, `p`, `lo`,
    /// `hi`}], `no_round` {FAMILY: {`p`, `lo`, `hi`}}, `assumptions`}]. The caller adds
    /// `data` (where the scenario's data came from).
    #[must_use]
    pub fn to_json(&self, request: &ChanceRequest) -> Value {
        let rows: Vec<Value> = self
            .entries
            .iter()
            .zip(&self.judged)
            .map(|(e, j)| {
                let (Ok(r), Some(j)) = (&e.row, j) else {
                    let status = e.row.as_ref().err().cloned().unwrap_or_default();
                    return json!({"line": e.line, "id": e.id, "status": status});
                };
                let chance = |w: usize| {
                    self.counts
                        .chance(j.index, w)
                        .unwrap_or(Interval::wilson(0, 0))
                };
                let horizon = chance(self.windows.len() - 1);
                let by_month: Vec<Value> = self
                    .windows
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.months.is_some())
                    .map(|(k, w)| {
                        let c = chance(k);
                        json!({"months": w.months, "days": w.days, "until": w.until.to_string(),
                            "p": c.p, "lo": c.lo, "hi": c.hi})
                    })
                    .collect();
                let no_round: serde_json::Map<String, Value> = j
                    .families
                    .iter()
                    .map(|f| {
                        let n = self.no_round(f);
                        (f.0.to_string(), json!({"p": n.p, "lo": n.lo, "hi": n.hi}))
                    })
                    .collect();
                let assumptions: Vec<String> = r
                    .dormant
                    .iter()
                    .map(|f| super::dormant_assumption(f, self.as_of))
                    .collect();
                json!({
                    "line": e.line, "id": e.id, "status": "ok",
                    "crs": r.crs.get(), "nominee": r.membership.nominee(),
                    "programs": super::chance::program_names(r.membership.programs()),
                    "categories": r.membership.categories(), "dormant_categories": r.dormant,
                    "submitted": r.submitted.date().to_string(),
                    "in_pool_from": r.submitted.date().max(self.as_of).to_string(),
                    "expires": j.expires.to_string(),
                    "conditioned_runs": self.counts.conditioned_runs(j.index),
                    "p": horizon.p, "lo": horizon.lo, "hi": horizon.hi,
                    "by_month": by_month, "no_round": no_round, "assumptions": assumptions,
                })
            })
            .collect();
        json!({
            "today": self.today.to_string(), "as_of": self.as_of.to_string(),
            "source": self.source,
            "runs": self.counts.runs, "seed": request.seed,
            "horizon_days": self.windows.last().map_or(0, |w| w.days),
            "windows": self.windows.iter().map(|w| json!({"months": w.months, "days": w.days, "until": w.until.to_string()})).collect::<Vec<_>>(),
            "rows": rows,
        })
    }
}

/// Reads one row's candidate from its cells, or says what is wrong with it.
fn read_row<'a>(
    cell: &dyn Fn(&str) -> Option<&'a str>,
    line: u64,
    base: &Path,
    scenario: &Scenario,
    defaults: &ChanceRequest,
) -> std::result::Result<BatchRow, String> {
    let id = cell("id")
        .ok_or_else(|| row_error(line, "id", "expected an id, found nothing"))?
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
                .map_err(|m| row_error(line, "programs", m))?;
            }
            list
        }
        None => super::chance::program_names(defaults.membership.programs()),
    };
    let (categories, mut dormant) = match cell("categories") {
        Some(c) => super::split_categories(scenario, &names(c))
            .map_err(|m| row_error(line, "categories", m))?,
        None => (
            defaults
                .membership
                .categories()
                .iter()
                .map(Family::to_string)
                .collect(),
            defaults.dormant.clone(),
        ),
    };
    let nominee = match cell("nominee").map(str::to_lowercase).as_deref() {
        None => defaults.membership.nominee(),
        Some("true" | "yes" | "1") => true,
        Some("false" | "no" | "0") => false,
        Some(other) => {
            return Err(row_error(
                line,
                "nominee",
                format!("expected true or false, found {other:?}"),
            ));
        }
    };
    // `pnp` among the programs makes a nominee whatever the nominee cell says.
    let mut membership = Membership::from_names(&programs, &categories)
        .map_err(|e| row_error(line, "programs", e))?;
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
                row_error(
                    line,
                    "crs",
                    format!("expected a CRS score from 0 to 1200, found {}", c.trim()),
                )
            })?,
        (None, Some(p)) => {
            let file: PathBuf = base.join(p);
            let profile = Profile::from_path(&file).map_err(|e| row_error(line, "profile", e))?;
            membership = profile.membership(membership);
            profile
                .breakdown()
                .map_err(|e| row_error(line, "profile", e))?
                .total
        }
        (Some(_), Some(_)) => {
            return Err(row_error(
                line,
                "crs",
                "expected crs or profile, found both",
            ));
        }
        (None, None) => {
            return Err(row_error(
                line,
                "crs",
                "expected crs or profile, found neither",
            ));
        }
    };
    if membership.nominee() && crs.get() < 600 {
        return Err(row_error(
            line,
            "crs",
            format!(
                "expected a score of at least 600 for a provincial nominee (a nomination adds 600 points), found {crs}"
            ),
        ));
    }
    let submitted = match cell("submitted") {
        Some(s) => Timestamp::start_of_day(
            crate::time::parse_date(s).map_err(|m| row_error(line, "submitted", m))?,
        ),
        None => match defaults.submitted {
            Some(d) => Timestamp::start_of_day(d),
            None => Timestamp::start_of_day(scenario.as_of()).plus_days(-30),
        },
    };
    dormant.dedup();
    Ok(BatchRow {
        id,
        crs,
        membership,
        dormant,
        submitted,
    })
}
